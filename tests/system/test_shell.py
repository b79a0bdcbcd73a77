"""The shell over the real serial line: help, errors, and line editing."""
import re

from tandem_qemu import (KEY_BACKSPACE, KEY_CTRL_C, KEY_CTRL_U, KEY_DOWN,
                         KEY_LEFT, KEY_RIGHT, KEY_UP, PROMPT, UPTIME_RE,
                         VERSION_RE)

COMMANDS = ["cpus", "fault", "help", "log", "mem", "poweroff", "reboot",
            "selftest", "threads", "uptime", "version"]


def assert_version(output):
    assert VERSION_RE.match(output.strip()), "not version's output: %r" % output


def test_help_lists_every_command(tandem):
    listed = {}
    for line in tandem.lines("help"):
        words = line.split()
        # "  name [usage]   description": at least a name and a description.
        assert line.startswith("  ") and len(words) >= 2, "bad help line: %r" % line
        listed[words[0]] = line
    missing = [c for c in COMMANDS if c not in listed]
    assert not missing, "help does not list %s; it lists %s" % (missing, sorted(listed))


def test_help_for_one_command(tandem):
    lines = tandem.lines("help fault")
    assert lines and re.match(r"^usage: fault \S", lines[0]), lines
    assert len(lines) == 2 and lines[1].strip(), lines


def test_unknown_command(tandem):
    assert tandem.run("xyz").strip() == "error: unknown command 'xyz' (try 'help')"
    assert tandem.run("xyz 1 2").strip() == "error: unknown command 'xyz' (try 'help')"
    assert tandem.run("help xyz").strip() == "error: unknown command 'xyz' (try 'help')"


def test_empty_line_prints_only_a_prompt(tandem):
    assert tandem.run("") == ""
    assert tandem.run("   ") == ""


def test_unknown_selftest_is_an_error(tandem):
    out = tandem.run("selftest nosuch", timeout=30)
    assert out.strip() == "error: unknown selftest 'nosuch'", out


def test_edit_typo_with_arrows_backspace_and_insert(tandem):
    # "versoin": two lefts put the cursor before 'i', backspace drops the
    # 'o', one right steps over 'i', and the 'o' goes in before 'n'.
    tandem.send("versoin" + KEY_LEFT * 2 + KEY_BACKSPACE + KEY_RIGHT + "o")
    shown, output = tandem.enter()
    assert shown == "version", "terminal shows %r" % shown
    assert_version(output)


def test_edit_insert_at_start_of_line(tandem):
    # More lefts than characters: the cursor stops at column 0.
    tandem.send("ersion" + KEY_LEFT * 9 + "v")
    shown, output = tandem.enter()
    assert shown == "version", "terminal shows %r" % shown
    assert_version(output)


def test_history_up_and_down(tandem):
    tandem.run("uptime")
    assert_version(tandem.run("version"))

    tandem.send(KEY_UP)
    shown, output = tandem.enter()
    assert shown == "version", "Up shows %r" % shown
    assert_version(output)

    tandem.send(KEY_UP + KEY_UP)
    shown, output = tandem.enter()
    assert shown == "uptime", "Up Up shows %r" % shown
    assert UPTIME_RE.match(output.strip()), output

    # Down past the newest entry gives back the line being typed.
    tandem.send("ver" + KEY_UP + KEY_UP + KEY_DOWN + KEY_DOWN + "sion")
    shown, output = tandem.enter()
    assert shown == "version", "after Up Up Down Down the terminal shows %r" % shown
    assert_version(output)


def test_ctrl_c_discards_the_line(tandem):
    tandem.send("xyzzy" + KEY_CTRL_C)
    before = tandem.expect(PROMPT, timeout=5)
    assert "unknown command" not in before, before
    # The discarded text must not come back with the next Enter.
    shown, output = tandem.enter()
    assert (shown, output) == ("", ""), (shown, output)
    assert_version(tandem.run("version"))


def test_ctrl_u_kills_the_line(tandem):
    tandem.send("garbage" + KEY_CTRL_U + "version")
    shown, output = tandem.enter()
    assert shown == "version", "terminal shows %r" % shown
    assert_version(output)


def test_ctrl_u_kills_only_left_of_cursor(tandem):
    tandem.send("xyzversion" + KEY_LEFT * 7 + KEY_CTRL_U)
    shown, output = tandem.enter()
    assert shown == "version", "terminal shows %r" % shown
    assert_version(output)


def test_serial_line_ends_are_cr_lf(tandem):
    # Raw bytes as the UART sent them: the boot, a command with output,
    # Enter on an empty line, and a line cancelled with Ctrl-C.
    start = len(tandem.transcript.getvalue())
    tandem.run("help")
    tandem.run("")
    tandem.send("abc" + KEY_CTRL_C)
    tandem.expect(PROMPT, timeout=5)
    wire = tandem.boot_log_raw + tandem.transcript.getvalue()[start:]
    bad = sorted(set(re.findall(r".{0,12}(?:\r\r+\n|(?<!\r)\n)", wire)))
    assert not bad, "line ends other than CR LF: %r" % bad
