"""The catalogue: every step in the wizard's order, which is the guide's order.

A step is a module with ``INFO``, ``collect``, ``evaluate`` and ``plan`` (see ``steps.base``).
This package is a library: it never imports a UI or keyring library.
"""

from __future__ import annotations

from types import ModuleType

from steps import audit_logging, compute, contacts, groups, keys, regions, root, s3, sso, vpc

STEPS: tuple[ModuleType, ...] = (
    root,
    contacts,
    regions,
    sso,
    groups,
    keys,
    vpc,
    compute,
    s3,
    audit_logging,
)


def by_id(step_id: str) -> ModuleType:
    """The step module with this id; KeyError names the ids that exist."""
    for step in STEPS:
        if step.INFO.id == step_id:
            return step
    raise KeyError(f"unknown step '{step_id}'; the steps are: {', '.join(s.INFO.id for s in STEPS)}")
