#!/usr/bin/python3
"""Is the RTOS core quiet? Boot configs/linux.dts + configs/rtos.dts (the
default bundle) under -icount shift=0,align=off and count, on the RTOS's
core (cpu3), the host interrupts, IPIs and scheduler passes per second of
emulated time, and the RTOS vCPU's exits per guest timer tick:
  (1) while Linux runs a busy loop on each of its two vCPUs (cores 1-2),
  (2) with the Linux VM stopped (the RTOS alone).
The counts come from `cpus counts` and `vm info rtos`, read twice SECONDS
apart; the rates are the differences over the emulated time between them.

Usage: make all bundle && bench/rt_quiet.py [--seconds 5]
"""
import argparse
import os
import re
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                                "tests", "system"))
from tandem_qemu import REPO, Tandem  # noqa: E402

COUNTS = re.compile(r"^cpu(\d+) irqs=(\d+) guest-timer=(\d+) ipis=(\d+) sched=(\d+) switches=(\d+)(?: fp-traps=\d+)?$", re.M)
VCPU = re.compile(r"vcpu0 counts: exits=(\d+) timer-ticks=(\d+)")
MMIO = re.compile(r"exits:.* mmio=(\d+)")
UPTIME = re.compile(r"up (\d+)\.(\d+) s")


def snapshot(t):
    up = UPTIME.search(t.run("uptime"))
    cores = {int(m.group(1)): [int(x) for x in m.groups()[1:]]
             for m in COUNTS.finditer(t.run("cpus counts"))}
    info = t.run("vm info rtos")
    v, mmio = VCPU.search(info), MMIO.search(info)
    return (float(up.group(1) + "." + up.group(2)), cores,
            (int(v.group(1)), int(v.group(2)), int(mmio.group(1))))


def measure(t, seconds, core=3):
    t0, c0, v0 = snapshot(t)
    time.sleep(seconds)
    t1, c1, v1 = snapshot(t)
    dt = t1 - t0
    irqs, gtimer, ipis, sched, sw = [(b - a) / dt for a, b in zip(c0[core], c1[core])]
    ticks = v1[1] - v0[1]
    exits = v1[0] - v0[0]
    mmio = v1[2] - v0[2]
    return dict(dt=dt, irqs=irqs, other=irqs - gtimer, ipis=ipis, sched=sched, switches=sw,
                ticks=ticks / dt, exits_per_tick=exits / ticks if ticks else float("nan"),
                other_per_tick=(exits - mmio) / ticks if ticks else float("nan"))


def row(name, r):
    return (f"| {name} | {r['dt']:.2f} s | {r['irqs']:.1f} | {r['other']:.2f} | {r['ipis']:.1f} | {r['sched']:.1f} "
            f"| {r['switches']:.1f} | {r['ticks']:.1f} | {r['exits_per_tick']:.3f} "
            f"| {r['other_per_tick']:.3f} |")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=5.0, help="wall-clock seconds per window")
    a = ap.parse_args()
    t = Tandem(["-initrd", os.path.join(REPO, "build", "bundle.cpio"),
                "-icount", "shift=0,align=off"], boot_timeout=120)
    try:
        t.expect("guest# ", timeout=600)
        t.send("(while :; do :; done) & (while :; do :; done) &\r")
        time.sleep(1)
        t.to_shell()
        loaded = measure(t, a.seconds)
        t.run("vm stop linux", timeout=60)
        alone = measure(t, a.seconds)
    finally:
        t.close()
    print("RTOS core (cpu3), per second of emulated time; RTOS vCPU exits per guest tick")
    print("| setup | emulated window | host irqs/s | of them not the guest's timer, /s | IPIs/s | sched passes/s | switches/s "
          "| guest ticks/s | exits/tick | exits/tick without its UART writes |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    print(row("RTOS alone (Linux VM stopped)", alone))
    print(row("Linux VM busy on cores 1-2", loaded))


if __name__ == "__main__":
    sys.exit(main())
