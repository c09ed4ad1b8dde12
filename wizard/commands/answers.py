"""Answers to the steps' declared inputs from the command line: ``--set contacts.email=a@b.c``."""

from __future__ import annotations

from types import ModuleType
from typing import Any, Iterable

from steps.base import check_answers
from wizard.commands.common import UsageError


def add_answer_option(parser: Any) -> None:
    parser.add_argument("--set", dest="answers", action="append", default=[], metavar="STEP.INPUT=VALUE",
                        help="answer a step's input, e.g. --set contacts.email=security@example.com")


def parse_answers(items: Iterable[str], steps: Iterable[ModuleType]) -> dict[str, dict[str, str]]:
    """``{step id: {input: value}}``; an unknown step or input, or an invalid value, is a usage error."""
    steps = {s.INFO.id: s for s in steps}
    answers: dict[str, dict[str, str]] = {}
    for item in items:
        name, sep, value = item.partition("=")
        step_id, dot, input_name = name.partition(".")
        if not sep or not dot:
            raise UsageError(f"--set {item[:60]!r} should look like STEP.INPUT=VALUE, e.g. contacts.email=a@example.com")
        step = steps.get(step_id)
        if step is None:
            raise UsageError(f"--set names step '{step_id}', which is not selected; the steps are: {', '.join(steps)}")
        known = {i.name: i for i in step.INFO.inputs}
        if input_name not in known:
            choices = ", ".join(known) or "none"
            raise UsageError(f"step '{step_id}' has no input '{input_name}'; its inputs are: {choices}")
        error = known[input_name].check(value)
        if error:
            raise UsageError(f"--set {step_id}.{input_name}: {error}")
        answers.setdefault(step_id, {})[input_name] = value
    for step_id, given in answers.items():
        errors = check_answers([i for i in steps[step_id].INFO.inputs if i.name in given], given)
        if errors:
            raise UsageError(next(iter(errors.values())))
    return answers
