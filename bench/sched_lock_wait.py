#!/usr/bin/python3
"""
How long each core waits on the host scheduler's locks (every core's and
every wait queue's, counted by the core taking them) while the
default two VMs run: Linux (configs/linux.dts, 2 vCPUs on cores 1-2) busy
with a load that keeps its vCPUs switching, sleeping (WFI) and waking, and
the RTOS guest (configs/rtos.dts, 1 vCPU alone on core 3, 1 kHz tick).

Under -icount shift=0,align=off (1 ns per instruction). Boots Tandem with
build/bundle.cpio (`make bundle` with the default configs), waits for the
Linux shell, starts the load, then in the Tandem shell runs `locks on`,
`locks reset`,
lets the load run, and prints `locks` (per core: times the lock was taken,
times it had to wait, max and average wait and hold, in ns).

With --shared, the bundle is configs/bench-lock-linux.dts (Linux with five
vCPUs on cores 1, 1, 2, 2, 3) + configs/rtos.dts: no vCPU is alone on its
core, so every guest WFI is trapped and vCPU threads sleep, wake and switch
in the host on all cores, the RTOS's core included. (In the default setup
each vCPU is alone on its core and runs WFI natively: its thread never
sleeps.) The bundle is built as build/bench-lock.cpio.

Usage: bench/sched_lock_wait.py [--shared] [--seconds N] [--image build/tandem.bin]
                                [--bundle build/bundle.cpio] [--icount OPTS]
"""
import os
import subprocess
import argparse
import re
import sys
import time

import pexpect

QEMU = ("qemu-system-aarch64 -M virt,gic-version=3,virtualization=on "
        "-cpu max,pauth-impdef=on -smp 4 -m 1G -nographic -nic none")
GUEST_PROMPT = "guest# "
SHELL_PROMPT = "tandem> "
ESCAPE = "\x1d"         # Ctrl-]: the console between the VM and the Tandem shell
# A CPU hog, memory traffic, and a task that sleeps 1 ms at a time: the
# vCPUs run, go idle (WFI: the vCPU thread sleeps) and wake (timer IRQ).
LINUX_LOAD = ("while :; do :; done & "
              "while :; do dd if=/dev/zero of=/dev/null bs=1M count=16 2>/dev/null; done & "
              "while :; do usleep 1000; done &")
LOCKS_RE = re.compile(r"^cpu(\d+)\s+taken=(\d+)\s+contended=(\d+)\s+wait_max=(\d+)\s+"
                      r"wait_avg=(\d+)\s+wait_avg_contended=(\d+)\s+hold_max=(\d+)\s+"
                      r"hold_avg=(\d+)", re.M)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=30.0,
                    help="wall-clock seconds to let the load run")
    ap.add_argument("--image", default="build/tandem.bin")
    ap.add_argument("--bundle", default="build/bundle.cpio")
    ap.add_argument("--icount", default="shift=0,align=off")
    ap.add_argument("--shared", action="store_true",
                    help="Linux with 5 vCPUs sharing cores 1-3 (bench-lock-linux.dts)")
    args = ap.parse_args()
    if args.shared:
        args.bundle = "build/bench-lock.cpio"
        configs = "configs/bench-lock-linux.dts configs/rtos.dts"
        print("$ make bundle BUNDLE=%s CONFIG=\"%s\"" % (args.bundle, configs))
        subprocess.run(["make", "--no-print-directory", "bundle", "BUNDLE=" + args.bundle,
                        "CONFIG=" + configs], check=True,
                       cwd=os.path.join(os.path.dirname(__file__), ".."))

    cmd = "%s -icount %s -kernel %s -initrd %s" % (QEMU, args.icount, args.image, args.bundle)
    print("$ " + cmd)
    q = pexpect.spawn(cmd, encoding="utf-8", timeout=900)
    try:
        q.expect("vm rtos: started")
        q.expect(GUEST_PROMPT)
        q.sendline(LINUX_LOAD)
        print("linux# " + LINUX_LOAD)
        time.sleep(2)
        q.send(ESCAPE)
        q.sendline("")
        q.expect(SHELL_PROMPT)
        q.sendline("locks on")
        q.expect("accounting on")
        q.expect(SHELL_PROMPT)
        q.sendline("locks reset")
        q.expect("counts reset")
        q.expect(SHELL_PROMPT)
        q.sendline("uptime")
        q.expect(SHELL_PROMPT)
        t0 = q.before
        time.sleep(args.seconds)
        q.sendline("uptime")
        q.expect(SHELL_PROMPT)
        t1 = q.before
        ups = [re.search(r"up (\d+\.\d+) s", x) for x in (t0, t1)]
        if all(ups):
            print("measured over %.3f s of emulated time (Tandem uptime %s -> %s)" % (
                float(ups[1].group(1)) - float(ups[0].group(1)), ups[0].group(1),
                ups[1].group(1)))
        q.sendline("locks")
        q.expect(SHELL_PROMPT)
        out = q.before.replace("\r", "")
        print(out.strip())
        rows = {int(m.group(1)): [int(x) for x in m.groups()[1:]] for m in LOCKS_RE.finditer(out)}
        if 3 in rows:
            taken, contended, wmax, wavg, wavgc, hmax, havg = rows[3]
            print("RTOS core (cpu3): took the lock %d times, waited %d times; "
                  "wait max %d ns, avg %d ns (avg when it waited %d ns)" % (
                      taken, contended, wmax, wavg, wavgc))
        q.sendline("poweroff")
        q.expect(pexpect.EOF, timeout=30)
    finally:
        q.terminate(force=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
