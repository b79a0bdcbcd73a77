"""
Fixtures for the system tests: Tandem booted in QEMU, driven with pexpect.

  tandem    one instance shared by the whole session, for tests that only
            read state. A test that fails leaves it in an unknown state, so
            it is killed and the next test boots a new one.
  boot      a factory, boot(extra_args=[...]) -> a new instance of its own,
            for tests that change state (fault, reboot, poweroff) or need
            other QEMU options (-icount). Killed when the test ends.

Every QEMU is killed at teardown, pass or fail. On failure the console
transcript of the test is printed, and pytest shows it with the report.
"""
import pytest

# Plain asserts in the helpers' parsers get pytest's detailed reports too.
pytest.register_assert_rewrite("tandem_qemu")

from tandem_qemu import Tandem  # noqa: E402


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    setattr(item, "rep_" + rep.when, rep)


def _failed(request):
    # No call report means setup failed before the test could run.
    rep = getattr(request.node, "rep_call", None)
    return rep is None or not rep.passed


def _dump(name, text):
    print("===== console of %s =====" % name)
    print(text.replace("\r", ""))


@pytest.fixture(scope="session")
def _shared():
    holder = {"t": None}
    yield holder
    if holder["t"]:
        holder["t"].close()


@pytest.fixture
def tandem(_shared, request):
    t = _shared["t"]
    if t is None or not t.alive():
        if t is not None:
            t.close()
        t = _shared["t"] = Tandem()
    start = len(t.transcript.getvalue())
    yield t
    if _failed(request):
        _dump("shared instance", t.transcript.getvalue()[start:])
        t.close()
        _shared["t"] = None


@pytest.fixture
def boot(request):
    started = []

    def _boot(extra_args=(), boot_timeout=None):
        kwargs = {} if boot_timeout is None else {"boot_timeout": boot_timeout}
        t = Tandem(extra_args, **kwargs)
        started.append(t)
        return t

    yield _boot
    failed = _failed(request)
    for t in started:
        if failed:
            _dump(" ".join(t.args), t.transcript.getvalue())
        t.close()
