"""
The stock Debian arm64 kernel (6.1, unmodified) with a busybox initramfs as a
2-vCPU guest: it reaches its shell, sees 2 CPUs, its timer and IPIs count on
both, time passes at the right rate, and guest poweroff/reboot act on the VM
only while the Tandem shell stays alive.
"""
import os
import re
import time

import pytest

from tandem_qemu import REPO, Tandem

BUNDLE = os.path.join(REPO, "build", "bundle.cpio")
# Deterministic guest time, as the issue specifies. Not sleep=off: that makes
# virtual time leap while everything idles waiting for the test's typing, and
# Linux's soft-lockup watchdog reports each leap.
ICOUNT_LINUX = ["-icount", "shift=0,align=off"]
LINUX_BOOT = 240
GUEST_PROMPT = "guest# "
ESCAPE = "\x1d"  # Ctrl-]: switch the console between the VM and Tandem

pytestmark = pytest.mark.skipif(not os.path.isfile(BUNDLE),
                                reason="no boot bundle: run `make bundle`")


def boot_linux(extra=()):
    t = Tandem(["-initrd", BUNDLE] + list(extra))
    t.expect("vm linux: started", timeout=60)
    t.expect("init reached at", timeout=LINUX_BOOT)
    t.expect(GUEST_PROMPT, timeout=60)
    return t


def guest(t, cmd, timeout=60):
    """Run a guest shell command; return its output lines (echo removed)."""
    t.send(cmd + "\r")
    out = t.expect(GUEST_PROMPT, timeout=timeout)
    out = re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", out)
    lines = [l for l in out.split("\n") if l.strip()]
    assert lines and lines[0].strip().endswith(cmd), "no echo of %r in %r" % (cmd, out)
    return lines[1:]


def to_guest(t):
    t.send(ESCAPE)
    t.expect("attached to VM 'linux'")
    # A command, not a bare Enter (busybox may swallow a lone CR while it
    # waits for the answer to its ESC[6n cursor query).
    t.send("echo back-$((1+1))\r")
    t.expect("back-2")
    t.expect(GUEST_PROMPT)


@pytest.fixture(scope="module")
def linux():
    t = boot_linux()
    yield t
    t.close()


def test_two_processors(linux):
    out = guest(linux, "grep -c ^processor /proc/cpuinfo")
    assert out[-1].strip() == "2"


def interrupt_counts(t):
    counts = {}
    for line in guest(t, "cat /proc/interrupts"):
        f = line.split()
        if len(f) >= 3 and f[0].endswith(":") and f[1].isdigit() and f[2].isdigit():
            counts[f[0].rstrip(":")] = (int(f[1]), int(f[2]), " ".join(f[3:]))
    return counts


def test_timer_and_ipis_count_on_both_vcpus(linux):
    before = interrupt_counts(linux)
    guest(linux, "sleep 1")
    after = interrupt_counts(linux)
    timer = [k for k, v in after.items() if "arch_timer" in v[2]]
    assert timer, "no arch_timer line in /proc/interrupts: %r" % after
    k = timer[0]
    assert after[k][0] > before[k][0] and after[k][1] > before[k][1], \
        "timer counts did not grow on both vCPUs: %r -> %r" % (before[k], after[k])
    # SGIs reach both vCPUs: which kinds (rescheduling, function call, ...)
    # each one took depends on timing, so count them all.
    ipis = [v for k, v in after.items() if k.startswith("IPI")]
    assert ipis, "no IPI lines in /proc/interrupts: %r" % (after,)
    per_cpu = (sum(v[0] for v in ipis), sum(v[1] for v in ipis))
    assert per_cpu[0] > 0 and per_cpu[1] > 0, "IPIs missing on a vCPU: %r" % (ipis,)


def test_vm_list_and_exit_counters(linux):
    linux.to_shell()
    try:
        rows = linux.lines("vm list")
        assert re.match(r"^1\s+linux\s+running\s+2\s+1,2\s+256\s+\d+s\s+\d+$", rows[1]), rows
        info = linux.run("vm info linux")
        exits = dict(re.findall(r"(\S+)=(\d+)", info.split("exits:")[1]))
        # No "wfi": each Linux vCPU is alone on its core, so it owns the
        # core and its WFI is not trapped (see docs/architecture.md).
        assert int(exits["wfi"]) == 0, exits
        for reason in ("psci", "mmio", "sysreg", "irq"):
            assert int(exits[reason]) > 0, "no %s exits counted: %r" % (reason, exits)
        assert int(exits["undef-injected"]) == 0 and int(exits["abort-injected"]) == 0
    finally:
        to_guest(linux)


def vcpu_runtimes(t):
    """`threads` -> the linux vCPU threads' RUNTIME in ms, by name."""
    rows = [l for l in t.lines("threads") if l.startswith("linux/")]
    return {r.split()[0]: int(r.split()[-1]) for r in rows}


def vm_cpu_ms(t):
    """(vm list's CPU(ms) of linux, vm info's per-vCPU cpu times)."""
    row = [l for l in t.lines("vm list") if re.match(r"^\d+\s+linux\s", l)][0]
    info = t.run("vm info linux")
    per_vcpu = [int(x) for x in re.findall(r"^  vcpu\d+: .*, cpu time (\d+) ms$", info, re.M)]
    total = int(re.search(r"^  cpu time: (\d+) ms", info, re.M).group(1))
    return int(row.split()[-1]), per_vcpu, total


def test_vcpu_threads_and_vm_cpu_time_count_guest_time(linux):
    linux.to_shell()
    try:
        before = vcpu_runtimes(linux)
        assert sorted(before) == ["linux/0", "linux/1"], before
        assert all(ms > 0 for ms in before.values()), before
        listed, per_vcpu, total = vm_cpu_ms(linux)
        after = vcpu_runtimes(linux)
        # Each count only grows, and vm list/info lie between two thread
        # snapshots taken around them (1 ms of rounding per vCPU).
        assert all(after[n] > before[n] for n in before), (before, after)
        assert sum(before.values()) - 2 <= listed <= sum(after.values()) + 2, \
            (before, listed, after)
        assert len(per_vcpu) == 2, per_vcpu
        for i, ms in enumerate(per_vcpu):
            name = "linux/%d" % i
            assert before[name] - 1 <= ms <= after[name] + 1, (name, before, ms, after)
        assert abs(total - sum(per_vcpu)) <= 2, (total, per_vcpu)
        assert listed <= total + 2, (listed, total)
    finally:
        to_guest(linux)


def test_sleep_takes_two_emulated_seconds():
    t = boot_linux(ICOUNT_LINUX)
    try:
        out = guest(t, "cat /proc/uptime; sleep 2; cat /proc/uptime")
        t1, t2 = (float(l.split()[0]) for l in out[-2:])
        # The guest's clock is the host's counter minus CNTVOFF, so this is
        # emulated time. (A host-side measurement around it would include the
        # test's typing, which sleep=off compresses arbitrarily.)
        assert 2.0 * 0.95 <= t2 - t1 <= 2.0 * 1.05, \
            "guest sleep 2 took %.3f s of emulated time" % (t2 - t1)
    finally:
        t.close()


def test_guest_poweroff_stops_only_the_vm():
    t = boot_linux()
    try:
        t.send("poweroff -f\r")
        t.expect("vm linux: PSCI SYSTEM_OFF", timeout=60)
        t.expect("vm linux: stopped", timeout=60)
        time.sleep(0.5)
        assert t.alive(), "QEMU exited: the guest powered off the machine"
        t.send("\r")
        t.expect("tandem> ")
        rows = t.lines("vm list")
        assert re.match(r"^1\s+linux\s+stopped\s", rows[1]), rows
        assert t.run("uptime").startswith("up ")
    finally:
        t.close()


def test_guest_reboot_boots_it_again():
    t = boot_linux()
    try:
        t.send("reboot -f\r")
        t.expect("vm linux: PSCI SYSTEM_RESET", timeout=60)
        t.expect("vm linux: started", timeout=60)
        t.expect("init reached at", timeout=LINUX_BOOT)
        t.expect(GUEST_PROMPT, timeout=60)
        assert guest(t, "grep -c ^processor /proc/cpuinfo")[-1].strip() == "2"
    finally:
        t.close()
