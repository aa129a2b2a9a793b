"""Questions about a document itself: when it takes effect, whether it is still in force,
what it replaced, whom it covers, who interprets it.

These are answered from the catalogue (knowledge/catalogue.yaml) and from the clause that
says so (开封 "本实施意见自2023年8月1日起实施……同时废止"), which the search should find
even though the question shares few words with it ("开封的新政策哪天生效的").
"""

from __future__ import annotations

import re

# aspect -> (how a question asks about it, how a clause states it)
ASPECTS: dict[str, tuple[re.Pattern[str], re.Pattern[str]]] = {
    "effective": (
        re.compile(r"什么时候(?:开始|起|实施|执行|施行|生效)|哪天(?:开始|起)(?:执行|实施|施行|生效|算)?|哪天(?:执行|实施|施行|生效)|从哪天|是哪天|哪一天(?:开始|起|生效|执行|实施)|几时|生效|开始(?:执行|实施|施行)|实施日期|施行|从什么时候"),
        re.compile(r"起(?:正式)?(?:实施|施行|执行)"),
    ),
    "in_force": (
        re.compile(r"还有效|有效吗|还管用|还算数|还作数|作废|失效|还能用|过期|(?:文件|政策|规定|办法|意见)现在还|已经(?:正式)?(?:执行|实施|实行|施行|生效)|(?:执行|实施|实行|施行|生效)了(?:吗|没有|没)|现在还(?:有效|算|管用|执行|实行|在用|适用)"),
        re.compile(r"起(?:正式)?(?:实施|施行|执行)|废止"),
    ),
    "replaced": (
        re.compile(r"废止|取代|替代|代替|替换|老文件|旧文件|原来(?:的|那个)|以前(?:的|那个)"),
        re.compile(r"废止"),
    ),
    "scope": (
        re.compile(r"扶助对象|帮扶对象|哪些人|哪些家庭|谁能|适用于|管哪些|包括哪些|指哪些|指的是|是指|算不算|够不够条件"
                   r"|什么条件|有没有要求|条件是什么|符合条件|够不上|够得上|够不够|够格|才算|符合不符合|够条件"),
        re.compile(r"扶助对象(?:是|包含|为)|特殊(?:困难)?家庭[（(]指"),
    ),
    # a condition on the date of birth (柳州 "1933年1月1日以后出生"): "出生年份有没有要求"
    "born": (
        re.compile(r"出生年份|出生年|出生日期|哪年出生|几几年出生|\d{2,4}年出生|年出生的|岁数(?:太)?大了?(?:还)?能"),
        re.compile(r"\d{4}年\d{1,2}月\d{1,2}日(?:以后|以前|之后|之前)?出生"),
    ),
    "interpretation": (
        re.compile(r"解释"),
        re.compile(r"解释权"),
    ),
}


def asked_aspects(norm: str) -> list[tuple[str, int, int]]:
    """(aspect, start, end) for each phrase of the question asking about the document itself."""
    return [(name, m.start(), m.end()) for name, (asked, _) in ASPECTS.items() for m in asked.finditer(norm)]


def states(aspect: str, clause_text: str) -> bool:
    """Does this clause state that aspect of its document (the effective date, the repeal)?"""
    return ASPECTS[aspect][1].search(clause_text) is not None
