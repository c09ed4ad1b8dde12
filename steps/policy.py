"""One reading of IAM and resource policies: who a policy lets in, and whether a bucket refuses plain HTTP.

Every step asks this module (and ``policy_admin`` for administrator rights); none keeps its own copy.
Answers are reasons (which statement, and why), so findings can explain themselves.

"Public" follows AWS's own definition, "The meaning of 'public'" in the S3 User Guide
(access-control-block-public-access.html): "Amazon S3 begins by assuming that the policy is
public", and a statement is non-public only when it grants access "only to fixed values (values
that don't contain a wildcard or an AWS Identity and Access Management Policy Variable)" of a
principal or of the keys that page lists (aws:SourceIp with CIDRs no broader than /8 for IPv4 and /32
for IPv6, aws:SourceArn, aws:SourceVpc, aws:SourceVpce, aws:SourceOwner, aws:SourceAccount,
aws:userid outside the pattern "AROLEID:*", s3:DataAccessPointArn, s3:DataAccessPointAccount). The
principal-scoping keys (aws:PrincipalOrgID is the page's own example; aws:PrincipalAccount,
aws:PrincipalArn, aws:PrincipalOrgPaths) and kms:CallerAccount are the conditions IAM Access Analyzer
reports (access-analyzer-reference-filter-keys.html, "condition.<key>"); aws:SourceOrgID,
aws:SourceOrgPaths and aws:PrincipalServiceName are the organization- and service-scoped forms of the
same. Any other key (aws:SecureTransport, s3:prefix, lambda:FunctionUrlAuthType) says how, not who.

Operators (IAM User Guide, reference_policies_elements_condition_operators.html): "If the key that
you specify in a policy condition is not present in the request context, the values do not match
and the condition is false"; negated operators and ``...IfExists`` are *true* when the key is absent,
so they never narrow, nor does ``Null``. ``ForAllValues`` is true for a missing key, so it never
narrows; ``ForAnyValue`` is false for a missing key, so it narrows like the plain operator. Condition
keys are case-insensitive, operator names are read case-insensitively too.
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

# Fixed values of these keys narrow an Allow for "*" to someone specific (see the module docstring).
NARROWING_KEYS = frozenset({
    "aws:sourceip", "aws:sourcearn", "aws:sourcevpc", "aws:sourcevpce", "aws:sourceowner", "aws:sourceaccount",
    "aws:userid", "s3:dataaccesspointarn", "s3:dataaccesspointaccount",
    "aws:principalorgid", "aws:principalaccount", "aws:principalarn", "aws:principalorgpaths",
    "aws:sourceorgid", "aws:sourceorgpaths", "aws:principalservicename", "kms:calleraccount",
})
# Positive string/ARN operators: with a fixed value the key must equal it. "...Like" and "Arn..." take
# wildcards, and a value holding one is no longer fixed (S3's example: StringLike aws:SourceVpc "vpc-*").
_MATCHING = frozenset({"stringequals", "stringequalsignorecase", "stringlike", "arnequals", "arnlike"})
# The S3 page: aws:SourceIp "very broad IP ranges (for example, 0.0.0.0/1) are evaluated as public.
# This includes values broader than /8 for IPv4 and /32 for IPv6 (excluding RFC1918 private ranges)".
_BROADEST = {4: 8, 6: 32}
# "aws:userid, outside the pattern AROLEID:*": a role's unique id with any session name stays fixed.
_ROLE_SESSIONS = re.compile(r"^ARO[A-Z0-9]+:\*$")
# s3:DataAccessPointArn "can contain a wildcard for the access point name without rendering the policy
# public, as long as the account ID is fixed".
_ACCESS_POINTS = re.compile(r"^arn:aws[a-z-]*:s3:[a-z0-9-]+:\d{12}:accesspoint/[^$]*$")

# S3 ACL grantee groups; "Amazon S3 considers a bucket or object ACL public if it grants any permissions
# to members of the predefined AllUsers or AuthenticatedUsers groups" (the same S3 page).
PUBLIC_GROUPS = {
    "http://acs.amazonaws.com/groups/global/AllUsers": "everyone",
    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers": "any AWS user",
}


@dataclass(frozen=True)
class Reason:
    """Why one statement matters: ``statement`` is its Sid or its position ("statement 2")."""

    statement: str
    why: str

    def __str__(self) -> str:
        return f"{self.statement}: {self.why}"


# --- reading documents ----------------------------------------------------------------------------


def document(value: Any) -> dict[str, Any] | None:
    """A policy document from a dict or its JSON text (IAM returns it URL-encoded); None when it is neither."""
    if isinstance(value, Mapping):
        return dict(value)
    if not isinstance(value, str) or not value.strip():
        return None
    for text in (value, unquote(value)):
        try:
            parsed = json.loads(text)
        except ValueError:
            continue
        return parsed if isinstance(parsed, dict) else None
    return None


def statements(value: Any) -> list[dict[str, Any]]:
    """The statements of a document (dict or JSON text), a single statement or a list of them."""
    doc = document(value)
    found = (doc or {}).get("Statement", [])
    if isinstance(found, Mapping):
        found = [found]
    return [dict(s) for s in found if isinstance(s, Mapping)] if isinstance(found, list) else []


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def label(statement: Mapping[str, Any], index: int) -> str:
    """The statement's Sid, or its 1-based position when it has none."""
    sid = statement.get("Sid")
    return str(sid) if isinstance(sid, str) and sid else f"statement {index + 1}"


def effect(statement: Mapping[str, Any]) -> str:
    return str(statement.get("Effect", "")).lower()


def wildcard_match(pattern: str, value: str, ignore_case: bool = False) -> bool:
    """IAM wildcard matching: ``*`` any run of characters, ``?`` one character, nothing else special.

    Matched piece by piece, without a regular expression: a bucket policy's patterns name their own
    bucket, so each of a large account's buckets compiled two expressions of its own (~0.2 ms each,
    more than the rest of its evaluation; benchmarks/README.md, "Eighth session")."""
    if ignore_case:
        if not (pattern.isascii() and value.isascii()):  # Unicode case folding: as the regex module does it
            regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
            return re.fullmatch(regex, value, re.IGNORECASE | re.DOTALL) is not None
        pattern, value = pattern.lower(), value.lower()
    if "*" not in pattern:
        return len(pattern) == len(value) and _same(pattern, value)
    pieces = pattern.split("*")
    first, last = pieces[0], pieces[-1]
    end = len(value) - len(last)
    if end < len(first) or not _same(first, value[:len(first)]) or not _same(last, value[end:]):
        return False
    start = len(first)
    for piece in pieces[1:-1]:  # each in turn, leftmost: a later piece then has the most room
        found = _find(piece, value, start, end)
        if found < 0:
            return False
        start = found + len(piece)
    return True


def _same(piece: str, text: str) -> bool:
    """``text`` matches ``piece`` (no ``*`` in it) of the same length; ``?`` is any one character."""
    if "?" not in piece:
        return piece == text
    return all(p == "?" or p == c for p, c in zip(piece, text))


def _find(piece: str, value: str, start: int, end: int) -> int:
    """Where ``piece`` (no ``*``) first matches wholly inside ``value[start:end]``, or -1."""
    if "?" not in piece:
        return value.find(piece, start, end)
    for at in range(start, end - len(piece) + 1):
        if _same(piece, value[at:at + len(piece)]):
            return at
    return -1


# --- who a statement lets in ---------------------------------------------------------------------------


def _not_fixed(value: str) -> bool:
    return any(mark in value for mark in ("*", "?", "${"))


def _anyone(principal: Any) -> str | None:
    """How ``principal`` names everyone (``"*"``, an AWS or CanonicalUser wildcard), or None.

    Service and Federated principals are AWS services and identity providers, not anyone on the internet.
    """
    if principal == "*" or (isinstance(principal, list) and "*" in principal):
        return 'Principal "*"'
    if isinstance(principal, Mapping):
        for kind, values in principal.items():
            if str(kind).lower() in ("aws", "canonicaluser"):
                wild = [v for v in as_list(values) if isinstance(v, str) and _not_fixed(v)]
                if wild:
                    return f'Principal {{"{kind}": "{wild[0]}"}}'
    return None


def _fixed_value(key: str, value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return False
    text = str(value)
    if key == "aws:userid" and _ROLE_SESSIONS.match(text):
        return True
    if key == "s3:dataaccesspointarn" and _ACCESS_POINTS.match(text):
        return True
    return bool(text) and not _not_fixed(text)


def _narrow_cidr(value: Any) -> bool:
    try:
        network = ipaddress.ip_network(str(value), strict=False)
    except ValueError:
        return False
    return network.prefixlen >= _BROADEST[network.version]  # RFC1918 ranges are all /8 or narrower


def _operator(name: str) -> tuple[str, str, bool]:
    """(set qualifier, base operator, IfExists) of a condition operator, all lower case."""
    qualifier, _, base = name.lower().rpartition(":")
    if_exists = base.endswith("ifexists")
    return qualifier, base[: -len("ifexists")] if if_exists else base, if_exists


def _narrowing(operator: str, key: str, values: Any) -> str | None:
    """None when this condition ties the statement to fixed values; otherwise why it does not."""
    key_l = key.lower()
    shown = f"{operator} {key}"
    if key_l not in NARROWING_KEYS:
        return f"{shown} does not say who may call"
    qualifier, base, if_exists = _operator(operator)
    if if_exists:
        return f"{shown} also holds when the key is absent"
    if qualifier == "forallvalues":
        return f"{shown} also holds when the key is absent"
    if base.startswith(("stringnot", "arnnot", "notip")) or base == "null":
        return f"{shown} does not narrow (negated or a null check)"
    values = as_list(values)
    if not values:
        return f"{shown} has no value"
    if key_l == "aws:sourceip":
        if base != "ipaddress":
            return f"{shown} is not an IpAddress match"
        broad = [str(v) for v in values if not _narrow_cidr(v)]
        return f"{shown} allows a range AWS calls public ({broad[0]})" if broad else None
    if base not in _MATCHING:
        return f"{shown} is not an equality match"
    loose = [v for v in values if not _fixed_value(key_l, v)]
    return f'{shown} "{loose[0]}" is not a fixed value' if loose else None


def statement_public(statement: Mapping[str, Any]) -> str | None:
    """Why this one statement lets anyone in, or None when it does not (a Deny never does)."""
    if effect(statement) != "allow":
        return None
    if "NotPrincipal" in statement:
        return "Allow with NotPrincipal grants everyone except the principals it names"
    who = _anyone(statement.get("Principal"))
    if who is None:
        return None
    condition = statement.get("Condition")
    if not isinstance(condition, Mapping) or not condition:
        return f"{who} without a condition"
    loose = []
    for operator, block in condition.items():
        if not isinstance(block, Mapping):
            loose.append(f"{operator} is not a key-value block")
            continue
        for key, values in block.items():
            why = _narrowing(str(operator), str(key), values)
            if why is None:
                return None
            loose.append(why)
    return f"{who} and no condition narrows it to fixed values ({'; '.join(loose)})"


def reasons(value: Any, judge: Callable[[dict[str, Any]], str | None]) -> list[Reason]:
    """Each statement of a document that ``judge`` has something to say about, with what it says."""
    found = ((label(statement, index), judge(statement)) for index, statement in enumerate(statements(value)))
    return [Reason(where, why) for where, why in found if why]


def public_reasons(value: Any) -> list[Reason]:
    """The statements of a resource policy (dict or JSON text) that let anyone in, each with why."""
    return reasons(value, statement_public)


def public_acl_grants(grants: Any) -> list[str]:
    """An S3 ACL's public grants, as "READ to everyone" or "WRITE to any AWS user"."""
    out = []
    for grant in grants if isinstance(grants, list) else []:
        grantee = grant.get("Grantee") if isinstance(grant, Mapping) else None
        who = PUBLIC_GROUPS.get(str((grantee or {}).get("URI", "")).rstrip("/"))
        if who:
            out.append(f"{grant.get('Permission')} to {who}")
    return out


# --- TLS-only buckets ------------------------------------------------------------------------------------


def _plain_http_only(condition: Any) -> bool:
    """True when the condition is exactly aws:SecureTransport = false (Bool or BoolIfExists), nothing else.

    Any other condition beside it would make the Deny apply to part of the plain-HTTP requests only;
    s3:TlsVersion alone never refuses plain HTTP.
    """
    if not isinstance(condition, Mapping) or len(condition) != 1:
        return False
    (operator, block), = condition.items()
    if str(operator).lower() not in ("bool", "boolifexists") or not isinstance(block, Mapping) or len(block) != 1:
        return False
    (key, value), = block.items()
    return str(key).lower() == "aws:securetransport" and [str(v).lower() for v in as_list(value)] == ["false"]


def _covers_bucket_and_objects(resources: list[Any], bucket: str) -> bool:
    arn = f"arn:aws:s3:::{bucket}"
    patterns = [r for r in resources if isinstance(r, str)]
    bucket_covered = any(wildcard_match(p, arn) for p in patterns)
    # every key: the pattern must match both a short and a nested key, so "b/?" or "b/a*" do not count
    objects_covered = any(wildcard_match(p, f"{arn}/x") and wildcard_match(p, f"{arn}/any/nested key.bin")
                          for p in patterns)
    return bucket_covered and objects_covered


def refuses_plain_http(value: Any, bucket: str) -> Reason | None:
    """The statement that denies every S3 action over plain HTTP on the bucket and its objects, or None.

    CIS 2.1.1 and Security Hub S3.5: a Deny for everyone, of ``s3:*`` (or ``*``), on the bucket and
    ``bucket/*``, when aws:SecureTransport is false.
    """
    for index, statement in enumerate(statements(value)):
        if effect(statement) != "deny" or _anyone(statement.get("Principal")) is None:
            continue
        actions = [str(a).lower() for a in as_list(statement.get("Action"))]
        if not {"s3:*", "*"} & set(actions):
            continue
        if _plain_http_only(statement.get("Condition")) and _covers_bucket_and_objects(
                as_list(statement.get("Resource")), bucket):
            return Reason(label(statement, index), "denies every S3 action when aws:SecureTransport is false")
    return None
