#!/usr/bin/python3
"""What a VM start costs the hypervisor once freed memory has been
scrubbed (issue 23): boot the default bundle under -icount
shift=0,align=off, delete the Linux VM, wait until the scrubber's backlog
(`mem`) is empty, create and start it again, and print `vm info`'s
"prepared in" (zeroing what is not already zero, copying the images and
cleaning them to PoC, the DTB) beside the first start's, which had to zero
boot-time RAM itself. Then the same for a restart of the running VM
(`vm reset`), whose RAM holds its own data and is zeroed whole.

Usage: make all bundle && bench/vm_restart_prep.py
"""
import os
import re
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                                "tests", "system"))
from tandem_qemu import REPO, Tandem  # noqa: E402

PREP = re.compile(r"prepared in (\d+) us")
BACKLOG = re.compile(r"scrub: (\d+) free pages not yet zero")


def prep_ms(t):
    return int(PREP.search(t.run("vm info linux")).group(1)) / 1000


def main():
    t = Tandem(["-initrd", os.path.join(REPO, "build", "bundle.cpio"),
                "-icount", "shift=0,align=off"], boot_timeout=120)
    try:
        t.expect("vm linux: started", timeout=120)
        t.to_shell()
        first = prep_ms(t)
        t.run("vm stop linux")
        t.run("vm delete linux")
        deadline = time.monotonic() + 300
        while int(BACKLOG.search(t.run("mem")).group(1)) and time.monotonic() < deadline:
            time.sleep(2)
        backlog = int(BACKLOG.search(t.run("mem")).group(1))
        t.run("vm create linux")
        t.run("vm start linux")
        scrubbed = prep_ms(t)
        t.run("vm reset linux")
        reset = prep_ms(t)
    finally:
        t.close()
    print(f"linux (256 MiB) prepared: first start {first:.1f} ms (boot-time RAM, zeroed at start); "
          f"after delete + scrub (backlog {backlog} pages) {scrubbed:.1f} ms; "
          f"vm reset (its own RAM, zeroed whole) {reset:.1f} ms")


if __name__ == "__main__":
    sys.exit(main())
