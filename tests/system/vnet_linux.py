"""
Two stock Debian Linux VMs on one Tandem network (docs/vm-config.md,
"Network"), for tests/system/test_vnet.py and bench/vnet.py: the bundle,
an initrd that adds Debian's own virtio_mmio and virtio_net modules (and
the failover modules virtio_net needs) to the build's busybox initramfs,
and the guest-side steps: load the drivers, give eth0 an address.
"""
import os
import re
import time

from linux_initrd import initrd_with_modules
from tandem_qemu import REPO

LINUX = os.path.join(REPO, "build", "guests", "linux", "Image")
GUEST_PROMPT = "guest# "
# Paths under lib/modules/<version>/kernel/ of Debian's linux-image package,
# in the order they must be loaded.
MODULES = ("net/core/failover.ko", "drivers/net/net_failover.ko",
           "drivers/net/virtio_net.ko", "drivers/virtio/virtio_mmio.ko")
ADDR = {"net-a": "10.0.0.1", "net-b": "10.0.0.2"}

VM = """	%(name)s {
		compatible = "tandem,vm";
		vcpus = <1>;
		memory-size = <0x0 0x8000000>;
		kernel = "linux/Image";
		initrd = "initrd.cpio.gz";
		bootargs = "console=ttyAMA0 quiet";
		vcpu-cpus = <%(cpu)d>;
		%(net)s	};
"""


CARD = """		virtio {
			eth0 {
				type = "net";
				guest-reg = <0x0 0x0a000000>;
				interrupt = <48>;
				network = "lan";
			};
		};
"""


def config(net=CARD):
    """Two 1-vCPU, 128 MiB Linux VMs on cores 1 and 2, on network "lan"."""
    vms = "".join(VM % {"name": n, "cpu": c, "net": net}
                  for n, c in (("net-a", 1), ("net-b", 2)))
    return "/dts-v1/;\n/ {\n\tcompatible = \"tandem,config\";\n%s};\n" % vms


def build_initrd(dest_dir):
    """dest_dir/initrd.cpio.gz: the build's initramfs plus /lib/modules/*.ko."""
    return initrd_with_modules(dest_dir, MODULES)


def clean(out):
    return re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", out).replace("\r", "")


def guest(t, cmd, timeout=60):
    """Run cmd in the attached guest's shell; its output lines."""
    t.send(cmd + "\r")
    out = clean(t.expect(GUEST_PROMPT, timeout=timeout))
    return [l for l in out.split("\n") if l.strip()][1:]


def attach(t, vm):
    """Console to vm's shell (from the Tandem shell or another VM's),
    synchronised on a fresh prompt."""
    detach(t)
    t.run("vm console %s" % vm)
    t.vnet_attached = True
    t.send("echo at-$((40+2))\r")
    t.expect("at-42")
    t.expect(GUEST_PROMPT)


def detach(t):
    """Back to the Tandem shell if a VM's console is attached."""
    if getattr(t, "vnet_attached", False):
        t.to_shell()
        t.vnet_attached = False


def start_both(t):
    """Create and start net-a and net-b; wait for both shells."""
    for vm in ADDR:
        t.run("vm create %s" % vm)
    for vm in ADDR:
        t.run("vm start %s" % vm)
    for vm in ADDR:
        wait_log(t, vm, r"tandem-guest: init reached", 240)


def wait_log(t, vm, pattern, timeout):
    deadline = time.monotonic() + timeout
    while True:
        log = t.run("vm log %s" % vm)
        if re.search(pattern, log, re.M):
            return log
        assert time.monotonic() < deadline, "no %r in the log of %s:\n%s" % (pattern, vm, log[-3000:])
        time.sleep(1)


def bring_up(t, vm):
    """Load the drivers in vm and give its eth0 its address; the lines."""
    attach(t, vm)
    out = []
    for m in MODULES:
        out += guest(t, "insmod /lib/modules/%s" % os.path.basename(m))
    # short lines: busybox's editor stalls on one wider than the terminal
    out += guest(t, "ip addr add %s/24 dev eth0" % ADDR[vm])
    out += guest(t, "ip link set eth0 up")
    out += guest(t, "ip link set lo up")
    return out
