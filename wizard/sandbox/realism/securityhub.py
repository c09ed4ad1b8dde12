"""Realism rules: Security Hub standards are enabled in the background."""

from __future__ import annotations

import json

from .registry import after


# Security Hub API reference, StandardsSubscription.StandardsStatus: PENDING - "Standard is in the
# process of being enabled"; BatchEnableStandards answers with the subscriptions PENDING and
# GetEnabledStandards shows them PENDING until the controls are set up.
@after("securityhub", "BatchEnableStandards")
def standards_start_pending(call, response):
    def pending(sub):
        call.realism.state.mark(call.info.account_id, "standard", sub.get("StandardsSubscriptionArn", ""))
        return True

    return _mark_pending(response, pending)


@after("securityhub", "GetEnabledStandards")
def standards_still_pending(call, response):
    return _mark_pending(response, lambda sub: call.realism.state.fresh(
        call.info.account_id, "standard", sub.get("StandardsSubscriptionArn", "")))


def _mark_pending(response, is_pending):
    """Show as PENDING each subscription of the answer for which ``is_pending(subscription)``."""
    if response.status != 200:
        return response
    data = json.loads(response.body or b"{}")
    for sub in data.get("StandardsSubscriptions", []):
        if is_pending(sub):
            sub["StandardsStatus"] = "PENDING"
    response.body = json.dumps(data).encode()
    return response
