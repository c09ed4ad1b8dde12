"""How `check --org` shares member accounts out between its worker processes (wizard/org_workers.py).

The workers here are threads running the worker's real side of the exchange (``_serve``) over real
pipes, with the assessment of an account replaced: the sharing is what is tested, not the AWS work
(tests/integration/test_org.py runs real worker processes against the sandbox).
"""

from __future__ import annotations

import os
import sys
import tempfile
import threading

import pytest

from wizard import org_workers, worker_process
from wizard.aws import Target
from wizard.org import AccountRun, Member
from wizard.org_workers import Job, WorkerStats

JOB = Job(Target(), "111111111111", None, "OrganizationAccountAccessRole", ("contacts",))
MEMBERS = [Member(f"{n:012d}") for n in range(1, 13)]


class ThreadWorker:
    """A worker process's interface (pipes, poll, wait, kill, stderr) around ``_serve`` in a thread. With
    ``dies_after``, it reads its job and that many members, then fails (and sets ``died``)."""

    def __init__(self, name: str, dies_after: int | None = None, died: threading.Event | None = None) -> None:
        worker_reads, parent_writes = os.pipe()
        parent_reads, worker_writes = os.pipe()
        self.stdin = os.fdopen(parent_writes, "wb")
        self.stdout = os.fdopen(parent_reads, "rb")
        self.stderr = tempfile.TemporaryFile()
        self.returncode: int | None = None
        self.dies_after, self.died = dies_after, died
        requests, answers = os.fdopen(worker_reads, "rb"), os.fdopen(worker_writes, "wb")
        self.thread = threading.Thread(target=self._run, args=(requests, answers), name=name, daemon=True)
        self.thread.start()

    def _run(self, requests, answers) -> None:
        try:
            if self.dies_after is not None:
                import pickle

                pickle.load(requests)
                for _ in range(self.dies_after):
                    pickle.load(requests)
                self.stderr.write(b"Traceback (most recent call last):\nMemoryError: out of memory\n")
                self.returncode = 1
            else:
                self.returncode = org_workers._serve(requests, answers)
        finally:
            requests.close()
            answers.close()
            if self.died:
                self.died.set()

    def poll(self):
        return None if self.thread.is_alive() else self.returncode

    def wait(self):
        self.thread.join(10)
        return self.returncode

    def kill(self) -> None:
        self.stdin.close()


class Started:
    """``Workers`` as ``_run_jobs`` uses it."""

    def __init__(self, *workers: ThreadWorker) -> None:
        self.processes = list(workers)

    def take(self, count: int) -> list[ThreadWorker]:
        return self.processes[:count]

    def stop(self) -> None:
        org_workers._stop(self.processes)


class Assessed:
    """Each worker's assessment stand-in and what it did: the accounts each worker assessed. Worker "slow"
    takes as many accounts as it has slots, then holds them until "fast" has run out of accounts; "fast"
    starts only once ``held`` is set (by "slow", or by a worker that died), then answers at once."""

    def __init__(self) -> None:
        self.by_worker: dict[str, list[str]] = {"slow": [], "fast": []}
        self.held = threading.Event()
        self.fast_done = threading.Event()

    def assess_job(self, job, take, send):
        me = threading.current_thread().name
        if me == "slow":
            holding = [take() for _ in range(org_workers.ACCOUNTS_AT_ONCE)]
            self.held.set()
            assert self.fast_done.wait(10)
            for member in holding:
                self.by_worker[me].append(member.id)
                send(AccountRun(member, result=f"findings of {member.id}"))
        else:
            assert self.held.wait(10)
        while (member := take()) is not None:
            self.by_worker[me].append(member.id)
            send(AccountRun(member, result=f"findings of {member.id}"))
        if me == "fast":
            self.fast_done.set()
        return WorkerStats(accounts={me})


@pytest.fixture
def assessed(monkeypatch) -> Assessed:
    stand_in = Assessed()
    monkeypatch.setattr(org_workers, "_assess_job", stand_in.assess_job)
    return stand_in


def test_a_worker_that_frees_up_takes_the_next_account(assessed):
    """Accounts go to whichever worker has room, not in fixed halves: while one worker is held up on its
    first accounts, the other assesses all the rest. (A fixed split gave each 6 of the 12.)"""
    results = org_workers._run_jobs(JOB, MEMBERS, Started(ThreadWorker("slow"), ThreadWorker("fast")), 2)

    runs = {run.member.id: run for runs, _ in results for run in runs}
    assert sorted(runs) == [m.id for m in MEMBERS]  # each account once
    assert all(run.result == f"findings of {run.member.id}" and not run.error for run in runs.values())
    # the slow worker was sent only what fills its slots at the start; the fast one took everything else
    assert len(assessed.by_worker["slow"]) == org_workers.ACCOUNTS_AT_ONCE
    assert len(assessed.by_worker["fast"]) == len(MEMBERS) - org_workers.ACCOUNTS_AT_ONCE
    assert {account for _, stats in results for account in stats.accounts} == {"slow", "fast"}


def test_a_failed_worker_fails_only_its_accounts_in_hand_and_the_other_takes_the_rest(assessed):
    dying = ThreadWorker("dying", dies_after=org_workers.ACCOUNTS_AT_ONCE, died=assessed.held)
    results = org_workers._run_jobs(JOB, MEMBERS, Started(dying, ThreadWorker("fast")), 2)

    runs = {run.member.id: run for runs, _ in results for run in runs}
    assert sorted(runs) == [m.id for m in MEMBERS]
    failed = {account for account, run in runs.items() if run.error}
    assert len(failed) == org_workers.ACCOUNTS_AT_ONCE  # those it held; none waits for it
    assert all(runs[a].error == "the worker process assessing it failed: MemoryError: out of memory" for a in failed)
    assert set(assessed.by_worker["fast"]) == set(runs) - failed


def test_accounts_left_when_every_worker_failed_are_reported_not_lost(assessed):
    results = org_workers._run_jobs(JOB, MEMBERS, Started(ThreadWorker("a", dies_after=1),
                                                         ThreadWorker("b", dies_after=0)), 2)

    runs = [run for runs, _ in results for run in runs]
    assert sorted(run.member.id for run in runs) == [m.id for m in MEMBERS]
    assert all(run.error for run in runs) and not any(run.result for run in runs)


def test_workers_started_ahead_are_stopped_when_the_run_fails_before_using_them(monkeypatch):
    """`check --org` starts its workers before the management account is identified; a run that stops
    there (wrong account, no organization) must not leave them behind."""
    monkeypatch.setattr(org_workers, "cores", lambda: 2)
    # a stand-in that, like a worker, waits for a job on stdin
    monkeypatch.setattr(worker_process, "worker_command",
                        lambda module: [sys.executable, "-S", "-c", "import sys; sys.stdin.buffer.read()"])
    with pytest.raises(RuntimeError), org_workers.start_workers() as workers:
        assert len(workers.processes) == 2 and all(p.poll() is None for p in workers.processes)
        raise RuntimeError("could not read the organization")
    assert all(p.returncode is not None for p in workers.processes)

    with org_workers.start_workers() as workers:  # fewer needed than started: the spare is stopped
        kept = workers.take(1)
        assert kept == workers.processes[:1] and workers.processes[1].returncode is not None
        assert kept[0].poll() is None


def test_a_worker_warms_up_before_its_job_without_credentials_or_requests(monkeypatch):
    """A worker started ahead loads models and builds client classes while it waits for its job: it has
    no credentials yet, so nothing may look for any (the instance metadata service, a profile) or send
    anything."""
    import botocore.credentials
    import botocore.endpoint

    def refused(*args, **kwargs):
        raise AssertionError("the warm-up looked for credentials or sent a request")

    monkeypatch.setattr(botocore.credentials, "create_credential_resolver", refused)
    monkeypatch.setattr(botocore.endpoint.Endpoint, "make_request", refused)
    built: list[str] = []
    build = org_workers.AWS._build_client
    monkeypatch.setattr(org_workers.AWS, "_build_client",
                        lambda self, service, *args: built.append(service) or build(self, service, *args))
    org_workers._warm_up()
    from wizard.botocore_models import OPERATIONS

    assert sorted(built) == sorted(OPERATIONS)  # every service the wizard may call, once


def test_an_interrupted_run_stops_its_workers_and_returns(monkeypatch):
    """Ctrl-C while the workers assess: they are killed (they ignore the signal themselves) and the run
    ends at once, not when they would have finished."""
    monkeypatch.setattr(worker_process, "worker_command",
                        lambda module: [sys.executable, "-S", "-c", "import sys; sys.stdin.buffer.read()"])

    def interrupted(future):
        raise KeyboardInterrupt

    monkeypatch.setattr(org_workers, "result_interruptibly", interrupted)
    workers = org_workers.Workers(2)
    with pytest.raises(KeyboardInterrupt):
        org_workers._run_jobs(JOB, MEMBERS, workers, 2)
    assert all(p.returncode is not None for p in workers.processes)
