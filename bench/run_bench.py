#!/usr/bin/python3
"""Boot Tandem under QEMU with -icount shift=0,align=off (1 ns of guest time
per instruction: the same figures on every machine and run) and print the
boot time and the in-target hot-path measurements.

Usage: bench/run_bench.py [path/to/tandem.bin]   (after `make`)
"""
import re
import sys

import pexpect

IMAGE = sys.argv[1] if len(sys.argv) > 1 else "build/tandem.bin"
QEMU = ("qemu-system-aarch64 -M virt,gic-version=3,virtualization=on "
        "-cpu max,pauth-impdef=on -smp 4 -m 1G -nographic -nic none "
        "-icount shift=0,align=off -kernel " + IMAGE)


def main():
    q = pexpect.spawn(QEMU, encoding="utf-8", timeout=300)
    try:
        q.expect(r"\[\s*(\d+)\.(\d+)\] cpu0 shell: I: shell ready")
        ready_us = int(q.match.group(1)) * 1000000 + int(q.match.group(2))
        q.expect("tandem> ")
        print(f"boot to shell prompt: {ready_us} us (emulated, icount)")
        for cmd in ("bench", "selftest sleep", "selftest preempt",
                    "selftest preempt_remote"):
            q.sendline(cmd)
            q.expect("tandem> ")
            for line in q.before.replace("\r", "").splitlines():
                if re.match(r"(bench|selftest): ", line) and "passed" not in line:
                    print(line)
        q.sendline("poweroff")
        q.expect(pexpect.EOF)
    finally:
        q.terminate(force=True)


if __name__ == "__main__":
    main()
