"""What a draft rule set would change before it is published (issue 26): a set of sample
families assessed under the draft and under the version answering today (none for a first
version), and what changes for whom, in yuan.

The draft is never installed: it is parsed into a RuleSet and passed to
`knowledge.eligibility.assess`, which otherwise reads the published rules."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from dialogs import web_copy as w
from dialogs.eligibility_text import amount_text, bare_title, money_text
from knowledge.eligibility import Assessment, assess
from knowledge.facts import FACTS, parse_profile
from knowledge.rules_schema import RuleSet

# every yes/no fact "no" unless a family says otherwise, so each result is settled
_PLAIN = {name: False for name, fact in FACTS.items() if fact.kind == "bool"}
_BASE: dict[str, Any] = {**_PLAIN, "household": "both", "residence": "urban", "local_spouse": "mother"}


def _family(child: str, grade: int | None, mother: int, hukou: str, **more: Any) -> dict[str, Any]:
    facts = {**_BASE, "child_status": child, "mother_age": mother, "father_age": mother + 2, "hukou": hukou, **more}
    if grade is not None:
        facts["disability_grade"] = grade
    return facts


# (what the family is, in words; its facts)
SAMPLE_FAMILIES: tuple[tuple[str, dict[str, Any]], ...] = (
    ("独生子女死亡，女方45岁，夫妻都是本地户籍", _family("deceased", None, 45, "both")),
    ("独生子女死亡，女方49岁，夫妻都是本地户籍", _family("deceased", None, 49, "both")),
    ("独生子女死亡，女方60岁，只有女方是本地户籍", _family("deceased", None, 60, "one")),
    ("独生子女死亡，女方60岁，夫妻都不是本地户籍", _family("deceased", None, 60, "none")),
    ("独生子女死亡，女方49岁，之后又生育了孩子", _family("deceased", None, 49, "both", later_child=True)),
    ("独生子女一级残疾，女方49岁，夫妻都是本地户籍", _family("disabled", 1, 49, "both")),
    ("独生子女三级残疾，女方60岁，夫妻都是本地户籍", _family("disabled", 3, 60, "both")),
    ("独生子女三级残疾，女方45岁，只有女方是本地户籍", _family("disabled", 3, 45, "one")),
)


@dataclass
class Money:
    """One family's money under one rule set: each item in words and the sums by period."""

    covered: bool
    items: list[str] = field(default_factory=list)
    totals: dict[str, float] = field(default_factory=dict)  # period -> yuan for the household
    titles: dict[str, str] = field(default_factory=dict)  # title -> amount in words


@dataclass
class FamilyPreview:
    family: str
    draft: Money
    current: Money | None  # None: nothing published yet (a first version)
    changes: list[str]

    @property
    def changed(self) -> bool:
        return bool(self.changes) and self.changes != [w.DOCS_PREVIEW_SAME]


def money_of(assessment: Assessment) -> Money:
    if assessment.covered is False:
        return Money(False)
    out = Money(True)
    for o in assessment.outcomes:
        amount = o.rule.amount
        if o.status != "eligible" or amount is None or o.value is None:
            continue
        words = amount_text(amount, o.value, o.persons)
        title = bare_title(o.rule.title)
        out.items.append(f"{title}：{words}")
        out.titles[title] = words
        household = o.household_value
        if household is not None:
            out.totals[amount.period] = out.totals.get(amount.period, 0.0) + household
    return out


def changes(draft: Money, current: Money | None) -> list[str]:
    """What changes for this family, in words and yuan; the first version says what it gives."""
    if current is None:
        return [w.DOCS_PREVIEW_FIRST]
    out = []
    for period in ("month", "year", "once", "day"):
        before, after = current.totals.get(period, 0.0), draft.totals.get(period, 0.0)
        if after != before:
            words = w.DOCS_PREVIEW_MORE if after > before else w.DOCS_PREVIEW_LESS
            out.append(words.format(period=w.DOCS_PERIODS[period], amount=money_text(abs(after - before))))
    for title, words in draft.titles.items():
        if title not in current.titles:
            out.append(w.DOCS_PREVIEW_NEW.format(item=f"{title}（{words}）"))
        elif current.titles[title] != words:
            out.append(w.DOCS_PREVIEW_CHANGED.format(item=title, before=current.titles[title], after=words))
    out += [w.DOCS_PREVIEW_GONE.format(item=title) for title in current.titles if title not in draft.titles]
    return out or [w.DOCS_PREVIEW_SAME]


def preview(code: str, draft: RuleSet, current: RuleSet | None, today: dt.date | None = None) -> list[FamilyPreview]:
    """Each sample family under the draft and under the answering version."""
    rows = []
    for label, facts in SAMPLE_FAMILIES:
        profile = parse_profile({"jurisdiction": code, **facts}, today)
        mine = money_of(assess(profile, draft))
        theirs = money_of(assess(profile, current)) if current is not None else None
        rows.append(FamilyPreview(label, mine, theirs, changes(mine, theirs)))
    return rows
