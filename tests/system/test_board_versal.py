"""
QEMU's Xilinx Versal model as a second board (`make run BOARD=versal`):
two Cortex-A72, GICv3 at 0xf9000000, PL011 at 0xff000000, RAM at physical
0 (and a second bank at 32 GiB past 2 GiB of it). Tandem boots from the
DTB QEMU makes for it, with nothing compiled in for that board, and runs
the same guests as on virt: the Linux VM, the RTOS guest and a stock
Zephyr image side by side (configs/versal/ only moves their vCPUs onto
the model's two cores; the guests see the same virtual board).
"""
import re
import time

import pytest

import config_bundle
from tandem_qemu import VERSAL_ARGS, Tandem

HEARTBEAT = re.compile(r"HEARTBEAT (\w) (\d+)")


def versal(extra, mem="2G"):
    args = [a if a != "2G" else mem for a in VERSAL_ARGS]
    return Tandem(extra, boot_timeout=120, machine=args)


def skip_without(*images):
    why = config_bundle.missing(*images)
    return pytest.mark.skipif(why is not None, reason=str(why))


def wait_heartbeats(t, vm, n=2, timeout=30):
    deadline = time.monotonic() + timeout
    while len(HEARTBEAT.findall(t.run("vm log %s" % vm))) < n:
        assert time.monotonic() < deadline, "%s printed fewer than %d heartbeats" % (vm, n)
        time.sleep(1)


@skip_without("linux/Image", "guests/rtos.elf", "zephyr/synchronization-ns.elf")
def test_versal_linux_rtos_zephyr(tmp_path):
    """Boot on Versal, all three VMs up from the bundle: Linux to its
    shell, the RTOS's threads beating, Zephyr's threads taking turns."""
    bundle = config_bundle.make(
        tmp_path,
        {cfg: config_bundle.config_path("versal", cfg + ".dts")
         for cfg in ("linux", "rtos", "zephyr")},
        list(config_bundle.IMAGES))
    t = versal(["-initrd", bundle])
    try:
        log = t.boot_log
        assert "board: Xilinx Versal Virtual development board, 2 CPUs" in log, log
        assert "GICv3 0xf9000000, UART 0xff000000" in log, log
        assert re.search(r"RAM 0-0x80000000: 2048 MiB, \d+ pages", log), log
        assert "2 of 2 CPUs online" in log, log
        t.expect("guest# ", timeout=600)
        t.to_shell()
        listing = t.run("vm list")
        for vm in ("linux", "rtos", "zephyr"):
            assert re.search(r"^\d+\s+%s\s+running" % vm, listing, re.M), listing
        wait_heartbeats(t, "rtos")
        assert "thread_b: Hello World from cpu 0" in t.run("vm log zephyr")
    finally:
        t.close()


@skip_without("guests/rtos.elf")
def test_versal_two_banks_guest_high(tmp_path):
    """-m 4G: QEMU splits RAM into 2 GiB at 0 and 2 GiB at 0x800000000.
    Both banks go to the allocator, and a guest placed in the high one
    (memory-phys) runs."""
    rtos = open(config_bundle.config_path("versal", "rtos.dts")).read()
    rtos = rtos.replace('/include/ "../rtos.dts"',
                        '/include/ "%s"' % config_bundle.config_path("rtos.dts"))
    rtos = rtos.replace("vcpu-cpus = <1>;",
                        "vcpu-cpus = <1>;\n\t\tmemory-phys = <0x8 0x40000000>;")
    bundle = config_bundle.make(tmp_path, {"rtos": rtos}, ["guests/rtos.elf"])
    t = versal(["-initrd", bundle], mem="4G")
    try:
        log = t.boot_log
        assert re.search(r"RAM 0-0x80000000: 2048 MiB, \d+ pages", log), log
        assert re.search(r"RAM 0x800000000-0x880000000: 2048 MiB, \d+ pages", log), log
        t.expect("vm rtos: started", timeout=60)
        assert "16 MiB at PA 0x840000000" in t.transcript.getvalue()
        t.to_shell()
        pages = re.search(r"pages: total (\d+)", t.run("mem"))
        assert pages and int(pages.group(1)) > (3 << 30) // 4096, pages
        wait_heartbeats(t, "rtos")
        # RAM starts at 0 here, yet a NULL store still faults: page 0 is
        # left out of the EL2 map (a translation fault, FSC 0b0001LL).
        t.send_line("fault 1 null-write")
        t.expect("*** EL2 exception on cpu1 in thread 'fault'")
        report = t.expect("*** cpu1 halted; other cores continue")
        # printf's %#x writes 0 without the 0x.
        esr, far = (int(re.search(r"\b%s=(?:0x)?([0-9a-f]+)" % f, report).group(1), 16)
                    for f in ("ESR", "FAR"))
        assert esr >> 26 == 0x25 and esr & 0x3c == 0x04 and far == 0, report
        assert "no fault happened" not in t.tail(100000)
    finally:
        t.close()
