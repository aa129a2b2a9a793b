"""The money lead line fits what the question states (issue 12 follow-up).

The lead is the first thing a family reads. It must never tell them a sum the document's
own conditions rule out for the facts they stated (an age, a later child), never answer
with one city's figure when no city is known or another place is named, answer the period
asked (a once-off question gets once-off sums only), keep a child's own allowance out of a
parents' "每月多少钱", and speak to a parent alone as 您. Expectations are written from the
documents (knowledge/sources), not from the engine.
"""

from __future__ import annotations

import datetime as dt

import pytest

from dialogs.answer_text import answer_lead, find_answer, render_result
from knowledge.catalogue import load_catalogue
from knowledge.facts import parse_profile
from knowledge.situation import stated_family_facts


def lead(question: str, city: str | None = None) -> str:
    return "\n".join(answer_lead(find_answer(question, city)))


# -- 1. ages and a later child the question states ----------------------------------------

@pytest.mark.parametrize("question", [
    "开封 孩子走了 我才45岁 每月多少钱",
    "开封 孩子走了 我四十五 每月多少钱",
    "开封 孩子走了 我老公五十岁 我四十五 每月多少钱",
])
def test_kaifeng_mother_under_49_is_not_told_1430(question: str) -> None:
    text = lead(question)
    assert "1,430" not in text
    assert "文件要求女方年满49周岁" in text
    assert "汴政办〔2023〕24号 三、（一）1." in text  # the condition's citation


def test_ankang_both_55_are_not_told_the_60_plus_sums() -> None:
    text = lead("安康 孩子走了 我们俩都55岁 每月多少钱")
    assert "每月800元" not in text and "每月1,000元" not in text and "夫妻每人" not in text
    assert "文件要求女方年满60周岁" in text and "男方年满60周岁" in text and "安政办发〔2014〕145号 四、（一）" in text
    # and no once-off sum stands in for the monthly one asked about
    assert "一次性" not in text


def test_ankang_both_65_in_chinese_numerals_are_told_their_sums() -> None:
    text = lead("安康 孩子走了 我们俩都六十五岁了 每月多少钱")
    assert "每月800元" in text and "每月1,000元" in text
    assert "领取人年满60周岁" not in text  # their ages are known: no such condition appended


@pytest.mark.parametrize("question", [
    "开封 孩子走了 每月多少钱 我们后来又收养了一个",
    "开封 孩子走了 后来又生了一个 每月多少钱",
])
def test_a_later_child_rules_out_the_kaifeng_allowance(question: str) -> None:
    text = lead(question)
    assert "1,430" not in text
    assert "文件要求之后未再生育或收养子女" in text


def test_an_adopted_child_never_gets_the_kaifeng_sum() -> None:
    # (the search answers this one with the adoption clause, which states no sum)
    assert "每月" not in lead("开封 孩子走了 领养了一个孩子 每月多少钱")


def test_a_denied_later_child_keeps_the_sum_and_only_the_age_condition() -> None:
    text = lead("开封 孩子走了 每月多少钱 我们没再生")
    assert "夫妻每人每月1,430元" in text
    assert "条件：女方年满49周岁" in text and "未再生育" not in text


def test_a_monthly_question_is_never_answered_with_a_once_off_sum() -> None:
    # the words 再生/收养 lead the search to the once-off clause (三、（一）2.): no lead from it
    assert "一次性" not in lead("开封 孩子走了 我们没有再生也没收养 每月多少钱")


def test_unknown_facts_keep_the_line_with_the_rules_key_conditions() -> None:
    text = lead("开封 孩子走了 每月多少钱")
    assert "夫妻每人每月1,430元" in text
    assert "条件：" in text and "女方年满49周岁" in text and "未再生育或收养子女" in text


def test_both_ages_known_and_old_enough_drop_the_age_condition() -> None:
    text = lead("开封 孩子走了 我们俩都五十岁 每月多少钱")
    assert "夫妻每人每月1,430元" in text and "女方年满49周岁" not in text


@pytest.mark.parametrize(("question", "expected"), [
    ("我才45岁", {"mother_age": 45}),
    ("我们俩都五十五岁", {"mother_age": 55, "father_age": 55}),
    ("我老婆今年才四十六", {"mother_age": 46}),
    ("我们后来又收养了一个", {"later_child": True}),
    ("我们没再生也没抱养", {"later_child": False}),
    ("孩子30岁走了，每月多少钱", {}),  # the child's age, not a parent's
    ("我们都拿1430吗", {}),  # a sum, not an age
    ("扶助金要不要钱", {}),  # 不要 is no denial of a later child
])
def test_stated_facts_are_read_from_the_question(question: str, expected: dict[str, object]) -> None:
    readings = stated_family_facts(question)
    if "我才" in question:  # the speaker's sex is not said: both readings
        assert [facts for _, facts in readings] == [{"mother_age": 45}, {"father_age": 45}]
    else:
        assert readings == [("", expected)]


# -- 2. no city known, or a place we do not cover -------------------------------------------

@pytest.mark.parametrize("question", ["孩子二级残疾 每月多少钱", "孩子走了 每月多少钱"])
def test_no_city_gives_no_single_city_lead(question: str) -> None:
    text = lead(question)
    assert "元" not in text
    assert not any(f"{d.name.removesuffix('市')}：" in text for d in load_catalogue())


@pytest.mark.parametrize("question", ["郑州 孩子走了 每月多少钱", "河南 孩子走了 每月多少钱",
                                      "Zhengzhou 孩子走了 每月多少钱", "我是南阳市的 孩子走了 每月多少钱"])
def test_another_place_never_gets_our_figure(question: str) -> None:
    for city in (None, "kaifeng"):  # even for a user whose saved city is Kaifeng
        text = lead(question, city)
        assert "1,430" not in text and "每月" not in text
        assert all(d.name in text for d in load_catalogue())  # the five places we know


def test_a_covered_city_named_with_its_province_keeps_its_lead() -> None:
    assert "夫妻每人每月1,430元" in lead("河南开封 孩子走了 每月多少钱")


# -- 3. the period asked --------------------------------------------------------------------

def test_liuzhou_once_off_quotes_the_county_sentence_not_a_monthly_sum() -> None:
    text = lead("柳州 孩子走了 一次性给多少")
    assert "每月" not in text
    assert "具体标准由各县（区）人民政府规定" in text and "柳政规〔2018〕41号 三、（一）" in text


def test_linyi_grade_four_once_off_says_grades_one_to_three() -> None:
    text = lead("临沂 孩子四级残疾 一次性给多少")
    assert "每人每月300元" not in text and "每月" not in text
    assert "三级以上" in text and "临政办发〔2014〕42号 二、（二）" in text


def test_linyi_grade_two_once_off_gets_its_own_sum() -> None:
    text = lead("临沂 孩子二级残疾 一次性给多少")
    assert "一次性4,000元" in text and "每月" not in text


@pytest.mark.parametrize("city", ["liuzhou", "kaifeng", "linyi", "ankang", "jiangyan"])
def test_a_hospital_insurance_question_gets_no_monthly_allowance_lead(city: str) -> None:
    assert "每月" not in lead("住院保险多少钱", city)


# -- 4. a child's own allowance ---------------------------------------------------------------

def test_the_college_allowance_is_not_the_parents_monthly_answer() -> None:
    text = lead("柳州 孩子二级残疾 每月多少钱")
    assert "孩子每月200元" not in text
    assert "夫妻每人每月600元" in text


def test_the_college_allowance_answers_a_schooling_question() -> None:
    assert "孩子每月200元" in lead("柳州 孩子二级残疾 在上大学 每月多少钱")


# -- 5. a parent alone ------------------------------------------------------------------------

@pytest.mark.parametrize("household", ["mother", "father"])
def test_a_parent_alone_is_told_you_not_each_spouse(household: str) -> None:
    profile = parse_profile({"jurisdiction": "liuzhou", "child_status": "disabled", "disability_grade": 2,
                             "later_child": False, "hukou": "both", "household": household,
                             f"{household}_age": 55, "mother_age": 55}, as_of=dt.date(2026, 11, 27))
    result = find_answer("每个月能领多少钱", "liuzhou")
    text = "\n".join(answer_lead(result, profile))
    assert "您每月600元" in text and "夫妻每人" not in text
    both = parse_profile({**profile.to_json(), "household": "both"}, as_of=dt.date(2026, 11, 27))
    assert "夫妻每人每月600元" in "\n".join(answer_lead(result, both))


def test_the_whole_answer_for_another_place_names_our_five_first() -> None:
    text = render_result("郑州 孩子走了 每月多少钱", find_answer("郑州 孩子走了 每月多少钱", "kaifeng"))
    first_block = text.split("\n\n")[0]
    assert "郑州" in first_block and "开封市" in first_block and "1,430" not in first_block


def test_an_age_whose_owner_is_unsaid_keeps_the_age_condition() -> None:
    # "我55岁" from the father leaves the mother's age open: the condition stays visible
    assert "条件：女方年满49周岁" in lead("开封 孩子走了 我55岁 每月多少钱")
    # the mother says her own age (her husband is 老公): nothing about her age is left open
    text = lead("开封 孩子走了 我老公60岁 我55岁 每月多少钱")
    assert "夫妻每人每月1,430元" in text and "女方年满49周岁" not in text
