"""AWS's ISO 8601 timestamps in UTC read without dateutil, into the datetime botocore's parser makes.

botocore parses every timestamp of an XML answer (IAM's, EC2's, S3's: a user's creation date, a
key's last use) with ``dateutil.parser.parse``, a general-purpose tokenizer: ~3% of the wizard's CPU
on an account with 1,000 users. AWS writes them as ``2024-05-01T12:34:56Z`` (or with up to six
digits of fractions, or ``+00:00``); such a text is read here by one regular expression into the
same ``datetime`` with the time zone dateutil gives it: its local zone (``tzlocal()``) where the
machine's zone names are UTC's (``time.tzname``, as dateutil asks; a server set to UTC, CI's), else
its UTC object (``tzutc()``, a singleton). Anything else, and any text the expression reads but ``datetime`` refuses, goes to botocore's
parser, which answers or raises as it always did. Installed with the sharing
(wizard/botocore_sharing.py); tests/wizard/test_botocore_timestamps.py compares both.
"""

from __future__ import annotations

import re
import time
from datetime import datetime
from typing import Any

_ISO_UTC = re.compile(r"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))?(?:Z|\+00:00)")


def _share_timestamps() -> bool:
    """Answer parsers' timestamps from :data:`_ISO_UTC` where it reads them, else botocore's parser."""
    from botocore import parsers, utils
    from dateutil.tz import tzlocal, tzutc

    original = getattr(parsers, "DEFAULT_TIMESTAMP_PARSER", None)
    if original is None or original is not getattr(utils, "parse_timestamp", None):
        return False
    utc = tzutc()
    match = _ISO_UTC.fullmatch

    def parse_timestamp(value: Any) -> Any:
        found = match(value) if type(value) is str else None
        if found is not None:
            year, month, day, hour, minute, second, fraction = found.groups()
            try:
                naive = datetime(int(year), int(month), int(day), int(hour), int(minute), int(second),
                                 int(fraction.ljust(6, "0")) if fraction else 0)
            except ValueError:
                return original(value)  # a date that does not exist: botocore's parser says so in its words
            # dateutil (parser._build_tzaware): "Z" and "+00:00" are named "UTC", and a name among the
            # machine's own zone names means the local zone, kept while it names itself UTC then
            if "UTC" not in time.tzname:
                return naive.replace(tzinfo=utc)
            aware = naive.replace(tzinfo=tzlocal())
            if aware.tzname() == "UTC":
                return aware
        return original(value)

    parse_timestamp.__wrapped__ = original  # type: ignore[attr-defined]
    parsers.DEFAULT_TIMESTAMP_PARSER = parse_timestamp
    return True
