"""`check --org` on every core: member accounts are assessed in worker processes.

An organization check is CPU-bound in botocore (a client per service and region in every
account, and the signing and parsing of every call), and Python threads share one core. The
member accounts are independent, so :func:`assess_organization` splits them over worker
processes, one per core; each worker assesses a few accounts at a time with threads, exactly as
the single-process path does, and sends back plain findings. The management account is
assessed in this process meanwhile.

Workers are spawned, not forked (this process runs threads), ignore Ctrl-C (this process stops
them), and receive the management account's current credentials through their pipe, never
through a file or the environment.
"""

from __future__ import annotations

import math
import os
from collections import Counter
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Sequence

from wizard.aws import AWS, Target
from wizard.stopping import result_interruptibly
from wizard.worker_process import CODE_ROOT, worker_command
from wizard.org import PARALLEL_ACCOUNTS, AccountFindings, AccountRun, Member, account_findings, for_each_account

ACCOUNTS_AT_ONCE = 4  # per worker process; with one worker per core, 8 in flight on two cores
MIN_MEMBERS_FOR_WORKERS = 3  # fewer do not repay a worker's start-up (imports, models: ~0.5 s)


@dataclass(frozen=True)
class Job:
    """What one worker needs: how to reach the management account, and which members to assess."""

    target: Target
    management_id: str
    regions: tuple[str, ...] | None
    members: tuple[Member, ...]
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
                        workers: int | None = None, plan: bool = True) -> tuple[list[AccountRun], WorkerStats]:
    """Assess ``steps`` in every account of ``members`` (management first, as listed).

    Each run's ``result`` is the account's :class:`~wizard.org.AccountFindings`, with its fixes
    when ``plan``. ``workers`` overrides :func:`worker_count` (0: everything in this process, with threads).
    """
    management = [m for m in members if m.id == aws.account_id]
    others = [m for m in members if m.id != aws.account_id]
    workers = worker_count(len(others)) if workers is None else min(workers, len(others))

    def findings_of(account_aws: AWS) -> AccountFindings:
        return assess_account(account_aws, steps, close=account_aws is not aws, plan=plan)

    stats = WorkerStats()
    if workers < 1:
        runs = for_each_account(aws, list(members), findings_of, role_name=role, parallel=PARALLEL_ACCOUNTS)
        return runs, stats
    jobs = [Job(frozen_target(aws), aws.account_id, aws.requested_regions, tuple(others[i::workers]), role,
                tuple(step.INFO.id for step in steps), plan) for i in range(workers)]
    by_id: dict[str, AccountRun] = {}
    own = ThreadPoolExecutor(1, thread_name_prefix="aws-management")
    try:
        mine: Future = own.submit(for_each_account, aws, management, findings_of, role, 1)
        for runs, worker_stats in _run_jobs(jobs):
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


def _run_jobs(jobs: list[Job]) -> list[tuple[list[AccountRun], WorkerStats]]:
    """Run each job in its own worker process; a worker that fails makes its accounts' runs errors.

    A worker is :func:`worker_command` (run from this package's folder): its job arrives pickled on stdin and its runs
    leave pickled on stdout (a pipe between this process and its own child, nothing else reads
    it). Plain pipes, rather than multiprocessing's queues, leave nothing behind when a run is
    interrupted, and the children are stopped here, not left to finish.
    """
    import subprocess

    workers: list[Any] = []
    pool = ThreadPoolExecutor(len(jobs), thread_name_prefix="aws-worker")
    try:
        for _ in jobs:  # inside the try: a signal between two starts still stops the first
            workers.append(subprocess.Popen(worker_command(__name__), cwd=CODE_ROOT, stdin=subprocess.PIPE,
                                            stdout=subprocess.PIPE, stderr=subprocess.PIPE))
        exchanges = [pool.submit(_exchange, worker, job) for worker, job in zip(workers, jobs)]
        return [result_interruptibly(exchange) for exchange in exchanges]
    finally:
        for worker in workers:
            if worker.poll() is None:  # interrupted: the worker would otherwise finish its accounts first
                worker.kill()
        pool.shutdown(wait=True)  # each exchange ends with its worker


def _exchange(worker: Any, job: Job) -> tuple[list[AccountRun], WorkerStats]:
    import pickle

    output, errors = worker.communicate(pickle.dumps(job))
    try:
        if worker.returncode == 0:
            return pickle.loads(output)
    except Exception:  # noqa: BLE001 - an unreadable answer is the worker's failure
        pass
    last_line = (errors.decode(errors="replace").strip().splitlines() or [f"exit code {worker.returncode}"])[-1]
    reason = f"the worker process assessing it failed: {last_line[:200]}"
    return [AccountRun(member, error=reason) for member in job.members], WorkerStats()


def frozen_target(aws: AWS) -> Target:
    """The management account as it is reached now: its current credentials, endpoint and region."""
    credentials = aws.frozen_credentials()
    return Target(region=aws.home_region, endpoint_url=aws.target.endpoint, credentials=credentials,
                  label=aws.target.label)


def _assess_job(job: Job) -> tuple[list[AccountRun], WorkerStats]:
    """In a worker: assess the job's members through the management account's credentials."""
    from steps import STEPS

    steps = [step for step in STEPS if step.INFO.id in job.step_ids]
    management = AWS(job.target, regions=job.regions)
    stats = WorkerStats()
    seen: list[AWS] = []

    def findings_of(account_aws: AWS) -> AccountFindings:
        seen.append(account_aws)
        return assess_account(account_aws, steps, plan=job.plan)

    try:
        runs = for_each_account(management, list(job.members), findings_of, role_name=job.role,
                                parallel=ACCOUNTS_AT_ONCE, management_id=job.management_id)
    except Exception as error:  # noqa: BLE001 - reported per account, in the parent's words
        reason = f"the worker process could not assess it: {error}"
        return [AccountRun(member, error=reason) for member in job.members], stats
    for account_aws in [management, *seen]:
        stats.calls.update(account_aws.calls)
        stats.requests += account_aws.requests
        if account_aws.calls:
            stats.accounts.add(account_aws.target.label or "main")
        stats.repeated_reads.update({(account_aws.target.label, *key): n
                                     for key, n in account_aws.repeated_reads().items()})
    for run in runs:
        run.aws = None  # clients and locks stay in the worker
    return runs, stats


def _worker_main() -> int:
    """A worker (:func:`worker_command`): one job from stdin, its runs to stdout, both pickled."""
    import pickle
    import signal
    import sys

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole process group; the parent decides
    # Imported by name, so what is pickled refers to wizard.org_workers, not to __main__.
    from wizard.org_workers import _assess_job

    job = pickle.loads(sys.stdin.buffer.read())
    sys.stdout.buffer.write(pickle.dumps(_assess_job(job)))
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(_worker_main())
