"""The step engine: plans, fingerprints, the executor's drift check, journalling and redaction."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass, field
from types import SimpleNamespace

import pytest

from steps.base import (
    Call, Change, Plan, Ref, StepError, StepInfo, Severity, check_answers, manual, redact,
)
from steps.executor import PlanDrifted, run_changes
from wizard.journal import Journal, read_entries


def test_steps_import_no_ui_library():
    code = (
        "import sys, steps, steps.base\n"
        "from steps import STEPS\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('textual', 'questionary', 'keyring', 'rich', 'prompt_toolkit')]\n"
        "print(bad)\n"
        "sys.exit(1 if bad else 0)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_fingerprint_follows_params():
    a = Plan("s", (Change("r", Call("iam", "X", {"A": 1})),))
    b = Plan("s", (Change("r", Call("iam", "X", {"A": 2})),))
    assert a.fingerprint == Plan("s", (Change("r", Call("iam", "X", {"A": 1})),)).fingerprint
    assert a.fingerprint != b.fingerprint


def test_redact_hides_secrets_at_any_depth():
    value = {"AccessKey": {"AccessKeyId": "AKIA1", "SecretAccessKey": "s3cr3t"}, "List": [{"Password": "p"}]}
    shown = json.dumps(redact(value))
    assert "s3cr3t" not in shown and '"p"' not in shown and "AKIA1" in shown


class FakeAWS:
    def __init__(self):
        self.sent = []

    def write(self, call):
        self.sent.append((call.operation, dict(call.params)))
        if call.operation == "Boom":
            raise StepError("Boom failed", "hint")
        return {"Made": {"Arn": f"arn:{call.operation}"}}


@dataclass
class FakeStep:
    state: dict = field(default_factory=lambda: {"n": 1})
    INFO = SimpleNamespace(id="fake")

    def collect(self, aws):
        return dict(self.state)

    def plan(self, state, answers):
        return Plan("fake", (
            Change("make", Call("svc", "Create", {"N": state["n"]}), key="made"),
            manual("look", "https://console.aws.amazon.com/"),
            Change("use", Call("svc", "Use", {"Arn": Ref("made", "Made.Arn"), "SecretAccessKey": "zzz"})),
        ))


def test_run_changes_runs_plan_in_order_and_resolves_refs(tmp_path):
    step, aws, journal = FakeStep(), FakeAWS(), Journal("111122223333", tmp_path / "j.jsonl")
    plan = step.plan(step.collect(aws), {})
    result = run_changes(aws, step, plan, {}, journal)
    assert result.ok and [r.change.reason for r in result.results] == ["make", "use"]
    assert aws.sent == [("Create", {"N": 1}), ("Use", {"Arn": "arn:Create", "SecretAccessKey": "zzz"})]
    assert [c.reason for c in result.skipped] == ["look"]
    text = (tmp_path / "j.jsonl").read_text()
    assert "zzz" not in text
    entries = read_entries(tmp_path / "j.jsonl")
    assert [e.ok for e in entries] == [True, True]
    assert (tmp_path / "j.jsonl").stat().st_mode & 0o777 == 0o600


def test_drifted_account_is_not_written(tmp_path):
    step, aws = FakeStep(), FakeAWS()
    plan = step.plan(step.collect(aws), {})
    step.state["n"] = 2  # the account changed after the user looked
    with pytest.raises(PlanDrifted) as drift:
        run_changes(aws, step, plan, {}, Journal("111122223333", tmp_path / "j.jsonl"))
    assert aws.sent == []
    assert drift.value.new_plan.changes[0].call.params == {"N": 2}
    assert not (tmp_path / "j.jsonl").exists()


def test_failure_stops_the_plan_and_is_journalled(tmp_path):
    class BoomStep(FakeStep):
        def plan(self, state, answers):
            return Plan("fake", (Change("a", Call("svc", "Boom")), Change("b", Call("svc", "After"))))

    step, aws = BoomStep(), FakeAWS()
    result = run_changes(aws, step, step.plan({}, {}), {}, Journal("111122223333", tmp_path / "j.jsonl"))
    assert not result.ok and result.failed.detail.startswith("Boom failed")
    assert [op for op, _ in aws.sent] == ["Boom"]
    assert [c.reason for c in result.skipped] == ["b"]
    assert [e.ok for e in read_entries(tmp_path / "j.jsonl")] == [False]


def test_plan_that_needs_answers_is_refused(tmp_path):
    class NeedsStep(FakeStep):
        def plan(self, state, answers):
            return Plan("fake", needs=("email",))

    step, aws = NeedsStep(), FakeAWS()
    with pytest.raises(StepError):
        run_changes(aws, step, step.plan({}, {}), {}, Journal("1", tmp_path / "j.jsonl"))
    assert aws.sent == []


def test_interrupted_change_is_detected(tmp_path):
    journal = Journal("111122223333", tmp_path / "j.jsonl")
    journal.begin("fake", Change("a", Call("svc", "Create")), {})
    # the process died here: no end line, and a torn half-line after it
    with open(tmp_path / "j.jsonl", "a") as handle:
        handle.write('{"phase": "end", "id"')
    assert [e.call for e in journal.interrupted()] == ["svc.Create"]


def test_damaged_journal_is_reported_not_rewritten(tmp_path):
    path = tmp_path / "j.jsonl"
    path.write_text("not json\n{}\n")
    with pytest.raises(StepError) as error:
        read_entries(path)
    assert "damaged at line 1" in error.value.title
    assert path.read_text() == "not json\n{}\n"


def test_check_answers_names_each_bad_field():
    from steps import contacts

    errors = check_answers(contacts.INFO.inputs, {"name": "A", "title": "B", "email": "nope", "phone": "12"})
    assert set(errors) == {"email", "phone"}
    assert "not an email address" in errors["email"]


def test_undo_of_a_created_resource_is_journalled_with_its_id(tmp_path):
    class CreateStep(FakeStep):
        def plan(self, state, answers):
            return Plan("fake", (Change("make", Call("svc", "Create", {"N": 1}), key="made",
                                        undo=Call("svc", "Delete", {"Arn": Ref("made", "Made.Arn")})),))

    step, aws = CreateStep(), FakeAWS()
    journal = Journal("111122223333", tmp_path / "j.jsonl")
    run_changes(aws, step, step.plan({}, {}), {}, journal)
    (entry,) = journal.entries()
    assert entry.change["undo"]["params"] == {"Arn": "arn:Create"}
