"""Realism rules: Amazon Macie."""

from __future__ import annotations

from ..protocol import GapError
from .registry import rule


# Without a Macie session, AWS answers GetMacieSession with AccessDeniedException "Macie is not enabled."
# (steampipe-plugin-aws#643, prowler#1279, AWS Config's note in DataBiosphere/azul#5779: "raises
# AccessDeniedException instead of RecordNotFoundException"); moto answers ResourceNotFoundException.
# A reader that takes every AccessDenied as "no permission" reports UNKNOWN where Macie is simply off.
@rule("macie2", "GetMacieSession")
def macie_not_enabled(call):
    from moto.macie2.models import macie2_backends

    backend = macie2_backends[call.info.account_id][call.region]
    if not backend.macie_session:
        raise GapError("AccessDeniedException", "Macie is not enabled.", 403)
    return None
