"""The kernel seen from the shell: threads, memory, log, and the selftests."""

import pytest

from tandem_qemu import (ICOUNT, LOG_LINE_RE, SELFTESTS, UNTIMED_SELFTESTS,
                         measured_us, parse_mem, parse_selftest, parse_threads)


def test_threads_lists_idle_threads_and_shell(tandem):
    threads = parse_threads(tandem.lines("threads"))
    for n in range(4):
        name = "idle%d" % n
        assert name in threads, "no %s in %s" % (name, sorted(threads))
        cpu, prio, _, _, _ = threads[name]
        assert (cpu, prio) == (str(n), 32), "%s: cpu %s prio %d" % (name, cpu, prio)
    assert "shell" in threads, "no shell thread in %s" % sorted(threads)
    cpu, prio, state, _, size = threads["shell"]
    assert (cpu, prio, state) == ("0", 20, "running"), threads["shell"]
    assert size == 32768, "shell stack size %d" % size
    running = {}
    for name, (cpu, prio, state, used, size) in threads.items():
        assert 0 < used <= size, "%s: stack %d/%d" % (name, used, size)
        if state == "running":
            assert cpu not in running, "%s and %s both running on cpu%s" % (
                running[cpu], name, cpu)
            running[cpu] = name


def test_mem_numbers_are_consistent(tandem):
    ptotal, pfree, pused, hsize, hused, hfree = parse_mem(tandem.run("mem"))
    assert min(ptotal, pfree, pused, hsize, hused, hfree) > 0
    assert pused == ptotal - pfree, "pages: used %d != %d - %d" % (pused, ptotal, pfree)
    assert hused == hsize - hfree, "heap: used %d != %d - %d" % (hused, hsize, hfree)
    # -m 1G: the allocator cannot own more than the board's RAM.
    assert ptotal <= (1 << 30) // 4096, "%d pages of 4 KiB in 1 GiB of RAM" % ptotal
    assert hsize <= ptotal * 4096


def test_log_repeats_the_boot_log(tandem):
    lines = tandem.lines("log")
    for line in lines:
        assert LOG_LINE_RE.match(line), "malformed log line: %r" % line
    boot = [l for l in tandem.boot_log.split("\n") if LOG_LINE_RE.match(l)]
    assert boot, "no log lines at boot"
    # Same lines, same order, same text as the console showed at boot.
    assert lines[:len(boot)] == boot, "log:\n%s\nboot:\n%s" % (
        "\n".join(lines), "\n".join(boot))


def test_selftest_all_pass_and_leave_nothing_behind(boot):
    t = boot(ICOUNT)
    threads_before = t.run("threads")
    mem_before = parse_mem(t.run("mem"))
    results, summary = parse_selftest(t.run("selftest", timeout=120))
    failed = {n: r for n, r in results.items() if r[0] != "PASS"}
    assert not failed, "failed: %s" % failed
    assert sorted(results) == sorted(SELFTESTS), \
        "ran %s, expected %s" % (sorted(results), sorted(SELFTESTS))
    assert summary == (len(SELFTESTS), 0), "summary says %d passed, %d failed" % summary

    # The tests' threads are gone and their memory is back.
    def names(out):
        return sorted(parse_threads([l for l in out.split("\n") if l.strip()]))

    assert names(t.run("threads")) == names(threads_before)
    assert parse_mem(t.run("mem")) == mem_before


@pytest.mark.parametrize("name", UNTIMED_SELFTESTS)
def test_selftest_on_parallel_cores(tandem, name):
    # The shared instance runs without -icount: vCPUs are host threads, so
    # these see real concurrency. Also: `selftest <name>` runs just that one.
    results, summary = parse_selftest(tandem.run("selftest " + name, timeout=60))
    assert list(results) == [name], results
    assert results[name][0] == "PASS", results
    assert summary == (1, 0), summary


def test_sleep_timing_under_icount(boot):
    # Under -icount the virtual clock ticks with instructions, so the
    # overshoot measures the kernel, not the host's load.
    t = boot(ICOUNT)
    for _ in range(3):
        results, summary = parse_selftest(t.run("selftest sleep", timeout=60))
        assert results.get("sleep", ("",))[0] == "PASS" and summary == (1, 0), results
        took = measured_us(results["sleep"][1], r"took")
        assert 10000 <= took <= 10500, "k_sleep(10 ms) took %g us" % took


def test_preempt_latency_under_icount(boot):
    t = boot(ICOUNT)
    for _ in range(3):
        results, summary = parse_selftest(t.run("selftest preempt", timeout=60))
        assert results.get("preempt", ("",))[0] == "PASS" and summary == (1, 0), results
        latency = measured_us(results["preempt"][1], r"latency")
        assert latency < 100, "preempt latency %g us" % latency
