"""Which family situation a question states, and which situation a document sentence is for.

Many clauses hold one sentence per situation: Linyi 二、（二） raises the allowance to 500 元
for families whose child died and to 300 元 for families whose child is disabled, in two
sentences of one clause. Picking the key sentence by counting matched words then shows a
grieving parent of a disabled child the other family's figure. This module reads both
sides with the same dimensions (child died / disabled, grade, rural / urban, one or both
spouses local, kind of resettlement, re-birth vs adoption, medical vs pension insurance),
so the search can refuse a sentence that names only the *other* situation.

A sentence "names" a value when it mentions it; one that names several values of a
dimension (独生子女三级以上残疾或死亡) is for all of them. Negated conditions
(未再生育或收养子女) are removed before reading, since they name no wish of the family.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from knowledge.spoken import standardize
from knowledge.text_normalize import normalize

GRADES = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}


@dataclass(frozen=True)
class Dimension:
    """One way families differ, with the words a question and a document use for each value."""

    name: str
    question: dict[str, re.Pattern[str]]
    document: dict[str, re.Pattern[str]]


def _p(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


DIMENSIONS: tuple[Dimension, ...] = (
    Dimension(
        "child",
        {
            "deceased": _p(r"死亡|去世|过世|离世|走了|没了|不在了|病故|夭折|死了|失独|身故|故去|走得早"
                           r"|失去了?(?:孩子|儿子|女儿|独生)"),
            "disabled": _p(r"残|瘫|伤病|智障|脑瘫"),
        },
        {
            "deceased": _p(r"死亡|失独|去世"),
            "disabled": _p(r"残疾(?!人联合会)|伤残|病残|伤、病残|伤病残|重残"),
        },
    ),
    Dimension(
        "residence",
        {
            "rural": _p(r"农村|乡下|村里|农民|农业户口|在村"),
            "urban": _p(r"城镇|城里|城市|县城|非农|市区"),
        },
        {
            "rural": _p(r"农村(?!合作医疗|人均)"),
            "urban": _p(r"城镇(?!职工|基本医疗|人均)|城市(?!居民最低)"),
        },
    ),
    Dimension(
        "hukou",
        {
            "one": _p(r"一方|只有(?:我|他|她|一个人?|一人)|一个(?:人)?(?:是)?(?:本地|外地)"
                      r"|(?:老伴|他|她|我|老公|老婆)的?户口(?:在|是)?外地"),
            "both": _p(r"双方|两个人?都|都是本地|都在本地|两口子都|俩都|我们都是"),
        },
        {
            "one": _p(r"一方(?:为|是|系)?(?:我市|本市|本地|本区)?户籍"),
            "both": _p(r"双方(?:均|都)?(?:为|是|系)?(?:我市|本市|本地|本区)?户籍"),
        },
    ),
    Dimension(
        "resettlement",
        {
            "tall": _p(r"楼房|四层|4层|高层|上楼|单元楼"),
            "scattered": _p(r"分散安置|分散"),
            "concentrated": _p(r"集中安置|集中"),
        },
        {
            "tall": _p(r"楼房|四层"),
            "scattered": _p(r"分散安置"),
            "concentrated": _p(r"集中安置"),
        },
    ),
    Dimension(
        "wish",
        {
            "rebirth": _p(r"再生|再要|生育|生个|生一个|怀孕|试管|二胎|要孩子|生孩子|复通|取环"),
            "adopt": _p(r"收养|领养|抱养|过继|认养"),
        },
        {
            "rebirth": _p(r"生育意愿|生育能力|再生育技术|再生育服务|再生育咨询|生育证|辅助生殖|试管|复通|取环"
                          r"|住院分娩|孕期"),
            "adopt": _p(r"收养|领养"),
        },
    ),
    Dimension(
        "insurance",
        {
            "medical": _p(r"医保|医疗保险|合作医疗|新农合"),
            "pension": _p(r"养老保险|养老金|社保"),
        },
        {
            "medical": _p(r"医保|医疗保险|合作医疗"),
            "pension": _p(r"养老保险"),
        },
    ),
)

BY_NAME = {d.name: d for d in DIMENSIONS}
# Dimensions that describe the family itself (who asks), as opposed to what it asks about
# (a kind of insurance or resettlement, a wish to adopt), which is the topic.
FAMILY_DIMENSIONS = frozenset({"child", "residence", "hukou"})

# Conditions written in the negative name no wish of the family (未再生育或收养子女).
NEGATED_CONDITION = re.compile(r"(?:未|不|没有)再?(?:生育|生)(?:或|和|、|且|也|，)*(?:未|没有)?(?:合法|依法)?"
                               r"(?:收养|领养)?(?:子女)?|未收养(?:子女)?|不再生育|不再收养")
_GRADE_IN_QUESTION = re.compile(r"([一二三四1-4])\s*级")
_GRADE_IN_DOCUMENT = re.compile(r"(?:残疾|伤残|伤病残|病残)[^。；，]{0,4}?([一二三四])级以上"
                                r"|([一二三四])级以上(?:残疾|伤残)")


@dataclass(frozen=True)
class Situation:
    """What a question says about the family: one value per dimension it states."""

    values: tuple[tuple[str, str], ...] = ()
    grade: int | None = None

    def get(self, name: str) -> str | None:
        return dict(self.values).get(name)

    def __bool__(self) -> bool:
        return bool(self.values) or self.grade is not None

    def to_facts(self) -> dict[str, object]:
        """The profile facts (README fact table) this situation settles."""
        facts: dict[str, object] = {}
        child = self.get("child")
        if child:
            facts["child_status"] = child
        if self.grade is not None and child != "deceased":
            facts["child_status"] = "disabled"
            facts["disability_grade"] = self.grade
        if self.get("residence"):
            facts["residence"] = self.get("residence")
        if self.get("hukou"):
            facts["hukou"] = self.get("hukou")
        return facts


def read_question(question: str) -> Situation:
    """The situation a question states; a dimension it names both ways counts as unstated."""
    norm = normalize(question)
    values: list[tuple[str, str]] = []
    for dim in DIMENSIONS:
        named = [value for value, pattern in dim.question.items() if pattern.search(norm)]
        if len(named) == 1:
            values.append((dim.name, named[0]))
    grade_match = _GRADE_IN_QUESTION.search(norm)
    grade = GRADES[grade_match.group(1)] if grade_match else None
    if grade is not None and ("child", "deceased") in values:
        grade = None
    if grade is not None and not any(n == "child" for n, _ in values):
        values.append(("child", "disabled"))
    return Situation(tuple(values), grade)


def situation_positions(norm: str) -> frozenset[int]:
    """Positions of the characters that state the family's situation (女儿三级残疾)."""
    spans = [m.span() for dim in DIMENSIONS if dim.name in FAMILY_DIMENSIONS
             for p in dim.question.values() for m in p.finditer(norm)]
    spans += [m.span() for m in _GRADE_IN_QUESTION.finditer(norm)]
    return frozenset(i for start, end in spans for i in range(start, end))


@dataclass(frozen=True)
class SentenceSituation:
    """The values a document sentence names, per dimension, and the highest grade it covers."""

    named: dict[str, frozenset[str]]
    max_grade: int | None


@lru_cache(maxsize=8192)
def read_sentence(sentence: str) -> SentenceSituation:
    """The situation a document sentence names (cached: the same sentences recur)."""
    text = NEGATED_CONDITION.sub("", normalize(sentence))
    named = {
        dim.name: frozenset(v for v, pattern in dim.document.items() if pattern.search(text)) for dim in DIMENSIONS
    }
    grades = [GRADES[g] for m in _GRADE_IN_DOCUMENT.finditer(text) for g in m.groups() if g]
    return SentenceSituation(named, max(grades) if grades else None)


def conflicts(situation: Situation, sentence: SentenceSituation) -> list[str]:
    """The dimensions on which the sentence is only for another situation than the question's."""
    out = []
    for name, value in situation.values:
        named = sentence.named.get(name, frozenset())
        if named and value not in named:
            out.append(name)
    if situation.grade is not None and sentence.max_grade is not None and situation.grade > sentence.max_grade:
        out.append("grade")
    return out


def specific_matches(situation: Situation, sentence: SentenceSituation) -> int:
    """How many stated values the sentence names for that value alone (most specific first)."""
    return sum(1 for name, value in situation.values if sentence.named.get(name) == frozenset({value}))


def exclusive_value(sentence: SentenceSituation, name: str) -> str | None:
    """The one value of a dimension the sentence is for, when it is for exactly one."""
    named = sentence.named.get(name, frozenset())
    return next(iter(named)) if len(named) == 1 else None


def names_several(situation: Situation, sentence: SentenceSituation) -> list[str]:
    """Stated dimensions for which the sentence names several values (to be narrowed)."""
    return [name for name, _ in situation.values if len(sentence.named.get(name, frozenset())) > 1]


def document_pattern(name: str, value: str) -> re.Pattern[str]:
    return BY_NAME[name].document[value]


# -- ages and a later child, as a question states them ------------------------------------
# "我才45岁", "我们俩都五十五岁", "老伴六十了": a money lead must not promise a sum whose age or
# "no later child" condition the question itself already rules out (issue 12).
_CN_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_NUMBER = r"(\d{2,3}|[一二三四五六七八九]?十[一二三四五六七八九]?|一百[零一二三四五六七八九十]*)"
# "…两口子在农村，都五十五了": a clause that opens with 都 and an age speaks of both
_BOTH_WORDS = (r"我们俩|我俩|咱俩|我们两个|我们两口子|两口子|夫妻俩|老两口|我们夫妻|我们都|我们"
               r"|(?<=[,，。])都(?=[一二三四五六七八九\d])")
_PARTNER_WORDS = r"老伴|爱人|老公|丈夫|老婆|妻子|媳妇|孩子他爸|孩子他妈|孩子爸|孩子妈|他爸|他妈"
_SELF_WORDS = r"我"
_AGE_FILLER = r"(?:都|也|才|只有|今年|已经|现在|是|刚|快|有|满|都已)*"
_AGE = re.compile(rf"({_BOTH_WORDS}|{_PARTNER_WORDS}|{_SELF_WORDS}){_AGE_FILLER}{_NUMBER}"
                  r"(?![\d十一二三四五六七八九百零两多块元万千个年月天次级%])")
# who the speaker is, when the question says (我老伴他 → unknown; 我老公 → the speaker is the mother)
_SPEAKER_MOTHER = re.compile(r"我是(?:孩子)?(?:妈妈|母亲|他妈|她妈|孩子妈)|当妈|我老公|我丈夫|孩子他爸")
_SPEAKER_FATHER = re.compile(r"我是(?:孩子)?(?:爸爸|父亲|他爸|她爸|孩子爸)|当爹|当爸|我老婆|我妻子|我媳妇|孩子他妈")
_PARTNER_IS_FATHER = re.compile(r"老公|丈夫|孩子他爸|孩子爸|他爸")
_PARTNER_IS_MOTHER = re.compile(r"老婆|妻子|媳妇|孩子他妈|孩子妈|他妈")
_LATER_CHILD_DENIED = re.compile(r"(?:没有?|未|不再|没再)(?:再(?:生|要)|生|收养|领养|抱养|收样|收養)")
_LATER_CHILD = re.compile(r"(?:又|再|后来)(?:生了|要了|添了|有了|怀了|收养了|领养了|抱养了)|(?:收养|领养|抱养)了")


def _chinese_number(text: str) -> int:
    if text.isdigit():
        return int(text)
    if text.startswith("一百"):
        rest = text[2:].lstrip("零")
        return 100 + (_chinese_number(rest) if rest else 0)
    tens, _, ones = text.partition("十")
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)


def _partner_role(word: str, speaker: str | None) -> str | None:
    if _PARTNER_IS_FATHER.search(word):
        return "father"
    if _PARTNER_IS_MOTHER.search(word):
        return "mother"
    return {"mother": "father", "father": "mother"}.get(speaker or "")


def stated_family_facts(question: str) -> list[tuple[str, dict[str, object]]]:
    """The ages and later child a question states, as profile facts; one entry per way of
    reading who the speaker is (labelled "" when that is settled, else "mother"/"father").

    "我才45岁" does not say whether the speaker is the mother or the father, so both
    readings are returned and the caller must hold a sum back only where a reading fails."""
    norm = standardize(normalize(question))  # 额们俩, 俺俩: dialect says who, too
    common: dict[str, object] = {}
    if _LATER_CHILD_DENIED.search(norm):
        common["later_child"] = False
    elif _LATER_CHILD.search(norm):
        common["later_child"] = True
    ages: list[tuple[str, int]] = []
    for match in _AGE.finditer(norm):
        age = _chinese_number(match.group(2))
        if 18 <= age <= 120:
            ages.append((match.group(1), age))
    speaker = "mother" if _SPEAKER_MOTHER.search(norm) else "father" if _SPEAKER_FATHER.search(norm) else None
    readings = [speaker] if speaker else ["mother", "father"]
    out: list[tuple[str, dict[str, object]]] = []
    for reading in readings:
        facts = dict(common)
        for word, age in ages:
            if re.fullmatch(_BOTH_WORDS, word) or word == "都":
                facts["mother_age"] = facts["father_age"] = age
            elif word == "我":
                facts[f"{reading}_age"] = age
            else:
                role = _partner_role(word, reading)
                if role:
                    facts[f"{role}_age"] = age
        out.append(("" if speaker or not ages else reading, facts))
        if not ages or all(re.fullmatch(_BOTH_WORDS, w) for w, _ in ages):
            return [("", facts)]
    return out
