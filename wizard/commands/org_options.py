"""`--org [--org-role NAME] [--accounts ID,... | --ou OU-ID]` for check, plan and fix.

From the management account, the same work runs in every chosen member account (through a role
assumed there), a bounded number of accounts at a time; an account that cannot be reached is
reported with the reason and the others go on (wizard/org.py does the walk).
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from typing import Any, Callable

from wizard.commands.common import UsageError, split_list

DEFAULT_ROLE = "OrganizationAccountAccessRole"


@dataclass(frozen=True)
class OrgScope:
    """Which accounts an organization run covers, and the role it assumes in each."""

    role: str = DEFAULT_ROLE
    accounts: tuple[str, ...] = ()
    ou: str | None = None


def add_org_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("organization (run from the management account)")
    group.add_argument("--org", action="store_true",
                       help="every active account of the organization, each through a role assumed there")
    group.add_argument("--org-role", metavar="NAME",
                       help=f"the role to assume in each member account (default: {DEFAULT_ROLE})")
    group.add_argument("--accounts", nargs="+", metavar="ID", help="with --org: only these account ids")
    group.add_argument("--ou", metavar="OU-ID", help="with --org: only the accounts under this OU (nested OUs too)")


def add_member_role_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--org-role", metavar="NAME",
                        help=f"the role to assume in a member account (default: {DEFAULT_ROLE})")


def member_role(args: Any) -> str:
    """``--org-role`` checked, or the default role."""
    from wizard.org import ROLE_NAME

    role = getattr(args, "org_role", None)
    if role is not None and not ROLE_NAME.match(role):
        raise UsageError(f"'{role[:70]}' is not a role name; role names are 1 to 64 letters, digits and +=,.@_-")
    return role or DEFAULT_ROLE


def org_scope(args: Any) -> OrgScope | None:
    """The organization scope of the options, or None without ``--org``; bad values are usage errors."""
    from wizard.org import ACCOUNT_ID, OU_ID

    accounts = split_list(getattr(args, "accounts", None))
    ou = getattr(args, "ou", None)
    role = getattr(args, "org_role", None)
    if not getattr(args, "org", False):
        given = [name for name, value in (("--accounts", accounts), ("--ou", ou), ("--org-role", role)) if value]
        if given:
            raise UsageError(f"{given[0]} works only with --org")
        return None
    if accounts and ou:
        raise UsageError("choose either --accounts or --ou, not both")
    for account_id in accounts:
        if not ACCOUNT_ID.match(account_id):
            raise UsageError(f"'{account_id[:40]}' is not an account id; account ids are 12 digits")
    if ou is not None and not OU_ID.match(ou):
        raise UsageError(f"'{ou[:60]}' is not an OU id; OU ids look like ou-ab12-cd34ef56 (or r-ab12 for the root)")
    return OrgScope(role=member_role(args), accounts=tuple(dict.fromkeys(accounts)), ou=ou)


def run_org(aws: Any, scope: OrgScope, work: Callable[[Any], Any], keep_clients: bool = False) -> list:
    """Run ``work(account_aws)`` in every account of ``scope``: ``[wizard.org.AccountRun]``, management first.

    Unless ``keep_clients``, each member account's clients are dropped once its work is done, so
    memory stays that of the accounts in flight rather than of all of them.
    """
    from wizard.org import PARALLEL_ACCOUNTS, for_each_account, list_members

    members = list_members(aws, scope.accounts, scope.ou)

    def one(account_aws: Any) -> Any:
        try:
            return work(account_aws)
        finally:
            if not keep_clients and account_aws is not aws:
                account_aws.close()

    return for_each_account(aws, members, one, role_name=scope.role, parallel=PARALLEL_ACCOUNTS)
