#!/usr/bin/env python3
"""Run gtest under Tandem with -icount (1 ns per instruction) and print its
lines that match the pattern given (default: the CPU_SUSPEND and SMCCC
ones): the Linux VM the default bundle starts is stopped first, so gtest
runs alone. Usage: make all bundle && bench/gtest_icount.py [regex]"""
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "system"))
from tandem_qemu import ICOUNT, REPO, Tandem  # noqa: E402

PATTERN = re.compile(sys.argv[1] if len(sys.argv) > 1 else r"CPU_SUSPEND|smccc")

t = Tandem(ICOUNT + ["-initrd", os.path.join(REPO, "build", "bundle.cpio")], boot_timeout=300)
try:
    t.expect("vm linux: started", timeout=300)
    t.to_shell()
    t.run("vm stop linux", timeout=120)
    t.run("vm create gtest")
    t.send("vm start gtest\r")
    t.expect("vm gtest: stopped", timeout=600)
    t.send("\r")
    t.expect("tandem> ")
    for line in t.run("vm log gtest", timeout=60).split("\n"):
        if PATTERN.search(line):
            print(line.strip())
finally:
    t.close()
