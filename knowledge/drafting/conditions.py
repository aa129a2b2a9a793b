"""Conditions a sentence states about the family, as condition leaves of the rules schema.

Only what the words say: 独生子女死亡 / 失独 -> child_status deceased, 伤残 / 病残 / 残疾 ->
disabled (三级以上 -> disability_grade max 3), 女方年满49周岁 -> mother_age min 49, 年满60周岁
(of the parents) -> each spouse's age, 未再生育或收养 -> later_child false, 农村 / 城镇 ->
residence, 夫妻双方 / 一方为本市户籍 -> hukou, 纳入特别扶助 -> special_assistance, 低保 /
特困 / 五保, 失能, 慢性病, 手术并发症, 考取高校, 孤儿. Document titles in 《》 are not read
(《开封市独生子女死亡家庭救助办法》 names a document, not the family).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

_TITLE = re.compile(r"《[^》]*》")
_GRADE = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}

_DECEASED = re.compile(r"失独|(?:独生)?子女(?:[^，。；、]{0,3})?死亡|无存活子女|或死亡|、死亡")
_DISABLED = re.compile(r"伤残|病残|残疾|伤、病残")
_GRADE_MAX = re.compile(r"([一二三四1-4])级(?:及|或)?以上")
_LATER_CHILD_NO = re.compile(r"未再生育|不再生育|没有再生育")
_MOTHER_AGE = re.compile(r"女方(?:年满|满)?(\d{2})周岁")
_FATHER_AGE = re.compile(r"男方(?:年满|满)?(\d{2})周岁")
_PERSON_AGE = re.compile(r"(?<!不)(?:年满|满)(\d{2})周岁|(?<![满\d])(\d{2})周岁(?:（含）)?(?:及)?以上")
RURAL = re.compile(r"(?<!城)农村(?:居民|户籍|户口|计划生育|计生|特殊|失独|家庭|独生子女)")
URBAN = re.compile(r"(?:城镇|城区|城市)(?:居民|户籍|户口|计划生育|计生|特殊|失独|家庭|独生子女)")
_BOTH_AREAS = re.compile(r"城乡|城镇和农村|农村和城镇|城镇或农村|农村或城镇")
HUKOU_BOTH = re.compile(r"双方(?:均|都)?(?:为|是|系|属)(?:我|本)(?:市|区|县|省)户籍")
HUKOU_ONE = re.compile(r"一方(?:为|是|系|属)(?:我|本)(?:市|区|县|省)户籍")
_SPECIAL = re.compile(r"纳入[^，。；]{0,12}特别扶助|已享受[^，。；]{0,12}特别扶助|符合[^，。；]{0,6}特别扶助条件")
_LOW_INCOME = re.compile(r"低保对象|低保家庭|低保户|享受低保|符合(?:当地)?低保")
_WUBAO = re.compile(r"特困人员|特困供养|特困户|五保户|五保对象|符合“?五保”?(?:供养)?条件")
_SELF_CARE_LOST = re.compile(r"失去生活自理能力|丧失(?:生活)?自理能力|(?<!不含)失能")
_SELF_CARE_KEPT = re.compile(r"不含失能")
_CHRONIC = re.compile(r"慢性病")
_SURGERY = re.compile(r"手术并发症")
_HIGHER_EDUCATION = re.compile(r"考取(?:高校|大学)|高等(?:职业)?院校|全日制本专科|考入大学")
_ORPHAN = re.compile(r"孤儿")
_WISH = re.compile(r"有([^，。；、]{1,8}?)意愿")


@dataclass
class Conditions:
    """What a piece of text says about who gets a benefit."""

    conditions: list[dict[str, Any]] = field(default_factory=list)
    each_person: list[dict[str, Any]] = field(default_factory=list)
    provisos: list[str] = field(default_factory=list)
    in_scope: bool = True
    doubts: list[str] = field(default_factory=list)

    def facts(self) -> set[str]:
        return {next(iter(c)) for c in self.conditions}


def strip_titles(text: str) -> str:
    """The text with document titles (《…》) blanked out, same length (offsets stay valid)."""
    return _TITLE.sub(lambda m: "　" * len(m.group(0)), text)


def read_conditions(text: str, selector_facts: frozenset[str] = frozenset()) -> Conditions:
    """The conditions stated in `text` (the words before a benefit's figure).

    `selector_facts` are facts the amount's variants choose by (农村 / 城镇): they are not
    also made conditions of the whole rule."""
    t = strip_titles(text)
    out = Conditions()
    deceased = bool(_DECEASED.search(t))
    disabled = bool(_DISABLED.search(t))
    grade_m = _GRADE_MAX.search(t)
    grade = _GRADE[grade_m.group(1)] if grade_m and disabled else None
    if deceased and disabled:
        if grade:
            worse = {"all": [{"child_status": "disabled"}, {"disability_grade": {"max": grade}}]}
            out.conditions.append({"any": [{"child_status": "deceased"}, worse]})
        else:
            out.conditions.append({"child_status": ["deceased", "disabled"]})
    elif deceased:
        out.conditions.append({"child_status": "deceased"})
    elif disabled:
        out.conditions.append({"child_status": "disabled"})
        if grade:
            out.conditions.append({"disability_grade": {"max": grade}})
    if _LATER_CHILD_NO.search(t):
        out.conditions.append({"later_child": False})
    if m := _MOTHER_AGE.search(t):
        out.conditions.append({"mother_age": {"min": int(m.group(1))}})
    if m := _FATHER_AGE.search(t):
        out.conditions.append({"father_age": {"min": int(m.group(1))}})
    if "residence" not in selector_facts:
        rural, urban = bool(RURAL.search(t)), bool(URBAN.search(t))
        if rural != urban and not _BOTH_AREAS.search(t):
            out.conditions.append({"residence": "rural" if rural else "urban"})
    if "hukou" not in selector_facts:
        both, one = bool(HUKOU_BOTH.search(t)), bool(HUKOU_ONE.search(t))
        if both != one:
            out.conditions.append({"hukou": "both" if both else "one"})
    for pattern, fact, value in (
        (_SPECIAL, "special_assistance", True), (_LOW_INCOME, "low_income", True), (_WUBAO, "wubao", True),
        (_SELF_CARE_LOST, "self_care_lost", True), (_SELF_CARE_KEPT, "self_care_lost", False),
        (_CHRONIC, "chronic_disease", True), (_SURGERY, "surgery_complication", True),
        (_HIGHER_EDUCATION, "child_in_higher_education", True),
    ):
        if pattern.search(t) and fact not in {next(iter(c)) for c in out.conditions}:
            out.conditions.append({fact: value})
    if _ORPHAN.search(t):
        out.conditions.append({"orphan_under_18": True})
        out.in_scope = False
    # 女方年满49周岁 is the mother's age (above), not each spouse's
    person_ages = [m for m in _PERSON_AGE.finditer(t) if not re.search(r"[女男]方", t[max(0, m.start() - 3):m.start()])]
    ages = sorted({int(g) for m in person_ages for g in m.groups() if g})
    if ages:
        out.each_person.append({"age": {"min": ages[0]}})
        if len(ages) > 1:
            out.doubts.append(f"句中有几个年龄（{'、'.join(map(str, ages))}周岁），草拟取了{ages[0]}周岁")
    out.provisos.extend(f"有{m.group(1)}意愿" for m in _WISH.finditer(t))
    return out


def selector_of(text: str) -> tuple[str, Any] | None:
    """The one fact a variant's own words choose by: 农村居民 -> residence rural,
    夫妻双方为我市户籍的 -> hukou both, 一级 -> disability_grade 1."""
    t = strip_titles(text)
    found: list[tuple[str, Any]] = []
    rural, urban = bool(RURAL.search(t)), bool(URBAN.search(t))
    if rural != urban:
        found.append(("residence", "rural" if rural else "urban"))
    both, one = bool(HUKOU_BOTH.search(t)), bool(HUKOU_ONE.search(t))
    if both != one:
        found.append(("hukou", "both" if both else "one"))
    m = re.search(r"([一二三四])级(?:残疾|伤残)?(?!以上)", t)
    if m:
        found.append(("disability_grade", _GRADE[m.group(1)]))
    return found[0] if len(found) == 1 else None
