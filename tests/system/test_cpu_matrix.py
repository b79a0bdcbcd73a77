"""
The CPU matrix: Tandem, one Linux VM and the RTOS guest on each CPU model
from ARMv8.0 to v8.2 that QEMU's virt board (GICv3) offers: Cortex-A53,
A57 and A72 (v8.0: no VHE, no LSE atomics, no PAN, no VMID16), A76 and
Neoverse-N1 (v8.2), and `max`. Per CPU: the host boots all cores, the
RTOS's threads beat, and Linux gets as far as starting /init (its boot is
the slow part, so it is not taken to a shell).
"""
import re
import time

import pytest

import config_bundle
from tandem_qemu import Tandem

CPUS = ["cortex-a53", "cortex-a57", "cortex-a72", "cortex-a76", "neoverse-n1",
        "max,pauth-impdef=on"]
HEARTBEAT = re.compile(r"HEARTBEAT (\w) (\d+)")

_missing = config_bundle.missing("linux/Image", "guests/rtos.elf")
pytestmark = pytest.mark.skipif(_missing is not None, reason=str(_missing))


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("cpu_matrix")
    return config_bundle.make(
        tmp, {c: config_bundle.config_path(c + ".dts") for c in ("linux", "rtos")},
        ["linux/Image", "linux/initramfs.cpio.gz", "guests/rtos.elf"])


@pytest.mark.parametrize("cpu", CPUS, ids=[c.split(",")[0] for c in CPUS])
def test_cpu(cpu, bundle):
    machine = ["-M", "virt,gic-version=3,virtualization=on", "-cpu", cpu,
               "-smp", "4", "-m", "1G", "-nographic", "-nic", "none"]
    t = Tandem(["-initrd", bundle], boot_timeout=120, machine=machine)
    try:
        assert "4 of 4 CPUs online" in t.boot_log, t.boot_log
        t.expect("vm rtos: started", timeout=60)
        t.expect("vm linux: started", timeout=120)
        t.expect("Run /init as init process", timeout=400)
        t.to_shell()
        deadline = time.monotonic() + 30
        while len(HEARTBEAT.findall(t.run("vm log rtos"))) < 2:
            assert time.monotonic() < deadline, "the RTOS printed no heartbeats"
            time.sleep(1)
        listing = t.run("vm list")
        for vm in ("linux", "rtos"):
            assert re.search(r"^\d+\s+%s\s+running" % vm, listing, re.M), listing
        # Nothing the guests did may have ended in a host-side report.
        assert "*** EL2 exception" not in t.transcript.getvalue()
    finally:
        t.close()
