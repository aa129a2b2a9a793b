"""Cross-city comparison for staff reads as the documents do (issue 12): "or" as or,
monthly sums with their basis, grants not called reductions, "none" only when none, and
a partial topic name that fits several topics lists them."""

from __future__ import annotations

import subprocess
import sys

import pytest

from dialogs.eligibility_text import render_comparison
from knowledge.comparison import UnknownTopic, resolve_topic


def block(topic: str, city: str) -> str:
    """The lines of one city in the comparison of one topic."""
    text = render_comparison(topic)
    start = text.index(f"【{city}")
    end = text.find("【", start + 1)
    return text[start:end if end > 0 else None]


@pytest.mark.parametrize(("topic", "city", "words"), [
    ("elderly_home", "安康", "本人年满60周岁或失去生活自理能力"),
    ("health_check", "柳州", "本人年满60周岁或患有慢性病"),
    ("medical_insurance", "临沂", "享受低保或是五保（特困）供养对象"),
    ("monthly_allowance", "泰州市姜堰区", "或已纳入计划生育手术并发症特别扶助"),  # scope: either group
    ("monthly_allowance", "开封", "独生子女死亡或（独生子女伤病残、残疾等级三级以上"),
])
def test_or_conditions_read_as_or(topic: str, city: str, words: str) -> None:
    assert words in block(topic, city)


def test_monthly_sums_carry_their_basis() -> None:
    liuzhou = block("monthly_allowance", "柳州")
    assert "每人每月650元（除国家、自治区按照规定给予的扶助外另发的部分，不是总额" in liuzhou
    kaifeng = block("monthly_allowance", "开封")
    assert "每人每月1,430元（提高后的总额：由每人每月1180元提高到每人每月1430元）" in kaifeng
    assert "提高后的总额" in block("monthly_allowance", "临沂") and "提高后的总额" in block("monthly_allowance", "安康")


def test_ankang_building_grant_is_a_grant_not_a_reduction() -> None:
    lines = [ln for ln in block("housing", "安康").splitlines() if "建房补助" in ln and "·" in ln]
    assert lines and all("减免优惠" not in ln and "补助资金" in ln for ln in lines)


def test_only_fee_reductions_are_called_reductions() -> None:
    from knowledge.rules_schema import load_rules

    rule = next(r for r in load_rules("liuzhou").rules if "减免优惠" in r.citation.quote)
    assert rule.amount is not None and rule.amount.paid_as == "fee_waiver"


@pytest.mark.parametrize(("topic", "city", "words"), [
    ("one_off_grant", "泰州市姜堰区", "按规定予以临时救助"),
    ("legal_aid", "临沂", "法律援助等志愿者服务"),
    ("home_care", "临沂", "生活照料"),
    ("home_care", "安康", "生病陪护"),
])
def test_none_only_when_the_document_truly_has_none(topic: str, city: str, words: str) -> None:
    text = block(topic, city)
    assert "本文件没有这一项" not in text and words in text


def test_a_document_without_the_item_still_says_so() -> None:
    assert "本文件没有这一项" in block("legal_aid", "柳州")  # Liuzhou's document never mentions 法律援助


@pytest.mark.parametrize("partial", ["养老", "补贴"])
def test_a_partial_name_fitting_several_topics_lists_them(partial: str) -> None:
    with pytest.raises(UnknownTopic, match="fits several topics") as info:
        resolve_topic(partial)
    assert str(info.value).count("(") >= 2
    p = subprocess.run([sys.executable, "-m", "bot", "compare", partial], capture_output=True, text=True, timeout=60)
    assert p.returncode == 2 and len(p.stderr.strip().splitlines()) == 1 and "fits several" in p.stderr


def test_a_partial_name_fitting_one_topic_still_works() -> None:
    assert resolve_topic("一次性") == "one_off_grant" and resolve_topic("法律") == "legal_aid"
