"""A whole document drafted: its scope, money rules, contact schedule, what to review.

`draft_document(code)` works from a shipped document's clause tree; `draft_text(code, raw)`
cleans and segments a new document's text first (a city not yet shipped). Either way the
draft exports to YAML in the reviewed schema (`draft_yaml`), and `validate_draft` runs that
YAML through `knowledge.rules_schema.parse_rules` against the draft's own clause tree.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from knowledge.clauses import Clause, load_clauses, segment_text
from knowledge.drafting.conditions import read_conditions
from knowledge.drafting.rules import DraftRule, SetAside, ToReview, draft_clause
from knowledge.drafting.schedule import DraftSchedule, draft_schedule
from knowledge.drafting.sentences import sentences
from knowledge.rules_schema import Rule, RuleSet, parse_rules
from knowledge.yaml_data import dump_yaml

NO_MONEY = "没有找到写有金额的句子：本文件没有草拟任何金额规则（服务、优先等没有金额的待遇需要人工录入）。"
_DEFINITION = re.compile(r"[（(]指([^）)]+)[）)]")
_TARGET = re.compile(r"扶助对象|救助对象|对象是|对象包含|对象为")


@dataclass
class DraftScope:
    scope: dict[str, Any]
    doubts: list[str] = field(default_factory=list)


@dataclass
class Draft:
    """Everything drafted from one document; nothing here is reviewed."""

    code: str
    clauses: Mapping[str, Clause]
    scope: DraftScope
    rules: list[DraftRule]
    schedule: DraftSchedule | None
    to_review: list[ToReview]
    set_aside: list[SetAside]

    @property
    def no_money(self) -> bool:
        return not self.rules and not self.to_review

    def summary(self) -> list[str]:
        """What a reviewer sees first, one line each."""
        lines = [f"{self.code}: 草拟 {len(self.rules)} 条金额规则，{len(self.to_review)} 句待核对，"
                 f"{len(self.set_aside)} 个金额不是待遇（已列出）"]
        if self.no_money:
            lines.append(NO_MONEY)
        if self.schedule is None:
            lines.append("没有读出联系走访安排（联系人、走访、节日慰问），需要人工录入。")
        else:
            lines.extend(f"联系走访安排：{p}" for p in self.schedule.problems)
        return lines


def _draft_scope(code: str, clauses: list[Clause]) -> DraftScope:
    """The document's definition of who it covers: a （指…） definition or a 扶助对象 sentence."""
    for clause in clauses:
        if not clause.answerable:
            continue
        for sent in sentences(clause.text):
            m = _DEFINITION.search(sent.text)
            if m and "家庭" in sent.text[:m.start()][-12:]:
                quote = sent.text[max(0, sent.text.rfind("，", 0, m.start()) + 1):m.end()]
                quote = re.sub(r"^(?:就|为|对)?(?:进一步)?(?:做好)?(?:我市)?", "", quote)
                cond = read_conditions(m.group(1))
                return DraftScope({"conditions": cond.conditions,
                                   "citation": {"clause": clause.id, "quote": quote}}, cond.doubts)
            if _TARGET.search(sent.text):
                cond = read_conditions(sent.text)
                doubts = [*cond.doubts, "草拟把句中的条件都当作“同时满足”；如果文件是“或者”，请改为 any"]
                return DraftScope({"conditions": cond.conditions,
                                   "citation": {"clause": clause.id, "quote": sent.text}}, doubts)
    first = next(c for c in clauses if c.answerable)
    quote = sentences(first.text)[0].text
    return DraftScope({"conditions": [], "citation": {"clause": first.id, "quote": quote}},
                      ["没有找到文件对扶助对象的定义，适用范围为空（请按文件补上）"])


def draft_clauses(code: str, clauses: list[Clause]) -> Draft:
    """Draft from a clause tree (any document, shipped or new)."""
    rules: list[DraftRule] = []
    to_review: list[ToReview] = []
    set_aside: list[SetAside] = []
    for clause in clauses:
        if not clause.answerable:
            continue
        part = draft_clause(clause, code, len(rules) + 1)
        for raw in part.rules:
            doubts, sentence = raw.pop("_doubts"), raw.pop("_sentence")
            rules.append(DraftRule(Rule.model_validate(raw), sentence, doubts))
        to_review.extend(part.to_review)
        set_aside.extend(part.set_aside)
    return Draft(code=code, clauses=MappingProxyType({c.id: c for c in clauses}),
                 scope=_draft_scope(code, clauses), rules=rules, schedule=draft_schedule(code, clauses),
                 to_review=to_review, set_aside=set_aside)


def draft_document(code: str) -> Draft:
    """Draft a shipped document (one of the catalogue's codes) from its clause tree."""
    clauses = [c for c in load_clauses() if c.doc == code]
    if not clauses:
        raise ValueError(f"no document with code {code!r} in the catalogue")
    return draft_clauses(code, clauses)


def draft_text(code: str, raw: str) -> Draft:
    """Draft a new document from its text (as extracted; cleaned and segmented here) under a
    new code (lower-case letters, as the schema's rule ids need)."""
    if not re.fullmatch(r"[a-z]+", code):
        raise ValueError(f"a document code is lower-case letters only, got {code!r}")
    return draft_clauses(code, segment_text(code, raw))


def _rule_data(rule: Rule) -> dict[str, Any]:
    data = rule.model_dump(mode="json", exclude_defaults=True)
    data["citation"] = rule.citation.model_dump()
    if rule.amount is not None:
        amount = rule.amount.model_dump(mode="json", exclude_defaults=True)
        amount["period"], amount["per"] = rule.amount.period, rule.amount.per
        data["amount"] = amount
    return data


def draft_rules_data(draft: Draft) -> dict[str, Any]:
    """The drafted rule set as plain data in the reviewed schema."""
    return {
        "jurisdiction": draft.code,
        "reviewed": f"未核对：{dt.date.today().isoformat()} 由 knowledge.drafting 从条文草拟，发布前须逐条核对",
        "scope": draft.scope.scope | ({"note": "【草拟待核对】" + "；".join(draft.scope.doubts)}
                                      if draft.scope.doubts else {}),
        "rules": [_rule_data(r.rule) for r in draft.rules],
    }


def draft_yaml(draft: Draft) -> str:
    """The drafted rule set as a rules file (`knowledge/rules/<code>.yaml` form)."""
    header = (f"# DRAFT for {draft.code}: proposed from the clause text by knowledge.drafting, not reviewed.\n"
              f"# To review ({len(draft.to_review)}):\n"
              + "".join(f"#   {t.clause} {t.figure}: {t.reason}\n" for t in draft.to_review))
    return header + dump_yaml(draft_rules_data(draft))


def schedule_yaml(draft: Draft) -> str | None:
    """The drafted schedule as a schedules file, or None if the document states no contact work."""
    if draft.schedule is None:
        return None
    return f"# DRAFT contact schedule for {draft.code}, not reviewed.\n" + dump_yaml(draft.schedule.schedule)


def validate_draft(draft: Draft) -> RuleSet:
    """Run the exported YAML through the reviewed schema (quotes checked against the draft's
    own clauses); raises RuleFileError like a broken rules file would."""
    return parse_rules(draft_yaml(draft), f"draft:{draft.code}.yaml", draft.code, clauses=draft.clauses)
