"""The email addresses the Account API takes for an alternate contact, exactly.

``PutAlternateContact`` refuses (ValidationException) any ``EmailAddress`` that does not match the
pattern of the ``EmailAddress`` shape in botocore's account service model
(``botocore/data/account/2021-02-01/service-2.json``, min 1, max 254; newer models add ^ and $). The model's regex is Java's:
``\\w`` and ``\\s`` are ASCII there, hence ``re.ASCII``; ``fullmatch`` because Python's ``$`` would
also accept a trailing newline. tests/steps/test_account_email.py checks the text against the model.
"""

from __future__ import annotations

import re

MODEL_PATTERN = r"[\s]*[\w+=.#|!&-]+@[\w.-]+\.[\w]+[\s]*"
MAX_LENGTH = 254
_ACCOUNT_EMAIL = re.compile(MODEL_PATTERN, re.ASCII)


def validate_account_email(value: str) -> str | None:
    """None when the Account API accepts ``value`` as an alternate contact's email, else one line."""
    if 1 <= len(value) <= MAX_LENGTH and _ACCOUNT_EMAIL.fullmatch(value):
        return None
    shown = "".join(c if c.isprintable() else "?" for c in value[:40])
    return (f"'{shown}' is not an email address AWS accepts for a contact; write it as name@example.com "
            "(letters, digits and + = . # | ! & - _ before the @)")
