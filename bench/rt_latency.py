#!/usr/bin/python3
"""
Timer-interrupt latency of an RTOS guest, natively and under Tandem.

guests/rtos ticks its EL1 virtual timer at 1 kHz; for each of its first
2000 periods the deadline is CNTV_CVAL_EL0 and its IRQ vector reads
CNTVCT_EL0 on entry. It prints, once,
"LATENCY: samples=<n> min=<ns> avg=<ns> max=<ns>". This script runs it in
four setups (and four controls) under -icount and prints one table per
-icount variant:

  (a) native  rtos-oneshot.elf on QEMU at EL1, no hypervisor (-smp 1)
  (b) alone   under Tandem, bundle with configs/rtos.dts only: one vCPU
              alone on core 3, priority 2
  (c) loaded  under Tandem with configs/linux.dts running a CPU and memory
              load on its two vCPUs (cores 1, 2); the RTOS
              (configs/bench-rtos-late.dts, core 3) is started from the
              Tandem shell once the load runs
  (d) shared  as (c), but the RTOS vCPU (configs/bench-rtos-shared.dts,
              priority 2) shares core 2 with Linux's loaded vCPU 1
              (priority 10)
  (e) control as (c), but the RTOS on core 0 (configs/bench-rtos-core0.dts):
              under -icount QEMU runs all vCPUs round robin in index order
              in one host thread; this moves the RTOS core from the last
              place in that order to the first
  (f) control native rtos-oneshot-load.elf on QEMU, -smp 3: CPUs 1-2 run
              a CPU, memory and 250 Hz tick load (guests/rtos/load.c)
              while CPU 0 is measured, no hypervisor; what QEMU's round
              robin alone adds to (a), the native counterpart of (c)
  (g) loaded' as (c), but the load is (f)'s: a VM of 2 vCPUs on cores 1-2
              (configs/bench-load.dts, rtos-load-only.elf) instead of
              Linux; (g) against (f) is what Tandem adds under load
  (h) control as (g), RTOS on core 0 (like (e)): QEMU's round-robin order
              as in (f), the RTOS CPU first

Each run's command line (and what is typed into the consoles) is printed.
The script builds what it needs (`make all`, `make -C guests`, one bundle
per Tandem setup in a temporary directory; build/bundle.cpio is rebuilt
with the default configs at the end, since `make bundle` shares its staging
directory). Not part of `make test`.

Usage: bench/rt_latency.py [--setups abcdefgh] [--icount OPTS]... [--native-smp N]
                           [--no-build] [--keep DIR] [--plot PNG]
--plot needs gnuplot (`make bench-deps`).
"""
import argparse
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

import pexpect

import latency_plot

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
QEMU = "qemu-system-aarch64"
NATIVE_ARGS = "-M virt,gic-version=3 -cpu max,pauth-impdef=on -smp {smp} -m 256M -nographic -nic none"
TANDEM_ARGS = ("-M virt,gic-version=3,virtualization=on -cpu max,pauth-impdef=on "
               "-smp 4 -m 1G -nographic -nic none")
DEFAULT_ICOUNT = "shift=0,align=off"

LATENCY_RE = r"LATENCY: samples=(\d+) min=(\d+) avg=(\d+) max=(\d+)\r*\n"
HEARTBEAT_RE = r"HEARTBEAT [ab] \d+\r*\n"
GUEST_PROMPT = "guest# "
SHELL_PROMPT = "tandem> "
ESCAPE = "\x1d"         # Ctrl-]: the console between the VM and the Tandem shell
# Two CPU hogs and memory traffic: three runnable tasks on the two vCPUs.
LINUX_LOAD = ("while :; do :; done & while :; do :; done & "
              "while :; do dd if=/dev/zero of=/dev/null bs=1M count=64 2>/dev/null; done &")

# Wall-clock limits. Under -icount QEMU runs slower than real time; Linux
# boot under Tandem takes minutes on a slow host.
NATIVE_TIMEOUT = 300
LINUX_BOOT_TIMEOUT = 900
LATENCY_TIMEOUT = 300

SETUPS = {
    "a": "(a) native QEMU",
    "b": "(b) Tandem, RTOS alone",
    "c": "(c) Tandem, Linux load on cores 1-2",
    "d": "(d) Tandem, sharing core 2 with loaded Linux vCPU",
    "e": "(e) control: as (c), RTOS on core 0",
    "f": "(f) native QEMU, 2 more CPUs loaded (control for c)",
    "g": "(g) Tandem, (f)'s load in a VM on cores 1-2",
    "h": "(h) control: as (g), RTOS on core 0",
}
BUNDLE_CONFIGS = {
    "b": ["configs/rtos.dts"],
    "c": ["configs/linux.dts", "configs/bench-rtos-late.dts"],
    "d": ["configs/linux.dts", "configs/bench-rtos-shared.dts"],
    "e": ["configs/linux.dts", "configs/bench-rtos-core0.dts"],
    "g": ["configs/bench-load.dts", "configs/bench-rtos-late.dts"],
    "h": ["configs/bench-load.dts", "configs/bench-rtos-core0.dts"],
}
RTOS_VM = {"b": "rtos", "c": "rtos", "d": "rtos-shared", "e": "rtos", "g": "rtos", "h": "rtos"}


class BenchError(Exception):
    pass


def say(msg):
    print(msg, flush=True)


def make(*args):
    cmd = ["make", "--no-print-directory", "-C", REPO] + list(args)
    say("$ " + " ".join(shlex.quote(a) for a in cmd))
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if r.returncode:
        sys.stdout.write(r.stdout[-3000:])
        raise BenchError("make %s failed" % " ".join(args))


def build(work, setups, no_build):
    """Images copied into @work, so builds by others cannot change them mid-run."""
    if not no_build:
        make("all")
        make("-C", "guests")
    shutil.copy(os.path.join(REPO, "build", "tandem.bin"), work)
    shutil.copy(os.path.join(REPO, "build", "tandem.elf"), work)     # symbols, for traces
    shutil.copy(os.path.join(REPO, "guests", "build", "rtos-oneshot.elf"), work)
    shutil.copy(os.path.join(REPO, "guests", "build", "rtos-oneshot-load.elf"), work)
    for s in setups:
        if s in BUNDLE_CONFIGS:
            make("bundle", "CONFIG=" + " ".join(BUNDLE_CONFIGS[s]),
                 "BUNDLE=" + os.path.join(work, "bundle-%s.cpio" % s))


class Console:
    """
    One QEMU on a pty; everything it prints also goes to a log file. Its
    monitor listens on a socket beside the log (it changes nothing the
    guest sees), so that a run that hangs can say where each CPU is.
    """

    def __init__(self, argv, log_path):
        self.mon_path = log_path + ".mon"
        argv = argv + ["-monitor", "unix:%s,server,nowait" % self.mon_path]
        say("$ " + " ".join(shlex.quote(a) for a in argv))
        self.log = open(log_path, "w", encoding="utf-8", errors="replace")
        self.p = pexpect.spawn(argv[0], argv[1:], encoding="utf-8",
                               codec_errors="replace", timeout=60, maxread=65536)
        self.p.logfile_read = self.log
        self.log_path = log_path

    def expect(self, pattern, timeout):
        try:
            self.p.expect(pattern, timeout=timeout)
        except (pexpect.TIMEOUT, pexpect.EOF) as e:
            kind = "timeout" if isinstance(e, pexpect.TIMEOUT) else "QEMU exited"
            where = self.cpu_states() if kind == "timeout" else ""
            raise BenchError("%s waiting for %r (console log: %s)%s"
                             % (kind, pattern, self.log_path, where)) from None
        return self.p.match

    def monitor(self, sock, cmd):
        sock.sendall((cmd + "\n").encode())
        out, end = b"", time.monotonic() + 2
        while time.monotonic() < end and not out.rstrip().endswith(b"(qemu)"):
            try:
                out += sock.recv(65536)
            except socket.timeout:
                pass
        return re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", out.decode(errors="replace"))

    def cpu_states(self):
        """Each CPU's PC and exception level, from the QEMU monitor."""
        try:
            with socket.socket(socket.AF_UNIX) as sock:
                sock.settimeout(0.2)
                sock.connect(self.mon_path)
                self.monitor(sock, "")
                states = []
                for cpu in range(4):
                    self.monitor(sock, "cpu %d" % cpu)
                    regs = self.monitor(sock, "info registers")
                    pc = re.search(r"PC=([0-9a-f]+)", regs)
                    el = re.search(r"PSTATE=\S+ \S+ (EL\d)", regs)
                    if pc and el:
                        states.append("cpu%d %s pc %s" % (cpu, el.group(1), pc.group(1)))
                return "; " + ", ".join(states) if states else ""
        except OSError:
            return ""

    def type(self, line, note=True):
        """
        One character at a time, each after the echo of the previous one: a
        busy guest drains its UART slowly, and its receive FIFO drops what
        does not fit.
        """
        if note:
            say("    typed: " + line)
        for ch in line:
            self.p.send(ch)
            self.expect(re.escape(ch), 30)
        self.p.send("\r")

    def to_shell(self):
        self.p.send(ESCAPE)
        self.expect(re.escape("[console: Tandem shell]"), 60)
        self.p.send("\r")
        self.expect(SHELL_PROMPT, 60)

    def shell(self, cmd, until=SHELL_PROMPT, timeout=60):
        """A Tandem shell command; returns what it printed up to @until."""
        self.type(cmd)
        self.expect(until, timeout)
        return self.p.before

    def close(self):
        self.p.terminate(force=True)
        self.log.close()


LAST_HIST = []     # the LATHIST buckets of the latest LATENCY line


def latency_of(con):
    """The LATENCY line as (samples, min, avg, max); the RTOS must go on after it."""
    m = con.expect(LATENCY_RE, LATENCY_TIMEOUT)
    result = tuple(int(x) for x in m.groups())
    LAST_HIST[:] = latency_plot.parse(con.p.before) or []
    say("    " + m.group(0).strip())
    return result


def exits_of(con, vm, in_shell=False):
    """`vm info` exit counters of @vm, for the record; never fails the run."""
    try:
        if in_shell:
            con.p.send("\r")
            con.expect(SHELL_PROMPT, 60)
        else:
            con.to_shell()
        out = con.shell("vm info " + vm)
    except BenchError as e:
        return "? (%s)" % e
    m = re.search(r"exits:([^\n]*)", out.replace("\r", ""))
    return m.group(1).strip() if m else "?"


def run_native(work, setup, icount, smp, image):
    argv = ([QEMU] + NATIVE_ARGS.format(smp=smp).split() + icount_args(icount) +
            ["-kernel", os.path.join(work, image)])
    con = Console(argv, os.path.join(work, setup + ".log"))
    try:
        lat = latency_of(con)
        con.expect(pexpect.EOF, NATIVE_TIMEOUT)    # SYSTEM_OFF ends QEMU
        return lat, None
    finally:
        con.close()


def icount_args(icount):
    """`--icount none`: no -icount, QEMU's multi-threaded TCG on host time."""
    return [] if icount == "none" else ["-icount", icount]


def tandem_argv(work, setup, icount):
    return ([QEMU] + TANDEM_ARGS.split() + icount_args(icount) +
            ["-kernel", os.path.join(work, "tandem.bin"),
            "-initrd", os.path.join(work, "bundle-%s.cpio" % setup)])


def run_alone(work, icount):
    con = Console(tandem_argv(work, "b", icount), os.path.join(work, "b.log"))
    try:
        con.expect(r"vm rtos: started", 120)
        lat = latency_of(con)
        con.expect(HEARTBEAT_RE, 120)
        return lat, exits_of(con, "rtos")
    finally:
        con.close()


def start_rtos(con, vm):
    """From the loaded VM's console: create and start RTOS VM @vm from the
    Tandem shell, and return its latency and exit counters."""
    con.to_shell()
    # Where only the VM the console is attached to prints live, every
    # VM's lines are printed (prefixed) in multiplex mode; a Tandem
    # without that mode prints them all anyway, and says "error: ...".
    con.shell("vm mux on")
    con.shell("vm create " + vm, until=r"created vm \d+")
    con.expect(SHELL_PROMPT, 60)
    con.shell("vm start " + vm)
    lat = latency_of(con)
    con.expect(HEARTBEAT_RE, 300)
    return lat, exits_of(con, vm, in_shell=True)


def run_with_linux(work, setup, icount):
    vm = RTOS_VM[setup]
    con = Console(tandem_argv(work, setup, icount), os.path.join(work, setup + ".log"))
    try:
        t0 = time.monotonic()
        con.expect(GUEST_PROMPT, LINUX_BOOT_TIMEOUT)
        say("    Linux at its prompt after %.0f s wall-clock" % (time.monotonic() - t0))
        con.type(LINUX_LOAD)
        con.expect(GUEST_PROMPT, 120)
        con.type("jobs")
        con.expect(GUEST_PROMPT, 120)
        running = con.p.before.count("Running")
        if running < 3:
            raise BenchError("the Linux load is not running (jobs: %r)" % con.p.before)
        return start_rtos(con, vm)
    finally:
        con.close()


def run_with_load(work, setup, icount):
    """The RTOS beside configs/bench-load.dts's VM: (f)'s load, under Tandem."""
    con = Console(tandem_argv(work, setup, icount), os.path.join(work, setup + ".log"))
    try:
        con.expect(r"rtos: load on 1 CPU", 120)
        return start_rtos(con, "rtos")
    finally:
        con.close()


def run_setup(work, setup, icount, smp):
    say("\n%s, -icount %s" % (SETUPS[setup], icount))
    if setup == "a":
        return run_native(work, "a", icount, smp, "rtos-oneshot.elf")
    if setup == "f":
        return run_native(work, "f", icount, 3, "rtos-oneshot-load.elf")
    if setup == "b":
        return run_alone(work, icount)
    if setup in "gh":
        return run_with_load(work, setup, icount)
    return run_with_linux(work, setup, icount)


def ratio(x, ref):
    return "%.2f" % (x / ref) if ref else "n/a"


def print_table(icount, results, smp):
    ref = results.get("a")
    say("\nRTOS timer-interrupt latency, -icount %s (native: -smp %s%s)"
        % (icount, smp, ", (f) -smp 3" if "f" in results else ""))
    say("%-52s %7s %9s %9s %9s %11s %11s" % ("setup", "samples", "min ns", "avg ns",
                                              "max ns", "avg/avg(a)", "max/max(a)"))
    for s in sorted(results):
        lat = results[s]
        if isinstance(lat, str):
            say("%-52s %s" % (SETUPS[s], lat))
            continue
        n, lo, avg, hi = lat
        say("%-52s %7d %9d %9d %9d %11s %11s" % (
            SETUPS[s], n, lo, avg, hi,
            ratio(avg, ref[2]) if isinstance(ref, tuple) else "-",
            ratio(hi, ref[3]) if isinstance(ref, tuple) else "-"))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--setups", default="abcdefgh", help="which of a..h (default all)")
    ap.add_argument("--icount", action="append",
                    help="-icount options, or 'none' for none; repeat for several "
                         "tables (default %s)" % DEFAULT_ICOUNT)
    ap.add_argument("--native-smp", type=int, default=1, choices=(1, 2),
                    help="CPUs of the native run (a), default 1")
    ap.add_argument("--no-build", action="store_true",
                    help="use the existing images; bundles are still made")
    ap.add_argument("--plot", metavar="PNG",
                    help="also draw the latency histograms of the first -icount "
                         "variant to PNG with gnuplot (and PNG's .dat)")
    ap.add_argument("--keep", metavar="DIR",
                    help="keep images, bundles and console logs in DIR")
    args = ap.parse_args()
    # Killed: still clean up (QEMU, the default bundle) in the finally blocks.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    setups = [s for s in "abcdefgh" if s in args.setups]
    icounts = args.icount or [DEFAULT_ICOUNT]

    work = args.keep or tempfile.mkdtemp(prefix="rt_latency.")
    os.makedirs(work, exist_ok=True)
    tables = []
    failed = False
    try:
        build(work, setups, args.no_build)
        for icount in icounts:
            results, exits, hists = {}, {}, {}
            for s in setups:
                t0 = time.monotonic()
                try:
                    LAST_HIST[:] = []
                    results[s], exits[s] = run_setup(work, s, icount, args.native_smp)
                    if LAST_HIST:
                        hists[s] = list(LAST_HIST)
                except BenchError as e:
                    results[s] = "FAILED: %s" % e
                    failed = True
                    say("    " + results[s])
                say("    (%.0f s wall-clock)" % (time.monotonic() - t0))
            tables.append((icount, results, exits))
            if args.plot and len(tables) == 1 and hists:
                say("plot: %s" % latency_plot.plot(
                    [(SETUPS[s], hists[s]) for s in sorted(hists)], args.plot,
                    "RTOS timer-interrupt latency, -icount %s" % icount))
    finally:
        if any(s in BUNDLE_CONFIGS for s in setups):
            try:
                make("bundle")      # the default staging dir and build/bundle.cpio
            except BenchError as e:
                say("warning: %s; run `make bundle` to restore the default bundle" % e)
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    for icount, results, exits in tables:
        print_table(icount, results, args.native_smp)
        for s in sorted(exits):
            if exits[s]:
                say("  %s exits: %s" % (s, exits[s]))
    if args.keep:
        say("\nlogs: %s" % work)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
