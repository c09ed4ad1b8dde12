"""What the commands share: the parser class, the target options, and opening AWS."""

from __future__ import annotations

import argparse
import sys
from typing import Any, NoReturn

from steps.base import StepError
from steps.validators import (  # noqa: F401  (the one check of each; ROLE_ARN_PATTERN kept for callers)
    ROLE_ARN_PATTERN, split_list, validate_region, validate_role_arn,
)
from wizard.name_forms import PROFILE_PATTERN

PROG = "aws-essentials"


class UsageError(Exception):
    """Bad usage: reported in one line, exit code 2."""


class Parser(argparse.ArgumentParser):
    """argparse with one-line errors (exit 2) instead of the usage dump."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see `{self.prog} --help`)")

    def exit(self, status: int = 0, message: str | None = None) -> NoReturn:
        if message:
            print(message, file=sys.stderr, end="")
        raise SystemExit(status)


def add_target_options(parser: argparse.ArgumentParser) -> None:
    """Which account to use. Defaults are suppressed so the same option works before or after the command."""
    group = parser.add_argument_group("credentials")
    group.add_argument("--profile", default=argparse.SUPPRESS, help="AWS profile (default: AWS_PROFILE or the default chain)")
    group.add_argument("--region", default=argparse.SUPPRESS, help="home region for global calls (default: AWS_REGION)")
    group.add_argument("--role-arn", default=argparse.SUPPRESS, help="assume this role first")
    group.add_argument("--external-id", default=argparse.SUPPRESS, help="external id for --role-arn")
    group.add_argument("--role-session-name", default=argparse.SUPPRESS, help="session name for --role-arn")
    group.add_argument("--customer", default=argparse.SUPPRESS, metavar="NAME",
                       help="a customer profile stored with `aws-essentials profiles add`; combines with "
                            "--role-arn (assumed with the customer's credentials) and --org")


def selected_steps(args: Any) -> list[Any]:
    """The step modules named by ``--steps`` (all when absent); an unknown id is a usage error."""
    from steps import STEPS, by_id

    names = split_list(getattr(args, "steps", None))
    if not names:
        return list(STEPS)
    try:
        return [by_id(name) for name in names]
    except KeyError as error:
        raise UsageError(error.args[0]) from None


def selected_regions(args: Any) -> list[str] | None:
    """The regions named by ``--regions``, checked for form (enabled-ness is checked against the account)."""
    given = getattr(args, "regions", None)
    names = split_list(given)
    if given is not None and not names:
        raise UsageError("--regions needs at least one region name, e.g. --regions us-east-1 eu-west-1")
    error = next(filter(None, map(validate_region, names)), None)
    if error:
        raise UsageError(error)
    return names or None


def target_from(args: Any) -> Any:
    """Build the immutable :class:`wizard.aws.Target` from the options, validating their form."""
    from wizard.aws import Target

    customer = getattr(args, "customer", None)
    if customer is not None:
        from wizard import profiles

        if getattr(args, "profile", None):
            raise UsageError("--customer already says which credentials to use; drop --profile")
        target = profiles.target_for(profiles.check_name(customer), ask_code=_ask_mfa_code)
        role_arn = getattr(args, "role_arn", None)
        if role_arn is None:
            return target
        error = validate_role_arn(role_arn)
        if error:
            raise UsageError(error)
        # --role-arn from the customer's credentials: a role profile's are a role session already,
        # so this is role chaining (at most 1 hour per session, the AssumeRole default).
        return profiles.assume_from(target, role_arn, getattr(args, "external_id", None),
                                    getattr(args, "role_session_name", None) or "aws-essentials")
    profile = getattr(args, "profile", None)
    if profile is not None and not PROFILE_PATTERN.match(profile):
        raise UsageError(f"'{profile[:40]}' is not a valid profile name (letters, digits and _.-+=,@/ only)")
    region = getattr(args, "region", None)
    error = (region is not None and validate_region(region)) or None
    role_arn = getattr(args, "role_arn", None)
    error = error or (role_arn is not None and validate_role_arn(role_arn)) or None
    if error:
        raise UsageError(error)
    sourced = _keyring_sourced(args, profile, region, role_arn)
    if sourced is not None:
        return sourced
    return Target(
        profile=profile,
        region=region,
        role_arn=role_arn,
        external_id=getattr(args, "external_id", None),
        role_session_name=getattr(args, "role_session_name", None) or "aws-essentials",
    )


def _keyring_sourced(args: Any, profile: str | None, region: str | None, role_arn: str | None) -> Any:
    """The target of an AWS profile whose source_profile is a customer profile (``--profile`` or
    AWS_PROFILE), with ``--role-arn`` assumed from it as from any profile; None for other profiles."""
    import os
    from dataclasses import replace

    from wizard import profiles

    name = profile or os.environ.get("AWS_PROFILE")
    target = profiles.keyring_sourced(name, ask_code=_ask_mfa_code) if name else None
    if target is None:
        return None
    if role_arn:
        target = profiles.assume_from(target, role_arn, getattr(args, "external_id", None),
                                      getattr(args, "role_session_name", None) or "aws-essentials")
    return replace(target, region=region or target.region)


def _ask_mfa_code(serial: str) -> str:
    if not sys.stdin.isatty():
        raise StepError("this customer profile needs an MFA code", "run it in a terminal to type the code")
    import getpass

    return getpass.getpass(f"MFA code for {serial}: ")


def open_aws(args: Any, before_identity: Any = None) -> Any:
    """An :class:`wizard.aws.AWS` for the options, with the caller identified and regions checked.

    ``before_identity(aws)`` runs before the first call (``fix`` warns there about a mismatched endpoint).
    """
    from wizard.aws import AWS

    from wizard.credentials import stored_target

    aws = AWS(stored_target(target_from(args)), regions=selected_regions(args))
    if before_identity:
        before_identity(aws)
    aws.identity()
    try:
        aws.check_regions()
    except StepError as error:
        raise UsageError(f"{error.title}; {error.hint}") from None
    report_interrupted(aws.account_id)
    return aws


def report_interrupted(account_id: str) -> list:
    """Say, once, which changes an earlier run began and never saw finish (a crash or a kill)."""
    from wizard.journal import Journal

    found = Journal(account_id).acknowledge_interrupted()
    for entry in found:
        print(f"{PROG}: warning: an earlier run was interrupted while sending {entry.call} ({entry.step} step, "
              f"{entry.time}, journal id {entry.id}); it may or may not have been made. "
              "The findings below show the account as it is now.", file=sys.stderr)
    return found


def write_output(path: str | None, text: str) -> None:
    """Print ``text`` (no path, or ``-``), or write it to ``path`` and say where.

    A regular file (or a missing one) is replaced atomically with mode 0600. Anything else that
    exists (a device such as /dev/null, a FIFO, a terminal) is written into, never replaced: run as
    root, replacing /dev/null with a regular file would break every later program on the machine.
    """
    if not path or path == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    from wizard.output_file import write_report

    write_report(path, text)
    print(f"wrote {path}", file=sys.stderr)
