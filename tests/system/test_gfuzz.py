"""
The in-guest fuzzer (guests/gfuzz) beside Linux and the RTOS guest: while
it storms for about a minute (many seeds of 4000 steps), the host shell
answers, Linux runs a command, the RTOS's heartbeat goes on, the fuzzer's
step counter grows and it reports no broken promise (no ANOMALY line:
an EL2 register or a hidden feature that did not UNDEF); then it is
stopped and deleted mid-storm and `mem` is back where it was.
"""
import os
import re
import shutil
import subprocess
import time

import pytest

from tandem_qemu import REPO, Tandem, pack_bundle, parse_mem

BUNDLE_DIR = os.path.join(REPO, "build", "bundle")
GFUZZ = os.path.join(REPO, "guests", "build", "gfuzz.elf")
SUMMARY = re.compile(r"gfuzz: seed (\d+) step (\d+) ok, anomalies (\d+), serrors (\d+), "
                     r"irqs timer (\d+) sgi (\d+), exceptions by EC:((?: [0-9a-f]{2}=\d+)*)")
HEARTBEAT = re.compile(r"HEARTBEAT (\w) (\d+)")
STORM_S = 60

pytestmark = pytest.mark.skipif(
    not (os.path.isdir(BUNDLE_DIR) and os.path.isfile(GFUZZ)),
    reason="no build/bundle or guests/build/gfuzz.elf: run `make bundle`")


def bundle_with_gfuzz(tmp_path):
    """The default bundle (Linux, RTOS, gtest) plus configs/gfuzz.dtb."""
    root = tmp_path / "bundle"
    shutil.copytree(BUNDLE_DIR, root)
    subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o", str(root / "configs" / "gfuzz.dtb"),
                    os.path.join(REPO, "configs", "gfuzz.dts")], check=True)
    shutil.copy(GFUZZ, root / "guests" / "gfuzz.elf")
    return pack_bundle(root, tmp_path / "bundle.cpio")


STEPS_A_SEED = 4000     # guests/gfuzz/main.c GFUZZ_STEPS, seeds from 1


def progress(log):
    """(seed, total steps, last summary match) from the last summary line in
    `vm log gfuzz` (the console ring keeps only the newest lines)."""
    rows = SUMMARY.findall(log)
    if not rows:
        return 0, 0, None
    seed, step = int(rows[-1][0]), int(rows[-1][1])
    return seed, (seed - 1) * STEPS_A_SEED + step, rows[-1]


def beats(t):
    return len(HEARTBEAT.findall(t.run("vm log rtos")))


def test_fuzzer_beside_linux_and_rtos(tmp_path):
    t = Tandem(["-initrd", bundle_with_gfuzz(tmp_path)])
    try:
        # The more urgent VM (rtos, priority 2) starts before linux (10).
        t.expect("vm rtos: started", timeout=60)
        t.expect("vm linux: started", timeout=60)
        t.expect("guest# ", timeout=240)
        t.to_shell()
        before = parse_mem(t.run("mem"))
        assert "created vm" in t.run("vm create gfuzz")
        assert not t.run("vm start gfuzz").startswith("error")
        t0 = time.monotonic()
        last_steps, last_beats, checks = 0, beats(t), 0
        linux_ok = False
        while time.monotonic() - t0 < STORM_S:
            time.sleep(10)
            # The host shell answers (each t.run waits for the prompt).
            listing = t.run("vm list")
            state = re.search(r"^\d+\s+gfuzz\s+(\S+)", listing, re.M).group(1)
            assert state == "running", listing + t.run("vm info gfuzz")
            log = t.run("vm log gfuzz")
            assert "ANOMALY" not in log, [l for l in log.split("\n") if "ANOMALY" in l][:5]
            assert "FAIL" not in log, log[-2000:]
            _, steps, _ = progress(log)
            assert steps > last_steps, "fuzzer stalled at %d steps:\n%s" % (steps, log[-1500:])
            last_steps = steps
            b = beats(t)
            assert b > last_beats, "RTOS heartbeat stopped at %d" % b
            last_beats = b
            if not linux_ok:
                t.send("vm console linux\r")
                t.expect("attached to VM 'linux'")
                t.send("echo hi-$((40+2))\r")
                t.expect("hi-42", timeout=30)
                t.to_shell()
                linux_ok = True
            checks += 1
        log = t.run("vm log gfuzz")
        seeds, steps, last = progress(log)
        print("gfuzz: seed %d, %d steps in all, last summary: %s" % (seeds, steps, last))
        assert steps >= 4 * 4000, "fewer than 4 seeds of 4000 steps in %d s" % STORM_S
        assert last[2] == "0"
        # Stopped and deleted mid-storm; nothing of it stays behind.
        assert "vm gfuzz: stopped" in t.run("vm stop gfuzz", timeout=30)
        assert "deleted vm" in t.run("vm delete gfuzz")
        after = parse_mem(t.run("mem"))
        assert after == before, "mem moved over the storm: %r -> %r" % (before, after)
        b = beats(t)
        time.sleep(3)
        assert beats(t) > b, "RTOS heartbeat stopped after the fuzzer went"
    finally:
        t.close()
