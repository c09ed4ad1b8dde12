"""`aws-essentials check`: assess without changing anything; exit 3 when something FAILs."""

from __future__ import annotations

import argparse
from typing import Any

from wizard.commands.common import add_target_options, open_aws, selected_steps, write_output

FORMATS = ("table", "json", "markdown")


def register(sub: Any) -> None:
    parser = sub.add_parser("check", help="assess the account without changing it (exit 3 when a check fails)")
    add_target_options(parser)
    parser.add_argument("--format", choices=FORMATS, default="table")
    parser.add_argument("--output", metavar="FILE", help="write the report here (mode 0600) instead of stdout")
    parser.add_argument("--steps", nargs="+", metavar="STEP", help="only these steps (ids, comma or space separated)")
    parser.add_argument("--regions", nargs="+", metavar="REGION", help="only these enabled regions")


def run(args: argparse.Namespace) -> int:
    from wizard.assess import assess
    from wizard.report import RENDERERS, findings_document

    steps = selected_steps(args)
    aws = open_aws(args)
    results = assess(aws, steps)
    document = findings_document(aws.account_id, aws.regions(), results, caller_arn=aws.caller_arn)
    write_output(args.output, RENDERERS[args.format](document))
    return 3 if document["summary"]["FAIL"] else 0
