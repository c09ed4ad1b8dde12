"""Security contacts: AWS must be able to reach the right person about a security problem."""

from __future__ import annotations

from typing import Any, Mapping, TypedDict

from steps.base import (
    Call, Change, Finding, Input, OrUnreadable, Plan, Severity, StepInfo, check_answers, is_unreadable, manual,
    reason_of, validate_phone, validate_text,
)
from steps.checks import ACCOUNT, AUTOMATIC, Check
from steps.account_email import validate_account_email

CONTACT_TYPES = ("SECURITY", "BILLING", "OPERATIONS")
CONSOLE_URL = "https://console.aws.amazon.com/billing/home#/account"

# alternate contact type -> its check
_CHECKS = {
    "SECURITY": Check("security-contact", "Security alternate contact is set", Severity.HIGH, ("1.2",), ("Account.1",),
                      AUTOMATIC, scope=ACCOUNT),
    "BILLING": Check("billing-contact", "Billing alternate contact is set", Severity.LOW, fix=AUTOMATIC, scope=ACCOUNT),
    "OPERATIONS": Check("operations-contact", "Operations alternate contact is set", Severity.LOW, fix=AUTOMATIC,
                        scope=ACCOUNT),
}
PRIMARY = Check("primary-contact", "Primary account contact is current", Severity.MEDIUM, ("1.1",), scope=ACCOUNT)
CHECKS = (*_CHECKS.values(), PRIMARY)


INFO = StepInfo(
    id="contacts",
    title="Security contacts",
    short="Contacts",
    why=(
        "When AWS sees something wrong with your account (leaked keys, abuse reports, a compromised "
        "instance) it writes to the account's contacts. Without a security contact those warnings go "
        "to whoever opened the account, often a personal inbox nobody reads. Name a person or, better, "
        "a shared security mailbox."
    ),
    guide_section="Security Contacts",
    severity=Severity.HIGH,
    reads=("account:GetAlternateContact", "account:GetContactInformation"),
    writes=("account:PutAlternateContact", "account:DeleteAlternateContact"),
    inputs=(
        Input("name", "Contact name", validate_text(64), help="A person or a team, e.g. Security Team"),
        Input("title", "Contact title", validate_text(50), help="e.g. Security Lead"),
        Input("email", "Contact email", validate_account_email, help="A shared mailbox is better than a person's"),
        Input("phone", "Contact phone", validate_phone, help="International form, e.g. +1 206 555 0100"),
    ),
    checks=CHECKS,
)


class State(TypedDict):
    # CONTACT_TYPES -> GetAlternateContact's AlternateContact; None: none registered
    alternate: dict[str, OrUnreadable[dict[str, str] | None]]
    primary: OrUnreadable[dict[str, str] | None]  # GetContactInformation's ContactInformation


def collect(aws: Any) -> State:
    """Read the three alternate contacts and the primary contact information."""
    contacts = {}
    for kind in CONTACT_TYPES:
        answer = aws.try_read("account", "GetAlternateContact", AlternateContactType=kind,
                              missing=("ResourceNotFoundException",))
        contacts[kind] = answer if is_unreadable(answer) else (answer or {}).get("AlternateContact")
    primary = aws.try_read("account", "GetContactInformation", missing=("ResourceNotFoundException",))
    if not is_unreadable(primary):
        primary = (primary or {}).get("ContactInformation")
    return {"alternate": contacts, "primary": primary}


def evaluate(state: Mapping[str, Any]) -> list[Finding]:
    """One finding per alternate contact, and a manual check of the primary contact."""
    findings = []
    for kind, check in _CHECKS.items():
        contact = state["alternate"].get(kind)
        if is_unreadable(contact):
            findings.append(check.unknown(reason_of(contact)))
        elif not contact:
            findings.append(check.failed(f"No {kind.lower()} contact is registered."))
        else:
            findings.append(check.passed(f"{contact.get('Name')} <{contact.get('EmailAddress')}>"))
    primary = state.get("primary")
    if is_unreadable(primary):
        findings.append(PRIMARY.unknown(reason_of(primary)))
    elif not primary:
        findings.append(PRIMARY.manual("No primary contact information was found; set it in the console."))
    else:
        findings.append(PRIMARY.manual(
            f"Confirm that {primary.get('FullName')} ({primary.get('PhoneNumber')}) is still the right owner."))
    return findings


# An answer no input declares: `fix --replace` sets it, so the given fields replace registered contacts.
REPLACE = "replace"
_FIELDS = {"name": "Name", "title": "Title", "email": "EmailAddress", "phone": "PhoneNumber"}


def plan(state: Mapping[str, Any], answers: Mapping[str, str]) -> Plan:
    """Register every missing alternate contact with the person given in the inputs; with the
    ``REPLACE`` answer, also put the given fields into every registered contact that differs."""
    missing = [k for k in CONTACT_TYPES if not state["alternate"].get(k) and not is_unreadable(state["alternate"].get(k))]
    console = ()
    if not state.get("primary"):
        console = (manual("Set the account's primary contact information.", CONSOLE_URL,
                          "Sign in as an administrator, open Account, and edit Contact information.",
                          fixes=(PRIMARY.id,)),)
    replaced = _replacements(state, answers) if answers.get(REPLACE) else ()
    if not missing:
        return Plan(INFO.id, changes=replaced + console)
    errors = check_answers(INFO.inputs, answers)
    if errors:
        return Plan(INFO.id, needs=tuple(errors), notes=tuple(errors.values()))
    contact = {field: answers[name].strip() for name, field in _FIELDS.items()}
    changes = tuple(
        Change(
            reason=f"Register the {kind.lower()} contact, so AWS can reach the right person.",
            call=Call("account", "PutAlternateContact", {"AlternateContactType": kind, **contact}),
            before=None,
            after=contact,
            undo=Call("account", "DeleteAlternateContact", {"AlternateContactType": kind}),
            fixes=(_CHECKS[kind].id,),
        )
        for kind in missing
    )
    return Plan(INFO.id, changes=changes + replaced + console)


def _replacements(state: Mapping[str, Any], answers: Mapping[str, str]) -> tuple[Change, ...]:
    """Registered contacts that differ from the given fields, each put back as it was by its undo."""
    changes = []
    for kind in CONTACT_TYPES:
        old = state["alternate"].get(kind)
        if not old or is_unreadable(old):
            continue
        before = {field: str(old.get(field) or "") for field in _FIELDS.values()}
        after = {**before, **{field: answers[name].strip() for name, field in _FIELDS.items() if answers.get(name)}}
        if after == before:
            continue
        changes.append(Change(
            reason=f"Replace the {kind.lower()} contact ({before['Name']} <{before['EmailAddress']}>), as asked.",
            call=Call("account", "PutAlternateContact", {"AlternateContactType": kind, **after}),
            before=before,
            after=after,
            # PutAlternateContact creates or updates the whole contact (all four fields required; AWS
            # Account Management API reference), so putting the old one back undoes it.
            undo=Call("account", "PutAlternateContact", {"AlternateContactType": kind, **before}),
            fixes=(_CHECKS[kind].id,),
        ))
    return tuple(changes)


def security_email(state: Mapping[str, Any] | None) -> str:
    """The registered security contact's email address, or "" (none, or unreadable)."""
    contact = (state or {}).get("alternate", {}).get("SECURITY")
    if not isinstance(contact, dict) or is_unreadable(contact):
        return ""
    return str(contact.get("EmailAddress") or "")
