"""The rule drafter (knowledge/drafting, issue 26) on sentences from the five documents and on
a new city's text: amounts, periods, per whom, conditions, verbatim quotes, what goes to
review, and that the exported YAML is a valid rules file."""

from __future__ import annotations

from functools import cache

import pytest
import yaml

from bot.reminders.schedule import Schedule
from knowledge.clauses import clauses_by_id
from knowledge.drafting import (
    NO_MONEY,
    Draft,
    DraftRule,
    draft_document,
    draft_text,
    draft_yaml,
    find_figures,
    has_money,
    validate_draft,
)
from knowledge.drafting.figures import chinese_number
from knowledge.rules_schema import RuleFileError

CODES = ("ankang", "linyi", "jiangyan", "kaifeng", "liuzhou")


@cache
def drafted(code: str) -> Draft:
    return draft_document(code)


def rules_of(code: str, clause: str) -> list[DraftRule]:
    return [r for r in drafted(code).rules if r.clause == f"{code}/{clause}"]


def new_city(*items: str, heading: str = "经济扶助") -> str:
    body = "\n".join(f"（{'一二三四五六七八九'[i]}）{t}" for i, t in enumerate(items))
    return f"某市计划生育特殊家庭扶助办法\n为做好计划生育特殊家庭扶助工作，制定本办法。\n一、{heading}\n{body}\n"


def test_kaifeng_3_1_1_drafts_1430_a_month_per_person_for_the_deceased_with_mother_49() -> None:
    (rule,) = rules_of("kaifeng", "3.1.1")
    r = rule.rule
    assert r.amount is not None
    assert (r.amount.value, r.amount.period, r.amount.per) == (1430, "month", "person")
    assert r.amount.basis == "raised_to"
    assert r.beneficiary == "each_spouse"
    assert r.conditions == [{"child_status": "deceased"}, {"mother_age": {"min": 49}}]
    assert r.each_person == []  # 女方年满49周岁 is the mother's age, not each spouse's
    assert r.citation.quote == "对独生子女死亡、女方年满49周岁的夫妻的特别扶助金由每人每月1180元提高到每人每月1430元"
    assert r.id.startswith("kaifeng.draft_")
    # the figure before the raise is set aside, not drafted
    assert [(s.clause, s.figure) for s in drafted("kaifeng").set_aside] == [("kaifeng/3.1.1", "1180元")]


def test_kaifeng_3_1_2_drafts_hukou_variants_10000_and_5000_once_per_household() -> None:
    (rule,) = rules_of("kaifeng", "3.1.2")
    a = rule.rule.amount
    assert a is not None and a.value is None
    assert (a.period, a.per) == ("once", "household")
    assert [(v.when, v.value) for v in a.variants] == [({"hukou": "both"}, 10000), ({"hukou": "one"}, 5000)]
    # 对符合条件的 refers back to the sentence before: child died, no later child
    assert rule.rule.conditions == [{"child_status": "deceased"}, {"later_child": False}]
    assert "一次性救助0.5万元" in rule.rule.citation.quote


def test_kaifeng_3_3_6_one_sentence_two_rules_premium_a_year_and_allowance_a_day() -> None:
    premium, allowance = rules_of("kaifeng", "3.3.6")
    assert premium.rule.amount is not None and allowance.rule.amount is not None
    assert (premium.rule.amount.value, premium.rule.amount.period, premium.rule.amount.paid_as) == (900, "year", "premium")
    assert (allowance.rule.amount.value, allowance.rule.amount.period) == (300, "day")
    assert allowance.rule.amount.max_days_per_year == 90
    assert allowance.rule.citation.quote == "住院期间享受每日300元的住院护理补贴，每年最长不超过90天"
    assert allowance.rule.conditions == [{"child_status": "deceased"}]  # the sentence's subject carries over


def test_ankang_residence_variants_and_each_spouse_age_60() -> None:
    grant, monthly = rules_of("ankang", "4.1")
    assert grant.rule.amount is not None and monthly.rule.amount is not None
    assert [(v.when, v.value) for v in grant.rule.amount.variants] == [
        ({"residence": "rural"}, 20000), ({"residence": "urban"}, 30000)]
    assert (grant.rule.amount.period, grant.rule.amount.per) == ("once", "household")
    assert [(v.when, v.value) for v in monthly.rule.amount.variants] == [
        ({"residence": "rural"}, 800), ({"residence": "urban"}, 1000)]
    assert monthly.rule.each_person == [{"age": {"min": 60}}]
    assert {"residence": "rural"} not in monthly.rule.conditions  # a choice between variants, not a condition


def test_ankang_listed_sums_take_the_listed_kinds_as_labels_and_at_least() -> None:
    listed, extra = rules_of("ankang", "4.4")
    a = listed.rule.amount
    assert a is not None and a.at_least
    assert [(v.label, v.value) for v in a.variants] == [
        ("分散安置", 30000), ("集中安置（占天占地、一户一宅）", 40000), ("楼房化安置", 50000)]
    assert extra.rule.amount is not None and extra.rule.amount.value == 5000  # 0.5万元
    assert any("发放周期" in d for d in extra.doubts)  # no period word: drafted as once, flagged


def test_linyi_grades_orphan_and_percentages() -> None:
    by_value = {tuple(r.values()): r.rule for r in rules_of("linyi", "2.2")}
    graded = by_value[(5000, 4000, 3000)]
    assert graded.amount is not None
    assert [v.when for v in graded.amount.variants] == [{"disability_grade": g} for g in (1, 2, 3)]
    orphan = by_value[(5000,)]
    assert orphan.conditions == [{"orphan_under_18": True}] and orphan.in_scope is False
    review = [(t.clause, t.figure) for t in drafted("linyi").to_review]
    assert review == [("linyi/2.4", "30%"), ("linyi/2.4", "50%")]


def test_liuzhou_funding_shares_are_set_aside_and_child_benefits_go_to_the_child() -> None:
    assert sorted(s.figure for s in drafted("liuzhou").set_aside) == ["225元", "250元", "375元", "400元"]
    assert sorted(v for r in rules_of("liuzhou", "3.1") for v in r.values()) == [600, 650]
    grant, living = rules_of("liuzhou", "3.7")
    for r in (grant, living):
        assert r.rule.beneficiary == "child"
        assert r.rule.conditions == [{"child_status": "disabled"}, {"child_in_higher_education": True}]
    assert living.rule.amount is not None and living.rule.amount.period == "month"
    (discount,) = rules_of("liuzhou", "3.2.4")
    assert discount.rule.amount is not None and discount.rule.amount.up_to
    assert discount.rule.amount.paid_as == "fee_waiver"


def test_a_document_with_no_money_sentences_drafts_no_rules_and_says_so() -> None:
    d = drafted("jiangyan")
    assert d.rules == [] and d.to_review == [] and d.no_money
    assert NO_MONEY in d.summary()


@pytest.mark.parametrize("code", CODES)
def test_every_drafted_quote_is_verbatim_in_its_clause_and_states_money(code: str) -> None:
    clauses = clauses_by_id()
    for r in drafted(code).rules:
        assert r.rule.citation.quote in clauses[r.clause].text, r.rule.id
        assert has_money(r.rule.citation.quote), r.rule.id
        assert r.rule.citation.quote in r.sentence


@pytest.mark.parametrize("code", CODES)
def test_drafted_yaml_validates_with_the_rules_schema(code: str) -> None:
    d = drafted(code)
    ruleset = validate_draft(d)
    assert [r.id for r in ruleset.rules] == [r.rule.id for r in d.rules]
    data = yaml.safe_load(draft_yaml(d))
    assert data["jurisdiction"] == code and data["reviewed"].startswith("未核对")


@pytest.mark.parametrize("code", ["ankang", "linyi", "jiangyan"])
def test_drafted_schedule_validates_with_the_schedule_schema(code: str) -> None:
    d = drafted(code)
    assert d.schedule is not None and not d.schedule.problems
    schedule = Schedule.model_validate(d.schedule.schedule)
    assert schedule.citations and schedule.contact_roles


def test_a_schedule_with_no_line_for_volunteers_says_so_instead_of_inventing_one() -> None:
    d = drafted("kaifeng")
    assert d.schedule is not None
    assert d.schedule.schedule["contact_roles"] == ["township_leader", "health_cadre", "village_cadre"]
    assert any("志愿者" in p for p in d.schedule.problems)
    with pytest.raises(ValueError, match="volunteers"):
        Schedule.model_validate(d.schedule.schedule)


def test_the_drafter_never_makes_a_rule_from_a_sentence_without_a_money_figure() -> None:
    clauses = clauses_by_id()
    for code in CODES:
        for r in drafted(code).rules:
            assert find_figures(r.sentence)
    # every money-free clause of the five documents, as a new city's text: nothing drafted
    money_free = [c.text.replace("\n", "") for c in clauses.values()
                  if c.kind == "section" and not has_money(c.text) and not c.text.startswith(("（", "1"))]
    assert len(money_free) > 90
    headings = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三"]
    chunks = [money_free[i:i + 9] for i in range(0, len(money_free), 9)]
    raw = "某市办法\n为做好扶助工作，制定本办法。\n" + "".join(
        f"{headings[n]}、服务\n" + "".join(f"（{'一二三四五六七八九'[i]}）{t}\n" for i, t in enumerate(chunk))
        for n, chunk in enumerate(chunks))
    d = draft_text("nomoney", raw)
    assert len([c for c in d.clauses.values() if c.kind == "section"]) >= len(money_free)
    assert d.rules == [] and d.to_review == [] and d.no_money


def test_a_new_citys_text_is_drafted_under_its_own_code_and_validates_against_its_own_clauses() -> None:
    d = draft_text("moushi", new_city(
        "对独生子女死亡的夫妻，每人每月发放扶助金八百元。",
        "对独生子女三级以上残疾的家庭，给予一次性慰问金两千元。",
        "夫妻双方均为本市户籍且年满60周岁的，每人每年发放不低于1200元的养老补贴。",
        "城镇居民按每户每年2000元、农村居民按每户每年1500元发放取暖补贴。",
        "入住养老机构的，给予每人每天20元补助，每年最长不超过180天。",
    ))
    got = {r.clause: r.rule for r in d.rules}
    assert set(got) == {"moushi/1.1", "moushi/1.2", "moushi/1.3", "moushi/1.4", "moushi/1.5"}
    a1 = got["moushi/1.1"].amount
    assert a1 is not None and (a1.value, a1.period, a1.per) == (800, "month", "person")
    assert got["moushi/1.2"].conditions == [{"child_status": "disabled"}, {"disability_grade": {"max": 3}}]
    a2 = got["moushi/1.2"].amount
    assert a2 is not None and (a2.value, a2.period, a2.per) == (2000, "once", "household")
    r3 = got["moushi/1.3"]
    assert r3.conditions == [{"hukou": "both"}] and r3.each_person == [{"age": {"min": 60}}]
    assert r3.amount is not None and r3.amount.at_least and r3.amount.value == 1200
    a4 = got["moushi/1.4"].amount
    assert a4 is not None and [(v.when, v.value) for v in a4.variants] == [
        ({"residence": "urban"}, 2000), ({"residence": "rural"}, 1500)]
    assert got["moushi/1.4"].title == "取暖补贴"
    a5 = got["moushi/1.5"].amount
    assert a5 is not None and (a5.value, a5.period, a5.max_days_per_year) == (20, "day", 180)
    validate_draft(d)
    # the same YAML does not validate against the shipped documents' clauses
    from knowledge.rules_schema import parse_rules
    with pytest.raises(RuleFileError, match="not a clause of moushi"):
        parse_rules(draft_yaml(d), "moushi.yaml", "moushi")


@pytest.mark.parametrize(("sentence", "figure", "reason"), [
    ("对失独家庭给予3000—5000元的临时救助。", "3000—5000元", "区间"),
    ("对失独老人每季度发放300元生活补贴。", "300元", "每季度"),
    ("家庭人均收入低于3000元的，优先安排。", "3000元", "门槛"),
    ("对伤残家庭给予1000元、2000元救助。", "1000元、2000元", "哪个金额给谁"),
    ("入住敬老院费用减免百分之五十。", "百分之五十", "比例"),
])
def test_money_the_drafter_cannot_read_lands_in_to_review(sentence: str, figure: str, reason: str) -> None:
    d = draft_text("moushi", new_city(sentence))
    assert d.rules == []
    (item,) = d.to_review
    assert (item.clause, item.figure) == ("moushi/1.1", figure)
    assert reason in item.reason
    assert item.sentence in d.clauses["moushi/1.1"].text


@pytest.mark.parametrize(("text", "value"), [
    ("一万", 10000), ("两千", 2000), ("三千五百", 3500), ("十", 10), ("一万五千", 15000), ("八百", 800),
])
def test_chinese_numerals(text: str, value: int) -> None:
    assert chinese_number(text) == value


@pytest.mark.parametrize(("sentence", "value", "period"), [
    ("一次性救助0.5万元", 5000, "once"), ("每人每月500元", 500, "month"), ("每年发放一万元", 10000, "year"),
    ("每日300元", 300, "day"), ("按500元/月发放", 500, "month"), ("由每月100元提高到每月200元", 200, "month"),
])
def test_figures_read_value_and_period(sentence: str, value: float, period: str) -> None:
    benefit = [f for f in find_figures(sentence) if f.set_aside is None]
    assert [(f.value, f.period) for f in benefit] == [(value, period)]


def test_document_titles_are_not_read_as_conditions() -> None:
    d = draft_text("moushi", new_city("按照《某市独生子女死亡家庭救助办法》规定，给予一次性救助1万元。"))
    (rule,) = d.rules
    assert rule.rule.conditions == []


def test_two_unseen_documents_are_drafted_at_their_measured_floor() -> None:
    """tests/data/newcity: two documents the drafter never saw, with rules reviewed by someone
    who never read it (benchmarks/draft_rules.py reports them). A floor, not a target: every
    reviewed money rule but one found, at most four false rules (all shown for review), every
    drafted quote verbatim in the document."""
    from benchmarks.draft_rules import NEWCITY, evaluate
    from knowledge.drafting import draft_text
    from knowledge.rules_schema import parse_rules

    found = reviewed = false = 0
    for code in ("qinghe", "baishui"):
        draft = draft_text(code, (NEWCITY / "sources" / f"{code}.txt").read_text(encoding="utf-8"))
        ruleset = parse_rules((NEWCITY / "rules" / f"{code}.yaml").read_text(encoding="utf-8"), code, code,
                              clauses=draft.clauses)
        schedule = yaml.safe_load((NEWCITY / "schedules" / f"{code}.yaml").read_text(encoding="utf-8"))
        result = evaluate(code, ruleset, schedule, draft)
        found, reviewed, false = found + len(result.pairs), reviewed + len(result.reviewed), false + len(result.false)
        for rule in draft.rules:
            assert rule.rule.citation.quote in draft.clauses[rule.clause].text
    assert reviewed == 19 and found >= 18 and false <= 4
