"""GetAccountAuthorizationDetails answers in pages of MaxItems, as AWS does (wizard/sandbox/gaps/iam_details.py)."""

from __future__ import annotations

from .util import client


def test_authorization_details_come_in_pages(account):
    sb = account("insecure")
    iam = client(sb, "iam")
    for n in range(3):
        iam.create_user(UserName=f"paged-{n}")
    whole = [u["UserName"] for page in iam.get_paginator("get_account_authorization_details").paginate(
        Filter=["User", "Group"], PaginationConfig={"PageSize": 2}) for u in page["UserDetailList"]]
    assert len(whole) == len(set(whole)) and {"paged-0", "paged-1", "paged-2"} <= set(whole)
    first = iam.get_account_authorization_details(Filter=["User", "Group"], MaxItems=2)
    assert len(first["UserDetailList"]) + len(first["GroupDetailList"]) == 2
    assert first["IsTruncated"] and first["Marker"]
    rest = iam.get_account_authorization_details(Filter=["User", "Group"], Marker=first["Marker"], MaxItems=1000)
    assert not rest["IsTruncated"] and "Marker" not in rest
    assert [u["UserName"] for u in first["UserDetailList"] + rest["UserDetailList"]] == whole


def test_a_page_after_a_write_sees_the_write(account):
    """Later pages reuse the first page's answer only while nothing was written in between."""
    sb = account("insecure")
    iam = client(sb, "iam")
    for n in range(3):
        iam.create_user(UserName=f"paged-{n}")
    first = iam.get_account_authorization_details(Filter=["User"], MaxItems=1)
    names = [u["UserName"] for u in iam.get_account_authorization_details(
        Filter=["User"], Marker=first["Marker"], MaxItems=1000)["UserDetailList"]]
    assert "paged-late" not in names
    iam.create_user(UserName="paged-late")
    again = [u["UserName"] for u in iam.get_account_authorization_details(
        Filter=["User"], Marker=first["Marker"], MaxItems=1000)["UserDetailList"]]
    assert "paged-late" in again and len(again) == len(names) + 1
