"""Alternate contacts (moto) and primary contact information (gap state).

insecure/empty: none. secure/org: security, billing and operations contacts and contact
information, on the main account (and, in org, on every member through the management account).
"""

from __future__ import annotations

CONTACTS = {
    "SECURITY": ("Sam Secure", "Security Lead", "security@example.com", "+1-555-0100"),
    "BILLING": ("Bea Billing", "Finance Manager", "billing@example.com", "+1-555-0101"),
    "OPERATIONS": ("Otto Ops", "Operations Lead", "ops@example.com", "+1-555-0102"),
}
CONTACT_INFORMATION = {
    "FullName": "Example Corp",
    "CompanyName": "Example Corp",
    "AddressLine1": "1 Example Street",
    "City": "Seattle",
    "StateOrRegion": "WA",
    "PostalCode": "98101",
    "CountryCode": "US",
    "PhoneNumber": "+1-555-0199",
    "WebsiteUrl": "https://example.com",
}


def seed(ctx, scenario: str) -> None:
    if scenario not in ("secure", "org"):
        return
    account = ctx.client("account")
    for account_id in ctx.accounts():
        extra = {} if account_id == ctx.account_id else {"AccountId": account_id}
        for kind, (name, title, email, phone) in CONTACTS.items():
            account.put_alternate_contact(AlternateContactType=kind, Name=name, Title=title,
                                          EmailAddress=email, PhoneNumber=phone, **extra)
        ctx.gaps.account(account_id).contact_information = dict(CONTACT_INFORMATION)
