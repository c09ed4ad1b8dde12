"""`aws-essentials profiles add|list|remove`: customer credentials kept in the OS keyring."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from typing import Any

from wizard.commands.common import UsageError


def register(sub: Any) -> None:
    parser = sub.add_parser("profiles", help="customer profiles: secrets in the OS keyring, never in a file")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="store a customer's access key, or a role to assume")
    add.add_argument("name")
    add.add_argument("--access-key-id", help="an access key id (the secret is asked for, or read from "
                                             "AWS_ESSENTIALS_SECRET_ACCESS_KEY)")
    add.add_argument("--role-arn", help="a role to assume instead of a key")
    add.add_argument("--external-id", help="the external id the customer's role requires")
    add.add_argument("--source-profile", help="the AWS profile whose credentials assume the role")
    add.add_argument("--region", help="the customer's home region")
    add.add_argument("--mfa-serial", help="an MFA device ARN: the wizard asks for a code and caches the session")
    actions.add_parser("list", help="names and kinds, never secrets")
    remove = actions.add_parser("remove", help="delete a profile from the file and the keyring")
    remove.add_argument("name")


def run(args: argparse.Namespace) -> int:
    from wizard import profiles

    if args.action == "list":
        found = profiles.load_all()
        if not found:
            print("No customer profiles yet: add one with `aws-essentials profiles add NAME`.")
        for p in found.values():
            what = p.access_key_id if p.kind == "keys" else p.role_arn
            print(f"{p.name:24} {p.kind:5} {what}" + ("  (MFA)" if p.mfa_serial else ""))
        return 0
    if args.action == "remove":
        profiles.remove(args.name)
        print(f"Removed customer profile '{args.name}' (file and keyring).")
        return 0
    if bool(args.access_key_id) == bool(args.role_arn):
        raise UsageError("give either --access-key-id (a key pair) or --role-arn (a role to assume)")
    secret = ""
    if args.access_key_id:
        secret = os.environ.get("AWS_ESSENTIALS_SECRET_ACCESS_KEY", "")
        if not secret:
            if not sys.stdin.isatty():
                raise UsageError("the secret access key is asked for in a terminal; without one, "
                                 "pass it in AWS_ESSENTIALS_SECRET_ACCESS_KEY")
            secret = getpass.getpass("Secret access key (not shown): ")
    profile = profiles.Profile(
        name=args.name, kind="keys" if args.access_key_id else "role", access_key_id=args.access_key_id or "",
        role_arn=args.role_arn or "", source_profile=args.source_profile or "", region=args.region or "",
        mfa_serial=args.mfa_serial or "",
    )
    profiles.add(profile, secret=secret, external_id=args.external_id or "")
    print(f"Stored customer profile '{args.name}': secret parts in the OS keyring, the rest in "
          f"{profiles._path()}. Use it with --customer {args.name}.")
    return 0
