#!/usr/bin/python3
"""
The RTOS's tick latency during the VM lifecycle storm vs alone, under
-icount (tests/system/test_lifecycle_storm.py is the storm: two gstorm VMs
whose 3 vCPUs power off, reset and crash-loop at once, while the shell
stops, starts, resets, pauses and deletes them). One boot:

  alone   the autostarted RTOS (configs/rtos.dts, core 3) prints its
          LATENCY line over its first 2000 ticks, nothing else running
  storm   the storm starts; `vm reset rtos`; the shell storms on until the
          restarted RTOS has printed its LATENCY line again

Prints the lines (the storm's --rounds times, default 5), the shell's
requests and the guests' own events.
Optionally --seconds N first storms N more seconds (the long variant of the
stress test) before the RTOS is reset. Not part of `make test`.

Usage: bench/lifecycle_storm.py [--icount OPTS] [--seconds N] [--rounds N]
"""
import argparse
import os
import re
import sys
import tempfile
import pathlib
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "system"))
import test_lifecycle_storm as ls  # noqa: E402
from tandem_qemu import Tandem  # noqa: E402

LATENCY = re.compile(r"LATENCY: samples=(\d+) min=(\d+) avg=(\d+) max=(\d+)")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--icount", default="shift=0,align=off")
    ap.add_argument("--seconds", type=int, default=0)
    ap.add_argument("--rounds", type=int, default=5)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        args = ["-initrd", ls.storm_bundle(pathlib.Path(tmp)), "-icount", a.icount]
        print("Tandem with: %s" % " ".join(args))
        t = Tandem(args, boot_timeout=300)
        try:
            t.expect("vm rtos: started", timeout=300)
            t.expect("LATENCY: ", timeout=600)
            t.to_shell()
            alone = LATENCY.search(ls.cmd(t, "vm log rtos")).group(0)
            print("alone: " + alone, flush=True)
            t0 = time.monotonic()
            made = ls.storm(t, a.seconds, ["start", "stop", "reset", "delete", "pause",
                                           "resume", "reset"], seed=3) if a.seconds else {}
            n = sum(dict(made).values())
            for r in range(a.rounds):
                before = len(LATENCY.findall(ls.cmd(t, "vm log rtos")))
                ls.cmd(t, "vm reset rtos")
                made2 = ls.storm(t, 3600, ["start", "stop", "reset", "delete", "pause",
                                           "resume", "reset"], seed=4 + r,
                                 until=lambda: len(LATENCY.findall(
                                     ls.cmd(t, "vm log rtos"))) > before)
                n += sum(made2.values())
                # The ring keeps earlier runs' lines: the restarted one's is last.
                storm = list(LATENCY.finditer(ls.cmd(t, "vm log rtos")))[-1].group(0)
                print("storm %d: %s" % (r + 1, storm), flush=True)
            seen = t.transcript.getvalue().replace("\r", "")
            print("shell requests: %d in %.0f s; guest events: %s" % (
                n, time.monotonic() - t0, ls.guest_events(seen)))
        finally:
            t.close()


if __name__ == "__main__":
    main()
