"""`aws-essentials fix --steps S... --yes`: apply the named steps' automatic fixes, without prompts.

Only plain automatic changes run. Manual changes and those that need the account id typed are
listed with the reason and left for the wizard, where a person can confirm them.
"""

from __future__ import annotations

import argparse
import sys
from contextlib import nullcontext
from typing import Any, Callable

from steps.executor import PlanDrifted
from wizard.commands.answers import add_answer_option, parse_answers
from wizard.commands.common import PROG, UsageError, add_target_options, open_aws, selected_steps
from wizard.commands.org_options import add_org_options, org_scope, run_org
from wizard.safe_text import clean
from wizard.stopping import StopRequest, stop_on_signals


def register(sub: Any) -> None:
    parser = sub.add_parser("fix", help="apply the automatic fixes of named steps, non-interactively (needs --yes)")
    add_target_options(parser)
    parser.add_argument("--steps", nargs="+", metavar="STEP", help="the steps to fix (required)")
    parser.add_argument("--regions", nargs="+", metavar="REGION", help="only these enabled regions")
    parser.add_argument("--yes", action="store_true", help="confirm: apply without asking")
    add_answer_option(parser)
    parser.add_argument("--replace", action="store_true",
                        help="put the --set answers into what is already set too (today: the contacts step's "
                             "registered contacts; undoable)")
    add_org_options(parser)


def skip_reason(change: Any) -> str:
    if change.manual:
        return "manual: a person does this in the console"
    if change.risky:
        return "needs the account id typed: run the wizard to confirm it"
    return "depends on a change that was skipped"


def run(args: argparse.Namespace) -> int:
    if not args.steps:
        raise UsageError("fix applies only named steps: pass --steps, e.g. --steps contacts s3")
    if not args.yes:
        raise UsageError("fix writes without asking only with --yes; to review each change, run the wizard")
    steps = selected_steps(args)
    answers = parse_answers(args.answers, steps)
    if getattr(args, "replace", False):
        replace_with(answers)
    scope = org_scope(args)
    from wizard.run_as import warn_if_mismatched, who

    aws = open_aws(args, before_identity=warn_if_mismatched)
    print(who(aws))  # before anything is written: the owner sees whose account this is
    if scope is None:
        try:
            # the lines quote the account's names and AWS's errors: no control character reaches the terminal
            failed = fix_account(aws, steps, answers, lambda line: print(clean(line)), stoppable=True)
        except FixStopped as stopped:
            sys.stdout.flush()
            print(f"{PROG}: {clean(str(stopped))}", file=sys.stderr)
            return stopped.exit_code
        sys.stdout.flush()
        return 1 if failed else 0
    # --org: every account in turn of the pool; each account's lines are printed together, prefixed
    # with its id, in the accounts' order.
    def one(account_aws: Any) -> tuple[list[str], bool]:
        lines: list[str] = []
        return lines, fix_account(account_aws, steps, answers, lines.append)

    runs = run_org(aws, scope, one)
    failed = False
    for run in runs:
        if run.error:
            print(clean(f"{run.member.id}: could not reach the account: {run.error}"))
            failed = True
            continue
        lines, account_failed = run.result
        print(clean("\n".join(f"{run.member.id} {line}" for line in lines)))
        failed |= account_failed
    sys.stdout.flush()
    return 1 if failed else 0


def replace_with(answers: dict[str, dict[str, str]]) -> None:
    """Mark the contacts answers as replacing what is registered; a usage error without them."""
    from steps import contacts

    if not answers.get(contacts.INFO.id):
        raise UsageError("--replace puts the --set answers into the registered contacts: select --steps contacts "
                         "and give the new values, e.g. --set contacts.email=security@example.com")
    answers[contacts.INFO.id][contacts.REPLACE] = "yes"


class FixStopped(Exception):
    """Ctrl-C or SIGTERM stopped ``fix`` between two calls; what ran and what did not was said."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def fix_account(aws: Any, steps: list, answers: dict[str, dict[str, str]], emit: Callable[[str], Any],
                stoppable: bool = False) -> bool:
    """Assess ``steps`` in one account and apply their automatic fixes, saying each outcome with
    ``emit``; True when something failed or could not be done.

    With ``stoppable`` (the main thread of a single-account run), Ctrl-C or SIGTERM during an apply
    lets the call in flight finish, sends nothing more, says what was not sent and raises
    :class:`FixStopped`.

    All steps are read at once; once a fix has been applied, the later steps are read again
    before they are planned, since a fix can change what they see (a new bucket, a new role).
    """
    from wizard.apply import apply_plan
    from wizard.assess import assess, assess_step

    failed = False
    first = dict(zip((s.INFO.id for s in steps), assess(aws, steps)))
    wrote = False
    for step in steps:
        result = assess_step(aws, step) if wrote else first[step.INFO.id]  # writes empty the read cache
        step_answers = answers.get(result.id, {})
        plan = result.plan(step_answers)
        if result.error:
            emit(f"{result.id}: could not assess: {result.error}")
            failed = True
            continue
        if plan.needs:
            emit(f"{result.id}: needs answers first: " + "; ".join(plan.notes)
                         + f" (give them with --set {result.id}.INPUT=VALUE)")
            failed = True
            continue
        if not plan.changes:
            emit(f"{result.id}: nothing to change")
            continue
        try:
            with stop_on_signals() if stoppable else nullcontext(StopRequest()) as stop:
                outcome = apply_plan(aws, result.step, plan, step_answers, only=lambda c: not c.risky, stop=stop,
                                     on_wait=lambda line, step_id=result.id: emit(f"{step_id}: {line}"))
        except PlanDrifted:
            emit(f"{result.id}: the account changed while planning; nothing was written. Run fix again.")
            failed = True
            continue
        for done in outcome.results:
            mark = "done" if done.ok else f"FAILED: {done.detail}"
            emit(f"{result.id}: {done.change.title}: {mark}")
        for change in outcome.skipped:
            emit(f"{result.id}: skipped {change.title}: {skip_reason(change)}")
        failed |= not outcome.ok
        wrote = wrote or bool(outcome.results)
        if stop.is_set():
            _stopped(result.id, outcome, steps[steps.index(step) + 1:], emit, stop)
    return failed


def _stopped(step_id: str, outcome: Any, later: list, emit: Callable[[str], Any], stop: StopRequest) -> None:
    for change in outcome.not_run:
        emit(f"{step_id}: not sent (stopped): {change.title}")
    for step in later:
        emit(f"{step.INFO.id}: not started (stopped)")
    how = "terminated" if stop.exit_code == 143 else "interrupted"
    sent, unsent = len(outcome.results), len(outcome.not_run)
    raise FixStopped(f"{how}; stopped after the call in flight. In {step_id}, {sent} call(s) were sent and "
                     f"journalled, {unsent} not sent" + (f"; {len(later)} later step(s) not started" if later else "")
                     + " (listed above). Run fix again to finish.", stop.exit_code)
