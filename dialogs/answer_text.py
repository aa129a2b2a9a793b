"""Render clause-search results as plain text for the terminal (and, later, chat).

Every statement carries its citation: document number, printed clause path, the verbatim
sentence, and the document's date and status (a draft is always called a draft).
"""

from __future__ import annotations

import re
from dataclasses import replace

from dialogs import templates as t
from knowledge.catalogue import get_document
from knowledge.clause_search import Hit, SearchResult

# Clauses on re-birth, IVF, adoption and funerals: never the first thing a grieving parent
# reads unless they asked about it.
SENSITIVE_CLAUSE_WORDS = ("再生育", "辅助生殖", "收养", "复通", "取环", "输卵", "丧葬", "殡葬", "公墓", "墓穴", "安葬",
                          "骨灰")
SENSITIVE_QUESTION_WORDS = ("再生育", "生育", "生孩子", "要孩子", "要个孩子", "试管", "辅助生殖", "收养", "领养",
                            "复通", "取环", "丧", "葬", "墓", "殡", "骨灰", "后事", "死后", "去世后", "走了以后")
# no 【】 highlight around death and funeral words
_GENTLE_MARK = re.compile(r"【([^】]*[死亡丧葬墓逝殡][^】]*)】")


def _sensitive(hit: Hit) -> bool:
    text = f"{hit.clause.title or ''}{hit.sentence}"
    return any(w in text for w in SENSITIVE_CLAUSE_WORDS)


def presentable(question: str, result: SearchResult) -> SearchResult:
    """The result as it should be shown: re-birth, adoption and funeral clauses left out
    when the question is not about them (kept only if nothing else was found), and no
    【】 around words of death. Transports use this for the text and its buttons alike."""
    asked = any(w in question for w in SENSITIVE_QUESTION_WORDS)

    def gentle(hits: list[Hit]) -> list[Hit]:
        if not asked and any(not _sensitive(h) for h in hits):
            hits = [h for h in hits if not _sensitive(h)]
        return [replace(h, highlight=_GENTLE_MARK.sub(r"\1", h.highlight)) for h in hits]

    return replace(result, hits=gentle(result.hits), elsewhere=gentle(result.elsewhere))


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
    if result.answered:  # one block per clause (a blank line apart): never cut across two messages
        return "\n\n".join(["\n".join(lines), *("\n".join(render_hit(rank, hit))
                                                  for rank, hit in enumerate(result.hits, start=1))])
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
