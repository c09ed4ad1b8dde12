"""The catalogue of declared checks: complete, consistent with CIS v5.0, and what the findings say.

The insecure and secure scenarios are checked step by step in test_catalogue.py (on the collects it
makes anyway); the empty and org scenarios here, one sandbox reset and one collect per step each.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from steps import STEPS
from steps.catalogue import cis_coverage, declared, entries, undeclared, unknown_cis_ids
from steps.checks import cis_recommendations
from tests.helpers import open_aws, undeclared_fixes
from wizard.apply import fresh_collect
from wizard.commands.catalogue import markdown
from wizard.sandbox.scenarios import WORKLOAD_REGIONS

DOC = Path(__file__).resolve().parents[2] / "docs" / "catalogue.md"


def test_docs_catalogue_is_current():
    assert DOC.read_text() == markdown(entries()), "docs/catalogue.md is stale: run scripts/catalogue-doc"


@pytest.mark.parametrize("step", STEPS, ids=[s.INFO.id for s in STEPS])
def test_every_step_declares_its_checks_once(step):
    ids = [check.id for check in declared(step)]
    assert ids, "every step declares its checks"
    assert len(ids) == len(set(ids))


def test_every_cis_id_is_a_v5_recommendation():
    assert not unknown_cis_ids(entries())


def test_cis_list_is_v5_complete():
    ids = [rec["id"] for rec in cis_recommendations()]
    assert len(ids) == len(set(ids)) == 63  # CIS AWS Foundations v5.0.0 has 63 recommendations
    assert {"1.10", "1.21", "2.1.3", "3.9", "4.15", "5.1.2", "5.7"} <= set(ids)
    assert all(rec["assessment"] in ("Automated", "Manual") and rec["profile"] in ("Level 1", "Level 2")
               for rec in cis_recommendations())


def test_coverage_names_the_covering_checks():
    coverage = {rec["id"]: rec["checks"] for rec in cis_coverage(entries())}
    assert coverage["1.20"] == ["sso.identity-center"]
    assert "root.root-mfa" in coverage["1.4"]


def _all_undeclared(make_aws):
    """Every step's collect and evaluate, side by side (the reads mostly wait on the sandbox); and its
    plans, whose every change declares which of the step's checks it fixes."""
    def problems(step):
        state = fresh_collect(make_aws(), step)
        return undeclared(step, step.evaluate(state)) + undeclared_fixes(step, state)

    with ThreadPoolExecutor(4) as pool:
        return [problem for found in pool.map(problems, STEPS) for problem in found]


# The regions the seeds use: every branch they reach, without reading every other region too.
def test_empty_scenario_findings_are_declared(account):
    sb = account("empty")
    assert not _all_undeclared(lambda: open_aws(sb, regions=WORKLOAD_REGIONS))


def test_org_scenario_findings_are_declared(account):
    sb = account("org")
    member = sorted(sb.member_account_ids)[0]
    assert not _all_undeclared(lambda: open_aws(sb, regions=WORKLOAD_REGIONS))
    assert not _all_undeclared(lambda: open_aws(sb, regions=WORKLOAD_REGIONS).member(member))


def test_every_change_a_step_writes_declares_what_it_fixes():
    """``Change.fixes`` on every Change and console task in steps/, also on the branches no scenario
    reaches (the scenario tests check the values): the report pairs findings with fixes by it."""
    import ast

    missing = []
    for path in sorted((Path(__file__).resolve().parents[2] / "steps").rglob("*.py")):
        if path.name == "base.py":  # where Change and manual are defined
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("Change", "manual")
                    and not any(k.arg in ("fixes", None) for k in node.keywords)):
                missing.append(f"{path.name}:{node.lineno}")
    assert not missing, f"changes without fixes=...: {missing}"
