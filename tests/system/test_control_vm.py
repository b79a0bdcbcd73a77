"""
The control channel (virt/devices/virtio_control*.c): a Linux VM whose
config gives it a `type = "control"` virtio device managing "rtos" drives
Tandem from inside with guests/linux-ctl/tandemctl over Debian's stock
virtio_console (/dev/hvc0): it lists the VMs it manages (only those), reads
the RTOS VM's console, resets it, and is refused everything else (its own
VM, the machine's poweroff, deleting); garbage and over-long lines get an
error each and the channel goes on. The RTOS VM, not a control VM, has no
such device. Each request is in Tandem's log with the control VM's name.
"""
import os
import re
import time

import pytest

from tandem_qemu import REPO, Tandem
from test_own_image import make_bundle
from test_virtio_blk import initrd_with_modules, guest, GUEST_PROMPT, LINUX_BOOT

LINUX = os.path.join(REPO, "build", "guests", "linux", "Image")

pytestmark = pytest.mark.skipif(not os.path.isfile(LINUX),
                                reason="no guest Linux: run `make bundle`")

CONTROL = """/dts-v1/;
/ { compatible = "tandem,config";
    linux { compatible = "tandem,vm"; vcpus = <1>; memory-size = <0x0 0x8000000>;
            kernel = "linux/Image"; initrd = "initrd.cpio.gz";
            bootargs = "console=ttyAMA0"; vcpu-cpus = <1>; autostart;
            virtio { ctl { type = "control"; manages = "rtos";
                           guest-reg = <0x0 0x0a000000>; interrupt = <48>; }; };
    };
    rtos { compatible = "tandem,vm"; vcpus = <1>; memory-size = <0x0 0x1000000>;
           kernel = "guests/rtos.elf"; kernel-format = "elf"; vcpu-cpus = <3>;
           vcpu-priorities = <2>; autostart; };
};
"""


def ctl(t, args, timeout=60):
    """tandemctl's output lines and its exit status."""
    lines = guest(t, "tandemctl %s; echo rc=$?" % args, timeout)
    rc = int(re.search(r"rc=(\d+)", lines[-1]).group(1))
    return lines[:-1], rc


def test_linux_manages_the_rtos(tmp_path):
    initrd_with_modules(tmp_path, ("virtio/virtio_mmio.ko", "char/virtio_console.ko"))
    (tmp_path / "control.dts").write_text(CONTROL)
    rc, out, bundle = make_bundle(tmp_path, [tmp_path / "control.dts"])
    assert rc == 0, out
    t = Tandem(["-initrd", bundle])
    try:
        t.expect("vm linux: started", timeout=60)
        t.expect(GUEST_PROMPT, timeout=LINUX_BOOT)
        guest(t, "insmod /lib/modules/virtio_mmio.ko")
        guest(t, "insmod /lib/modules/virtio_console.ko")
        guest(t, "sleep 1")

        lines, rc = ctl(t, "vm list")
        assert rc == 0, lines
        vms = [l for l in lines if l.startswith("vm ")]
        assert len(vms) == 1 and " name=rtos " in vms[0] and " state=running " in vms[0], lines

        lines, rc = ctl(t, "vm log rtos")
        assert rc == 0 and any("HEARTBEAT" in l for l in lines), lines

        lines, rc = ctl(t, "vm info rtos")
        assert rc == 0 and re.search(r"last_output_ms_ago=\d+", " ".join(lines)), lines
        before = int(re.search(r"uptime_ms=(\d+)", " ".join(lines)).group(1))

        lines, rc = ctl(t, "vm reset rtos")
        assert rc == 0, lines
        lines, rc = ctl(t, "vm info rtos")
        after = int(re.search(r"uptime_ms=(\d+)", " ".join(lines)).group(1))
        assert rc == 0 and after < before, (before, after)

        for req, why in (("vm info linux", "no such VM among those this channel manages"),
                         ("vm reset linux", "no such VM among those"),
                         ("poweroff", "not allowed on the control channel"),
                         ("vm delete rtos", "not allowed on the control channel"),
                         ("vm create rtos", "not allowed on the control channel")):
            lines, rc = ctl(t, req)
            assert rc == 1 and any(why in l for l in lines), (req, lines)

        # Garbage and an over-long line each get an error; the channel goes on.
        guest(t, "exec 3<>/dev/hvc0; stty raw -echo <&3")
        guest(t, "printf 'vm \\001list\\n%0300d\\n' 0 >&3")
        lines = guest(t, "read -r a <&3; read -r b <&3; echo \"A=$a\"; echo \"B=$b\"")
        text = "\n".join(lines)
        assert 'A=status=error msg="a byte that is not printable ASCII"' in text, text
        assert 'B=status=error msg="line longer than 256 bytes"' in text, text
        guest(t, "exec 3<&-")
        lines, rc = ctl(t, "vm list")
        assert rc == 0, lines

        t.to_shell()
        log = t.run("log")
        assert "vm linux: control: vm reset rtos" in log, log[-2000:]
        info = t.run("vm info rtos")
        assert "virtio" not in info, info	# no channel for a VM not given one
        assert re.search(r"virtio control ctl: .* (\d+) requests", t.run("vm info linux"))
    finally:
        t.close()
