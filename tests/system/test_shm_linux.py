"""
Linux and the RTOS on one shared region (configs/shm-linux.dts,
docs/shm-linux.md): Debian's stock Linux, with only its own evdev.ko and
gpio_keys.ko loaded from the initramfs, runs shmping, which sends 10,000
messages through the region, rings the bare-metal shmecho VM's doorbell for
each and waits for the answer's ring as an input event; shmecho checks
every request and shmping every answer. Both must report 10,000 and no
failure, and each of Linux's rings must have been a doorbell interrupt.
"""
import os
import re
import time

import pytest

from tandem_qemu import REPO, Tandem
from test_own_image import make_bundle

LINUX = os.path.join(REPO, "build", "guests", "linux", "Image")
SHMECHO = os.path.join(REPO, "guests", "build", "shmecho.elf")
SHMPING = os.path.join(REPO, "guests", "build", "shmping")
CONFIG = os.path.join(REPO, "configs", "shm-linux.dts")
GUEST_PROMPT = "guest# "
MESSAGES = 10000
DONE = re.compile(r"shmping: (\d+) round trips, (\d+) bad, (\d+) ns, (\d+) ns per round trip")
ECHOED = re.compile(r"shmecho: echoed (\d+) messages, (\d+) bad")

pytestmark = pytest.mark.skipif(
    not all(os.path.isfile(f) for f in (LINUX, SHMECHO, SHMPING)),
    reason="no guest Linux, shmecho.elf or shmping: run `make bundle`")


def guest(t, cmd, timeout=60):
    """Run a (short: the console drops keys of long lines) command in Linux."""
    t.send(cmd + "\r")
    out = t.expect(GUEST_PROMPT, timeout=timeout)
    return re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", out)


def rtos_log(t, timeout=30):
    deadline = time.monotonic() + timeout
    while True:
        log = t.run("vm log shm-rtos")
        if ECHOED.search(log) or time.monotonic() > deadline:
            return log
        time.sleep(1)


def test_linux_and_rtos_exchange_ten_thousand_messages(tmp_path):
    rc, out, bundle = make_bundle(tmp_path, [CONFIG])
    assert rc == 0, out
    t = Tandem(["-initrd", bundle])
    try:
        t.expect("vm shm-linux: started", timeout=60)
        t.expect(GUEST_PROMPT, timeout=240)
        t.to_shell()
        # Created after Linux: index 1 on the region, the echo side.
        assert "created vm" in t.run("vm create shm-rtos")
        t.run("vm start shm-rtos")
        t.run("vm console shm-linux")
        guest(t, "")
        guest(t, "insmod /lib/modules/evdev.ko")
        out = guest(t, "insmod /lib/modules/gpio_keys.ko")
        assert "input: shm-ctl as /devices/platform/10010000.shm-doorbell" in out, out
        out = guest(t, "shmping; echo rc=$?", timeout=150)
        m = DONE.search(out)
        assert m, out
        n, bad = int(m.group(1)), int(m.group(2))
        print("Linux sent %d messages, %d answers bad, %s ns per round trip"
              % (n, bad, m.group(4)))
        assert "index 0, peers 0x2" in out, out
        assert (n, bad) == (MESSAGES, 0), out
        assert "rc=0" in out, out
        # Every answer came as the doorbell SPI (INTID 40), one per message.
        irqs = guest(t, "grep shm-ctl /proc/interrupts")
        m = re.search(r"^\s*\d+:\s+(\d+)\s+GICv3\s+40 Edge\s+shm-ctl", irqs, re.M)
        assert m and int(m.group(1)) == MESSAGES, irqs

        t.to_shell()
        log = rtos_log(t)
        m = ECHOED.search(log)
        assert m, log
        print("RTOS echoed %s messages, %s requests bad" % m.groups())
        assert "shmecho: index 1, peers 0x1" in log, log
        assert (int(m.group(1)), int(m.group(2))) == (MESSAGES, 0), log
    finally:
        t.close()
