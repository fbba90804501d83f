#!/usr/bin/env python3
"""Mark one version requirement of an ELF shared object weak (VER_FLG_WEAK), in place.

Why: TorchSharp 0.107.0's libLibTorchSharp.so lists GLIBCXX_3.4.32 among the versions it needs from
libstdc++.so.6. Debian 12 ships GCC 12's libstdc++ (up to GLIBCXX_3.4.30), so the dynamic loader refuses the
library ("version `GLIBCXX_3.4.32' not found"). The only symbol bound to that version is never called by the
code paths TorchSharp uses, so the requirement can be relaxed: glibc's loader only *warns* about a missing
version whose vernaux entry has VER_FLG_WEAK (0x2) in vna_flags, and still binds every symbol it can. A symbol
that really is missing would still fail at the call (lazy binding) - never silently misbehave.

What it touches: exactly one 16-bit vna_flags field, the one of the vernaux entry whose name is the requested
version (under the verneed entry of the requested file). Nothing else in the file changes. Running it twice is
a no-op (it reports "already weak"). It works on a copy you pass it; the harness patches the copy in its own
build output, never the NuGet cache.

Why Python 3 (the Debian base's python3, standard library only): it must run before the .NET harness can load
anything, it is ~100 lines of struct parsing, and it needs no build step; the set-up script calls it after
`dotnet build`. ELF64 little-endian only (the x86-64 and arm64 Linux builds TorchSharp ships).

Usage: elf_weaken_version.py FILE.so [--file libstdc++.so.6] [--version GLIBCXX_3.4.32] [--check]
Exit codes: 0 patched or already weak; 1 bad input (not ELF64 LE, no .gnu.version_r, version not required);
2 with --check when the entry is not weak yet.
"""
import argparse
import struct
import sys

SHT_GNU_VERNEED = 0x6FFFFFFE
VER_FLG_WEAK = 0x2


class ElfError(Exception):
    pass


def _cstr(data, off):
    end = data.index(b"\0", off)
    return data[off:end].decode("ascii", "replace")


def find_vernaux(data, file_name, version):
    """Return (offset of vna_flags, current flags) of the vernaux entry `version` needed from `file_name`."""
    if data[:4] != b"\x7fELF":
        raise ElfError("not an ELF file")
    if data[4] != 2 or data[5] != 1:
        raise ElfError("only ELF64 little-endian is supported")
    e_shoff, = struct.unpack_from("<Q", data, 0x28)
    e_shentsize, e_shnum, _ = struct.unpack_from("<HHH", data, 0x3A)
    if e_shoff == 0 or e_shnum == 0:
        raise ElfError("no section headers")

    def section(i):
        # sh_name, sh_type, sh_flags, sh_addr, sh_offset, sh_size, sh_link, sh_info, sh_addralign, sh_entsize
        return struct.unpack_from("<IIQQQQIIQQ", data, e_shoff + i * e_shentsize)

    found_verneed = False
    for i in range(e_shnum):
        sh = section(i)
        if sh[1] != SHT_GNU_VERNEED:
            continue
        found_verneed = True
        strtab_off = section(sh[6])[4]
        off, count = sh[4], sh[7]
        for _ in range(count):
            vn_version, vn_cnt, vn_file, vn_aux, vn_next = struct.unpack_from("<HHIII", data, off)
            if vn_version != 1:
                raise ElfError(f"unknown verneed version {vn_version}")
            if _cstr(data, strtab_off + vn_file) == file_name:
                aux = off + vn_aux
                for _ in range(vn_cnt):
                    _hash, flags, _other, name, nxt = struct.unpack_from("<IHHII", data, aux)
                    if _cstr(data, strtab_off + name) == version:
                        return aux + 4, flags
                    if nxt == 0:
                        break
                    aux += nxt
            if vn_next == 0:
                break
            off += vn_next
    if not found_verneed:
        raise ElfError("no .gnu.version_r (SHT_GNU_verneed) section")
    raise ElfError(f"{version} is not required from {file_name}")


def weaken(path, file_name, version, check_only=False):
    """Patch `path` in place. Returns 'patched', 'already weak' or (check_only) 'not weak'."""
    with open(path, "rb") as f:
        data = f.read()
    off, flags = find_vernaux(data, file_name, version)
    if flags & VER_FLG_WEAK:
        return "already weak"
    if check_only:
        return "not weak"
    with open(path, "r+b") as f:
        f.seek(off)
        f.write(struct.pack("<H", flags | VER_FLG_WEAK))
    return "patched"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("path")
    ap.add_argument("--file", default="libstdc++.so.6")
    ap.add_argument("--version", default="GLIBCXX_3.4.32")
    ap.add_argument("--check", action="store_true", help="only report; exit 2 if not weak yet")
    a = ap.parse_args(argv)
    try:
        result = weaken(a.path, a.file, a.version, a.check)
    except (ElfError, OSError, ValueError, struct.error) as e:
        print(f"elf_weaken_version: {a.path}: {e}", file=sys.stderr)
        return 1
    print(f"elf_weaken_version: {a.path}: {a.version} from {a.file}: {result}")
    return 2 if result == "not weak" else 0


if __name__ == "__main__":
    sys.exit(main())
