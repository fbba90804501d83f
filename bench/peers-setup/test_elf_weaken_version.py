#!/usr/bin/env python3
"""Tests of elf_weaken_version.py on temporary copies of real ELF files (python3 -m unittest in this folder).

Uses this machine's libstdc++.so.6 (always present on Debian) and, when PEERS_LIBTORCHSHARP points to it, an
unpatched libLibTorchSharp.so."""
import os
import shutil
import subprocess
import tempfile
import unittest

import elf_weaken_version as ewv

LIBSTDCXX = next((p for p in ("/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib/aarch64-linux-gnu/libstdc++.so.6")
                  if os.path.exists(p)), None)


def diff_offsets(a, b):
    with open(a, "rb") as fa, open(b, "rb") as fb:
        da, db = fa.read(), fb.read()
    assert len(da) == len(db)
    return [i for i in range(len(da)) if da[i] != db[i]]


class WeakenTests(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp()

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def copy(self, src):
        dst = os.path.join(self.tmp, os.path.basename(src))
        shutil.copyfile(src, dst)
        return dst

    def check_one_entry(self, src, file_name, version):
        dst = self.copy(src)
        self.assertEqual(ewv.weaken(dst, file_name, version, check_only=True), "not weak")
        self.assertEqual(ewv.weaken(dst, file_name, version), "patched")
        changed = diff_offsets(src, dst)
        with open(dst, "rb") as f:
            off, flags = ewv.find_vernaux(f.read(), file_name, version)
        # Only the low byte of that one vna_flags changes, by exactly VER_FLG_WEAK.
        self.assertEqual(changed, [off])
        self.assertTrue(flags & ewv.VER_FLG_WEAK)
        # Idempotent: a second run changes nothing.
        self.assertEqual(ewv.weaken(dst, file_name, version), "already weak")
        self.assertEqual(diff_offsets(src, dst), [off])
        if shutil.which("readelf"):
            out = subprocess.run(["readelf", "-V", dst], capture_output=True, text=True, check=True).stdout
            weak = [l for l in out.splitlines() if "Flags: WEAK" in l]
            self.assertEqual(len(weak), 1)
            self.assertIn(version, weak[0])

    @unittest.skipUnless(LIBSTDCXX, "no libstdc++.so.6 here")
    def test_weakens_exactly_one_entry_of_libstdcxx(self):
        self.check_one_entry(LIBSTDCXX, "libc.so.6", "GLIBC_2.2.5")

    @unittest.skipUnless(os.environ.get("PEERS_LIBTORCHSHARP"), "PEERS_LIBTORCHSHARP not set")
    def test_weakens_glibcxx_3_4_32_of_libtorchsharp(self):
        self.check_one_entry(os.environ["PEERS_LIBTORCHSHARP"], "libstdc++.so.6", "GLIBCXX_3.4.32")

    @unittest.skipUnless(LIBSTDCXX, "no libstdc++.so.6 here")
    def test_missing_version_is_an_error_and_leaves_file_unchanged(self):
        dst = self.copy(LIBSTDCXX)
        with self.assertRaisesRegex(ewv.ElfError, "GLIBC_9.99 is not required from libc.so.6"):
            ewv.weaken(dst, "libc.so.6", "GLIBC_9.99")
        self.assertEqual(diff_offsets(LIBSTDCXX, dst), [])
        self.assertEqual(ewv.main([dst, "--file", "libc.so.6", "--version", "GLIBC_9.99"]), 1)

    def test_not_elf_is_an_error(self):
        p = os.path.join(self.tmp, "x.so")
        with open(p, "wb") as f:
            f.write(b"not an elf file at all" * 10)
        with self.assertRaisesRegex(ewv.ElfError, "not an ELF"):
            ewv.weaken(p, "libstdc++.so.6", "GLIBCXX_3.4.32")
        self.assertEqual(ewv.main([p]), 1)


if __name__ == "__main__":
    unittest.main()
