"""
Boards Tandem cannot fully drive yet, booted as a porter would first try
them: the early console comes from the DTB's /chosen stdout-path through
whichever UART driver takes it, and what has no driver is refused with one
line naming the node, its compatible and what is supported. When no UART
at all has a driver, boot ends at a BRK the EL2 vectors take, which QEMU's
-d int shows (docs/boards.md, "Reading a refusal").

The DTBs are the ones the unit tests use (scripts/get-board-dtbs.sh).
"""
import os
import shutil
import subprocess
import time

import pexpect
import pytest

from tandem_qemu import IMAGE, QEMU, REPO

DTBS = os.path.join(REPO, "build", "board-dtbs")
TIMEOUT = 60


def dtb(name):
    path = os.path.join(DTBS, name)
    if not os.path.isfile(path):
        subprocess.run(["sh", "scripts/get-board-dtbs.sh"], cwd=REPO, check=True)
    assert os.path.isfile(path), path
    return path


def edited(tmp_path, name, *edits):
    """A copy of a board DTB with fdtput edits: (node, prop, string value)."""
    out = str(tmp_path / name)
    shutil.copyfile(dtb(name), out)
    for node, prop, value in edits:
        subprocess.run(["fdtput", "-t", "s", out, node, prop, value], check=True)
    return out


def boot(machine, dtb_path, extra=()):
    args = ["-M", machine, "-m", "2G", "-nographic", "-nic", "none",
            "-kernel", IMAGE, "-dtb", dtb_path] + list(extra)
    env = dict(os.environ, QEMU_AUDIO_DRV="none")
    return pexpect.spawn(QEMU, args, encoding="utf-8", codec_errors="replace",
                         timeout=TIMEOUT, env=env)


def expect_lines(machine, dtb_path, lines, extra=()):
    q = boot(machine, dtb_path, extra)
    try:
        for line in lines:
            q.expect_exact(line)
    finally:
        q.close(force=True)


def test_zcu102_cadence_console_and_gic400_refusal():
    # QEMU's ZCU102 has a GIC-400, which Tandem has no driver for yet; its
    # console is the Cadence UART at 0xff000000 (stdout-path "serial0:115200n8").
    expect_lines("xlnx-zcu102,virtualization=on", dtb("zynqmp-zcu102-rev1.0.dtb"), [
        "tandem: console /axi/serial@ff000000 'xlnx,zynqmp-uart' (cadence), "
        "stdout-path options 115200n8",
        "tandem: boot failed: no driver for interrupt controller "
        "/axi/interrupt-controller@f9010000 'arm,gic-400': supported: arm,gic-v3",
    ])


def test_virt_gicv2_refusal():
    expect_lines("virt,gic-version=2,virtualization=on", dtb("qemu-virt-gicv2.dtb"), [
        "tandem: console /pl011@9000000 'arm,pl011' (pl011)",
        "tandem: boot failed: no driver for interrupt controller /intc@8000000 "
        "'arm,cortex-a15-gic': supported: arm,gic-v3",
    ], extra=["-cpu", "cortex-a72", "-smp", "2"])


def test_stdout_uart_without_driver_says_so_on_another(tmp_path):
    d = edited(tmp_path, "qemu-virt-gicv3.dtb", ("/chosen", "stdout-path", "/fw-cfg@9020000"))
    expect_lines("virt,gic-version=3,virtualization=on", d, [
        "tandem: early console: no driver for UART /fw-cfg@9020000 'qemu,fw-cfg-mmio': "
        "supported: ",
        "tandem: early console: using /pl011@9000000 'arm,pl011' (pl011) instead",
        "tandem: boot failed: no driver for UART /fw-cfg@9020000",
    ], extra=["-cpu", "max", "-smp", "2"])


def test_no_uart_at_all_ends_at_a_visible_brk(tmp_path):
    d = edited(tmp_path, "qemu-virt-gicv3.dtb", ("/pl011@9000000", "compatible", "foo,uart"))
    log = str(tmp_path / "int.log")
    q = boot("virt,gic-version=3,virtualization=on", d,
             ["-cpu", "max", "-smp", "2", "-d", "int", "-D", log])
    try:
        deadline = time.time() + TIMEOUT
        text = ""
        while time.time() < deadline and "Taking exception" not in text:
            time.sleep(0.5)
            text = open(log).read() if os.path.exists(log) else ""
        time.sleep(2)	# anything after it would be a loop
        text = open(log).read()
    finally:
        q.close(force=True)
    assert "Taking exception 7 [Breakpoint]" in text, text
    assert "ESR 0x3c/0xf200fa11" in text, text
    assert text.count("Taking exception") == 1, text
