"""Boot: banner, boot log, all cores online, version and uptime."""
import re
import subprocess
import time

from tandem_qemu import (BANNER_RE, LOG_LINE_RE, REPO, VERSION_RE, parse_cpus,
                         parse_uptime)


def test_boot_banner_and_log(tandem):
    log = tandem.boot_log
    assert BANNER_RE.search(log), "no banner in:\n" + log
    assert re.search(r"cpu0 \S+: I: 4 of 4 CPUs online, boot took \d+ us \(kernel entered at uptime \d+ us\)$", log, re.M), \
        "no '4 of 4 CPUs online' line in:\n" + log
    for line in log.split("\n"):
        if line.startswith("["):
            assert LOG_LINE_RE.match(line), "malformed log line: %r" % line
            assert ": E: " not in line, "error at boot: %r" % line


def test_cpus_all_online(tandem):
    cpus = parse_cpus(tandem.lines("cpus"))
    assert sorted(cpus) == [0, 1, 2, 3]
    for n, (mpidr, state, current, idle) in cpus.items():
        assert state == "online", "cpu%d is %s" % (n, state)
        # QEMU virt numbers cores Aff0 = n; bit 31 (RES1) and U/MT may show.
        assert mpidr & 0xff00ffffff == n, "cpu%d has mpidr %#x" % (n, mpidr)
        assert 0 <= idle <= 100, "cpu%d idle %d%%" % (n, idle)
    # The shell is pinned to cpu0 and is what runs it while it prints.
    assert cpus[0][2] == "shell", "cpu0 runs %r, not the shell" % cpus[0][2]
    # Nothing else runs on the other cores: they sit in their idle threads.
    for n in (1, 2, 3):
        assert cpus[n][2] == "idle%d" % n, "cpu%d runs %r" % (n, cpus[n][2])


def test_version_matches_banner_and_git(tandem):
    out = tandem.run("version").strip()
    m = VERSION_RE.match(out)
    assert m, "bad version output: %r" % out
    version = m.group(1)
    banner = BANNER_RE.search(tandem.boot_log)
    assert banner and banner.group(1) == version, \
        "banner says %r, version says %r" % (banner and banner.group(1), version)
    git = subprocess.run(["git", "-C", REPO, "describe", "--always"],
                         capture_output=True, text=True)
    if git.returncode == 0:
        # The image is built from this tree: same commit, maybe -dirty.
        assert re.sub(r"-dirty$", "", version) == git.stdout.strip(), \
            "image reports %r but the tree is at %r (stale build?)" % (
                version, git.stdout.strip())


def test_uptime_follows_host_clock(tandem):
    before1 = time.monotonic()
    up1 = parse_uptime(tandem.run("uptime"))
    after1 = time.monotonic()
    time.sleep(0.5)
    before2 = time.monotonic()
    up2 = parse_uptime(tandem.run("uptime"))
    after2 = time.monotonic()
    assert up2 > up1, "uptime went from %f to %f" % (up1, up2)
    # Without -icount QEMU's virtual clock is the host's: the guest's delta
    # lies between what the host saw, give or take a few milliseconds.
    slack = 0.005
    assert before2 - after1 - slack <= up2 - up1 <= after2 - before1 + slack, \
        "uptime advanced %.6f s while the host saw %.6f..%.6f s" % (
            up2 - up1, before2 - after1, after2 - before1)
    # And it counts from boot: not more than since QEMU started.
    assert up1 <= after1 - tandem.spawned_at + slack, \
        "uptime %.6f s but QEMU started %.6f s ago" % (up1, after1 - tandem.spawned_at)
