"""The one place the phone page lays out a result: the conversation's `Result` (its view,
from the same summary-first renderer as Telegram and the terminal,
`dialogs/result_summary.py`) as sections to tap, and its assessment as the print view."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from dialogs import check_templates as t
from dialogs import web_copy as w
from dialogs.eligibility_text import render_outcome, stated_date
from dialogs.result_summary import GROUP_CATEGORIES, ResultView, Section, build_view, group_of
from knowledge.eligibility import Assessment


@dataclass
class WebSection:
    """One topic behind a tap: the line on its <summary>, and its items (blocks of lines)."""

    key: str  # cash / medical / ... / open / not / sensitive
    label: str
    blocks: list[list[str]]


@dataclass
class MoneyLead:
    """What a family looks for first: the monthly cash total, shown large before anything
    else (the citation follows it), and the line that says what it is made of."""

    label: str  # 每月现金合计：
    total: str  # 2,860元
    detail: str  # 包括：…（按…文件所载）; "" when the line says only the total
    plain: str = ""  # a money line without a figure to enlarge (no monthly cash): shown as it is


@dataclass
class WebResult:
    summary: list[str]
    sections: list[WebSection]
    money: MoneyLead | None = None


_MONTHLY_LABEL = t.SUMMARY_TOTAL.split("{total}")[0]  # 每月现金合计：
_ITEMS_LABEL = t.SUMMARY_TOTAL_ITEMS.split("{items}")[0]  # 包括：


def money_first(summary: list[str], headline: str | None) -> tuple[MoneyLead | None, list[str]]:
    """The summary's money taken out to lead: the headline (dialogs' "每月现金合计：2,860元")
    split into its label and the figure shown large, with the line that says what it is made
    of; the rest in their order (the document citation comes after the money)."""
    if headline is not None and headline in summary:
        i = summary.index(headline)
        total = headline.removeprefix(_MONTHLY_LABEL)
        detail = summary[i + 1] if i + 1 < len(summary) and summary[i + 1].startswith(_ITEMS_LABEL) else ""
        rest = [line for k, line in enumerate(summary) if k != i and not (detail and k == i + 1)]
        return MoneyLead(_MONTHLY_LABEL, total, detail), rest
    if t.SUMMARY_MONTHLY_NONE in summary:
        return MoneyLead("", "", "", plain=t.SUMMARY_MONTHLY_NONE), [
            line for line in summary if line != t.SUMMARY_MONTHLY_NONE]
    return None, summary


def _label(section: Section) -> str:
    if section.key == "open":
        return t.BTN_OPEN.format(n=section.count)
    if section.key == "not":
        return t.BTN_NOT.format(n=section.count)
    if section.key == "sensitive":
        return t.BTN_SENSITIVE.format(n=section.count)  # one neutral line, opened only on request
    return t.BTN_GROUP.format(heading=section.heading, n=section.count)


def result_sections(view: ResultView) -> WebResult:
    """The result as the conversation shapes it (`Result.view`, the same `build_view` as
    Telegram's buttons): the summary first, then each topic, the open items, what does not
    apply (a count) and the re-birth and adoption items, each behind one tap; every item
    keeps its citation. The section's own heading is left out: its tap line says the same."""
    sections = []
    for section in view.sections:
        blocks = [block.splitlines() for block in section.text.split("\n\n") if block.strip()]
        sections.append(WebSection(section.key, _label(section), blocks[1:]))
    money, summary = money_first(view.summary.splitlines(), view.headline)
    return WebResult(summary, sections, money)


def print_sections(assessment: Assessment, produced_on: dt.date) -> dict[str, object]:
    """The print / save page: each benefit with its amount as stated in the document of its
    date, document number, clause and quoted sentence; then the date it was produced."""
    doc = assessment.document
    header = [t.RESULT_HEADER.format(city=doc.name),
              t.DOC_LINE_DRAFT.format(title=doc.title) if doc.is_draft or not doc.number
              else t.DOC_LINE.format(title=doc.title, number=doc.number, date=doc.date_label)]
    groups: list[tuple[str, list[list[str]]]] = []
    if assessment.covered is not False:
        date = stated_date(doc)
        eligible = [o for o in assessment.outcomes if o.status == "eligible" and group_of(o) is not None]
        for key in GROUP_CATEGORIES:  # by topic, as on the screen; re-birth and adoption only on request
            members = [o for o in eligible if group_of(o) == key]
            if members:
                items = [render_outcome(n, o, date, with_reasons=False) for n, o in enumerate(members, start=1)]
                groups.append((t.GROUP_HEADING.format(heading=t.GROUP_NAMES[key], n=len(members)), items))
        unknown = [o for o in assessment.outcomes if o.status == "unknown" and group_of(o) is not None]
        if unknown:
            items = [render_outcome(n, o, date, with_reasons=False) for n, o in enumerate(unknown, start=1)]
            groups.append((t.OPEN_HEADING.format(n=len(unknown)), items))
    else:
        header.append(t.NOT_COVERED.format(city=doc.name))
    produced = w.PRINT_PRODUCED.format(date=w.PRINT_DATE.format(year=produced_on.year, month=produced_on.month,
                                                                day=produced_on.day))
    view = build_view(assessment)
    money, _ = money_first(view.summary.splitlines(), view.headline)
    return {"header": header, "groups": groups, "produced": produced, "decides": t.DECIDES, "money": money}
