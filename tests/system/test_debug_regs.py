"""
Debug registers are per vCPU (arch/arm64/vdebug.c): VM A (gtest) writes
DBGBVR0_EL1/DBGWVR0_EL1 and powers off; VM B (another gtest VM, its vCPU 0
on the same core 3) must read them as 0. Before the registers were trapped
and emulated, B read A's values (a covert channel, and one VM's hardware
breakpoints overwriting another's). gtest's debug_regs test does the
checking from inside each VM; only the gtest VMs are in this bundle.
"""
import os
import shutil
import subprocess

import pytest

from tandem_qemu import REPO, Tandem, pack_bundle
from test_guest_checks import BUNDLE_DIR, run_gtest

VM_B = """/dts-v1/;
/ {
	compatible = "tandem,config";
	gtest-b {
		compatible = "tandem,vm";
		vcpus = <3>;
		memory-size = <0x0 0x2000000>;
		kernel = "guests/gtest.elf";
		kernel-format = "elf";
		vcpu-cpus = <3 2 1>;
		vcpu-priorities = <8 8 8>;
	};
};
"""

pytestmark = pytest.mark.skipif(not os.path.isdir(BUNDLE_DIR),
                                reason="no boot bundle: run `make bundle`")


def debug_result(out):
    for line in out.split("\n"):
        if line.startswith("TEST debug_regs ..."):
            return line
    return None


def test_next_vm_on_the_core_does_not_see_debug_registers(tmp_path):
    root = tmp_path / "bundle"
    shutil.copytree(BUNDLE_DIR, root, ignore=shutil.ignore_patterns("linux*", "rtos*"))
    (tmp_path / "gtest-b.dts").write_text(VM_B)
    subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o",
                    str(root / "configs" / "gtest-b.dtb"), str(tmp_path / "gtest-b.dts")],
                   check=True)
    t = Tandem(["-initrd", pack_bundle(root, tmp_path / "bundle.cpio")])
    try:
        t.run("vm create gtest")
        t.run("vm create gtest-b")
        out_a, _ = run_gtest(t, "gtest")
        assert debug_result(out_a) == "TEST debug_regs ... PASS", out_a
        out_b, _ = run_gtest(t, "gtest-b")
        assert debug_result(out_b) == "TEST debug_regs ... PASS", out_b
    finally:
        t.close()
