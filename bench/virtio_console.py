#!/usr/bin/python3
"""Console write throughput inside the stock Debian Linux guest under QEMU
-icount (1 ns of emulated time per instruction): KIB KiB of text written
with `cat` to /dev/hvc0 (virtio-console) and to /dev/ttyAMA0 (the PL011),
timed with the guest's /proc/uptime (10 ms steps), the tty's output
processing off (-opost) for the write, so the driver gets whole buffers.

- native: the same kernel and initramfs straight on QEMU's virt board,
  QEMU's PL011 and its virtio-serial-device with a virtconsole (both to
  files);
- tandem: the Linux VM under Tandem, Tandem's vPL011 (a trap per register
  access) and Tandem's virtio-console (virt/devices/virtio_console.c), the
  console detached so both only fill the VM's console ring.

Usage: make all bundle && bench/virtio_console.py [--kib 1024]
"""
import argparse
import os
import pathlib
import re
import shlex
import subprocess
import sys
import tempfile
import time

import pexpect

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(REPO, "tests", "system"))
from tandem_qemu import Tandem  # noqa: E402
from test_own_image import make_bundle  # noqa: E402
from test_virtio_blk import initrd_with_modules  # noqa: E402
from test_virtio_console import LINUX_HVC  # noqa: E402

ICOUNT = "shift=0,align=off"
PROMPT = "guest# "
RESULT = re.compile(r"hvcbench: (\S+) (\d+) ([0-9.]+) ([0-9.]+)")
SCRIPT = """#!/bin/sh
# hvcbench KIB: write KIB KiB of text to /dev/hvc0, then to /dev/ttyAMA0
[ -e /dev/hvc0 ] || { insmod /lib/modules/virtio_mmio.ko; insmod /lib/modules/virtio_console.ko; sleep 1; }
seq 1 1000000 | head -c $(($1 * 1024)) >/t
sleep 1
: >/r
for dev in /dev/hvc0 /dev/ttyAMA0; do
  # held open, so the setting stays; -opost: no LF -> CR LF, which makes
  # the tty layer hand the driver one line at a time
  exec 3>$dev
  stty -F $dev -opost
  read a x </proc/uptime
  cat /t >&3
  read b x </proc/uptime
  stty -F $dev opost
  exec 3>&-
  echo "hvcbench: $dev $1 $a $b" >>/r
done
cat /r
"""


def add_script(tmp):
    root = tmp / "bench-root"
    (root / "bin").mkdir(parents=True)
    (root / "bin" / "hvcbench").write_text(SCRIPT)
    (root / "bin" / "hvcbench").chmod(0o755)
    extra = subprocess.run("cd '%s' && find . -mindepth 1 | LC_ALL=C sort | "
                           "cpio -o -H newc -R 0:0 --quiet | gzip -n" % root,
                           shell=True, check=True, stdout=subprocess.PIPE).stdout
    with open(tmp / "initrd.cpio.gz", "ab") as f:
        f.write(extra)


def native(tmp, kib):
    cmd = ["qemu-system-aarch64", "-M", "virt,gic-version=3", "-cpu", "max,pauth-impdef=on",
           "-smp", "2", "-m", "512M", "-nographic", "-nic", "none", "-no-reboot",
           "-icount", ICOUNT, "-kernel", os.path.join(REPO, "build/guests/linux/Image"),
           "-initrd", str(tmp / "initrd.cpio.gz"), "-append", "console=ttyAMA0",
           "-device", "virtio-serial-device",
           "-chardev", "file,id=hvc,path=%s" % (tmp / "hvc.out"),
           "-device", "virtconsole,chardev=hvc"]
    print("native: " + shlex.join(cmd), flush=True)
    q = pexpect.spawn(cmd[0], cmd[1:], encoding="utf-8", codec_errors="replace", timeout=900)
    try:
        q.expect_exact(PROMPT)
        q.send("hvcbench %d\r" % kib)
        q.expect(r"hvcbench: /dev/ttyAMA0 \d+ [0-9.]+ [0-9.]+")
        got = q.before + q.match.group(0)
        return RESULT.findall(got[got.rfind("hvcbench: /dev/hvc0"):])
    finally:
        q.terminate(force=True)


def tandem(tmp, kib):
    (tmp / "linux-hvc.dts").write_text(LINUX_HVC)
    rc, out, bundle = make_bundle(tmp, [tmp / "linux-hvc.dts"])
    if rc:
        sys.exit(out)
    t = Tandem(["-initrd", bundle, "-icount", ICOUNT], boot_timeout=300)
    print("tandem: " + shlex.join(t.args), flush=True)
    try:
        t.expect(PROMPT, timeout=900)
        t.send("sleep 3; hvcbench %d\r" % kib)
        t.to_shell()	# detached: the VM's output only fills its ring
        deadline = time.monotonic() + 900
        while True:
            log = t.run("vm log linux", timeout=60)
            found = RESULT.findall(log)
            if any(r[0] == "/dev/ttyAMA0" for r in found):
                break
            assert time.monotonic() < deadline, log[-2000:]
            time.sleep(5)
        info = [l for l in t.run("vm info linux").split("\n") if "virtio console" in l]
        print("tandem:" + (info[0] if info else " no virtio line in vm info"))
        return found
    finally:
        t.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--kib", type=int, default=1024, help="KiB written (default %(default)s)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        tmp = pathlib.Path(d)
        initrd_with_modules(tmp, ("virtio/virtio_mmio.ko", "char/virtio_console.ko"))
        add_script(tmp)
        for name, res in (("native", native(tmp, args.kib)), ("tandem", tandem(tmp, args.kib))):
            seen = {}
            for dev, kib, a, b in res:
                seen[dev] = float(b) - float(a)
            for dev in ("/dev/hvc0", "/dev/ttyAMA0"):
                if dev not in seen:
                    sys.exit("%s: no figure for %s: %r" % (name, dev, res))
                s = seen[dev]
                print("%s: %s: %d KiB in %.2f s: %s" % (
                    name, dev, args.kib, s, "%.1f MiB/s" % (args.kib / 1024 / s) if s > 0
                    else "under 10 ms"), flush=True)


if __name__ == "__main__":
    main()
