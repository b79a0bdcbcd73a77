"""
Freed memory never reaches the next VM (issue 23, issue 24 item 9): a VM
(guests/gscrub, role fill) marks all its RAM and a shared region, powers
off and is deleted; a second VM on the same host pages (memory-phys) and
a new region of the same name must find none of the marks and nothing
else non-zero, read with its MMU off (uncached: what is at the point of
coherency) and with caches on. Twice: started at once, when the start
itself zeroes the pages the allocator knows as dirty, and after the
background scrubber has cleaned everything, when the start zeroes nothing.
And the scrubber leaves a core as soon as a VM pins an RTOS vCPU there.
"""
import os
import re
import time

import pytest

from tandem_qemu import REPO, Tandem, guest_bundle

GSCRUB = os.path.join(REPO, "guests", "build", "gscrub.elf")
pytestmark = pytest.mark.skipif(not os.path.isfile(GSCRUB),
                                reason="no guests/build/gscrub.elf: run `make -C guests`")
FILLED = re.compile(r"gscrub: filled (\d+) words")
SCANNED = re.compile(r"gscrub: uncached marks (\d+) nonzero (\d+), cached marks (\d+) "
                     r"nonzero (\d+), shm marks (\d+) nonzero (\d+)")
BACKLOG = re.compile(r"scrub: (\d+) free pages not yet zero")
PA = re.compile(r"-> PA (0x[0-9a-f]+)")


def bundle_with_gscrub(tmp_path):
    return guest_bundle(tmp_path, "gscrub", "gscrub")


def wait_for(t, cmd, pattern, timeout):
    deadline = time.monotonic() + timeout
    while True:
        out = t.run(cmd)
        m = pattern.search(out)
        if m or time.monotonic() > deadline:
            assert m, "no %r in `%s`:\n%s" % (pattern.pattern, cmd, out)
            return m
        time.sleep(1)


def run_role(t, role, pattern):
    """Start the VM, type its role on its console, return its last line's match."""
    t.run("vm start scrub")
    t.send("vm console scrub\r")
    t.expect("attached to VM 'scrub'")
    t.send(role)
    t.expect(pattern, timeout=60, exact=False)
    m = t.child.match
    t.to_shell()
    wait_for(t, "vm info scrub", re.compile(r"\(stopped\)"), 30)
    return m


def fill_then_scan(t, wait_scrubbed):
    t.run("vm create scrub")
    fill_pa = PA.search(t.run("vm info scrub")).group(1)
    assert int(run_role(t, "f", FILLED).group(1)) > 1000000
    t.run("vm delete scrub")
    if wait_scrubbed:
        wait_for(t, "mem", re.compile(r"scrub: 0 free pages"), 120)
    else:
        # The pages are still dirty: this start has to zero them itself.
        assert int(BACKLOG.search(t.run("mem")).group(1)) >= 4096
    t.run("vm create scrub")
    assert PA.search(t.run("vm info scrub")).group(1) == fill_pa
    counts = [int(x) for x in run_role(t, "s", SCANNED).groups()]
    assert counts == [0] * 6, "marks and non-zero words found: %r" % counts
    t.run("vm delete scrub")


def test_freed_memory_reaches_no_vm(tmp_path):
    t = Tandem(["-initrd", bundle_with_gscrub(tmp_path), "-nic", "none"])
    try:
        fill_then_scan(t, wait_scrubbed=False)
        fill_then_scan(t, wait_scrubbed=True)
    finally:
        t.close()


def scrubber_core(t):
    m = re.search(r"^scrubber\s+(\d+)\s+31\s", t.run("threads"), re.M)
    assert m, "no scrubber thread"
    return int(m.group(1))


def test_scrubber_keeps_off_rtos_cores(tmp_path):
    t = Tandem(["-initrd", bundle_with_gscrub(tmp_path), "-nic", "none"])
    try:
        assert scrubber_core(t) == 0
        t.run("vm create scrub-rt")          # an RTOS vCPU pinned to core 0
        deadline = time.monotonic() + 30
        while scrubber_core(t) == 0 and time.monotonic() < deadline:
            time.sleep(0.5)
        assert scrubber_core(t) == 1
        t.run("vm delete scrub-rt")
    finally:
        t.close()
