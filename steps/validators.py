"""Checks of the values a person types, and the text helpers that echo them safely in one line.

Each validator takes the typed text and returns one line saying what is wrong, or None when it is fine.
No AWS and no step state here: the steps, the plain mode and the command line share these.
"""

from __future__ import annotations

import re
from typing import Callable

Validator = Callable[[str], "str | None"]  # returns an error message, or None when the value is fine

_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
_PHONE = re.compile(r"^\+[1-9][0-9 ()-]{6,24}$")


def has_control_chars(value: str) -> bool:
    return any(ord(c) < 32 or ord(c) == 127 for c in value)


def validate_email(value: str) -> str | None:
    if has_control_chars(value) or not _EMAIL.match(value) or len(value) > 254:
        return f"'{_shown(value)}' is not an email address; write it as name@example.com"
    return None


def validate_phone(value: str) -> str | None:
    digits = re.sub(r"\D", "", value)
    if has_control_chars(value) or not _PHONE.match(value) or not 7 <= len(digits) <= 15:
        return (
            f"'{_shown(value)}' is not a phone number; use the international form, "
            "for example +1 206 555 0100"
        )
    return None


def validate_text(max_len: int = 64) -> Validator:
    def check(value: str) -> str | None:
        if not value.strip():
            return "this field cannot be empty"
        if has_control_chars(value):
            return "remove the control characters from this field"
        if len(value) > max_len:
            return f"this field takes at most {max_len} characters ({len(value)} given)"
        return None

    return check


def _shown(value: str, limit: int = 40) -> str:
    """A value made safe to echo in one line of an error message."""
    cleaned = "".join(c if c.isprintable() else "?" for c in value)
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1] + "…"


def one_line(message: str, value: str = "") -> str:
    """``message`` made safe to show as one line: a long or odd ``value`` it echoes is shortened,
    control characters (a newline in a pasted value) become '?'."""
    if value and value in message and _shown(value) != value:
        message = message.replace(value, _shown(value))
    return "".join(c if c.isprintable() else "?" for c in message)


# --- AWS names and ids: the one check of each, used by the steps, the plain mode and the commands ----

# \Z, not $: "$" also matches before a final newline, and a pasted "us-east-1\n" is not a region name.
REGION_PATTERN = re.compile(r"^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d\Z")
# An IAM role ARN, arn:partition:iam::account-id:role/path/name. The partition is "aws" or "aws-<name>"
# (aws-cn, aws-us-gov, aws-iso-b...: "Amazon Resource Names (ARNs)", AWS General Reference).
ROLE_ARN_PATTERN = re.compile(r"^arn:aws(-[a-z]+)*:iam::\d{12}:role/[\w+=,.@/-]{1,512}\Z")
_ROOT_ID = re.compile(r"^r-[0-9a-z]{4,32}$")
_OU_ID = re.compile(r"^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$")
_ACCOUNT_ID = re.compile(r"^\d{12}$")
_GROUP_NAME = re.compile(r"^[\w+=,.@-]{1,128}$")


def split_list(value: str | list[str] | None) -> list[str]:
    """``a,b c`` -> ``[a, b, c]``: lists may be given with commas, spaces or repeated options."""
    items = value if isinstance(value, list) else [value or ""]
    return [part for item in items for part in re.split(r"[\s,]+", item) if part]


def validate_region(value: str) -> str | None:
    if REGION_PATTERN.match(value):
        return None
    return f"'{_shown(value)}' is not a region name; regions look like us-east-1 or eu-west-2"


def validate_regions(value: str) -> str | None:
    names = split_list(value)
    if not names:
        return "name at least one region, e.g. us-east-1, eu-west-1"
    return next(filter(None, map(validate_region, names)), None)


def validate_target(value: str) -> str | None:
    value = value.strip()
    if value == "root" or _ROOT_ID.match(value) or _OU_ID.match(value) or _ACCOUNT_ID.match(value):
        return None
    return ("give 'root', a root id (r-...), an OU id (ou-xxxx-xxxxxxxx) or a 12-digit account id; "
            f"'{value[:40]}' is none of these")


def validate_role_arn(value: str) -> str | None:
    if ROLE_ARN_PATTERN.match(value):  # Input.check strips typed answers; an option is taken as given
        return None
    return f"'{_shown(value, 60)}' is not a role ARN; it looks like arn:aws:iam::123456789012:role/Name"


def validate_groups(value: str) -> str | None:
    names = split_list(value)
    bad = [n for n in names if not _GROUP_NAME.match(n)]
    if not names or bad:
        return "give IAM group names separated by commas, e.g. Developers, Operators"
    return None


YES_NO = ("no", "yes")  # the choices of a yes/no input, "no" (the default) first


def validate_yes_no(value: str) -> str | None:
    return None if value.strip().lower() in ("yes", "no") else "answer yes or no"
