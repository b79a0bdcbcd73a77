#!/usr/bin/python3
"""Drives `make run` for scripts/test-fresh.sh, with no one at the keyboard.

    fresh-drive.py run LOG TIMES COMMAND...

Runs COMMAND (which ends in `make run`) with its output in LOG, and notes
when each step of the newcomer's path shows: packages installed, the build,
the guest images fetched, QEMU started, Tandem's banner and shell prompt,
the Linux guest's shell. Once the guest's shell is there it quits QEMU
(Ctrl-A x) and appends the step times to TIMES. Exits 0 only if every
required step appeared, in time.
"""
import os
import re
import select
import signal
import subprocess
import sys
import time

LIMIT_S = 3600          # install + build + fetch + boot, on a slow mirror
QUIT_S = 30             # QEMU's exit after Ctrl-A x

# (name, pattern, required); the time noted is the first appearance
STEPS = [
    ("deps-installing", rb"install-deps: installing", False),
    ("build", rb"aarch64-linux-gnu-gcc ", True),
    ("guest-fetch", rb"get-guest-images: ", False),
    ("bundle", rb"bundle: build/bundle\.cpio", True),
    ("qemu", rb"qemu-system-aarch64 ", True),
    ("tandem-banner", rb"Tandem \S+ - real-time hypervisor", True),
    ("tandem-shell", rb"tandem> ", True),
    ("linux-init", rb"tandem-guest: init reached", True),
    ("linux-shell", rb"guest# ", True),
]


def main():
    if len(sys.argv) < 5 or sys.argv[1] != "run":
        sys.exit(__doc__)
    log_path, times_path, cmd = sys.argv[2], sys.argv[3], sys.argv[4:]
    seen = {}
    buf = b""
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, start_new_session=True)
    quit_at = None
    with open(log_path, "wb") as log:
        while True:
            now = time.monotonic()
            if quit_at is None and now - start > LIMIT_S:
                break
            if quit_at is not None and now - quit_at > QUIT_S:
                break
            ready, _, _ = select.select([proc.stdout], [], [], 1.0)
            if ready:
                chunk = os.read(proc.stdout.fileno(), 65536)
                if not chunk:
                    break
                log.write(chunk)
                log.flush()
                buf = (buf + chunk)[-1 << 20:]
                for name, pat, _ in STEPS:
                    if name not in seen and re.search(pat, buf):
                        seen[name] = time.monotonic() - start
                        print("fresh-drive: %7.1f s  %s" % (seen[name], name), flush=True)
            if quit_at is None and "linux-shell" in seen:
                proc.stdin.write(b"\x01x")      # QEMU's monitor escape: quit
                proc.stdin.flush()
                quit_at = time.monotonic()
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)     # our own session: make and QEMU
    proc.wait()

    missing = [n for n, _, req in STEPS if req and n not in seen]
    with open(times_path, "a") as times:
        prev = 0.0
        for name, _, _ in STEPS:
            if name in seen:
                times.write("  make-run to %-16s %6.0f s (+%.0f)\n"
                            % (name, seen[name], seen[name] - prev))
                prev = seen[name]
    if missing:
        print("fresh-drive: never saw: " + ", ".join(missing), file=sys.stderr)
        with open(log_path, "rb") as log:
            tail = log.read()[-2000:].decode("utf-8", "replace").replace("\r", "")
        print("fresh-drive: make run's output ends with:\n" + tail, file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
