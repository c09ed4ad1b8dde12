"""Secrets the wizard keeps: the one place the application touches the OS keyring.

- Access keys the wizard stores (a rotated key of the caller's own profile) go to the OS keyring
  through ``keyring``, never to a plain file. A profile whose key is in the keyring is used from
  then on: :func:`stored_target` builds the next AWS target from it.
- Secrets made against the sandbox (an endpoint on 127.0.0.1/localhost) use a service name that
  says "sandbox", so they never mix with real ones.
- With no usable keyring (``NoKeyringError``, the fail/null backends, an empty chain, a plaintext
  file backend) the wizard says so in one line with the alternatives, and stores nothing.
- Another user's new secret is held in memory for one reveal, on request (:func:`reveal_once`).

Local actions (``Call("local", name, params)``) registered in ``wizard.local_actions``:
``keyring.check_backend``, ``keyring.store_access_key``, ``sts.verify_key``,
``credentials.hold_secret``.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from dataclasses import replace
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


def store_access_key(endpoint: str | None, profile: str | None, access_key_id: str, secret: str) -> str:
    """Keep a profile's access key in the keyring; returns the service name used."""
    service = service_name(endpoint)
    store_secret(service, _entry_name(profile),
                 json.dumps({"AccessKeyId": access_key_id, "SecretAccessKey": secret}))
    return service


def stored_credentials(endpoint: str | None, profile: str | None) -> Credentials | None:
    """The access key stored for ``profile`` (for this endpoint's kind), or None."""
    raw = load_secret(service_name(endpoint), _entry_name(profile))
    if not raw:
        return None
    try:
        data = json.loads(raw)
        return Credentials(access_key_id=data["AccessKeyId"], secret_access_key=data["SecretAccessKey"])
    except (ValueError, KeyError, TypeError):
        return None


def stored_target(target: Target) -> Target:
    """``target`` with the keyring's key for its profile, when one is stored (the switched profile)."""
    if target.credentials is not None or target.role_arn:
        return target
    credentials = stored_credentials(target.endpoint, target.profile)
    return replace(target, credentials=credentials) if credentials else target


# --- one-time reveal of another user's new secret --------------------------------------------------

_held: dict[str, str] = {}
_held_lock = threading.Lock()


def hold_secret(access_key_id: str, secret: str) -> None:
    with _held_lock:
        _held[access_key_id] = secret


def reveal_once(access_key_id: str) -> str | None:
    """The held secret of ``access_key_id``, once; later calls return None."""
    with _held_lock:
        return _held.pop(access_key_id, None)


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

    def store(params: Mapping[str, Any], results: Mapping[str, Any]) -> Any:
        key_id = params["AccessKeyId"]
        try:
            service = store_access_key(aws.target.endpoint, aws.target.profile, key_id, params["SecretAccessKey"])
        except NoKeyring as error:
            raise StepError(error.title + f"; the new key {key_id} exists but is unused: delete it with "
                            "`aws-essentials undo` or DeleteAccessKey", error.hint) from None
        return {"AccessKeyId": key_id, "service": service, "profile": aws.target.profile or "default"}

    def verify(params: Mapping[str, Any], results: Mapping[str, Any]) -> Any:
        key_id = params["AccessKeyId"]
        credentials = stored_credentials(aws.target.endpoint, aws.target.profile)
        if credentials is None or credentials.access_key_id != key_id:
            raise StepError(f"the new key {key_id} is not in the keyring", "the old key is still active")
        answer = verify_access_key(aws.target.endpoint, aws.home_region, credentials, params.get("ExpectedArn"))
        _use_credentials(aws, credentials)  # from here on this run signs with the verified new key
        return answer

    def hold(params: Mapping[str, Any], results: Mapping[str, Any]) -> Any:
        hold_secret(params["AccessKeyId"], params["SecretAccessKey"])
        return {"AccessKeyId": params["AccessKeyId"], "held": True}

    return {
        "keyring.check_backend": check,
        "keyring.store_access_key": store,
        "sts.verify_key": verify,
        "credentials.hold_secret": hold,
    }
