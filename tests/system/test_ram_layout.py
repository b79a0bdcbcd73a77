"""
RAM beyond the default layout on QEMU virt: with -m 6G the one bank runs
from 0x40000000 past 4 GiB to 0x1c0000000; all of it reaches the page
allocator, and a Linux VM placed above 4 GiB (memory-phys) boots. (RAM at
physical 0 and a second bank: tests/system/test_board_versal.py.)
"""
import re

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
