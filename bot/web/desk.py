"""The desk console for hotline staff: search as you type, the document browser, the
comparison as a table. It holds no personal data: only the documents are looked up."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from dialogs import check_templates as ct
from dialogs import web_copy as w
from dialogs.eligibility_text import _basis, _who_variant, amount_text
from knowledge.catalogue import UnknownJurisdiction, get_document, load_catalogue, resolve_jurisdiction
from knowledge.rules_schema import TOPICS, Rule

MAX_QUERY = 100


def _city(value: str) -> str | None:
    try:
        return resolve_jurisdiction(value) if value else None
    except UnknownJurisdiction:
        return None


async def desk(request: Request) -> Response:
    return request.app.state.templates.TemplateResponse(
        request, "desk.html", {"w": w, "cities": [(d.code, d.name) for d in load_catalogue()],
                               "topics": TOPICS})


async def desk_search(request: Request) -> Response:
    """The hits for what has been typed so far, each with its 原文 and a citation to copy."""
    from bot.contracts import hit_json
    from knowledge.clause_search import search

    query = request.query_params.get("q", "").strip()[:MAX_QUERY]
    if not query:
        return JSONResponse({"results": []})
    result = search(query, _city(request.query_params.get("city", "")), 8)
    hits = list(result.hits) or list(result.elsewhere)
    rows = []
    for hit in hits:
        data = hit_json(hit)
        doc = get_document(hit.clause.doc)
        rows.append({"clause": data["clause"], "city": doc.name, "path": data["path"], "title": data["title"],
                     "number": data["number"] or ct.NO_NUMBER, "sentence": data["sentence"], "text": data["text"],
                     "draft": doc.is_draft,
                     "citation": w.DESK_CITATION.format(city=doc.name, number=data["number"] or ct.NO_NUMBER,
                                                        path=data["path"], sentence=data["sentence"],
                                                        date=doc.date_label)})
    return JSONResponse({"answered": result.answered, "results": rows})


async def document(request: Request) -> Response:
    """One document's clause tree, in the document's own numbering."""
    from knowledge.clauses import load_clauses

    code = _city(request.path_params["code"])
    if code is None:
        return request.app.state.templates.TemplateResponse(request, "missing.html", {"w": w}, status_code=404)
    doc = get_document(code)
    clauses = [c for c in load_clauses() if c.doc == code]
    return request.app.state.templates.TemplateResponse(
        request, "document.html", {"w": w, "t": ct, "doc": doc, "clauses": clauses,
                                   "cities": [(d.code, d.name) for d in load_catalogue()]})


def _amount(rule: Rule) -> str:
    if rule.amount is None:
        return ct.COMPARE_NO_AMOUNT
    if rule.amount.value is not None:
        return amount_text(rule.amount, rule.amount.value) + _basis(rule)
    return "；".join(f"{v.label or _who_variant(v.when)}{amount_text(rule.amount, v.value)}"
                    for v in rule.amount.variants) + _basis(rule)


async def comparison(request: Request) -> Response:
    """The cross-city comparison as a table: one row per city and benefit, cited."""
    from knowledge.clauses import clauses_by_id
    from knowledge.comparison import UnknownTopic, compare, resolve_topic

    raw = request.query_params.get("topic", "monthly_allowance")
    try:
        topic = resolve_topic(raw)
    except UnknownTopic:
        topic = "monthly_allowance"
    rows: list[dict[str, Any]] = []
    for row in compare(topic):
        doc = row.document
        city = ct.COMPARE_CITY.format(city=doc.name, number=doc.number or ct.NO_NUMBER, date=doc.date_label,
                                      draft=ct.COMPARE_DRAFT if doc.is_draft else "")
        if not row.rules:
            rows.append({"city": city, "title": w.DESK_NO_ITEM, "amount": "", "path": "", "quote": ""})
        for rule in row.rules:
            clause = clauses_by_id()[rule.citation.clause]
            rows.append({"city": city, "title": rule.title, "amount": _amount(rule), "path": clause.path,
                         "quote": rule.citation.quote})
    return request.app.state.templates.TemplateResponse(
        request, "compare.html", {"w": w, "topic": topic, "topics": TOPICS,
                                  "header": ct.COMPARE_HEADER.format(topic=TOPICS[topic]), "rows": rows})
