#!/usr/bin/env bash
# Runs the side-by-side harness: set-up (build + libLibTorchSharp.so patch + smoke test), then one fresh process per
# (workload, threads) as WORKLOADS.md asks, then the report bench/results/DATE-peers.md and .json (summary table
# first; bench/peers-readme.sh copies it into README.md).
#   bench/peers-run.sh [--quick] [--workloads "p d w1 w2 w3 w4 w5"] [--threads "1 2"] [--name DATE-peers-SUFFIX]
# --name: the report's file name stem under bench/results (default DATE-peers), so a partial run keeps the full one.
# p: the physical limits P0-P3 (plain C#, LibTorch never loaded), which the summary's fractions of peak and of
# bandwidth need; d: TorchSharp's per-op overhead D1-D3.
# W3 also runs NeuroCore alone (--alone: LibTorch never loaded) so its peak RSS is NeuroCore's own.
# W2, W3 and W5 run a second time with glibc malloc told to keep freed memory (the x_malloc_ figures of WORKLOADS.md).
# --quick: 7 repetitions instead of 9, and a shorter wait for a quiet machine.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
quick=""; workloads="p d w1 w2 w3 w4 w5"; threads="1 2"; name="$(date -u +%Y-%m-%d)-peers"
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick="--quick"; shift ;;
    --workloads) workloads="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --name) name="$2"; shift 2 ;;
    *) echo "usage: $0 [--quick] [--workloads \"p d w1 w2 w3 w4 w5\"] [--threads \"1 2\"] [--name STEM]" >&2; exit 2 ;;
  esac
done

bash "$here/peers-setup.sh"
dll="$here/NeuroCore.Bench.Peers/bin/Release/net10.0/NeuroCore.Bench.Peers.dll"
mkdir -p "$here/results"
stem="$here/results/$name"
lines="$(mktemp)"
trap 'rm -f "$lines"' EXIT
for w in $workloads; do
  extra=""; [ "$w" = w2 ] && extra="--script"
  for t in $threads; do
    echo "== $w, $t thread(s)"
    dotnet "$dll" run --workload "$w" --threads "$t" --out "$lines" $quick $extra
    if [ "$w" = w3 ]; then
      echo "== $w, $t thread(s), NeuroCore alone"
      dotnet "$dll" run --workload "$w" --threads "$t" --out "$lines" $quick --alone
    fi
    if [ "$w" = w2 ] || [ "$w" = w3 ] || [ "$w" = w5 ]; then
      echo "== $w, $t thread(s), malloc keeping freed memory"
      MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=17179869184 MALLOC_TOP_PAD_=268435456 \
        dotnet "$dll" run --workload "$w" --threads "$t" --out "$lines" $quick $extra
    fi
  done
done
dotnet "$dll" report --in "$lines" --md "$stem.md" --json "$stem.json"
