"""
A boot bundle made of VM config sources from configs/ (or written by the
test) and the guest images they name: the Linux guest, the RTOS test
guest and one stock Zephyr image, as `make bundle` would pack them. For
the tests that boot a board or CPU other than the default.
"""
import os
import shutil
import subprocess

from tandem_qemu import REPO, pack_bundle

LINUX_DIR = os.path.join(REPO, "build", "guests", "linux")
RTOS_ELF = os.path.join(REPO, "guests", "build", "rtos.elf")
# ../shared beside the clone, as on CI; TANDEM_ZEPHYR_DIR points elsewhere.
ZEPHYR_DIR = os.environ.get("TANDEM_ZEPHYR_DIR") or \
    os.path.abspath(os.path.join(REPO, "..", "shared", "guests", "zephyr"))
ZEPHYR_SYNC = os.path.join(ZEPHYR_DIR, "synchronization-ns.elf")

# bundle name -> file on the host, for every image a config here may name.
IMAGES = {
    "linux/Image": os.path.join(LINUX_DIR, "Image"),
    "linux/initramfs.cpio.gz": os.path.join(LINUX_DIR, "initramfs.cpio.gz"),
    "guests/rtos.elf": RTOS_ELF,
    "zephyr/synchronization-ns.elf": ZEPHYR_SYNC,
}


def missing(*names):
    """Why the images are not there (a skip reason), or None."""
    gone = [IMAGES[n] for n in names if not os.path.isfile(IMAGES[n])]
    return "missing %s (run `make bundle`)" % ", ".join(gone) if gone else None


def make(tmp_path, configs, images):
    """configs: {name: path of a .dts, or its text}; images: bundle names
    from IMAGES. Returns the cpio's path."""
    root = tmp_path / "bundle"
    (root / "configs").mkdir(parents=True)
    for name, src in configs.items():
        if "\n" in src:
            path = tmp_path / (name + ".dts")
            path.write_text(src)
            src = str(path)
        subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o",
                        str(root / "configs" / (name + ".dtb")), src], check=True)
    for name in images:
        dest = root / name
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(IMAGES[name], dest)
    return pack_bundle(root, tmp_path / "bundle.cpio")


def config_path(*parts):
    return os.path.join(REPO, "configs", *parts)
