"""Render clause-search results as plain text for the terminal (and, later, chat).

Every statement carries its citation: document number, printed clause path, the verbatim
sentence, and the document's date and status (a draft is always called a draft).
"""

from __future__ import annotations

from dialogs import templates as t
from knowledge.catalogue import get_document
from knowledge.clause_search import Hit, SearchResult


def render_hit(rank: int, hit: Hit) -> list[str]:
    clause = hit.clause
    doc = get_document(clause.doc)
    title = f" {clause.title}" if clause.title else ""
    lines = [
        t.HIT_TITLE.format(rank=rank, city=doc.name, doc_title=doc.title, path=clause.path, title=title),
        t.HIT_CITATION.format(number=doc.number or t.NO_NUMBER, path=clause.path),
        t.HIT_SENTENCE.format(sentence=hit.highlight),
    ]
    units = [*clause.lead_units, *(u for u in clause.units if u not in clause.lead_units)]
    if units:
        lines.append(t.HIT_UNITS.format(units="、".join(units)))
    lines.append(t.HIT_DATED_DRAFT if doc.is_draft else t.HIT_DATED.format(date=doc.date_label))
    return lines


def render_result(question: str, result: SearchResult) -> str:
    """The whole answer: header, numbered clauses, or an honest 'not found'."""
    city = get_document(result.jurisdiction).name if result.jurisdiction else None
    header = t.HEADER_CITY.format(question=question, city=city) if city else t.HEADER.format(question=question)
    lines = [header]
    if result.answered:
        for rank, hit in enumerate(result.hits, start=1):
            lines.extend(render_hit(rank, hit))
        return "\n".join(lines)
    if result.reason == "empty":
        lines.append(t.EMPTY_QUESTION)
        return "\n".join(lines)
    lines.append(t.NOT_FOUND_IN_CITY.format(city=city) if city else t.NOT_FOUND)
    if result.elsewhere:
        lines.append(t.FOUND_ELSEWHERE)
        for rank, hit in enumerate(result.elsewhere, start=1):
            lines.extend(render_hit(rank, hit))
    else:
        lines.append(t.SUGGEST)
    return "\n".join(lines)
