"""
Linux and the RTOS test guest side by side (the default configuration):
both up at once, each console alive and reachable, output kept per VM while
detached, pause freezing the RTOS's timer-driven counter, the multiplexed
console, and the RTOS latency probe reporting sane figures alone and with
Linux under load. (The latency ratios are a benchmark: bench/rt_latency.py.)
"""
import os
import re
import time

import pytest

from tandem_qemu import REPO, Tandem

BUNDLE = os.path.join(REPO, "build", "bundle.cpio")
HEARTBEAT = re.compile(r"HEARTBEAT (\w) (\d+)")
LATENCY = re.compile(r"LATENCY: samples=(\d+) min=(\d+) avg=(\d+) max=(\d+)")

pytestmark = pytest.mark.skipif(not os.path.isfile(BUNDLE),
                                reason="no boot bundle: run `make bundle`")


@pytest.fixture(scope="module")
def both():
    t = Tandem(["-initrd", BUNDLE])
    # The more urgent VM (rtos, priority 2) starts before linux (10).
    t.expect("vm rtos: started", timeout=60)
    t.expect("vm linux: started", timeout=60)
    t.expect("guest# ", timeout=240)
    t.to_shell()
    yield t
    t.close()


def test_rtos_runs_before_linux_is_prepared(both):
    """Autostart by priority: the RTOS's first console output comes before
    the Linux VM has even started (its 256 MiB zeroed, 33 MiB copied)."""
    def info(vm):
        out = t.run("vm info %s" % vm)
        m = re.search(r"start: prepared in (\d+) us, started at uptime (\d+) us, "
                      r"first console output at (\d+) us", out)
        assert m, out
        return [int(x) for x in m.groups()]

    t = both
    _, rtos_at, rtos_out = info("rtos")
    linux_prep, linux_at, _ = info("linux")
    assert 0 < rtos_at < rtos_out < linux_at, (rtos_at, rtos_out, linux_at)
    assert linux_prep > 0


COUNTS = re.compile(r"^cpu(\d+) irqs=(\d+) guest-timer=(\d+) ipis=(\d+) sched=(\d+) "
                    r"switches=(\d+)(?: fp-traps=\d+)?$", re.M)


def test_rtos_core_runs_only_for_its_guest(both):
    """Beside a running Linux VM, the RTOS's core (cpu3) takes only its
    guest's timer interrupts: no other interrupt, no IPI, no scheduler pass."""
    def cpu3():
        m = {int(g[0]): [int(x) for x in g[1:]] for g in COUNTS.findall(both.run("cpus counts"))}
        irqs, gtimer, ipis, sched, _ = m[3]
        return irqs - gtimer, gtimer, ipis, sched

    other0, timer0, ipis0, sched0 = cpu3()
    time.sleep(2)
    other1, timer1, ipis1, sched1 = cpu3()
    assert timer1 > timer0
    assert (other1, ipis1, sched1) == (other0, ipis0, sched0)


def heartbeats(t, vm="rtos"):
    return [int(n) for _, n in HEARTBEAT.findall(t.run("vm log %s" % vm))]


def wait_for(pred, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = pred()
        if value:
            return value
        time.sleep(0.5)
    raise AssertionError("timed out waiting for " + what)


def check_latency(m, worst_ns=50000000):
    """Sane, not fast: the ratios to native belong to bench/rt_latency.py.
    Under -icount QEMU runs all vCPUs round-robin in one host thread, so
    while Linux's vCPUs spin the RTOS core can wait for QEMU's ~10 ms
    round-robin kick; the bound leaves room for that."""
    n, lo, avg, hi = (int(x) for x in m.groups())
    assert n >= 1000, "too few samples: %d" % n
    assert 0 < lo <= avg <= hi, "inconsistent: min %d avg %d max %d" % (lo, avg, hi)
    assert hi < worst_ns, "a tick came %d ns late" % hi
    return lo, avg, hi


def test_both_running_with_their_consoles(both):
    t = both
    rows = t.run("vm list")
    assert re.search(r"^\d+\s+linux\s+running\s+2\s+1,2\s", rows, re.M), rows
    assert re.search(r"^\d+\s+rtos\s+running\s+1\s+3\s", rows, re.M), rows
    # Detached, the RTOS kept talking into its ring.
    assert wait_for(lambda: len(heartbeats(t)) >= 4, 30, "RTOS heartbeats")
    # Attach to the RTOS: its output now arrives live; Ctrl-] detaches.
    t.send("vm console rtos\r")
    t.expect("attached to VM 'rtos'")
    t.expect("HEARTBEAT", timeout=10)
    t.to_shell()
    # Attach to Linux: its shell answers.
    t.send("vm console linux\r")
    t.expect("attached to VM 'linux'")
    # A real command, not a bare Enter: busybox may still be waiting for the
    # answer to its ESC[6n cursor query and swallow a lone CR.
    t.send("echo two-vms-$((6*7))\r")
    t.expect("two-vms-42", timeout=30)
    t.to_shell()


def test_pause_stops_the_rtos_counter(both):
    t = both
    wait_for(lambda: len(heartbeats(t)) >= 2, 30, "RTOS heartbeats")
    t.run("vm pause rtos")
    frozen = heartbeats(t)
    time.sleep(3)
    assert heartbeats(t) == frozen, "the RTOS kept counting while paused"
    t.run("vm resume rtos")
    wait_for(lambda: len(heartbeats(t)) > len(frozen), 30, "heartbeats after resume")
    assert "running" in t.run("vm list").split("rtos")[1].split("\n")[0]


def test_mux_prefixes_lines_with_the_vm_name(both):
    t = both
    t.run("vm mux on")
    try:
        t.expect(re.compile(r"\[rtos\] HEARTBEAT [ab] \d+").pattern, timeout=10, exact=False)
    finally:
        t.send("vm mux off\r")
        t.expect("tandem> ")
        t.send("\r")
        t.expect("tandem> ")


@pytest.fixture
def both_icount():
    """The same pair under -icount: without it QEMU's four vCPU threads on a
    2-core CI runner add milliseconds of host scheduling to every tick, so
    the probe would measure the runner, not Tandem."""
    t = Tandem(["-initrd", BUNDLE, "-icount", "shift=0,align=off"])
    t.expect("vm linux: started", timeout=60)
    t.expect("guest# ", timeout=240)
    t.to_shell()
    yield t
    t.close()


def test_latency_probe_alone_and_under_linux_load(both_icount):
    t = both_icount
    alone = wait_for(lambda: LATENCY.search(t.run("vm log rtos")), 60, "LATENCY line")
    check_latency(alone)   # measured while Linux boots on cores 1-2
    # Load Linux's two vCPUs (CPU and memory), then restart the RTOS so it
    # measures under that load.
    t.send("vm console linux\r")
    t.expect("attached to VM 'linux'")
    t.send("echo load-$((1+1))\r")
    t.expect("load-2", timeout=30)
    t.send("(while :; do :; done) & (while :; do dd if=/dev/zero of=/dev/null bs=1M count=32 2>/dev/null; done) &\r")
    t.expect("guest# ", timeout=30)
    t.to_shell()
    t.run("vm reset rtos", timeout=60)
    loaded = wait_for(lambda: LATENCY.search(t.run("vm log rtos").split("rtos: MPIDR")[-1]),
                      60, "LATENCY line under load")
    check_latency(loaded)
