"""`check --org` on every core: member accounts are assessed in worker processes.

An organization check is CPU-bound in botocore (a client per service and region in every
account, and the signing and parsing of every call), and Python threads share one core. The
member accounts are independent, so :func:`assess_organization` shares them out between worker
processes, one per core; each worker assesses a few accounts at a time with threads, exactly as
the single-process path does, and sends back each account's plain findings as it ends. Accounts
are handed out one at a time, each to the worker that has just finished one (not split in fixed
shares up front), so no worker sits idle at the end while another still has several to go. The
management account is assessed in this process meanwhile. The workers can be started before the
management account is even identified (:func:`start_workers`), so their imports overlap this
process's first reads.

Workers are spawned, not forked (this process runs threads), ignore Ctrl-C (this process stops
them), and receive the management account's current credentials through their pipe, never
through a file or the environment.
"""

from __future__ import annotations

import math
import os
import threading
from collections import Counter, deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, BinaryIO, Callable, Sequence

from wizard.aws import AWS, Target
from wizard.stopping import result_interruptibly
from wizard.worker_process import start_worker
from wizard.org import (
    PARALLEL_ACCOUNTS, AccountFindings, AccountRun, Member, account_findings, for_each_account, serve_accounts,
)

ACCOUNTS_AT_ONCE = 4  # per worker process; with one worker per core, 8 in flight on two cores
MIN_MEMBERS_FOR_WORKERS = 3  # fewer do not repay a worker's start-up (imports, models: ~0.5 s)


@dataclass(frozen=True)
class Job:
    """What every worker needs: how to reach the management account and what to assess. The members
    themselves follow one at a time, as the worker has room (:func:`_exchange`)."""

    target: Target
    management_id: str
    regions: tuple[str, ...] | None
    role: str
    step_ids: tuple[str, ...]
    plan: bool = True  # each account's fixes too (only the HTML and Markdown reports need them)


@dataclass
class WorkerStats:
    """What a worker's AWS objects counted, for the benchmarks (calls are made out of this process)."""

    calls: Counter = field(default_factory=Counter)
    requests: int = 0
    repeated_reads: dict = field(default_factory=dict)
    accounts: set = field(default_factory=set)  # the accounts that made calls


def cores() -> int:
    """The CPU cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def worker_count(members: int) -> int:
    """How many worker processes ``members`` member accounts are worth (0: assess them in this process)."""
    if members < MIN_MEMBERS_FOR_WORKERS or cores() < 2:
        return 0
    return min(cores(), math.ceil(members / ACCOUNTS_AT_ONCE))


def assess_organization(aws: AWS, members: Sequence[Member], steps: Sequence[Any], role: str,
                        workers: int | None = None, plan: bool = True,
                        started: "Workers | None" = None) -> tuple[list[AccountRun], WorkerStats]:
    """Assess ``steps`` in every account of ``members`` (management first, as listed).

    Each run's ``result`` is the account's :class:`~wizard.org.AccountFindings`, with its fixes
    when ``plan``. ``workers`` overrides :func:`worker_count` (0: everything in this process, with threads).
    ``started``: worker processes started ahead (:func:`start_workers`); those not needed are stopped.
    """
    management = [m for m in members if m.id == aws.account_id]
    others = [m for m in members if m.id != aws.account_id]
    workers = worker_count(len(others)) if workers is None else min(workers, len(others))

    def findings_of(account_aws: AWS) -> AccountFindings:
        return assess_account(account_aws, steps, close=account_aws is not aws, plan=plan)

    stats = WorkerStats()
    if workers < 1:
        if started:
            started.stop()
        runs = for_each_account(aws, list(members), findings_of, role_name=role, parallel=PARALLEL_ACCOUNTS)
        return runs, stats
    job = Job(aws.frozen_target(), aws.account_id, aws.requested_regions, role,
              tuple(step.INFO.id for step in steps), plan)
    by_id: dict[str, AccountRun] = {}
    own = ThreadPoolExecutor(1, thread_name_prefix="aws-management")
    try:
        mine: Future = own.submit(for_each_account, aws, management, findings_of, role, 1)
        for runs, worker_stats in _run_jobs(job, others, started or Workers(0), workers):
            by_id.update((run.member.id, run) for run in runs)
            stats.calls.update(worker_stats.calls)
            stats.requests += worker_stats.requests
            stats.repeated_reads.update(worker_stats.repeated_reads)
            stats.accounts |= worker_stats.accounts
        by_id.update((run.member.id, run) for run in result_interruptibly(mine))
    finally:
        own.shutdown(wait=False)  # after an interruption, do not wait for the management account
    return [by_id[m.id] for m in members], stats


def assess_account(account_aws: AWS, steps: Sequence[Any], close: bool = True, plan: bool = True) -> AccountFindings:
    """One account's findings (and fixes, with ``plan``); with ``close``, its clients' connections are closed
    afterwards."""
    from wizard.assess import assess
    from wizard.aws_regions import regions_out_of_scope

    from steps.base import StepError

    try:
        results = assess(account_aws, steps)
        try:  # read once already (cached): the regions this account was checked in, for its last run
            regions = account_aws.regions()
        except StepError:
            regions = []
        return account_findings(account_aws.account_id, results, regions, regions_out_of_scope(account_aws), plan)
    finally:
        if close:
            account_aws.close()


class Workers:
    """Worker processes (:func:`worker_command`, run from this package's folder), started before they are
    needed: a worker imports what it needs, then waits for its :class:`Job` on stdin. ``stop()`` kills
    those still running (a worker ignores Ctrl-C: this process decides)."""

    def __init__(self, count: int) -> None:
        self.processes: list[Any] = []
        try:
            for _ in range(count):  # inside the try: a signal between two starts still stops the first
                self.spawn()
        except BaseException:
            self.stop()
            raise

    def spawn(self) -> Any:
        import tempfile

        # stderr to a file, not a pipe: nothing reads it until the worker has ended (then its last line
        # says why it failed), so a chatty worker cannot fill a pipe and stop
        errors = tempfile.TemporaryFile()
        process = start_worker(__name__, stderr=errors)
        process.stderr = errors  # Popen names only a pipe of its own here; _exchange reads this
        self.processes.append(process)
        return process

    def take(self, count: int) -> list[Any]:
        """``count`` workers (started now if there are fewer); the others are stopped."""
        while len(self.processes) < count:
            self.spawn()
        _stop(self.processes[count:])
        return self.processes[:count]

    def stop(self) -> None:
        _stop(self.processes)

    def __enter__(self) -> "Workers":
        return self

    def __exit__(self, *_: Any) -> None:
        self.stop()


def _stop(processes: Sequence[Any]) -> None:
    for process in processes:
        if process.poll() is None:  # interrupted: the worker would otherwise finish its accounts first
            process.kill()
        process.wait()
        for pipe in (process.stdin, process.stdout, process.stderr):
            pipe.close()


def start_workers() -> Workers:
    """Worker processes for a `check --org` whose members are not listed yet: one per core (none on one
    core). :func:`assess_organization` uses as many as the members are worth and stops the rest."""
    return Workers(cores() if cores() >= 2 else 0)


class _Members:
    """The members not handed out yet: whichever worker has just finished an account takes the next."""

    def __init__(self, members: Sequence[Member]) -> None:
        self._left = deque(members)
        self._lock = threading.Lock()

    def take(self) -> Member | None:
        with self._lock:
            return self._left.popleft() if self._left else None


def _run_jobs(job: Job, members: Sequence[Member], started: Workers,
              count: int) -> list[tuple[list[AccountRun], WorkerStats]]:
    """Assess ``members`` in ``count`` worker processes; a worker that fails makes its accounts' runs errors.

    Each worker's job goes pickled to its stdin, then a member at a time; its runs come back pickled on its
    stdout (a pipe between this process and its own child, nothing else reads it). Plain pipes, rather
    than multiprocessing's queues, leave nothing behind when a run is interrupted, and the children are
    stopped here, not left to finish.
    """
    left = _Members(members)
    pool = ThreadPoolExecutor(count, thread_name_prefix="aws-worker")
    try:
        exchanges = [pool.submit(_exchange, worker, job, left.take) for worker in started.take(count)]
        results = [result_interruptibly(exchange) for exchange in exchanges]
    finally:
        for worker in started.processes:
            if worker.poll() is None:  # interrupted: the worker would otherwise finish its accounts first
                worker.kill()
        pool.shutdown(wait=True)  # each exchange ends with its worker (then closes its pipes)
        started.stop()
    # a healthy worker takes members until none is left: these were left by workers that all failed
    orphans = []
    while (member := left.take()) is not None:
        orphans.append(AccountRun(member, error="the worker processes failed before they could assess it"))
    return results + ([(orphans, WorkerStats())] if orphans else [])


def _exchange(worker: Any, job: Job, take: Callable[[], Member | None]) -> tuple[list[AccountRun], WorkerStats]:
    """One worker's side of the run: its job, then a member for each free slot, each run back as it ends.

    The worker is kept at ``ACCOUNTS_AT_ONCE`` accounts: one more is sent for each run that comes back,
    and None once there is none left; then the worker sends its stats and ends."""
    import pickle

    def send(message: Any) -> None:
        pickle.dump(message, worker.stdin)
        worker.stdin.flush()

    pending: dict[str, Member] = {}
    runs: list[AccountRun] = []
    more = True

    def hand_out() -> None:  # the next member, or None (sent once) when there is none left
        nonlocal more
        member = take()
        if member is None:
            more = False
        else:
            pending[member.id] = member
        send(member)

    try:
        send(job)
        for _ in range(ACCOUNTS_AT_ONCE):
            if more:
                hand_out()
        while pending:
            run = pickle.load(worker.stdout)
            runs.append(run)
            pending.pop(run.member.id, None)
            if more:
                hand_out()
        stats = pickle.load(worker.stdout)
        if isinstance(stats, WorkerStats):
            worker.wait()
            return runs, stats
    except Exception:  # noqa: BLE001 - a broken pipe or an unreadable answer is the worker's failure
        pass
    finally:
        if worker.poll() is None:  # it failed: its own exit is not waited for
            worker.kill()
        for pipe in (worker.stdin, worker.stdout):
            try:
                pipe.close()
            except OSError:  # a broken pipe's buffered bytes cannot be flushed
                pass
    worker.wait()
    with worker.stderr:
        worker.stderr.seek(0)
        said = worker.stderr.read().decode(errors="replace").strip().splitlines()
    last_line = (said or [f"exit code {worker.returncode}"])[-1]
    reason = f"the worker process assessing it failed: {last_line[:200]}"
    return runs + [AccountRun(member, error=reason) for member in pending.values()], WorkerStats()


def _assess_job(job: Job, take: Callable[[], Member | None], send: Callable[[Any], None]) -> WorkerStats:
    """In a worker: assess each member ``take()`` hands out, through the management account's credentials;
    each run goes to ``send`` as it ends."""
    from steps import STEPS
    from steps.base import StepError

    steps = [step for step in STEPS if step.INFO.id in job.step_ids]
    management = AWS(job.target, regions=job.regions)
    stats = WorkerStats()
    seen: list[AWS] = []

    def findings_of(account_aws: AWS) -> AccountFindings:
        seen.append(account_aws)
        try:
            return assess_account(account_aws, steps, plan=job.plan)
        except StepError:
            raise
        except Exception as error:  # noqa: BLE001 - reported for this account, in the parent's words
            raise StepError(f"the worker process could not assess it: {error}") from None

    def done(run: AccountRun) -> None:
        run.aws = None  # clients and locks stay in the worker
        send(run)

    serve_accounts(management, take, findings_of, done, job.role, ACCOUNTS_AT_ONCE, job.management_id)
    for account_aws in [management, *seen]:
        stats.calls.update(account_aws.calls)
        stats.requests += account_aws.requests
        if account_aws.calls:
            stats.accounts.add(account_aws.target.label or "main")
        stats.repeated_reads.update({(account_aws.target.label, *key): n
                                     for key, n in account_aws.repeated_reads().items()})
    return stats


def _serve(requests: BinaryIO, answers: BinaryIO) -> int:
    """A worker's exchange with its parent (:func:`_exchange`): the job, then members until None."""
    import pickle

    try:
        job = pickle.load(requests)
    except EOFError:  # not needed after all: the parent closed the pipe
        return 0
    reading, writing = threading.Lock(), threading.Lock()
    closed = False

    def take() -> Member | None:
        nonlocal closed
        with reading:
            if closed:
                return None
            try:
                member = pickle.load(requests)
            except EOFError:  # the parent is gone: take nothing more
                member = None
            closed = member is None
            return member

    def send(message: Any) -> None:
        with writing:
            pickle.dump(message, answers)
            answers.flush()

    send(_assess_job(job, take, send))
    return 0


def _worker_main() -> int:
    """A worker (:func:`worker_command`): imports first, then one job and its members from stdin, its runs
    to stdout, all pickled."""
    import signal
    import sys

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole process group; the parent decides
    # Imported by name, so what is pickled refers to wizard.org_workers, not to __main__.
    from wizard.org_workers import _serve, _warm_up
    from wizard.worker_process import answer_pipe

    answers = answer_pipe()
    _warm_up()
    return _serve(sys.stdin.buffer, answers)


def _warm_up() -> None:
    """Before the job arrives (a worker is started while its parent still identifies the management account
    and lists the members): what every account's clients need, whoever's credentials they sign with.
    botocore imported, each service's model loaded (trimmed, wizard/botocore_models.py), its client class
    and endpoint rules built, all kept for the process (wizard/botocore_sharing.py): ~0.4 s of CPU that
    would otherwise delay the first accounts. The clients are thrown away; placeholder credentials, so
    building one never looks for any (the instance metadata service least of all), and no request is sent."""
    from importlib import import_module

    from wizard.aws_members import PLACEHOLDER_KEY
    from wizard.aws_session import new_session
    from wizard.botocore_models import OPERATIONS

    import_module("steps")  # the steps the job names
    session = new_session(aws_access_key_id=PLACEHOLDER_KEY, aws_secret_access_key="x" * 40, region_name="us-east-1")
    warm = AWS(Target(endpoint_url="https://warm-up.invalid"))
    for service in sorted(OPERATIONS):
        warm._build_client(service, "us-east-1", session).close()


if __name__ == "__main__":
    raise SystemExit(_worker_main())
