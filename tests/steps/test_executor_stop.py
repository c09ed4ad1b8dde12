"""The executor's stop signal: the call in flight finishes, nothing more is sent, and what was not
sent is reported apart from what a failure skipped."""

from __future__ import annotations

import threading
from types import SimpleNamespace

from steps.base import Call, Change, Plan, manual
from steps.executor import run_changes
from wizard.journal import Journal, read_entries


class StopAfter:
    """An AWS whose ``n``-th write sets ``stop`` while that write is still in flight."""

    def __init__(self, n: int, stop: threading.Event) -> None:
        self.n, self.stop, self.sent = n, stop, []

    def write(self, call):
        self.sent.append(call.operation)
        if len(self.sent) == self.n:
            self.stop.set()  # the person presses Esc while this call is on the wire
        return {}


class FiveCalls:
    INFO = SimpleNamespace(id="five")

    def collect(self, aws):
        return {}

    def plan(self, state, answers):
        calls = [Change(f"c{i}", Call("svc", f"Op{i}")) for i in range(1, 6)]
        return Plan("five", (*calls[:3], manual("look", "https://console.aws.amazon.com/"), *calls[3:]))


def test_stop_finishes_the_call_in_flight_and_sends_nothing_more(tmp_path):
    stop = threading.Event()
    step, aws = FiveCalls(), StopAfter(2, stop)
    journal = Journal("111122223333", tmp_path / "j.jsonl")
    plan = step.plan({}, {})
    result = run_changes(aws, step, plan, {}, journal, stop=stop)
    assert aws.sent == ["Op1", "Op2"]
    assert [r.change.reason for r in result.results] == ["c1", "c2"] and result.ok
    assert result.stopped
    assert [c.reason for c in result.not_run] == ["c3", "c4", "c5"]  # not sent because of the stop
    assert [c.reason for c in result.skipped] == ["look"]  # the console step was never the wizard's to send
    entries = read_entries(tmp_path / "j.jsonl")
    assert [(e.call, e.ok) for e in entries] == [("svc.Op1", True), ("svc.Op2", True)]


def test_a_stop_before_the_first_call_sends_nothing(tmp_path):
    stop = threading.Event()
    stop.set()
    step, aws = FiveCalls(), StopAfter(99, stop)
    result = run_changes(aws, step, step.plan({}, {}), {}, Journal("1", tmp_path / "j.jsonl"), stop=stop)
    assert aws.sent == [] and result.results == []
    assert len(result.not_run) == 5 and not (tmp_path / "j.jsonl").exists()


def test_without_a_stop_everything_runs_and_nothing_is_reported_as_not_run(tmp_path):
    stop = threading.Event()
    step, aws = FiveCalls(), StopAfter(99, stop)
    result = run_changes(aws, step, step.plan({}, {}), {}, Journal("1", tmp_path / "j.jsonl"), stop=stop)
    assert len(aws.sent) == 5 and result.not_run == [] and not result.stopped
