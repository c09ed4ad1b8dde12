"""S3: MFA delete on bucket versioning, which moto 5.2.5 ignores.

PutBucketVersioning with ``<MfaDelete>`` needs the ``x-amz-mfa`` header (serial and code), as on
AWS; the value is kept on moto's bucket object (so it disappears with the bucket or a reset), and
GetBucketVersioning reports it. The root-user requirement of AWS is not enforced here.
"""

from __future__ import annotations

import re

from ..protocol import GapError
from .registry import handles

_MFA_RE = re.compile(rb"<MfaDelete>\s*(Enabled|Disabled)\s*</MfaDelete>")
_ATTR = "sandbox_mfa_delete"
_CLOSE_RE = re.compile(rb"</[A-Za-z]+>$")


def _bucket(call):
    from moto.s3.models import s3_backends

    name = call.path.strip("/").split("/", 1)[0]
    if not name:  # virtual-hosted style
        name = call.environ.get("HTTP_HOST", "").split(".", 1)[0]
    backend = s3_backends[call.info.account_id]["aws"]
    return backend.buckets.get(name)


@handles("s3", "PutBucketVersioning")
def put_bucket_versioning(call):
    match = _MFA_RE.search(call.info.body or b"")
    if match is None:
        return None
    if not call.environ.get("HTTP_X_AMZ_MFA"):
        raise GapError("InvalidRequest", "MFA delete can only be changed with MFA: send the x-amz-mfa header "
                       "(device serial number and code) as the root user")
    resp = call.forward(body=_MFA_RE.sub(b"", call.info.body))
    bucket = _bucket(call)
    if resp.status == 200 and bucket is not None:
        setattr(bucket, _ATTR, match.group(1).decode())
    return resp


@handles("s3", "GetBucketVersioning")
def get_bucket_versioning(call):
    bucket = _bucket(call)
    value = getattr(bucket, _ATTR, None) if bucket is not None else None
    if value is None:
        return None
    resp = call.forward()
    if resp.status == 200:
        # moto's root element is not the one AWS uses; put MfaDelete inside whichever it is
        resp.body = _CLOSE_RE.sub(lambda m: f"<MfaDelete>{value}</MfaDelete>".encode() + m.group(0),
                                  resp.body.rstrip(), count=1)
    return resp
