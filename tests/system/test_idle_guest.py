"""
A guest that idles in WFI on a core of its own, its virtual timer enabled,
masked and already expired (as Zephyr's tickless idle leaves it), must not
stop the machine. Under -icount sleep=off QEMU jumps its clock to the
soonest timer whenever every CPU idles; with only that guest timer left
(QEMU keeps it at the end of time) the clock jumped there and the console
went dead. Tandem's 1 s host tick (kernel/clock_guard.c) bounds the jump.
"""
import struct
import subprocess
import time

from tandem_qemu import ICOUNT, Tandem

# The guest, a raw image loaded at 0x40100000 (A64, little endian).
IDLE_GUEST = [
    0xd5034fdf,  # msr  daifset, #0xf     interrupts masked: WFI only waits
    0xd2800000,  # mov  x0, #0
    0xd51be340,  # msr  cntv_cval_el0, x0 deadline 0: the condition is met
    0xd2800060,  # mov  x0, #3
    0xd51be320,  # msr  cntv_ctl_el0, x0  ENABLE | IMASK
    0xd503207f,  # 1: wfi
    0x17ffffff,  # b    1b
]

CONFIG = """/dts-v1/;
/ { compatible = "tandem,config";
    idler { compatible = "tandem,vm"; vcpus = <1>; memory-size = <0 0x200000>;
            kernel = "user/idle.bin"; kernel-format = "raw";
            load-address = <0 0x40100000>; vcpu-cpus = <3>; }; };
"""


def idle_bundle(tmp_path):
    root = tmp_path / "bundle"
    (root / "configs").mkdir(parents=True)
    (root / "user").mkdir()
    (root / "user" / "idle.bin").write_bytes(struct.pack("<%dI" % len(IDLE_GUEST),
                                                         *IDLE_GUEST))
    src = tmp_path / "idler.dts"
    src.write_text(CONFIG)
    subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o",
                    str(root / "configs" / "idler.dtb"), str(src)], check=True)
    out = tmp_path / "bundle.cpio"
    with open(out, "wb") as f:
        subprocess.run(["cpio", "-o", "-H", "newc", "--quiet"], cwd=root,
                       input=b"configs/idler.dtb\nuser/idle.bin\n", stdout=f, check=True)
    return str(out)


def test_console_answers_beside_a_guest_idling_on_an_expired_timer(tmp_path):
    t = Tandem(["-initrd", idle_bundle(tmp_path)] + ICOUNT)
    try:
        assert "created vm" in t.run("vm create idler")
        assert "started" in t.run("vm start idler")
        # Every CPU idles now, the guest's timer the only one it owns.
        for _ in range(3):
            time.sleep(1)
            out = t.run("vm list", timeout=20)
            assert "idler" in out and "running" in out, out
        assert "selftest: sleep ... PASS" in t.run("selftest sleep", timeout=30)
    finally:
        t.close()
