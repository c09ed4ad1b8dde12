"""The fix-mode policy grants what undo reads before undoing a creation (wizard/undo_checks.py EXISTS),
also when no step's collect reads it (the groups step reads users and groups with
GetAccountAuthorizationDetails, not ListGroupsForUser)."""

from __future__ import annotations

from steps import groups
from wizard.permissions import actions


def test_fix_mode_grants_the_reads_of_undo_checks():
    fix, read = set(actions([groups], "fix")), set(actions([groups], "read"))
    wanted = {"iam:ListGroupsForUser", "iam:ListAttachedGroupPolicies"}
    assert wanted <= fix
    assert not wanted & read  # read mode stays what check needs
