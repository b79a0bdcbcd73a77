#!/usr/bin/python3
"""virtio-net between two VMs, measured from inside the guests: two stock
Debian Linux VMs (1 vCPU, 128 MiB each, cores 1 and 2) on one Tandem
network (tests/system/vnet_linux.py builds the bundle and initrd), QEMU
with -icount (1 ns of emulated time per instruction).

- latency: `ping -c 50 -i 0.2` from net-a to net-b, the guest's own
  min/avg/max round trip (its clock is the emulated one), next to the same
  ping of 127.0.0.1 inside net-a (Linux's own stack, no device), so the
  difference is what the two virtio-net cards, the switch and the two
  interrupts cost;
- throughput: N MiB (an 8 MiB random file sent N/8 times) from net-a to
  net-b over TCP with busybox nc, checksummed on both sides, timed with
  busybox `time` in net-a (10 ms steps): MiB per second of emulated time.

There is no native figure: QEMU's own network between two native Linux
instances would be two QEMUs with two clocks.

Usage: make && make bundle && bench/vnet.py [--icount OPTS] [--mib N]
"""
import argparse
import os
import re
import shlex
import sys
import tempfile
import pathlib

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(REPO, "tests", "system"))
import tandem_qemu  # noqa: E402
import vnet_linux as net  # noqa: E402
from test_own_image import make_bundle  # noqa: E402

PING_RE = re.compile(r"(\d+) packets transmitted, (\d+) packets received.*\n"
                     r".*round-trip min/avg/max = ([\d.]+)/([\d.]+)/([\d.]+) ms")
REAL_RE = re.compile(r"real\s+(\d+)m\s*([\d.]+)s")
FILE_MIB = 8
INFO_RE = re.compile(r"virtio net eth0: .*")


def ping(t, addr, n):
    out = "\n".join(net.guest(t, "ping -q -c %d -i 0.2 %s" % (n, addr), 600))
    m = PING_RE.search(out)
    if not m:
        sys.exit("no ping summary in:\n" + out)
    sent, got, lo, avg, hi = m.groups()
    return int(sent), int(got), float(lo), float(avg), float(hi)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--icount", default="shift=0,align=off",
                    help="QEMU -icount options (default %(default)s)")
    ap.add_argument("--mib", type=int, default=32,
                    help="MiB to transfer, a multiple of 8 (default %(default)s)")
    ap.add_argument("--pings", type=int, default=50)
    args = ap.parse_args()
    reps = max(1, args.mib // FILE_MIB)
    args.mib = reps * FILE_MIB
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        if not net.build_initrd(tmp):
            sys.exit("no cached linux-image .deb: run `make bundle`")
        (tmp / "vnet.dts").write_text(net.config())
        rc, out, bundle = make_bundle(tmp, [tmp / "vnet.dts"])
        if rc:
            sys.exit(out)
        extra = ["-initrd", bundle] + (["-icount", args.icount] if args.icount != "none" else [])
        t = tandem_qemu.Tandem(extra, boot_timeout=300)
        print("tandem: " + shlex.join(t.args), flush=True)
        version = tandem_qemu.BANNER_RE.search(t.boot_log).group(1)
        try:
            net.start_both(t)
            for vm in net.ADDR:
                net.bring_up(t, vm)
            net.attach(t, "net-b")
            net.guest(t, "nc -l -p 5000 | md5sum >/r &")
            net.attach(t, "net-a")
            lo_ping = ping(t, "127.0.0.1", args.pings)
            vm_ping = ping(t, net.ADDR["net-b"], args.pings)
            # 8 MiB of random data, sent `reps` times (RAM is 128 MiB)
            net.guest(t, "dd if=/dev/urandom of=/d bs=64k count=128", 300)
            size = [l.strip() for l in net.guest(t, "wc -c </d") if l.strip().isdigit()]
            if size != [str(FILE_MIB << 20)]:
                sys.exit("/d is %s bytes, not %d" % (size, FILE_MIB << 20))
            cat = "cat" + " /d" * reps
            sent = [l.split()[0] for l in net.guest(t, cat + " | md5sum", 300) if l.endswith("  -")]
            out = "\n".join(net.guest(t, "time sh -c '%s | nc 10.0.0.2 5000'" % cat, 1200))
            m = REAL_RE.search(out)
            if not m:
                sys.exit("no time output in:\n" + out)
            secs = int(m.group(1)) * 60 + float(m.group(2))
            net.attach(t, "net-b")
            got = []
            for _ in range(60):
                got = [l.split()[0] for l in net.guest(t, "cat /r") if l.endswith("  -")]
                if got:
                    break
                net.guest(t, "sleep 1")
            if got != sent:
                sys.exit("checksums differ: sent %s, received %s" % (sent, got))
            infos = {}
            for vm in net.ADDR:
                net.detach(t)
                infos[vm] = INFO_RE.search(t.run("vm info %s" % vm)).group(0)
        finally:
            t.close()
    print(f"(Tandem {version}, -icount {args.icount})")
    for what, p in (("loopback ping in net-a (no device)", lo_ping),
                    ("ping net-a -> net-b", vm_ping)):
        print(f"{what}: {p[1]}/{p[0]} answered, round trip min/avg/max "
              f"{p[2]:.3f}/{p[3]:.3f}/{p[4]:.3f} ms")
    print(f"TCP net-a -> net-b: {args.mib} MiB in {secs:.2f} s = {args.mib / secs:.2f} MiB/s "
          f"(checksum {sent[0]} on both sides)")
    for vm, line in infos.items():
        print(f"{vm}: {line}")


if __name__ == "__main__":
    main()
