"""The read server: a worker process that makes the reads of a spread fan-out for its parent.

Its parent's side, and why, is wizard/read_offload.py. Started by ``worker_process.worker_command``
(isolated, this package only, Ctrl-C ignored), it receives the account as it is reached at that
moment (a :class:`wizard.aws_session.Target` with frozen credentials) and the number of reads to make
at once, then reads to make, each with its number, all pickled on stdin; each answer (the parsed
response, or the classified failure) goes back pickled on stdout as soon as it is known. At the end
of stdin it finishes what it has, sends the counts of the calls it sent, and ends.
"""

from __future__ import annotations

import pickle
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any, BinaryIO

from wizard.aws import AWS
from wizard.aws_errors import ReadFailed


def _serve(requests: BinaryIO, answers: BinaryIO) -> int:
    """Make each read the parent sends, on ``max_workers`` threads, and send each answer back as it
    comes; at the end of the pipe, the counts of what was sent."""
    try:
        target, max_workers = pickle.load(requests)
    except EOFError:  # not needed after all
        return 0
    aws = AWS(target, max_workers=max_workers)
    writing = threading.Lock()

    def send(message: Any) -> None:
        data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)  # whole, before a byte is written
        with writing:
            answers.write(data)
            answers.flush()

    def answer(number: int, service: str, operation: str, region: str, paginate: bool, params: dict) -> None:
        try:
            message: Any = (number, "ok", aws._send_read(service, operation, region, paginate, params))
        except ReadFailed as failed:
            message = (number, "failed", (failed.kind, failed.reason, failed.code, failed.transient, failed.message))
        except Exception:  # noqa: BLE001 - anything unclassified is the parent's to make and report
            message = (number, "local", None)
        try:
            send(message)
        except OSError:  # the parent is gone
            pass
        except Exception:  # noqa: BLE001 - an answer that does not pickle: the parent makes the read
            send((number, "local", None))

    aws.client("s3")  # botocore's imports and the session, before the parent sends reads (S3's, mostly)
    send("ready")
    pool = ThreadPoolExecutor(max_workers, thread_name_prefix="aws-read")
    while True:
        try:
            request = pickle.load(requests)
        except EOFError:
            break
        pool.submit(answer, *request)
    pool.shutdown(wait=True)
    with aws._lock:
        counts = (dict(aws.calls), aws.requests, dict(aws.call_log))
    try:
        send(("counts", counts))
    except OSError:  # the parent is gone (interrupted): nobody to count them for
        pass
    return 0


def _worker_main() -> int:
    """The read server (:func:`worker_command`): its job and reads from stdin, its answers to stdout."""
    import signal
    import sys

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole process group; the parent decides
    from wizard.worker_process import answer_pipe

    answers = answer_pipe()
    return _serve(sys.stdin.buffer, answers)


if __name__ == "__main__":
    raise SystemExit(_worker_main())
