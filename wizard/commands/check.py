"""`aws-essentials check`: assess without changing anything; exit 3 when something FAILs.

A run that could not assess an account (its role could not be assumed) or a step (its collection
failed as a whole) exits 4, "incomplete", even when something also FAILs: its FAIL count is only a
lower bound, and a pipeline must not read a partial run as a clean one. ``--allow-incomplete``
opts out (then 3 or 0 as for a complete run); what was not assessed is still said on stderr.

Each run is kept as the account's last run (wizard/lastrun.py; with ``--org``, every account's,
wizard/lastrun_org.py); ``--diff`` shows what was fixed, what regressed and what is new since then,
over what both runs assessed, and the reports carry it as "Since last visit" (compared before the
run is kept). A regression exits 3 whatever ``--fail-on`` says.
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
                                        "fails or regressed since the last run; 4 the run is incomplete (an account or a step could not be "
                                        "assessed; 4 wins over 3, see --allow-incomplete); 1 an error; "
                                        "2 bad usage; 130/143 interrupted.")
    add_target_options(parser)
    parser.add_argument("--format", choices=FORMATS, default="table",
                        help="table (default), json, markdown, html (a report to hand over) or ocsf (Detection Findings)")
    parser.add_argument("--output", metavar="FILE", help="write the report here (mode 0600) instead of stdout")
    parser.add_argument("--steps", nargs="+", metavar="STEP", help="only these steps (ids, comma or space separated)")
    parser.add_argument("--regions", nargs="+", metavar="REGION", help="only these enabled regions")
    parser.add_argument("--diff", action="store_true",
                        help="also say what was fixed, what regressed and what is new since the last check, over "
                             "the steps, regions and checks both runs assessed (with --org: per account and in "
                             "total); on stdout after a table or with --output, else on stderr")
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
    from wizard.lastrun import LastRunDamaged, store, visit
    from wizard.report import RENDERERS, findings_document, fixes_for

    steps = selected_steps(args)
    scope = org_scope(args)
    check_report_options(args)
    if scope is not None:
        return run_organization(args, steps, scope)
    from wizard.aws_regions import regions_out_of_scope

    aws = open_aws(args)
    aws.spread_reads = True  # a large account's bucket reads in a second process (wizard/read_offload.py)
    results = assess(aws, steps)
    document = findings_document(aws.account_id, aws.regions(), results, caller_arn=aws.caller_arn,
                                 regions_disabled=regions_out_of_scope(aws))
    diff, previous, damaged = None, None, False
    try:  # compared before this run is kept, so the report carries its "Since last visit"
        diff, previous = visit(document)
        document["since_last_visit"] = diff.to_dict()
    except LastRunDamaged as error:
        damaged = True
        print(f"{PROG}: warning: {error.title}; {error.hint}. No comparison with the last run was made.",
              file=sys.stderr)
    if args.format in ("html", "markdown"):  # the same sections, with how to fix each step
        text = _render(args.format, document, journal_entries(aws.account_id), fixes_for(results),
                       engagement_of(args, aws, document, steps))
    else:
        text = RENDERERS[args.format](document)
    write_output(args.output, text)
    if not damaged:  # kept only once the report is written; a damaged file is never overwritten
        store(document, previous)
    if args.diff and diff is not None:
        print_diff(args, diff.to_dict())
    regressed = bool(diff and diff.regressed)
    return exit_code(document, bool(fails_at(document, args.fail_on) or regressed), args.allow_incomplete)


def _render(fmt: str, document: dict[str, Any], entries: list, fixes: dict[str, Any], engagement: Any) -> str:
    """The HTML or Markdown report: the same sections, each change made and each fix."""
    from wizard import report

    if fmt == "html":
        return report.render_html(document, entries, fixes, engagement=engagement)
    return report.render_markdown(document, fixes, journal_entries=entries, engagement=engagement)


def journal_entries(account_id: str, all_accounts: bool = False) -> list:
    """The journal's entries of ``account_id`` (or of every account) for a report; none, with a warning,
    when the journal is damaged (it must not stop the report)."""
    from wizard.journal import Journal

    try:
        return Journal(account_id).entries(all_accounts=all_accounts)
    except StepError as error:
        print(f"{PROG}: warning: {error.title}; {error.hint}. The report lists no changes.", file=sys.stderr)
        return []


def print_diff(args: argparse.Namespace, data: dict[str, Any]) -> None:
    """``--diff``: on stdout when it carries no machine-readable report, so pipes of JSON/OCSF/HTML stay clean."""
    from wizard.report.trend import text

    stream = sys.stdout if args.format == "table" or args.output else sys.stderr
    # the diff names resources as the account spells them: no control character reaches the terminal
    stream.write(("\n" if stream is sys.stdout and not args.output else "") + clean(text(data)))


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
    Each assessed account's run is kept as its own last run (wizard/lastrun_org.py); ``--diff``
    says per account and in total what changed since then. Exit 3 when a finding of any account
    FAILs (at ``--fail-on``'s severity) or regressed, 4 when an account or a step could not be
    assessed (see :func:`exit_code`).
    """
    from wizard.lastrun_org import visit_org
    from wizard.org import list_members, org_findings_document, org_fixes
    from wizard.org_workers import assess_organization, start_workers
    from wizard.report import RENDERERS

    with start_workers() as workers:  # started now, their imports overlap the first reads below
        aws = open_aws(args)
        # each account's fixes are planned only for the reports that show them
        runs, _ = assess_organization(aws, list_members(aws, scope.accounts, scope.ou), steps, scope.role,
                                      plan=args.format in ("html", "markdown"), started=workers)
    from wizard.aws_regions import regions_out_of_scope

    document = org_findings_document(aws, runs, aws.regions(), regions_out_of_scope(aws))
    visit = visit_org(document)  # each account against its own last run, before this run is kept
    document["since_last_visit"] = visit.data
    for warning in visit.warnings:
        print(f"{PROG}: warning: {warning}. That account was not compared.", file=sys.stderr)
    if args.format in ("html", "markdown"):
        # each account's own plans (made where its states are) and its journalled changes (fix --org)
        organization = [(m.id, m.name) for m in list_members(aws)] if scope.accounts or scope.ou else []
        text = _render(args.format, document, journal_entries(aws.account_id, all_accounts=True), org_fixes(runs),
                       engagement_of(args, aws, document, steps, organization))
    else:
        text = RENDERERS[args.format](document)
    write_output(args.output, text)
    visit.keep()
    if args.diff:
        print_diff(args, visit.data)
    failed = bool(fails_at(document, args.fail_on)) or visit.regressed
    return exit_code(document, failed, args.allow_incomplete)
