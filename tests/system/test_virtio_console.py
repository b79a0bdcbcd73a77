"""
virtio-console served by Tandem (virt/devices/virtio_console.c): the stock
Debian Linux binds its own virtio_console module (from the guest kernel's
package, in a second initramfs) to the device Tandem describes, gets
/dev/hvc0, and what it writes there reaches the VM's console whole and in
order, counted in `vm info`.
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

LINUX_HVC = """/dts-v1/;
/ { compatible = "tandem,config";
    linux { compatible = "tandem,vm"; vcpus = <2>; memory-size = <0x0 0x10000000>;
            kernel = "linux/Image"; initrd = "initrd.cpio.gz";
            bootargs = "console=ttyAMA0"; vcpu-cpus = <1 2>; autostart;
            virtio { hvc { type = "console"; guest-reg = <0x0 0x0a000200>; interrupt = <49>; }; };
    }; };
"""
HVC_INFO_RE = re.compile(r"^  virtio console hvc: IPA 0xa000200, INTID 49, status (0x[0-9a-f]+|0), "
                         r"(\d+) bytes out, (\d+) bad buffers, (\d+) bytes cut off$", re.M)
LINES = 2000


def test_linux_writes_to_hvc0(tmp_path):
    initrd_with_modules(tmp_path, ("virtio/virtio_mmio.ko", "char/virtio_console.ko"))
    (tmp_path / "linux-hvc.dts").write_text(LINUX_HVC)
    rc, out, bundle = make_bundle(tmp_path, [tmp_path / "linux-hvc.dts"])
    assert rc == 0, out
    t = Tandem(["-initrd", bundle])
    try:
        t.expect("vm linux: started", timeout=60)
        t.expect(GUEST_PROMPT, timeout=LINUX_BOOT)
        guest(t, "insmod /lib/modules/virtio_mmio.ko")
        guest(t, "insmod /lib/modules/virtio_console.ko")
        assert guest(t, "sleep 1; ls /dev/hvc0")[-1].strip() == "/dev/hvc0"
        guest(t, "seq 1 %d >/s" % LINES)
        t.send("cat /s >/dev/hvc0\r")
        text = t.expect(GUEST_PROMPT, timeout=120)
        got = [int(l) for l in re.findall(r"^(\d+)$", text, re.M)]
        assert got == list(range(1, LINES + 1)), text[-2000:]
        t.to_shell()
        m = HVC_INFO_RE.search(t.run("vm info linux"))
        # the tty's onlcr (reset on each open of hvc0) sends each LF as CR LF
        want = len("".join("%d\r\n" % i for i in range(1, LINES + 1)))
        assert m and int(m.group(1), 0) == 0xf and int(m.group(2)) == want \
            and int(m.group(3)) == 0 and int(m.group(4)) == 0, m and m.groups()
    finally:
        t.close()
