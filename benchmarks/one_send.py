"""One HTTP send on one thread: urllib3's path against the lean exchange (wizard/botocore_exchange.py).

    .venv/bin/python benchmarks/one_send.py [--rounds 7] [--sends 500]

botocore's ``URLLib3Session.send`` of a prepared EC2 POST (and its ``.content``) to the scripted
server of tests/wizard/test_botocore_exchange.py, answering every request with the same small XML
answer; rounds of ``--sends`` each way in turn, thread CPU per send (min and median of the rounds).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.wizard.test_botocore_exchange import OK, _requests, _Server  # noqa: E402
from wizard import botocore_http  # noqa: E402
from wizard.botocore_sharing import share_client_parts  # noqa: E402


class _Always(list):
    def pop(self, index: int = 0) -> tuple[str, bytes]:
        return "answer", OK


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--sends", type=int, default=500)
    args = parser.parse_args()
    if "lean_exchange" not in share_client_parts():
        print("the lean exchange is not installed (AWS_ESSENTIALS_BOTOCORE_SHARING=off?)")
        return 1
    server = _Server()
    server.script, server.answered.release = _Always(), lambda: None
    session = botocore_http._SESSION_CLASS(timeout=(2, 2))
    request = _requests(server.port)[0]
    sends = {"urllib3": botocore_http._SESSION_CLASS.__mro__[1].send.__get__(session), "lean": session.send}
    figures: dict[str, list[float]] = {name: [] for name in sends}
    for _ in range(args.rounds):
        for name, send in sends.items():
            started = time.thread_time()
            for _ in range(args.sends):
                send(request).content
            figures[name].append((time.thread_time() - started) / args.sends * 1e6)
    for name, rounds in figures.items():
        print(f"{name}: {min(rounds):.0f} us a send (min), {statistics.median(rounds):.0f} us (median of {args.rounds})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
