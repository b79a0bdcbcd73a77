"""
The project's bare-metal test guest (guests/gtest) under Tandem: every PSCI
call and CPU_ON races, the vGIC registers' reset values and semantics, SGIs
between its three vCPUs (also to never-woken redistributors), active state,
Group 0 as FIQ, the virtual timer and its line following CNTV_CTL/CVAL, an
abort injected for an unbacked address, NOT_SUPPORTED for unknown HVCs and
trapped SMCs, and FP/SIMD registers that survive every kind of exit. The
same binary passes on QEMU natively (`make -C guests check`), so both must
agree.
"""
import os
import re

import pytest

from tandem_qemu import REPO, ConsoleError, Tandem, guest_hung_in

BUNDLE = os.path.join(REPO, "build", "bundle.cpio")
GTEST_TIMEOUT = int(os.environ.get("TANDEM_GTEST_TIMEOUT", "120"))

pytestmark = pytest.mark.skipif(not os.path.isfile(BUNDLE),
                                reason="no boot bundle: run `make bundle`")


def run_gtest(t):
    """Start gtest; it powers its VM off when done. Its console output is
    in its ring (the console stays with the shell): read it with vm log."""
    t.send("vm start gtest\r")
    t.expect("vm gtest: started", timeout=30)
    try:
        t.expect("vm gtest: stopped", timeout=GTEST_TIMEOUT)
    except ConsoleError:
        # say which test: the last one started in this run (after the
        # previous run's RESULT line, if any)
        t.send("\r")
        t.expect("tandem> ")
        log = t.run("vm log gtest").split("RESULT:")[-1]
        pytest.fail("gtest: %s, not stopped within %d s; its log:\n%s"
                    % (guest_hung_in(log), GTEST_TIMEOUT, log))
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
            wanted = ("gic_reset", "gicd_regs", "gicr_regs", "sgi_nowake", "psci",
                      "psci_race", "hvc_unknown", "smc", "sgi", "vtimer", "vtimer_pending",
                      "gic_active", "gic_group0", "gic_priority", "gic_spi", "psci_suspend",
                      "unmapped", "fpsimd", "id_regs")
            for want in wanted:
                assert want in names, "run %d: test %s missing:\n%s" % (run, want, out)
            failed = [(n, r) for n, r in results if r != "PASS"]
            assert not failed, "run %d: %r" % (run, failed)
            assert summary.strip() == "RESULT: %d passed, 0 failed" % len(wanted), summary
            # Under Tandem the SMC is trapped and answered, never UNDEFINED.
            assert "smc: path=returned" in out
            # CPU_ON races: one SUCCESS, the loser ALREADY_ON, every round
            # (natively QEMU's PSCI may let both succeed or say ON_PENDING).
            assert re.search(r"psci_race: 20 rounds: double_success=0 already_on=20 "
                             r"on_pending=0$", out, re.M), out
            # Tandem keeps IGRPMODR for secure-world guests (Zephyr -s).
            assert "IGRPMODR0 kept: Secure Group 1 part exercised" in out
        assert re.search(r"^\d+\s+gtest\s+stopped", t.run("vm list"), re.M)
    finally:
        t.close()
