"""
virtio-net between two VMs through Tandem's switch (docs/vm-config.md,
"Network"): two stock Debian Linux VMs, each with its own virtio-net card
on network "lan", load Debian's virtio_mmio and virtio_net modules, take
addresses, and ping each other (20 pings, none lost); then 4 MiB of random
data goes over TCP with busybox nc and arrives with the checksum it left
with. `vm info` counts the frames on both ports; nothing was dropped as
malformed. Deleting one VM takes its port off the switch (pings from the
other go unanswered); created and started again, it is back on the
network.
"""
import os
import re
import time

import pytest

import vnet_linux as net
from tandem_qemu import Tandem
from test_own_image import make_bundle

pytestmark = pytest.mark.skipif(not os.path.isfile(net.LINUX),
                                reason="no guest Linux: run `make bundle`")
PING_RE = re.compile(r"(\d+) packets transmitted, (\d+) packets received, (\d+)% packet loss")
INFO_RE = re.compile(r"virtio net eth0: IPA (0x[0-9a-f]+), INTID (\d+), status 0xf, network 'lan' "
                     r"port (\d+), MAC ([0-9a-f:]{17}), tx (\d+) frames (\d+) bytes \((\d+) bad, 0 spoofed\), rx (\d+) frames "
                     r"(\d+) bytes \((\d+) dropped: (\d+) no buffer, (\d+) bad\)")
MIB = 4


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    """Tandem with net-a and net-b up, eth0 configured on both."""
    tmp = tmp_path_factory.mktemp("vnet")
    if not net.build_initrd(tmp):
        pytest.skip("no cached linux-image .deb: run `make bundle`")
    cfg = tmp / "vnet.dts"
    cfg.write_text(net.config())
    rc, out, bundle = make_bundle(tmp, [cfg])
    assert rc == 0, out
    t = Tandem(["-initrd", bundle])
    try:
        net.start_both(t)
        for vm in net.ADDR:
            out = net.bring_up(t, vm)
            assert not [l for l in out if "rror" in l or "No such" in l or "can't" in l], out
        yield t
    finally:
        t.close()


def info(t, vm):
    net.detach(t)
    m = INFO_RE.search(t.run("vm info %s" % vm))
    assert m, "no virtio-net line in vm info %s" % vm
    return m


def test_ping(pair):
    t = pair
    net.attach(t, "net-a")
    out = "\n".join(net.guest(t, "ping -c 20 -i 0.2 10.0.0.2", 120))
    m = PING_RE.search(out)
    assert m and m.groups() == ("20", "20", "0"), out
    a, b = info(t, "net-a"), info(t, "net-b")
    assert a.group(4) != b.group(4) and a.group(4).startswith("02:54:")
    assert (a.group(1), a.group(2)) == ("0xa000000", "48")
    assert {a.group(3), b.group(3)} == {"0", "1"}
    # 20 requests and 20 replies at least (plus ARP), none bad or dropped
    for m in (a, b):
        assert int(m.group(5)) >= 20 and int(m.group(8)) >= 20, m.group(0)
        assert m.group(7) == "0" and m.group(12) == "0", m.group(0)


def test_tcp_transfer_checksum(pair):
    t = pair
    net.attach(t, "net-b")
    net.guest(t, "nc -l -p 5000 | md5sum >/r &")
    net.attach(t, "net-a")
    net.guest(t, "dd if=/dev/urandom of=/d bs=64k count=%d" % (MIB * 16), 60)
    sent = [l.split()[0] for l in net.guest(t, "md5sum /d") if l.endswith("/d")]
    assert len(sent) == 1, sent
    t0 = time.monotonic()
    out = net.guest(t, "nc 10.0.0.2 5000 </d; echo nc-rc=$?", 120)
    assert "nc-rc=0" in out, out
    net.attach(t, "net-b")
    deadline = time.monotonic() + 60
    while True:
        got = [l.split()[0] for l in net.guest(t, "cat /r") if l.endswith("  -")]
        if got or time.monotonic() > deadline:
            break
        time.sleep(1)
    assert got == sent, (got, sent)
    print("vnet: %d MiB in %.1f s wall" % (MIB, time.monotonic() - t0))
    a = info(t, "net-a")
    assert int(a.group(6)) > MIB << 20, a.group(0)


def test_peer_deleted_and_back(pair):
    t = pair
    net.detach(t)
    t.run("vm delete net-b")
    net.attach(t, "net-a")
    out = "\n".join(net.guest(t, "ping -c 3 -W 1 10.0.0.2", 60))
    m = PING_RE.search(out)
    assert m and m.group(2) == "0", out
    net.detach(t)
    t.run("vm create net-b")
    t.run("vm start net-b")
    net.wait_log(t, "net-b", r"tandem-guest: init reached", 240)
    out = net.bring_up(t, "net-b")
    assert not [l for l in out if "rror" in l or "can't" in l], out
    assert {info(t, vm).group(3) for vm in net.ADDR} == {"0", "1"}
    net.attach(t, "net-a")
    out = "\n".join(net.guest(t, "ping -c 5 -i 0.2 10.0.0.2", 60))
    m = PING_RE.search(out)
    assert m and m.groups() == ("5", "5", "0"), out
