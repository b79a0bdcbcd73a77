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
import shutil
import subprocess

import pytest

from tandem_qemu import REPO, ConsoleError, Tandem, guest_hung_in, pack_bundle

BUNDLE = os.path.join(REPO, "build", "bundle.cpio")
BUNDLE_DIR = os.path.join(REPO, "build", "bundle")
WANTED = ("gic_reset", "gicd_regs", "gicr_regs", "sgi_nowake", "psci",
          "psci_race", "hvc_unknown", "smc", "sgi", "vtimer", "vtimer_pending",
          "gic_active", "gic_group0", "gic_priority", "gic_spi", "psci_suspend",
          "unmapped", "exc_entry", "fpsimd", "fpsimd_smp", "id_regs",
          "debug_regs")
GTEST_TIMEOUT = int(os.environ.get("TANDEM_GTEST_TIMEOUT", "120"))

pytestmark = pytest.mark.skipif(not os.path.isfile(BUNDLE),
                                reason="no boot bundle: run `make bundle`")


def run_gtest(t, name="gtest"):
    """Start gtest; it powers its VM off when done. Its console output is
    in its ring (the console stays with the shell): read it with vm log."""
    t.send("vm start %s\r" % name)
    t.expect("vm %s: started" % name, timeout=30)
    try:
        t.expect("vm %s: stopped" % name, timeout=GTEST_TIMEOUT)
    except ConsoleError:
        # say which test: the last one started in this run (after the
        # previous run's RESULT line, if any)
        t.send("\r")
        t.expect("tandem> ")
        log = t.run("vm log " + name).split("RESULT:")[-1]
        pytest.fail("gtest: %s, not stopped within %d s; its log:\n%s"
                    % (guest_hung_in(log), GTEST_TIMEOUT, log))
    t.send("\r")
    t.expect("tandem> ")
    log = t.run("vm log " + name)
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
            wanted = WANTED
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


def test_gtest_with_two_vcpus_on_one_core(tmp_path):
    """configs/gtest-shared.dts: vCPUs 0 and 1 on core 3, so every WFI of
    one hands the core to the other (vCPU switches with lazy FP/SIMD
    switching: fpsimd_smp checks both keep their registers)."""
    root = tmp_path / "bundle"
    shutil.copytree(BUNDLE_DIR, root)
    subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o",
                    str(root / "configs" / "gtest-shared.dtb"),
                    os.path.join(REPO, "configs", "gtest-shared.dts")], check=True)
    t = Tandem(["-initrd", pack_bundle(root, tmp_path / "bundle.cpio")])
    try:
        t.expect("vm linux: started", timeout=60)
        t.expect("guest# ", timeout=240)
        t.to_shell()
        assert re.search(r"created vm \d+ 'gtest-shared'", t.run("vm create gtest-shared"))
        out, summary = run_gtest(t, "gtest-shared")
        results = dict(re.findall(r"^TEST (\S+) \.\.\. (PASS|FAIL.*)$", out, re.M))
        # The FP/SIMD checks must pass. Others that need their CPUs to run
        # at the same time (sgi, psci_race spin-wait on each other) may
        # time out with two on one core, eager or lazy FP alike.
        for name in ("fpsimd", "fpsimd_smp"):
            assert results.get(name) == "PASS", "%s: %s\n%s" % (name, results.get(name), out)
        assert len(results) == len(WANTED), out
    finally:
        t.close()
