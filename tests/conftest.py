"""Shared fixtures: one sandbox per session, `account(scenario)` per test, no real keyring or state."""

from __future__ import annotations

import os
import time
from contextlib import contextmanager

import pytest

os.environ.setdefault("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")


def _fewer_repaints() -> None:
    """Pilot tests' apps repaint at most 10 times a second, not 60 (TEXTUAL_FPS; scripts/test unsets
    TEXTUAL_*, and pytest-textual-snapshot imports textual before this file). A screen repaints on
    a timer while it is dirty, which it is all the time workers post results; what a test reads or
    snapshots is painted on demand (pilot.pause), so the pictures are the same."""
    import textual.screen

    textual.screen.UPDATE_PERIOD = 1 / 10


_fewer_repaints()

_REAL_AWS_ENV = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN",
                 "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                 "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE",
                 "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_ENDPOINT_URL", "AWS_REGION",
                 "AWS_DEFAULT_REGION")


@pytest.fixture(autouse=True)
def _isolated_state(tmp_path, monkeypatch):
    """An in-memory keyring and a throwaway HOME/XDG/state dir for every test."""
    with isolated(monkeypatch, tmp_path):
        yield


@pytest.fixture(autouse=True)
def _org_members_in_process(monkeypatch):
    """`check --org` assesses members in this process, with threads, as it does on one core.

    On two cores it would spawn two worker processes per run, each paying Python's start-up and a
    cold botocore (1.5-3 s of CPU each), in every test that runs an org check. That the workers find
    what one process finds is tests/integration/test_org.py::test_worker_processes_find_what_one_process_finds;
    the tests about the workers themselves set ``org_workers.cores`` back (their monkeypatch comes
    after this one) or pass ``workers=``."""
    org_members_in_process(monkeypatch)


@pytest.fixture(autouse=True)
def _applies_wait_on_a_test_clock(monkeypatch):
    """An apply in the test process waits for AWS's background work (wizard.propagation: a region
    DISABLING, Security Hub standards PENDING) on a clock that only its waits move. The plain sandbox
    settles such a state on the next read, not after some time, so the real 1 s, 2 s, ... sleeps only
    kept the worker idle (1-3 s of wall in each test that fixes regions or audit logging). The
    realistic sandbox's delays are real time (``realistic_account`` puts the real clock back) unless
    the test shares one clock with them (``realism_clock``)."""
    clock = RealismClock()
    monkeypatch.setattr("wizard.propagation.SLEEP", clock.sleep)
    monkeypatch.setattr("wizard.propagation.CLOCK", clock)


@pytest.fixture(autouse=True)
def _credential_report_polled_at_once(monkeypatch):
    """The plain sandbox (moto) answers GenerateCredentialReport "STARTED" the first time after each
    reset and "COMPLETE" from the next request on, so the 0.5 s the collect waits between its polls
    (steps/shared_reads.py) only idled the worker, once in every test that reads the report after a
    reset (the root, groups and keys steps: every full check and TUI assessment). Polled again at
    once here: the same requests and answers (the realistic sandbox too: it reuses a recent report,
    wizard/sandbox/realism/iam.py, but builds none more slowly)."""
    from wizard.aws import AWS

    polled = AWS._poll

    def at_once(self, until, attempts, delay, *args, **kwargs):
        return polled(self, until, attempts, 0.0, *args, **kwargs)

    monkeypatch.setattr(AWS, "_poll", at_once)


def org_members_in_process(monkeypatch) -> None:
    """(Also for a module-scoped fixture, with its own ``pytest.MonkeyPatch``.)"""
    from wizard import org_workers

    monkeypatch.setattr(org_workers, "cores", lambda: 1)


_CACHE_DIR: list[str] = []


def _test_cache_dir() -> str:
    if not _CACHE_DIR:
        import atexit
        import shutil
        import tempfile

        _CACHE_DIR.append(tempfile.mkdtemp(prefix="aws-essentials-test-cache-"))
        atexit.register(shutil.rmtree, _CACHE_DIR[0], True)
    return _CACHE_DIR[0]


@contextmanager
def isolated(monkeypatch, tmp_path):
    """An in-memory keyring and a throwaway HOME/XDG/state dir under ``tmp_path``, no real AWS variable
    (also for a module-scoped fixture, with its own ``pytest.MonkeyPatch``)."""
    import keyring

    from wizard.sandbox.keyring_memory import MemoryKeyring

    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / ".local" / "state"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("AWS_ESSENTIALS_STATE_DIR", str(tmp_path / "state"))
    # One cache folder per test process: what is cached (trimmed botocore models) is the same for
    # every test, and a fresh HOME per test would make each `check` subprocess trim them again.
    monkeypatch.setenv("AWS_ESSENTIALS_CACHE_DIR", _test_cache_dir())
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    for name in _REAL_AWS_ENV:
        monkeypatch.delenv(name, raising=False)
    # never read the developer's real ~/.aws files
    monkeypatch.setenv("AWS_CONFIG_FILE", str(home / ".aws" / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(home / ".aws" / "credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    try:
        yield
    finally:
        keyring.set_keyring(previous)


# End-to-end tests: they drive the installed program (tmux, subprocesses) or every step at once.
# They run in `scripts/test` and CI like any other; `-m "not slow"` leaves them out of a quick local
# run (docs/testing.md). Marked here, by file, so the list is in one place.
SLOW_FILES = (
    "tests/e2e/",
    "tests/snapshots/",
    "tests/reliability/test_permissions.py",
    "tests/reliability/test_interrupt.py",
)


# The files that take longest, longest first. scripts/test hands whole files to its two workers in
# collection order (`--dist loadfile --no-loadscope-reorder`), so these start first and the many
# short files fill in behind them: a long file handed out last would keep one worker busy alone
# at the end. Ranked by the wall time they hold a worker (their CPU and their
# waits on real time: tmux, killed processes, sandbox processes), from the measured run of
# 2026-11-30 07:00 in docs/testing.md. A file not listed runs after these.
LONGEST_FIRST = (
    "tests/wizard/test_app_walk.py",  # one test: started first, or it ends alone
    "tests/catalogue/test_catalogue.py",
    "tests/integration/test_realistic_fix.py",
    "tests/reliability/test_permissions.py",
    "tests/wizard/test_app.py",
    "tests/wizard/test_consent.py",
    "tests/reliability/test_interrupt.py",  # waits on the processes it kills
    "tests/snapshots/test_snapshots.py",
    "tests/wizard/test_demo_home.py",
    "tests/wizard/test_step_switch.py",
    "tests/e2e/test_tmux_demo.py",  # little CPU of its own: it waits on the demo it runs in tmux
    "tests/integration/test_call_budget.py",
    "tests/integration/test_outage_risky_plan.py",
    "tests/integration/test_audit_logging.py",
    "tests/reliability/test_bad_input.py",
    "tests/integration/test_s3.py",
    "tests/integration/test_vpc.py",
    "tests/cli/test_org_cli.py",
    "tests/cli/test_undo_restores.py",
    "tests/integration/test_realism_org.py",  # the realistic sandbox's delays are real time
    "tests/cli/test_check.py",  # waits on a sandbox process
    "tests/cli/test_fix_history_undo.py",
)


def pytest_runtest_setup(item):
    _few_open_descriptors()


def _few_open_descriptors(most: int = 800) -> None:
    """A worker runs hundreds of tests in one process, and a finished test's AWS clients keep their
    sockets to the in-process sandbox (both ends open here) until the garbage collector frees them,
    which full collections now do rarely (wizard/process_memory.py): after `test_realistic_fix.py`
    a worker held ~2,500 descriptors. Past 1,024, prompt_toolkit's select() fails ("filedescriptor
    out of range in select()": six plain-mode tests of a `-n 3` run). Collected before a test that
    would start with more than ``most`` open (listing them: well under a millisecond); a collection
    brought ~2,500 down to ~900, and what stays open is live, so the bar is well above that floor
    (a full collection each test would cost more than the leak)."""
    import gc

    try:
        count = len(os.listdir("/proc/self/fd"))
    except OSError:  # not Linux
        return
    if count > most:
        gc.collect()


def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.nodeid.startswith(SLOW_FILES):
            item.add_marker(pytest.mark.slow)
    rank = {name: index for index, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::")[0], len(rank)))  # stable: order within a file kept


@pytest.fixture(scope="session")
def sandbox():
    """One sandbox per test process. It seeds each scenario once, then restores the scenario's
    snapshot (wizard/sandbox/snapshot.py); SANDBOX_SNAPSHOTS=0 seeds every time, as before."""
    from wizard.sandbox import Sandbox

    sb = Sandbox(scenario="empty", port=0, snapshots=os.environ.get("SANDBOX_SNAPSHOTS", "1") != "0").start()
    yield sb
    sb.stop()


def _use_scenario(sandbox, monkeypatch, scenario: str):
    """Reset the session sandbox to ``scenario`` (a restore, unless nothing changed since the
    last one) with no faults or latency; point AWS_* at it."""
    sandbox.set_faults(rate=0.0)
    sandbox.set_latency(0)
    sandbox.reset(scenario)
    for name, value in sandbox.env().items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    return sandbox


@pytest.fixture
def account(sandbox, monkeypatch):
    """`sb = account("insecure")`: reset the session sandbox to a scenario, no faults or latency,
    and point the AWS_* environment at it."""

    def use(scenario: str = "insecure"):
        return _use_scenario(sandbox, monkeypatch, scenario)

    yield use
    sandbox.set_faults(rate=0.0)
    sandbox.set_latency(0)


@pytest.fixture
def realistic_account(sandbox, monkeypatch):
    """`sb = realistic_account("insecure", delay_s=0.5)`: the session sandbox made realistic
    (wizard.sandbox.realism) and reset to a scenario; realism is turned off again afterwards."""
    from wizard.sandbox.realism import Realism

    def use(scenario: str = "insecure", delay_s: float = 0.5):
        sandbox.set_realism(Realism(delay_s=delay_s), reset=False)  # fresh realism state
        # its delays pass in real time: the apply waits them out in real time too
        monkeypatch.setattr("wizard.propagation.SLEEP", time.sleep)
        monkeypatch.setattr("wizard.propagation.CLOCK", time.monotonic)
        return _use_scenario(sandbox, monkeypatch, scenario)

    yield use
    sandbox.set_realism(None, reset=False)
    sandbox.set_faults(rate=0.0)


class RealismClock:
    """One clock for the realism rules and the apply's waits: time passes only while the apply
    waits, so a propagation delay is met (and outlived) the same way on any machine, at once."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def realism_clock(sandbox, monkeypatch):
    """`clock = realism_clock()` after `realistic_account(...)`: the rules and wizard.propagation share it."""

    def install() -> RealismClock:
        clock = RealismClock()
        sandbox.realism_state.clock = clock
        monkeypatch.setattr("wizard.propagation.SLEEP", clock.sleep)
        monkeypatch.setattr("wizard.propagation.CLOCK", clock)
        return clock

    return install
