#!/usr/bin/python3
"""Boot the default Linux VM under Tandem with -icount shift=0,align=off and
print the guest-reported uptime at /init, to compare with
bench/linux_boot_native.sh (the same kernel directly on QEMU).

Usage: make all bundle && bench/linux_boot_tandem.py
"""
import re
import sys
import time

import pexpect

QEMU = ("qemu-system-aarch64 -M virt,gic-version=3,virtualization=on "
        "-cpu max,pauth-impdef=on -smp 4 -m 1G -nographic -nic none "
        "-icount shift=0,align=off -kernel build/tandem.bin -initrd build/bundle.cpio")


def main():
    t0 = time.monotonic()
    q = pexpect.spawn(QEMU, encoding="utf-8", timeout=600)
    try:
        q.expect(r"\[\s*(\d+\.\d+)\] cpu\d+ \S+: I: vm linux: started")
        started = float(q.match.group(1))
        q.expect(r"tandem-guest: init reached at ([0-9.]+) s")
        guest = float(q.match.group(1))
        q.expect(r"\[\s*(\d+\.\d+)\]\s+Run /init as init process|guest# ")
        print(f"tandem: VM started at host uptime {started:.3f} s (image load, DTB)")
        print(f"tandem: init reached at {guest:.2f} s of guest uptime "
              f"(wall-clock {time.monotonic() - t0:.1f} s)")
    finally:
        q.terminate(force=True)


if __name__ == "__main__":
    sys.exit(main())
