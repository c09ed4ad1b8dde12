"""Each account's part of an organization document, grouped once for all accounts."""

from __future__ import annotations

from tests.wizard.report_documents import organization
from wizard.lastrun_org import _by_account, account_document


def test_grouping_once_gives_each_account_what_a_scan_of_the_whole_document_gives():
    document = organization(accounts=5, not_reached=1)
    document["not_assessed"] = [{"account_id": row["account_id"], "step": "sso", "reason": "denied"}
                                for row in document["accounts"][::2]]
    grouped = _by_account(document)
    for row in document["accounts"]:
        account = row["account_id"]
        mine = account_document(document, row, grouped)
        assert mine == account_document(document, row)
        assert mine["findings"] == [f for f in document["findings"] if f["account_id"] == account]
        assert mine["not_assessed"] == [r for r in document["not_assessed"] if r["account_id"] == account]
    assert sum(len(f) for f, _ in grouped.values()) == len(document["findings"])
