"""AWS's UTC timestamps read without dateutil give the datetime botocore's own parser gives."""

from __future__ import annotations

import time

import pytest
from botocore import parsers
from botocore.utils import parse_timestamp as botocores

from wizard.botocore_timestamps import _share_timestamps

VALUES = ["2026-11-30T12:34:56Z", "2026-11-30T12:34:56.1Z", "2026-11-30T12:34:56.123Z", "2026-11-30T12:34:56.123456Z",
          "2024-02-29T00:00:00+00:00", "1970-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "2026-07-01T01:02:03Z",
          # not read here: botocore's parser answers (or raises) as it always did
          "2026-11-30T12:34:56.1234567Z", "2026-11-30T12:34:56+02:00", "2026-11-30 12:34:56Z", "2026-11-30T12:34:56",
          "Mon, 30 Nov 2026 12:34:56 GMT", "1764506096", "2026-11-30t12:34:56z"]
REFUSED = ["2026-02-30T00:00:00Z", "2026-11-30T24:00:00Z", "2026-13-01T00:00:00Z", "not a date"]


@pytest.fixture(scope="module")
def ours():
    saved = parsers.DEFAULT_TIMESTAMP_PARSER
    parsers.DEFAULT_TIMESTAMP_PARSER = botocores
    assert _share_timestamps()
    yield parsers.DEFAULT_TIMESTAMP_PARSER
    parsers.DEFAULT_TIMESTAMP_PARSER = saved


@pytest.mark.parametrize("names", [("UTC", "UTC"), ("EST", "EDT"), ("GMT", "BST")], ids=["utc", "new-york", "london"])
def test_each_timestamp_is_botocores_datetime_with_its_time_zone(ours, monkeypatch, names):
    monkeypatch.setattr(time, "tzname", names)  # what dateutil asks of the machine, for both parsers
    for value in VALUES:
        expected, got = botocores(value), ours(value)
        assert (got, repr(got), type(got.tzinfo)) == (expected, repr(expected), type(expected.tzinfo)), value


def test_a_date_that_does_not_exist_raises_botocores_error(ours):
    for value in REFUSED:
        with pytest.raises(ValueError) as theirs:
            botocores(value)
        with pytest.raises(ValueError) as mine:
            ours(value)
        assert str(mine.value) == str(theirs.value)
