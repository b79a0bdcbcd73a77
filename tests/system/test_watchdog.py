"""
The per-VM SP805 watchdog (virt/devices/sp805.c): Debian's stock Linux binds
its own sp805_wdt module (from the guest kernel's package, in a second
initramfs) to the device Tandem describes; busybox's `watchdog` daemon keeps
the VM alive while it feeds /dev/watchdog, and once the daemon is killed
(no magic close, so the watchdog keeps running) the second unfed expiry
resets the VM, which Tandem logs, counts in `vm info` and boots again.
"""
import os
import re

import pytest

from tandem_qemu import REPO, Tandem
from test_own_image import make_bundle
from test_virtio_blk import initrd_with_modules, guest, GUEST_PROMPT, LINUX_BOOT

LINUX = os.path.join(REPO, "build", "guests", "linux", "Image")

pytestmark = pytest.mark.skipif(not os.path.isfile(LINUX),
                                reason="no guest Linux: run `make bundle`")

LINUX_WDOG = """/dts-v1/;
/ { compatible = "tandem,config";
    linux { compatible = "tandem,vm"; vcpus = <1>; memory-size = <0x0 0x8000000>;
            kernel = "linux/Image"; initrd = "initrd.cpio.gz";
            bootargs = "console=ttyAMA0"; vcpu-cpus = <1>; autostart; watchdog;
    }; };
"""
INFO_RE = re.compile(r"^  watchdog: sp805 at 0x90c0000, INTID 45, (\d+) expiries, (\d+) resets$",
                     re.M)


def wdog_counts(t):
    m = INFO_RE.search(t.run("vm info linux"))
    assert m, "no watchdog line in vm info"
    return int(m.group(1)), int(m.group(2))


def test_linux_feeds_then_starves_the_watchdog(tmp_path):
    initrd_with_modules(tmp_path, ("watchdog/sp805_wdt.ko",))
    (tmp_path / "linux-wdog.dts").write_text(LINUX_WDOG)
    rc, out, bundle = make_bundle(tmp_path, [tmp_path / "linux-wdog.dts"])
    assert rc == 0, out
    t = Tandem(["-initrd", bundle])
    try:
        t.expect("vm linux: started", timeout=60)
        t.expect(GUEST_PROMPT, timeout=LINUX_BOOT)
        guest(t, "insmod /lib/modules/sp805_wdt.ko")
        assert guest(t, "cat /sys/class/watchdog/watchdog0/identity")[-1].strip() == "sp805-wdt"
        # Fed every second with a 4 s timeout: interrupt at 2 s, reset at 4 s.
        guest(t, "watchdog -t 1 -T 4 /dev/watchdog")
        assert guest(t, "sleep 10; echo still-alive", timeout=120)[-1].strip() == "still-alive"
        t.to_shell()
        assert wdog_counts(t) == (0, 0)
        t.send("vm console linux\r")
        guest(t, "")
        guest(t, "kill -9 $(pidof watchdog)")
        t.expect("vm linux: watchdog expired twice unfed", timeout=120)
        t.expect("vm linux: watchdog reset: restarting (restart policy)", timeout=30)
        t.expect("Booting Linux", timeout=60)
        t.expect(GUEST_PROMPT, timeout=LINUX_BOOT)
        t.to_shell()
        expiries, resets = wdog_counts(t)
        assert resets == 1 and expiries >= 2, (expiries, resets)
    finally:
        t.close()
