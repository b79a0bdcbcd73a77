#!/usr/bin/python3
"""The shared-memory doorbell round trip, measured from inside a guest,
QEMU with -icount (1 ns of emulated time per instruction), two pairs:

shmecho: two copies of guests/shmecho (configs/shmecho.dts) on one region.
The sender (index 0) writes a message, rings the echo VM's doorbell and
waits in WFI for the answer's ring; the figure is its CNTVCT time for
10,000 such round trips, divided. Each round trip is two doorbell writes
(MMIO traps), two virtual SPIs delivered to a VM waiting in WFI and two
checked 64-byte messages.

linux: Debian's stock Linux running guests/linux-shm's shmping and the
shmecho RTOS VM (configs/shm-linux.dts). shmping sends the same 10,000
messages and waits for each answer's ring as an input event (gpio_keys,
evdev: interrupt, input core, wake-up of the reader, poll and read); the
figure is its CLOCK_MONOTONIC time (CNTVCT through the vDSO) divided.

There is no native figure: a doorbell needs Tandem.

Usage: make && make bundle && bench/shm_doorbell.py [--icount OPTS] [--pair shmecho|linux|both]
"""
import argparse
import os
import re
import shlex
import subprocess
import sys
import tempfile
import time
import pathlib

import pexpect

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(REPO, "tests", "system"))
from tandem_qemu import pack_bundle  # noqa: E402

QEMU = "qemu-system-aarch64"
TANDEM = [QEMU, "-M", "virt,gic-version=3,virtualization=on",
          "-cpu", "max,pauth-impdef=on", "-smp", "4", "-m", "1G", "-nographic",
          "-nic", "none", "-kernel", "build/tandem.bin"]
DONE = re.compile(r"shmecho: (\d+) round trips, (\d+) bad, (\d+) ticks at (\d+) Hz")
LINUX_DONE = re.compile(r"shmping: (\d+) round trips, (\d+) bad, (\d+) ns, (\d+) ns per round trip")
ECHOED = re.compile(r"shmecho: echoed (\d+) messages, (\d+) bad")
TIMEOUT = 600


def bundle(tmp):
    root = pathlib.Path(tmp) / "bundle"
    (root / "configs").mkdir(parents=True)
    (root / "guests").mkdir()
    subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o", str(root / "configs" / "shmecho.dtb"),
                    os.path.join(REPO, "configs", "shmecho.dts")], check=True)
    (root / "guests" / "shmecho.elf").write_bytes(
        open(os.path.join(REPO, "guests", "build", "shmecho.elf"), "rb").read())
    return pack_bundle(root, pathlib.Path(tmp) / "bundle.cpio")


def linux_bundle(tmp):
    out = pathlib.Path(tmp) / "linux-bundle.cpio"
    subprocess.run(["make", "-s", "--no-print-directory", "-C", REPO, "bundle",
                    "CONFIG=configs/shm-linux.dts", "BUNDLE=%s" % out,
                    "BUNDLE_DIR=%s" % (pathlib.Path(tmp) / "staging")], check=True)
    return str(out)


def shell(q, cmd):
    q.send(cmd + "\r")
    q.expect("tandem> ")
    return q.before.replace("\r", "")


def guest(q, cmd, timeout=60):
    """A short command in Linux (the console drops keys of long lines)."""
    q.send(cmd + "\r")
    q.expect("guest# ", timeout=timeout)
    return q.before.replace("\r", "")


def spawn(cmd):
    print("tandem: " + shlex.join(cmd), flush=True)
    q = pexpect.spawn(cmd[0], cmd[1:], cwd=REPO, encoding="utf-8", timeout=TIMEOUT)
    q.expect(r"Tandem (\S+) - real-time hypervisor")
    return q, q.match.group(1)


def run_shmecho(tmp, icount):
    q, version = spawn(TANDEM + ["-icount", icount, "-initrd", bundle(tmp)])
    try:
        q.expect("tandem> ")
        for c in ("vm create shm-a", "vm create shm-b", "vm start shm-b", "vm start shm-a"):
            shell(q, c)
        deadline = time.monotonic() + TIMEOUT
        while not (m := DONE.search(shell(q, "vm log shm-a"))):
            if time.monotonic() > deadline:
                sys.exit("the sender did not finish")
            time.sleep(2)
        q.send("poweroff\r")
        q.expect(pexpect.EOF)
    finally:
        q.terminate(force=True)
    n, bad, ticks, hz = (int(x) for x in m.groups())
    if bad:
        sys.exit(f"{bad} of {n} messages were bad")
    print(f"(Tandem {version})")
    print(f"shmecho<->shmecho doorbell round trip: {n} messages, 0 bad, "
          f"{ticks * 1e9 / hz / n:.0f} ns average ({ticks} ticks at {hz} Hz, -icount {icount})")


def run_linux(tmp, icount):
    q, version = spawn(TANDEM + ["-icount", icount, "-initrd", linux_bundle(tmp)])
    try:
        q.expect("guest# ", timeout=TIMEOUT)
        q.send("\x1d")
        q.expect_exact("[console: Tandem shell]")
        q.send("\r")
        q.expect("tandem> ")
        shell(q, "vm create shm-rtos")
        shell(q, "vm start shm-rtos")
        q.send("vm console shm-linux\r")
        q.expect_exact("[console: attached to VM 'shm-linux'")
        guest(q, "")
        guest(q, "insmod /lib/modules/evdev.ko")
        guest(q, "insmod /lib/modules/gpio_keys.ko")
        out = guest(q, "shmping", timeout=TIMEOUT)
        m = LINUX_DONE.search(out)
        if not m:
            sys.exit("shmping did not finish:\n" + out)
        q.send("\x1d")
        q.expect_exact("[console: Tandem shell]")
        q.send("\r")
        q.expect("tandem> ")
        e = ECHOED.search(shell(q, "vm log shm-rtos"))
        q.send("poweroff\r")
        q.expect(pexpect.EOF)
    finally:
        q.terminate(force=True)
    n, bad, total_ns, per = (int(x) for x in m.groups())
    if bad or not e or int(e.group(2)):
        sys.exit(f"bad messages: Linux saw {bad}, the RTOS {e.group(2) if e else 'no end line'}")
    print(f"(Tandem {version})")
    print(f"Linux<->RTOS doorbell round trip: {n} messages, 0 bad, {total_ns / n:.0f} ns average "
          f"({total_ns} ns of CLOCK_MONOTONIC in Linux, -icount {icount})")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--icount", default="shift=0,align=off",
                    help="QEMU -icount options (default %(default)s)")
    ap.add_argument("--pair", choices=("shmecho", "linux", "both"), default="both",
                    help="which pair of VMs to measure (default %(default)s)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if args.pair in ("shmecho", "both"):
            run_shmecho(tmp, args.icount)
        if args.pair in ("linux", "both"):
            run_linux(tmp, args.icount)


if __name__ == "__main__":
    main()
