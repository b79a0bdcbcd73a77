"""
The project's bare-metal test guest (guests/gtest) under Tandem: every PSCI
call, the vGIC registers' reset values and semantics, SGIs between its two
vCPUs, the virtual timer, an abort injected for an unbacked address, and
NOT_SUPPORTED for unknown HVCs and trapped SMCs, and FP/SIMD registers that
survive every kind of exit. The same binary passes on
QEMU natively (`make -C guests check`), so both must agree.
"""
import os
import re

import pytest

from tandem_qemu import REPO, Tandem

BUNDLE = os.path.join(REPO, "build", "bundle.cpio")

pytestmark = pytest.mark.skipif(not os.path.isfile(BUNDLE),
                                reason="no boot bundle: run `make bundle`")


def run_gtest(t):
    """Start gtest; it powers its VM off when done. Its console output is
    in its ring (the console stays with the shell): read it with vm log."""
    t.send("vm start gtest\r")
    t.expect("vm gtest: started", timeout=30)
    t.expect("vm gtest: stopped", timeout=120)
    t.send("\r")
    t.expect("tandem> ")
    log = t.run("vm log gtest")
    runs = log.split("RESULT:")
    assert len(runs) >= 2, "no RESULT line in the VM's log:\n" + log
    # The ring holds every run so far: take the last one.
    out = runs[-2]
    return out, "RESULT:" + runs[-1].split("\n")[0]


def test_gtest_passes_under_tandem():
    t = Tandem(["-initrd", BUNDLE])
    try:
        # Both VMs print to the one console; let Linux finish booting first
        # so gtest's lines are not interleaved with its boot log.
        t.expect("vm linux: started", timeout=60)
        t.expect("guest# ", timeout=240)
        t.to_shell()
        assert re.search(r"created vm \d+ 'gtest'", t.run("vm create gtest"))
        for run in (1, 2):                  # the second start is a fresh copy
            out, summary = run_gtest(t)
            results = re.findall(r"^TEST (\S+) \.\.\. (PASS|FAIL.*)$", out, re.M)
            names = [n for n, _ in results]
            wanted = ("gicd_regs", "gicr_regs", "psci", "hvc_unknown", "smc", "sgi",
                      "vtimer", "psci_suspend", "unmapped", "fpsimd", "id_regs")
            for want in wanted:
                assert want in names, "run %d: test %s missing:\n%s" % (run, want, out)
            failed = [(n, r) for n, r in results if r != "PASS"]
            assert not failed, "run %d: %r" % (run, failed)
            assert summary.strip() == "RESULT: %d passed, 0 failed" % len(wanted), summary
            # Under Tandem the SMC is trapped and answered, never UNDEFINED.
            assert "smc: path=returned" in out
        assert re.search(r"^\d+\s+gtest\s+stopped", t.run("vm list"), re.M)
    finally:
        t.close()
