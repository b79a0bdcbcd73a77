"""
Restart policy (a VM config's on-crash and restart-limit, virt/vm_state.c):
a guest that crashes at once, again and again, is restarted by its policy
restart-limit times and then stays stopped as `failed`, with the reason in
`vm list`; the RTOS VM beside it keeps its heartbeat all along.
"""
import re
import time

from tandem_qemu import Tandem
from test_own_image import make_bundle

CONFIG = """/dts-v1/;
/ { compatible = "tandem,config";
    crasher { compatible = "tandem,vm"; vcpus = <1>; memory-size = <0x0 0x200000>;
              kernel = "crash.bin"; kernel-format = "raw"; vcpu-cpus = <2>;
              on-crash = "restart"; restart-limit = <3 60>; autostart; };
    rtos { compatible = "tandem,vm"; vcpus = <1>; memory-size = <0x0 0x1000000>;
           kernel = "guests/rtos.elf"; kernel-format = "elf"; vcpu-cpus = <3>;
           vcpu-priorities = <2>; autostart; };
};
"""


def heartbeats(t):
    return len(re.findall(r"HEARTBEAT", t.run("vm log rtos")))


def test_crash_loop_ends_failed_beside_a_live_rtos(tmp_path):
    # One instruction, UDF #0: the UNDEF goes to VBAR_EL1 = 0, outside RAM,
    # so the guest faults at its vector until Tandem calls it crashed.
    (tmp_path / "crash.bin").write_bytes(b"\x00\x00\x00\x00")
    (tmp_path / "policy.dts").write_text(CONFIG)
    rc, out, bundle = make_bundle(tmp_path, [tmp_path / "policy.dts"])
    assert rc == 0, out
    t = Tandem(["-initrd", bundle])
    try:
        for _ in range(3):
            t.expect("vm crasher: crash: restarting (restart policy)", timeout=60)
        t.expect("vm crasher: crash: 3 restarts within 60 s already: failed, stays stopped",
                 timeout=60)
        t.expect("vm crasher: stopped (failed)", timeout=30)
        listing = t.run("vm list")
        assert re.search(r"^\d+\s+crasher\s+failed\s.*same exception", listing, re.M), listing
        assert "health: 3 restarts, last run ended by crash" in t.run("vm info crasher")
        before = heartbeats(t)
        time.sleep(3)
        assert heartbeats(t) > before, "the RTOS stopped beating"
        # The operator may start it again: a fresh count.
        t.run("vm start crasher")
        t.expect("vm crasher: crash: restarting (restart policy)", timeout=60)
    finally:
        t.close()
