"""Rules and results fit the family (issue 12): the missing Kaifeng benefits, reasons that
name the condition that actually fails, and a monthly total that says what it includes."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from dialogs.eligibility_text import render_assessment
from knowledge.clauses import clauses_by_id
from knowledge.eligibility import assess
from knowledge.facts import parse_profile
from knowledge.rules_schema import all_rulesets

KAIFENG_DISABLED = {"jurisdiction": "kaifeng", "child_status": "disabled", "disability_grade": 2, "later_child": False,
                    "mother_age": 50, "father_age": 52, "hukou": "both", "residence": "urban"}


def outcome(profile: dict, rule_id: str):
    return next(o for o in assess(parse_profile(profile)).outcomes if o.rule.id == rule_id)


@pytest.mark.parametrize(("under_7", "status"), [(None, "unknown"), (True, "eligible"), (False, "not_eligible")])
def test_kaifeng_early_rehabilitation_for_a_young_disabled_child(under_7, status) -> None:
    profile = dict(KAIFENG_DISABLED) | ({} if under_7 is None else {"child_under_7": under_7})
    o = outcome(profile, "kaifeng.early_rehabilitation")
    assert o.status == status
    if under_7 is None:
        assert o.missing == ["child_under_7"]  # "may apply": the child's age decides
    assert "0—6岁" in o.rule.citation.quote


def test_kaifeng_early_rehabilitation_not_for_a_deceased_child() -> None:
    profile = dict(KAIFENG_DISABLED, child_status="deceased")
    profile.pop("disability_grade")
    assert outcome(profile, "kaifeng.early_rehabilitation").status == "not_eligible"


def test_kaifeng_cost_price_at_public_private_care_homes_is_a_rule() -> None:
    old = dict(KAIFENG_DISABLED, mother_age=62, father_age=64)
    o = outcome(old, "kaifeng.public_private_care_home_cost_price")
    assert o.status == "eligible" and o.persons == 2
    assert o.rule.citation.quote == "入住公建民营养老机构的按照成本价收费"
    assert outcome(KAIFENG_DISABLED, "kaifeng.public_private_care_home_cost_price").status == "not_eligible"


def test_check_json_accepts_the_new_fact_and_refuses_a_bad_value() -> None:
    def run(profile: dict) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "bot", "check", "--json", "-"], input=json.dumps(profile),
                              capture_output=True, text=True, timeout=120)

    p = run(dict(KAIFENG_DISABLED, child_under_7=True))
    assert p.returncode == 0
    rule = next(b for b in json.loads(p.stdout)["benefits"] if b["id"] == "kaifeng.early_rehabilitation")
    assert rule["status"] == "eligible"
    p = run(dict(KAIFENG_DISABLED, child_under_7="yes"))
    assert p.returncode == 2 and len(p.stderr.strip().splitlines()) == 1 and "child_under_7" in p.stderr


def test_a_grade_4_child_in_kaifeng_is_told_the_document_covers_grades_1_to_3() -> None:
    profile = dict(KAIFENG_DISABLED, disability_grade=4)
    o = outcome(profile, "kaifeng.special_assistance_enrolment")
    assert o.status == "not_eligible"
    assert any("三级以上" in r and "四级" in r for r in o.reasons)
    assert not any("独生子女死亡" in r for r in o.reasons), o.reasons


def test_liuzhou_total_says_it_is_on_top_and_leaves_out_the_childs_allowance() -> None:
    profile = {"jurisdiction": "liuzhou", "child_status": "disabled", "disability_grade": 1, "later_child": False,
               "mother_age": 50, "father_age": 53, "hukou": "both", "residence": "rural",
               "child_in_higher_education": True}
    a = assess(parse_profile(profile))
    assert a.monthly_total() == 1200  # 2 x 600; the child's 200 a month is the child's
    text = render_assessment(a)
    assert "除国家、自治区按照规定给予的扶助外另发的部分" in text
    assert "伤病残子女上大学期间每月生活补助200元是给孩子的" in text


def test_ankang_names_the_spouse_whose_rate_the_document_does_not_state() -> None:
    profile = {"jurisdiction": "ankang", "child_status": "deceased", "later_child": False, "mother_age": 58,
               "father_age": 62, "hukou": "both", "residence": "rural"}
    a = assess(parse_profile(profile))
    assert a.monthly_total() == 800 and a.spouses_without_rate() == ["mother"]
    assert "孩子妈妈：本文件没有写每月标准" in render_assessment(a)
    both_old = assess(parse_profile(dict(profile, mother_age=61)))
    assert both_old.monthly_total() == 1600 and both_old.spouses_without_rate() == []


def test_every_stated_basis_is_verbatim_in_the_cited_clause() -> None:
    bases = [(r, r.amount.basis_text) for rs in all_rulesets() for r in rs.rules if r.amount and r.amount.basis]
    assert {r.id for r, _ in bases} >= {"liuzhou.special_allowance_deceased", "kaifeng.special_allowance_deceased",
                                        "linyi.special_allowance_disabled", "ankang.monthly_allowance_60"}
    for rule, text in bases:
        assert text and text in clauses_by_id()[rule.citation.clause].text, rule.id
