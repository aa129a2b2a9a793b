"""The one place the phone page turns an assessment into text.

The result page and the print view call only these functions, so switching to the
summary-first renderer (`dialogs/result_summary.py`, being merged) is a change here alone."""

from __future__ import annotations

import datetime as dt

from dialogs import check_templates as t
from dialogs import web_copy as w
from dialogs.eligibility_text import render_assessment, render_outcome
from knowledge.eligibility import Assessment


def result_sections(assessment: Assessment) -> list[list[str]]:
    """The result, grouped: the header first, then what the family can have, what to ask
    about, what does not apply (blocks of lines as the caring conversation words them)."""
    text = render_assessment(assessment)
    return [block.splitlines() for block in text.split("\n\n") if block.strip()]


def print_sections(assessment: Assessment, produced_on: dt.date) -> dict[str, object]:
    """The print / save page: each benefit with its amount as stated in the document of its
    date, document number, clause and quoted sentence; then the date it was produced."""
    doc = assessment.document
    header = [t.RESULT_HEADER.format(city=doc.name),
              t.DOC_LINE.format(title=doc.title, number=doc.number or t.NO_NUMBER, date=doc.date_label,
                                draft=t.DOC_DRAFT if doc.is_draft else "")]
    groups: list[tuple[str, list[list[str]]]] = []
    if assessment.covered is not False:
        for status, heading in (("eligible", t.SECTION_ELIGIBLE), ("unknown", t.SECTION_UNKNOWN)):
            outcomes = [o for o in assessment.outcomes if o.status == status]
            items = [render_outcome(n, o, doc.date_label, with_reasons=False)
                     for n, o in enumerate(outcomes, start=1)]
            groups.append((heading.format(n=len(outcomes)), items))
    else:
        header.append(t.NOT_COVERED.format(city=doc.name))
    produced = w.PRINT_PRODUCED.format(date=f"{produced_on.year}年{produced_on.month}月{produced_on.day}日")
    return {"header": header, "groups": groups, "produced": produced, "decides": t.DECIDES}
