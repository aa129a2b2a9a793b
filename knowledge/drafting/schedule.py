"""Drafting the contact schedule (`knowledge/schedules/<code>.yaml`) from the clause text.

Read: who the contacts are (一对一 干部联系, 双岗联系人, 五定两包: 乡镇（街道）干部, 卫生计生
干部, 村（社区）干部), how often they call or visit (每月 / 每季度 / 每半年 / 每年; 定期 with no
frequency gets the usual default, marked for review), festival visits (春节, 中秋, 重阳; 节日
with none named gets 春节 and 中秋, marked), and what volunteers do. Each line cites the
sentence it came from. The result is a plain mapping in the schedule schema
(`bot.reminders.schedule.Schedule`), which this package cannot import (knowledge sits below bot).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from knowledge.clauses import Clause
from knowledge.drafting.sentences import sentences

_CONTACT = re.compile(r"一对一|双岗|五定两包|联系人|干部联系|帮扶联系")
_TOWNSHIP = re.compile(r"乡镇（街道）(?:领导)?干部|乡镇（街道）领导")
_HEALTH = re.compile(r"卫生计生干部|卫生健康干部|计生专干")
_VILLAGE = re.compile(r"村（(?:社区|居)）(?:委会)?干部|村居联系人|村干部")
_VOLUNTEER = re.compile(r"志愿者|志愿服务")
_VISIT_WORDS = r"走访|上门|入户|巡访|探望|看望|慰问|电话|回访"
_EVERY = {"月": 30, "季度": 91, "半年": 182, "年": 365}
_FREQUENCY = re.compile(rf"每(月|季度|半年|年)(?:至少)?[^，。；]{{0,8}}?({_VISIT_WORDS})")
_REGULAR = re.compile(rf"定期(?:开展|进行|组织)?[^，。；]{{0,4}}?({_VISIT_WORDS}|进家入户)")
_FESTIVALS = {"spring": re.compile(r"春节"), "mid_autumn": re.compile(r"中秋"), "double_ninth": re.compile(r"重阳")}
_FESTIVAL_VISIT = re.compile(r"节日[^，。；]{0,20}(?:走访|慰问|上门)|(?:走访|慰问)[^，。；]{0,12}节日|节日慰问")
_LEADER_LEADS = re.compile(r"乡镇（街道）领导带队|领导带队")
_CADRES_OR_UNITS = re.compile(r"干部|部门|村居|单位|领导|镇（街）")
_OLD_SICK = re.compile(r"年老多病|年老体弱|高龄|多病")
DEFAULT_PHONE_DAYS, DEFAULT_VISIT_DAYS = 30, 91
DEFAULT_OLD_SICK_PHONE, DEFAULT_OLD_SICK_VISIT = 14, 30


@dataclass
class DraftSchedule:
    """A drafted schedule in the schedule schema, and what was assumed."""

    schedule: dict[str, Any]
    doubts: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # what keeps it from validating as is

    def items(self) -> set[str]:
        """Its lines as comparable items: role:X, recurring:KIND, festival:NAME, cites:CLAUSE."""
        s = self.schedule
        return schedule_items(s)


def schedule_items(s: dict[str, Any]) -> set[str]:
    out = {f"role:{r}" for r in s.get("contact_roles", [])}
    out |= {f"recurring:{r['kind']}" for r in s.get("recurring", [])}
    out |= {f"festival:{f['name']}" for f in s.get("festivals", [])}
    out |= {f"cites:{c['clause']}" for c in s.get("citations", [])}
    return out


def draft_schedule(code: str, clauses: Iterable[Clause]) -> DraftSchedule | None:
    """The contact schedule the clauses state, or None if they state no contact work at all."""
    roles: list[str] = []
    recurring: dict[str, dict[str, Any]] = {}
    festivals: list[dict[str, Any]] = []
    citations: list[dict[str, str]] = []
    doubts: list[str] = []
    volunteer_lines: list[str] = []
    old_sick = False

    def cite(clause: Clause, text: str) -> None:
        entry = {"clause": clause.id, "quote": text}
        if entry not in citations:
            citations.append(entry)

    for clause in clauses:
        if not clause.answerable:
            continue
        for sent in sentences(clause.text):
            s = sent.text
            used = False
            if _CONTACT.search(s):
                named = [r for r, pat in (("township_leader", _TOWNSHIP), ("health_cadre", _HEALTH),
                                          ("village_cadre", _VILLAGE)) if pat.search(s)]
                if not named and "双岗" in s:
                    named = ["township_leader", "village_cadre"]
                    doubts.append(f"{clause.id} 写“双岗联系人”没有写是哪两级干部，"
                                  "草拟为乡镇（街道）干部和村（社区）干部")
                elif not named and "干部" in s:
                    named = ["village_cadre"]
                    doubts.append(f"{clause.id} 写了联系干部但没有写是哪一级，草拟为村（社区）干部")
                for r in named:
                    if r not in roles:
                        roles.append(r)
                used = used or bool(named)
            for m in _FREQUENCY.finditer(s):
                kind = "phone_call" if m.group(2) in ("电话", "回访") else "home_visit"
                recurring[kind] = {"kind": kind, "every_days": _EVERY[m.group(1)], "to": "primary"}
                used = True
            for m in _REGULAR.finditer(s):
                kind = "phone_call" if m.group(1) in ("电话", "回访") else "home_visit"
                if kind not in recurring:
                    days = DEFAULT_PHONE_DAYS if kind == "phone_call" else DEFAULT_VISIT_DAYS
                    recurring[kind] = {"kind": kind, "every_days": days, "to": "primary"}
                    doubts.append(f"{clause.id} 写“定期{m.group(1)}”没有写频率，草拟为每{days}天（默认值）")
                used = True
            if _OLD_SICK.search(s) and recurring:
                old_sick = True
            named_festivals = [name for name, pat in _FESTIVALS.items() if pat.search(s)]
            if named_festivals or _FESTIVAL_VISIT.search(s):
                if not named_festivals:
                    named_festivals = ["spring", "mid_autumn"]
                    doubts.append(f"{clause.id} 写了节日走访慰问没有写是哪些节日，草拟为春节、中秋（默认值）")
                if _LEADER_LEADS.search(s):
                    to = "township_leader"
                elif _VOLUNTEER.search(s) and not _CADRES_OR_UNITS.search(s):
                    to = "volunteer"
                else:
                    to = "all"
                for name in named_festivals:
                    line = {"name": name, "lead_days": 5, "to": to}
                    if line not in festivals:
                        festivals.append(line)
                used = True
            if _VOLUNTEER.search(s) and re.search(_VISIT_WORDS + r"|结对|热线|帮扶", s):
                volunteer_lines.append(clause.id)
                used = True
            if used:
                cite(clause, s)
    if not citations:
        return None
    if old_sick:
        for line in recurring.values():
            line["old_sick_every_days"] = (DEFAULT_OLD_SICK_PHONE if line["kind"] == "phone_call"
                                           else DEFAULT_OLD_SICK_VISIT)
        doubts.append("文件要求对年老多病的家庭更勤联系，没有写频率：草拟为每两周电话、每月上门（默认值）")
    problems: list[str] = []
    if not roles:
        problems.append("没有读出联系人是谁（contact_roles 为空）")
    addressed = [r["to"] for r in recurring.values()] + [f["to"] for f in festivals]
    if not any(to in ("volunteer", "all") for to in addressed):
        problems.append("没有一条安排发给志愿者（排班规则要求写明志愿者收到什么）")
    volunteers = ("志愿者按 " + "、".join(dict.fromkeys(volunteer_lines)) + " 的安排参与（草拟，待核对）"
                  if volunteer_lines else "文件没有写志愿者的联系走访安排（待核对）")
    schedule: dict[str, Any] = {
        "jurisdiction": code,
        "contact_roles": roles,
        "recurring": list(recurring.values()),
        "festivals": festivals,
        "citations": citations,
        "note": "【草拟待核对】" + "；".join(doubts) if doubts else "【草拟待核对】",
        "volunteers": volunteers,
    }
    return DraftSchedule(schedule, doubts, problems)
