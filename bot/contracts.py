"""The JSON shapes of the public CLI (`python -m bot ask/clauses`).

Hotline scripts and acceptance checks parse these; keys are only ever added, never
renamed or removed. `../shared/contracts/check.py` checks the shape.
"""

from __future__ import annotations

from typing import Any

from knowledge.catalogue import get_document
from knowledge.clause_search import Hit, SearchResult
from knowledge.clauses import Clause


def hit_json(hit: Hit) -> dict[str, Any]:
    clause = hit.clause
    doc = get_document(clause.doc)
    return {
        "doc": clause.doc,
        "number": doc.number,
        "clause": clause.id,
        "path": clause.path,
        "text": clause.text,
        "score": hit.score,
        "title": clause.title,
        "sentence": hit.sentence,
        "highlight": hit.highlight,
        "coverage": hit.coverage,
        "lead_units": clause.lead_units,
        "units": clause.units,
        "doc_name": doc.name,
        "doc_date": doc.issued.isoformat() if doc.issued else None,
        "doc_status": doc.status,
    }


def search_json(result: SearchResult) -> dict[str, Any]:
    return {
        "answered": result.answered,
        "jurisdiction": result.jurisdiction,
        "results": [hit_json(h) for h in result.hits],
        "elsewhere": [hit_json(h) for h in result.elsewhere],
    }


def clause_json(clause: Clause) -> dict[str, Any]:
    return {
        "id": clause.id,
        "doc": clause.doc,
        "path": clause.path,
        "text": clause.text,
        "title": clause.title,
        "kind": clause.kind,
        "answerable": clause.answerable,
        "parent": clause.parent,
        "lead_units": clause.lead_units,
        "units": clause.units,
        "lines": [clause.first_line, clause.last_line],
    }
