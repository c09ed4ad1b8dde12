"""Customer profiles for consultants: the secret parts in the OS keyring, the rest in a 0600 file.

A profile is either an access key pair, or a role to assume (ARN, external id, source profile).
Optional MFA: the temporary session made with the code is cached in the keyring until it expires.
Nothing secret is ever written to a file; with no keyring, nothing is stored at all.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, replace
from datetime import datetime, timezone
from typing import Any, Callable

from steps.base import StepError
from steps.validators import validate_region, validate_role_arn
from wizard.aws import Credentials, Target
from wizard.credentials import NoKeyring, check_backend, load_secret, store_secret
from wizard.paths import config_dir, write_private

SERVICE = "aws-essentials-customers"
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
ACCESS_KEY_ID = re.compile(r"^(AKIA|ASIA)[A-Z0-9]{12,124}$")
MFA_SERIAL = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:mfa/[\w+=,.@/-]{1,256}$")
MFA_CODE = re.compile(r"^\d{6}$")
PROFILE_HINT = ("alternatives: use an OS keyring (Keychain, Credential Manager, Secret Service), or keep the "
                "customer's credentials in an AWS CLI profile and pass --profile instead")


@dataclass
class Profile:
    """The non-secret part of a customer profile."""

    name: str
    kind: str  # "keys" or "role"
    access_key_id: str = ""
    role_arn: str = ""
    source_profile: str = ""
    region: str = ""
    mfa_serial: str = ""


def _path() -> Any:
    return config_dir() / "customers.json"


def load_all() -> dict[str, Profile]:
    path = _path()
    if not path.exists():
        return {}
    try:
        return {name: Profile(**data) for name, data in json.loads(path.read_text()).items()}
    except (ValueError, TypeError):
        raise StepError(f"the customer profile file {path} is damaged",
                        "it was left untouched; move it aside and add the profiles again") from None


def _save(profiles: dict[str, Profile]) -> None:
    write_private(_path(), json.dumps({n: asdict(p) for n, p in sorted(profiles.items())}, indent=2) + "\n")


def check_name(name: str) -> str:
    if not NAME.match(name or ""):
        raise StepError(f"'{(name or '')[:40]}' is not a usable profile name",
                        "use letters, digits, '.', '_' and '-', starting with a letter or digit")
    return name


def add(profile: Profile, secret: str = "", external_id: str = "") -> None:
    """Store ``profile``: the secret (key secret or external id) in the keyring first, then the file."""
    check_name(profile.name)
    if profile.kind == "keys":
        if not ACCESS_KEY_ID.match(profile.access_key_id):
            raise StepError(f"'{profile.access_key_id[:30]}' is not an access key id", "they start with AKIA or ASIA")
        if not 16 <= len(secret) <= 128 or any(c.isspace() for c in secret):
            raise StepError("the secret access key looks wrong", "paste the 40-character secret exactly")
    elif profile.kind == "role":
        error = validate_role_arn(profile.role_arn)
        if error:
            raise StepError(error)
    else:
        raise StepError(f"unknown profile kind '{profile.kind}'", "use keys or role")
    error = profile.region and validate_region(profile.region)
    if error:
        raise StepError(error)
    if profile.mfa_serial and not MFA_SERIAL.match(profile.mfa_serial):
        raise StepError(f"'{profile.mfa_serial[:60]}' is not an MFA device ARN",
                        "it looks like arn:aws:iam::123456789012:mfa/name")
    try:
        check_backend()
        store_secret(SERVICE, f"{profile.name}:secret", json.dumps({"secret": secret, "external_id": external_id}))
    except NoKeyring as error:
        raise NoKeyring(error.title.split("(")[-1].split(")")[0] if "(" in error.title else "",
                        what=f"the profile '{profile.name}'", hint=PROFILE_HINT) from None
    profiles = load_all()
    profiles[profile.name] = profile
    _save(profiles)


def remove(name: str) -> None:
    """Delete both parts of a profile (and its cached MFA session)."""
    from wizard.credentials import _backend

    profiles = load_all()
    if name not in profiles:
        raise StepError(f"there is no customer profile '{name}'", "see `aws-essentials profiles list`")
    try:
        backend = _backend()
        for entry in (f"{name}:secret", f"{name}:session"):
            try:
                backend.delete_password(SERVICE, entry)
            except Exception:  # noqa: BLE001 - already gone
                pass
    except NoKeyring:
        pass  # nothing can be in a keyring that does not exist
    del profiles[name]
    _save(profiles)


def _secret_parts(name: str) -> dict[str, str]:
    raw = load_secret(SERVICE, f"{name}:secret")
    if raw is None:
        raise StepError(f"the secret of customer profile '{name}' is not in this computer's keyring",
                        f"add it again with `aws-essentials profiles add {name}`")
    return json.loads(raw)


def target_for(name: str, endpoint_url: str | None = None,
               ask_code: Callable[[str], str] | None = None) -> Target:
    """The :class:`Target` for ``--customer NAME``; MFA profiles use (or make) a cached session."""
    profiles = load_all()
    profile = profiles.get(name)
    if profile is None:
        known = ", ".join(profiles) or "none yet"
        raise StepError(f"there is no customer profile '{name}' (known: {known})",
                        f"add it with `aws-essentials profiles add {name}`")
    parts = _secret_parts(name)
    region = profile.region or None
    if profile.kind == "keys":
        base = Target(region=region, endpoint_url=endpoint_url, label=name,
                      credentials=Credentials(profile.access_key_id, parts["secret"]))
        if not profile.mfa_serial:
            return base
        return Target(region=region, endpoint_url=endpoint_url, label=name,
                      credentials=_mfa_session(profile, base, ask_code))
    if profile.source_profile and profile.source_profile != name and profile.source_profile in profiles:
        # the source is another customer profile, in the keyring: botocore cannot read it
        base = target_for(profile.source_profile, endpoint_url, ask_code)
        return replace(assume_from(base, profile.role_arn, parts.get("external_id") or None,
                                   f"aws-essentials-{name}"[:64]), label=name, region=region or base.region)
    target = Target(profile=profile.source_profile or None, region=region, endpoint_url=endpoint_url,
                    role_arn=profile.role_arn, external_id=parts.get("external_id") or None,
                    role_session_name=f"aws-essentials-{name}"[:64], label=name)
    if not profile.mfa_serial:
        return target
    return Target(region=region, endpoint_url=endpoint_url, label=name,
                  credentials=_mfa_session(profile, target, ask_code))


def assume_from(base: Target, role_arn: str, external_id: str | None, session_name: str) -> Target:
    """``role_arn`` assumed with ``base``'s credentials (``--customer`` with ``--role-arn``).

    A base that is itself a role is resolved to its session credentials first: AWS allows such a
    role chain, but limits each chained session to 1 hour (IAM User Guide, "Role chaining"), which
    is AssumeRole's default duration.
    """
    from wizard.aws import AWS

    if base.role_arn:
        credentials = AWS(base).frozen_credentials()
        if credentials is None:
            raise StepError(f"customer profile '{base.label}' gave no credentials", "check its source profile")
        base = replace(base, profile=None, credentials=credentials, role_arn=None, external_id=None)
    return replace(base, role_arn=role_arn, external_id=external_id, role_session_name=session_name)


def keyring_sourced(aws_profile: str, ask_code: Callable[[str], str] | None = None) -> Target | None:
    """The :class:`Target` of an AWS CLI profile whose ``source_profile`` is a customer profile in the
    keyring (``role_arn`` + ``source_profile = customer-a``), or None for any other profile.

    botocore resolves a source profile only from the AWS config and credentials files, so the
    wizard assumes the role itself, with the session name the config gives (AssumeRole).
    """
    import botocore.session

    config = botocore.session.Session().full_config.get("profiles", {})
    section = config.get(aws_profile) or {}
    source = section.get("source_profile")
    if not section.get("role_arn") or not source or source in config or source not in load_all():
        return None
    if section.get("mfa_serial"):
        raise StepError(f"the AWS profile '{aws_profile}' asks for MFA and takes its credentials from the customer "
                        f"profile '{source}'", f"put the MFA device on the customer profile instead "
                        f"(`aws-essentials profiles add {source} ... --mfa-serial ARN`)")
    error = validate_role_arn(section["role_arn"])
    if error:
        raise StepError(f"the AWS profile '{aws_profile}': {error}")
    base = target_for(source, ask_code=ask_code)
    target = assume_from(base, section["role_arn"], section.get("external_id"),
                         section.get("role_session_name") or "aws-essentials")
    return replace(target, region=section.get("region") or base.region, label=aws_profile)


def _mfa_session(profile: Profile, base: Target, ask_code: Callable[[str], str] | None) -> Credentials:
    """Temporary credentials made with an MFA code, cached in the keyring until they expire."""
    from wizard.aws import AWS, describe_error

    cached = load_secret(SERVICE, f"{profile.name}:session")
    if cached:
        data = json.loads(cached)
        if datetime.fromisoformat(data["expires"]) > datetime.now(timezone.utc):
            return Credentials(data["id"], data["secret"], data["token"])
    if ask_code is None:
        raise StepError(f"customer profile '{profile.name}' needs an MFA code",
                        "run it in a terminal, where the wizard asks for the code")
    code = ask_code(profile.mfa_serial).strip()
    if not MFA_CODE.match(code):
        raise StepError("an MFA code is six digits", "type the code your device shows now")
    try:
        if base.role_arn:
            source = AWS(Target(profile=base.profile, region=base.region, endpoint_url=base.endpoint_url))
            params = {"RoleArn": base.role_arn, "RoleSessionName": base.role_session_name,
                      "SerialNumber": profile.mfa_serial, "TokenCode": code}
            if base.external_id:
                params["ExternalId"] = base.external_id
            answer = source.client("sts").assume_role(**params)
        else:
            answer = AWS(base).client("sts").get_session_token(SerialNumber=profile.mfa_serial, TokenCode=code)
    except Exception as error:  # noqa: BLE001
        raise StepError(f"the MFA sign-in failed: {describe_error(error, 'sts', 'GetSessionToken').reason}",
                        "check the code and the device ARN") from None
    creds = answer["Credentials"]
    expires = creds["Expiration"]
    expires = expires if isinstance(expires, datetime) else datetime.fromisoformat(str(expires))
    try:
        store_secret(SERVICE, f"{profile.name}:session", json.dumps({
            "id": creds["AccessKeyId"], "secret": creds["SecretAccessKey"], "token": creds["SessionToken"],
            "expires": expires.astimezone(timezone.utc).isoformat()}))
    except NoKeyring:
        pass  # the session still works for this run; it is just not cached
    return Credentials(creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"])
