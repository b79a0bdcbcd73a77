#!/usr/bin/python3
"""Latency of a passed-through interrupt, natively and under Tandem.

guests/ptdev's gpio_latency test raises QEMU virt's PL061 GPIO interrupt
(SPI 7, INTID 39, level) 1000 times with its own write (unmasking a pin
whose level interrupt is pending) and timestamps CNTVCT_EL0 just before
that write and at the first instruction of its IRQ vector. It prints
"LATENCY gpio: samples=<n> min=<ns> avg=<ns> max=<ns>". This script runs
the same ptdev.elf

  native  on QEMU at EL1, no hypervisor (-smp 1): the device's interrupt
          taken by the CPU directly;
  Tandem  as a VM (configs/ptdev.dts: the PL061 and the PL031 passed
          through, vCPU 0 on core 1): the physical SPI taken at EL2,
          forwarded hardware-linked, taken by the guest at its vector;

both under the same -icount (1 ns per instruction), and prints a table.
"Tandem - native" is what the forwarding costs, in instructions.

Usage: make && make -C guests && bench/passthru_latency.py [--icount OPTS] [--keep DIR]

The Tandem bundle is made into a temporary directory (`make bundle
CONFIG=configs/ptdev.dts BUNDLE=... BUNDLE_DIR=...`), so build/bundle.cpio
is left alone. Not part of `make test` (tests/system/test_passthrough.py
runs the measurement briefly and checks it).
"""
import argparse
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

import pexpect

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
QEMU = "qemu-system-aarch64"
PTDEV = os.path.join(REPO, "guests", "build", "ptdev.elf")
NATIVE = [QEMU, "-M", "virt,gic-version=3", "-cpu", "max,pauth-impdef=on", "-smp", "1",
          "-m", "256M", "-nographic", "-nic", "none", "-no-reboot"]
TANDEM = [QEMU, "-M", "virt,gic-version=3,virtualization=on", "-cpu", "max,pauth-impdef=on",
          "-smp", "4", "-m", "1G", "-nographic", "-nic", "none"]
CONFIG = "configs/ptdev.dts"
LATENCY_RE = re.compile(r"^LATENCY gpio: samples=(\d+) min=(\d+) avg=(\d+) max=(\d+)\r?$", re.M)
GPIO_RE = re.compile(r"passthrough gpio: [^\r\n]*INTID 39 as 39 \(level, (\d+) fired, to core (-?\d+)\)")
PROMPT = "tandem> "
TIMEOUT = 300


def say(msg):
    print(msg, flush=True)


def run_native(icount, log):
    cmd = NATIVE + ["-icount", icount, "-kernel", PTDEV]
    say("\nnative: $ " + shlex.join(cmd))
    out = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True, timeout=TIMEOUT).stdout
    open(log, "w").write(out)
    return out.replace("\r", "")


def shell(q, cmd):
    q.sendline(cmd)
    q.expect(PROMPT)
    return q.before.replace("\r", "")


def run_tandem(icount, bundle, log):
    cmd = TANDEM + ["-icount", icount, "-kernel", os.path.join(REPO, "build", "tandem.bin"),
                    "-initrd", bundle]
    say("\nTandem: $ " + shlex.join(cmd))
    say("    typed: vm create ptdev; vm start ptdev; vm log ptdev (until gpio_latency ends); "
        "vm info ptdev")
    q = pexpect.spawn(cmd[0], cmd[1:], encoding="utf-8", codec_errors="replace",
                      timeout=TIMEOUT)
    q.logfile_read = open(log, "w")
    try:
        q.expect(PROMPT)
        shell(q, "vm create ptdev")
        shell(q, "vm start ptdev")
        deadline = time.monotonic() + TIMEOUT
        while True:
            out = shell(q, "vm log ptdev")
            if re.search(r"^TEST gpio_latency \.\.\. ", out, re.M):
                break
            if time.monotonic() > deadline:
                sys.exit("Tandem run: no gpio_latency result (log: %s)" % log)
            time.sleep(1)
        info = shell(q, "vm info ptdev")
        q.sendline("poweroff")
        q.expect(pexpect.EOF)
    finally:
        q.terminate(force=True)
        q.logfile_read.close()
    return out, info


def latency(label, out):
    m = LATENCY_RE.search(out)
    result = re.search(r"^TEST gpio_latency \.\.\. (.*)$", out, re.M)
    if not m or not result or result.group(1).strip() != "PASS":
        sys.exit("%s run: gpio_latency did not pass:\n%s" % (label, out[-2000:]))
    say("    " + m.group(0).strip())
    return tuple(int(g) for g in m.groups())


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--icount", default="shift=0,align=off",
                    help="QEMU -icount options for both runs (default %(default)s)")
    ap.add_argument("--keep", metavar="DIR", help="keep the bundle and console logs in DIR")
    args = ap.parse_args()
    for f in (PTDEV, os.path.join(REPO, "build", "tandem.bin")):
        if not os.path.isfile(f):
            sys.exit("%s missing: run `make && make -C guests` first" % f)

    work = args.keep or tempfile.mkdtemp(prefix="passthru_latency.")
    os.makedirs(work, exist_ok=True)
    try:
        bundle = os.path.join(work, "bundle-ptdev.cpio")
        mk = ["make", "-s", "--no-print-directory", "-C", REPO, "bundle", "CONFIG=" + CONFIG,
              "BUNDLE=" + bundle, "BUNDLE_DIR=" + os.path.join(work, "staging")]
        say("$ " + shlex.join(mk))
        subprocess.run(mk, check=True)
        native = latency("native", run_native(args.icount, os.path.join(work, "native.log")))
        out, info = run_tandem(args.icount, bundle, os.path.join(work, "tandem.log"))
        tandem = latency("Tandem", out)
        m = GPIO_RE.search(info)
        say("    vm info: " + (m.group(0) if m else "no gpio passthrough line"))
        exits = re.search(r"exits:[^\n]*", info)
        if exits:
            say("    " + exits.group(0).strip())
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)

    say("\nPassed-through interrupt latency (PL061 GPIO, INTID 39, level), -icount %s"
        % args.icount)
    say("CNTVCT_EL0 before the triggering write -> first instruction of the IRQ vector; "
        "ns (1 ns = 1 instruction)")
    say("%-44s %7s %7s %7s %7s" % ("setup", "samples", "min", "avg", "max"))
    say("%-44s %7d %7d %7d %7d" % (("native QEMU, -smp 1",) + native))
    say("%-44s %7d %7d %7d %7d" % (("Tandem VM, core 1, hardware-linked",) + tandem))
    say("%-44s %7s %7d %7d %7d" % ("Tandem - native", "", tandem[1] - native[1],
                                   tandem[2] - native[2], tandem[3] - native[3]))
    if args.keep:
        say("\nlogs: %s" % work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
