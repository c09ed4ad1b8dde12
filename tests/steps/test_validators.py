"""The region, role-ARN and yes/no checks exist once (steps/validators.py): the steps' inputs, the command
line options and the customer profiles accept and refuse exactly the same values."""

from __future__ import annotations

import argparse

import pytest

from steps import groups, keys, regions
from steps.validators import validate_region, validate_role_arn, validate_yes_no
from wizard.commands.common import UsageError, target_from

ROLE_ARNS = [
    ("arn:aws:iam::123456789012:role/BreakGlass", True),
    ("arn:aws:iam::123456789012:role/team/ops/Admin", True),
    ("arn:aws-cn:iam::123456789012:role/Admin", True),
    ("arn:aws-us-gov:iam::123456789012:role/Admin", True),
    ("arn:aws-iso-b:iam::123456789012:role/Admin", True),  # a partition is "aws" or "aws-<name>"
    ("arn:awsx:iam::123456789012:role/Admin", False),  # no such partition
    ("arn:aws-:iam::123456789012:role/Admin", False),
    ("arn:aws:iam::12345:role/Admin", False),
    ("arn:aws:iam::123456789012:user/Admin", False),
    ("arn:aws:iam::123456789012:role/", False),
]
REGIONS = [("us-east-1", True), ("us-gov-west-1", True), ("us-isob-east-1", True), ("eu-west-2", True),
           ("mars-north-9x", False), ("US-EAST-1", False), ("us-east", False)]


def _input(step, name):
    return next(i for i in step.INFO.inputs if i.name == name)


def _cli_accepts(**options) -> bool:
    try:
        target_from(argparse.Namespace(**options))
    except UsageError as error:
        assert "\n" not in str(error)
        return False
    return True


@pytest.mark.parametrize("value,valid", ROLE_ARNS)
def test_a_role_arn_is_judged_the_same_by_the_step_and_the_command_line(value, valid):
    assert (validate_role_arn(value) is None) is valid
    assert (_input(regions, "break_glass_role_arn").check(value) is None) is valid
    assert _cli_accepts(role_arn=value) is valid


@pytest.mark.parametrize("value,valid", REGIONS)
def test_a_region_is_judged_the_same_by_the_step_and_the_command_line(value, valid):
    assert (validate_region(value) is None) is valid
    assert (_input(regions, "keep_regions").check(value) is None) is valid
    assert _cli_accepts(region=value) is valid


def test_a_final_newline_is_not_part_of_a_region_or_role_arn_option():
    assert not _cli_accepts(region="us-east-1\n")  # "$" let it through: it reached botocore as a region
    assert not _cli_accepts(role_arn="arn:aws:iam::123456789012:role/Admin\n")
    assert validate_region("us-east-1\n")


def test_every_yes_no_input_uses_the_one_check():
    inputs = [_input(groups, "remove_console_passwords"), _input(keys, "delete_replaced_keys"),
              _input(regions, "create_organization")]
    assert {i.validate for i in inputs} == {validate_yes_no}
    for item in inputs:
        assert item.check("yes") is None and item.check("no") is None and item.check("") is None
        assert "must be one of: no, yes" in item.check("maybe")
