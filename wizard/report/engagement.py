"""The engagement a report belongs to: who it is for and by whom, when, what was in scope and what
was not, how it was made and what it cannot say. Rendered by the HTML and Markdown reports (the
header, the scope, the methodology and the sign-off); pure, from the options and the document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Iterable

MAX_NAME = 120
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")

# Our own words; every rendering shows the same text.
METHODOLOGY = (
    "aws-essentials read the account(s) with read-only API calls (Describe, Get and List; the IAM "
    "policy it needs is `aws-essentials permissions --mode read`) and judged what it read against its "
    "declared checks, which follow the AWS Security Essentials day-one guide and carry the CIS AWS "
    "Foundations Benchmark v5.0.0 and AWS Security Hub control ids they relate to.",
    "Each check gives one result per account, region and resource: PASS, FAIL, MANUAL (a person must "
    "look or act) or UNKNOWN (it could not be read, e.g. access denied). Something that could not be "
    "seen is never counted as a failure.",
    "Changes listed in this report were made with aws-essentials after a preview and a confirmation, "
    "and are recorded in its journal with how to undo them.",
)
LIMITATIONS = (
    "A point-in-time assessment: it says what the account looked like when it was read, not before or "
    "after.",
    "It covers the checks listed in the catalogue (`aws-essentials catalogue`) and the regions and "
    "accounts in scope below; CIS recommendations no check carries are marked as not covered and need "
    "a person's review.",
    "It is not a penetration test, an audit opinion or a review of workloads, application code or data.",
    "It saw only what the credentials used were allowed to read; UNKNOWN results and accounts or steps "
    "not assessed are gaps, not passes.",
)


def validate_party_name(value: str | None, option: str) -> str | None:
    """One line saying what is wrong with a ``--customer-name``/``--prepared-by`` value, or None."""
    if value is None:
        return None
    if not value.strip():
        return f"{option} is empty; give a name, e.g. {option} \"Example Ltd\""
    if len(value) > MAX_NAME:
        return f"{option} is {len(value)} characters long; keep it to {MAX_NAME}"
    if _CONTROL.search(value):
        return f"{option} holds a control character; type the name as plain text"
    return None


def zoned_time(iso: str | None, zone: Any = None) -> str:
    """``2026-11-30T00:44:25+00:00`` as "2026-11-30 00:44 UTC (UTC+00:00)": the date a reader signs,
    with its time zone (the machine's local zone unless ``zone`` is given)."""
    try:
        moment = datetime.fromisoformat(iso or "")
    except ValueError:
        return iso or ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    local = moment.astimezone(zone)
    offset = local.strftime("%z")
    return f"{local:%Y-%m-%d %H:%M} {local.tzname() or ''} (UTC{offset[:3]}:{offset[3:]})".replace("  ", " ")


@dataclass(frozen=True)
class Engagement:
    """What the report's header, scope, methodology and sign-off say."""

    title: str  # "Organization report" or "Account report"
    customer: str
    prepared_by: str = ""
    date: str = ""  # with its time zone
    accounts: tuple[tuple[str, str], ...] = ()  # in scope: (id, name)
    accounts_out: tuple[tuple[str, str], ...] = ()  # in the organization, not chosen
    regions: tuple[str, ...] = ()
    regions_out: tuple[str, ...] = ()  # enabled but not chosen (--regions)
    regions_disabled: tuple[str, ...] = ()  # not enabled in the account (opt-in regions)
    steps_not_run: tuple[str, ...] = ()  # step titles (--steps narrowed)
    checks_not_run: tuple[str, ...] = field(default=())  # their checks' titles

    def rows(self) -> list[tuple[str, str]]:
        """The "Engagement and scope" section as (label, value) rows, the same in every rendering."""
        def accounts(pairs: tuple[tuple[str, str], ...]) -> str:
            return ", ".join(f"{a} ({n})" if n else a for a, n in pairs) or "none"

        return [("Report", self.title), ("Customer", self.customer),
                ("Prepared by", self.prepared_by or "not given (--prepared-by)"), ("Date", self.date),
                ("Accounts in scope", accounts(self.accounts)), ("Accounts out of scope", accounts(self.accounts_out)),
                ("Regions in scope", ", ".join(self.regions) or "none"),
                ("Regions enabled, not in scope", ", ".join(self.regions_out) or "none"),
                ("Regions disabled (not checked)", ", ".join(self.regions_disabled) or "none"),
                ("Steps not run", ", ".join(self.steps_not_run) or "none: every step ran"),
                ("Checks not run", f"{len(self.checks_not_run)}: " + "; ".join(self.checks_not_run)
                 if self.checks_not_run else "none")]

    @property
    def header(self) -> str:
        """The running header of every printed page."""
        return " · ".join(part for part in (self.customer, self.title, self.date) if part)


def engagement_for(document: dict[str, Any], *, customer: str | None = None, prepared_by: str | None = None,
                   steps_run: Iterable[str] | None = None, accounts_all: Iterable[tuple[str, str]] = (),
                   zone: Any = None) -> Engagement:
    """The engagement of ``document``; what is not given is left out or taken from the document (the
    customer defaults to the account id; the regions not assessed are the document's
    ``regions_disabled``, wizard/aws_regions.py)."""
    from wizard.aws_regions import NOT_ENABLED

    org = bool(document.get("accounts"))
    accounts = tuple((row["account_id"], row.get("name") or "") for row in document.get("accounts") or ()) or (
        (document["account_id"], ""),)
    chosen = {a for a, _ in accounts}
    regions = tuple(document.get("regions") or ())
    left_out = document.get("regions_disabled") or ()
    steps_not_run: tuple[str, ...] = ()
    checks_not_run: tuple[str, ...] = ()
    if steps_run is not None:
        from steps import STEPS

        ran = set(steps_run)
        skipped = [s for s in STEPS if s.INFO.id not in ran]
        steps_not_run = tuple(s.INFO.title for s in skipped)
        checks_not_run = tuple(c.title_all or c.title for s in skipped for c in s.INFO.checks)
    return Engagement(
        title="Organization report" if org else "Account report",
        customer=customer or document["account_id"],
        prepared_by=prepared_by or "",
        date=zoned_time(document.get("generated_at"), zone),
        accounts=accounts,
        accounts_out=tuple((a, n) for a, n in accounts_all if a not in chosen),
        regions=regions,
        regions_out=tuple(sorted(r["region"] for r in left_out if r["reason"] != NOT_ENABLED)),
        regions_disabled=tuple(sorted(r["region"] for r in left_out if r["reason"] == NOT_ENABLED)),
        steps_not_run=steps_not_run,
        checks_not_run=checks_not_run,
    )
