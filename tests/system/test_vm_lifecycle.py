"""
VM lifecycle from the shell: every transition, the refused ones, and no
memory leaked over 200 create/start/stop/delete cycles.
"""
import os
import re
import time

import pytest

from tandem_qemu import REPO, Tandem, parse_mem

BUNDLE = os.path.join(REPO, "build", "bundle.cpio")

pytestmark = pytest.mark.skipif(not os.path.isfile(BUNDLE),
                                reason="no boot bundle: run `make bundle`")


@pytest.fixture
def shell():
    """Tandem with the default bundle, the console on the Tandem shell."""
    t = Tandem(["-initrd", BUNDLE])
    t.expect("vm linux: started", timeout=60)
    t.expect("guest# ", timeout=240)            # both vCPUs up, output quiet
    t.to_shell()
    yield t
    t.close()


def wait_log(t, vm, text, timeout=240):
    """Poll `vm log` until the VM's console ring shows text (after skip)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        log = t.run("vm log %s" % vm, timeout=30)
        if text in log:
            return log
        time.sleep(1)
    raise AssertionError("%r never appeared in vm log %s:\n%s" % (text, vm, log[-2000:]))


def state_of(t, name):
    m = re.search(r"^\d+\s+%s\s+(\S+)" % name, t.run("vm list"), re.M)
    return m.group(1) if m else None


def test_bad_requests_change_nothing(shell):
    t = shell
    assert t.run("vm start nosuch").startswith("error: no VM 'nosuch'")
    assert t.run("vm create nosuch").startswith("error: no VM config named 'nosuch'")
    assert t.run("vm create linux").startswith("error: VM 'linux' exists already")
    assert "error: VM 'linux' is running; resume needs a paused VM" in t.run("vm resume linux")
    assert "error: VM 'linux' is running; start needs" in t.run("vm start linux")
    assert t.run("vm frobnicate linux").startswith("error: unknown vm action 'frobnicate'")
    assert t.run("vm mux maybe").startswith("error: vm mux takes 'on' or 'off'")
    assert t.run("vm").startswith("usage: vm ")
    assert state_of(t, "linux") == "running"
    t.run("vm create gtest")
    assert "error: VM 'gtest' is created; pause needs a running VM" in t.run("vm pause gtest")
    assert "error: VM 'gtest' is created; stop needs" in t.run("vm stop gtest")
    assert state_of(t, "gtest") == "created"


def test_pause_resume_stop_start_reset_delete(shell):
    t = shell
    t.run("vm pause linux")
    assert state_of(t, "linux") == "paused"
    info = t.run("vm info linux")
    assert re.findall(r"vcpu\d: core \d, priority \d+, (\w+)", info) == ["paused", "paused"], info
    exits_a = re.search(r"irq=(\d+)", info).group(1)
    time.sleep(1)
    exits_b = re.search(r"irq=(\d+)", t.run("vm info linux")).group(1)
    assert exits_a == exits_b, "a paused VM kept taking interrupts"
    t.run("vm resume linux")
    assert state_of(t, "linux") == "running"
    t.run("vm stop linux")
    assert state_of(t, "linux") == "stopped"
    t.run("vm start linux", timeout=60)
    # A fresh copy boots again: its ring restarts... and gains a second boot.
    log = wait_log(t, "linux", "init reached at")
    boots = log.count("Booting Linux")
    t.run("vm reset linux", timeout=60)
    deadline = time.monotonic() + 240
    while wait_log(t, "linux", "init reached at").count("init reached at") < boots + 1:
        assert time.monotonic() < deadline, "no boot after reset"
        time.sleep(1)
    assert t.run("vm delete linux").strip().endswith("deleted vm 1")
    assert state_of(t, "linux") is None


def test_200_cycles_leave_memory_where_it_began(shell):
    """The RTOS test guest runs until stopped: a full create/start/stop/
    delete cycle each time, with nothing left over."""
    t = shell
    t.run("vm delete linux")
    t.run("vm delete rtos")
    before = parse_mem(t.run("mem"))
    t0 = time.monotonic()
    for i in range(200):
        assert "created vm" in t.run("vm create rtos"), "cycle %d" % i
        out = t.run("vm start rtos")
        assert not out.startswith("error"), "cycle %d: %s" % (i, out)
        assert "vm rtos: stopped" in t.run("vm stop rtos"), "cycle %d" % i
        assert "deleted vm" in t.run("vm delete rtos"), "cycle %d" % i
    after = parse_mem(t.run("mem"))
    assert after == before, "mem moved over 200 cycles (%.0f s): %r -> %r" % (
        time.monotonic() - t0, before, after)
