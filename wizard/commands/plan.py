"""`aws-essentials plan`: every change the wizard would make, per step, without making any."""

from __future__ import annotations

import argparse
import json
from typing import Any

from steps.base import Plan
from wizard.commands.answers import add_answer_option, parse_answers
from wizard.commands.common import add_target_options, open_aws, selected_steps, write_output
from wizard.commands.org_options import add_org_options, org_scope, run_org
from wizard.plan_text import plan_changes
from wizard.report.markdown import change_markdown
from wizard.safe_text import markdown as _md


def register(sub: Any) -> None:
    parser = sub.add_parser("plan", help="show the changes that would be made, without making them")
    add_target_options(parser)
    parser.add_argument("--format", choices=("markdown", "json"), default="markdown")
    parser.add_argument("--output", metavar="FILE", help="write the plan here (mode 0600) instead of stdout")
    parser.add_argument("--steps", nargs="+", metavar="STEP", help="only these steps")
    parser.add_argument("--regions", nargs="+", metavar="REGION", help="only these enabled regions")
    add_answer_option(parser)
    add_org_options(parser)


def plans_for(aws: Any, steps: list, answers: dict[str, dict[str, str]]) -> list[tuple[Any, Plan]]:
    """Assess ``steps`` and plan each with its answers: ``[(StepResult, Plan)]``."""
    from wizard.assess import assess

    return [(result, result.plan(answers.get(result.id, {}))) for result in assess(aws, steps)]


def render_plan_markdown(account_id: str, plans: list[tuple[Any, Plan]]) -> str:
    lines = [f"# Planned changes for account {_md(account_id)}", ""]
    for result, plan in plans:
        lines.append(f"## {result.step.INFO.title} (`{result.id}`)")
        lines.append("")
        if result.error:
            lines += [f"Could not plan: {_md(result.error)}", ""]
            continue
        if not plan.changes and not plan.needs:
            lines += ["Nothing to change.", ""]
            continue
        for note in plan.notes:
            lines.append(f"> {_md(note)}")
        for number, _change, change_text in plan_changes(plan):
            lines += change_markdown(number, change_text)
        lines.append("")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    steps = selected_steps(args)
    answers = parse_answers(args.answers, steps)
    scope = org_scope(args)
    aws = open_aws(args)
    if scope is not None:
        return run_organization(args, aws, scope, steps, answers)
    plans = plans_for(aws, steps, answers)
    if args.format == "json":
        text = json.dumps({"account_id": aws.account_id, "plans": [p.to_dict() for _, p in plans]}, indent=2) + "\n"
    else:
        text = render_plan_markdown(aws.account_id, plans)
    write_output(args.output, text)
    return 0


def run_organization(args: argparse.Namespace, aws: Any, scope: Any, steps: list,
                     answers: dict[str, dict[str, str]]) -> int:
    """``plan --org``: each account's plans, one section per account (the same answers for all)."""
    runs = run_org(aws, scope, lambda account_aws: plans_for(account_aws, steps, answers))
    if args.format == "json":
        accounts = [{"account_id": run.member.id, "name": run.member.name, "error": run.error,
                     "plans": [p.to_dict() for _, p in run.result or []]} for run in runs]
        text = json.dumps({"account_id": aws.account_id, "accounts": accounts}, indent=2) + "\n"
    else:
        parts = [f"# Planned changes for the organization of account {aws.account_id}", ""]
        for run in runs:
            if run.error:
                parts += [f"# Planned changes for account {run.member.id}", "", f"Could not plan: {_md(run.error)}", ""]
            else:
                parts.append(render_plan_markdown(run.member.id, run.result))
        text = "\n".join(parts)
    write_output(args.output, text)
    return 0
