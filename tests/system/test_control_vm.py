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
import hashlib
import os
import re
import subprocess

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
           vcpu-priorities = <2>; autostart; image-max-size = <0x0 0x100000>; };
};
"""


def ctl(t, args, timeout=60):
    """tandemctl's output lines and its exit status."""
    lines = guest(t, "tandemctl %s; echo rc=$?" % args, timeout)
    rc = int(re.search(r"rc=(\d+)", lines[-1]).group(1))
    return lines[:-1], rc


NEW_IMAGE = os.path.join(REPO, "guests", "build", "rtos-load-only.elf")
NEW_BANNER = "rtos: load-only image"


def add_files(initrd, root, files):
    """Append a cpio of files {name: path} under /root to the initrd."""
    os.makedirs(os.path.join(root, "root"), exist_ok=True)
    for name, path in files.items():
        subprocess.run(["aarch64-linux-gnu-strip", "-o", os.path.join(root, "root", name), path],
                       check=True)
    extra = subprocess.run("cd '%s' && find root | cpio -o -H newc -R 0:0 --quiet | gzip -n" % root,
                           shell=True, check=True, stdout=subprocess.PIPE).stdout
    with open(initrd, "ab") as f:
        f.write(extra)
    return open(os.path.join(root, "root", "new.elf"), "rb").read()


def guest_more(t, cmd, timeout=60):
    """A line of a command the guest's shell continues (its "> " prompt)."""
    t.send(cmd + "\r")
    t.expect("> " if "done" not in cmd else GUEST_PROMPT, timeout=timeout)


def replace_image(t, new):
    """An interrupted or wrong transfer changes nothing; a whole one is used
    from the RTOS VM's next start. (The hex is made in the guest: typing it
    through the console would take minutes.)"""
    # Typed lines stay short: the vPL011's 64-byte FIFO drops what a fast
    # typist sends past it, as a real PL011 would.
    guest(t, "H() { hexdump -v -e '1/1 \"%02x\"' \"$@\"; }")
    guest(t, "N=$(wc -c </root/new.elf)")
    guest(t, "S=$(sha256sum /root/new.elf | cut -c1-64)")
    guest(t, "I='vm image rtos'")
    lines, rc = ctl(t, "$I begin $N $S")
    assert rc == 0, lines
    assert ctl(t, "$I data 0 $(H -n 480 /root/new.elf)")[1] == 0
    lines, rc = ctl(t, "$I commit")
    assert rc == 1 and any("the image has 480 of its %d bytes" % len(new) in l for l in lines), lines
    assert ctl(t, "vm reset rtos")[1] == 0			# the transfer stops here
    guest(t, "sleep 1")
    lines, rc = ctl(t, "vm log rtos")
    assert rc == 0 and not any(NEW_BANNER in l for l in lines), lines[-5:]
    lines, rc = ctl(t, "$I begin $N $(printf %064d 0)")
    assert rc == 0, lines
    guest(t, "{ H /root/new.elf; echo; } | fold -w 960 >/root/hex")
    guest_more(t, "o=0; while read h; do")
    guest_more(t, "tandemctl $I data $o $h")
    guest_more(t, "o=$((o + ${#h} / 2)); done </root/hex", timeout=300)
    lines, rc = ctl(t, "$I commit")
    assert rc == 1 and any("SHA-256 mismatch" in l for l in lines), lines
    lines, rc = ctl(t, "image rtos /root/new.elf", timeout=300)
    assert rc == 0 and any("used from its next start" in l for l in lines), lines
    assert ctl(t, "vm reset rtos")[1] == 0
    guest(t, "sleep 1")
    lines, rc = ctl(t, "vm log rtos")
    assert rc == 0 and any(NEW_BANNER in l for l in lines), lines[-5:]


def test_linux_manages_the_rtos(tmp_path):
    initrd_with_modules(tmp_path, ("virtio/virtio_mmio.ko", "char/virtio_console.ko"))
    new = add_files(str(tmp_path / "initrd.cpio.gz"), str(tmp_path / "files"), {"new.elf": NEW_IMAGE})
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

        replace_image(t, new)

        # Garbage and an over-long line each get an error; the channel goes on.
        guest(t, "exec 3<>/dev/hvc0; stty raw -echo <&3")
        guest(t, "printf 'vm \\001list\\n%01100d\\n' 0 >&3")
        lines = guest(t, "read -r a <&3; read -r b <&3; echo \"A=$a\"; echo \"B=$b\"")
        text = "\n".join(lines)
        assert 'A=status=error msg="a byte that is not printable ASCII"' in text, text
        assert 'B=status=error msg="line longer than 1024 bytes"' in text, text
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
