"""
Bad VM configs that reach the hypervisor (the build checks them too, see
tools/vmconfig_check.c) are rejected at boot with one message naming the
file, the node and the property, and nothing else is disturbed.
"""
import subprocess

from tandem_qemu import Tandem, pack_bundle

BAD_VCPUS = """/dts-v1/;
/ { compatible = "tandem,config";
    toomany { compatible = "tandem,vm"; vcpus = <9>; memory-size = <0 0x1000000>;
              kernel = "x"; }; };
"""
NO_IMAGE = """/dts-v1/;
/ { compatible = "tandem,config";
    noimg { compatible = "tandem,vm"; vcpus = <1>; memory-size = <0 0x1000000>;
            kernel = "nope/Image"; autostart; }; };
"""
UNKNOWN_PROP = """/dts-v1/;
/ { compatible = "tandem,config";
    typo { compatible = "tandem,vm"; vcpus = <1>; memory-size = <0 0x1000000>;
           kernel = "x"; vcpu = <1>; }; };
"""


def make_bundle(tmp_path, configs):
    root = tmp_path / "bundle"
    (root / "configs").mkdir(parents=True)
    for name, dts in configs.items():
        src = tmp_path / (name + ".dts")
        src.write_text(dts)
        subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o",
                        str(root / "configs" / (name + ".dtb")), str(src)], check=True)
    return pack_bundle(root, tmp_path / "bundle.cpio")


def test_bad_configs_are_named_at_boot(tmp_path):
    bundle = make_bundle(tmp_path, {"toomany": BAD_VCPUS, "noimg": NO_IMAGE,
                                    "typo": UNKNOWN_PROP})
    t = Tandem(["-initrd", bundle])
    try:
        t.expect("configs/noimg.dtb: /noimg: property 'kernel': 'nope/Image' is not in the boot bundle",
                 timeout=30)
        log = t.run("log")
        assert "configs/toomany.dtb: /toomany: property 'vcpus': 9 exceeds the maximum of 8" in log
        assert "configs/typo.dtb: /typo: unknown property 'vcpu'" in log
        configs = t.run("vm configs")
        assert "noimg" in configs and "toomany" not in configs and "typo" not in configs
        out = t.run("vm create toomany")
        assert out.startswith("error: no VM config named 'toomany'")
        # The rejected VM left nothing behind, and the host is fine.
        assert "selftest: heap ... PASS" in t.run("selftest heap")
    finally:
        t.close()
