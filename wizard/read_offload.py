"""A large fan-out's reads made in a second process: botocore's CPU on the other core.

Once an account is large a check is bound by CPU, and one process's threads share one interpreter:
a re-run of the benchmarks' large account (1,000 users, 500 buckets) spent ~5.8 s of the wizard's CPU
in ~8.6 s with at most 48 requests in flight (benchmarks/README.md, "Eleventh session: a large
account's reads in two processes"). ``AWS.per_region(fn, items, spread=True)`` marks a fan-out of
independent reads of a service whose documented request rate is far above what a second lane of
48 requests in flight can reach: the s3 step's per-bucket reads (S3 serves at least 5,500 GET/HEAD
requests per second per partitioned prefix; S3 User Guide, "Best practices design patterns:
optimizing Amazon S3 performance"; a 503 SlowDown is retried by botocore with backoff). IAM's per-user
reads never spread: IAM publishes no request rate, so they keep the region pool's 48 threads.

When the AWS object may spread (``spread_reads``: `check` of one account) and the fan-out has at
least :data:`SPREAD_MIN` items:

- its jobs run in a lane of their own threads, beside the region pool;
- each read they make is sent, with its parameters, to a read server: a worker process of this
  package (wizard/read_server.py) holding the run's current credentials, which makes it
  with botocore on ``max_workers`` threads (48 S3 requests in flight at most, as in the region pool)
  and sends back the parsed answer, or the classified failure, through its pipe.

Everything else stays in this process: the run's read cache (a read is still made once, whichever
process makes it), the jobs' own logic, the steps, and the counters (the server's calls are added
to this object's when it stops, so duplicate reads are still counted across both). Until the
server is ready (~0.3 s of imports), and if it fails, the reads are made here: slower, never lost.
The server lives while a spread fan-out runs; the next one starts another with the credentials of
that moment (a key rotated by `fix` between two assessments is never stale there).
"""

from __future__ import annotations

import itertools
import pickle
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Callable, Mapping

from wizard.aws_answers import Pending
from wizard.aws_errors import ReadFailed
from wizard.worker_process import start_worker

SPREAD_MIN = 100  # fewer jobs do not repay a server's start (~0.2 s of CPU) on the other core
LOCAL = object()  # "make this read in this process"
# The server signs with the credentials of its start; botocore here refreshes temporary ones (SSO, an
# assumed role). A read refused for an expired token is made here, and so is every later one.
EXPIRED_CODES = frozenset({"ExpiredToken", "ExpiredTokenException", "RequestExpired", "TokenRefreshRequired"})


class Offload:
    """One AWS object's spread lane and read server (created on its first spread fan-out)."""

    def __init__(self, aws: Any) -> None:
        self._aws = aws
        self._lock = threading.Lock()
        self._open = 0  # spread fan-outs running
        self._server: ReadServer | None = None
        self._pool: ThreadPoolExecutor | None = None
        self._lane = threading.local()  # set while this thread runs a spread job

    def open(self) -> "Offload":
        with self._lock:
            self._open += 1
            if self._server is None:
                self._server = ReadServer(self._aws)
            if self._pool is None:
                # Twice the server's threads: a job whose read waits in a pipe or in the server's queue holds
                # a lane thread, and the server's 48 requests in flight (no more) then never wait for the
                # next job (re-run 6.8-7.8 s against 7.7-8.6 s at 48: benchmarks/README.md, "Eleventh session")
                self._pool = ThreadPoolExecutor(2 * self._aws.max_workers, thread_name_prefix="aws-spread")
        return self

    def submit(self, fn: Callable[[Any], Any], item: Any) -> Future:
        assert self._pool is not None
        return self._pool.submit(self._run, fn, item)

    def _run(self, fn: Callable[[Any], Any], item: Any) -> Any:
        self._lane.active = True
        try:
            return fn(item)
        finally:
            self._lane.active = False

    def close(self) -> None:
        """One spread fan-out has ended; after the last, stop the server and count its calls here."""
        with self._lock:
            self._open -= 1
            if self._open:
                return
            server, self._server = self._server, None
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=False)  # its jobs are done: the fan-out waited for each
        counts = server.stop() if server is not None else None
        if counts is not None:
            self._aws.add_counts(*counts)

    def send(self, service: str, operation: str, region: str, paginate: bool, params: Mapping[str, Any]) -> Any:
        """The read's answer from the server, or :data:`LOCAL` when this thread is not running a spread
        job, the read repeats a poll (counted as polls here), or the server cannot take it."""
        server = self._server
        if server is None or not getattr(self._lane, "active", False) or getattr(self._aws._polling, "active", False):
            return LOCAL
        return server.read(service, operation, region, paginate, params)


def open_lane(aws: Any, count: int) -> Offload | None:
    """The spread lane for a fan-out of ``count`` jobs, or None where it does not apply (the jobs then
    share the region pool as any other fan-out's)."""
    if not aws.spread_reads or aws.parent is not None or count < SPREAD_MIN:
        return None
    with aws._lock:
        if aws._offload is None:
            aws._offload = Offload(aws)
    return aws._offload.open()


class ReadServer:
    """This side of a read server process: send a read, wait for its answer (another thread reads them)."""

    def __init__(self, aws: Any) -> None:
        self._lock = threading.Lock()  # the pipe to the server and the table below
        self._waiting: dict[int, Pending] = {}
        self._numbers = itertools.count()
        self.ready = threading.Event()  # the server has imported what it needs and takes reads
        self._gone = False
        self._counts: tuple | None = None
        self._process: Any = None
        try:
            job = pickle.dumps((aws.frozen_target(), aws.max_workers), protocol=pickle.HIGHEST_PROTOCOL)
            # stderr goes nowhere: a server that fails is replaced by this process's own reads
            self._process = start_worker("wizard.read_server")
            self._process.stdin.write(job)
            self._process.stdin.flush()
        except Exception:  # noqa: BLE001 - no credentials to hand over, no process: the reads stay here
            self._gone = True
            self._stop_process()
            return
        self._reader = threading.Thread(target=self._read_answers, name="aws-read-server", daemon=True)
        self._reader.start()

    def read(self, service: str, operation: str, region: str, paginate: bool, params: Mapping[str, Any]) -> Any:
        waiter = Pending()
        message = None
        with self._lock:
            if self.ready.is_set() and not self._gone:
                number = next(self._numbers)
                try:
                    message = pickle.dumps((number, service, operation, region, paginate, dict(params)),
                                           protocol=pickle.HIGHEST_PROTOCOL)
                    self._process.stdin.write(message)
                    self._process.stdin.flush()
                    self._waiting[number] = waiter
                except Exception:  # noqa: BLE001 - parameters that do not pickle, a broken pipe: made here
                    message = None
        if message is None:
            return LOCAL
        kind, payload = waiter.result()
        if kind == "ok":
            return payload
        if kind == "failed" and payload[2] not in EXPIRED_CODES:
            raise ReadFailed(*payload)
        if kind == "failed":
            self._gone = True
        return LOCAL  # the server could not make it, or died first: made here

    def _read_answers(self) -> None:
        answers = self._process.stdout
        try:
            while True:
                message = pickle.load(answers)
                if message == "ready":
                    self.ready.set()
                elif message[0] == "counts":
                    self._counts = message[1]
                else:
                    number, kind, payload = message
                    with self._lock:
                        waiter = self._waiting.pop(number, None)
                    if waiter is not None:
                        waiter.set_result((kind, payload))
        except Exception:  # noqa: BLE001 - the end of the pipe, or a server that died
            pass
        with self._lock:
            self._gone = True
            left, self._waiting = list(self._waiting.values()), {}
        for waiter in left:
            waiter.set_result(("local", None))

    def stop(self) -> tuple | None:
        """End the server (it has no read in flight: every spread job has ended) and return its counts:
        (calls, requests, call_log), or None if it never started or died."""
        if self._process is None:
            return None
        with self._lock:
            self._gone = True  # nothing more is sent
            try:
                self._process.stdin.close()  # the server answers what it has, sends its counts and ends
            except OSError:
                pass
        self._reader.join(timeout=10)
        self._stop_process()
        return self._counts

    def _stop_process(self) -> None:
        process = self._process
        if process is None:
            return
        if process.poll() is None:
            try:
                process.wait(timeout=5)
            except Exception:  # noqa: BLE001 - not ending: it is stopped
                process.kill()
                process.wait()
        for pipe in (process.stdin, process.stdout):
            try:
                pipe.close()
            except OSError:
                pass
