"""Money figures in a sentence: where they are, what they say, and what they are not.

A figure is a sum of yuan (1430元, 0.5万元, 一万元, 两千元), a range (3000—5000元) or a
percentage (30%, 百分之五十). Each is read with the words around it: the period (每月,
每年, 每日, 一次性), who it is counted per (每人, 每户, 以家庭为单位), a ceiling or floor
(不高于, 至少), a raise (由…提高到…: the raised-to figure is the amount, the earlier one
is set aside), and whether it is a benefit at all (a funding share such as 市财政承担400元,
or an income threshold, is not).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from knowledge.drafting.sentences import phrases

_FULLWIDTH = str.maketrans("０１２３４５６７８９．，", "0123456789.,")
_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
              "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN = "零〇一二两三四五六七八九十百千"
_NUM = rf"\d+(?:,\d{{3}})*(?:\.\d+)?|[{_CN}]+(?:万[{_CN}]*)?"
# a sum of yuan; 元 not followed by a word it starts (一元化, 元旦, 元月)
YUAN = re.compile(rf"(?P<num>{_NUM})(?P<mult>万|千)?元(?![化旦月])")
_RANGE_JOIN = re.compile(r"^(?:元)?\s*(?:—|－|-|–|~|～|至|到)\s*$")
PERCENT = re.compile(r"(?P<num>\d+(?:\.\d+)?)\s*[%％]|百分之(?P<cn>[零一二两三四五六七八九十百]+)")
# markers read before a figure (the nearest one wins)
_PERIODS: tuple[tuple[str, str], ...] = (
    (r"每人每月|每月|按月|月均|/月", "month"),
    (r"每人每年|每年|按年|年均|/年", "year"),
    (r"每人每日|每人每天|每日|每天|按日|/天|/日", "day"),
    (r"一次性", "once"),
    (r"每季度|按季度|每半年", "unsupported"),
)
_PERIOD_RE = re.compile("|".join(f"(?P<p{i}>{pat})" for i, (pat, _) in enumerate(_PERIODS)))
_PER_PERSON = re.compile(r"每人|人均|/人")
_PER_HOUSEHOLD = re.compile(r"每户|户均|/户|以家庭为单位|按户")
_UP_TO = re.compile(r"(?:不高于|不超过|最高|最多|封顶)(?:按|为)?$")
_AT_LEAST = re.compile(r"(?:至少|不低于|不少于|最低)(?:按|为)?$")
_RAISE_WORDS = r"(?:提高到|提高至|提高为|调整为|调整到|调整至|增加到|增加至|增至|上调至|上调到)"
_RAISED_TO = re.compile(_RAISE_WORDS + r"(?:每人每月|每人每年|每月|每年|每人)?$")
_RAISE_FROM = re.compile("^" + _RAISE_WORDS)
_FUNDING = re.compile(r"承担|分担|拨付|列支|预算|筹集|配套|出资")
_GRANTING = re.compile(r"给予|发放|享受|补助|救助|补贴")
_THRESHOLD = re.compile(r"收入|(?<!不)低于|(?<!不)高于|不足|达到")
_AFTER_PERIOD = re.compile(r"^/(?:人/)?(?:人·)?(月|年|天|日)")

FigureKind = Literal["yuan", "range", "percent"]


def chinese_number(text: str) -> int | None:
    """一万 -> 10000, 两千 -> 2000, 三千五百 -> 3500, 十 -> 10, 一万五 -> 15000; None if not a numeral."""
    total = section = 0
    digit: int | None = None
    last_unit = 1
    for ch in text:
        if ch in _CN_DIGITS:
            if digit is not None:
                return None  # 一二 is not a number
            digit = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            section += (1 if digit is None else digit) * _CN_UNITS[ch]
            digit, last_unit = None, _CN_UNITS[ch]
        elif ch == "万":
            if digit is None and section == 0:
                return None
            total += (section + (digit or 0)) * 10000
            section, digit, last_unit = 0, None, 10000
        else:
            return None
    if digit is not None:
        # a trailing digit after a unit is one place below it: 一万五 = 15000, 三千五 = 3500
        section += digit * (last_unit // 10 if last_unit >= 100 and section + total else 1)
    return total + section


def parse_yuan(num: str, mult: str | None) -> float | None:
    """The CNY value of a matched figure, or None when the numeral cannot be read."""
    num = num.translate(_FULLWIDTH).replace(",", "")
    if re.fullmatch(r"\d+(?:\.\d+)?", num):
        value = float(num)
    else:
        parsed = chinese_number(num)
        if parsed is None:
            return None
        value = float(parsed)
    value *= {"万": 10000, "千": 1000}.get(mult or "", 1)
    return round(value, 2)


@dataclass(frozen=True)
class Figure:
    """One figure in a sentence, read in its context."""

    kind: FigureKind
    start: int  # offsets in the sentence
    end: int
    text: str
    value: float | None  # CNY for yuan; the percentage for percent; None if unreadable
    period: str | None = None  # once | month | year | day | unsupported | None (not stated)
    period_own: bool = False  # the period word is in the figure's own phrase
    per: str | None = None  # person | household | None (not stated)
    up_to: bool = False
    at_least: bool = False
    raised_to: bool = False
    # why this figure is not a benefit amount: "from" (由X提高到), "funding" (a budget share),
    # "threshold" (an income line); None for a benefit
    set_aside: str | None = None
    upper: float | None = None  # the top of a range


def _segment_bounds(sentence: str, pos: int) -> tuple[int, int]:
    """The comma-separated phrase (outside parentheses) around `pos`."""
    phrase = next(p for p in phrases(sentence) if p.end >= pos)  # the last phrase ends at len(sentence)
    return phrase.start, phrase.end


def _parenthesis_around(sentence: str, pos: int) -> str | None:
    """The text of the parenthesis enclosing `pos`, if any."""
    depth, opened = 0, -1
    for i, ch in enumerate(sentence[:pos]):
        if ch in "（(":
            if depth == 0:
                opened = i
            depth += 1
        elif ch in "）)":
            depth = max(0, depth - 1)
    if depth == 0:
        return None
    close = min((j for j in (sentence.find("）", pos), sentence.find(")", pos)) if j >= 0), default=len(sentence))
    return sentence[opened + 1:close]


def _period_before(text: str) -> str | None:
    found = None
    for m in _PERIOD_RE.finditer(text):
        found = _PERIODS[int(next(k for k, v in m.groupdict().items() if v)[1:])][1]
    return found


def find_figures(sentence: str) -> list[Figure]:
    """Every money figure in one sentence, in order, each read in its context."""
    raw: list[tuple[FigureKind, int, int, float | None, float | None]] = []
    for m in YUAN.finditer(sentence):
        raw.append(("yuan", m.start(), m.end(), parse_yuan(m.group("num"), m.group("mult")), None))
    for m in PERCENT.finditer(sentence):
        value = float(m.group("num")) if m.group("num") else chinese_number(m.group("cn") or "")
        raw.append(("percent", m.start(), m.end(), None if value is None else float(value), None))
    raw.sort(key=lambda r: r[1])
    # ranges: 3000—5000元 (the first number has no 元) or 3000元至5000元
    merged: list[tuple[FigureKind, int, int, float | None, float | None]] = []
    for item in raw:
        kind, start, end, value, _ = item
        if merged and kind == "yuan" and merged[-1][0] == "yuan":
            prev = merged[-1]
            if _RANGE_JOIN.match(sentence[prev[2]:start]):
                merged[-1] = ("range", prev[1], end, prev[3], value)
                continue
        if kind == "yuan":
            bare = re.search(r"(\d+(?:\.\d+)?)\s*(?:—|－|-|–|~|～|至|到)\s*$", sentence[:start])
            if bare:
                low = float(bare.group(1)) * (10000 if sentence[start:end].endswith("万元") else 1)
                merged.append(("range", bare.start(1), end, low, value))
                continue
        merged.append(item)

    figures: list[Figure] = []
    for kind, start, end, value, upper in merged:
        seg_start, _seg_end = _segment_bounds(sentence, start)
        prev_end = max([f.end for f in figures if f.end <= start and f.end > seg_start], default=seg_start)
        own = sentence[prev_end:start]  # the figure's own words since the last figure in its phrase
        phrase_before = sentence[seg_start:start]
        before = sentence[:start]
        after = sentence[end:end + 12]
        period = _period_before(own)
        period_own = period is not None
        if period is None:
            slash = _AFTER_PERIOD.match(after)
            if slash:
                period, period_own = {"月": "month", "年": "year", "天": "day", "日": "day"}[slash.group(1)], True
        if period is None:
            period = _period_before(before)
        per = None
        for scope in (own, before):
            hits = [(m.end(), "person") for m in _PER_PERSON.finditer(scope)]
            hits += [(m.end(), "household") for m in _PER_HOUSEHOLD.finditer(scope)]
            if hits:
                per = max(hits)[1]
                break
        stem = own.rstrip("按为 ")
        if figures and figures[-1].end == prev_end and sentence[prev_end:start] in ("、", "和", "或"):
            # a listed figure (3万元、4万元、5万元) shares the first one's ceiling or floor
            up_to, at_least = figures[-1].up_to, figures[-1].at_least
        else:
            up_to, at_least = bool(_UP_TO.search(stem)), bool(_AT_LEAST.search(stem))
        set_aside = None
        paren = _parenthesis_around(sentence, start)
        context = paren if paren is not None else phrase_before
        if _RAISE_FROM.match(after.lstrip("，")) and re.search(r"(?:由|从)[^，]*$", phrase_before):
            set_aside = "from"
        elif _FUNDING.search(context) and not _GRANTING.search(context):
            set_aside = "funding"
        elif kind != "percent" and _THRESHOLD.search(phrase_before) and after.startswith(("的", "以下", "以上")):
            set_aside = "threshold"
        figures.append(Figure(
            kind=kind, start=start, end=end, text=sentence[start:end], value=value, period=period,
            period_own=period_own, per=per, up_to=up_to, at_least=at_least,
            raised_to=bool(_RAISED_TO.search(own)), set_aside=set_aside, upper=upper,
        ))
    return figures


def has_money(text: str) -> bool:
    """Does the text state a sum of yuan or a percentage?"""
    return bool(YUAN.search(text) or PERCENT.search(text))
