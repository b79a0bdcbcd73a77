"""
A looping guest must not take the host down (guests/gloop does what the
stock Zephyr images did): its flood of warnings is rate-limited per VM and
reason, with the suppressed count in `vm info`; the exception it takes at
its own vector for ever stops it, and the VM is `crashed`, with the reason
in `vm list`, `vm info` and `vm log`; the shell stays usable throughout.
"""
import os
import re
import subprocess

import pytest

from tandem_qemu import LOG_LINE_RE, REPO, Tandem, pack_bundle

GLOOP = os.path.join(REPO, "guests", "build", "gloop.elf")
pytestmark = pytest.mark.skipif(not os.path.isfile(GLOOP),
                                reason="no guests/build/gloop.elf: run `make -C guests`")

BURST = 10      # virt/vcpu.c WARN_BURST


def bundle_with_gloop(tmp_path):
    root = tmp_path / "bundle"
    (root / "configs").mkdir(parents=True)
    (root / "guests").mkdir()
    subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o", str(root / "configs" / "gloop.dtb"),
                    os.path.join(REPO, "configs", "gloop.dts")], check=True)
    (root / "guests" / "gloop.elf").write_bytes(open(GLOOP, "rb").read())
    return pack_bundle(root, tmp_path / "bundle.cpio")


def test_looping_guest_is_stopped_and_its_warnings_bounded(tmp_path):
    t = Tandem(["-initrd", bundle_with_gloop(tmp_path), "-nic", "none"])
    try:
        t.run("vm create gloop")
        start = len(t.transcript.getvalue())
        t.send("vm start gloop\r")
        t.expect("vm gloop: crashed: vcpu0 took the same exception", timeout=60)
        t.expect("vm gloop: stopped", timeout=30)
        t.send("\r")
        t.expect("tandem> ")
        seen = t.transcript.getvalue()[start:].replace("\r", "")
        aborts = [l for l in seen.split("\n") if "abort injected" in l and LOG_LINE_RE.match(l)]
        # 200 data aborts and the prefetch-abort loop: a burst of each at most,
        # plus one a second (the whole run takes a few seconds).
        assert 0 < len(aborts) <= 2 * BURST + 6, "%d warning lines:\n%s" % (len(aborts),
                                                                          "\n".join(aborts))
        # The load made after a quiet 1.2 s passes, and counts the held-back ones.
        late = [l for l in aborts if "IPA 0xa100004" in l]
        assert len(late) == 1 and late[0].endswith("abort injected (%d suppressed)" % (200 - BURST)), late

        listing = t.run("vm list")
        assert re.search(r"^\d+\s+gloop\s+crashed\s.*took the same exception", listing, re.M), listing
        info = t.run("vm info gloop")
        assert re.search(r"^  crashed: vcpu0 took the same exception \(ESR 0x[0-9a-f]+\) at its vector 0x200",
                         info, re.M), info
        m = re.search(r"warnings suppressed: data-abort=(\d+) prefetch-abort=(\d+) undef=(\d+)", info)
        assert m, info
        assert int(m.group(1)) >= 200 - BURST - 10, info
        log = t.run("vm log gloop")
        assert "gloop: 200 of 200 aborts handled" in log, log
        assert "[tandem: VM crashed: vcpu0 took the same exception" in log, log
        assert "still here" not in log
        # The host is fine, and the VM can be started again (and crashes again).
        assert "selftest: heap ... PASS" in t.run("selftest heap")
        t.send("vm start gloop\r")
        t.expect("vm gloop: crashed:", timeout=60)
    finally:
        t.close()
