#!/usr/bin/python3
"""Tandem's hot paths measured from inside a guest: run guests/gbench
natively on QEMU (EL1, no hypervisor) and as the only VM under Tandem, both
under -icount (1 ns of emulated time per instruction), and print each
measurement's average side by side. "Tandem - native" is what the
hypervisor adds to that path, in ns and so in instructions.

Usage: make && bench/hotpaths.py [--icount OPTS] [--shared]

The Tandem run boots a bundle holding only configs/gbench.dts, made with
`make bundle CONFIG=configs/gbench.dts` and copied aside; the default
bundle is rebuilt with plain `make bundle` at once, before anything runs.

-icount defaults to shift=0,align=off,sleep=off. sleep=off matters for
wfi_wake: with the default sleep=on, QEMU lets the emulated clock follow
the host's while every CPU waits in WFI, so the wake-up figure would
measure the host machine, not the code.
"""
import argparse
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

import pexpect

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
QEMU = "qemu-system-aarch64"
NATIVE = [QEMU, "-M", "virt,gic-version=3", "-cpu", "max,pauth-impdef=on",
          "-smp", "1", "-m", "256M", "-nographic", "-nic", "none",
          "-kernel", "guests/build/gbench.elf"]
TANDEM = [QEMU, "-M", "virt,gic-version=3,virtualization=on",
          "-cpu", "max,pauth-impdef=on", "-smp", "4", "-m", "1G", "-nographic",
          "-nic", "none", "-kernel", "build/tandem.bin"]
CONFIG = "configs/gbench.dts"
# --shared: a second VM on gbench's core, so gbench's WFI traps.
SHARED_CONFIG = "configs/gbench.dts configs/gbench_companion.dts"
NAMES = ["null", "hvc", "mmio", "sysreg", "sgi_self", "vtimer", "wfi_wake"]
BENCH_RE = re.compile(r"^BENCH (\S+): n=(\d+) min=(\d+) avg=(\d+) max=(\d+)$", re.M)
TIMEOUT = 300


def run_make(args):
    print("$ " + shlex.join(["make"] + args), flush=True)
    subprocess.run(["make", "--no-print-directory"] + args, cwd=REPO, check=True)


def gbench_bundle(dest, config=CONFIG):
    """Copy a bundle with gbench's config to dest; restore the default."""
    try:
        run_make(["bundle", "CONFIG=" + config])
        shutil.copyfile(os.path.join(REPO, "build", "bundle.cpio"), dest)
    finally:
        run_make(["bundle"])


def parse(text):
    """BENCH lines -> {name: (n, min, avg, max)}."""
    return {m.group(1): tuple(int(g) for g in m.group(2, 3, 4, 5))
            for m in BENCH_RE.finditer(text)}


def show(label, cmd):
    print(f"\n{label}: {shlex.join(cmd)}", flush=True)


def run_native(icount):
    cmd = NATIVE + ["-icount", icount]
    show("native", cmd)
    out = subprocess.run(cmd, cwd=REPO, stdin=subprocess.DEVNULL, capture_output=True,
                         text=True, timeout=TIMEOUT).stdout.replace("\r", "")
    if "BENCH done" not in out:
        sys.exit("native run did not finish:\n" + out)
    return out


def run_tandem(icount, bundle):
    cmd = TANDEM + ["-icount", icount, "-initrd", bundle]
    show("tandem", cmd)
    q = pexpect.spawn(cmd[0], cmd[1:], cwd=REPO, encoding="utf-8", timeout=TIMEOUT)
    try:
        q.expect(r"Tandem (\S+) - real-time hypervisor")
        version = q.match.group(1)
        q.expect("vm gbench: started")
        # Autostarted, so the console is gbench's: its output comes through.
        q.expect(["BENCH done", "vm gbench: stopped"])
        out = q.before.replace("\r", "")
        q.send("\x1d")                      # Ctrl-]: to the Tandem shell
        q.send("\r")
        q.expect("tandem> ")
        q.sendline("vm info gbench")
        q.expect("tandem> ")
        counts = re.findall(r"vcpu0 counts: [^\r\n]*|exits:[^\r\n]*", q.before)
        # gbench's core: its thread switches and FP/SIMD traps (lazy switching).
        q.sendline("cpus counts")
        q.expect("tandem> ")
        counts += ["core " + line for line in re.findall(r"^cpu3 [^\r\n]*", q.before, re.M)]
        q.sendline("poweroff")
        q.expect(pexpect.EOF)
    finally:
        q.terminate(force=True)
    print(f"(Tandem {version})")
    for line in counts:
        print("gbench " + line)
    return out


def ratio(native, tandem):
    return f"{tandem / native:.0f}x" if native else "-"


def table(native, tandem):
    print(f"\n{'path':<10} {'native avg':>11} {'Tandem avg':>11} {'difference':>11} {'ratio':>7}")
    print(f"{'':<10} {'ns':>11} {'ns':>11} {'ns = insns':>11}")
    for name in NAMES:
        if name not in native or name not in tandem:
            print(f"{name:<10} {'missing' if name not in native else native[name][2]:>11} "
                  f"{'missing' if name not in tandem else tandem[name][2]:>11}")
            continue
        n, t = native[name][2], tandem[name][2]
        print(f"{name:<10} {n:>11} {t:>11} {t - n:>11} {ratio(n, t):>7}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--icount", default="shift=0,align=off,sleep=off",
                    help="QEMU -icount options for both runs (default %(default)s)")
    ap.add_argument("--shared", action="store_true",
                    help="a second VM on gbench's core (%s): WFI traps" % SHARED_CONFIG)
    args = ap.parse_args()
    if not os.path.isfile(os.path.join(REPO, "build", "tandem.bin")):
        sys.exit("build/tandem.bin missing: run `make` first")

    with tempfile.TemporaryDirectory(prefix="hotpaths-") as tmp:
        bundle = os.path.join(tmp, "gbench-bundle.cpio")
        # Builds guests/build/gbench.elf too.
        gbench_bundle(bundle, SHARED_CONFIG if args.shared else CONFIG)
        native_out = run_native(args.icount)
        tandem_out = run_tandem(args.icount, bundle)

    native, tandem = parse(native_out), parse(tandem_out)
    for label, out in (("native", native_out), ("tandem", tandem_out)):
        print(f"\n{label}:")
        for line in out.splitlines():
            if line.startswith(("BENCH ", "# ")) and line != "BENCH done":
                print("  " + line)
    table(native, tandem)
    return 0 if all(n in native and n in tandem for n in NAMES) else 1


if __name__ == "__main__":
    sys.exit(main())
