"""`check --customer-name NAME --prepared-by NAME`: the engagement a report belongs to (who, by
whom, what was in scope and what was not); wizard/report/engagement.py renders it."""

from __future__ import annotations

import argparse
from typing import Any, Sequence

from wizard.commands.common import UsageError


def add_report_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("the report (markdown and html)")
    group.add_argument("--customer-name", metavar="NAME",
                       help="who the report is for (default: the --customer profile's name, else the account "
                            "alias, else the account id)")
    group.add_argument("--prepared-by", metavar="NAME", help="the consultant or firm who prepared it, for the sign-off")


def check_report_options(args: Any) -> None:
    """Bad ``--customer-name``/``--prepared-by`` values are usage errors, said in one line before any AWS call."""
    from wizard.report.engagement import validate_party_name

    for option, value in (("--customer-name", getattr(args, "customer_name", None)),
                          ("--prepared-by", getattr(args, "prepared_by", None))):
        error = validate_party_name(value, option)
        if error:
            raise UsageError(error)


def _alias(aws: Any) -> str:
    answer = aws.try_read("iam", "ListAccountAliases")  # cached: the welcome screen and steps read it too
    aliases = answer.get("AccountAliases") if isinstance(answer, dict) else None
    return aliases[0] if aliases else ""


def engagement_of(args: Any, aws: Any, document: dict[str, Any], steps: Sequence[Any],
                  organization: Sequence[tuple[str, str]] = ()) -> Any:
    """The report's engagement for this run: the names given, the customer by default from the
    profile, the alias or the id; the steps not run; and, for an organization, its accounts left
    out (``organization``: every active account, id and name)."""
    from wizard.report.engagement import engagement_for

    customer = getattr(args, "customer_name", None) or getattr(args, "customer", None) or _alias(aws) or None
    return engagement_for(document, customer=customer, prepared_by=getattr(args, "prepared_by", None),
                          steps_run=[s.INFO.id for s in steps], accounts_all=organization)
