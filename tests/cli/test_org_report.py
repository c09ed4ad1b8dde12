"""The organization's HTML report after a fix (issue 17, "True"): on the `org` scenario, after
`fix --org --steps keys --yes` and `check --org --format html`, it lists every change made in every
account, and for every remaining finding the real fix planned in that finding's account.

One fix and one check serve every test here (a module-scoped fixture): the check covers three steps
in two regions, which reaches account-wide, per-region and per-resource fixes at a fifth of the CPU of
a whole check."""

from __future__ import annotations

import html
import io
import re
from contextlib import redirect_stdout
from types import SimpleNamespace

import pytest

from tests.conftest import _use_scenario, isolated
from wizard.__main__ import main
from wizard.journal import Journal
from wizard.findings_groups import group_findings
from wizard.report import fix_for_finding

CHECKED = ["--steps", "keys", "s3", "compute", "--regions", "us-east-1", "eu-west-1"]


@pytest.fixture(scope="module")
def org_report(sandbox, tmp_path_factory):
    from wizard import org_workers, report

    root = tmp_path_factory.mktemp("org-report")
    with pytest.MonkeyPatch.context() as mp, isolated(mp, root):
        sb = _use_scenario(sandbox, mp, "org")
        mp.setattr(org_workers, "cores", lambda: 2)  # members are planned in worker processes, as on any laptop
        seen: dict = {}
        render = report.render_html

        def kept(document, entries=(), fixes=None, **kw):  # what the command hands the renderer
            seen.update(document=document, fixes=fixes)
            return render(document, entries, fixes, **kw)

        mp.setattr(report, "render_html", kept)
        said = io.StringIO()
        with redirect_stdout(said):
            fixed = main(["fix", "--org", "--steps", "keys", "--yes"])
        page = root / "org.html"
        checked = main(["check", "--org", "--format", "html", "--output", str(page), *CHECKED])
        yield SimpleNamespace(sb=sb, fixed=fixed, said=said.getvalue(), checked=checked, page=page.read_text(),
                              journal=Journal(sb.account_id).entries(all_accounts=True), **seen)


def test_changes_made_lists_every_journalled_change_per_account(org_report):
    r = org_report
    assert r.fixed == 0
    accounts = [r.sb.account_id, *r.sb.member_account_ids]
    done = [line for line in r.said.splitlines() if line.endswith(": done")]
    assert len(r.journal) == len(done) >= len(accounts) and {e.account_id for e in r.journal} == set(accounts)
    assert all(e.ok for e in r.journal)
    section = r.page[r.page.index("<h2>Changes made with aws-essentials"):]
    section = section[:section.index("</section>")]
    assert f"Changes made with aws-essentials ({len(r.journal)})" in section
    for account in accounts:
        mine = sorted((e for e in r.journal if e.account_id == account), key=lambda e: e.time, reverse=True)
        start = section.index(f"<h3>Account {account} ({len(mine)})</h3>")
        end = section.find("<h3>", start + 1)
        group = section[start:end if end > 0 else None]
        shown = [group.index(html.escape(e.change["reason"])) for e in mine]
        assert all(f"<code>{e.call}</code>" in group for e in mine)
        assert shown == sorted(shown)  # newest first
    assert all(e.change["fixes"] for e in r.journal)  # the journal records what each change fixed


def test_every_remaining_finding_shows_the_fix_planned_in_its_account(org_report):
    # one row per failing check (the findings grouped, issue 17 "Short"), its fix cell holding the
    # changes planned for its findings in their own accounts
    r = org_report
    assert r.checked == 3 and not r.document["not_assessed"]
    assert "console route" not in r.page
    assert set(r.fixes) == {r.sb.account_id, *r.sb.member_account_ids}  # each account planned where it was read
    remaining = r.page[r.page.index('id="remaining"'):r.page.index('id="changes"')]
    rows = {html.unescape(title): how for title, how in re.findall(
        r'<td><b>([^<]*)</b><br><span class="where">[^<]*</span>.*?<td class="how">(.*?)</td></tr>', remaining)}
    paired: dict[str, int] = {}
    for g in group_findings(r.document["findings"]):
        if g.status != "FAIL":
            continue
        how = rows[g.title]
        shown = planned = 0
        for f in g.findings:
            assert f["check"] not in ("password-length", "password-reuse", "password-max-age")  # fixed above
            fix = r.fixes[f["account_id"]][f["step"]]
            others = [o for o in r.document["findings"] if (o["account_id"], o["step"]) == (f["account_id"], f["step"])]
            changes = fix_for_finding(f, fix, others)
            if changes:
                paired[f["account_id"]] = paired.get(f["account_id"], 0) + 1
                planned += 1
                shown += any(html.escape(c["reason"]) in how for c in changes)
            else:
                assert not f["fixable"] or fix["needs"], f  # a fixable FAIL always has its fix, or the answers it needs
        # the row lists up to four distinct changes, so some findings' changes are among them; none: why not
        assert (shown >= 1 and "<li>" in how) if planned else ("<li>" not in how and how), (g.title, how)
    failing = {f["account_id"] for f in r.document["findings"] if f["status"] == "FAIL"}
    assert set(paired) == failing >= set(r.sb.member_account_ids), "each account's FAILs get its own changes"
