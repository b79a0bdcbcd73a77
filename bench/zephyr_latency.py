#!/usr/bin/python3
"""
Zephyr's own kernel benchmark (the stock latency_measure-ns image of
../shared/guests/zephyr), natively and under Tandem, every run with
-icount shift=0,align=off (1 ns per instruction):

  native   QEMU virt, -cpu cortex-a53 (the board the image is built for),
           no hypervisor
  alone    under Tandem, the image as a VM of 1 vCPU alone on core 3,
           priority 2, 128 MiB
  linux    as alone, with configs/linux.dts (2 vCPUs on cores 1-2) booting
           beside it: Linux starts at boot; once it has, the shell turns
           `vm mux on` and starts Zephyr, and the script counts the Linux
           boot lines printed while Zephyr's items were measured

For each item it prints both values in ns, the difference and the ratio;
the counter runs at 62.5 MHz, so one tick is 16 ns. Each command line is
printed. Needs `make all` and the Linux images (build/guests/linux);
not part of `make test`.

Usage: bench/zephyr_latency.py [--setups native,alone,linux] [--zephyr-dir DIR]
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile
import pathlib

import pexpect

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(REPO, "tests", "system"))
import zephyr_images  # noqa: E402

QEMU = "qemu-system-aarch64"
ICOUNT = ["-icount", "shift=0,align=off"]
IMAGE = "latency_measure-ns"
TICK_NS = 16
ITEM_RE = re.compile(r"^(\S.*?)\s*:\s*(\d+) cycles ,\s*(\d+) ns$", re.M)
DONE = "PROJECT EXECUTION SUCCESSFUL"
TANDEM_ARGS = ["-M", "virt,gic-version=3,virtualization=on", "-cpu", "max,pauth-impdef=on",
               "-smp", "4", "-m", "1G", "-nographic", "-nic", "none"]


def say(msg):
    print(msg, flush=True)


def collect(child, timeout=600):
    child.expect_exact(DONE, timeout=timeout)
    text = child.before.replace("\r", "")
    return {m.group(1): int(m.group(3)) for m in ITEM_RE.finditer(text)}, \
        [m.group(1) for m in ITEM_RE.finditer(text)]


def run_native():
    args = zephyr_images.native_args(IMAGE) + ICOUNT
    say("native: %s %s" % (QEMU, " ".join(args)))
    child = pexpect.spawn(QEMU, args, encoding="utf-8", codec_errors="replace", timeout=600)
    try:
        return collect(child)
    finally:
        child.terminate(force=True)


def linux_files():
    d = os.path.join(REPO, "build", "guests", "linux")
    dtb = subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb",
                          os.path.join(REPO, "configs", "linux.dts")],
                         check=True, stdout=subprocess.PIPE).stdout
    return {"configs/linux.dtb": dtb,
            "linux/Image": open(os.path.join(d, "Image"), "rb").read(),
            "linux/initramfs.cpio.gz": open(os.path.join(d, "initramfs.cpio.gz"), "rb").read()}


def run_tandem(with_linux):
    tmp = pathlib.Path(tempfile.mkdtemp(prefix="zlat-"))
    bundle = zephyr_images.make_bundle(tmp, [IMAGE], linux_files() if with_linux else None,
                                       autostart=not with_linux)
    args = TANDEM_ARGS + ICOUNT + ["-kernel", os.path.join(REPO, "build", "tandem.bin"),
                                   "-initrd", bundle]
    say("%s: %s %s" % ("linux" if with_linux else "alone", QEMU, " ".join(args)))
    child = pexpect.spawn(QEMU, args, encoding="utf-8", codec_errors="replace", timeout=600)
    try:
        if not with_linux:
            say("  bundle: %s, autostart (console attached)" % IMAGE)
            return collect(child)
        return beside_linux(child)
    finally:
        child.terminate(force=True)


def beside_linux(child):
    """Linux (configs/linux.dts) starts at boot; as soon as it has, the
    shell turns `vm mux on` and starts the Zephyr VM, so both print live,
    each line prefixed with its VM's name: the interleaving shows that the
    measurement ran while Linux booted."""
    name = zephyr_images.vm_name(IMAGE)
    say("  bundle: configs/linux.dts (autostart) + %s; typed once Linux has started: "
        "Ctrl-], vm mux on, vm create %s, vm start %s" % (IMAGE, name, name))
    child.expect_exact("vm linux: started", timeout=120)
    child.send("\x1d")
    child.expect_exact("[console: Tandem shell]", timeout=60)
    child.send("\r")
    child.expect_exact("tandem> ", timeout=60)
    for cmd in ("vm mux on", "vm create " + name, "vm start " + name):
        child.send(cmd + "\r")
        child.expect_exact(cmd, timeout=60)
    prefix = "[%s] " % name
    child.expect_exact(prefix + DONE, timeout=600)
    lines = child.before.replace("\r", "").split("\n")
    mine = [l[len(prefix):] for l in lines if l.startswith(prefix)]
    first = next(i for i, l in enumerate(lines) if l.startswith(prefix))
    during = [l for l in lines[first:] if l.startswith("[linux] ")]
    stamps = [re.match(r"\[linux\] \[\s*(\d+\.\d+)\]", l) for l in during]
    stamps = [m.group(1) for m in stamps if m]
    say("  Linux printed %d boot lines between Zephyr's first line and its last (kernel clock %s .. %s)"
        % (len(during), stamps[0] if stamps else "?", stamps[-1] if stamps else "?"))
    text = "\n".join(mine)
    return ({m.group(1): int(m.group(3)) for m in ITEM_RE.finditer(text)},
            [m.group(1) for m in ITEM_RE.finditer(text)])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--setups", default="native,alone,linux")
    ap.add_argument("--zephyr-dir", default=zephyr_images.ZEPHYR_DIR)
    opts = ap.parse_args()
    zephyr_images.ZEPHYR_DIR = opts.zephyr_dir
    setups = opts.setups.split(",")
    results, order = {}, None
    for s in setups:
        if s == "native":
            results[s], o = run_native()
        else:
            results[s], o = run_tandem(s == "linux")
        order = order or o
    ref = "native" if "native" in results else setups[0]
    others = [s for s in setups if s != ref]
    head = "%-55s %9s" % ("item (ns)", ref) + "".join(
        " %9s %7s %7s" % (s, "diff", "ratio") for s in others)
    say("\n" + head + "\n" + "-" * len(head))
    worst = {s: (0.0, "") for s in others}
    for item in order:
        r = results[ref].get(item)
        row = "%-55s %9s" % (item[:55], r)
        for s in others:
            v = results[s].get(item)
            if v is None or r is None:
                row += " %9s %7s %7s" % (v, "-", "-")
                continue
            ratio = v / r if r else float("inf")
            row += " %9d %+7d %7.3f" % (v, v - r, ratio)
            if abs(ratio - 1) > abs(worst[s][0] - 1) or not worst[s][1]:
                worst[s] = (ratio, item)
        say(row)
    for s in others:
        same = sum(1 for i in order if abs(results[s].get(i, 1 << 60) - results[ref].get(i, 0))
                   <= TICK_NS)
        say("%s: %d of %d items within one counter tick (%d ns) of %s; worst %s: %.3f"
            % (s, same, len(order), TICK_NS, ref, worst[s][1], worst[s][0]))


if __name__ == "__main__":
    main()
