#!/usr/bin/python3
"""virtio-blk read throughput, measured inside the stock Debian Linux guest
under QEMU -icount (1 ns of emulated time per instruction):

- native: the same kernel and initramfs straight on QEMU's virt board with
  QEMU's own virtio-blk-device (the disk file as -drive);
- tandem: the Linux VM of configs/linux.dts under Tandem, the same image
  served by Tandem's virtio-blk (virt/devices/virtio_blk.c) from the boot
  bundle.

Both load Debian's virtio_mmio and virtio_blk modules, then read the whole
disk (a random image, --mib MiB) with `dd bs=1M` ROUNDS times, the page
cache dropped before each, timed with the guest's /proc/uptime (10 ms
steps). Prints each round and the median in MiB/s of emulated time.

Usage: make all bundle && bench/virtio_blk.py [--mib 64] [--rounds 3]
"""
import argparse
import os
import pathlib
import re
import shlex
import statistics
import subprocess
import sys
import tempfile

import pexpect

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(REPO, "tests", "system"))
from tandem_qemu import Tandem  # noqa: E402
from test_own_image import make_bundle  # noqa: E402
from test_virtio_blk import initrd_with_modules, LINUX_DISK  # noqa: E402

ICOUNT = "shift=0,align=off"
PROMPT = "guest# "
ROUND = re.compile(r"blkbench: ([0-9.]+) ([0-9.]+)")
SCRIPT = """#!/bin/sh
# blkbench N: read all of /dev/vda N times, the page cache dropped first
insmod /lib/modules/virtio_mmio.ko
insmod /lib/modules/virtio_blk.ko
sleep 1
for i in $(seq $1); do
  echo 3 >/proc/sys/vm/drop_caches
  read a x </proc/uptime
  dd if=/dev/vda of=/dev/null bs=1M 2>/dev/null
  read b x </proc/uptime
  echo "blkbench: $a $b"
done
"""


def add_script(tmp):
    root = tmp / "bench-root"
    (root / "bin").mkdir(parents=True)
    (root / "bin" / "blkbench").write_text(SCRIPT)
    (root / "bin" / "blkbench").chmod(0o755)
    extra = subprocess.run("cd '%s' && find . -mindepth 1 | LC_ALL=C sort | "
                           "cpio -o -H newc -R 0:0 --quiet | gzip -n" % root,
                           shell=True, check=True, stdout=subprocess.PIPE).stdout
    with open(tmp / "initrd.cpio.gz", "ab") as f:
        f.write(extra)


def rounds(child_expect, send, n):
    send("blkbench %d\r" % n)
    out = child_expect(PROMPT)
    return [float(b) - float(a) for a, b in ROUND.findall(out)]


def native(tmp, n):
    cmd = ["qemu-system-aarch64", "-M", "virt,gic-version=3", "-cpu", "max,pauth-impdef=on",
           "-smp", "2", "-m", "512M", "-nographic", "-nic", "none", "-no-reboot",
           "-icount", ICOUNT, "-kernel", os.path.join(REPO, "build/guests/linux/Image"),
           "-initrd", str(tmp / "initrd.cpio.gz"), "-append", "console=ttyAMA0",
           "-drive", "if=none,file=%s,format=raw,id=d0" % (tmp / "disk.img"),
           "-device", "virtio-blk-device,drive=d0"]
    print("native: " + shlex.join(cmd), flush=True)
    q = pexpect.spawn(cmd[0], cmd[1:], encoding="utf-8", codec_errors="replace", timeout=900)
    try:
        q.expect_exact(PROMPT)

        def exp(p):
            q.expect_exact(p)
            return q.before
        return rounds(exp, q.send, n)
    finally:
        q.terminate(force=True)


def tandem(tmp, n):
    (tmp / "linux-disk.dts").write_text(LINUX_DISK)
    rc, out, bundle = make_bundle(tmp, [tmp / "linux-disk.dts"])
    if rc:
        sys.exit(out)
    t = Tandem(["-initrd", bundle, "-icount", ICOUNT], boot_timeout=300)
    print("tandem: " + shlex.join(t.args), flush=True)
    try:
        t.expect(PROMPT, timeout=900)
        got = rounds(lambda p: t.expect(p, timeout=900), t.send, n)
        t.to_shell()
        info = [l for l in t.run("vm info linux").split("\n") if "virtio block" in l]
        print("tandem:" + info[0] if info else "tandem: no virtio line in vm info")
        return got
    finally:
        t.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--mib", type=int, default=64, help="disk size (default %(default)s)")
    ap.add_argument("--rounds", type=int, default=3, help="reads of it (default %(default)s)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        tmp = pathlib.Path(d)
        initrd_with_modules(tmp, ("virtio/virtio_mmio.ko", "block/virtio_blk.ko"))
        add_script(tmp)
        (tmp / "disk.img").write_bytes(os.urandom(args.mib << 20))
        results = {"native": native(tmp, args.rounds), "tandem": tandem(tmp, args.rounds)}
    for name, secs in results.items():
        if len(secs) != args.rounds or min(secs) <= 0:
            sys.exit("%s: rounds %r" % (name, secs))
        rates = [args.mib / s for s in secs]
        print("%s: %d MiB in %s s: %s MiB/s, median %.0f MiB/s" % (
            name, args.mib, " ".join("%.2f" % s for s in secs),
            " ".join("%.0f" % r for r in rates), statistics.median(rates)))


if __name__ == "__main__":
    main()
