"""
A newcomer's own VM: a config and its image in a folder outside the
repository, bundled with `make bundle CONFIG=...` (the image is found
beside the config and copied in) and booted; a config naming a file that
does not exist is refused by the build with file, node and property; and
a bundle of 18 configs (once refused: "more VMs than the 0 there is room
for") builds and boots with all 18.
"""
import os
import re
import shutil
import subprocess
import time

import pytest

from tandem_qemu import REPO, Tandem

RTOS = os.path.join(REPO, "guests", "build", "rtos.elf")

pytestmark = pytest.mark.skipif(not os.path.isfile(RTOS),
                                reason="no guests/build/rtos.elf: run `make bundle`")

# The project's RTOS guest: it prints a banner, then heartbeats forever.
MINE = """/dts-v1/;
/ { compatible = "tandem,config";
    mine { compatible = "tandem,vm"; vcpus = <1>; memory-size = <0x0 0x1000000>;
           kernel = "%s"; kernel-format = "elf"; vcpu-cpus = <3>; }; };
"""


def make_bundle(tmp_path, configs):
    """`make bundle` of the given config files into tmp_path; (rc, output, cpio)."""
    out = tmp_path / "bundle.cpio"
    r = subprocess.run(["make", "-s", "--no-print-directory", "-C", REPO, "bundle",
                        "CONFIG=" + " ".join(str(c) for c in configs),
                        "BUNDLE=%s" % out, "BUNDLE_DIR=%s" % (tmp_path / "staging")],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                       timeout=300)
    return r.returncode, r.stdout, str(out)


def test_own_image_outside_the_repository_boots(tmp_path):
    mine = tmp_path / "elsewhere"
    mine.mkdir()
    shutil.copy(RTOS, mine / "my-guest.elf")
    (mine / "mine.dts").write_text(MINE % "my-guest.elf")
    assert not str(mine).startswith(REPO)
    rc, out, bundle = make_bundle(tmp_path, [mine / "mine.dts"])
    assert rc == 0, out
    t = Tandem(["-initrd", bundle])
    try:
        configs = t.run("vm configs")
        assert re.search(r"^mine\s+1\s+16\s+files/my-guest\.elf\s", configs, re.M), configs
        assert "created vm" in t.run("vm create mine")
        assert "vm mine: started" in t.run("vm start mine")
        deadline = time.monotonic() + 30
        while True:
            log = t.run("vm log mine")
            if "rtos: MPIDR_EL1" in log and len(re.findall(r"^HEARTBEAT a \d+$", log, re.M)) >= 2:
                break
            assert time.monotonic() < deadline, "no banner and heartbeats:\n" + log
            time.sleep(0.5)
    finally:
        t.close()


def test_missing_image_is_named_by_the_build(tmp_path):
    cfg = tmp_path / "x.dts"
    cfg.write_text(MINE % "/nope/zephyr.elf")
    rc, out, _ = make_bundle(tmp_path, [cfg])
    assert rc != 0
    assert "%s: /mine: property 'kernel': '/nope/zephyr.elf' does not exist" % cfg in out, out
    cfg.write_text(MINE % "zephyr.elf")
    rc, out, _ = make_bundle(tmp_path, [cfg])
    assert rc != 0
    assert ("%s: /mine: property 'kernel': 'zephyr.elf' does not exist (no %s, and not in"
            " the boot bundle)" % (cfg, tmp_path / "zephyr.elf")) in out, out


def test_eighteen_configs_in_one_bundle(tmp_path):
    configs = []
    for i in range(18):
        cfg = tmp_path / ("vm%02d.dts" % i)
        # The build's own image name still works from a config anywhere.
        cfg.write_text(MINE.replace("mine", "vm%02d" % i) % "guests/gtest.elf")
        configs.append(cfg)
    rc, out, bundle = make_bundle(tmp_path, configs)
    assert rc == 0, out
    t = Tandem(["-initrd", bundle])
    try:
        assert "18 VM config(s) in the boot bundle" in t.boot_log
        listed = re.findall(r"^vm\d\d\s", t.run("vm configs"), re.M)
        assert len(listed) == 18, listed
        assert "created vm" in t.run("vm create vm17")
    finally:
        t.close()
