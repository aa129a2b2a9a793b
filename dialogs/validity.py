"""What a family must know about the document an answer or a result rests on (issue 26):
its rules are still under review (clauses only), it has lapsed, or a later document amended it.
A repealed document is not answered from at all (its successor is)."""

from __future__ import annotations

import datetime as dt

from dialogs import templates as t
from knowledge.catalogue import Document
from knowledge.facts import today_in_china


def validity_lines(doc: Document, day: dt.date | None = None) -> list[str]:
    lines = []
    if doc.amended_by:
        lines.append(t.HIT_AMENDED.format(successor=doc.amended_by))
    if doc.status_on(day or today_in_china()) == "lapsed" and doc.expires is not None:
        lines.append(t.HIT_LAPSED.format(date=f"{doc.expires.year}年{doc.expires.month}月{doc.expires.day}日"))
    if not doc.rules_published:
        lines.append(t.HIT_UNDER_REVIEW)
    return lines


def result_validity(doc: Document, day: dt.date | None = None) -> list[str]:
    """The same for a result (no indent: a result's lines stand alone)."""
    return [line.strip() for line in validity_lines(doc, day)]
