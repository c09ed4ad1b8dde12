"""The TUI's assessments run in a worker process (wizard/assess_worker.py), the demo's sandbox in a
child (wizard/sandbox/child.py): the TUI's process keeps the interpreter for its screen.

One worker serves the module (its start imports botocore and the steps: ~0.5 s of CPU)."""

from __future__ import annotations

import sys

import pytest

from steps import by_id
from steps.base import Status, StepError
from tests.helpers import open_aws
from wizard.assess import assess
from wizard.assess_worker import AssessWorker

STEPS = [by_id("contacts"), by_id("regions")]  # cheap to read, and both read more than one API


@pytest.fixture(scope="module")
def worker():
    worker = AssessWorker()
    worker.start()
    yield worker
    worker.stop()


def _findings(results):
    return {result.id: sorted(result.findings, key=repr) for result in results}


def test_the_worker_assesses_outside_this_process_with_the_same_findings(account, worker):
    sb = account("insecure")
    aws = open_aws(sb)
    streamed = []
    worker.assess(aws, STEPS, streamed.append, fresh=True)
    assert sum(aws.calls.values()) == 0, "the steps were read in the TUI's process"
    assert sorted(r.id for r in streamed) == ["contacts", "regions"]
    assert all(r.step is by_id(r.id) and r.state is not None for r in streamed)
    assert _findings(streamed) == _findings(assess(open_aws(sb), STEPS))


def test_a_recheck_in_the_worker_reads_the_account_again(account, worker):
    sb = account("insecure")
    aws = open_aws(sb)
    contacts = [by_id("contacts")]

    def security_contact() -> Status:
        got = []
        worker.assess(aws, contacts, got.append, fresh=True)
        return next(f.status for f in got[0].findings if f.check == "security-contact")

    assert security_contact() == Status.FAIL
    aws.client("account").put_alternate_contact(AlternateContactType="SECURITY", Name="Sec", Title="CISO",
                                                EmailAddress="sec@example.com", PhoneNumber="+15550100")
    assert security_contact() == Status.PASS


def test_a_worker_that_ends_leaves_its_steps_to_this_process(account, monkeypatch):
    import wizard.worker_process

    sb = account("insecure")
    monkeypatch.setattr(wizard.worker_process, "worker_command", lambda module: [sys.executable, "-c", "pass"])
    gone = AssessWorker()
    streamed = []
    gone.assess(open_aws(sb), STEPS, streamed.append)
    gone.stop()
    assert _findings(streamed) == _findings(assess(open_aws(sb), STEPS))


def test_a_sandbox_child_that_cannot_start_says_so_in_one_line():
    from wizard.sandbox.child import SandboxProcess

    with pytest.raises(StepError) as failed:
        SandboxProcess("no-such-scenario").start()
    assert "the sandbox did not start: ValueError: unknown scenario 'no-such-scenario'" in failed.value.title
    assert "\n" not in str(failed.value)


def test_an_assessment_waiting_when_the_tui_closes_ends_without_reading(account, monkeypatch):
    import threading

    import wizard.worker_process

    sb = account("insecure")
    # a worker that takes requests and never answers (one still reading when the person quits)
    monkeypatch.setattr(wizard.worker_process, "worker_command",
                        lambda module: [sys.executable, "-c", "import sys; sys.stdin.buffer.read()"])
    silent = AssessWorker()
    aws, streamed = open_aws(sb), []
    waiting = threading.Thread(target=silent.assess, args=(aws, STEPS, streamed.append))
    waiting.start()
    silent.stop()
    waiting.join(timeout=10)
    assert not waiting.is_alive() and streamed == [] and sum(aws.calls.values()) == 0


def test_a_workers_stray_print_never_reaches_its_answers():
    """moto prints a line per request to a host it does not serve: in the sandbox child that would
    corrupt the answers, or fill a pipe the demo no longer reads and stop the sandbox."""
    import subprocess

    from wizard.worker_process import CODE_ROOT

    script = ("import sys; from wizard.worker_process import answer_pipe; answers = answer_pipe(); "
              "print('stray'); sys.stdout.flush(); answers.write(b'answer'); answers.flush()")
    done = subprocess.run([sys.executable, "-c", script], cwd=CODE_ROOT, capture_output=True, timeout=60)
    assert done.returncode == 0 and done.stdout == b"answer"
