"""Plain-Chinese wording of conditions and facts, for the engine's reasons.

The reasons are part of what the engine answers (they travel in the JSON contract), so
their wording lives with the knowledge, next to the conditions it describes. The chat's
own copy (questions, greetings) is in `dialogs/templates.py`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from knowledge.facts import Possible, Span

GRADE = {1: "一级", 2: "二级", 3: "三级", 4: "四级"}


def _grade(value: int | None) -> str | int | None:
    return GRADE.get(value, value) if value is not None else None
WHO = {"mother_age": "女方", "father_age": "男方", "age": "本人"}

VALUE_WORDS: dict[str, dict[Any, str]] = {
    "child_status": {"deceased": "独生子女死亡", "disabled": "独生子女伤病残", "healthy": "孩子健在且未残疾"},
    "later_child": {False: "之后未再生育或收养子女", True: "之后再生育或收养了子女"},
    "hukou": {"both": "夫妻双方都是本地户籍", "one": "夫妻只有一方是本地户籍", "none": "夫妻都不是本地户籍"},
    "local_spouse": {"mother": "本地户籍的是女方", "father": "本地户籍的是男方"},
    "residence": {"urban": "城镇居民", "rural": "农村居民"},
    "special_assistance": {True: "已纳入国家计划生育家庭特别扶助", False: "未纳入国家计划生育家庭特别扶助"},
    "surgery_complication": {True: "已纳入计划生育手术并发症特别扶助", False: "未纳入计划生育手术并发症特别扶助"},
    "low_income": {True: "享受低保", False: "未享受低保"},
    "wubao": {True: "是五保（特困）供养对象", False: "不是五保（特困）供养对象"},
    "self_care_lost": {True: "失去生活自理能力", False: "生活能自理"},
    "chronic_disease": {True: "患有慢性病（如高血压、2型糖尿病）", False: "没有慢性病"},
    "child_in_higher_education": {True: "残疾子女考取高校全日制本专科在读", False: "残疾子女没有在读高校"},
    "child_under_7": {True: "残疾的孩子不满7周岁（0—6岁）", False: "残疾的孩子已满7周岁"},
    "orphan_under_18": {True: "是不满18周岁的计划生育孤儿家庭", False: "不是计划生育孤儿家庭"},
}


def _range_words(name: str, test: dict[str, int]) -> str:
    low, high = test.get("min"), test.get("max")
    if name == "disability_grade":
        if low in (None, 1) and high is not None:
            return f"残疾等级{GRADE[high]}以上（一级最重）" if high > 1 else "残疾等级一级"
        if low == high and low is not None:
            return f"残疾等级为{GRADE[low]}"
        return f"残疾等级{_grade(low)}到{_grade(high)}"
    who = WHO.get(name, name)
    if high is None:
        return f"{who}年满{low}周岁"
    if low is None:
        return f"{who}未满{high + 1}周岁"
    return f"{who}{low}至{high}周岁"


def requirement(leaf: dict[str, Any]) -> str:
    """What a leaf condition requires, as a phrase: 女方年满49周岁."""
    (name, test), = leaf.items()
    if name == "born_on_or_after":
        d: dt.date = test
        return f"本人{d.year}年{d.month}月{d.day}日以后出生"
    if isinstance(test, dict):
        return _range_words(name, test)
    values = test if isinstance(test, list) else [test]
    if name == "disability_grade":
        return "残疾等级为" + "或".join(GRADE[v] for v in values)
    words = VALUE_WORDS.get(name, {})
    return "或".join(words.get(v, f"{name}={v}") for v in values)


def actual(name: str, possible: Possible) -> str:
    """What we know of a fact, as a phrase: 48岁 / 孩子健在且未残疾."""
    if isinstance(possible, Span):
        if name == "disability_grade":
            return GRADE.get(possible.low, str(possible.low)) if possible.exact else "等级不清楚"
        if possible.exact:
            return f"{WHO.get(name, '')}{possible.low}岁"
        return f"{WHO.get(name, '')}{possible.low}至{possible.high}岁"
    words = VALUE_WORDS.get(name, {})
    return "、".join(words.get(v, str(v)) for v in sorted(possible, key=str))


def phrase(node: Any, inside: str | None = None) -> str:
    """A whole condition tree in words, keeping its logic: 年满60周岁或失去生活自理能力,
    （已纳入特别扶助、独生子女死亡或伤病残）或已纳入手术并发症特别扶助. `all` reads as "and"
    (、), `any` as "or" (或); an "or" inside an "and" (and the reverse) is bracketed.
    `inside="all"` when the phrase is joined with other requirements by the caller."""
    if isinstance(node, list):
        node = {"all": node}
    if not node:
        return ""
    (key, value), = node.items()
    if key in ("all", "any"):
        if len(value) == 1:
            return phrase(value[0], inside)
        parts = [p for p in (phrase(child, key) for child in value) if p]
        text = ("、" if key == "all" else "或").join(parts)
        return f"（{text}）" if inside is not None and inside != key and len(parts) > 1 else text
    if key == "not":
        return f"不属于{phrase(value, 'all')}"
    return requirement(node)
