#!/usr/bin/python3
"""The shared-memory doorbell round trip, measured from inside a guest:
two copies of guests/shmecho (configs/shmecho.dts) on one region under
Tandem, QEMU with -icount (1 ns of emulated time per instruction). The
sender (index 0) writes a message, rings the echo VM's doorbell and waits
in WFI for the answer's ring; the figure is its CNTVCT time for 10,000
such round trips, divided. Each round trip is two doorbell writes (MMIO
traps), two virtual SPIs delivered to a VM waiting in WFI and two checked
64-byte messages. There is no native figure: a doorbell needs Tandem.

Usage: make && make -C guests && bench/shm_doorbell.py [--icount OPTS]
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


def shell(q, cmd):
    q.send(cmd + "\r")
    q.expect("tandem> ")
    return q.before.replace("\r", "")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--icount", default="shift=0,align=off",
                    help="QEMU -icount options (default %(default)s)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        cmd = TANDEM + ["-icount", args.icount, "-initrd", bundle(tmp)]
        print("tandem: " + shlex.join(cmd), flush=True)
        q = pexpect.spawn(cmd[0], cmd[1:], cwd=REPO, encoding="utf-8", timeout=TIMEOUT)
        try:
            q.expect(r"Tandem (\S+) - real-time hypervisor")
            version = q.match.group(1)
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
    ns = ticks * 1e9 / hz / n
    print(f"(Tandem {version})")
    print(f"doorbell round trip: {n} messages, 0 bad, {ns:.0f} ns average "
          f"({ticks} ticks at {hz} Hz, -icount {args.icount})")


if __name__ == "__main__":
    main()
