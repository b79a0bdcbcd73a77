"""`fault <cpu>`: an EL2 data abort on one core is reported and contained."""
import re

import pytest

from tandem_qemu import (ICOUNT, SELFTESTS, UNTIMED_SELFTESTS, parse_cpus,
                         parse_selftest)

RAM = (0x40000000, 0x40000000 + (1 << 30))


def hexfield(report, name):
    m = re.search(r"\b%s\s*=\s*(?:0x)?([0-9a-fA-F]+)\b" % re.escape(name), report)
    assert m, "no %s= in the report:\n%s" % (name, report)
    return int(m.group(1), 16)


# Under MTTCG the other cores really run while one faults; under -icount the
# timed selftests can check them afterwards without flaking.
@pytest.mark.parametrize("mode", ["mttcg", "icount"])
@pytest.mark.parametrize("cpu", [1, 2, 3])
def test_fault_halts_only_that_cpu(boot, cpu, mode):
    t = boot(ICOUNT if mode == "icount" else ())
    t.send_line("fault %d" % cpu)
    t.expect("*** EL2 exception on cpu%d in thread 'fault'" % cpu)
    report = t.expect("*** cpu%d halted; other cores continue" % cpu)

    assert "EC=0x25 (data abort at EL2)" in report, report
    esr = hexfield(report, "ESR")
    assert esr >> 26 & 0x3f == 0x25, "ESR %#x does not hold EC 0x25" % esr
    assert not esr & (1 << 6), "ESR %#x says write (WnR), the fault reads" % esr
    # Unmapped: a translation fault at some level (DFSC 0b0001LL).
    assert esr & 0x3c == 0x04, "ESR %#x: DFSC %#x is no translation fault" % (
        esr, esr & 0x3f)
    hexfield(report, "FAR")
    elr = hexfield(report, "ELR")
    assert RAM[0] <= elr < RAM[1], "ELR %#x is outside RAM" % elr
    regs = re.findall(r"\bx(\d+)\s*=\s*[0-9a-fA-F]{16}\b", report)
    assert sorted(set(int(r) for r in regs)) == list(range(31)), \
        "registers x0..x30 not all in the report:\n" + report

    # The shell, on cpu0, still answers; only the faulting core stopped.
    cpus = parse_cpus(t.lines("cpus"))
    for n in range(4):
        want = "halted" if n == cpu else "online"
        assert cpus[n][1] == want, "cpu%d is %s, expected %s" % (n, cpus[n][1], want)
    # And the other cores still schedule, time and signal each other.
    names = SELFTESTS if mode == "icount" else UNTIMED_SELFTESTS
    for name in names:
        results, summary = parse_selftest(t.run("selftest " + name, timeout=60))
        assert results.get(name, ("none",))[0] == "PASS" and summary == (1, 0), \
            "after the fault: %s" % results
    assert "EL2 exception" not in t.tail(100000).split("halted; other cores continue")[-1]


@pytest.mark.parametrize("arg, error", [
    ("0", "error: cpu must be between 1 and 3 (got 0)"),
    ("9", "error: cpu must be between 1 and 3 (got 9)"),
    ("-1", "error: cpu must be between 1 and 3 (got -1)"),
    ("abc", "error: cpu: 'abc' is not a number"),
])
def test_fault_rejects_bad_cpu(boot, arg, error):
    t = boot()
    assert t.run("fault " + arg).strip() == error
    cpus = parse_cpus(t.lines("cpus"))
    assert [s for _, s, _, _ in cpus.values()] == ["online"] * 4, cpus
    assert "EL2 exception" not in t.tail(100000)


def test_fault_without_argument_prints_usage(boot):
    t = boot()
    assert t.run("fault").strip().startswith("usage: fault "), t.tail()
    cpus = parse_cpus(t.lines("cpus"))
    assert [s for _, s, _, _ in cpus.values()] == ["online"] * 4, cpus
