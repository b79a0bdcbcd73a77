#!/usr/bin/python3
"""
NuttX's timer latency, natively and as a Tandem VM, under -icount
shift=0,align=off (1 ns per instruction): the stock nuttx-nsh image of
../shared/guests/nuttx, nsh's `time "usleep N"` run ROUNDS times (NuttX's
own clock, 0.1 ms resolution: the sleep plus how late its timer wakes the
task plus nsh's command overhead), then optionally `time ostest` (minutes).

  native   QEMU virt at EL2, -cpu cortex-a53, 128 MiB (NuttX's own way)
  tandem   the image as a VM of 1 vCPU alone on core 3, priority 2, 128 MiB

Prints min/median/max per setup and each command line. Needs `make all`;
not part of `make test`.

Usage: bench/nuttx_timer.py [--rounds 20] [--usleep 1000] [--ostest] [--image nuttx-nsh]
"""
import argparse
import os
import pathlib
import re
import statistics
import sys
import tempfile

import pexpect

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(REPO, "tests", "system"))
import stock_rtos  # noqa: E402
from tandem_qemu import QEMU, Tandem  # noqa: E402

SEC = re.compile(r"^\s*(\d+\.\d+) sec", re.M)


def measure(send, expect, before, cmds):
    """Each command's `time` figure, in seconds."""
    out = []
    for cmd in cmds:
        send('time "%s"\r' % cmd)
        expect(stock_rtos.NSH_PROMPT, 1800)
        m = SEC.search(before())
        out.append(float(m.group(1)) if m else None)
    return out


def native(image, cmds):
    args = stock_rtos.native_args(image, icount=True)
    print("native: %s %s" % (QEMU, " ".join(args)))
    child = pexpect.spawn(QEMU, args, encoding="utf-8", codec_errors="replace", timeout=60)
    try:
        child.expect_exact(stock_rtos.NSH_PROMPT)
        return measure(child.send, lambda s, t: child.expect_exact(s, timeout=t),
                       lambda: child.before, cmds)
    finally:
        child.terminate(force=True)


def tandem(image, cmds):
    with tempfile.TemporaryDirectory() as tmp:
        bundle = stock_rtos.make_bundle(pathlib.Path(tmp), image)
        t = Tandem(["-initrd", bundle] + stock_rtos.ICOUNT)
        print("tandem: %s %s" % (QEMU, " ".join(t.args)))
        try:
            t.expect(stock_rtos.NSH_PROMPT, timeout=60)
            return measure(t.send, lambda s, timeout: t.expect(s, timeout=timeout),
                           lambda: t.child.before, cmds)
        finally:
            t.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=20)
    ap.add_argument("--usleep", type=int, default=1000)
    ap.add_argument("--ostest", action="store_true")
    ap.add_argument("--image", default="nuttx-nsh")
    a = ap.parse_args()
    cmds = ["usleep %d" % a.usleep] * a.rounds + (["ostest"] if a.ostest else [])
    for name, fn in (("native", native), ("tandem", tandem)):
        got = fn(a.image, cmds)
        sleeps = [v * 1000 for v in got[:a.rounds] if v is not None]
        print("%s: time \"usleep %d\" x%d: min %.1f ms, median %.1f ms, max %.1f ms"
              % (name, a.usleep, len(sleeps), min(sleeps), statistics.median(sleeps),
                 max(sleeps)))
        if a.ostest:
            print("%s: time ostest: %s s" % (name, got[-1]))


if __name__ == "__main__":
    main()
