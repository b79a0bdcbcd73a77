"""
virtio-blk served by Tandem itself (virt/devices/virtio_blk.c): the stock
Debian Linux, with its own virtio_mmio and virtio_blk modules (from the
guest kernel's package, in a second initramfs), finds the disk Tandem
describes in its DTB, reads an image made here with the right checksum,
writes to it (copy-on-write in host RAM, which `vm info` and `mem`
show), and after `vm reset` reads the pristine image again, the written
pages given back.
"""
import hashlib
import os
import re
import time

import pytest

from tandem_qemu import REPO, Tandem, parse_mem
from test_own_image import make_bundle
import linux_initrd

LINUX = os.path.join(REPO, "build", "guests", "linux", "Image")
GUEST_PROMPT = "guest# "
LINUX_BOOT = 240
DISK_MIB = 4

pytestmark = pytest.mark.skipif(not os.path.isfile(LINUX),
                                reason="no guest Linux: run `make bundle`")

LINUX_DISK = """/dts-v1/;
/ { compatible = "tandem,config";
    linux { compatible = "tandem,vm"; vcpus = <2>; memory-size = <0x0 0x10000000>;
            kernel = "linux/Image"; initrd = "initrd.cpio.gz";
            bootargs = "console=ttyAMA0"; vcpu-cpus = <1 2>; autostart;
            virtio {
                disk { type = "block"; image = "disk.img";
                       guest-reg = <0x0 0x0a000000>; interrupt = <48>; };
            }; }; };
"""
WRITTEN = "tandem-cow-4242-ok"
BLK_INFO_RE = re.compile(r"^  virtio block disk: IPA 0xa000000, INTID 48, status (0x[0-9a-f]+|0), "
                         r"(\d+) sectors, (\d+) KiB written in RAM, (\d+) reads (\d+) writes "
                         r"(\d+) errors$", re.M)


def initrd_with_modules(tmp_path, modules):
    """tmp_path/initrd.cpio.gz: the build's initramfs plus the guest kernel's
    own modules (paths under kernel/drivers/) in /lib/modules."""
    if not linux_initrd.initrd_with_modules(tmp_path, ["drivers/" + m for m in modules]):
        pytest.skip("no cached linux-image .deb: run `make bundle`")


def guest(t, cmd, timeout=60):
    t.send(cmd + "\r")
    out = t.expect(GUEST_PROMPT, timeout=timeout)
    out = re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", out)
    return [l for l in out.split("\n") if l.strip()][1:]


def md5_of(t, cmd, timeout=120):
    out = guest(t, cmd + " | md5sum", timeout)
    sums = [l.split()[0] for l in out if l.endswith("  -")]
    assert sums, out
    return sums[-1]


def blk_info(t):
    info = t.run("vm info linux")
    m = BLK_INFO_RE.search(info)
    assert m, info
    return tuple(int(m.group(i), 0) for i in range(1, 7))


def free_pages(t):
    return parse_mem(t.run("mem"))[1]


def wait_log(t, vm, pattern, timeout, count=1):
    deadline = time.monotonic() + timeout
    while True:
        log = t.run("vm log %s" % vm)
        if len(re.findall(pattern, log, re.M)) >= count:
            return log
        assert time.monotonic() < deadline, "no %r in the log of %s:\n%s" % (pattern, vm, log)
        time.sleep(1)


def load_drivers(t):
    guest(t, "insmod /lib/modules/virtio_mmio.ko")
    out = "\n".join(guest(t, "insmod /lib/modules/virtio_blk.ko"))
    out += "\n".join(guest(t, "sleep 1; cat /proc/partitions"))
    assert re.search(r"\b254\s+0\s+%d vda$" % (DISK_MIB * 1024), out, re.M), out


def test_linux_reads_writes_and_resets_the_disk(tmp_path):
    initrd_with_modules(tmp_path, ("virtio/virtio_mmio.ko", "block/virtio_blk.ko"))
    data = os.urandom(DISK_MIB << 20)
    (tmp_path / "disk.img").write_bytes(data)
    want = hashlib.md5(data).hexdigest()
    sector = 4096 + 3  # inside the image's third MiB, not chunk-aligned
    (tmp_path / "linux-disk.dts").write_text(LINUX_DISK)
    rc, out, bundle = make_bundle(tmp_path, [tmp_path / "linux-disk.dts"])
    assert rc == 0, out
    t = Tandem(["-initrd", bundle])
    try:
        t.expect("vm linux: started", timeout=60)
        t.expect(GUEST_PROMPT, timeout=LINUX_BOOT)
        load_drivers(t)
        assert md5_of(t, "dd if=/dev/vda bs=64k") == want
        assert guest(t, "cat /sys/block/vda/serial")[-1].strip() == "tandem-disk"
        t.to_shell()
        status, sectors, kib, reads, writes, errors = blk_info(t)
        assert status == 0xf and sectors == DISK_MIB * 2048 and kib == 0 and reads > 0 \
            and writes == 0 and errors == 0
        before = free_pages(t)
        t.run("vm console linux")
        guest(t, "echo")
        guest(t, "printf %s >/w" % WRITTEN)
        guest(t, "dd if=/w of=/dev/vda bs=512 seek=%d conv=fsync" % sector)
        guest(t, "echo 3 >/proc/sys/vm/drop_caches")
        # short lines: busybox's editor stalls on one wider than the terminal
        guest(t, "dd if=/dev/vda of=/b bs=512 skip=%d count=1" % sector)
        back = guest(t, "head -c %d /b; echo" % len(WRITTEN))
        assert back[-1].strip() == WRITTEN, back
        assert md5_of(t, "dd if=/dev/vda bs=64k") != want
        t.to_shell()
        _, _, kib, _, writes, errors = blk_info(t)
        assert kib == 4 and writes >= 1 and errors == 0, (kib, writes, errors)
        assert free_pages(t) == before - 1
        t.run("vm reset linux")
        # stopped and started: the written page is back in the allocator
        assert free_pages(t) == before
        assert blk_info(t)[2] == 0
        wait_log(t, "linux", r"init reached at", LINUX_BOOT, 2)
        t.run("vm console linux")
        guest(t, "echo")
        load_drivers(t)
        assert md5_of(t, "dd if=/dev/vda bs=64k") == want
    finally:
        t.close()


def test_hostile_driver_gets_defined_results(tmp_path):
    """A driver that does it wrong, played with busybox's devmem from
    Linux userspace on the device's registers: each mistake gets the
    guest-visible result the virtio spec defines and exactly one line in
    Tandem's log, the VM runs on, and after a reset Linux's own driver
    reads the disk."""
    initrd_with_modules(tmp_path, ("virtio/virtio_mmio.ko", "block/virtio_blk.ko"))
    data = os.urandom(DISK_MIB << 20)
    (tmp_path / "disk.img").write_bytes(data)
    (tmp_path / "linux-disk.dts").write_text(LINUX_DISK)
    rc, out, bundle = make_bundle(tmp_path, [tmp_path / "linux-disk.dts"])
    assert rc == 0, out
    base = 0x0a000000
    t = Tandem(["-initrd", bundle])

    def rd(off):
        return int(guest(t, "devmem 0x%x 32" % (base + off))[-1].strip(), 16)

    def wr(off, val):
        guest(t, "devmem 0x%x 32 0x%x" % (base + off, val))

    def negotiate(low):
        wr(0x70, 0)
        wr(0x70, 3)
        wr(0x24, 0)
        wr(0x20, low)
        wr(0x24, 1)
        wr(0x20, 1)      # VIRTIO_F_VERSION_1
        wr(0x70, 0xb)

    try:
        t.expect("vm linux: started", timeout=60)
        t.expect(GUEST_PROMPT, timeout=LINUX_BOOT)
        assert (rd(0x0), rd(0x4), rd(0x8)) == (0x74726976, 2, 2)
        negotiate(1 << 3)                          # bit 3 is not offered
        assert rd(0x70) == 0x3                     # FEATURES_OK refused
        negotiate(0)
        assert rd(0x70) == 0xb
        wr(0x30, 0)
        wr(0x38, 3)                                # not a power of two
        wr(0x44, 1)
        assert rd(0x44) == 0 and rd(0x70) == 0x4b  # DEVICE_NEEDS_RESET
        negotiate(0)
        wr(0x38, 16)
        wr(0x80, 0x1000)                           # below the VM's RAM
        for off, at in ((0x90, 0x40001000), (0xa0, 0x40002000)):
            wr(off, at)
        wr(0x44, 1)
        assert rd(0x44) == 0 and rd(0x70) == 0x4b
        wr(0x70, 0)
        assert rd(0x70) == 0
        load_drivers(t)
        assert md5_of(t, "dd if=/dev/vda bs=64k") == hashlib.md5(data).hexdigest()
        log = t.transcript.getvalue().replace("\r", "")
        for line in ("features: driver accepted features not offered (0x8)",
                     "queue: queue size is not a power of two up to the maximum (0x3), device needs reset",
                     "queue: descriptor table not 16-byte aligned inside RAM (0x1000), device needs reset"):
            assert log.count("vm linux: virtio-blk 'disk': " + line) == 1, (line, log[-3000:])
    finally:
        t.close()
