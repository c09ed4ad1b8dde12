"""A new account has no Amazon Macie session: moto 5.2.5 starts every region's Macie ENABLED.

Macie is off until someone enables it (and billed from then on: Macie pricing), so the sandbox's
accounts start without a session, as on AWS; EnableMacie creates it.
"""

from __future__ import annotations

_installed = False


def install() -> None:
    """Make moto's Macie backends start without a session (idempotent)."""
    global _installed
    if _installed:
        return
    from moto.macie2.models import MacieBackend

    original = MacieBackend.__init__

    def __init__(self, *args, **kwargs):
        original(self, *args, **kwargs)
        self.macie_session = None

    MacieBackend.__init__ = __init__
    _installed = True
