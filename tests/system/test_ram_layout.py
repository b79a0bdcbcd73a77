"""
RAM beyond the default layout on QEMU virt: with -m 6G the one bank runs
from 0x40000000 past 4 GiB to 0x1c0000000; all of it reaches the page
allocator, and a Linux VM placed above 4 GiB (memory-phys) boots. A board
DTB with /reserved-memory (one range no-map) keeps both ranges from the
allocator. (RAM at physical 0 and a second bank:
tests/system/test_board_versal.py.)
"""
import re
import subprocess

import pytest

import config_bundle
from tandem_qemu import QEMU_ARGS, Tandem

_missing = config_bundle.missing("linux/Image")
pytestmark = pytest.mark.skipif(_missing is not None, reason=str(_missing))


def test_linux_above_4g(tmp_path):
    linux = open(config_bundle.config_path("linux.dts")).read()
    linux = linux.replace("autostart;", "autostart;\n\t\tmemory-phys = <0x1 0x40000000>;")
    bundle = config_bundle.make(tmp_path, {"linux": linux},
                                ["linux/Image", "linux/initramfs.cpio.gz"])
    machine = [a if a != "1G" else "6G" for a in QEMU_ARGS]
    t = Tandem(["-initrd", bundle], machine=machine)
    try:
        assert re.search(r"RAM 0x40000000-0x1c0000000: 6144 MiB, \d+ pages",
                         t.boot_log), t.boot_log
        t.expect("vm linux: created", timeout=30)
        assert "256 MiB at PA 0x140000000" in t.expect("vm linux: started", timeout=60)
        t.expect("Run /init as init process", timeout=400)
        t.to_shell()
        pages = re.search(r"pages: total (\d+)", t.run("mem"))
        assert pages and int(pages.group(1)) > (5 << 30) // 4096, pages
    finally:
        t.close()


RESERVED = """
/ {
	reserved-memory {
		#address-cells = <2>;
		#size-cells = <2>;
		ranges;
		firmware@48000000 {
			reg = <0x0 0x48000000 0x0 0x200000>;
			no-map;
		};
		shared@50000000 {
			reg = <0x0 0x50000000 0x0 0x100000>;
		};
	};
};
"""


def test_reserved_memory_from_the_board_dtb(tmp_path):
    """QEMU virt's own DTB plus a /reserved-memory node, given with -dtb:
    the boot log names both ranges, the no-map one as not mapped, and the
    allocator has their 3 MiB fewer pages than with the same DTB without
    them."""
    machine = list(QEMU_ARGS)
    plain = tmp_path / "virt.dtb"
    subprocess.run(["qemu-system-aarch64"] + machine +
                   ["-machine", "dumpdtb=%s" % plain], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    dts = subprocess.run(["dtc", "-q", "-I", "dtb", "-O", "dts", str(plain)], check=True,
                         stdout=subprocess.PIPE, text=True).stdout
    # Both through dtc: QEMU's own DTB is padded to 1 MiB, dtc's are not.
    base, with_rsv = tmp_path / "virt-dtc.dtb", tmp_path / "virt-reserved.dtb"
    for out, src in ((base, dts), (with_rsv, dts + RESERVED)):
        subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o", str(out)],
                       input=src, text=True, check=True)

    def total_pages(extra):
        t = Tandem(extra)
        try:
            m = re.search(r"RAM 0x40000000-0x80000000: 1024 MiB, (\d+) pages", t.boot_log)
            assert m, t.boot_log
            return t, int(m.group(1))
        except BaseException:
            t.close()
            raise

    t, without = total_pages(["-dtb", str(base)])
    t.close()
    t, with_ = total_pages(["-dtb", str(with_rsv)])
    try:
        assert "reserved 0x48000000-0x48200000 (no-map: not mapped)" in t.boot_log, t.boot_log
        assert re.search(r"reserved 0x50000000-0x50100000$", t.boot_log, re.M), t.boot_log
        # 768 pages, give or take the DTB's own (the one with the node is
        # larger and QEMU places it after the image): seen 759.
        assert 740 <= without - with_ <= 768, (without, with_)
    finally:
        t.close()
