"""The guest Linux's initramfs with some of its own kernel's modules added:
the build's busybox initramfs.cpio.gz followed by a second cpio holding
/lib/modules/<name>.ko, taken from the cached Debian linux-image package
(the kernel the guest boots); Linux unpacks both."""
import glob
import os
import shutil
import subprocess

from tandem_qemu import REPO


def initrd_with_modules(dest_dir, modules):
    """dest_dir/initrd.cpio.gz with the modules (paths under the package's
    lib/modules/<version>/kernel/); None when no linux-image .deb is cached."""
    debs = glob.glob(os.path.join(REPO, "build", "guests", "cache", "linux-image-*.deb"))
    if not debs:
        return None
    work = os.path.join(str(dest_dir), "mods")
    root = os.path.join(str(dest_dir), "root")
    os.makedirs(work, exist_ok=True)
    os.makedirs(os.path.join(root, "lib", "modules"), exist_ok=True)
    subprocess.run("dpkg-deb --fsys-tarfile '%s' | tar -x -C '%s' --wildcards %s"
                   % (debs[0], work, " ".join("'./lib/modules/*/kernel/%s'" % m for m in modules)),
                   shell=True, check=True)
    for m in modules:
        found = glob.glob(os.path.join(work, "lib", "modules", "*", "kernel", m))
        assert len(found) == 1, "module %s not in %s" % (m, debs[0])
        shutil.copy(found[0], os.path.join(root, "lib", "modules"))
    extra = subprocess.run("cd '%s' && find . -mindepth 1 | LC_ALL=C sort | "
                           "cpio -o -H newc -R 0:0 --quiet | gzip -n" % root,
                           shell=True, check=True, stdout=subprocess.PIPE).stdout
    base = open(os.path.join(REPO, "build", "guests", "linux", "initramfs.cpio.gz"), "rb").read()
    out = os.path.join(str(dest_dir), "initrd.cpio.gz")
    with open(out, "wb") as f:
        f.write(base + extra)
    return out
