"""
Driving one Tandem instance in QEMU through its serial console.

The console is QEMU's -nographic stdio, which pexpect runs on a pty, so the
tests type into the same byte stream a person at a terminal would: the line
editor sees real key codes and the tests see its real echo. Line ends on the
wire are CR LF; everything returned to tests has the CRs removed.
"""
import io
import os
import re
import shlex
import subprocess
import termios
import time

import pexpect

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
IMAGE = os.environ.get("TANDEM_IMAGE", os.path.join(REPO, "build", "tandem.bin"))
QEMU = os.environ.get("TANDEM_QEMU", "qemu-system-aarch64")
QEMU_ARGS = ["-M", "virt,gic-version=3,virtualization=on",
             "-cpu", "max,pauth-impdef=on", "-smp", "4", "-m", "1G",
             "-nographic", "-nic", "none"]
# QEMU's Versal model (`make run BOARD=versal`): two Cortex-A72 (fixed: it
# ignores -cpu and -smp), RAM at physical 0, GIC and PL011 elsewhere.
VERSAL_ARGS = ["-M", "xlnx-versal-virt", "-m", "2G", "-nographic", "-nic", "none"]

PROMPT = "tandem> "
# Boot under icount or on a loaded CI runner can be slow.
BOOT_TIMEOUT = 60
CMD_TIMEOUT = 15

# Without -icount the guest's clock is the host's, and 4 vCPU threads on a
# loaded 2-core runner miss millisecond deadlines now and then: the timing
# checks run under -icount. sleep=off jumps the virtual clock straight to the
# next timer when every vCPU idles (by default it would follow the host's
# clock meanwhile), so a measurement depends on the kernel alone.
ICOUNT = ["-icount", "shift=0,align=off,sleep=off"]

SELFTESTS = ["threads", "pinning", "preempt", "preempt_remote", "sleep",
             "timeslice", "sem", "sem_timeout", "mutex_pi", "timer", "ipi",
             "heap", "wake_cross", "sleep_wake_race", "mutex_cross", "join_cross",
             "join_twice"]
# The ones with no deadline: safe to run on truly parallel vCPUs (MTTCG).
UNTIMED_SELFTESTS = ["threads", "pinning", "sem", "mutex_pi", "ipi", "heap",
                     "wake_cross", "sleep_wake_race", "mutex_cross", "join_cross",
                     "join_twice"]

BANNER_RE = re.compile(r"^Tandem (\S+) - real-time hypervisor for AArch64$", re.M)
LOG_LINE_RE = re.compile(r"^\[\s*\d+\.\d{6}\] cpu\d+ \S+: [EWID]: .*$")

CPU_RE = re.compile(r"^cpu(\d+)\s+mpidr=(?:0x)?([0-9a-fA-F]+)\s+(online|halted|off)"
                    r"\s+current=(\S+)\s+idle=(\d+)%$")
UPTIME_RE = re.compile(r"^up (\d+)\.(\d{6}) s$")
VERSION_RE = re.compile(r"^Tandem (\S+) \(built (.+)\)$")
THREAD_RE = re.compile(r"^(\S+)\s+(\S+)\s+(\d+)\s+(\S+)\s+(\d+)/(\d+)(?:\s.*)?$")
# `mem` may add notes inside the parentheses: "(4 KiB each; 65 metadata)".
PAGES_RE = re.compile(r"^pages: total (\d+), free (\d+), used (\d+)"
                      r" \(4 KiB each(?:; [^)]*)?\)$")
HEAP_RE = re.compile(r"^heap: size (\d+), used (\d+), free (\d+) bytes$")
RESULT_RE = re.compile(r"^selftest: (\S+) \.\.\. (PASS|FAIL)(.*)$")
SUMMARY_RE = re.compile(r"^selftest: (\d+) passed, (\d+) failed$")


def parse_cpus(lines):
    """`cpus` output -> {cpu: (mpidr, state, current, idle)}; checks the format."""
    assert lines, "cpus printed nothing"
    assert not CPU_RE.match(lines[0]), "cpus has no header line: %r" % lines[0]
    cpus = {}
    for line in lines[1:]:
        m = CPU_RE.match(line)
        assert m, "bad cpus line: %r" % line
        n = int(m.group(1))
        assert n not in cpus, "cpu%d listed twice" % n
        cpus[n] = (int(m.group(2), 16), m.group(3), m.group(4), int(m.group(5)))
    return cpus


def parse_uptime(text):
    m = UPTIME_RE.match(text.strip())
    assert m, "bad uptime output: %r" % text
    return int(m.group(1)) + int(m.group(2)) / 1e6


def parse_threads(lines):
    """`threads` -> {name: (cpu, prio, state, used, size)}; checks the format."""
    assert lines and re.match(r"^NAME\s+CPU\s+PRIO\s+STATE\s+STACK", lines[0]), \
        "bad threads header: %r" % (lines[:1],)
    threads = {}
    for line in lines[1:]:
        m = THREAD_RE.match(line)
        assert m, "bad threads line: %r" % line
        name = m.group(1)
        assert name not in threads, "thread %r listed twice" % name
        threads[name] = (m.group(2), int(m.group(3)), m.group(4),
                         int(m.group(5)), int(m.group(6)))
    return threads


def parse_mem(text):
    """`mem` -> (pages total, free, used, heap size, used, free)."""
    lines = text.split("\n")
    pages = [PAGES_RE.match(l) for l in lines if l.startswith("pages:")]
    heap = [HEAP_RE.match(l) for l in lines if l.startswith("heap:")]
    assert len(pages) == 1 and pages[0], "bad pages line in %r" % text
    assert len(heap) == 1 and heap[0], "bad heap line in %r" % text
    return tuple(int(x) for x in pages[0].groups() + heap[0].groups())


def parse_selftest(text):
    """selftest output -> ({name: (verdict, rest)}, (passed, failed))."""
    results, summary = {}, None
    for line in text.split("\n"):
        m = RESULT_RE.match(line)
        if m:
            assert m.group(1) not in results, "%s reported twice" % m.group(1)
            results[m.group(1)] = (m.group(2), m.group(3))
            continue
        m = SUMMARY_RE.match(line)
        if m:
            assert summary is None, "two summary lines in:\n" + text
            summary = (int(m.group(1)), int(m.group(2)))
    assert summary is not None, "no summary line in:\n" + text
    return results, summary


def guest_hung_in(text):
    """Which guests/ test a console text stopped in: the last "RUN <name>"
    (guests/lib/test.c) with no "TEST <name> ..." verdict after it."""
    current = None
    for line in text.replace("\r", "").split("\n"):
        if line.startswith("RUN "):
            current = line[4:].strip()
        elif line.startswith("TEST "):
            current = None
    return "hung in test '%s'" % current if current else "hung outside any test"


def measured_us(rest, pattern):
    """The number pattern finds in a result's '(...)' note, in us."""
    m = re.search(pattern + r"\s*(\d+) (ns|us)\b", rest)
    assert m, "no %r measurement in %r" % (pattern, rest)
    return int(m.group(1)) / (1000.0 if m.group(2) == "ns" else 1.0)


# Keys as a VT100 terminal sends them.
KEY_UP = "\x1b[A"
KEY_DOWN = "\x1b[B"
KEY_RIGHT = "\x1b[C"
KEY_LEFT = "\x1b[D"
KEY_BACKSPACE = "\x7f"
KEY_CTRL_C = "\x03"
KEY_CTRL_U = "\x15"
KEY_ENTER = "\r"

_CSI_RE = re.compile(r"\x1b\[(\d*)([A-Za-z])")


def render_line(stream):
    """
    What a VT100 shows on the current row after receiving stream: handles
    printable text, BS, CR, BEL and CSI n C / n D / K, which is all the
    line editor may use to keep the terminal's copy of the line right.
    Anything else is an error, so an editor bug that emits junk is caught.
    """
    row, col, i = [], 0, 0
    while i < len(stream):
        ch = stream[i]
        m = _CSI_RE.match(stream, i)
        if m:
            n = int(m.group(1) or "1")
            final = m.group(2)
            if final == "C":
                col += n
            elif final == "D":
                col = max(0, col - n)
            elif final == "K":
                del row[col:]
            else:
                raise ValueError("unexpected escape sequence %r" % m.group(0))
            i = m.end()
            continue
        if ch == "\b":
            col = max(0, col - 1)
        elif ch == "\r":
            col = 0
        elif ch == "\a":
            pass
        elif ch == "\n":
            row, col = [], 0
        elif " " <= ch <= "~":
            while len(row) < col:
                row.append(" ")
            if col < len(row):
                row[col] = ch
            else:
                row.append(ch)
            col += 1
        else:
            raise ValueError("unexpected control character %r" % ch)
        i += 1
    return "".join(row)


def _raw_output():
    """
    In QEMU, before exec: stop the pty turning LF into CR LF. QEMU keeps
    output post-processing on for its stdio, and without this the tests
    would see CRs the board never sent.
    """
    attrs = termios.tcgetattr(0)
    attrs[1] &= ~termios.ONLCR
    termios.tcsetattr(0, termios.TCSANOW, attrs)


class ConsoleError(AssertionError):
    """The console did not show what a test waited for; carries the tail."""


class Tandem:
    """One QEMU running build/tandem.bin, driven over its serial console."""

    def __init__(self, extra_args=(), boot_timeout=BOOT_TIMEOUT, direct=True,
                 machine=None):
        """direct: QEMU loads the image (-kernel) and this waits for the
        prompt. Otherwise extra_args load it (a firmware, -device loader)
        and the caller boots it and calls wait_boot(). machine: QEMU's
        board arguments instead of QEMU_ARGS (VERSAL_ARGS, another -cpu)."""
        if not os.path.isfile(IMAGE):
            raise ConsoleError("%s does not exist: run `make` first" % IMAGE)
        env_extra = shlex.split(os.environ.get("TANDEM_QEMU_EXTRA", ""))
        self.args = list(machine or QEMU_ARGS) + list(extra_args) + env_extra
        if direct:
            self.args += ["-kernel", IMAGE]
        self.transcript = io.StringIO()
        self.spawned_at = time.monotonic()
        self.child = pexpect.spawn(QEMU, self.args, encoding="utf-8",
                                   codec_errors="replace", echo=False,
                                   timeout=CMD_TIMEOUT, preexec_fn=_raw_output)
        self.child.logfile_read = self.transcript
        if not direct:
            return
        try:
            self.boot_log = self.wait_boot(boot_timeout)
        except BaseException:
            self.close()
            raise
        self.boot_log_raw = self.transcript.getvalue()

    # --- low level -------------------------------------------------------

    def tail(self, n=3000):
        return self.transcript.getvalue()[-n:].replace("\r", "")

    def _fail(self, what, timeout):
        raise ConsoleError("%s (timeout %ss); console ends with:\n%s"
                           % (what, timeout, self.tail()))

    def expect(self, pattern, timeout=CMD_TIMEOUT, exact=True):
        """Wait for pattern; return the text before it (CRs removed)."""
        try:
            if exact:
                self.child.expect_exact(pattern, timeout=timeout)
            else:
                self.child.expect(pattern, timeout=timeout)
        except pexpect.TIMEOUT:
            self._fail("timed out waiting for %r" % pattern, timeout)
        except pexpect.EOF:
            self._fail("QEMU exited while waiting for %r" % pattern, timeout)
        return self.child.before.replace("\r", "")

    def send(self, keys):
        """Type keys; the console sees exactly these bytes."""
        self.child.send(keys)

    def wait_boot(self, timeout=BOOT_TIMEOUT):
        """Wait for the prompt of a (re)boot; return the console text before it."""
        return self.expect(PROMPT, timeout=timeout)

    # --- the shell ---------------------------------------------------------

    def enter(self, timeout=CMD_TIMEOUT):
        """
        Press Enter on what has been typed. Returns (shown, output): the line
        as the terminal displays it after the editor's echo (prompt
        excluded), and the command's output up to the next prompt.
        """
        self.send(KEY_ENTER)
        # The editor answers Enter with a line end; all before it is echo.
        try:
            self.child.expect(r"\r*\n", timeout=timeout)
        except pexpect.TIMEOUT:
            self._fail("no line end after Enter", timeout)
        except pexpect.EOF:
            self._fail("QEMU exited after Enter", timeout)
        echo = self.child.before
        output = self.expect(PROMPT, timeout=timeout)
        return render_line(echo), output

    def send_line(self, cmd, timeout=CMD_TIMEOUT):
        """
        Type cmd and Enter, and wait for the echo. Typed at the end of the
        line, each key echoes as itself, so the echo is cmd and a line end:
        waiting for exactly that skips anything printed before it, such as
        a fault report or a prompt that followed one.
        """
        self.send(cmd + KEY_ENTER)
        self.expect(re.escape(cmd) + r"\r*\n", timeout, exact=False)

    def run(self, cmd, timeout=CMD_TIMEOUT):
        """Run one command line; return its output without echo and prompt."""
        self.send_line(cmd, timeout)
        return self.expect(PROMPT, timeout)

    def to_shell(self):
        """From an attached VM console back to the Tandem shell (Ctrl-])."""
        self.send("\x1d")
        self.expect("[console: Tandem shell]")
        self.send("\r")
        self.expect(PROMPT)

    def lines(self, cmd, timeout=CMD_TIMEOUT):
        """run(), split into lines, without empty ones."""
        return [l for l in self.run(cmd, timeout).split("\n") if l.strip()]

    # --- process -----------------------------------------------------------

    def wait_exit(self, timeout):
        """Wait for QEMU to exit by itself; return its exit status or None."""
        deadline = time.monotonic() + timeout
        try:
            self.child.expect(pexpect.EOF, timeout=timeout)
        except pexpect.TIMEOUT:
            return None
        while self.child.isalive():
            if time.monotonic() > deadline:
                return None
            time.sleep(0.05)
        if self.child.signalstatus is not None:
            return -self.child.signalstatus
        return self.child.exitstatus

    def alive(self):
        return self.child.isalive()

    def close(self):
        """Kill QEMU if it still runs. Safe to call more than once."""
        if self.child.isalive():
            self.child.terminate(force=True)
        try:
            self.child.close(force=True)
        except pexpect.ExceptionPexpect:
            pass


def pack_bundle(root, out):
    """A boot bundle from the folder root (a pathlib.Path): its files, in
    name order, as the newc cpio archive Tandem reads. Returns out's path."""
    files = sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())
    with open(out, "wb") as f:
        subprocess.run(["cpio", "-o", "-H", "newc", "--quiet"], cwd=root,
                       input=("\n".join(files) + "\n").encode(), stdout=f, check=True)
    return str(out)


def guest_bundle(tmp_path, config, guest):
    """A bundle of one config (configs/<config>.dts, compiled) and one test
    guest (guests/build/<guest>.elf), for the bare-metal guests' tests."""
    root = tmp_path / "bundle"
    (root / "configs").mkdir(parents=True)
    (root / "guests").mkdir()
    subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o",
                    str(root / "configs" / (config + ".dtb")),
                    os.path.join(REPO, "configs", config + ".dts")], check=True)
    elf = os.path.join(REPO, "guests", "build", guest + ".elf")
    (root / "guests" / (guest + ".elf")).write_bytes(open(elf, "rb").read())
    return pack_bundle(root, tmp_path / "bundle.cpio")
