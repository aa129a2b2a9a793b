"""Golden cases: profiles and the outcome the documents give, written from the documents.

Each file `tests/knowledge/golden/<code>.yaml` lists cases; only the rules a case names are
checked, so a case states exactly what a reader of the document would assert.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from knowledge.eligibility import assess
from knowledge.facts import parse_profile
from knowledge.rules_schema import load_rules

GOLDEN = Path(__file__).parent / "golden"
AS_OF = dt.date(2026, 11, 23)


def _cases() -> list[Any]:
    out = []
    for path in sorted(GOLDEN.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for i, case in enumerate(data["cases"]):
            out.append(pytest.param(data["jurisdiction"], case, id=f"{path.stem}-{i:02d}-{case['name']}"))
    return out


def test_every_jurisdiction_has_at_least_twelve_cases() -> None:
    counts: dict[str, int] = {}
    for path in GOLDEN.glob("*.yaml"):
        counts[path.stem] = len(yaml.safe_load(path.read_text(encoding="utf-8"))["cases"])
    assert counts == {code: counts.get(code, 0) for code in ("ankang", "jiangyan", "kaifeng", "linyi", "liuzhou")}
    assert all(n >= 12 for n in counts.values()), counts


@pytest.mark.parametrize(("jurisdiction", "case"), _cases())
def test_golden_case(jurisdiction: str, case: dict[str, Any]) -> None:
    profile = parse_profile({"jurisdiction": jurisdiction, **case["profile"]}, as_of=case.get("as_of", AS_OF))
    result = assess(profile)
    if "covered" in case:
        assert result.covered is case["covered"]
    known_ids = {r.id for r in load_rules(jurisdiction).rules}
    by_id = {o.rule.id: o for o in result.outcomes}
    problems = []
    for rule_id, want in (case.get("expect") or {}).items():
        assert rule_id in known_ids, f"golden names unknown rule {rule_id}"
        want = {"status": want} if isinstance(want, str) else want
        got = by_id.get(rule_id)
        if got is None:
            problems.append(f"{rule_id}: no outcome (family not covered)")
            continue
        if got.status != want["status"]:
            problems.append(f"{rule_id}: status {got.status}, expected {want['status']} ({got.reasons})")
        if "amount" in want and got.value != want["amount"]:
            problems.append(f"{rule_id}: amount {got.value}, expected {want['amount']}")
        if "persons" in want and got.persons != want["persons"]:
            problems.append(f"{rule_id}: persons {got.persons}, expected {want['persons']}")
        if "missing" in want and not set(want["missing"]) <= set(got.missing):
            problems.append(f"{rule_id}: missing {got.missing}, expected to include {want['missing']}")
    if "monthly_total" in case:
        total = result.monthly_total()
        if total != case["monthly_total"]:
            problems.append(f"monthly_total {total}, expected {case['monthly_total']}")
    assert not problems, "\n".join(problems)
