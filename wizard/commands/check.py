"""`aws-essentials check`: assess without changing anything; exit 3 when something FAILs.

A run that could not assess an account (its role could not be assumed) or a step (its collection
failed as a whole) exits 4, "incomplete", even when something also FAILs: its FAIL count is only a
lower bound, and a pipeline must not read a partial run as a clean one. ``--allow-incomplete``
opts out (then 3 or 0 as for a complete run); what was not assessed is still said on stderr.

Each run is kept as the account's last run (wizard/lastrun.py); ``--diff`` shows what was fixed,
what regressed and what is new since then. A regression exits 3 whatever ``--fail-on`` says.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from steps.base import StepError
from wizard.commands.common import PROG, add_target_options, open_aws, selected_steps, write_output
from wizard.commands.org_options import add_org_options, org_scope
from wizard.commands.report_options import add_report_options, check_report_options, engagement_of
from wizard.safe_text import clean

FORMATS = ("table", "json", "markdown", "html", "ocsf")
FAIL_ON = ("any", "critical", "high", "medium", "low")
EXIT_FAILED, EXIT_INCOMPLETE = 3, 4
_SHOWN = 10  # not-assessed items named on stderr; the report lists them all
_RANK = {"critical": 0, "high": 1, "medium": 2, "low": 3, "info": 4}


def register(sub: Any) -> None:
    parser = sub.add_parser("check", help="assess the account without changing it (exit 3 when a check fails, "
                                          "4 when an account or step could not be assessed)",
                            description="Assess without changing anything. Exit codes: 0 nothing fails; 3 a check "
                                        "fails; 4 the run is incomplete (an account or a step could not be "
                                        "assessed; 4 wins over 3, see --allow-incomplete); 1 an error; "
                                        "2 bad usage; 130/143 interrupted.")
    add_target_options(parser)
    parser.add_argument("--format", choices=FORMATS, default="table",
                        help="table (default), json, markdown, html (a report to hand over) or ocsf (Detection Findings)")
    parser.add_argument("--output", metavar="FILE", help="write the report here (mode 0600) instead of stdout")
    parser.add_argument("--steps", nargs="+", metavar="STEP", help="only these steps (ids, comma or space separated)")
    parser.add_argument("--regions", nargs="+", metavar="REGION", help="only these enabled regions")
    parser.add_argument("--diff", action="store_true",
                        help="also say what was fixed, what regressed and what is new since the last check "
                             "(on stdout after a table or with --output, else on stderr)")
    parser.add_argument("--fail-on", choices=FAIL_ON, default="any",
                        help="exit 3 only for failures of this severity or worse (default: any); "
                             "a regression since the last run always exits 3")
    parser.add_argument("--allow-incomplete", action="store_true",
                        help="exit 0 or 3 even when an account or a step could not be assessed "
                             "(default: exit 4, which wins over 3; what was not assessed is named on stderr)")
    add_org_options(parser)
    add_report_options(parser)


def fails_at(document: dict[str, Any], threshold: str) -> list[dict[str, Any]]:
    """The FAIL findings at or above ``threshold`` (``any``: every FAIL)."""
    limit = len(_RANK) if threshold == "any" else _RANK[threshold]
    return [f for f in document["findings"] if f["status"] == "FAIL" and _RANK.get(f["severity"], 4) <= limit]


def run(args: argparse.Namespace) -> int:
    from wizard.assess import assess
    from wizard.lastrun import LastRunDamaged, record
    from wizard.report import RENDERERS, findings_document, fixes_for, render_html, render_markdown

    steps = selected_steps(args)
    scope = org_scope(args)
    check_report_options(args)
    if scope is not None:
        return run_organization(args, steps, scope)
    aws = open_aws(args)
    results = assess(aws, steps)
    document = findings_document(aws.account_id, aws.regions(), results, caller_arn=aws.caller_arn)
    if args.format in ("html", "markdown"):  # the same sections, with how to fix each step
        render = render_html if args.format == "html" else render_markdown
        text = render(document, journal_entries=_journal(aws.account_id), fixes=fixes_for(results),
                      engagement=engagement_of(args, aws, document, steps))
    else:
        text = RENDERERS[args.format](document)
    write_output(args.output, text)

    diff = None
    try:
        diff = record(document)
    except LastRunDamaged as error:
        print(f"{PROG}: warning: {error.title}; {error.hint}. No comparison with the last run was made.",
              file=sys.stderr)
    if args.diff and diff is not None:
        # stdout when it carries no machine-readable report, so pipes of JSON/OCSF/HTML stay clean
        stream = sys.stdout if args.format == "table" or args.output else sys.stderr
        # the diff names resources as the account spells them: no control character reaches the terminal
        stream.write(("\n" if stream is sys.stdout and not args.output else "") + clean(diff.render()))
    regressed = bool(diff and diff.regressed)
    return exit_code(document, bool(fails_at(document, args.fail_on) or regressed), args.allow_incomplete)


def _journal(account_id: str) -> list[Any]:
    """The account's journal entries, for the reports' "Changes made"; none when it is damaged."""
    from wizard.journal import Journal

    try:
        return Journal(account_id).entries()
    except StepError as error:  # a damaged journal must not stop the report
        print(f"{PROG}: warning: {error.title}; {error.hint}. The report lists no changes.", file=sys.stderr)
        return []


def exit_code(document: dict[str, Any], failed: bool, allow_incomplete: bool) -> int:
    """4 when something could not be assessed (unless allowed), else 3 when ``failed``, else 0;
    what was not assessed is named on stderr either way."""
    from wizard.report import not_assessed

    skipped = not_assessed(document)
    for item in skipped[:_SHOWN]:
        what = f"account {item['account_id']}" + (f" step {item['step']}" if item["step"] else "")
        print(f"{PROG}: warning: could not check {what}: {clean(item['reason'])}", file=sys.stderr)
    if len(skipped) > _SHOWN:
        print(f"{PROG}: warning: ...and {len(skipped) - _SHOWN} more (see the report)", file=sys.stderr)
    if skipped and not allow_incomplete:
        print(f"{PROG}: the run is incomplete: {len(skipped)} account(s) or step(s) not assessed (exit "
              f"{EXIT_INCOMPLETE}; --allow-incomplete exits as for a complete run)", file=sys.stderr)
        return EXIT_INCOMPLETE
    return EXIT_FAILED if failed else 0


def run_organization(args: argparse.Namespace, steps: list, scope: Any) -> int:
    """``check --org``: one report over every chosen account, with a per-account summary.

    Member accounts are assessed in worker processes, one per core (wizard/org_workers.py).

    An account whose role cannot be assumed is one UNKNOWN finding with the reason; the run goes on.
    Exit 3 when a finding of any account FAILs (at ``--fail-on``'s severity), 4 when an account or
    a step could not be assessed (see :func:`exit_code`).
    """
    from wizard.org import list_members, org_findings_document
    from wizard.org_workers import assess_organization
    from wizard.report import RENDERERS, render_html, render_markdown

    aws = open_aws(args)
    runs, _ = assess_organization(aws, list_members(aws, scope.accounts, scope.ou), steps, scope.role)
    document = org_findings_document(aws, runs, aws.regions())
    if args.format in ("html", "markdown"):
        # Fixes are planned per account; the report lists the failures and the wizard plans each account.
        render = render_html if args.format == "html" else render_markdown
        organization = [(m.id, m.name) for m in list_members(aws)] if scope.accounts or scope.ou else []
        text = render(document, fixes={}, engagement=engagement_of(args, aws, document, steps, organization))
    else:
        text = RENDERERS[args.format](document)
    write_output(args.output, text)
    return exit_code(document, bool(fails_at(document, args.fail_on)), args.allow_incomplete)
