"""Whole-organization runs: find the member accounts and run the same work in each, in parallel.

From the management account, each member is reached by assuming a role there
(``OrganizationAccountAccessRole`` by default). An account that cannot be reached is reported
with the reason and the others go on.
"""

from __future__ import annotations

import re
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Sequence

from steps.base import Finding, Severity, Status, StepError, summarize
from wizard.aws import AWS, ReadFailed
from wizard.root_caller import refuse_root

ACCOUNT_ID = re.compile(r"^\d{12}$")
OU_ID = re.compile(r"^(ou-[0-9a-z]{4,32}-[0-9a-z]{8,32}|r-[0-9a-z]{4,32})$")
ROLE_NAME = re.compile(r"^[\w+=,.@-]{1,64}$")
PARALLEL_ACCOUNTS = 8  # accounts in flight at a time; each runs its regions in the shared region pool


@dataclass
class Member:
    """An account of the organization."""

    id: str
    name: str = ""


@dataclass
class AccountRun:
    """What one account's run produced: ``result`` from the work, or the ``error`` that stopped it."""

    member: Member
    result: Any = None
    error: str = ""
    aws: AWS | None = field(default=None, repr=False)


def list_members(aws: AWS, accounts: Iterable[str] = (), ou: str | None = None) -> list[Member]:
    """The active accounts to walk: the management account first, then the members.

    ``accounts`` narrows to those ids; ``ou`` to the accounts under that OU (nested OUs included).
    """
    accounts = list(accounts)
    for account_id in accounts:
        if not ACCOUNT_ID.match(account_id):
            raise StepError(f"'{account_id[:40]}' is not an account id", "account ids are 12 digits")
    if ou and not OU_ID.match(ou):
        raise StepError(f"'{ou[:60]}' is not an OU id", "OU ids look like ou-ab12-cd34ef56 (or r-ab12 for the root)")
    try:
        org = aws.read("organizations", "DescribeOrganization")["Organization"]
    except ReadFailed as failed:
        raise StepError(f"could not read the organization: {failed.reason}",
                        "--org needs credentials of the organization's management account") from None
    if org.get("MasterAccountId") != aws.account_id:
        raise StepError("--org must run from the organization's management account",
                        f"this is {aws.account_id}; the management account is {org.get('MasterAccountId')}")
    try:
        if ou:
            found = _accounts_under(aws, ou)
        else:
            found = aws.read("organizations", "ListAccounts", paginate=True).get("Accounts", [])
    except ReadFailed as failed:
        raise StepError(f"could not list the organization's accounts: {failed.reason}",
                        "grant organizations:ListAccounts to the caller") from None
    active = {a["Id"]: Member(a["Id"], a.get("Name", "")) for a in found if a.get("Status", "ACTIVE") == "ACTIVE"}
    missing = [a for a in accounts if a not in active and a != aws.account_id]
    if missing:
        raise StepError(f"account {missing[0]} is not an active account of this organization"
                        + (f" under {ou}" if ou else ""), "see `aws organizations list-accounts`")
    chosen = [active[a] if a in active else Member(a) for a in accounts] if accounts else list(active.values())
    if any(m.id != aws.account_id for m in chosen):  # members are reached by assuming a role
        refuse_root(aws.caller_arn, "--org")
    management = next((m for m in chosen if m.id == aws.account_id), None)
    others = sorted((m for m in chosen if m.id != aws.account_id), key=lambda m: m.id)
    return ([management] if management else []) + others


def _accounts_under(aws: AWS, parent: str) -> list[dict]:
    found = list(aws.read("organizations", "ListAccountsForParent", ParentId=parent, paginate=True).get("Accounts", []))
    children = aws.read("organizations", "ListOrganizationalUnitsForParent", ParentId=parent, paginate=True)
    for child in children.get("OrganizationalUnits", []):
        found += _accounts_under(aws, child["Id"])
    return found


def for_each_account(aws: AWS, members: list[Member], work: Callable[[AWS], Any],
                     role_name: str = "OrganizationAccountAccessRole", parallel: int = 4,
                     on_done: Callable[[AccountRun], None] | None = None,
                     management_id: str | None = None) -> list[AccountRun]:
    """Run ``work(account_aws)`` in every account, ``parallel`` accounts at a time, in ``members`` order.

    ``management_id`` is ``aws``'s account id when the caller knows it already (saves a read).
    """
    _check_role_name(role_name)
    management_id = management_id or aws.account_id

    def one(member: Member) -> AccountRun:
        run = run_in_account(aws, member, work, role_name, management_id)
        if on_done:
            on_done(run)
        return run

    with ThreadPoolExecutor(max(1, min(parallel, len(members))), thread_name_prefix="aws-account") as pool:
        return list(pool.map(one, members))


def serve_accounts(aws: AWS, take: Callable[[], Member | None], work: Callable[[AWS], Any],
                   on_done: Callable[[AccountRun], None], role_name: str, parallel: int, management_id: str) -> None:
    """Run ``work`` in each account ``take()`` hands out, ``parallel`` at a time, until it hands out None;
    ``on_done`` hears of each run as it ends. Accounts are taken one at a time as a thread frees up, so a
    caller can share them out between processes as each process has room (wizard/org_workers.py)."""
    _check_role_name(role_name)

    def serve() -> None:
        while (member := take()) is not None:
            on_done(run_in_account(aws, member, work, role_name, management_id))

    with ThreadPoolExecutor(max(1, parallel), thread_name_prefix="aws-account") as pool:
        for served in [pool.submit(serve) for _ in range(max(1, parallel))]:
            served.result()


def run_in_account(aws: AWS, member: Member, work: Callable[[AWS], Any], role_name: str,
                   management_id: str) -> AccountRun:
    """``work`` in ``member`` (the management account's own ``aws``, or a role assumed from it)."""
    account_aws = aws if member.id == management_id else aws.member(member.id, role_name)
    run = AccountRun(member, aws=account_aws)
    try:
        account_aws.identity()
        run.result = work(account_aws)
    except StepError as error:
        run.error = str(error)
    return run


def _check_role_name(role_name: str) -> None:
    if not ROLE_NAME.match(role_name):
        raise StepError(f"'{role_name[:70]}' is not a role name", "role names use letters, digits and +=,.@_-")


@dataclass
class AccountFindings:
    """One account's assessment in report form: plain data, so a worker process can send it back."""

    items: list[dict[str, Any]]  # findings/v1 items, each with its account id
    summary: dict[str, int]
    not_assessed: list[dict[str, Any]] = field(default_factory=list)  # steps whose collection failed
    regions_disabled: list[dict[str, str]] = field(default_factory=list)  # regions not assessed, and why
    # wizard.report.fixes_for of the account's results: each step planned with no answers, where the
    # states are (a worker process), so the report shows every finding's real fix in this account
    fixes: dict[str, dict[str, Any]] = field(default_factory=dict)
    regions: list[str] = field(default_factory=list)  # the regions checked in this account (its enabled ones)
    steps: dict[str, list[str]] = field(default_factory=dict)  # the steps run, with their declared check ids


def account_findings(account_id: str, results: list, regions: list[str] | None = None,
                     regions_disabled: Sequence[dict[str, str]] = (), plan: bool = True) -> AccountFindings:
    """The report form of ``results`` (``[wizard.assess.StepResult]``) for ``account_id``; with ``plan``,
    its fixes too (only the HTML and Markdown reports show them)."""
    from wizard.report import findings_document, fixes_for

    document = findings_document(account_id, regions or [], results, regions_disabled=regions_disabled)
    return AccountFindings(document["findings"], document["summary"], document["not_assessed"],
                           document["regions_disabled"], fixes_for(results) if plan else {}, document["regions"],
                           document["steps"])


def org_fixes(runs: list[AccountRun]) -> dict[str, dict[str, dict[str, Any]]]:
    """``{account id: {step id: fix}}`` for the report's "how to fix": each reached account's plans."""
    from wizard.report import fixes_for

    out = {}
    for run in runs:
        if not run.error:
            out[run.member.id] = run.result.fixes if isinstance(run.result, AccountFindings) else fixes_for(run.result)
    return out


def unreachable_finding(run: AccountRun) -> Finding:
    """The finding that stands for an account the run could not reach."""
    return Finding(
        check="assume-role", title="Account reachable from the management account", status=Status.UNKNOWN,
        message=f"Could not check this account: {run.error}", severity=Severity.HIGH, resource=run.member.id,
    )


def org_findings_document(management: AWS, runs: list[AccountRun], regions: list[str],
                          regions_disabled: Sequence[dict[str, str]] = ()) -> dict[str, Any]:
    """One findings/v1 document for the organization, with a per-account summary table.

    Each run's ``result`` is the account's :class:`AccountFindings`, or its list of step results.
    ``regions_disabled`` are the management account's regions not assessed; each account's row has its own.
    """
    from wizard.report import findings_document

    findings, accounts, skipped, steps = [], [], [], {}
    total: Counter[str] = Counter()
    for run in runs:
        if run.error:
            unreachable = unreachable_finding(run)
            found = AccountFindings([{"account_id": run.member.id, "step": "organization", **unreachable.to_dict()}],
                                    summarize([unreachable]),
                                    [{"account_id": run.member.id, "step": "", "reason": run.error}])
        elif isinstance(run.result, AccountFindings):
            found = run.result
        else:
            from wizard.aws_regions import regions_out_of_scope

            found = account_findings(run.member.id, run.result,
                                     regions_disabled=regions_out_of_scope(run.aws) if run.aws else ())
        findings += found.items
        skipped += found.not_assessed
        steps.update(found.steps)
        total.update(found.summary)
        accounts.append({"account_id": run.member.id, "name": run.member.name, "error": run.error,
                         "summary": found.summary, "regions_disabled": found.regions_disabled,
                         "regions": found.regions})
    document = findings_document(management.account_id, regions, [], caller_arn=management.caller_arn,
                                 regions_disabled=regions_disabled)
    document.update(summary={status: total[status] for status in document["summary"]}, findings=findings,
                    accounts=accounts, not_assessed=skipped, steps=steps)
    return document
