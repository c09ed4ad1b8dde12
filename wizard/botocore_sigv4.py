"""SigV4 for the requests botocore signs for the wizard, built directly: the same bytes, less work.

botocore's ``SigV4Auth.add_auth`` (12% of the organization workers' GIL samples) puts the headers
to sign into a new ``email`` message twice (once for the canonical request, once for the
Authorization header's ``SignedHeaders``), lowercases, sorts and trims them through generic
helpers, and computes each HMAC through a new ``hmac.HMAC`` object. This builds the canonical
request and the string to sign from the request's headers in one pass, as the SigV4 documentation
describes them (docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html: canonical
headers lowercased, trimmed, sorted, values of repeated headers joined by commas; the string to
sign; the signing key from four HMACs per request: no key is kept past it, benchmarks/README.md
dropped a signing-key cache for that), with botocore's own methods for what varies by signer
(the path's normalisation, the query string, the payload's hash, the headers set before signing).

Falls back to botocore's ``add_auth`` for anything it was not written for: no credentials, debug
logging of the canonical request, a header value that is not a ``str`` (email's policy turns one
with surrogates into a ``Header``), a header name with spaces around it, a subclass that changed
one of the steps reproduced here. When installed, a probe signs a few requests both ways and the
part is left out if any signature differs (a botocore release that signs differently).
"""

from __future__ import annotations

import hmac
import logging
from hashlib import sha256
from typing import Any

# The SigV4Auth methods whose work add_auth below does itself; a signer class that overrides any
# of them signs with botocore's add_auth.
_REPRODUCED = ("add_auth", "canonical_request", "headers_to_sign", "canonical_headers", "_header_value",
               "signed_headers", "string_to_sign", "credential_scope", "scope", "signature", "_sign",
               "_inject_signature_to_request")


class _DirectSigV4:
    """Mixed in before botocore's ``SigV4Auth`` or ``S3SigV4Auth``: ``add_auth`` built in one pass."""

    _aws_essentials_direct = True  # False on a subclass that overrides a reproduced step (set at install)

    def add_auth(self, request: Any) -> None:
        from botocore import auth

        if (self.credentials is None or not type(self)._aws_essentials_direct  # type: ignore[attr-defined]
                or auth.logger.isEnabledFor(logging.DEBUG)):
            return super().add_auth(request)  # type: ignore[misc]
        if not self._aws_essentials_sign_at(request, auth.get_current_datetime().strftime(auth.SIGV4_TIMESTAMP)):
            super().add_auth(request)  # type: ignore[misc]

    def _aws_essentials_sign_at(self, request: Any, timestamp: str) -> bool:
        """Sign ``request`` as of ``timestamp`` as botocore's add_auth does; False: left to botocore."""
        from botocore import auth

        request.context["timestamp"] = timestamp
        self._modify_request_before_signing(request)  # type: ignore[attr-defined]
        signed = _headers_to_sign(request, auth)
        if signed is None:  # botocore's own, from its first step (it sets the same headers again)
            return False
        names = sorted(signed)
        canonical_headers = "".join(f"{name}:{','.join(' '.join(value.split()) for value in signed[name])}\n"
                                    for name in names)
        signed_headers = ";".join(names)
        content_hash = signed.get("x-amz-content-sha256")
        canonical_request = "\n".join((
            request.method.upper(),
            self._normalize_url_path(auth.urlsplit(request.url).path),  # type: ignore[attr-defined]
            self.canonical_query_string(request), canonical_headers, signed_headers,  # type: ignore[attr-defined]
            content_hash[0] if content_hash else self.payload(request)))  # type: ignore[attr-defined]
        day = timestamp[0:8]
        region, service = self._region_name, self._service_name  # type: ignore[attr-defined]
        scope = f"{day}/{region}/{service}/aws4_request"
        string_to_sign = (f"AWS4-HMAC-SHA256\n{timestamp}\n{scope}\n"
                          f"{sha256(canonical_request.encode('utf-8')).hexdigest()}")
        credentials = self.credentials  # type: ignore[attr-defined]
        key = hmac.digest(f"AWS4{credentials.secret_key}".encode(), day.encode("utf-8"), "sha256")
        for part in (region, service, "aws4_request"):
            key = hmac.digest(key, part.encode("utf-8"), "sha256")
        signature = hmac.digest(key, string_to_sign.encode("utf-8"), "sha256").hex()
        request.headers["Authorization"] = (f"AWS4-HMAC-SHA256 Credential={credentials.access_key}/{scope}, "
                                            f"SignedHeaders={signed_headers}, Signature={signature}")
        return True


def _headers_to_sign(request: Any, auth: Any) -> dict[str, list[str]] | None:
    """Lowercased name -> values in order, as botocore's ``headers_to_sign`` selects them; None: not plain."""
    signed: dict[str, list[str]] = {}
    blacklist = auth.SIGNED_HEADERS_BLACKLIST
    for name, value in request.headers.items():
        if type(value) is not str or type(name) is not str or not name.isascii():
            return None
        lname = name.lower()
        if lname not in blacklist:
            if lname != lname.strip():
                return None  # botocore strips it for SignedHeaders only
            values = signed.get(lname)
            if values is None:
                signed[lname] = [value]
            else:
                values.append(value)
    if "host" not in signed:
        signed["host"] = [auth._host_from_url(request.url)]
    return signed


def _probe_requests() -> list[Any]:
    """Requests of the shapes a check signs, and odd ones: the install compares both signers on them."""
    from botocore.awsrequest import AWSRequest

    def made(method: str, url: str, body: Any = b"", headers: dict | None = None, params: Any = None,
             context: dict | None = None) -> Any:
        request = AWSRequest(method=method, url=url, data=body, headers=headers or {}, params=params or {})
        request.context.update(context or {})
        return request

    return [
        made("POST", "https://ec2.eu-west-1.amazonaws.com/", b"Action=DescribeVpcs&Version=2016-11-15",
             {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8", "User-Agent": "probe"}),
        made("GET", "https://b.s3.amazonaws.com/a%20b/~k?list-type=2&prefix=a%2Fb", None,
             {"X-Amz-Meta-X": "  two   spaces ", "x-amz-meta-x": "again"}, context={"payload_signing_enabled": False}),
        made("POST", "http://127.0.0.1:5000/", b'{"k":"\xc3\xa9"}',
             {"X-Amz-Target": "TrentService.ListKeys", "Content-Type": "application/x-amz-json-1.1"},
             params={"b": "1 2", "a": "~/é"}),
    ]


def _signs_alike(direct: type, original: type) -> bool:
    """Whether ``direct`` gives the probe requests the headers botocore's steps give them, byte for byte.

    botocore's side is its ``add_auth`` step by step with the timestamp given (add_auth reads the
    clock); tests/wizard/test_botocore_sigv4.py compares whole ``add_auth`` calls.
    """
    from botocore.credentials import Credentials

    timestamp = "20261130T120000Z"
    for credentials in (Credentials("AKIDEXAMPLE", "secret/\u00e9"), Credentials("AKID", "s", "token")):
        for ours, theirs in zip(_probe_requests(), _probe_requests()):
            if not direct(credentials, "ec2", "eu-west-1")._aws_essentials_sign_at(ours, timestamp):
                return False
            signer = original(credentials, "ec2", "eu-west-1")
            theirs.context["timestamp"] = timestamp
            signer._modify_request_before_signing(theirs)
            canonical_request = signer.canonical_request(theirs)
            signature = signer.signature(signer.string_to_sign(theirs, canonical_request), theirs)
            signer._inject_signature_to_request(theirs, signature)
            if ours.headers.items() != theirs.headers.items() or ours.context != theirs.context:
                return False
    return True


def _share_direct_sigv4() -> bool:
    """Sign "v4" and "s3v4" requests with ``_DirectSigV4`` (botocore's pure-Python signers only).

    ``AUTH_TYPE_MAPS`` names each signature version's class; with awscrt installed botocore signs
    in C and the names point elsewhere: left alone. Built on what is there (botocore's class, or
    wizard/botocore_calls.py's subclass of it), so botocore's fallback keeps that part's work.
    """
    from botocore import auth

    maps = getattr(auth, "AUTH_TYPE_MAPS", None)
    pure = {"v4": getattr(auth, "SigV4Auth", None), "s3v4": getattr(auth, "S3SigV4Auth", None)}
    if not isinstance(maps, dict) or any(
            not isinstance(signer, type) or not isinstance(maps.get(name), type)
            or not (maps[name] is signer or (issubclass(maps[name], signer) and maps[name].__module__.startswith("wizard.")))
            for name, signer in pure.items()):
        return False
    base = vars(auth.SigV4Auth)
    if any(name not in base for name in _REPRODUCED):
        return False
    made = {}
    for name, botocore_signer in pure.items():
        current = maps[name]
        signer = type(current.__name__, (_DirectSigV4, current), {"__module__": __name__})
        # A step of SigV4Auth's that botocore's class for the name overrides: botocore's add_auth then (S3's
        # class changes the path, the payload's hash and the headers set before signing: called, not reproduced).
        signer._aws_essentials_direct = all(getattr(botocore_signer, step) is base[step] for step in _REPRODUCED)
        if not _signs_alike(signer, botocore_signer):
            return False
        made[name] = signer
    maps.update(made)
    return True
