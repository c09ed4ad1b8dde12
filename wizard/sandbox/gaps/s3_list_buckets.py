"""S3 ListBuckets with parameters: pages and ``BucketRegion``, which moto 5.2.5 lacks.

AWS (S3 API Reference, ListBuckets; boto3 ``ListBuckets`` response): a request with at least one
valid parameter (``max-buckets``, ``continuation-token``, ``prefix``, ``bucket-region``) is
paginated and each bucket carries ``BucketRegion``; ``MaxBuckets`` is 1 to 10,000. moto cuts the
list at ``max-buckets`` with no continuation token (a caller would miss the rest) and never sends
``BucketRegion``. A request without parameters is left to moto, which answers as AWS does then:
every bucket, no region. Pages follow moto's order of that answer, so both ways list alike; the
token names the page's last bucket.
"""

from __future__ import annotations

import base64
from xml.sax.saxutils import escape

from ..protocol import GapError, xml_response
from .registry import handles

_PARAMETERS = ("max-buckets", "continuation-token", "prefix", "bucket-region")
MAX_BUCKETS = 10_000  # AWS's range for MaxBuckets is 1 to 10,000; also its page when none is given


def _token(name: str) -> str:
    return base64.urlsafe_b64encode(name.encode()).decode()


def _after(token: str) -> str:
    try:
        return base64.urlsafe_b64decode(token.encode()).decode()
    except (ValueError, UnicodeDecodeError):
        raise GapError("InvalidArgument", "The continuation token provided is incorrect") from None


@handles("s3", "ListBuckets")
def list_buckets(call):
    query = call.query
    if not any(name in query for name in _PARAMETERS):
        return None
    raw = query.get("max-buckets", str(MAX_BUCKETS))
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_BUCKETS:
        raise GapError("InvalidArgument", f"max-buckets must be an integer from 1 to {MAX_BUCKETS}")
    limit = int(raw)
    prefix, region = query.get("prefix", ""), query.get("bucket-region", "")
    from moto.s3.models import s3_backends

    buckets = [b for name, b in s3_backends[call.info.account_id]["aws"].buckets.items()
               if name.startswith(prefix) and (not region or b.region_name == region)]
    if query.get("continuation-token"):
        last = _after(query["continuation-token"])
        names = [b.name for b in buckets]
        if last not in names:  # the bucket the token names is gone
            raise GapError("InvalidArgument", "The continuation token provided is incorrect")
        buckets = buckets[names.index(last) + 1:]
    page, more = buckets[:limit], len(buckets) > limit
    items = "".join(f"<Bucket><Name>{escape(b.name)}</Name><CreationDate>{b.creation_date_ISO8601}</CreationDate>"
                    f"<BucketRegion>{escape(b.region_name)}</BucketRegion></Bucket>" for b in page)
    token = f"<ContinuationToken>{_token(page[-1].name)}</ContinuationToken>" if more else ""
    echoed = f"<Prefix>{escape(prefix)}</Prefix>" if "prefix" in query else ""
    return xml_response('<?xml version="1.0" encoding="UTF-8"?>'
                        '<ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
                        "<Owner><ID>bcaf1ffd86f41161ca5fb16fd081034f</ID><DisplayName>webfile</DisplayName></Owner>"
                        f"<Buckets>{items}</Buckets>{token}{echoed}</ListAllMyBucketsResult>")
