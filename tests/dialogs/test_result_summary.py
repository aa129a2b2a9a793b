"""The result a person can read: summary first, topics one at a time, open items grouped
by the fact that settles them, sensitive items only on request (issue 14)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from dialogs.eligibility_text import render_assessment
from dialogs.result_summary import GROUP_CATEGORIES, build_view, render_full
from knowledge.eligibility import assess
from knowledge.facts import parse_profile

DAY = dt.date(2026, 11, 23)
KAIFENG = {"jurisdiction": "kaifeng", "child_status": "deceased", "later_child": False, "mother_age": 68,
           "father_age": 70, "hukou": "both", "residence": "urban", "self_care_lost": False}


def view_of(**facts: Any):  # type: ignore[no-untyped-def]
    return build_view(assess(parse_profile(facts, as_of=DAY)))


def test_kaifeng_summary_is_short_and_leads_with_the_household_money() -> None:
    view = view_of(**KAIFENG)
    lines = view.summary.splitlines()
    assert lines[0] == "每月现金合计：2,860元"  # the money first (issue 23), the source after
    assert lines[1].startswith("包括：特别扶助金")
    assert any(line.startswith("依据：开封市的文件（汴政办〔2023〕24号") for line in lines[2:])
    assert "一次性救助" in view.summary and "10,000元" in view.summary
    assert "还能享受的主要帮扶" in view.summary
    assert len(view.summary) < 700  # one short message, not 5,600 characters
    assert [s.key for s in view.topic_sections()] == [k for k in GROUP_CATEGORIES if view.section(k)]


def test_every_topic_item_keeps_its_citation() -> None:
    view = view_of(**KAIFENG)
    for section in view.topic_sections():
        items = [b for b in section.text.split("\n\n")[1:] if not b.startswith("可能还有")]
        assert items and all("出处：汴政办〔2023〕24号" in item for item in items), section.key


def test_sensitive_items_are_offered_in_one_neutral_line_not_listed() -> None:
    view = view_of(**KAIFENG)
    listed = view.summary + "".join(s.text for s in view.topic_sections())
    sensitive = [o.rule.title for o in assess(parse_profile(KAIFENG, as_of=DAY)).outcomes
                 if o.rule.category in ("reproduction", "adoption") and o.status != "not_eligible"]
    assert sensitive
    for title in sensitive:
        assert title not in listed, title
    assert "如果您家考虑再要孩子或收养，也有相关帮扶" in view.summary
    assert view.section("sensitive") is not None and "出处" in view.section("sensitive").text  # type: ignore[union-attr]


def test_funeral_items_only_under_their_gentle_heading_in_the_full_view() -> None:
    view = view_of(**KAIFENG)
    funeral = view.section("funeral")
    assert funeral is not None and funeral.text.startswith("身后事安排")
    assert "丧葬" not in view.summary and "墓" not in view.summary
    assert "【" not in render_full(view)


def test_not_applicable_is_a_count_and_open_items_are_grouped_by_the_missing_fact() -> None:
    view = view_of(jurisdiction="kaifeng", child_status="deceased", later_child=False, hukou="both",
                   residence="urban", mother_age=68)
    assert "问清楚是否有人生活不能自理，还能确定 2 项" in view.summary
    open_items = view.section("open")
    assert open_items is not None
    assert open_items.text.count("问清楚是否有人生活不能自理后才能确定") == 1
    assert "要问清楚：" not in open_items.text  # not the same line under every item
    full = render_full(view)
    assert "不符合" not in full  # reasons for what does not apply stay behind the button


def test_no_amount_line_ends_in_nothing() -> None:
    for code in ("ankang", "linyi", "jiangyan", "kaifeng", "liuzhou"):
        assessment = assess(parse_profile({"jurisdiction": code, "child_status": "deceased"}, as_of=DAY))
        for text in (render_assessment(assessment), *(s.text for s in build_view(assessment).sections)):
            assert all(not line.rstrip().endswith("：") for line in text.splitlines()
                       if "金额" in line), code


@pytest.mark.parametrize("code", ["jiangyan", "linyi"])
def test_not_yet_in_the_scheme_is_told_how_to_apply(code: str) -> None:
    view = view_of(jurisdiction=code, child_status="deceased", later_child=False, hukou="both",
                   residence="rural", mother_age=55, father_age=57, special_assistance=False)
    assert "还没有领国家的计划生育特别扶助金" in view.summary
    assert "乡镇（街道）卫生健康办公室" in view.summary
    assert "这不是" in view.summary and "文件里的内容" in view.summary  # national context, marked as such


def test_in_the_scheme_is_not_told_to_apply() -> None:
    view = view_of(jurisdiction="jiangyan", child_status="deceased", later_child=False, hukou="both",
                   residence="rural", mother_age=55, father_age=57, special_assistance=True)
    assert "还没有领" not in view.summary


def test_young_mother_not_in_scheme_is_not_sent_to_apply() -> None:
    view = view_of(jurisdiction="linyi", child_status="deceased", later_child=False, hukou="both",
                   residence="rural", mother_age=40, father_age=42, special_assistance=False)
    assert "还没有领" not in view.summary


def test_the_draft_is_called_an_undated_draft_not_a_document_of_an_unnamed_date() -> None:
    assessment = assess(parse_profile({"jurisdiction": "jiangyan", "child_status": "deceased", "hukou": "both",
                                       "later_child": False, "special_assistance": True, "mother_age": 66,
                                       "father_age": 68}, as_of=DAY))
    full = render_assessment(assessment)
    view = build_view(assessment)
    for text in (full, view.summary, *(s.text for s in view.sections)):
        assert "依据未注明日期" not in text and "未注明日期印发" not in text and "按未注明日期文件" not in text
    source = next(line for line in view.summary.splitlines()[:4] if line.startswith("依据："))  # after the money
    assert "征求意见稿" in source
    assert "没有文号，也没有注明日期" in full.splitlines()[1]
    kaifeng = render_assessment(assess(parse_profile(KAIFENG, as_of=DAY)))
    assert "按2023年7月24日文件所载" in kaifeng
