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
from dialogs import spoken_templates as st
from dialogs.eligibility_text import amount_text, bare_title, money_text, note_parts, render_outcome, stated_date
from dialogs.validity import result_validity
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
    """`summary` opens with the money; `headline` is its first line when that is the
    monthly cash total ("每月现金合计：2,860元"), for a screen that shows it large."""

    summary: str
    sections: list[Section] = field(default_factory=list)
    headline: str | None = None

    def section(self, key: str) -> Section | None:
        return next((s for s in self.sections if s.key == key), None)

    def topic_sections(self) -> list[Section]:
        return [s for s in self.sections if s.key in GROUP_CATEGORIES]


def _block(n: int, outcome: Outcome, date: str, with_reasons: bool = False, child: str | None = None) -> str:
    return "\n".join(render_outcome(n, outcome, date, with_reasons=with_reasons, child=child))


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


def _source_line(assessment: Assessment) -> str:
    doc = assessment.document
    if doc.is_draft or not doc.number:
        return t.SUMMARY_SOURCE_DRAFT.format(city=doc.name)
    return t.SUMMARY_SOURCE.format(city=doc.name, number=doc.number, date=stated_date(doc))


def _money_lines(assessment: Assessment, eligible: list[Outcome],
                 unknown: list[Outcome]) -> tuple[list[str], str | None]:
    """The summary's opening: the monthly total alone on its line (the headline), what it
    is made of, then the one-off sums. Returns (lines, headline)."""
    lines: list[str] = []
    headline = None
    monthly = [o for o in eligible if o.rule.amount and o.rule.amount.paid_as == "cash"
               and o.rule.amount.period == "month" and o.household_value]
    total = assessment.monthly_total()
    if total is not None and monthly:
        headline = t.SUMMARY_TOTAL.format(total=money_text(total))
        items = "、".join(t.SUMMARY_MONTHLY_ITEM.format(
            title=bare_title(o.rule.title), amount=amount_text(o.rule.amount, o.value, o.persons))  # type: ignore[arg-type]
            for o in monthly)
        lines += [headline, t.SUMMARY_TOTAL_ITEMS.format(items=items)]
        if not assessment.monthly_total_complete():
            lines.append(t.TOTAL_MONTHLY_OPEN)
    elif eligible or unknown:
        lines.append(t.SUMMARY_MONTHLY_NONE)
    once = [o for o in eligible if o.rule.amount and o.rule.amount.paid_as == "cash" and o.rule.amount.period == "once"
            and o.value is not None]
    if once:
        lines.append(t.SUMMARY_ONCE.format(items="、".join(
            f"{bare_title(o.rule.title)}{amount_text(o.rule.amount, o.value, o.persons)}"  # type: ignore[arg-type]
            for o in once)))
    return lines, headline


def build_view(assessment: Assessment) -> ResultView:
    doc = assessment.document
    date = stated_date(doc)
    if assessment.covered is False:
        title = t.SUMMARY_TITLE_DRAFT.format(city=doc.name) if doc.is_draft or not doc.number \
            else t.SUMMARY_TITLE.format(city=doc.name, number=doc.number, date=date)
        return ResultView("\n".join([title, t.NOT_COVERED.format(city=doc.name), t.DECIDES]))
    child = assessment.profile.value("child_status")
    by_status = {s: [o for o in assessment.outcomes if o.status == s] for s in ("eligible", "unknown", "not_eligible")}
    sensitive = [o for o in assessment.outcomes if group_of(o) is None and o.status != "not_eligible"]
    eligible = [o for o in by_status["eligible"] if group_of(o) is not None]
    unknown = [o for o in by_status["unknown"] if group_of(o) is not None]
    not_applicable = [o for o in by_status["not_eligible"] if group_of(o) is not None]

    lines, headline = _money_lines(assessment, eligible, unknown)
    lines.append(_source_line(assessment))  # the citation after the money, never before it
    lines.extend(result_validity(assessment.document))  # a lapsed or amended document says so
    if _not_in_scheme(assessment):
        lines += [t.APPLY_SPECIAL_ASSISTANCE.format(city=doc.name), t.NATIONAL_CONDITIONS.format(city=doc.name)]
    services = _key_services(eligible)
    if services:
        lines.append(t.SUMMARY_KEY_SERVICES.format(items="；".join(services)))
    settle = _settling_fact(unknown)
    if settle:
        lines.append(t.SUMMARY_SETTLE.format(fact=missing_label(settle[0], assessment), n=settle[1]))
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
            sections.append(_topic_section(key, members, date, child))
    if unknown:
        sections.append(Section("open", t.OPEN_HEADING.format(n=len(unknown)), len(unknown),
                                _open_text(unknown, date, child, assessment)))
    if not_applicable:
        heading = t.NOT_HEADING.format(n=len(not_applicable))
        text = "\n\n".join([heading, *(_block(n, o, date, with_reasons=True)
                                       for n, o in enumerate(not_applicable, start=1))])
        sections.append(Section("not", heading, len(not_applicable), text))
    if sensitive:
        heading = t.SENSITIVE_HEADING.format(n=len(sensitive))
        text = "\n\n".join([heading, *(_block(n, o, date, with_reasons=o.status == "unknown", child=child)
                                       for n, o in enumerate(sensitive, start=1))])
        sections.append(Section("sensitive", heading, len(sensitive), text))
    return ResultView("\n".join(lines), sections, headline)


def _topic_section(key: str, members: list[Outcome], date: str, child: str | None) -> Section:
    """One topic: what certainly fits the family first; an item the document writes for
    several kinds of family at once (its note speaks of the other kind too: Kaifeng's
    enrolment in the national scheme, for a family whose child died) under "可能还有"."""
    listed = [o for o in members if not note_parts(o.rule.note, child)[1]]
    maybe = [o for o in members if o not in listed]
    heading = t.GROUP_HEADING.format(heading=t.GROUP_NAMES[key], n=len(members))
    blocks = [heading, *(_block(n, o, date, child=child) for n, o in enumerate(listed, start=1))]
    if maybe:
        blocks.append(t.MAYBE_HEADING.format(n=len(maybe)))
        blocks += [_block(n, o, date, child=child) for n, o in enumerate(maybe, start=len(listed) + 1)]
    return Section(key, t.GROUP_NAMES[key], len(members), "\n\n".join(blocks))


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


def missing_label(fact: str, assessment: Assessment) -> str:
    """What is still to be settled, in words. A parent on their own is never told that the
    other parent's age is missing (she may have died): the document's condition is named,
    and the office is who settles it."""
    alone = assessment.profile.value("household")
    if alone in ("mother", "father") and fact.endswith("_age") and fact != f"{alone}_age":
        return st.ABSENT_PARENT_CONDITION[fact]
    return t.MISSING_LABELS.get(fact, fact)


def _open_text(unknown: list[Outcome], date: str, child: str | None = None,
               assessment: Assessment | None = None) -> str:
    """Open items grouped by the first fact that would settle them (not the same lines
    repeated under every item)."""
    counts = Counter(f for o in unknown for f in o.missing)
    groups: dict[str, list[Outcome]] = {}
    for o in unknown:  # under the fact that would settle the most items
        groups.setdefault(max(o.missing, key=lambda f: counts[f]) if o.missing else "", []).append(o)
    parts = [t.OPEN_HEADING.format(n=len(unknown)), t.OPEN_HINT]
    n = 0
    for fact, members in groups.items():
        label = missing_label(fact, assessment) if assessment is not None else t.MISSING_LABELS.get(fact, fact)
        block = [t.OPEN_BY_FACT.format(fact=label)]
        for o in members:
            n += 1
            lines = render_outcome(n, o, date, with_reasons=False, child=child)
            block.append("\n".join(line for line in lines if not line.startswith(t.ITEM_ASK.split("{")[0])))
        parts.append("\n".join(block))
    return "\n\n".join(parts)


def render_full(view: ResultView) -> str:
    """Everything, one heading per topic (the terminal, and anything without buttons);
    what does not apply and the sensitive items stay collapsed to a line."""
    parts = [view.summary]
    parts += [s.text for s in view.sections if s.key not in ("not", "sensitive")]
    return "\n\n".join(parts)
