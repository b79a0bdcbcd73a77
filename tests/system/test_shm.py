"""
Shared memory and doorbells between two VMs (docs/vm-config.md, "Shared
memory"): two copies of guests/shmecho on one region exchange 10,000
messages, each checked (sequence number, payload, checksum), ringing each
other's doorbell SPI. Then the region outlives one VM and is freed with the
last, and a doorbell access the page has no register for is an abort.
"""
import os
import re
import subprocess
import time

import pytest

from tandem_qemu import REPO, Tandem, pack_bundle

SHMECHO = os.path.join(REPO, "guests", "build", "shmecho.elf")
pytestmark = pytest.mark.skipif(not os.path.isfile(SHMECHO),
                                reason="no guests/build/shmecho.elf: run `make -C guests`")
DONE = re.compile(r"shmecho: (\d+) round trips, (\d+) bad, (\d+) ticks at (\d+) Hz")


def bundle_with_shmecho(tmp_path):
    root = tmp_path / "bundle"
    (root / "configs").mkdir(parents=True)
    (root / "guests").mkdir()
    subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o", str(root / "configs" / "shmecho.dtb"),
                    os.path.join(REPO, "configs", "shmecho.dts")], check=True)
    (root / "guests" / "shmecho.elf").write_bytes(open(SHMECHO, "rb").read())
    return pack_bundle(root, tmp_path / "bundle.cpio")


def wait_log(t, vm, pattern, timeout):
    deadline = time.monotonic() + timeout
    while True:
        log = t.run("vm log %s" % vm)
        m = pattern.search(log)
        if m or time.monotonic() > deadline:
            assert m, "no %r in vm log %s:\n%s" % (pattern.pattern, vm, log)
            return m, log
        time.sleep(2)


def test_ten_thousand_messages(tmp_path):
    t = Tandem(["-initrd", bundle_with_shmecho(tmp_path), "-nic", "none"])
    try:
        t.run("vm create shm-a")
        t.run("vm create shm-b")
        t.run("vm start shm-b")
        t.run("vm start shm-a")
        m, log_a = wait_log(t, "shm-a", DONE, 150)
        n, bad, ticks, hz = (int(x) for x in m.groups())
        assert (n, bad) == (10000, 0), log_a
        assert ticks > 0 and hz > 0
        assert "shmecho: index 0, peers 0x2" in log_a, log_a
        _, log_b = wait_log(t, "shm-b", re.compile(r"shmecho: echoed 10000 messages, 0 bad"), 30)
        assert "shmecho: index 1, peers 0x1" in log_b, log_b

        # A third VM joins read-only: it sees the data, its write is an abort,
        # and so are a byte access and an offset without a register.
        t.run("vm create shm-c")
        t.run("vm start shm-c")
        _, log_c = wait_log(t, "shm-c", re.compile(r"shmecho: read-only saw ready.*"), 60)
        assert "shmecho: index 2, peers 0x3" in log_c, log_c
        assert ("shmecho: read-only saw ready, write aborted yes, byte read aborted yes, "
                "hole aborted yes") in log_c, log_c
        assert "write to read-only shared memory; abort injected" in t.transcript.getvalue()

        # All three gone, the region goes; a new first VM is index 0 again
        # and finds fresh, zeroed pages (no ready mark: it waits).
        for vm in ("shm-a", "shm-b", "shm-c"):
            t.run("vm delete %s" % vm)
        t.run("vm create shm-b")
        t.run("vm start shm-b")
        _, log_b = wait_log(t, "shm-b", re.compile(r"shmecho: index \d+, peers 0x\d+"), 30)
        assert "shmecho: index 0, peers 0x0" in log_b, log_b
    finally:
        t.close()
