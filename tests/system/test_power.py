"""`poweroff` and `reboot`: PSCI SYSTEM_OFF and SYSTEM_RESET."""
import re
import time

from tandem_qemu import BANNER_RE, PROMPT, parse_cpus


def test_poweroff_exits_qemu_with_status_0(boot):
    t = boot()
    start = time.monotonic()
    t.send("poweroff\r")
    status = t.wait_exit(10)
    took = time.monotonic() - start
    assert status is not None, "QEMU still runs 10 s after poweroff:\n" + t.tail()
    assert status == 0, "QEMU exited with status %d after poweroff" % status
    assert took <= 10, "poweroff took %.1f s" % took


def test_reboot_boots_again(boot):
    t = boot()
    t.send_line("reboot")
    # Everything up to the next prompt is the second boot's console.
    log = t.expect(PROMPT, timeout=60)
    assert BANNER_RE.search(log), "no banner after reboot:\n" + log
    assert len(BANNER_RE.findall(log)) == 1, "more than one boot:\n" + log
    assert re.search(r": I: 4 of 4 CPUs online", log), "not all cores back:\n" + log
    cpus = parse_cpus(t.lines("cpus"))
    assert [s for _, s, _, _ in cpus.values()] == ["online"] * 4, cpus
