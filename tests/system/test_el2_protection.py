"""EL2's own map: W^X and guarded stacks.

`fault <cpu> <kind>` makes a thread on <cpu> write to the hypervisor's text,
run an instruction from .data or from the heap, or recurse off its stack.
Each must end in the decoded EL2 fault report on that core only (the
thread logs "no fault happened" if the access succeeds), and the rest of
the system must go on.
"""
import re

import pytest

from tandem_qemu import UNTIMED_SELFTESTS, parse_cpus, parse_selftest

MAP_RE = re.compile(r"el2 map: text (0x[0-9a-f]+)-(0x[0-9a-f]+) r-x, rodata -(0x[0-9a-f]+) r--, "
                    r"data(?:/bss)? -(0x[0-9a-f]+) rw-, (?:other )?RAM rw-, WXN (on|off)")
STACK_WINDOW = (0xff8000000000, 0xff8000000000 + (32 << 20))


def hexfield(report, name):
    m = re.search(r"\b%s\s*=\s*(?:0x)?([0-9a-fA-F]+)\b" % re.escape(name), report)
    assert m, "no %s= in the report:\n%s" % (name, report)
    return int(m.group(1), 16)


def el2_map(t):
    m = MAP_RE.search(t.run("mem"))
    assert m, "no el2 map line in mem:\n%s" % t.tail()
    text, text_end, ro_end, data_end = (int(x, 16) for x in m.groups()[:4])
    return text, text_end, ro_end, data_end, m.group(5)


def only_core_halted(t, cpu):
    cpus = parse_cpus(t.lines("cpus"))
    for n in range(4):
        want = "halted" if n == cpu else "online"
        assert cpus[n][1] == want, "cpu%d is %s, expected %s" % (n, cpus[n][1], want)
    for name in UNTIMED_SELFTESTS:
        results, summary = parse_selftest(t.run("selftest " + name, timeout=60))
        assert results.get(name, ("none",))[0] == "PASS" and summary == (1, 0), \
            "after the fault: %s" % results


def test_map_is_reported_with_wxn(tandem):
    text, text_end, ro_end, data_end, wxn = el2_map(tandem)
    assert wxn == "on"
    assert text < text_end <= ro_end < data_end, (text, text_end, ro_end, data_end)
    assert all(a % 4096 == 0 for a in (text, text_end, ro_end, data_end))
    boot_log = tandem.tail(1000000)
    assert MAP_RE.search(boot_log), "no el2 map line in the boot log"
    assert "stack guards: boot stacks' guard pages unmapped" in boot_log, \
        "boot stacks without guard pages"


# kind -> (EC, write?) ; the fault status must be a permission fault.
KINDS = {
    "write-text": (0x25, True),
    "exec-data": (0x21, False),
    "exec-heap": (0x21, False),
}


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_wx_violation_faults_on_that_core_only(boot, kind):
    t = boot()
    text, text_end, ro_end, data_end, _ = el2_map(t)
    cpu = 2
    t.send_line("fault %d %s" % (cpu, kind))
    t.expect("*** EL2 exception on cpu%d in thread 'fault'" % cpu)
    report = t.expect("*** cpu%d halted; other cores continue" % cpu)
    ec, write = KINDS[kind]
    esr = hexfield(report, "ESR")
    far = hexfield(report, "FAR")
    elr = hexfield(report, "ELR")
    assert esr >> 26 & 0x3f == ec, "ESR %#x: EC is not %#x" % (esr, ec)
    # Permission fault at some level: FSC 0b0011LL.
    assert esr & 0x3c == 0x0c, "ESR %#x: FSC %#x is no permission fault" % (esr, esr & 0x3f)
    if ec == 0x25:
        assert esr & (1 << 6), "ESR %#x: not a write (WnR)" % esr
        assert text <= far < text_end, "FAR %#x is not in text" % far
    else:
        assert far == elr, "instruction abort: FAR %#x != ELR %#x" % (far, elr)
        if kind == "exec-data":
            assert ro_end <= far < data_end, "FAR %#x is not in .data/.bss" % far
        else:
            assert not text <= far < data_end, "FAR %#x is in the image, not the heap" % far
    assert "no fault happened" not in t.tail(100000)
    only_core_halted(t, cpu)


def test_stack_overflow_is_reported_with_the_thread_name(boot):
    t = boot()
    cpu = 3
    t.send_line("fault %d stack-overflow" % cpu)
    head = t.expect("*** stack overflow in thread 'fault' on cpu%d" % cpu)
    report = t.expect("*** cpu%d halted; other cores continue" % cpu)
    m = re.search(r"SP=(0x[0-9a-f]+), stack (0x[0-9a-f]+)-(0x[0-9a-f]+)", report)
    assert m, report
    sp, lo, hi = (int(x, 16) for x in m.groups())
    assert STACK_WINDOW[0] <= lo < hi <= STACK_WINDOW[1], "stack %#x-%#x not guarded" % (lo, hi)
    assert sp < lo + 288, "SP %#x is not at the bottom of %#x-%#x" % (sp, lo, hi)
    assert "EC=0x25 (data abort at EL2)" in report, report
    esr = hexfield(report, "ESR")
    far = hexfield(report, "FAR")
    assert esr & 0x3c == 0x04, "ESR %#x: no translation fault" % esr
    assert lo - 64 * 1024 <= far < lo, "FAR %#x is not in the guard below %#x" % (far, lo)
    assert "no fault happened" not in t.tail(100000)
    only_core_halted(t, cpu)
    # The shell's own thread and the rest still show in `threads`.
    assert "shell" in t.run("threads")


def test_stacks_are_given_back(tandem):
    """Spawned threads' stacks (and their window slots) come back."""
    before = tandem.run("mem")
    results, summary = parse_selftest(tandem.run("selftest threads", timeout=60))
    assert summary == (1, 0), results
    after = tandem.run("mem")
    slots = [re.search(r"thread stacks: (\d+) in the guarded window", x) for x in (before, after)]
    assert all(slots), after
    assert slots[0].group(1) == slots[1].group(1), (before, after)
