#!/usr/bin/python3
"""Boot the default bundle (configs/linux.dts + rtos.dts + gtest.dts) under
Tandem with -icount shift=0,align=off and print where the time goes from
Tandem's start (host uptime 0) to Linux's /init, to compare with
bench/linux_boot_native.sh (the same kernel directly on QEMU) and with
Xen 4.17 dom0less (0.940 s hypervisor start to /init, measured at Xen's
own console, issue 23; Xen is not installable here):

- each VM's preparation (zeroing its RAM, copying the images, the cache
  clean+invalidate, the DTB), from the "vm X: started ... prepared in"
  boot-log line, and the host uptime at which it started;
- the RTOS VM's first console output (host uptime, from `vm info rtos`);
- Tandem start to /init at the hypervisor's clock: the host uptime at
  which the guest's /init line reached Tandem's console (`vm log -t`).
  This is the figure that compares with Xen's, which stamps the domU's
  console lines the same way (console_timestamps);
- for reference, the Linux VM's start plus the guest uptime Linux
  reports at /init. It leaves out the kernel's early boot before
  time_init (the guest clock starts there), so it is too small.

Each figure is printed beside its target (issue 23). --linux-mib N
boots the same bundle with the Linux VM's RAM set to N MiB (the host gets
2 GiB), to show how the start-up cost grows with VM size.

Usage: make all bundle && bench/linux_boot_tandem.py [--linux-mib 1024]
"""
import argparse
import subprocess
import tempfile
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                                "tests", "system"))
from tandem_qemu import REPO, Tandem  # noqa: E402

STARTED = re.compile(r"\[\s*(\d+\.\d+)\] cpu\d+ \S+: I: vm (\w+): started.*"
                     r"prepared in (\d+) us")
FIRST_OUT = re.compile(r"first console output at (\d+) us")
ENTERED = re.compile(r"kernel entered at uptime (\d+) us")
INIT_STAMP = re.compile(r"\[\s*(\d+\.\d+)\] tandem-guest: init reached")
XEN = 0.940


def bundle_with_linux_mib(mib, tmp):
    """The default bundle with the Linux VM's memory-size set to mib MiB."""
    dts = open(os.path.join(REPO, "configs", "linux.dts")).read()
    dts, n = re.subn(r"memory-size = <[^>]*>;", "memory-size = <0x0 %#x>;" % (mib << 20), dts)
    assert n == 1, "configs/linux.dts: no single memory-size"
    os.makedirs(os.path.join(tmp, "cfg"))
    linux = os.path.join(tmp, "cfg", "linux.dts")
    open(linux, "w").write(dts)
    out = os.path.join(tmp, "bundle.cpio")
    subprocess.run(["make", "--no-print-directory", "bundle", "BUNDLE=" + out,
                    "BUNDLE_DIR=" + os.path.join(tmp, "bundle"),
                    "CONFIG=%s configs/rtos.dts configs/gtest.dts" % linux],
                   cwd=REPO, check=True, stdout=subprocess.DEVNULL)
    return out


def target(ok):
    return "meets the target" if ok else "MISSES the target"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--linux-mib", type=int, help="the Linux VM's RAM in MiB (default: its config's)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="linux-boot-") as tmp:
        extra = []
        bundle = os.path.join(REPO, "build", "bundle.cpio")
        if args.linux_mib:
            bundle = bundle_with_linux_mib(args.linux_mib, tmp)
            extra = ["-m", "2G"]
        return measure(bundle, extra)


def measure(bundle, extra):
    t = Tandem(["-initrd", bundle, "-icount", "shift=0,align=off"] + extra, boot_timeout=120)
    try:
        # The shell's prompt may come before or after the autostart lines.
        starts = {m.group(2): (float(m.group(1)), int(m.group(3)))
                  for m in STARTED.finditer(t.boot_log_raw)}
        while "linux" not in starts:
            t.expect(STARTED, timeout=120, exact=False)
            m = t.child.match
            starts[m.group(2)] = (float(m.group(1)), int(m.group(3)))
        t.expect(r"tandem-guest: init reached at ([0-9.]+) s", timeout=600, exact=False)
        guest = float(t.child.match.group(1))
        t.expect("guest# ", timeout=600)
        t.to_shell()
        stamp = INIT_STAMP.search(t.run("vm log -t linux", timeout=60))
        rtos_out = FIRST_OUT.search(t.run("vm info rtos")) if "rtos" in starts else None
    finally:
        t.close()
    entered = int(ENTERED.search(t.boot_log_raw).group(1)) / 1e6
    print(f"tandem: kernel entered at host uptime {entered * 1000:.1f} ms "
          f"(what QEMU did before it is not Tandem's)")
    for name, (at, prep) in sorted(starts.items(), key=lambda kv: kv[1][0]):
        print(f"tandem: vm {name}: prepared in {prep / 1000:.1f} ms, "
              f"running at host uptime {at * 1000:.1f} ms")
    if rtos_out:
        first = int(rtos_out.group(1)) / 1e6
        print(f"tandem: rtos first console output at host uptime {first * 1000:.1f} ms, "
              f"{(first - entered) * 1000:.1f} ms after Tandem's entry "
              f"(target < 5 ms: {target(first - entered < 0.005)})")
    prep = starts["linux"][1] / 1e6
    print(f"tandem: hypervisor time preparing the Linux VM before its first instruction: "
          f"{prep * 1000:.1f} ms (target < 5 ms: {target(prep < 0.005)})")
    linux_at = starts["linux"][0]
    print(f"tandem: linux /init at {guest:.3f} s of guest uptime")
    if stamp:
        host = float(stamp.group(1))
        print(f"tandem: Tandem start to Linux /init, hypervisor clock: {host:.3f} s "
              f"(compares with Xen 4.17 dom0less at its console: {XEN:.3f} s; "
              f"{(host / XEN - 1) * 100:+.1f} %; target < 0.90 s: {target(host < 0.90)})")
        print(f"tandem: Linux's early boot before its clock started: "
              f"{(host - guest - linux_at) * 1000:.1f} ms")
    else:
        print("tandem: no stamped /init line in `vm log -t linux`")
    print(f"tandem: VM start + guest uptime at /init: {linux_at + guest:.3f} s "
          f"(guest clock; misses the early boot, not comparable with Xen)")


if __name__ == "__main__":
    sys.exit(main())
