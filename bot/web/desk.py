"""The desk console for hotline staff: search as you type, the document browser, the
comparison as a table. It holds no personal data: only the documents are looked up."""

from __future__ import annotations

from typing import Any

from starlette.endpoints import HTTPEndpoint
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from dialogs import check_templates as ct
from dialogs import web_copy as w
from dialogs.eligibility_text import amount_basis, amount_text, who_variant
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


# The words that name a kind of benefit of the comparison (`knowledge/comparison.py`): a
# search naming one, with a city chosen whose document has no rule of that kind, says so
# first, as the comparison page does, instead of letting the clauses that merely share a
# word (a Kaifeng surgery clause for 免费体检) pass for the benefit. Topics every document
# grants need no words here.
TOPIC_WORDS: dict[str, tuple[str, ...]] = {
    "medical_insurance": ("医保缴费", "医保补贴", "医疗保险补贴", "代缴医保", "医保费"),
    "hospital_care": ("住院护理", "护理保险", "护理补贴"),
    "health_check": ("体检",),
    "green_channel": ("绿色通道", "优先就医", "优先就诊", "看病优先"),
    "pension_subsidy": ("养老保险缴费", "养老保险补贴", "代缴养老保险", "养老保险费"),
    "adoption": ("收养", "领养"),
    "legal_aid": ("法律援助", "打官司", "律师"),
    "employment": ("就业", "找工作", "再就业"),
    "education": ("上学", "助学", "学费", "教育资助"),
}


def topic_named(query: str) -> str | None:
    """The one kind of benefit the query names (None for none, or more than one)."""
    named = [topic for topic, words in TOPIC_WORDS.items() if any(word in query for word in words)]
    return named[0] if len(named) == 1 else None


def _row(hit: Any) -> dict[str, Any]:
    from bot.contracts import hit_json

    data = hit_json(hit)
    doc = get_document(hit.clause.doc)
    return {"clause": data["clause"], "city": doc.name, "path": data["path"], "title": data["title"],
            "number": data["number"] or ct.NO_NUMBER, "sentence": data["sentence"], "text": data["text"],
            "draft": doc.is_draft,
            "citation": w.DESK_CITATION.format(city=doc.name, number=data["number"] or ct.NO_NUMBER,
                                               path=data["path"], sentence=data["sentence"], date=doc.date_label)}


def _cities_named(hits: list[Any]) -> str:
    names: list[str] = []
    for hit in hits:
        name = get_document(hit.clause.doc).name
        if name not in names:
            names.append(name)
    return "、".join(names)


def search_answer(query: str, city: str | None) -> dict[str, Any]:
    """What the desk shows for a search: with a city chosen, what that city's document says
    first; when it has nothing (or nothing of the kind named), that is said before anything
    else, and other cities' clauses come only in a group whose heading names them, so an
    operator never reads another city's rule to a caller as the caller's own.

    `results` keeps every hit in one list (for scripts); the page shows `notices` and
    `groups` (heading + results) in order."""
    from knowledge.clause_search import search
    from knowledge.comparison import compare

    result = search(query, city, 8)
    scope = result.jurisdiction
    notices: list[str] = []
    groups: list[dict[str, Any]] = []
    name = get_document(scope).name if scope else ""
    topic = topic_named(query)
    if topic is not None and scope is not None:
        rows = {row.document.code: row for row in compare(topic)}
        if not rows[scope].rules:
            having = "、".join(row.document.name for row in rows.values() if row.rules)
            notices.append(w.DESK_CITY_NO_KIND.format(city=name, kind=TOPICS[topic]))
            if having:
                notices.append(w.DESK_KIND_ELSEWHERE.format(cities=having))
    if result.hits:
        heading = w.DESK_CITY_RELATED.format(city=name) if notices else ""
        groups.append({"heading": heading, "elsewhere": False, "results": [_row(h) for h in result.hits]})
    elif scope:
        notices.insert(0, w.DESK_CITY_NOT_FOUND.format(city=name, query=query))
    if scope and result.elsewhere:
        others = list(result.elsewhere)
        groups.append({"heading": w.DESK_ELSEWHERE_HEADING.format(cities=_cities_named(others), city=name),
                       "elsewhere": True, "results": [_row(h) for h in others]})
    return {"answered": result.answered, "city": name or None, "notices": notices, "groups": groups,
            "results": [r for g in groups for r in g["results"]]}


class desk_search(HTTPEndpoint):  # a class: the route in app.py then takes GET and POST
    """The hits for what has been typed so far, each with its 原文 and a citation to copy.
    The desk page POSTs (a caller's situation in an operator's words stays out of URLs and
    access logs); GET stays for scripts and the load benchmark."""

    async def get(self, request: Request) -> Response:
        return self._answer(request.query_params.get("q", ""), request.query_params.get("city", ""))

    async def post(self, request: Request) -> Response:
        form = await request.form(max_files=0, max_fields=8)
        return self._answer(str(form.get("q", "")), str(form.get("city", "")))

    @staticmethod
    def _answer(raw: str, city: str) -> Response:
        query = raw.strip()[:MAX_QUERY]
        if not query:
            return JSONResponse({"answered": False, "city": None, "notices": [], "groups": [], "results": []})
        return JSONResponse(search_answer(query, _city(city)), headers={"Cache-Control": "no-store"})


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
        return amount_text(rule.amount, rule.amount.value) + amount_basis(rule)
    return "；".join(f"{v.label or who_variant(v.when)}{amount_text(rule.amount, v.value)}"
                    for v in rule.amount.variants) + amount_basis(rule)


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
