#!/usr/bin/env bash
# Set-up of the side-by-side harness (bench/NeuroCore.Bench.Peers): restore TorchSharp-cpu 0.107.0 (LibTorch 2.10 CPU,
# a few hundred MiB, from the NuGet cache after the first time), build the harness in Release, and make the copy of
# libLibTorchSharp.so in the build output loadable on Debian 12.
#
# Why the patch: libLibTorchSharp.so requires GLIBCXX_3.4.32 from libstdc++.so.6; Debian 12's libstdc++ (GCC 12) stops
# at GLIBCXX_3.4.30, so the loader refuses the library. The only symbol bound to 3.4.32 is never called, so
# peers-setup/elf_weaken_version.py sets VER_FLG_WEAK on that one vernaux entry (one 16-bit field; idempotent). The
# loader then only warns if the version is absent. The NuGet cache is never modified: only the build output's copy.
# Skipped when this machine's libstdc++ already provides GLIBCXX_3.4.32.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export NUGET_CERT_REVOCATION_MODE=offline DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
proj="$here/NeuroCore.Bench.Peers/NeuroCore.Bench.Peers.csproj"

dotnet build -c Release "$proj" -nologo -v quiet
out="$here/NeuroCore.Bench.Peers/bin/Release/net10.0"
lib="$out/runtimes/linux-x64/native/libLibTorchSharp.so"
[ -f "$lib" ] || { echo "peers-setup: $lib not found after the build" >&2; exit 1; }

libstdcxx="$(ldconfig -p | awk '/libstdc\+\+\.so\.6 .*x86-64/ {print $NF; exit}')"
if [ -n "$libstdcxx" ] && grep -qa 'GLIBCXX_3\.4\.32' "$libstdcxx"; then
  echo "peers-setup: $libstdcxx provides GLIBCXX_3.4.32; no patch needed"
else
  python3 "$here/peers-setup/elf_weaken_version.py" "$lib" --file libstdc++.so.6 --version GLIBCXX_3.4.32
fi
dotnet "$out/NeuroCore.Bench.Peers.dll" smoke
