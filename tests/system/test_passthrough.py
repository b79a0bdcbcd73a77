"""
Device passthrough with QEMU virt's real PL031 RTC (0x09010000, SPI 2 =
INTID 34) and PL061 GPIO (0x09030000, SPI 7 = INTID 39): the bare-metal
ptdev guest (guests/ptdev, which also passes natively) reads the time and
takes the alarm interrupt three times a round through the hardware-linked
forwarding, and raises the GPIO's interrupt 1000 times, measuring each
one's latency (bench/passthru_latency.py is the full comparison); the stock Debian Linux binds its
rtc-pl031 driver to the node Tandem copies into its DTB and reads a sane
time; QEMU's virtio-blk-device and virtio-rng-device, DMA-capable, work
for a direct-mapped Linux through its own virtio modules; and every way of
giving a device that must not be given is refused at `vm create`, with one
line naming file, node and property, creating nothing.
"""
import hashlib
import os
import re
import time

import pytest

from tandem_qemu import ICOUNT, REPO, Tandem
from linux_initrd import initrd_with_modules
from test_own_image import make_bundle

PTDEV = os.path.join(REPO, "guests", "build", "ptdev.elf")
LINUX = os.path.join(REPO, "build", "guests", "linux", "Image")
GUEST_PROMPT = "guest# "
LINUX_BOOT = 240


def MiB(n):
    return n << 20

pytestmark = pytest.mark.skipif(not os.path.isfile(PTDEV),
                                reason="no guests/build/ptdev.elf: run `make bundle`")

PASSTHRU_RE = re.compile(r"^  passthrough (\S+): (\S+), PA (0x[0-9a-f]+)\+(0x[0-9a-f]+) at IPA "
                         r"(0x[0-9a-f]+), INTID (\d+) as (\d+) \((level|edge), (\d+) fired, "
                         r"to core (-?\d+)\)$", re.M)
GPIO_RE = re.compile(r"^  passthrough gpio: /pl061@9030000, PA 0x9030000\+0x1000 at IPA 0x9030000,"
                     r" INTID 39 as 39 \(level, (\d+) fired, to core 1\)$", re.M)
LATENCY_RE = re.compile(r"^LATENCY gpio: samples=(\d+) min=(\d+) avg=(\d+) max=(\d+)$", re.M)
GPIO_SAMPLES = 1000
PTDEV_TESTS = ("gpio_line_at_start", "uart_reset", "gpio_latency", "rtc_read", "rtc_alarm",
               "rtc_eoi_first", "gpio_cpu_reset", "leave_lines_up")
RTC_FIRES = 2 * 3 + 2
# per run: the samples, CPU 1's and CPU 0's in gpio_cpu_reset, leave_lines_up's
# (and from the second run on, the line found up at start)
GPIO_FIRES = GPIO_SAMPLES + 2 + 1


def wait_log(t, vm, pattern, timeout, count=1):
    """The VM's log once pattern is in it count times (the ring keeps runs)."""
    deadline = time.monotonic() + timeout
    while True:
        log = t.run("vm log %s" % vm)
        if len(re.findall(pattern, log, re.M)) >= count:
            return log
        assert time.monotonic() < deadline, "no %r in the log of %s:\n%s" % (pattern, vm, log)
        time.sleep(1)


def test_ptdev_guest_owns_the_pl031(tmp_path):
    rc, out, bundle = make_bundle(tmp_path, [os.path.join(REPO, "configs", "ptdev.dts")])
    assert rc == 0, out
    t = Tandem(["-initrd", bundle])
    try:
        created = t.run("vm create ptdev")
        assert "passthrough rtc: /pl031@9010000 0x9010000+0x1000 at IPA 0x9010000" in created
        for run in (1, 2):  # a second run (a reset) gets a working device again
            t.run("vm start ptdev")
            log = wait_log(t, "ptdev", r"^RESULT: \d+ passed, \d+ failed$", 60, run)
            assert len(re.findall(r"^RESULT: 8 passed, 0 failed$", log, re.M)) == run, log
            for name in PTDEV_TESTS:
                assert "TEST %s ... PASS" % name in log, log
            # the second run starts with the line the first left up: taken once
            assert len(re.findall(r"^ptdev: PL061 line up at start$", log, re.M)) == run - 1, log
            assert len(re.findall(r"^ptdev: the line up at start taken 1 times$", log, re.M)) \
                == run - 1, log
            info = t.run("vm info ptdev")
            m = PASSTHRU_RE.search(info)
            assert m, info
            assert m.groups()[:8] == ("rtc", "/pl031@9010000", "0x9010000", "0x1000",
                                      "0x9010000", "34", "34", "level"), info
            assert m.group(10) == "1", info  # its one vCPU's core
            # 3 takes per alarm, 2 alarms a run, and the early-EOI alarm's
            # first take and its re-fire: every one the physical line
            assert int(m.group(9)) == RTC_FIRES * run, info
            g = GPIO_RE.search(info)
            assert g and int(g.group(1)) == GPIO_FIRES * run + run - 1, info
    finally:
        t.close()



def fired(t, vm):
    m = PASSTHRU_RE.search(t.run("vm info %s" % vm))
    assert m, "no passthrough line in vm info"
    return int(m.group(9))


def test_paused_vm_line_is_masked(tmp_path):
    """Paused while it waits for its alarm: the alarm (real time) comes and
    nothing is forwarded; resumed, the guest takes it and passes."""
    rc, out, bundle = make_bundle(tmp_path, [os.path.join(REPO, "configs", "ptdev.dts")])
    assert rc == 0, out
    t = Tandem(["-initrd", bundle])
    try:
        t.run("vm create ptdev")
        t.run("vm start ptdev")
        wait_log(t, "ptdev", r"^RUN rtc_alarm$", 30)
        assert "vm ptdev: paused" in t.run("vm pause ptdev")
        before = fired(t, "ptdev")
        time.sleep(3)  # the alarm is at most 2 s away, in the RTC's real time
        assert fired(t, "ptdev") == before
        assert "vm ptdev: resumed" in t.run("vm resume ptdev")
        log = wait_log(t, "ptdev", r"^RESULT: \d+ passed, \d+ failed$", 60)
        assert re.search(r"^RESULT: 8 passed, 0 failed$", log, re.M), log
        assert fired(t, "ptdev") == RTC_FIRES
    finally:
        t.close()


def test_gpio_interrupt_latency(tmp_path):
    """Under -icount: the PL061 interrupt the guest raises itself 1000
    times reaches it 1000 times, each the physical SPI forwarded (the host
    counts 1000), with a latency of Tandem's forwarding path: well above
    the native one (tens of ns) and below a few thousand instructions."""
    rc, out, bundle = make_bundle(tmp_path, [os.path.join(REPO, "configs", "ptdev.dts")])
    assert rc == 0, out
    t = Tandem(["-initrd", bundle] + ICOUNT)
    try:
        t.run("vm create ptdev")
        t.run("vm start ptdev")
        log = wait_log(t, "ptdev", r"^TEST gpio_latency \.\.\. ", 120)
        assert "TEST gpio_latency ... PASS" in log, log
        m = LATENCY_RE.search(log)
        assert m, log
        n, lo, avg, hi = (int(g) for g in m.groups())
        assert n == GPIO_SAMPLES, log
        assert 200 <= lo <= avg <= hi < 5000, m.group(0)
        info = t.run("vm info ptdev")
        g = GPIO_RE.search(info)
        assert g and int(g.group(1)) == GPIO_SAMPLES, info
        irq_exits = re.search(r"exits:.* irq=(\d+)", info)
        assert irq_exits and int(irq_exits.group(1)) >= GPIO_SAMPLES, info
        t.run("vm stop ptdev")
    finally:
        t.close()

BAD = """/dts-v1/;
/ { compatible = "tandem,config";
%s
};
"""


def vm(name, dev):
    return ("%s { compatible = \"tandem,vm\"; vcpus = <1>; memory-size = <0x0 0x2000000>;"
            " kernel = \"guests/ptdev.elf\"; kernel-format = \"elf\"; vcpu-cpus = <1>;"
            " passthrough { %s }; };" % (name, dev))


# VM -> what vm create must say (all after "configs/ptbad.dtb: /<vm>/passthrough/d: ").
REFUSED = {
    "nodev": "property 'device': '/nope@1000' is not in the board DTB",
    "uart": "0x9000000+0x1000 is the host's console UART",
    "gicd": "property 'reg': 0x8000000+0x10000 is the interrupt controller's (/intc@8000000), never a"
            " guest's",
    "its": "property 'device': '/intc@8000000/its@8080000' is part of the interrupt controller (an"
           " msi-controller), never a guest's",
    "itsreg": "property 'reg': 0x8080000+0x20000 is the interrupt controller's"
              " (/intc@8000000/its@8080000, an msi-controller), never a guest's",
    "rtcdma": "the device may do DMA and there is no IOMMU",
    "ram": "0x40000000+0x1000 is RAM, not a device",
    "nowhere": "property 'reg': 0xb000000+0x1000 is not a device in the board DTB",
    "wider": "property 'reg': 0x9020000+0x2000 is not all devices of the board DTB (nothing at"
             " 0x9021000)",
    "uartirq": "interrupt 33 is the host's console UART's",
}


def test_refused_devices(tmp_path):
    cfg = tmp_path / "ptbad.dts"
    cfg.write_text(BAD % "\n".join([
        vm("nodev", "d { device = \"/nope@1000\"; };"),
        vm("uart", "d { device = \"/pl011@9000000\"; };"),
        vm("gicd", "d { reg = <0 0x8000000 0 0x10000>; guest-reg = <0 0x20000000>; };"),
        vm("its", "d { device = \"/intc@8000000/its@8080000\"; guest-reg = <0 0x20000000>; };"),
        vm("itsreg", "d { reg = <0 0x8080000 0 0x20000>; guest-reg = <0 0x20000000>; no-dma; };"),
        vm("rtcdma", "d { device = \"/pl061@9030000\"; };"),
        vm("ram", "d { reg = <0 0x40000000 0 0x1000>; guest-reg = <0 0x20000000>; };"),
        vm("nowhere", "d { reg = <0 0xb000000 0 0x1000>; };"),
        vm("wider", "d { reg = <0 0x9020000 0 0x2000>; no-dma; };"),
        vm("uartirq", "d { reg = <0 0x9030000 0 0x1000>; interrupts = <33>;"
                          " guest-interrupts = <40>; };"),
        # the same PL031, once by path and once by range: only the board
        # knows they are one device, so vm create tells them apart
        vm("bypath", "d { device = \"/pl031@9010000\"; no-dma; };"),
        vm("byreg", "d { reg = <0 0x9010000 0 0x1000>; interrupts = <34>; no-dma; };"),
    ]))
    rc, out, bundle = make_bundle(tmp_path, [cfg])
    assert rc == 0, out
    t = Tandem(["-initrd", bundle])
    try:
        for name, why in REFUSED.items():
            out = t.run("vm create %s" % name)
            want = "configs/ptbad.dtb: /%s/passthrough/d: %s" % (name, why)
            assert ("error: " + want) in out, out
            assert len([l for l in out.split("\n") if "error:" in l]) == 1, out
        assert not re.search(r"^\s*\d+\s", t.run("vm list"), re.M)  # nothing created

        assert "created vm" in t.run("vm create bypath")
        out = t.run("vm create byreg")
        assert ("error: configs/ptbad.dtb: /byreg/passthrough/d: 0x9010000+0x1000 is already "
                "owned by VM 'bypath'") in out, out
        # and the interrupt alone is claimed too
        t.run("vm delete bypath")
        assert "created vm" in t.run("vm create byreg")
        out = t.run("vm create bypath")
        assert "is already owned by VM 'byreg'" in out, out
    finally:
        t.close()


LINUX_RTC = """/dts-v1/;
/ { compatible = "tandem,config";
    linux { compatible = "tandem,vm"; vcpus = <2>; memory-size = <0x0 0x10000000>;
            kernel = "linux/Image"; initrd = "linux/initramfs.cpio.gz";
            bootargs = "console=ttyAMA0"; vcpu-cpus = <1 2>; autostart;
            passthrough { rtc { device = "/pl031@9010000"; no-dma; }; }; }; };
"""


def guest(t, cmd, timeout=60):
    t.send(cmd + "\r")
    out = t.expect(GUEST_PROMPT, timeout=timeout)
    out = re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", out)
    return [l for l in out.split("\n") if l.strip()][1:]


@pytest.mark.skipif(not os.path.isfile(LINUX), reason="no guest Linux: run `make bundle`")
def test_linux_binds_rtc_pl031(tmp_path):
    cfg = tmp_path / "linux-rtc.dts"
    cfg.write_text(LINUX_RTC)
    rc, out, bundle = make_bundle(tmp_path, [cfg])
    assert rc == 0, out
    t = Tandem(["-initrd", bundle])
    try:
        t.expect("vm linux: started", timeout=60)
        boot = t.expect(GUEST_PROMPT, timeout=LINUX_BOOT)
        assert re.search(r"rtc-pl031 9010000\.pl031: registered as rtc0", boot), boot[-3000:]
        name = guest(t, "cat /sys/class/rtc/rtc0/name")
        assert any("pl031" in l for l in name), name
        since = guest(t, "cat /sys/class/rtc/rtc0/since_epoch")
        host_now = int(time.time())
        secs = int(since[-1].strip())
        # QEMU's PL031 starts at the host's time
        assert abs(secs - host_now) < 600, (secs, host_now)
        date = guest(t, "cat /sys/class/rtc/rtc0/date")
        assert re.match(r"^20\d\d-\d\d-\d\d$", date[-1].strip()), date
        guest(t, "sleep 2")
        later = int(guest(t, "cat /sys/class/rtc/rtc0/since_epoch")[-1].strip())
        assert 2 <= later - secs <= 30, (secs, later)
    finally:
        t.close()


PHYS = """/dts-v1/;
/ { compatible = "tandem,config";
    placed { compatible = "tandem,vm"; vcpus = <2>; memory-size = <0x0 0x2000000>;
             memory-phys = <0x0 0x60000000>; kernel = "guests/ptdev.elf"; kernel-format = "elf";
             vcpu-cpus = <1 2>; passthrough { rtc { device = "/pl031@9010000"; no-dma; };
                                            gpio { device = "/pl061@9030000"; no-dma; }; }; };
    onimage { compatible = "tandem,vm"; vcpus = <1>; memory-size = <0x0 0x2000000>;
              memory-phys = <0x0 0x40000000>; kernel = "guests/ptdev.elf"; kernel-format = "elf";
              vcpu-cpus = <2>; };
    blk { compatible = "tandem,vm"; vcpus = <1>; memory-size = <0x0 0x2000000>;
          kernel = "guests/ptdev.elf"; kernel-format = "elf"; vcpu-cpus = <2>;
          passthrough { d { device = "/virtio_mmio@a000000"; dma-no-iommu; }; }; };
    blknohole { compatible = "tandem,vm"; vcpus = <1>; memory-size = <0x0 0x2000000>;
          memory-base = <0x0 0x62000000>; memory-phys = <0x0 0x62000000>;
          kernel = "guests/ptdev.elf"; kernel-format = "elf"; vcpu-cpus = <2>;
          passthrough { d { device = "/virtio_mmio@a000200"; }; }; };
};
"""


def test_memory_phys_and_dma_rules(tmp_path):
    """memory-phys places guest RAM where it says (the ptdev guest runs
    there); a placement on the hypervisor's own RAM is refused; a DMA
    device needs direct-mapped RAM and the no-IOMMU hole accepted."""
    cfg = tmp_path / "phys.dts"
    cfg.write_text(PHYS)
    rc, out, bundle = make_bundle(tmp_path, [cfg])
    assert rc == 0, out
    t = Tandem(["-initrd", bundle])
    try:
        assert "32 MiB at PA 0x60000000" in t.run("vm create placed")
        t.run("vm start placed")
        log = wait_log(t, "placed", r"^RESULT: \d+ passed, \d+ failed$", 60)
        assert re.search(r"^RESULT: 8 passed, 0 failed$", log, re.M), log
        assert "IPA 0x40000000-0x41ffffff -> PA 0x60000000" in t.run("vm info placed")
        out = t.run("vm create onimage")
        assert ("error: configs/phys.dtb: /onimage: property 'memory-phys': 0x40000000+0x2000000"
                " (a block of 32 MiB) is not free host RAM aligned to its size") in out, out
        out = t.run("vm create blk")
        assert ("error: configs/phys.dtb: /blk/passthrough/d: property 'dma-no-iommu': a DMA device"
                " needs the VM direct-mapped") in out, out
        out = t.run("vm create blknohole")
        assert ("error: configs/phys.dtb: /blknohole/passthrough/d: the device may do DMA and there"
                " is no IOMMU") in out, out
        # the placed VM's RAM comes back when it is deleted
        t.run("vm delete placed")
        assert "32 MiB at PA 0x60000000" in t.run("vm create placed")
    finally:
        t.close()


# QEMU virt puts the first virtio-mmio -device in its last transport.
VIRTIO_SLOT = "/virtio_mmio@a003e00"
LINUX_BLK = """/dts-v1/;
/ { compatible = "tandem,config";
    linux { compatible = "tandem,vm"; vcpus = <2>; memory-size = <0x0 0x10000000>;
            memory-base = <0x0 0x60000000>; memory-phys = <0x0 0x60000000>;
            kernel = "linux/Image"; initrd = "initrd.cpio.gz";
            bootargs = "console=ttyAMA0"; vcpu-cpus = <1 2>; autostart;
            passthrough { blk { device = "%s"; dma-no-iommu; }; }; }; };
"""
WRITTEN = "tandem-write-4242-ok"


VIRTIO_MODULES = ("virtio/virtio_mmio.ko", "block/virtio_blk.ko", "char/hw_random/virtio-rng.ko")


def initrd_with_virtio_modules(tmp_path):
    """tmp_path/initrd.cpio.gz: the build's initramfs plus Debian's own
    virtio_mmio.ko, virtio_blk.ko and virtio-rng.ko (modules of the guest
    kernel, which has the virtio core built in)."""
    if not initrd_with_modules(tmp_path, ["drivers/" + m for m in VIRTIO_MODULES]):
        pytest.skip("no cached linux-image .deb: run `make bundle`")


def attach_linux(t):
    t.run("vm console linux")
    t.send("echo back-$((1+1))\r")
    t.expect("back-2")
    t.expect(GUEST_PROMPT)


@pytest.mark.skipif(not os.path.isfile(LINUX), reason="no guest Linux: run `make bundle`")
def test_linux_virtio_blk_direct_mapped(tmp_path):
    """QEMU's virtio-blk-device passed through to a direct-mapped Linux:
    its stock virtio_mmio and virtio_blk find it, DMA lands in guest RAM
    (the data reads back with the disk file's checksum), its edge
    interrupts are forwarded, and a write survives a VM reset."""
    initrd_with_virtio_modules(tmp_path)
    disk = tmp_path / "disk.img"
    data = os.urandom(MiB(4))
    disk.write_bytes(data)
    want_md5 = hashlib.md5(data[:MiB(1)]).hexdigest()
    cfg = tmp_path / "linux-blk.dts"
    cfg.write_text(LINUX_BLK % VIRTIO_SLOT)
    rc, out, bundle = make_bundle(tmp_path, [cfg])
    assert rc == 0, out
    t = Tandem(["-initrd", bundle, "-drive", "if=none,file=%s,format=raw,id=d0" % disk,
                "-device", "virtio-blk-device,drive=d0"])
    try:
        t.expect("vm linux: started", timeout=60)
        t.expect(GUEST_PROMPT, timeout=LINUX_BOOT)
        for run in (1, 2):
            guest(t, "insmod /lib/modules/virtio_mmio.ko")
            out = "\n".join(guest(t, "insmod /lib/modules/virtio_blk.ko"))
            out += "\n".join(guest(t, "sleep 1; cat /proc/partitions"))
            assert re.search(r"\b254\s+0\s+4096 vda$", out, re.M), out
            md5 = guest(t, "dd if=/dev/vda bs=4096 count=256 | md5sum", 120)
            assert any(l.split()[0] == want_md5 for l in md5 if l.endswith("  -")), md5
            if run == 1:
                # the guest routes its interrupt to vCPU 1 (on core 2): the
                # physical SPI follows, and Linux takes it on CPU 1
                irq = [l.split(":")[0].strip() for l in guest(t, "grep virtio0 /proc/interrupts")
                       if l.strip().endswith("virtio0")][0]
                guest(t, "echo 2 >/proc/irq/%s/smp_affinity" % irq)
                guest(t, "dd if=/dev/vda of=/dev/null bs=4096 skip=512 count=256")
                cpu1 = guest(t, "grep virtio0 /proc/interrupts")
                assert int([l for l in cpu1 if l.strip().endswith("virtio0")][0].split()[2]) > 0, cpu1
                guest(t, "printf %s >/w" % WRITTEN)
                guest(t, "dd if=/w of=/dev/vda bs=512 seek=4096 conv=fsync; sync")
                t.to_shell()
                info = t.run("vm info linux")
                m = PASSTHRU_RE.search(info)
                assert m and m.group(2) == VIRTIO_SLOT and m.group(6) == "79" \
                    and m.group(8) == "edge" and int(m.group(9)) > 0 and m.group(10) == "2", info
                assert "IPA 0x60000000-0x6fffffff -> PA 0x60000000" in info, info
                t.run("vm reset linux")
                wait_log(t, "linux", r"init reached at", LINUX_BOOT, 2)
                attach_linux(t)
            else:
                # short lines: busybox's editor stalls on one wider than the terminal
                back = guest(t, "dd if=/dev/vda of=/b bs=512 skip=4096 count=1")
                back = guest(t, "head -c %d /b; echo" % len(WRITTEN))
                assert back[-1].strip() == WRITTEN, back
    finally:
        t.close()
    img = disk.read_bytes()
    assert img[MiB(2):MiB(2) + len(WRITTEN)] == WRITTEN.encode()
    assert hashlib.md5(img[:MiB(1)]).hexdigest() == want_md5


LINUX_RNG = LINUX_BLK.replace("blk {", "rng {")


@pytest.mark.skipif(not os.path.isfile(LINUX), reason="no guest Linux: run `make bundle`")
def test_linux_virtio_rng(tmp_path):
    """QEMU's virtio-rng-device passed through to a direct-mapped Linux:
    its stock virtio-rng driver becomes the hwrng and /dev/hwrng gives
    bytes that are not all the same, its interrupts forwarded."""
    initrd_with_virtio_modules(tmp_path)
    cfg = tmp_path / "linux-rng.dts"
    cfg.write_text(LINUX_RNG % VIRTIO_SLOT)
    rc, out, bundle = make_bundle(tmp_path, [cfg])
    assert rc == 0, out
    t = Tandem(["-initrd", bundle, "-device", "virtio-rng-device"])
    try:
        t.expect("vm linux: started", timeout=60)
        t.expect(GUEST_PROMPT, timeout=LINUX_BOOT)
        guest(t, "insmod /lib/modules/virtio_mmio.ko")
        guest(t, "insmod /lib/modules/virtio-rng.ko")
        cur = guest(t, "cat /sys/class/misc/hw_random/rng_current")
        assert any(l.strip().startswith("virtio_rng") for l in cur), cur
        guest(t, "dd if=/dev/hwrng of=/r bs=64 count=1")
        hexed = guest(t, "od -An -tx1 /r")
        octets = [w for l in hexed for w in l.split() if re.fullmatch(r"[0-9a-f]{2}", w)]
        assert len(octets) == 64 and len(set(octets)) > 8, hexed
        t.to_shell()
        m = PASSTHRU_RE.search(t.run("vm info linux"))
        assert m and m.group(1) == "rng" and m.group(8) == "edge" and int(m.group(9)) > 0, m
    finally:
        t.close()
