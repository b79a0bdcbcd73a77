"""
The stock Zephyr images of ../shared/guests/zephyr (README there), as a
user brings them: what each must print, how to run it natively, and a boot
bundle that holds one of them as a VM (1 vCPU, 2 for the smp ones, 128 MiB,
kernel-format "elf", a core of its own).
"""
import os
import subprocess

from tandem_qemu import REPO, pack_bundle

# ../shared beside the clone, as on CI; TANDEM_ZEPHYR_DIR points elsewhere.
ZEPHYR_DIR = os.environ.get("TANDEM_ZEPHYR_DIR") or \
    os.path.abspath(os.path.join(REPO, "..", "shared", "guests", "zephyr"))

SUCCESS = ["PROJECT EXECUTION SUCCESSFUL"]
# application -> lines it prints, in order (a prefix of each line is enough).
EXPECTED = {
    "hello_world": ["Hello world, It is a qemu_cortex_a53 board."],
    "synchronization": ["thread_a: Hello World from cpu 0 on qemu_cortex_a53!",
                        "thread_b: Hello World from cpu 0 on qemu_cortex_a53!",
                        "thread_a: Hello World from cpu 0 on qemu_cortex_a53!"],
    "smp_sync": ["thread_a: Hello World from cpu 0 on qemu_cortex_a53!",
                 "thread_b: Hello World from cpu 1 on qemu_cortex_a53!",
                 "thread_a: Hello World from cpu 0 on qemu_cortex_a53!"],
    "philosophers": ["Philosopher 5", "EATING"],
    "shell_module": [],                 # a prompt and an answer: see the test
    "latency_measure": ["Timing results: Clock frequency: 62 MHz"] + SUCCESS,
    "timer_api": ["Running test suite timer_api"] + SUCCESS,
    "kernel_common": ["Running test suite common"] + SUCCESS,
    "smp_test": ["Running test suite smp"] + SUCCESS,
}
# ztest suites take this long natively (timer_api about 40 s); each image
# prints a line at least every few seconds while it makes progress.
RUN_TIMEOUT = 180
IDLE_TIMEOUT = 20

# timer_api checks its timers against the clock to 1 ms: without icount a
# loaded host makes it fail natively too (its periodicity test). With guest
# time following guest instructions it is deterministic both ways. The
# others are run without icount: kernel_common and smp_test fail natively
# under it (they busy-wait on the counter). sleep stays on: see
# docs/icount.md, sleep=off freezes QEMU beside an idle Zephyr.
ICOUNT_APPS = {"timer_api"}


def timing_args(image):
    return ["-icount", "shift=0,align=off"] if app_of(image) in ICOUNT_APPS else []


IMAGES = ["%s-%s" % (app, kind) for app in EXPECTED for kind in ("ns", "s")]


def app_of(image):
    return image.rsplit("-", 1)[0]


def vcpus_of(image):
    return 2 if image.startswith("smp_") else 1


def path_of(image):
    return os.path.join(ZEPHYR_DIR, image + ".elf")


def native_args(image):
    """QEMU's command line for the image on the board it was built for."""
    machine = "virt,gic-version=3" + (",secure=on" if image.endswith("-s") else "")
    smp = ["-smp", str(vcpus_of(image))]
    return ["-M", machine, "-cpu", "cortex-a53"] + smp + \
        ["-nographic", "-nic", "none"] + timing_args(image) + ["-kernel", path_of(image)]


def vm_name(image):
    return "z" + image.replace("_", "").replace("-", "")[:20]


def config_dts(image, core=3, autostart=False):
    n = vcpus_of(image)
    cores = " ".join(str(core - i) for i in range(n))
    return """/dts-v1/;
/ {
	compatible = "tandem,config";
	%s {
		compatible = "tandem,vm";
		vcpus = <%d>;
		memory-size = <0x0 0x8000000>;
		kernel = "zephyr/%s.elf";
		kernel-format = "elf";
		vcpu-cpus = <%s>;
		vcpu-priorities = <%s>;%s
	};
};
""" % (vm_name(image), n, image, cores, " ".join(["2"] * n),
       "\n\t\tautostart;" if autostart else "")


def make_bundle(tmp_path, images, extra_files=None, autostart=False):
    """A boot bundle (newc cpio) with one VM config per image."""
    root = tmp_path / "bundle"
    (root / "configs").mkdir(parents=True)
    (root / "zephyr").mkdir()
    for image in images:
        src = tmp_path / (image + ".dts")
        src.write_text(config_dts(image, autostart=autostart))
        subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o",
                        str(root / "configs" / (image + ".dtb")), str(src)], check=True)
        with open(path_of(image), "rb") as f:
            (root / "zephyr" / (image + ".elf")).write_bytes(f.read())
    for rel, data in (extra_files or {}).items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
    return pack_bundle(root, tmp_path / "bundle.cpio")
