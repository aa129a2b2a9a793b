"""The eligibility result as a person can read it: a short summary first, then one topic
at a time (现金 / 医疗 / 养老 / 住房 / 联系和慰问 / 身后事安排), open items grouped by the
fact that would settle them, and what does not apply collapsed to a count.

The summary says the household's monthly cash and what it is made of, one-off sums, the
main services, and the single question whose answer would settle the most open items.
Re-birth, IVF and adoption items are never listed among what the family "can enjoy" by
default: one neutral line offers them. Funeral items sit under a gentle heading and only
in the full view. Every listed item keeps its citation (see `render_outcome`).

Transport-independent: Telegram puts each section behind a button, the terminal prints
them under headings.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from dialogs import check_templates as t
from dialogs.eligibility_text import _money, amount_text, render_outcome, stated_date
from knowledge.eligibility import Assessment, Outcome

# topic groups, in reading order; every rule category belongs to exactly one
GROUP_CATEGORIES = {
    "cash": {"cash", "social_assistance"},
    "medical": {"medical"},
    "elderly": {"elderly_care"},
    "housing": {"housing"},
    "care": {"care", "legal_aid", "employment", "education", "other"},
    "funeral": {"funeral"},
}
SENSITIVE_CATEGORIES = {"reproduction", "adoption"}
# the services a summary names first: what a parent in their 60s needs most
KEY_SERVICE_ORDER = ("medical", "elderly", "care", "housing")
MAX_KEY_SERVICES = 5


def group_of(outcome: Outcome) -> str | None:
    """The topic group of an outcome; None for the sensitive (re-birth, adoption) ones."""
    category = outcome.rule.category
    if category in SENSITIVE_CATEGORIES:
        return None
    return next(g for g, cats in GROUP_CATEGORIES.items() if category in cats)


@dataclass
class Section:
    key: str  # cash / medical / ... / open / not / sensitive
    heading: str
    count: int
    text: str


@dataclass
class ResultView:
    summary: str
    sections: list[Section] = field(default_factory=list)

    def section(self, key: str) -> Section | None:
        return next((s for s in self.sections if s.key == key), None)

    def topic_sections(self) -> list[Section]:
        return [s for s in self.sections if s.key in GROUP_CATEGORIES]


def _block(n: int, outcome: Outcome, date: str, with_reasons: bool = False) -> str:
    return "\n".join(render_outcome(n, outcome, date, with_reasons=with_reasons))


def _not_in_scheme(assessment: Assessment) -> bool:
    """Told us they do not yet receive 特别扶助金, and the mother may be 49 or older."""
    profile = assessment.profile
    if profile.value("special_assistance") is not False:
        return False
    age = profile.possible("mother_age")
    return getattr(age, "high", 120) >= 49


def _settling_fact(unknown: list[Outcome]) -> tuple[str, int] | None:
    counts = Counter(f for o in unknown for f in o.missing)
    if not counts:
        return None
    fact, n = counts.most_common(1)[0]
    return fact, n


def build_view(assessment: Assessment) -> ResultView:
    doc = assessment.document
    date = stated_date(doc)
    lines = [t.SUMMARY_TITLE_DRAFT.format(city=doc.name) if doc.is_draft or not doc.number
             else t.SUMMARY_TITLE.format(city=doc.name, number=doc.number, date=date)]
    if assessment.covered is False:
        lines += [t.NOT_COVERED.format(city=doc.name), t.DECIDES]
        return ResultView("\n".join(lines))
    by_status = {s: [o for o in assessment.outcomes if o.status == s] for s in ("eligible", "unknown", "not_eligible")}
    sensitive = [o for o in assessment.outcomes if group_of(o) is None and o.status != "not_eligible"]
    eligible = [o for o in by_status["eligible"] if group_of(o) is not None]
    unknown = [o for o in by_status["unknown"] if group_of(o) is not None]
    not_applicable = [o for o in by_status["not_eligible"] if group_of(o) is not None]

    if _not_in_scheme(assessment):
        lines += [t.APPLY_SPECIAL_ASSISTANCE.format(city=doc.name), t.NATIONAL_CONDITIONS.format(city=doc.name)]
    monthly = [o for o in eligible if o.rule.amount and o.rule.amount.paid_as == "cash"
               and o.rule.amount.period == "month" and o.household_value]
    total = assessment.monthly_total()
    if total is not None and monthly:
        items = "、".join(t.SUMMARY_MONTHLY_ITEM.format(
            title=o.rule.title, amount=amount_text(o.rule.amount, o.value, o.persons))  # type: ignore[arg-type]
            for o in monthly)
        lines.append(t.SUMMARY_MONTHLY.format(total=_money(total), items=items)
                     + f"（按{date}文件所载）")
        if not assessment.monthly_total_complete():
            lines.append(t.TOTAL_MONTHLY_OPEN)
    elif eligible or unknown:
        lines.append(t.SUMMARY_MONTHLY_NONE)
    once = [o for o in eligible if o.rule.amount and o.rule.amount.paid_as == "cash" and o.rule.amount.period == "once"
            and o.value is not None]
    if once:
        lines.append(t.SUMMARY_ONCE.format(items="、".join(
            f"{o.rule.title}{amount_text(o.rule.amount, o.value, o.persons)}" for o in once)))  # type: ignore[arg-type]
    services = _key_services(eligible)
    if services:
        lines.append(t.SUMMARY_KEY_SERVICES.format(items="；".join(services)))
    settle = _settling_fact(unknown)
    if settle:
        lines.append(t.SUMMARY_SETTLE.format(fact=t.MISSING_LABELS[settle[0]], n=settle[1]))
    if not eligible and not unknown:
        lines.append(t.SUMMARY_EMPTY)
    counts = [template.format(n=len(items)) for template, items in (
        (t.SUMMARY_COUNT_ELIGIBLE, eligible), (t.SUMMARY_COUNT_UNKNOWN, unknown), (t.SUMMARY_COUNT_NOT, not_applicable))
        if items]
    if counts:
        lines.append("；".join(counts) + "。")
    if sensitive:
        lines.append(t.SUMMARY_SENSITIVE.format(n=len(sensitive)))
    lines.append(t.DECIDES)

    sections: list[Section] = []
    for key in GROUP_CATEGORIES:
        members = [o for o in eligible if group_of(o) == key]
        if members:
            heading = t.GROUP_HEADING.format(heading=t.GROUP_NAMES[key], n=len(members))
            text = "\n\n".join([heading, *(_block(n, o, date) for n, o in enumerate(members, start=1))])
            sections.append(Section(key, t.GROUP_NAMES[key], len(members), text))
    if unknown:
        sections.append(Section("open", t.OPEN_HEADING.format(n=len(unknown)), len(unknown), _open_text(unknown, date)))
    if not_applicable:
        heading = t.NOT_HEADING.format(n=len(not_applicable))
        text = "\n\n".join([heading, *(_block(n, o, date, with_reasons=True)
                                       for n, o in enumerate(not_applicable, start=1))])
        sections.append(Section("not", heading, len(not_applicable), text))
    if sensitive:
        heading = t.SENSITIVE_HEADING.format(n=len(sensitive))
        text = "\n\n".join([heading, *(_block(n, o, date, with_reasons=o.status == "unknown")
                                       for n, o in enumerate(sensitive, start=1))])
        sections.append(Section("sensitive", heading, len(sensitive), text))
    return ResultView("\n".join(lines), sections)


def _key_services(eligible: list[Outcome]) -> list[str]:
    """Up to five services, taking the first of each topic in turn (medical, elderly care,
    contact and care, housing) so that one long topic does not fill the summary."""
    queues = [[o.rule.title for o in eligible if group_of(o) == g] for g in KEY_SERVICE_ORDER]
    picked: list[str] = []
    while any(queues) and len(picked) < MAX_KEY_SERVICES:
        for queue in queues:
            if queue and len(picked) < MAX_KEY_SERVICES:
                picked.append(queue.pop(0))
    return picked


def _open_text(unknown: list[Outcome], date: str) -> str:
    """Open items grouped by the first fact that would settle them (not the same lines
    repeated under every item)."""
    counts = Counter(f for o in unknown for f in o.missing)
    groups: dict[str, list[Outcome]] = {}
    for o in unknown:  # under the fact that would settle the most items
        groups.setdefault(max(o.missing, key=lambda f: counts[f]) if o.missing else "", []).append(o)
    parts = [t.OPEN_HEADING.format(n=len(unknown)), t.OPEN_HINT]
    n = 0
    for fact, members in groups.items():
        block = [t.OPEN_BY_FACT.format(fact=t.MISSING_LABELS.get(fact, fact))]
        for o in members:
            n += 1
            lines = render_outcome(n, o, date, with_reasons=False)
            block.append("\n".join(line for line in lines if not line.startswith(t.ITEM_ASK.split("{")[0])))
        parts.append("\n".join(block))
    return "\n\n".join(parts)


def render_full(view: ResultView) -> str:
    """Everything, one heading per topic (the terminal, and anything without buttons);
    what does not apply and the sensitive items stay collapsed to a line."""
    parts = [view.summary]
    parts += [s.text for s in view.sections if s.key not in ("not", "sensitive")]
    return "\n\n".join(parts)
