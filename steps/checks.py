"""Checks declared as data: each check's id, title, severity and mappings are written once.

A step declares its checks as module-level ``Check`` values, lists them in ``StepInfo.checks`` and
builds every ``Finding`` from them (``CHECK.failed(message, resource=...)``), so the catalogue
(``aws-essentials catalogue``, docs/catalogue.md) and the findings can never disagree.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from steps.base import Finding, Severity, Status

# How a failure of a check is put right: by an API call the wizard makes, by a console task the
# wizard guides a person through (and re-checks), or not by the wizard at all.
AUTOMATIC, CONSOLE, NO_FIX = "automatic", "console", "none"
FIXES = (AUTOMATIC, CONSOLE, NO_FIX)

# What a check's findings are about. RESOURCE: one resource each (its ``resource`` is the ARN, or the
# canonical id where there is none). ACCOUNT: a setting of the whole account; REGION: a setting of the
# account in one region; reports name the account as Security Hub does for such controls
# ("AWS::::Account:<id>", resource type AwsAccount). LOCAL: a fact about the operator's machine (its
# AWS CLI config, the credentials the wizard runs with), not about the customer's account: shown as
# advice in the TUI and plain mode, left out of `check`'s documents, counts and exit code.
RESOURCE, ACCOUNT, REGION, LOCAL = "resource", "account", "region", "local"
SCOPES = (RESOURCE, ACCOUNT, REGION, LOCAL)

NAME = "{name}"  # the placeholder a title may hold
CIS_FILE = Path(__file__).parent / "data" / "cis_aws_v5.json"


@dataclass(frozen=True)
class Check:
    """One check a step makes; its methods build that check's findings."""

    id: str  # stable within its step: the Finding's ``check``
    title: str  # may hold "{name}", filled per finding with its ``name`` (default: its resource)
    severity: Severity
    cis: tuple[str, ...] = ()  # CIS AWS Foundations Benchmark v5.0 recommendation ids
    securityhub: tuple[str, ...] = ()  # AWS Security Hub control ids
    fix: str = NO_FIX  # AUTOMATIC, CONSOLE or NO_FIX
    guide_section: str = ""  # when it differs from the step's
    title_all: str = ""  # with a "{name}" title: the title of a finding about all of them at once
    scope: str = RESOURCE  # what its findings are about (SCOPES, above)

    def __post_init__(self) -> None:
        if self.fix not in FIXES:
            raise ValueError(f"check {self.id}: fix must be one of {', '.join(FIXES)}, not {self.fix!r}")
        if self.scope not in SCOPES:
            raise ValueError(f"check {self.id}: scope must be one of {', '.join(SCOPES)}, not {self.scope!r}")

    @property
    def fixable(self) -> bool:
        """The wizard's plan has a change (a call or a guided console task) for a failure."""
        return self.fix != NO_FIX

    def titled(self, name: str | None) -> str:
        """The title of one finding: "{name}" replaced by the resource's name (``title_all`` without one)."""
        if NAME not in self.title:
            return self.title
        return self.title_all or self.title if name is None else self.title.replace(NAME, name)

    def matches_title(self, title: str) -> bool:
        """Whether ``title`` is this check's title, for some name."""
        pattern = ".+".join(re.escape(part) for part in self.title.split(NAME))
        return title == self.title_all or re.fullmatch(pattern, title, re.DOTALL) is not None

    def _finding(self, status: Status, message: str, region: str | None, resource: str | None,
                 fixable: bool = False, name: str | None = None) -> Finding:
        title = self.titled(name if name is not None else resource)
        return Finding(check=self.id, title=title, status=status, message=message, severity=self.severity,
                       region=region, resource=resource, cis=self.cis, securityhub=self.securityhub,
                       fixable=fixable, scope=self.scope)

    def passed(self, message: str, *, region: str | None = None, resource: str | None = None,
               name: str | None = None) -> Finding:
        return self._finding(Status.PASS, message, region, resource, name=name)

    def failed(self, message: str, *, region: str | None = None, resource: str | None = None,
               fixable: bool | None = None, name: str | None = None) -> Finding:
        """A FAIL; ``fixable=False`` when this one failure has no fix although the check has."""
        if fixable and not self.fixable:
            raise ValueError(f"check {self.id} is declared without a fix")
        return self._finding(Status.FAIL, message, region, resource, self.fixable if fixable is None else fixable,
                             name)

    def manual(self, message: str, *, region: str | None = None, resource: str | None = None,
               fixable: bool = False, name: str | None = None) -> Finding:
        """A person must look or act (CIS's manual recommendations, or what no API shows); ``fixable`` when
        the plan can still help (it offers the change the person would otherwise make)."""
        if fixable and not self.fixable:
            raise ValueError(f"check {self.id} is declared without a fix")
        return self._finding(Status.MANUAL, message, region, resource, fixable, name)

    def unknown(self, reason: str, *, region: str | None = None, resource: str | None = None,
                name: str | None = None) -> Finding:
        """The check's data could not be read: never FAIL what was not seen."""
        return self._finding(Status.UNKNOWN, f"Could not check: {reason}", region, resource, name=name)

    def not_applicable(self, message: str, *, region: str | None = None, resource: str | None = None,
                       name: str | None = None) -> Finding:
        """N/A: the check is about a resource that does not exist (the trail's bucket with no trail).
        ``message`` says what is missing; the check that wants the resource is the one that FAILs."""
        return self._finding(Status.NA, message, region, resource, name=name)

    def verdict(self, status: Status, message: str, **where: Any) -> Finding:
        """The finding for a status decided elsewhere (UNKNOWN: ``message`` is the reason)."""
        build = {Status.PASS: self.passed, Status.FAIL: self.failed, Status.MANUAL: self.manual,
                 Status.UNKNOWN: self.unknown, Status.NA: self.not_applicable}[status]
        return build(message, **where)

    def to_dict(self) -> dict[str, Any]:
        return {"check": self.id, "title": self.title, "severity": self.severity.value, "cis": list(self.cis),
                "securityhub": list(self.securityhub), "fixable": self.fixable, "fix": self.fix,
                "guide_section": self.guide_section, "title_all": self.title_all, "scope": self.scope}


@lru_cache(maxsize=1)
def cis_recommendations() -> tuple[dict[str, str], ...]:
    """The CIS AWS Foundations v5.0 recommendations (id, title, section, profile, assessment)."""
    return tuple(json.loads(CIS_FILE.read_text())["recommendations"])


def cis_source() -> str:
    return json.loads(CIS_FILE.read_text())["source"]
