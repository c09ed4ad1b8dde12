"""Secrets the wizard keeps: the one place the application touches the OS keyring.

- Access keys the wizard stores (a rotated key of the caller's own profile) go to the OS keyring
  through ``keyring``, never to a plain file. The entry is named by the source botocore resolved
  the run's credentials from (``profile:NAME``, ``AWS_PROFILE`` included; ``env:OLDKEY`` for
  environment keys; ``explicit:OLDKEY`` for credentials handed in) and records the key it replaced.
  :func:`stored_target` substitutes it only for a profile that still resolves to that replaced key:
  never for environment keys, another profile, or a profile already updated to a new key.
- Secrets made against the sandbox (an endpoint on 127.0.0.1/localhost) use a service name that
  says "sandbox", so they never mix with real ones.
- With no usable keyring (``NoKeyringError``, the fail/null backends, an empty chain, a plaintext
  file backend) the wizard says so in one line with the alternatives, and stores nothing.
- The wizard never creates a key for another user (its secret could reach nobody), so it holds none.

Local actions (``Call("local", name, params)``) registered in ``wizard.local_actions``:
``keyring.check_backend``, ``keyring.store_access_key``, ``sts.verify_key``,
``credentials_file.update_profile`` (``wizard.credentials_file``).
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from dataclasses import dataclass, replace
from typing import Any, Callable, Mapping
from urllib.parse import urlparse

from steps.base import StepError
from wizard.aws import Credentials, Target

SERVICE = "aws-essentials"
SANDBOX_SERVICE = "aws-essentials-sandbox"
_LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}

NO_KEYRING_HINT = (
    "alternatives: unlock or install an OS keyring (macOS Keychain, Windows Credential Manager, "
    "GNOME Keyring/KWallet via Secret Service), run the wizard on a machine that has one, or rotate this "
    "key in the console and store it yourself with `aws configure` (which writes a plain file)"
)


class NoKeyring(StepError):
    """No usable OS keyring: nothing was stored."""

    def __init__(self, detail: str = "", what: str = "the new access key", hint: str = NO_KEYRING_HINT) -> None:
        super().__init__("no usable OS keyring on this computer" + (f" ({detail})" if detail else "")
                         + f", so {what} cannot be stored safely", hint)


def service_name(endpoint: str | None) -> str:
    """The keyring service: one that says sandbox when the endpoint is this machine."""
    host = (urlparse(endpoint).hostname or "") if endpoint else ""
    return SANDBOX_SERVICE if host in _LOCAL_HOSTS else SERVICE


def _entry_name(profile: str | None) -> str:
    return f"profile:{profile or 'default'}"


@dataclass(frozen=True)
class KeySource:
    """Where a run's credentials come from, as botocore resolved them, and the key id they give."""

    kind: str  # "profile", "env", "explicit" (handed in, e.g. a customer profile) or "role"
    name: str  # the profile name for "profile"; "" otherwise
    access_key_id: str | None

    @property
    def entry(self) -> str:
        """The keyring entry a rotated key of this source is stored under."""
        return _entry_name(self.name) if self.kind == "profile" else f"{self.kind}:{self.access_key_id}"


# Access key id -> the profile source it was substituted for (see stored_target): a rotation run
# signed with a substituted key still belongs to that profile, and replaces the profile's key.
_substituted: dict[str, KeySource] = {}
_substituted_lock = threading.Lock()


def key_source(aws: Any) -> KeySource:
    """The source of the credentials ``aws`` signs with now (no API call)."""
    target = aws.target
    current = aws.access_key_id
    if target.role_arn:
        return KeySource("role", "", current)
    if target.credentials is not None:
        with _substituted_lock:
            origin = _substituted.get(target.credentials.access_key_id)
        return origin or KeySource("explicit", "", current)
    if aws.credential_method == "env":
        return KeySource("env", "", current)
    return KeySource("profile", _profile_name(target.profile), current)


def _profile_name(profile: str | None) -> str:
    """The profile botocore reads: ``--profile``, else AWS_DEFAULT_PROFILE/AWS_PROFILE, else default."""
    from wizard.aws import new_session

    return profile or new_session().profile_name


# --- the keyring ---------------------------------------------------------------------------------


def _backend() -> Any:
    """The configured keyring backend, or NoKeyring when it cannot keep a secret safely."""
    try:
        import keyring
        from keyring.backends import chainer, fail
    except ImportError:  # pragma: no cover - keyring is a dependency
        raise NoKeyring("the keyring package is missing") from None
    try:
        backend = keyring.get_keyring()
    except Exception as error:  # noqa: BLE001 - a broken keyring configuration
        raise NoKeyring(type(error).__name__) from None
    kind = f"{type(backend).__module__}.{type(backend).__name__}"
    if isinstance(backend, fail.Keyring) or kind.startswith("keyring.backends.null"):
        raise NoKeyring("no backend found")
    if isinstance(backend, chainer.ChainerBackend) and not backend.backends:
        raise NoKeyring("no backend found")
    if kind.startswith("keyrings.alt.file") and "Plaintext" in kind:
        raise NoKeyring("the configured backend writes plain files")
    return backend


def check_backend() -> str:
    """Raise NoKeyring when no usable keyring exists; return the backend's name."""
    backend = _backend()
    return getattr(backend, "name", type(backend).__name__)


def store_secret(service: str, name: str, value: str) -> None:
    """Store ``value`` in the keyring and read it back; NoKeyring when it did not stick."""
    from keyring.errors import KeyringError, NoKeyringError

    backend = _backend()
    try:
        backend.set_password(service, name, value)
        stored = backend.get_password(service, name)
    except NoKeyringError:
        raise NoKeyring("no backend found") from None
    except (KeyringError, NotImplementedError) as error:
        raise NoKeyring(f"the keyring refused the secret: {type(error).__name__}") from None
    if stored != value:
        raise NoKeyring("the keyring did not keep the secret")


def load_secret(service: str, name: str) -> str | None:
    """A secret from the keyring, or None (also when there is no keyring)."""
    from keyring.errors import KeyringError

    try:
        return _backend().get_password(service, name)
    except (NoKeyring, KeyringError, NotImplementedError):
        return None


def store_access_key(endpoint: str | None, profile: str | None, access_key_id: str, secret: str, *,
                     entry: str | None = None, replaces: str | None = None) -> str:
    """Keep an access key in the keyring (under ``entry``, default the profile's); returns the service.

    ``replaces`` is the key id the new key replaced: only a source still giving that key is switched.
    """
    service = service_name(endpoint)
    value = {"AccessKeyId": access_key_id, "SecretAccessKey": secret}
    if replaces:
        value["ReplacesKeyId"] = replaces
    store_secret(service, entry or _entry_name(profile), json.dumps(value))
    return service


def _stored(endpoint: str | None, entry: str) -> dict[str, Any] | None:
    raw = load_secret(service_name(endpoint), entry)
    try:
        data = json.loads(raw) if raw else None
        return data if isinstance(data, dict) and data.get("AccessKeyId") and data.get("SecretAccessKey") else None
    except ValueError:
        return None


def stored_credentials(endpoint: str | None, profile: str | None = None, *,
                       entry: str | None = None) -> Credentials | None:
    """The access key stored under ``entry`` (default: ``profile``'s), for this endpoint's kind, or None."""
    data = _stored(endpoint, entry or _entry_name(profile))
    return Credentials(access_key_id=data["AccessKeyId"], secret_access_key=data["SecretAccessKey"]) if data else None


def _environment_keys_first(session: Any) -> bool:
    """Whether botocore's credential chain answers from its first provider, the environment's keys.

    Those are used as they are, whatever the keyring holds, and finding the keyring's backend costs
    ~55 ms of CPU a run (its plugins' entry points), so a run signed with AWS_ACCESS_KEY_ID skips it.
    The provider is botocore's own, first in its chain unless a profile was passed explicitly; a
    partial pair raises here as it would when the run resolves its credentials.
    """
    resolver = session._session.get_component("credential_provider")
    providers = getattr(resolver, "providers", None) or ()
    first = providers[0] if providers else None
    return getattr(first, "METHOD", None) == "env" and first.load() is not None


def stored_target(target: Target) -> Target:
    """``target`` with the keyring's rotated key, when botocore would sign with the key it replaced.

    Only a profile source qualifies (``--profile`` or AWS_PROFILE, else default), and only while it
    still resolves to the replaced key id: environment keys, another identity or a profile updated
    to its new key are used as they are. Entries without the replaced key id are never used.
    """
    if target.credentials is not None or target.role_arn:
        return target
    from wizard.aws import new_session

    # Ask botocore instead of re-deriving its order (boto3 guide "Credentials": parameters, then
    # environment variables, then the shared credentials file, then the config file...); it also
    # drops environment keys when a profile is passed explicitly (botocore.credentials,
    # create_credential_resolver: "An explicitly provided profile will negate an EnvProvider").
    try:
        session = new_session(profile_name=target.profile)
        if _environment_keys_first(session):
            return target  # the environment's keys: never substituted, so the keyring is not asked
        name = session.profile_name
        data = _stored(target.endpoint, _entry_name(name))
        if not data or not data.get("ReplacesKeyId"):
            return target
        resolved = session.get_credentials()
        # botocore's method "env": AWS_ACCESS_KEY_ID chosen by the user, which is never overridden
        if resolved is None or getattr(resolved, "method", "") == "env":
            return target
        current = resolved.get_frozen_credentials().access_key
    except Exception:  # noqa: BLE001 - a missing profile or broken file: the run reports it itself
        return target
    if current != data["ReplacesKeyId"]:
        return target
    with _substituted_lock:
        _substituted[data["AccessKeyId"]] = KeySource("profile", name, current)
    return replace(target, credentials=Credentials(data["AccessKeyId"], data["SecretAccessKey"]))


# --- debug logs --------------------------------------------------------------------------------------

# botocore logs whole response bodies at DEBUG level: CreateAccessKey's answer carries the secret.
_SECRET_IN_TEXT = re.compile(
    r"(<(SecretAccessKey|SessionToken)>)[^<]*(</\2>)|(['\"](?:SecretAccessKey|SessionToken)['\"]\s*:\s*['\"])[^'\"]*")
# Requests carry a session token in a header, which botocore logs with the request (botocore.endpoint)
# and in the canonical request it signs (botocore.auth).
_TOKEN_HEADER = re.compile(r"(x-amz-security-token['\"]?\s*[:=]\s*b?['\"]?)[A-Za-z0-9/+=%_-]+", re.IGNORECASE)
_WIRE_LOGGERS = ("botocore.parsers", "botocore.endpoint", "botocore.hooks", "botocore.retryhandler", "botocore.auth")


class _RedactSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            text = record.getMessage()
        except Exception:  # noqa: BLE001 - a malformed record is left to logging
            return True
        cleaned = _SECRET_IN_TEXT.sub(lambda m: f"{m.group(1)}***{m.group(3)}" if m.group(1) else f"{m.group(4)}***",
                                      text)
        cleaned = _TOKEN_HEADER.sub(lambda m: f"{m.group(1)}***", cleaned)
        if cleaned != text:
            record.msg, record.args = cleaned, ()
        return True


def redact_wire_logs() -> None:
    """Keep secrets out of botocore's debug logging of requests and responses (idempotent)."""
    for name in _WIRE_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, _RedactSecrets) for f in logger.filters):
            logger.addFilter(_RedactSecrets())


# --- local actions ----------------------------------------------------------------------------------


def _use_credentials(aws: Any, credentials: Credentials) -> None:
    """Switch a running AWS object to ``credentials``: later calls of this run sign with them."""
    aws.use_credentials(credentials)


def verify_access_key(endpoint: str | None, region: str, credentials: Credentials,
                      expected_arn: str | None = None, attempts: int = 8) -> dict[str, Any]:
    """sts:GetCallerIdentity signed with ``credentials`` through a fresh client to the same endpoint.

    A new key takes a few seconds to work everywhere in real AWS, so an unknown-key answer is
    retried briefly. Raises StepError when the key does not work or is someone else's.
    """
    import boto3
    from botocore.config import Config
    from botocore.exceptions import BotoCoreError, ClientError

    session = boto3.session.Session(aws_access_key_id=credentials.access_key_id,
                                    aws_secret_access_key=credentials.secret_access_key, region_name=region)
    client = session.client("sts", endpoint_url=endpoint,
                            config=Config(retries={"mode": "standard", "max_attempts": 3}))
    code = ""
    for attempt in range(attempts):
        try:
            answer = client.get_caller_identity()
            break
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code", "")
            if code not in ("InvalidClientTokenId", "SignatureDoesNotMatch", "AccessDenied") or attempt == attempts - 1:
                raise StepError(f"the new key {credentials.access_key_id} did not work ({code})",
                                "the old key is still active; run the step again, or delete the new key") from None
        except BotoCoreError as error:
            raise StepError(f"could not verify the new key: {error}", "the old key is still active") from None
        time.sleep(min(2 ** attempt * 0.25, 4))
    arn = answer.get("Arn")
    if expected_arn and arn != expected_arn:
        raise StepError(f"the new key signs in as {arn}, not {expected_arn}", "the old key is still active")
    return {"Arn": arn, "Account": answer.get("Account"), "AccessKeyId": credentials.access_key_id, "verified": True}


def handlers(aws: Any) -> dict[str, Callable[[Mapping[str, Any], Mapping[str, Any]], Any]]:
    """The local actions of this module, bound to one run's AWS access."""
    redact_wire_logs()  # before any plan that makes a key is run

    def check(params: Mapping[str, Any], results: Mapping[str, Any]) -> Any:
        return {"keyring": check_backend(), "service": service_name(aws.target.endpoint)}

    stored_as: dict[str, KeySource] = {}  # the source the store action keyed its entry by, for verify

    def store(params: Mapping[str, Any], results: Mapping[str, Any]) -> Any:
        key_id = params["AccessKeyId"]
        source = key_source(aws)  # before this run switches to the new key
        try:
            service = store_access_key(aws.target.endpoint, None, key_id, params["SecretAccessKey"],
                                       entry=source.entry, replaces=source.access_key_id)
        except NoKeyring as error:
            raise StepError(error.title + f"; the new key {key_id} exists but is unused: delete it with "
                            "`aws-essentials undo` or DeleteAccessKey", error.hint) from None
        stored_as[key_id] = source
        return {"AccessKeyId": key_id, "service": service, "entry": source.entry,
                "replaces": source.access_key_id}

    def verify(params: Mapping[str, Any], results: Mapping[str, Any]) -> Any:
        key_id = params["AccessKeyId"]
        source = stored_as.get(key_id) or key_source(aws)  # the store action ran in an earlier apply
        credentials = stored_credentials(aws.target.endpoint, entry=source.entry)
        if credentials is None or credentials.access_key_id != key_id:
            raise StepError(f"the new key {key_id} is not in the keyring", "the old key is still active")
        answer = verify_access_key(aws.target.endpoint, aws.home_region, credentials, params.get("ExpectedArn"))
        _use_credentials(aws, credentials)  # from here on this run signs with the verified new key
        return answer

    def update_file(params: Mapping[str, Any], results: Mapping[str, Any]) -> Any:
        from wizard.credentials_file import update_profile

        source = stored_as.get(params["AccessKeyId"])
        kept = f"its secret is in the OS keyring, service {service_name(aws.target.endpoint)}, " + (
            f"entry {source.entry}" if source else "under this run's entry")
        return update_profile(source, params, kept)

    return {
        "keyring.check_backend": check,
        "keyring.store_access_key": store,
        "sts.verify_key": verify,
        "credentials_file.update_profile": update_file,
    }
