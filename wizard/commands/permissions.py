"""`aws-essentials permissions [--mode read|fix] [--steps ...]`: the IAM policy the wizard needs.

Printed as JSON (or written with ``--output``, mode 0600). No AWS call is made: the policy comes
from the steps' declared ``reads`` and ``writes`` (wizard/permissions.py).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from wizard.commands.common import PROG, selected_steps, write_output


def register(sub: Any) -> None:
    from wizard.permissions import MODES

    parser = sub.add_parser("permissions", help="print the least-privilege IAM policy the wizard needs (no AWS call)")
    parser.add_argument("--mode", choices=MODES, default="read",
                        help="read: what `check` needs (default); fix: also what the fixes and undo need")
    parser.add_argument("--steps", nargs="+", metavar="STEP", help="only these steps (ids, comma or space separated)")
    parser.add_argument("--output", metavar="FILE", help="write the policy here (mode 0600) instead of stdout")


def run(args: argparse.Namespace) -> int:
    from wizard.permissions import admin_equivalent, fits_managed_policy, policy, render

    document = policy(selected_steps(args), args.mode)
    write_output(args.output, render(document))
    strong = admin_equivalent(document)
    if strong:
        print(f"{PROG}: note: this policy is admin-equivalent: {', '.join(strong)} let whoever holds it give "
              "itself any permission (the statements whose Sid ends in AdminEquivalent); attach it only to "
              "an administrator, only for the run, and use --mode read for checks", file=sys.stderr)
    if not fits_managed_policy(document):
        print(f"{PROG}: note: this policy is larger than one managed policy may be (6,144 characters); "
              "split it by service into two policies, or use it as an inline policy of a role", file=sys.stderr)
    return 0
