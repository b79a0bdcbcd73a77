"""
Unmodified Zephyr as a guest: each of the 18 stock images in
../shared/guests/zephyr runs natively on QEMU (the reference) and under
Tandem as a VM of its own, and prints the same lines both ways: the ztest
suites end in PROJECT EXECUTION SUCCESSFUL, the samples print their known
lines, shell_module answers a command typed through `vm console`.
"""
import io
import os
import re
import subprocess
import time

import pexpect
import pytest

from tandem_qemu import QEMU, REPO, Tandem, _raw_output
from zephyr_images import (EXPECTED, IDLE_TIMEOUT, IMAGES, RUN_TIMEOUT,
                           ZEPHYR_DIR, app_of,
                           make_bundle, native_args, path_of, timing_args, vm_name)

pytestmark = pytest.mark.skipif(not os.path.isdir(ZEPHYR_DIR),
                                reason="no %s (CI has shared/ beside the clone)" % ZEPHYR_DIR)

# Natively, Zephyr's secure SMP builds wait for their second CPU for ever:
# with secure=on QEMU boots them at EL3 with no PSCI firmware to start it.
NATIVE_BROKEN = {"smp_sync-s", "smp_test-s"}


def shell_exchange(send, expect):
    """shell_module: a prompt on Enter, and an answer to `kernel version`.
    Keys typed before its UART driver is up are lost: Enter until a prompt."""
    for _ in range(30):
        send("\r")
        try:
            expect("uart:~$", 1)
            break
        except (pexpect.TIMEOUT, AssertionError):
            continue
    else:
        raise AssertionError("shell_module never showed its uart:~$ prompt")
    send("kernel version\r")
    expect("Zephyr version 2.7.99", 10)
    expect("uart:~$", 10)


def expect_progress(child, line, idle=IDLE_TIMEOUT, total=RUN_TIMEOUT):
    """Wait for line while the image keeps printing: each new line end
    restarts an idle timer, so a stalled image fails in `idle` seconds,
    one that runs slowly but surely gets `total`."""
    deadline = time.monotonic() + total
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise AssertionError("no %r within %ss" % (line, total))
        try:
            got = child.expect_exact([line, "\n", "PROJECT EXECUTION FAILED"],
                                     timeout=min(idle, left))
        except pexpect.TIMEOUT:
            raise AssertionError("no %r, and nothing printed for %ss; last output: %r"
                                 % (line, idle, child.before[-300:]))
        if got == 0:
            return
        if got == 2:
            raise AssertionError("the image printed PROJECT EXECUTION FAILED")


def expect_lines(child, image):
    for line in EXPECTED[app_of(image)]:
        expect_progress(child, line)


def run_native(image):
    child = pexpect.spawn(QEMU, native_args(image), encoding="utf-8",
                          codec_errors="replace", echo=False, timeout=30,
                          preexec_fn=_raw_output)
    child.logfile_read = transcript = io.StringIO()
    try:
        def expect(s, timeout=30):
            child.expect_exact(s, timeout=timeout)
        if app_of(image) == "shell_module":
            shell_exchange(child.send, expect)
        else:
            expect_lines(child, image)
    except AssertionError:
        print("native output:\n" + transcript.getvalue())
        raise
    finally:
        child.terminate(force=True)
        child.close(force=True)


@pytest.mark.parametrize("image", [i for i in IMAGES if i not in NATIVE_BROKEN])
def test_zephyr_native(image):
    """The reference: what the image prints on the board it was built for."""
    assert os.path.isfile(path_of(image)), path_of(image)
    run_native(image)


@pytest.mark.parametrize("image", IMAGES)
def test_zephyr_under_tandem(image, tmp_path):
    """Started at boot, its console attached from the first byte; the
    shell is reached through `vm console`, as a user would."""
    shell = app_of(image) == "shell_module"
    bundle = make_bundle(tmp_path, [image], autostart=not shell)
    name = vm_name(image)
    t = Tandem(["-initrd", bundle] + timing_args(image))
    try:
        if shell:
            t.run("vm create %s" % name)
            t.send("vm start %s\r" % name)
            t.expect("vm %s: started" % name, timeout=30)
            t.send("\r")
            t.expect("tandem> ")
            t.send("vm console %s\r" % name)
            t.expect("[console: attached to VM '%s'" % name)
            shell_exchange(t.send, t.expect)
        else:
            expect_lines(t.child, image)
        t.to_shell()
        assert "running" in t.run("vm list")
    except AssertionError:
        # What the VM was doing when it stalled (exit counts), for the report.
        try:
            t.to_shell()
            print(t.run("vm info %s" % name))
        except Exception:       # noqa: BLE001 - best effort, the test fails anyway
            pass
        print("console:\n" + t.tail(20000))
        raise
    finally:
        t.close()


LINUX_DIR = os.path.join(REPO, "build", "guests", "linux")


@pytest.mark.skipif(not os.path.isfile(os.path.join(LINUX_DIR, "Image")),
                    reason="no Linux guest images: run `make bundle`")
def test_configs_zephyr_beside_linux(tmp_path):
    """configs/linux.dts + configs/zephyr.dts, as `make run CONFIG=...`
    bundles them: both start at boot, Linux reaches its prompt, and the
    Zephyr VM's threads keep taking turns meanwhile."""
    files = {}
    for cfg in ("linux", "zephyr"):
        files["configs/%s.dtb" % cfg] = subprocess.run(
            ["dtc", "-q", "-I", "dts", "-O", "dtb", os.path.join(REPO, "configs", cfg + ".dts")],
            check=True, stdout=subprocess.PIPE).stdout
    for f in ("Image", "initramfs.cpio.gz"):
        files["linux/" + f] = open(os.path.join(LINUX_DIR, f), "rb").read()
    files["zephyr/synchronization-ns.elf"] = open(path_of("synchronization-ns"), "rb").read()
    t = Tandem(["-initrd", make_bundle(tmp_path, [], files)])
    try:
        t.expect("guest# ", timeout=240)
        t.to_shell()
        listing = t.run("vm list")
        assert re.search(r"^\d+\s+linux\s+running", listing, re.M), listing
        assert re.search(r"^\d+\s+zephyr\s+running", listing, re.M), listing
        assert "thread_b: Hello World from cpu 0" in t.run("vm log zephyr")

        def console_bytes():
            m = re.search(r"console bytes: (\d+)", t.run("vm info zephyr"))
            assert m
            return int(m.group(1))
        before = console_bytes()
        time.sleep(3)
        assert console_bytes() > before
    finally:
        t.close()
