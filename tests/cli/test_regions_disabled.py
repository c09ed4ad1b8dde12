"""The regions a run did not assess are named in the findings document, with why (issue 17)."""

from __future__ import annotations

from tests.helpers import open_aws
from wizard.aws_regions import NOT_ENABLED, NOT_SELECTED, regions_out_of_scope


def test_regions_not_enabled_and_left_out_are_named_and_a_region_the_wizard_disabled_too(account):
    sb = account("insecure")  # af-south-1 is an opt-in region the insecure account enabled
    aws = open_aws(sb, regions=["us-east-1", "af-south-1"])
    reasons = {row["region"]: row["reason"] for row in regions_out_of_scope(aws)}
    assert "us-east-1" not in reasons and "af-south-1" not in reasons
    assert reasons["us-west-2"] == NOT_SELECTED and reasons["ap-east-1"] == NOT_ENABLED
    # the regions step's fix disables an unused opt-in region: the next run says it is not enabled
    aws.client("account").disable_region(RegionName="af-south-1")
    after = open_aws(sb, regions=["us-east-1"])
    assert {row["region"]: row["reason"] for row in regions_out_of_scope(after)}["af-south-1"] == NOT_ENABLED
