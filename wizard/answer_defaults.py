"""The answers a step's form starts with: each input's declared default, and what another step
already knows (the security alarm email is the security contact's, typed or registered).
Shared by the TUI and plain mode."""

from __future__ import annotations

from types import ModuleType
from typing import Any, Mapping


def security_contact_email(results: Mapping[str, Any], answers: Mapping[str, Mapping[str, str]]) -> str:
    """The security contact's email: typed on the contacts step in this run, else registered in the account."""
    from steps.contacts import security_email

    typed = (answers.get("contacts") or {}).get("email", "").strip()
    if typed:
        return typed
    result = results.get("contacts")
    return security_email(getattr(result, "state", None))


def default_answers(step: ModuleType, results: Mapping[str, Any],
                    answers: Mapping[str, Mapping[str, str]]) -> dict[str, str]:
    """``{input name: starting value}`` for ``step``: what is known, else the declared default."""
    known = {("audit_logging", "alarm_email"): lambda: security_contact_email(results, answers)}
    defaults = {}
    for item in step.INFO.inputs:
        found = known.get((step.INFO.id, item.name))
        value = (found() if found else "") or item.default
        if value:
            defaults[item.name] = value
    return defaults
