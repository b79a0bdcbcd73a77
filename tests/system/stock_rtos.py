"""
The stock RTOS images of ../shared/guests besides the Zephyr 2.7 set
(zephyr_images.py): Apache NuttX 13 (nsh, nsh_smp) and upstream Zephyr 4.0
(READMEs there), as a user brings them. For each: how it runs natively (the
reference), what it must print, and a boot bundle holding it as a VM
(1 vCPU, 2 for SMP ones, 128 MiB, kernel-format "elf", cores of its own).
"""
import os
import subprocess

from tandem_qemu import REPO, pack_bundle

GUESTS_DIR = os.environ.get("TANDEM_GUESTS_DIR") or \
    os.path.abspath(os.path.join(REPO, "..", "shared", "guests"))
ICOUNT = ["-icount", "shift=0,align=off"]

# NuttX's own documentation starts it at EL2 (it drops itself to EL1).
NUTTX_MACHINE = ["-M", "virt,virtualization=on,gic-version=3", "-cpu", "cortex-a53", "-m", "128M"]
NSH_PROMPT = "nsh> "
# nsh command -> a line its output holds, natively and under Tandem alike.
NSH_COMMANDS = [("hello", "Hello, World!!"),
                ("uname -a", "NuttX 13.0.1-RC0"),
                ("ps", "nsh_main"),
                ("free", "Umem")]
NSH_SMP_COMMANDS = NSH_COMMANDS + [("ps", "CPU1 IDLE"),
                                   ("smp", "Thread 8 completed with result=0")]
OSTEST_END = "ostest_main: Exiting with status 0"

NUTTX = {
    "nuttx-nsh": {"file": "nuttx/nuttx-nsh.elf", "vcpus": 1, "commands": NSH_COMMANDS},
    "nuttx-nsh_smp": {"file": "nuttx/nuttx-nsh_smp.elf", "vcpus": 2,
                      "commands": NSH_SMP_COMMANDS},
}

ZEPHYR4_BANNER = "*** Booting Zephyr OS build v4.0.0 ***"
ZEPHYR4_LINES = {
    "hello_world": [ZEPHYR4_BANNER, "Hello World! qemu_cortex_a53/qemu_cortex_a53"],
    "synchronization": [ZEPHYR4_BANNER,
                        "thread_a: Hello World from cpu 0 on qemu_cortex_a53!",
                        "thread_b: Hello World from cpu 0 on qemu_cortex_a53!",
                        "thread_a: Hello World from cpu 0 on qemu_cortex_a53!"],
    "latency_measure": [ZEPHYR4_BANNER, "PROJECT EXECUTION SUCCESSFUL"],
}
ZEPHYR4 = {"zephyr4-%s-%s" % (app, kind): {"file": "zephyr-4.0/%s-%s.elf" % (app, kind),
                                           "vcpus": 1, "lines": lines}
           for app, lines in ZEPHYR4_LINES.items() for kind in ("ns", "s")}

IMAGES = dict(NUTTX, **ZEPHYR4)


def path_of(name):
    return os.path.join(GUESTS_DIR, IMAGES[name]["file"])


def native_args(name, icount=False):
    """QEMU's command line for the image on the board it was built for."""
    img = IMAGES[name]
    if name.startswith("nuttx"):
        machine = NUTTX_MACHINE
    else:
        secure = name.endswith("-s")
        machine = ["-M", "virt,gic-version=3" + (",secure=on" if secure else ""),
                   "-cpu", "cortex-a53"]
    return machine + ["-smp", str(img["vcpus"]), "-nographic", "-nic", "none"] + \
        (ICOUNT if icount else []) + ["-kernel", path_of(name)]


def vm_name(name):
    return name.replace("_", "").replace("-", "")[:20]


def make_bundle(tmp_path, name, autostart=True, core=3):
    """A boot bundle (newc cpio) with the image as one VM."""
    img = IMAGES[name]
    n = img["vcpus"]
    root = tmp_path / "bundle"
    (root / "configs").mkdir(parents=True)
    (root / "rtos").mkdir()
    dts = tmp_path / (name + ".dts")
    dts.write_text("""/dts-v1/;
/ {
	compatible = "tandem,config";
	%s {
		compatible = "tandem,vm";
		vcpus = <%d>;
		memory-size = <0x0 0x8000000>;
		kernel = "rtos/%s.elf";
		kernel-format = "elf";
		vcpu-cpus = <%s>;
		vcpu-priorities = <%s>;%s
	};
};
""" % (vm_name(name), n, name, " ".join(str(core - i) for i in range(n)),
       " ".join(["2"] * n), "\n\t\tautostart;" if autostart else ""))
    subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o",
                    str(root / "configs" / (name + ".dtb")), str(dts)], check=True)
    with open(path_of(name), "rb") as f:
        (root / "rtos" / (name + ".elf")).write_bytes(f.read())
    return pack_bundle(root, tmp_path / "bundle.cpio")
