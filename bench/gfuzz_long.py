#!/usr/bin/python3
"""
The in-guest fuzzer's long seed set, and what it costs the RTOS guest.

Long run: Tandem with configs/rtos.dts (autostart, core 3) and
configs/gfuzz.dts (core 0); gfuzz runs for --seconds (seeds from
--first-seed, 4000 steps each), the script polls every 10 s that the shell
answers, the RTOS heartbeat grows and gfuzz is still running, and prints
the last summary line's counts (seeds, steps, anomalies, exceptions by EC)
and `vm info gfuzz`'s exit counts. Exit status 1 on an anomaly, a stall,
a crash or a leak (`mem` after stop + delete differs from before).

--latency: the same bundle under -icount shift=0,align=off: the RTOS's
LATENCY line alone (gfuzz created, not started; `vm reset rtos` once boot
is over), then with gfuzz storming (`vm reset rtos` after it starts), and
the change.

Usage: bench/gfuzz_long.py [--seconds N] [--first-seed S] [--latency [--icount OPTS]]
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(REPO, "tests", "system"))
from tandem_qemu import Tandem, pack_bundle, parse_mem  # noqa: E402

SUMMARY = re.compile(r"gfuzz: seed (\d+) step (\d+) ok, anomalies (\d+), serrors (\d+), "
                     r"irqs timer (\d+) sgi (\d+), exceptions by EC:((?: [0-9a-f]{2}=\d+)*)")
LATENCY = re.compile(r"LATENCY: samples=(\d+) min=(\d+) avg=(\d+) max=(\d+)")
HEARTBEAT = re.compile(r"HEARTBEAT (\w) (\d+)")
STEPS_A_SEED = 4000


def build(work, first_seed):
    subprocess.run(["make", "-s", "-C", REPO, "all"], check=True)
    out = os.path.join(work, "guests")
    args = ["make", "-s", "-C", os.path.join(REPO, "guests"), "BUILD=" + out]
    if first_seed != 1:
        args.append("GFUZZ_SEED=%d" % first_seed)
    subprocess.run(args + [os.path.join(out, "gfuzz.elf"), os.path.join(out, "rtos.elf")], check=True)
    root = os.path.join(work, "bundle")
    os.makedirs(os.path.join(root, "configs"))
    os.makedirs(os.path.join(root, "guests"))
    for cfg in ("rtos", "gfuzz"):
        subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o",
                        os.path.join(root, "configs", cfg + ".dtb"),
                        os.path.join(REPO, "configs", cfg + ".dts")], check=True)
        shutil.copy(os.path.join(out, cfg + ".elf"), os.path.join(root, "guests"))
    from pathlib import Path
    return pack_bundle(Path(root), Path(work) / "bundle.cpio")


def last_summary(t):
    rows = SUMMARY.findall(t.run("vm log gfuzz"))
    return rows[-1] if rows else None


def long_run(bundle, seconds, first_seed):
    t = Tandem(["-initrd", bundle, "-nic", "none"])
    bad = []
    try:
        t.expect("vm rtos: started", timeout=60)
        t.to_shell()
        t.run("vm create gfuzz")
        before = parse_mem(t.run("mem"))
        t.run("vm start gfuzz")
        t0 = time.monotonic()
        beats = 0
        while time.monotonic() - t0 < seconds:
            time.sleep(10)
            row = re.search(r"^\d+\s+gfuzz\s+(\S+)", t.run("vm list"), re.M)
            if not row or row.group(1) != "running":
                bad.append("gfuzz is %s: %s" % (row and row.group(1), t.run("vm info gfuzz")))
                break
            b = len(HEARTBEAT.findall(t.run("vm log rtos")))
            if b == beats:
                bad.append("RTOS heartbeat stopped")
            beats = b
            s = last_summary(t)
            print("%4.0f s: %s" % (time.monotonic() - t0, s and "seed %s step %s anomalies %s" % s[:3]),
                  flush=True)
        s = last_summary(t)
        info = t.run("vm info gfuzz")
        t.run("vm stop gfuzz", timeout=30)
        t.run("vm delete gfuzz")
        t.run("vm create gfuzz")
        after = parse_mem(t.run("mem"))
        if after != before:
            bad.append("mem %r -> %r" % (before, after))
    finally:
        t.close()
    if s:
        seed, step = int(s[0]), int(s[1])
        print("seeds %d..%d, %d steps in %d s, anomalies %s, serrors %s, irqs timer %s sgi %s"
              % (first_seed, seed, (seed - first_seed) * STEPS_A_SEED + step, seconds, *s[2:6]))
        print("exceptions by EC:%s" % s[6])
        if s[2] != "0":
            bad.append("%s anomalies" % s[2])
    else:
        bad.append("no summary line")
    print("\n".join(l for l in info.split("\n") if "exits" in l or "suppressed" in l))
    for b in bad:
        print("FAIL: " + b)
    return not bad


def latency(bundle, icount):
    t = Tandem(["-initrd", bundle, "-nic", "none", "-icount", icount])
    try:
        t.expect("vm rtos: started", timeout=60)
        t.to_shell()
        t.run("vm create gfuzz")
        wait_for(t, lambda log: LATENCY.search(log))    # the boot-time one: not compared
        # Alone, measured the same way as under the storm: after a reset.
        t.run("vm reset rtos", timeout=60)
        alone = LATENCY.search(wait_for(t, lambda log: LATENCY.search(log.split("rtos: MPIDR")[-1]))
                               .split("rtos: MPIDR")[-1])
        t.run("vm start gfuzz")
        time.sleep(2)
        t.run("vm reset rtos", timeout=60)
        storm = LATENCY.search(wait_for(t, lambda log: LATENCY.search(log.split("rtos: MPIDR")[-1]))
                               .split("rtos: MPIDR")[-1])
        s = last_summary(t)
    finally:
        t.close()
    print("command: Tandem -icount %s, configs/rtos.dts (core 3) + configs/gfuzz.dts (core 0)" % icount)
    print("RTOS alone:        %s" % alone.group(0))
    print("RTOS under gfuzz:  %s   (gfuzz at seed %s step %s)" % (storm.group(0), s and s[0], s and s[1]))
    for i, name in ((2, "min"), (3, "avg"), (4, "max")):
        a, b = int(alone.group(i)), int(storm.group(i))
        print("  %s: %d -> %d ns (%+.1f %%)" % (name, a, b, 100.0 * (b - a) / a))


def wait_for(t, pred, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        log = t.run("vm log rtos")
        if pred(log):
            return log
        time.sleep(1)
    raise SystemExit("no LATENCY line from the RTOS in %d s" % timeout)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    ap.add_argument("--seconds", type=int, default=600)
    ap.add_argument("--first-seed", type=int, default=1)
    ap.add_argument("--latency", action="store_true")
    ap.add_argument("--icount", default="shift=0,align=off",
                    help="for --latency; sleep=off leaves host time out of the clock")
    a = ap.parse_args()
    work = tempfile.mkdtemp(prefix="gfuzz-long-")
    try:
        bundle = build(work, a.first_seed)
        if a.latency:
            latency(bundle, a.icount)
            return 0
        return 0 if long_run(bundle, a.seconds, a.first_seed) else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
