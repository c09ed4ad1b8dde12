"""A read in flight: every thread asking for it meanwhile gets its one answer, or its one failure."""

from __future__ import annotations

import threading

import pytest

from wizard.aws_answers import Pending
from wizard.aws_errors import ReadFailed


def _askers(pending: Pending, count: int = 4) -> tuple[list, list[threading.Thread]]:
    got: list = []

    def ask() -> None:
        try:
            got.append(pending.result())
        except ReadFailed as failed:
            got.append(failed)

    threads = [threading.Thread(target=ask) for _ in range(count)]
    for thread in threads:
        thread.start()
    return got, threads


def test_those_asking_meanwhile_wait_for_the_answer_and_all_get_it():
    pending, answer = Pending(), {"Users": []}
    got, threads = _askers(pending)
    for thread in threads:
        thread.join(0.05)
    assert got == [] and all(thread.is_alive() for thread in threads)  # none passes before the answer
    pending.set_result(answer)
    for thread in threads:
        thread.join(5)
    assert len(got) == 4 and all(item is answer for item in got)
    assert pending.result() is answer  # and whoever asks later, at once


def test_a_failure_reaches_every_asker():
    pending = Pending()
    got, threads = _askers(pending, 3)
    failure = ReadFailed("denied", "not allowed", "AccessDenied")
    pending.set_exception(failure)
    for thread in threads:
        thread.join(5)
    assert got == [failure] * 3
    with pytest.raises(ReadFailed):
        pending.result()
