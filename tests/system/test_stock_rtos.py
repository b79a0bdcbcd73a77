"""
Stock RTOS images besides Zephyr 2.7 (stock_rtos.py, ../shared/guests):
each runs natively on QEMU (the reference) and under Tandem as a VM, and
shows the same lines both ways.

NuttX 13 nsh and nsh_smp: the nsh prompt, then commands typed through the
VM's console (`hello`, `uname -a`, `ps`, `free`, and `smp` on 2 CPUs)
answer as natively. NuttX parks its virtual timer at CVAL = ~0 with the
timer enabled, which hung all of QEMU 7.2 under a non-zero CNTVOFF_EL2.
`ostest` takes minutes (about 3 natively): the single-CPU image runs it
here under Tandem to "Exiting with status 0"; bench/nuttx_ostest.py runs
both images both ways and times them.

Zephyr 4.0 hello_world, synchronization and latency_measure (secure and
non-secure builds): their lines, with and without -icount, several runs
each (TANDEM_RTOS_RUNS, default 2), since their hangs under Tandem
depended on timing.
"""
import io
import os
import re

import pexpect
import pytest

from stock_rtos import (GUESTS_DIR, ICOUNT, IMAGES, NSH_PROMPT, NUTTX, OSTEST_END, ZEPHYR4,
                        make_bundle, native_args, path_of, vm_name)
from tandem_qemu import QEMU, Tandem, _raw_output
from test_zephyr import expect_progress

pytestmark = pytest.mark.skipif(not os.path.isdir(GUESTS_DIR),
                                reason="no %s (CI has shared/ beside the clone)" % GUESTS_DIR)

RUNS = int(os.environ.get("TANDEM_RTOS_RUNS", "2"))
BOOT_TIMEOUT = 60
CMD_TIMEOUT = 60
OSTEST_TIMEOUT = 900


def nsh_session(send, expect, name):
    """The prompt, then each command and the line its output must hold."""
    expect(NSH_PROMPT, BOOT_TIMEOUT)
    for cmd, line in IMAGES[name]["commands"]:
        send(cmd + "\r")
        expect(line, CMD_TIMEOUT)
        expect(NSH_PROMPT, CMD_TIMEOUT)


def spawn_native(name, icount=False):
    child = pexpect.spawn(QEMU, native_args(name, icount), encoding="utf-8",
                          codec_errors="replace", echo=False, timeout=30,
                          preexec_fn=_raw_output)
    child.logfile_read = io.StringIO()
    return child


def close(child):
    child.terminate(force=True)
    child.close(force=True)


@pytest.mark.parametrize("name", sorted(NUTTX))
def test_nuttx_native(name):
    assert os.path.isfile(path_of(name)), path_of(name)
    child = spawn_native(name)
    try:
        nsh_session(child.send, lambda s, t: child.expect_exact(s, timeout=t), name)
    except (pexpect.TIMEOUT, pexpect.EOF):
        print("native output:\n" + child.logfile_read.getvalue())
        raise
    finally:
        close(child)


def report(t, name):
    """What the VM was doing when it stalled, for the failure report."""
    try:
        t.to_shell()
        print(t.run("vm info %s" % vm_name(name)))
        print(t.run("log", timeout=30)[-4000:])
    except Exception:       # noqa: BLE001 - best effort, the test fails anyway
        pass
    print("console:\n" + t.tail(20000))


def start_attached(tmp_path, name, icount=False):
    """nsh_smp is started by hand and reached through `vm console`; the
    others start at boot with the console attached from the first byte."""
    by_hand = name == "nuttx-nsh_smp"
    t = Tandem(["-initrd", make_bundle(tmp_path, name, autostart=not by_hand)] +
               (ICOUNT if icount else []))
    if by_hand:
        vm = vm_name(name)
        t.run("vm create %s" % vm)
        t.send("vm start %s\r" % vm)
        t.expect("vm %s: started" % vm, timeout=30)
        t.send("\r")
        t.expect("tandem> ")
        t.send("vm console %s\r" % vm)
        t.expect("[console: attached to VM '%s'" % vm)
    return t


# NuttX cleans and invalidates its caches by set/way on each CPU's start:
# 33,280 DC CISW each. Only the first per cache-off spell may trap.
MAX_SYSREG_EXITS = 1000


def check_clean_exit(t, name):
    """Back in the shell: the VM still runs, Tandem injected nothing, and
    set/way maintenance did not trap one by one."""
    t.to_shell()
    info = t.run("vm info %s" % vm_name(name))
    assert "(running)" in info, info
    assert "undef-injected=0" in info and "abort-injected=0" in info, info
    sysreg = int(re.search(r"sysreg=(\d+)", info).group(1))
    assert sysreg < MAX_SYSREG_EXITS, "%d trapped system-register exits:\n%s" % (sysreg, info)


# nsh_smp under Tandem: CPU0's first SGI to CPU1 can land before CPU1's own
# GIC set-up clears it (GICR_ICPENDR0 = ~0), after which CPU1 never runs a
# task; when nsh's task is placed there, no prompt comes. Timing decides:
# it passed on its branch and failed twice on the merged tree. Open in
# issue 22 (docs/measurements.md, "Stock RTOS images").
NSH_SMP_RACE = pytest.mark.xfail(reason="NuttX nsh_smp's first SGI to CPU1 can be lost "
                                 "(issue 22, open)", strict=False)


@pytest.mark.parametrize("name", [pytest.param(n, marks=NSH_SMP_RACE) if n == "nuttx-nsh_smp"
                                  else n for n in sorted(NUTTX)])
def test_nuttx_under_tandem(name, tmp_path):
    t = start_attached(tmp_path, name)
    try:
        nsh_session(t.send, lambda s, timeout: t.expect(s, timeout=timeout), name)
        check_clean_exit(t, name)
    except AssertionError:
        report(t, name)
        raise
    finally:
        t.close()


def test_nuttx_ostest_under_tandem(tmp_path):
    """NuttX's own OS test suite on one vCPU, to its last line."""
    name = "nuttx-nsh"
    t = start_attached(tmp_path, name)
    try:
        t.expect(NSH_PROMPT, timeout=BOOT_TIMEOUT)
        t.send("ostest\r")
        expect_progress(t.child, OSTEST_END, idle=120, total=OSTEST_TIMEOUT)
        t.expect(NSH_PROMPT, timeout=CMD_TIMEOUT)
        check_clean_exit(t, name)
    except AssertionError:
        report(t, name)
        raise
    finally:
        t.close()


def expect_zephyr_lines(child, name):
    for line in IMAGES[name]["lines"]:
        expect_progress(child, line, idle=60, total=180)


@pytest.mark.parametrize("icount", [False, True], ids=["plain", "icount"])
@pytest.mark.parametrize("name", sorted(ZEPHYR4))
def test_zephyr4_native(name, icount):
    assert os.path.isfile(path_of(name)), path_of(name)
    child = spawn_native(name, icount)
    try:
        expect_zephyr_lines(child, name)
    except AssertionError:
        print("native output:\n" + child.logfile_read.getvalue())
        raise
    finally:
        close(child)


@pytest.mark.parametrize("run", range(RUNS))
@pytest.mark.parametrize("icount", [False, True], ids=["plain", "icount"])
@pytest.mark.parametrize("name", sorted(ZEPHYR4))
def test_zephyr4_under_tandem(name, icount, run, tmp_path):
    t = start_attached(tmp_path, name, icount)
    try:
        expect_zephyr_lines(t.child, name)
        check_clean_exit(t, name)
    except AssertionError:
        report(t, name)
        raise
    finally:
        t.close()
