"""The engine on families a reader of the documents can check by hand."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from knowledge.eligibility import Assessment, assess
from knowledge.facts import ProfileError, parse_profile

AS_OF = dt.date(2026, 11, 23)


def run(**facts: Any) -> Assessment:
    return assess(parse_profile(facts, as_of=AS_OF))


def outcome(a: Assessment, rule_id: str):
    return next(o for o in a.outcomes if o.rule.id == rule_id)


KAIFENG = dict(jurisdiction="kaifeng", child_status="deceased", later_child=False, mother_age=55, father_age=57,
               hukou="both", residence="urban")


def test_kaifeng_household_total_is_two_times_1430() -> None:
    a = run(**KAIFENG)
    allowance = outcome(a, "kaifeng.special_allowance_deceased")
    assert (allowance.status, allowance.value, allowance.persons) == ("eligible", 1430, 2)
    assert a.monthly_total() == 2860
    assert a.monthly_total_complete()


def test_mother_48_gets_no_1430_and_the_reason_cites_the_clause() -> None:
    a = run(**{**KAIFENG, "mother_age": 48})
    allowance = outcome(a, "kaifeng.special_allowance_deceased")
    assert allowance.status == "not_eligible"
    assert any("女方年满49周岁" in r and "汴政办〔2023〕24号 三、（一）1." in r and "48岁" in r
               for r in allowance.reasons)
    assert a.monthly_total() is None


def test_an_unknown_age_leaves_the_rule_open_and_names_the_fact() -> None:
    a = run(**{**KAIFENG, "mother_age": "unknown"})
    allowance = outcome(a, "kaifeng.special_allowance_deceased")
    assert allowance.status == "unknown"
    assert allowance.missing == ["mother_age"]
    assert not a.monthly_total_complete()


def test_ankang_rural_one_off_is_20000_and_urban_30000() -> None:
    base = dict(jurisdiction="ankang", child_status="deceased", later_child=False, mother_age=61, father_age=59,
                hukou="both")
    rural, urban = run(**base, residence="rural"), run(**base, residence="urban")
    one_off = [o for o in rural.outcomes if o.rule.amount and o.rule.amount.period == "once"
               and o.rule.citation.clause == "ankang/4.1"]
    assert [o.value for o in one_off] == [20000]
    assert rural.monthly_total() == 800  # only the mother is 60 or over
    assert urban.monthly_total() == 1000
    assert [o.value for o in urban.outcomes if o.rule.id == one_off[0].rule.id] == [30000]


def test_linyi_grade_3_one_off_is_3000_and_grade_4_gets_none() -> None:
    base = dict(jurisdiction="linyi", child_status="disabled", later_child=False, hukou="both")
    by_grade = {}
    for grade in (1, 2, 3, 4):
        a = run(**base, disability_grade=grade)
        by_grade[grade] = [(o.status, o.value) for o in a.outcomes
                           if o.rule.citation.clause == "linyi/2.2" and o.rule.amount and o.rule.amount.period == "once"
                           and o.status == "eligible"]
    assert by_grade == {1: [("eligible", 5000)], 2: [("eligible", 4000)], 3: [("eligible", 3000)], 4: []}


def test_no_local_hukou_is_answered_first_without_benefits() -> None:
    a = run(**{**KAIFENG, "hukou": "none"})
    assert a.covered is False
    assert a.outcomes == []


def test_one_local_spouse_gets_5000_and_one_allowance() -> None:
    a = run(**{**KAIFENG, "hukou": "one"})
    assert outcome(a, "kaifeng.one_off_relief").value == 5000
    assert outcome(a, "kaifeng.special_allowance_deceased").persons == 1
    assert a.monthly_total() == 1430


def test_which_spouse_is_local_matters_only_when_their_ages_differ() -> None:
    a = run(**{**KAIFENG, "hukou": "one", "mother_age": 62, "father_age": 58})
    care = outcome(a, "kaifeng.elderly_care_priority")
    assert care.status == "unknown" and care.missing == ["local_spouse"]
    a = run(**{**KAIFENG, "hukou": "one", "mother_age": 62, "father_age": 58, "local_spouse": "mother"})
    assert outcome(a, "kaifeng.elderly_care_priority").status == "eligible"
    a = run(**{**KAIFENG, "hukou": "one", "mother_age": 62, "father_age": 58, "local_spouse": "father"})
    assert outcome(a, "kaifeng.elderly_care_priority").status == "not_eligible"


def test_a_healthy_child_is_outside_every_document() -> None:
    for code in ("ankang", "linyi", "jiangyan", "kaifeng", "liuzhou"):
        a = run(jurisdiction=code, child_status="healthy", hukou="both", special_assistance=False,
                surgery_complication=False)
        assert {o.status for o in a.outcomes} == {"not_eligible"}, code


def test_eligible_benefits_come_first() -> None:
    a = run(**{**KAIFENG, "self_care_lost": "unknown"})
    order = [o.status for o in a.outcomes]
    assert order == sorted(order, key=["eligible", "unknown", "not_eligible"].index)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("disability_grade", 7, "disability_grade: 7 is not allowed; use a whole number from 1 to 4"),
        ("mother_age", -3, "mother_age: -3 is not allowed"),
        ("father_age", 300, "father_age: 300 is not allowed"),
        ("later_child", "no", "later_child: 'no' is not allowed; use true, false"),
        ("hukou", "beijing", "hukou: 'beijing' is not allowed; use both, one, none"),
        ("jurisdiction", "北京", "jurisdiction: unknown jurisdiction '北京'"),
        ("child_age", 3, "child_age: not a profile fact"),
        ("disability_grade", True, "disability_grade: True is not allowed"),
    ],
)
def test_invalid_profiles_name_the_field_and_what_is_allowed(field: str, value: Any, message: str) -> None:
    with pytest.raises(ProfileError) as err:
        parse_profile({**KAIFENG, field: value})
    assert message in str(err.value)
    assert "\n" not in str(err.value)


def test_a_per_spouse_benefit_says_which_parent_gets_it() -> None:
    a = run(**{**KAIFENG, "mother_age": 55, "father_age": 62})
    care = outcome(a, "kaifeng.elderly_care_priority")
    assert (care.status, care.persons, care.spouses) == ("eligible", 1, ["father"])
    both = outcome(a, "kaifeng.special_allowance_deceased")
    assert both.spouses == ["mother", "father"]
