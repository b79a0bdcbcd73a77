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
           beside it: both start at boot, Linux first, Zephyr right after;
           the script reports how far Linux's boot had got when Zephyr was
           done (its last kernel timestamp, whether its prompt was reached)

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
    # "0linux" sorts first: Linux is started first, then Zephyr at once.
    return {"configs/0linux.dtb": dtb,
            "linux/Image": open(os.path.join(d, "Image"), "rb").read(),
            "linux/initramfs.cpio.gz": open(os.path.join(d, "initramfs.cpio.gz"), "rb").read()}


def run_tandem(with_linux):
    tmp = pathlib.Path(tempfile.mkdtemp(prefix="zlat-"))
    bundle = zephyr_images.make_bundle(tmp, [IMAGE], linux_files() if with_linux else None,
                                       autostart=True)
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


def shell(child, cmd, timeout=60):
    child.send(cmd + "\r")
    child.expect_exact(cmd, timeout=timeout)
    child.expect_exact("tandem> ", timeout=timeout)
    return child.before.replace("\r", "")


def beside_linux(child):
    """Both VMs start at boot, Linux first (its console attached); Zephyr
    starts right after it and runs while Linux boots. Its results are read
    from `vm log`, and how far Linux had got is reported."""
    name = zephyr_images.vm_name(IMAGE)
    say("  bundle: configs/linux.dts + %s, both autostart, Linux first; typed: Ctrl-], "
        "then vm log %s until done" % (IMAGE, name))
    child.expect_exact("vm linux: started", timeout=120)
    child.expect_exact("vm %s: started" % name, timeout=120)
    child.send("\x1d")
    child.expect_exact("[console: Tandem shell]", timeout=60)
    child.send("\r")
    child.expect_exact("tandem> ", timeout=60)
    for _ in range(600):
        log = shell(child, "vm log " + name)
        if DONE in log:
            break
    else:
        raise RuntimeError("latency_measure did not finish")
    linux = shell(child, "vm log linux")
    stamps = re.findall(r"^\[\s*(\d+\.\d+)\]", linux, re.M)
    say("  when Zephyr was done, Linux's log ended at [%s] (its prompt %s)"
        % (stamps[-1] if stamps else "?", "reached" if "guest# " in linux else "not reached yet"))
    child.before = log[:log.index(DONE)]
    return ({m.group(1): int(m.group(3)) for m in ITEM_RE.finditer(log)},
            [m.group(1) for m in ITEM_RE.finditer(log)])


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
