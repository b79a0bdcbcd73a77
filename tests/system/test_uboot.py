"""
Tandem booted the way a board boots it: by U-Boot (Debian's u-boot-qemu,
its qemu_arm64 build as QEMU's firmware), with `booti`. QEMU only places
the image and the boot bundle in RAM (-device loader, as a board's U-Boot
would `load` them from an SD card or TFTP); U-Boot passes the bundle as the
initrd and QEMU's device tree, which U-Boot itself runs on, as the DTB.

With virtualization=on QEMU starts the firmware at EL2, and U-Boot's booti
leaves the CPU at the EL it runs at. Tandem stops at its first instruction
unless it is at EL2, so its banner and shell are the proof of EL2.
"""
import os
import re

import pytest

from tandem_qemu import IMAGE, REPO, Tandem

UBOOT = "/usr/lib/u-boot/qemu_arm64/u-boot.bin"
BUNDLE = os.path.join(REPO, "build", "bundle.cpio")
# 2 MiB aligned, as booti wants; the bundle well above the image's end.
IMAGE_ADDR = 0x40200000
BUNDLE_ADDR = 0x48000000


@pytest.mark.skipif(not os.path.isfile(BUNDLE), reason="no boot bundle: run `make bundle`")
def test_boot_through_uboot_booti():
    assert os.path.isfile(UBOOT), "%s missing: scripts/install-deps.sh installs u-boot-qemu" % UBOOT
    size = os.path.getsize(BUNDLE)
    t = Tandem(["-bios", UBOOT,
                "-device", "loader,file=%s,addr=%#x,force-raw=on" % (IMAGE, IMAGE_ADDR),
                "-device", "loader,file=%s,addr=%#x,force-raw=on" % (BUNDLE, BUNDLE_ADDR)],
               direct=False)
    try:
        t.expect("Hit any key to stop autoboot", timeout=60)
        t.send(" ")
        t.expect("=> ")
        t.send("booti %#x %#x:%#x ${fdtcontroladdr}\r" % (IMAGE_ADDR, BUNDLE_ADDR, size))
        t.expect("Starting kernel", timeout=30)
        log = t.wait_boot()
        assert re.search(r"Tandem \S+ - real-time hypervisor", log), log
        assert re.search(r"board: .*, 4 CPUs", log), log
        assert "4 of 4 CPUs online" in log, log
        # the bundle U-Boot handed over as the initrd: its configs are there
        assert re.search(r"[1-9]\d* VM config\(s\) in the boot bundle", log), log
        # the autostarted Linux VM boots to its shell
        t.expect("guest# ", timeout=240)
        t.to_shell()
        assert re.search(r"^\s*\d+\s+linux\s+running", t.run("vm list"), re.M)
    finally:
        t.close()
