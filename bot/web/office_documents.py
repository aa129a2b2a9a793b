"""The office console's pages for a city's own policy documents (issue 26): the list with
the upload form, the review of a drafted rule set (each rule as a card beside its quote:
accept, edit through a form, delete, add a condition), a preview on sample families,
publishing by a second editor, the versions with restore, and the reviewed YAML exported
and imported.

Who: an admin (any city) or a staff member granted the policy-editor role for the document's
city (`storage.documents.editor_cities`); admins grant and revoke it here. Every step goes
through `bot.documents.library`, as `python -m bot documents` does; every form is
CSRF-checked, every read of a document page audited, and a page posted from a draft someone
else saved since is refused (the revision it was loaded with travels in the form). Refusals
are pages of their own (titled as the documents pages, leading back to them).

The CPU-heavy steps (reading an uploaded file, drafting from the text for the review page,
assessing the sample families for the preview) run in a worker thread, so one large document
does not hold up every other request."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from pathlib import PurePath
from typing import Any

import yaml
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from bot.documents import library as lib
from bot.documents import reading
from bot.ids import parse_id
from bot.operations.access import may_use_office
from bot.storage import Role, Storage
from bot.storage.documents import DocumentConflict, RuleDraft, StoredDocument
from bot.web import rule_form
from bot.web.document_preview import preview
from bot.web.limits import MAX_BODY_BYTES, BodyTooLarge, read_body
from bot.web.office_common import Signed, csrf_matches, page, replayed, signed_in
from dialogs import web_copy as w
from dialogs.eligibility_text import amount_text, money_text, who_variant
from knowledge.catalogue import Document
from knowledge.clauses import clauses_by_id
from knowledge.condition_text import phrase
from knowledge.drafting import NO_MONEY, Draft, draft_text, find_figures
from knowledge.facts import today_in_china
from knowledge.rules_schema import Rule, RuleSet
from knowledge.yaml_data import dump_yaml

UPLOAD_PATH = "/console/documents/upload"
IMPORT_PATH = "/console/documents/import"
# the document itself and the form's few other fields; the body is counted as it arrives
UPLOAD_LIMIT = reading.MAX_UPLOAD_BYTES + 64 * 1024
IMPORT_LIMIT = 1024 * 1024  # a reviewed rules file is tens of KB
UPLOAD_CELLS = ("city", "number", "issued", "effective", "expires", "draft", "replaces")
EDIT_CELLS = ("value", "period", "per", *rule_form.CONDITION_CELLS)
Cities = set[str] | None  # None: every city (an admin)


# --- refusals ------------------------------------------------------------------------------

def refused_page(request: Request, message: str, status: int = 403, back: bool = True) -> Response:
    """A refusal on a documents page: titled as the documents pages, with the way back to the
    list (`back`) or, for someone who may not open it, to the console."""
    return page(request, "document_refused.html", {"message": message, "back": back}, status)


async def refused_audited(request: Request, storage: Storage, actor: int, why: str, message: str,
                          status: int = 403, back: bool = True) -> Response:
    """A refusal of a signed-in person, written to the audit log as the console's others are."""
    await storage.audit.record(actor, "console_refused", None, f"{request.method} {request.url.path} {why}"[:200])
    return refused_page(request, message, status, back)


async def checked_form(request: Request, signed: Signed) -> dict[str, str] | Response:
    """The posted form if its CSRF token is this session's, else the refusal to answer with:
    403, or 413 for a body over 64 KB (counted as it arrives)."""
    storage, session, user = signed
    try:
        body = await read_body(request, MAX_BODY_BYTES)
        form = await replayed(request, body).form()
    except BodyTooLarge:
        return refused_page(request, w.DOCS_FORM_TOO_BIG, 413)
    except HTTPException:  # not a form a browser sends (too many fields, broken encoding)
        return await refused_audited(request, storage, user.user_id, "bad form", w.DOCS_FORM_EXPIRED)
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    if not csrf_matches(fields.get("csrf", ""), session):
        return await refused_audited(request, storage, user.user_id, "csrf", w.DOCS_FORM_EXPIRED)
    return fields


# --- who may -------------------------------------------------------------------------------

async def _editor(request: Request) -> tuple[Signed, Cities] | Response:
    """The signed-in admin or policy editor with the cities they may edit."""
    signed = await signed_in(request)
    if signed is None:
        return refused_page(request, w.CONSOLE_SIGN_IN_FIRST, 401, back=False)
    storage, _, user = signed
    if user.role == Role.ADMIN:
        return signed, None
    cities = await storage.documents.editor_cities(user.user_id)
    if not cities:
        return await refused_audited(request, storage, user.user_id, "not a policy editor", w.DOCS_EDITORS_ONLY,
                                     back=False)
    return signed, cities


async def _document(request: Request, code: str) -> tuple[Signed, StoredDocument] | Response:
    got = await _editor(request)
    if isinstance(got, Response):
        return got
    signed, cities = got
    stored = await signed[0].documents.get(code) if re.fullmatch(r"[a-z]{1,40}", code) else None
    if stored is None or (cities is not None and stored.city not in cities):
        return await refused_audited(request, signed[0], signed[2].user_id, f"document {code[:40]}",
                                     w.DOCS_NO_SUCH_DOCUMENT, 404)
    return signed, stored


async def _document_form(request: Request) -> tuple[Signed, StoredDocument, dict[str, str]] | Response:
    got = await _document(request, request.path_params["code"])
    if isinstance(got, Response):
        return got
    form = await checked_form(request, got[0])
    return form if isinstance(form, Response) else (*got, form)


# --- the list and the upload ---------------------------------------------------------------

def _shown(stored: StoredDocument) -> tuple[Document, str]:
    """The document as families' answers see it now and its status in words: a document its
    successor has taken over is 已废止; a successor still waiting says whom it will replace."""
    doc, waits_for = lib.effective_document(stored, stored.current_version is not None)
    if waits_for is not None:
        return doc, w.DOCS_WAITS_TO_REPLACE.format(old=waits_for)
    return doc, status_words(doc, today_in_china())


def document_of(stored: StoredDocument) -> Document:
    return Document.model_validate({**stored.meta, "rules_published": stored.current_version is not None})


def status_words(doc: Document, today: dt.date) -> str:
    """The document's status on a day, in words: 有效 / 征求意见稿 / 已失效 / 已废止（由…替代）."""
    status = doc.status_on(today)
    words = w.DOCS_STATUS[status]
    if status == "repealed" and doc.replaced_by:
        words += w.DOCS_REPLACED_BY.format(by=doc.replaced_by)
    if status == "in_force" and doc.amended_by:
        words += w.DOCS_AMENDED_BY.format(by=doc.amended_by)
    return words


async def _rows(storage: Storage, cities: Cities, today: dt.date) -> list[dict[str, Any]]:
    rows = []
    for stored in await storage.documents.all():
        if cities is not None and stored.city not in cities:
            continue
        doc, status = _shown(stored)
        draft = await storage.documents.draft(stored.code)
        rows.append({
            "code": stored.code, "city": stored.city, "number": doc.number or w.DOCS_NO_NUMBER,
            "title": doc.title, "issued": doc.issued or "", "effective": doc.effective or "",
            "expires": doc.expires or w.DOCS_NO_EXPIRY, "status": status,
            "lapsed": doc.status_on(today) in ("lapsed", "repealed"),
            "expiring": doc.expires_within(today, lib.EXPIRY_WARNING_DAYS),
            "version": (w.DOCS_VERSION.format(version=stored.current_version) if stored.current_version
                        else w.DOCS_UNDER_REVIEW),
            "draft": draft is not None})
    return rows


async def _list_page(request: Request, signed: Signed, cities: Cities, problems: list[str] | None = None,
                     cells: dict[str, str] | None = None, status: int = 200, message: str = "") -> Response:
    storage, session, user = signed
    today = today_in_china()
    rows = await _rows(storage, cities, today)
    await storage.audit.record(user.user_id, "console_documents", None, f"{len(rows)} shown")
    known = sorted({r["city"] for r in rows} | (cities or set()))
    editors = await storage.documents.editors() if cities is None else []
    return page(request, "documents.html", {
        "csrf": session.csrf, "rows": rows, "problems": problems or [], "message": message,
        "cells": cells or dict.fromkeys(UPLOAD_CELLS, ""), "cities": known, "admin": cities is None,
        "replaceable": [r for r in rows if not r["lapsed"]], "editors": editors,
        "limit": f"{reading.MAX_UPLOAD_BYTES // (1024 * 1024)} MB", "today": today}, status)


async def documents(request: Request) -> Response:
    got = await _editor(request)
    if isinstance(got, Response):
        return got
    return await _list_page(request, *got)


def _date(text: str, name: str, required: bool = False) -> dt.date | None:
    if not text:
        if required:
            raise rule_form.FormProblem(w.DOCS_DATE_REQUIRED.format(name=name))
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise rule_form.FormProblem(w.DOCS_BAD_DATE.format(name=name)) from None


async def upload(request: Request) -> Response:
    """The upload form (multipart): the file is read, checked and added with its rules
    drafted (`library.add_document`); every refusal is said above the form, what was typed kept."""
    got = await _editor(request)
    if isinstance(got, Response):
        return got
    signed, cities = got
    storage, session, user = signed
    too_big = w.DOCS_TOO_BIG.format(limit=f"{reading.MAX_UPLOAD_BYTES // (1024 * 1024)} MB")
    try:  # counted as it arrives: a 50 MB file is refused before it is read into memory
        body = await read_body(request, UPLOAD_LIMIT)
    except BodyTooLarge:
        return await _list_page(request, signed, cities, [too_big], status=413)
    try:
        form = await replayed(request, body).form(max_files=1, max_fields=20, max_part_size=MAX_BODY_BYTES)
    except HTTPException:
        return await _list_page(request, signed, cities, [w.DOCS_CHOOSE_FILE], status=400)
    if not csrf_matches(form.get("csrf", ""), session):
        return await refused_audited(request, storage, user.user_id, "csrf", w.DOCS_FORM_EXPIRED)
    cells = {k: str(v).strip()[:200] for k in UPLOAD_CELLS if isinstance(v := form.get(k, ""), str)}
    cells = {**dict.fromkeys(UPLOAD_CELLS, ""), **cells}
    file = form.get("file")

    async def refused(message: str, status: int = 400) -> Response:
        return await _list_page(request, signed, cities, [message], cells, status)

    if file is None or isinstance(file, str) or not file.filename:
        return await refused(w.DOCS_CHOOSE_FILE)
    if not cells["city"]:
        return await refused(w.DOCS_CITY_REQUIRED)
    if cities is not None and cells["city"] not in cities:
        return await refused(w.DOCS_NOT_YOUR_CITY.format(cities="、".join(sorted(cities))), 403)
    if cells["replaces"]:
        replaced = await storage.documents.get(cells["replaces"])
        if replaced is None or (cities is not None and replaced.city not in cities):
            return await refused(w.DOCS_NO_SUCH_DOCUMENT)
    try:
        issued = _date(cells["issued"], w.DOCS_FIELD_ISSUED, required=True)
        effective = _date(cells["effective"], w.DOCS_FIELD_EFFECTIVE)
        expires = _date(cells["expires"], w.DOCS_FIELD_EXPIRES)
    except rule_form.FormProblem as exc:
        return await refused(exc.message_zh)
    assert issued is not None
    data = await file.read()
    if len(data) > reading.MAX_UPLOAD_BYTES:
        return await refused(too_big, 413)
    if not data:
        return await refused(w.DOCS_EMPTY_FILE)
    name = PurePath(file.filename.replace("\\", "/")).name[:120] or "document.txt"
    try:  # decoding, PDF and .docx parsing, cleaning: CPU work, off the event loop
        read = await asyncio.to_thread(reading.read_document, data, name)
    except reading.DocumentReadError as exc:  # binary, scanned, encrypted, too short, unknown encoding
        return await refused(exc.message_zh, 413 if exc.code == "too_large" else 400)
    new = lib.NewDocument(city=cells["city"], number=cells["number"] or None, issued=issued, effective=effective,
                          expires=expires, draft=bool(cells["draft"]), replaces=cells["replaces"] or None)
    try:
        added = await lib.add_document(storage, read, name, new, actor=user.user_id)
    except lib.DocumentRefused as exc:
        return await refused(exc.message_zh, 409 if exc.reason in ("duplicate_file", "duplicate_code") else 400)
    await storage.audit.record(user.user_id, "console_document_added", None, f"{added.code} {name}"[:200])
    assumed = "&assumed=1" if added.expires_assumed else ""  # the review page says the date it assumed
    return RedirectResponse(f"/console/documents/{added.code}?added=1{assumed}", status_code=303)


async def editors(request: Request) -> Response:
    """An admin grants or revokes the policy-editor role of a city (audited by the store)."""
    got = await _editor(request)
    if isinstance(got, Response):
        return got
    signed, cities = got
    storage, _, user = signed
    if cities is not None:
        return await refused_audited(request, storage, user.user_id, "not admin", w.DOCS_ADMINS_ONLY)
    form = await checked_form(request, signed)
    if isinstance(form, Response):
        return form
    target, city = parse_id(form.get("user", "")), form.get("city", "").strip()[:40]
    person = await storage.users.get(target) if target is not None else None
    if target is None or not city or not may_use_office(person):
        return await _list_page(request, signed, cities, [w.DOCS_EDITOR_UNKNOWN], status=400)
    if form.get("action") == "revoke":
        await storage.documents.revoke_editor(target, city, user.user_id)
        message = w.DOCS_EDITOR_REVOKED.format(user=target, city=city)
    else:
        await storage.documents.grant_editor(target, city, user.user_id)
        message = w.DOCS_EDITOR_GRANTED.format(user=target, city=city)
    return await _list_page(request, signed, cities, message=message)


# --- the review page -----------------------------------------------------------------------

def _quoted(clause_id: str, quote: str) -> dict[str, str]:
    """The clause text split round the quote, so the page marks the quote inside it."""
    clause = clauses_by_id().get(clause_id)
    text = clause.text if clause is not None else ""
    at = text.find(quote) if quote else -1
    if at < 0:
        return {"path": clause.path if clause else clause_id, "before": text, "quote": "", "after": "",
                "missing": quote}
    return {"path": clause.path if clause else clause_id, "before": text[:at], "quote": quote,
            "after": text[at + len(quote):], "missing": ""}


def amount_words(rule: Rule) -> str:
    amount = rule.amount
    if amount is None:
        return w.DOCS_NO_AMOUNT
    if amount.value is not None:
        return amount_text(amount, amount.value)
    return "；".join(f"{v.label + '：' if v.label else who_variant(v.when)}{amount_text(amount, v.value)}"
                    for v in amount.variants)


def conditions_words(rule: Rule) -> str:
    parts = [phrase(rule.conditions, "all"), phrase(rule.each_person, "all"), *rule.provisos]
    return "、".join(p for p in parts if p) or w.DOCS_NO_CONDITIONS


def amount_mismatch(rule: Rule) -> str:
    """Why the rule's sum(s) are not what its quote says (a warning for the publisher), or "".

    Every sum of the amount (its value, or each variant's) must be one of the quote's yuan
    figures that are benefits (a raised-from rate, a funding share or an income line do not
    count, unless the quote has nothing else)."""
    amount = rule.amount
    if amount is None:
        return ""
    sums = [amount.value] if amount.value is not None else [v.value for v in amount.variants]
    figures = [f for f in find_figures(rule.citation.quote) if f.kind in ("yuan", "range") and f.value is not None]
    benefits = [f for f in figures if f.set_aside is None] or figures
    stated = {v for f in benefits for v in (f.value, f.upper) if v is not None}
    wrong = [s for s in sums if not any(abs(s - v) < 0.005 for v in stated)]
    if not wrong:
        return ""
    typed = "、".join(f"{money_text(s)}元" for s in wrong)
    if not benefits:
        return w.DOCS_AMOUNT_NOT_IN_QUOTE.format(amount=typed)
    return w.DOCS_AMOUNT_MISMATCH.format(figures="、".join(dict.fromkeys(f.text for f in benefits)), amount=typed)


def _card(data: dict[str, Any], decision: str | None) -> dict[str, Any]:
    rule = Rule.model_validate(data)
    note = rule.note or ""
    return {"id": rule.id, "title": rule.title, "amount": amount_words(rule), "conditions": conditions_words(rule),
            "in_scope": rule.in_scope, "decision": decision, "decision_words": w.DOCS_DECISIONS.get(decision or "", ""),
            "mismatch": amount_mismatch(rule) if decision in ("accepted", "edited") else "",
            "doubt": note.replace(lib.DOUBT, "") if lib.DOUBT in note else "",
            "note": "" if lib.DOUBT in note else note, **_quoted(rule.citation.clause, rule.citation.quote)}


def _schedule_lines(schedule_yaml: str | None) -> list[str]:
    """The drafted contact schedule in words: who the contacts are, how often, which festivals."""
    from bot.reminders import templates as rt

    if not schedule_yaml:
        return []
    data = yaml.safe_load(schedule_yaml)
    if not isinstance(data, dict):
        return []
    lines = []
    roles = [w.CONSOLE_ROLE_NAMES.get(r, r) for r in data.get("contact_roles") or []]
    if roles:
        lines.append(w.DOCS_SCHEDULE_ROLES.format(roles="、".join(roles)))
    for item in data.get("recurring") or []:
        lines.append(w.DOCS_SCHEDULE_EVERY.format(
            who=w.CONSOLE_ROLE_NAMES.get(item.get("to"), item.get("to")), days=item.get("every_days"),
            kind=rt.KIND_NAMES.get(item.get("kind"), item.get("kind"))))
    for item in data.get("festivals") or []:
        lines.append(w.DOCS_SCHEDULE_FESTIVAL.format(festival=w.DOCS_FESTIVALS.get(item.get("name"), item.get("name")),
                                                     who=w.CONSOLE_ROLE_NAMES.get(item.get("to"), item.get("to"))))
    if not data.get("recurring"):
        lines.append(w.DOCS_SCHEDULE_NO_VISITS)
    for key in ("note", "volunteers"):
        if data.get(key):
            lines.append(str(data[key]).replace(lib.DOUBT, w.DOCS_DOUBT_MARK))
    return lines


def plain_schedule_problem(problem: str) -> str:
    """A drafter's note on the contact schedule in plain words: the known notes as written for
    office staff; any other without its bracketed field names (contact_roles 为空)."""
    for start, words in w.DOCS_SCHEDULE_PROBLEMS.items():
        if problem.startswith(start):
            return words
    return re.sub(r"（[^（）]*[A-Za-z_][^（）]*）", "", problem).replace("排班规则", "联系走访安排的要求")


def summary_lines(drafted: Draft) -> list[str]:
    """What the program drafted from the text, in words for office staff (no codes)."""
    lines = [w.DOCS_SUMMARY.format(rules=len(drafted.rules), to_review=len(drafted.to_review),
                                   set_aside=len(drafted.set_aside))]
    if drafted.no_money:
        lines.append(NO_MONEY)
    if drafted.schedule is None:
        lines.append(w.DOCS_SUMMARY_NO_SCHEDULE)
    else:
        lines.extend(w.DOCS_SUMMARY_SCHEDULE.format(problem=plain_schedule_problem(p))
                     for p in drafted.schedule.problems)
    return lines


def _publish_state(draft: RuleDraft | None, user_id: int, blocking: list[str]) -> tuple[bool, str]:
    """Whether this person may press 发布, and if not, why (shown beside the greyed button)."""
    if draft is None:
        return False, w.DOCS_NO_DRAFT
    if user_id in draft.editors:
        return False, w.DOCS_PUBLISH_SAME_EDITOR
    if not draft.editors:
        return False, w.DOCS_PUBLISH_NOT_REVIEWED
    if blocking:
        return False, w.DOCS_PUBLISH_UNDECIDED
    return True, ""


async def _review_page(request: Request, signed: Signed, stored: StoredDocument, message: str = "",
                       problems: list[str] | None = None, status: int = 200) -> Response:
    storage, session, user = signed
    code = stored.code
    draft = await storage.documents.draft(code)
    versions = await storage.documents.versions(code)
    await storage.audit.record(user.user_id, "console_document", None, code)
    # what to review, the figures set aside, the summary: only while there is a draft to review,
    # and drafted (segmenting and reading the whole text) off the event loop
    drafted = await asyncio.to_thread(draft_text, code, stored.text) if draft is not None else None
    cards: list[dict[str, Any]] = []
    scope: dict[str, Any] | None = None
    blocking: list[str] = []
    if draft is not None:
        data = lib.rules_data(draft.rules_yaml, strict=False)
        cards = [_card(r, draft.decisions.get(r.get("id", ""))) for r in data.get("rules") or []]
        raw_scope = data.get("scope") or {}
        scope_note = str(raw_scope.get("note") or "")
        quote = (raw_scope.get("citation") or {})
        scope = {"conditions": phrase(raw_scope.get("conditions") or [], None) or w.DOCS_NO_CONDITIONS,
                 "doubt": scope_note.replace(lib.DOUBT, "") if lib.DOUBT in scope_note else "",
                 "decision": draft.decisions.get("scope"),
                 "decision_words": w.DOCS_DECISIONS.get(draft.decisions.get("scope") or "", ""),
                 **_quoted(str(quote.get("clause", "")), str(quote.get("quote", "")))}
        _, blocking = lib.reviewed_rules(draft)
    may_publish, why_not = _publish_state(draft, user.user_id, blocking)
    doc, status_text = _shown(stored)
    return page(request, "document_review.html", {
        "csrf": session.csrf, "code": code, "doc": doc, "stored": stored, "draft": draft, "cards": cards,
        "scope": scope, "blocking": blocking, "may_publish": may_publish, "why_not": why_not,
        "status": status_text,
        # the counts describe the draft made from the text, not one started from a published version
        "summary": summary_lines(drafted) if drafted is not None and draft and draft.base_version is None else [],
        "to_review": drafted.to_review if drafted else [], "set_aside": drafted.set_aside if drafted else [],
        "schedule": _schedule_lines(draft.schedule_yaml if draft else None),
        "versions": versions, "message": message, "problems": problems or [],
        "added": request.query_params.get("added") == "1", "addable": rule_form.ADDABLE,
        "assumed_expiry": _assumed_expiry(doc) if request.query_params.get("assumed") == "1" else ""}, status)


def _assumed_expiry(doc: Document) -> str:
    """The last day in force the upload assumed (the form left it empty), while it is still that."""
    if doc.expires is None or doc.issued is None or doc.expires != lib.default_expiry(doc.issued, doc.effective,
                                                                                        doc.title):
        return ""
    return doc.expires.isoformat()


async def review(request: Request) -> Response:
    got = await _document(request, request.path_params["code"])
    if isinstance(got, Response):
        return got
    return await _review_page(request, *got)


async def _save(storage: Storage, stored: StoredDocument, user_id: int, form: dict[str, str],
                data: dict[str, Any] | None, decisions: dict[str, str]) -> str | None:
    """Save the draft (rules as `data`, or unchanged) if it is still the revision the page was
    loaded with; checked in the reviewed schema first. Returns a refusal to show, or None."""
    draft = await storage.documents.draft(stored.code)
    revision = parse_id(form.get("revision", ""))
    if draft is None:
        return w.DOCS_NO_DRAFT
    if revision is None or revision != draft.revision:
        return w.DOCS_STALE
    rules_yaml = draft.rules_yaml if data is None else dump_yaml(data)
    if data is not None:
        try:
            lib.check_rules(stored.code, rules_yaml)
        except lib.DocumentRefused as exc:
            return exc.message_zh
    try:
        await storage.documents.save_draft(stored.code, rules_yaml, draft.schedule_yaml, decisions, user_id, revision)
    except DocumentConflict:
        return w.DOCS_STALE
    return None


async def decide(request: Request) -> Response:
    """接受 / 删除 one drafted rule (or the scope): the decision saved with the page's revision."""
    got = await _document_form(request)
    if isinstance(got, Response):
        return got
    signed, stored, form = got
    storage, _, user = signed
    draft = await storage.documents.draft(stored.code)
    target, decision = form.get("rule", ""), form.get("decision", "")
    rules = lib.rules_data(draft.rules_yaml, strict=False).get("rules") or [] if draft else []
    ids = {r.get("id") for r in rules} | {"scope"} if draft else set()
    if decision not in ("accepted", "rejected") or target not in ids:
        return await _review_page(request, signed, stored, problems=[w.DOCS_NO_SUCH_RULE], status=400)
    assert draft is not None
    refused = await _save(storage, stored, user.user_id, form, None, {**draft.decisions, target: decision})
    if refused:
        return await _review_page(request, signed, stored, problems=[refused], status=409)
    return RedirectResponse(f"/console/documents/{stored.code}#card-{target}", status_code=303)


def _target(data: dict[str, Any], rule_id: str) -> dict[str, Any] | None:
    if rule_id == "scope":
        scope = data.get("scope")
        return scope if isinstance(scope, dict) else None
    return next((r for r in data.get("rules") or [] if r.get("id") == rule_id), None)


def _replaced(data: dict[str, Any], rule_id: str, new: dict[str, Any]) -> dict[str, Any]:
    if rule_id == "scope":
        return {**data, "scope": new}
    return {**data, "rules": [new if r.get("id") == rule_id else r for r in data.get("rules") or []]}


def _edit_page(request: Request, signed: Signed, stored: StoredDocument, draft: RuleDraft, rule_id: str,
               target: dict[str, Any], cells: dict[str, str] | None = None, problems: list[str] | None = None,
               status: int = 200, revision: int | None = None) -> Response:
    read, others = rule_form.read_conditions(target.get("conditions"))
    shown = cells or {**read, **({} if rule_id == "scope" else rule_form.read_amount(target.get("amount")))}
    variants = (target.get("amount") or {}).get("variants") or [] if rule_id != "scope" else []
    card = None if rule_id == "scope" else _card(target, draft.decisions.get(rule_id))
    return page(request, "document_rule.html", {
        "csrf": signed[1].csrf, "code": stored.code, "city": stored.city, "rule_id": rule_id, "card": card,
        "cells": shown, "others": [phrase(node, None) for node in others],
        "variants": [who_variant(v["when"]) if v.get("when") is not None else f"{v.get('label')}：" for v in variants],
        "revision": revision if revision is not None else draft.revision, "problems": problems or [],
        "periods": rule_form.PERIODS, "pers": rule_form.PERS, "scope": rule_id == "scope",
        "title": target.get("title", w.DOCS_SCOPE)}, status)


async def _draft_rule(request: Request, signed: Signed, stored: StoredDocument,
                      rule_id: str) -> tuple[RuleDraft, dict[str, Any], dict[str, Any]] | Response:
    """The draft, its rules as data and the rule (or scope) `rule_id` names; the review page
    with 404 when there is no draft or no such rule."""
    draft = await signed[0].documents.draft(stored.code)
    data = lib.rules_data(draft.rules_yaml, strict=False) if draft else {}
    target = _target(data, rule_id) if draft else None
    if draft is None or target is None:
        return await _review_page(request, signed, stored, problems=[w.DOCS_NO_SUCH_RULE], status=404)
    return draft, data, target


async def edit_form(request: Request) -> Response:
    """修改: the rule's amount and conditions as a form (no YAML)."""
    got = await _document(request, request.path_params["code"])
    if isinstance(got, Response):
        return got
    signed, stored = got
    found = await _draft_rule(request, signed, stored, request.path_params["rule"])
    if isinstance(found, Response):
        return found
    draft, _, target = found
    await signed[0].audit.record(signed[2].user_id, "console_document_rule", None,
                                 f"{stored.code} {request.path_params['rule']}"[:200])
    return _edit_page(request, signed, stored, draft, request.path_params["rule"], target)


async def edit_save(request: Request) -> Response:
    got = await _document_form(request)
    if isinstance(got, Response):
        return got
    signed, stored, form = got
    storage, _, user = signed
    rule_id = request.path_params["rule"]
    found = await _draft_rule(request, signed, stored, rule_id)
    if isinstance(found, Response):
        return found
    draft, data, target = found
    cells = {k: form.get(k, "") for k in EDIT_CELLS} | {k: v for k, v in form.items()
                                                         if k.startswith(("variant_", "drop_"))}
    revision = parse_id(form.get("revision", ""))
    try:
        new = rule_form.edit_scope(target, cells) if rule_id == "scope" else rule_form.apply_edit(target, cells)
    except rule_form.FormProblem as exc:
        return _edit_page(request, signed, stored, draft, rule_id, target, cells, [exc.message_zh], 400, revision)
    refused = await _save(storage, stored, user.user_id, form, _replaced(data, rule_id, new),
                          {**draft.decisions, rule_id: "edited"})
    if refused:
        return _edit_page(request, signed, stored, draft, rule_id, target, cells, [refused],
                          409 if refused == w.DOCS_STALE else 400, revision)
    return RedirectResponse(f"/console/documents/{stored.code}#card-{rule_id}", status_code=303)


async def add_condition(request: Request) -> Response:
    """添加条件: one more condition on a rule (or the scope), from a select and a number."""
    got = await _document_form(request)
    if isinstance(got, Response):
        return got
    signed, stored, form = got
    storage, _, user = signed
    rule_id = form.get("rule", "")
    found = await _draft_rule(request, signed, stored, rule_id)
    if isinstance(found, Response):
        return found
    draft, data, target = found
    try:
        new = rule_form.with_condition(target, form.get("kind", ""), form.get("number", ""))
    except rule_form.FormProblem as exc:
        return await _review_page(request, signed, stored, problems=[exc.message_zh], status=400)
    refused = await _save(storage, stored, user.user_id, form, _replaced(data, rule_id, new),
                          {**draft.decisions, rule_id: "edited"})
    if refused:
        return await _review_page(request, signed, stored, problems=[refused], status=409)
    return RedirectResponse(f"/console/documents/{stored.code}#card-{rule_id}", status_code=303)


async def start_draft(request: Request) -> Response:
    """A new draft from the answering version, to change a published rule set."""
    got = await _document_form(request)
    if isinstance(got, Response):
        return got
    signed, stored, _ = got
    storage = signed[0]
    if await storage.documents.draft(stored.code) is None:
        current = await storage.documents.version(stored.code, stored.current_version or 0)
        if current is None:
            return await _review_page(request, signed, stored, problems=[w.DOCS_NO_VERSION], status=409)
        await storage.documents.start_draft(stored.code, current, signed[2].user_id)
    return RedirectResponse(f"/console/documents/{stored.code}", status_code=303)


# --- preview, publish, versions ------------------------------------------------------------

async def _rulesets(storage: Storage, stored: StoredDocument) -> tuple[RuleSet | None, RuleSet | None, str]:
    """(the draft as it would be published, the answering version, a refusal)."""
    draft = await storage.documents.draft(stored.code)
    if draft is None:
        return None, None, w.DOCS_NO_DRAFT
    rules_yaml, _ = lib.reviewed_rules(draft)  # undecided rules count as drafted, deleted ones not
    try:
        mine = lib.check_rules(stored.code, rules_yaml)
        current_version = await storage.documents.version(stored.code, stored.current_version or 0)
        theirs = lib.check_rules(stored.code, current_version.rules_yaml) if current_version else None
    except lib.DocumentRefused as exc:
        return None, None, exc.message_zh
    return mine, theirs, ""


async def preview_page(request: Request) -> Response:
    got = await _document(request, request.path_params["code"])
    if isinstance(got, Response):
        return got
    signed, stored = got
    storage, session, user = signed
    await storage.audit.record(user.user_id, "console_document_preview", None, stored.code)
    mine, theirs, refused = await _rulesets(storage, stored)
    # eight families assessed twice: off the event loop
    rows = await asyncio.to_thread(preview, stored.code, mine, theirs) if mine is not None else []
    return page(request, "document_preview.html", {
        "csrf": session.csrf, "code": stored.code, "city": stored.city, "rows": rows, "problems":
        [refused] if refused else [], "current": stored.current_version,
        "changed": sum(1 for r in rows if r.changed)}, 409 if refused else 200)


async def publish(request: Request) -> Response:
    """发布: the reviewed draft as the next version, by an editor who did not edit it; a second
    press of the same page (or another editor's at the same moment) is told it is done."""
    got = await _document_form(request)
    if isinstance(got, Response):
        return got
    signed, stored, form = got
    storage, _, user = signed
    revision = parse_id(form.get("revision", ""))
    try:
        version = await lib.publish(storage, stored.code, user.user_id, -1 if revision is None else revision,
                                    form.get("note", "").strip()[:200] or None)
    except lib.DocumentRefused as exc:
        fresh = await storage.documents.get(stored.code) or stored
        if exc.reason == "already_published":  # a second press (a double click) after this person's own publish
            return await _review_page(request, signed, fresh, message=exc.message_zh)
        return await _review_page(request, signed, fresh, problems=[exc.message_zh], status=409)
    await storage.audit.record(user.user_id, "console_document_published", None, f"{stored.code}@{version}")
    fresh = await storage.documents.get(stored.code) or stored
    return await _review_page(request, signed, fresh, message=w.DOCS_PUBLISHED.format(version=version))


async def restore(request: Request) -> Response:
    got = await _document_form(request)
    if isinstance(got, Response):
        return got
    signed, stored, form = got
    version = parse_id(form.get("version", ""))
    try:
        await lib.restore(signed[0], stored.code, version or 0, signed[2].user_id)
    except lib.DocumentRefused as exc:
        return await _review_page(request, signed, stored, problems=[exc.message_zh], status=409)
    fresh = await signed[0].documents.get(stored.code) or stored
    return await _review_page(request, signed, fresh, message=w.DOCS_RESTORED.format(version=version))


async def validity(request: Request) -> Response:
    """修改有效期和状态: the last day in force, or the later document that amended it."""
    got = await _document_form(request)
    if isinstance(got, Response):
        return got
    signed, stored, form = got
    try:
        expires = _date(form.get("expires", ""), w.DOCS_FIELD_EXPIRES)
    except ValueError as exc:
        return await _review_page(request, signed, stored, problems=[str(exc)], status=400)
    amended = form.get("amended_by", "").strip()
    try:
        await lib.set_validity(signed[0], stored.code, signed[2].user_id, expires=expires,
                               clear_expires=expires is None and form.get("no_expiry") == "1",
                               amended_by=amended or None, clear_amended=not amended)
    except lib.DocumentRefused as exc:
        return await _review_page(request, signed, stored, problems=[exc.message_zh], status=400)
    fresh = await signed[0].documents.get(stored.code) or stored
    return await _review_page(request, signed, fresh, message=w.DOCS_VALIDITY_SAVED)


async def export(request: Request) -> Response:
    """The answering (or a chosen) version as YAML in the reviewed schema, to go through git."""
    got = await _document(request, request.path_params["code"])
    if isinstance(got, Response):
        return got
    signed, stored = got
    asked = request.query_params.get("version", "").strip()
    if asked and not re.fullmatch(r"[0-9]{1,9}", asked):  # -1, 1.5, abc, a 20-digit number
        return await _review_page(request, signed, stored, problems=[w.DOCS_BAD_VERSION], status=404)
    number = int(asked) if asked else stored.current_version
    version = await signed[0].documents.version(stored.code, number) if number else None
    if version is None:
        problem = w.DOCS_NO_SUCH_VERSION.format(version=number) if asked else w.DOCS_NO_VERSION
        return await _review_page(request, signed, stored, problems=[problem], status=404)
    await signed[0].audit.record(signed[2].user_id, "console_document_export", None, f"{stored.code}@{number}")
    return Response(version.rules_yaml, media_type="application/x-yaml; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="{stored.code}-v{number}.yaml"', "Cache-Control": "no-store"})


async def import_rules(request: Request) -> Response:
    """A reviewed rules YAML (changed through git) uploaded as the draft, checked first."""
    got = await _editor(request)
    if isinstance(got, Response):
        return got
    signed, cities = got
    storage, session, user = signed
    try:
        body = await read_body(request, IMPORT_LIMIT)
        form = await replayed(request, body).form(max_files=1, max_fields=10, max_part_size=MAX_BODY_BYTES)
    except BodyTooLarge:
        return refused_page(request, w.DOCS_IMPORT_TOO_BIG, 413)
    except HTTPException:
        return refused_page(request, w.DOCS_FORM_EXPIRED, 400)
    if not csrf_matches(form.get("csrf", ""), session):
        return await refused_audited(request, storage, user.user_id, "csrf", w.DOCS_FORM_EXPIRED)
    code = str(form.get("code", ""))
    stored = await storage.documents.get(code) if re.fullmatch(r"[a-z]{1,40}", code) else None
    if stored is None or (cities is not None and stored.city not in cities):
        return await refused_audited(request, storage, user.user_id, f"import {code[:40]}", w.DOCS_NO_SUCH_DOCUMENT,
                                     404)
    file = form.get("file")
    if file is None or isinstance(file, str):
        return await _review_page(request, signed, stored, problems=[w.DOCS_CHOOSE_FILE], status=400)
    try:
        text = (await file.read()).decode("utf-8-sig")
    except UnicodeDecodeError:
        return await _review_page(request, signed, stored, problems=[w.DOCS_IMPORT_NOT_UTF8], status=400)
    try:
        lib.check_rules(code, text)
    except lib.DocumentRefused as exc:
        return await _review_page(request, signed, stored, problems=[exc.message_zh], status=400)
    data = lib.rules_data(text, strict=False)
    draft = await storage.documents.draft(code)
    if draft is None:
        current = await storage.documents.version(code, stored.current_version or 0)
        if current is None:
            return await _review_page(request, signed, stored, problems=[w.DOCS_NO_DRAFT], status=409)
        await storage.documents.start_draft(code, current, user.user_id)
        draft = await storage.documents.draft(code)
        assert draft is not None
    elif parse_id(str(form.get("revision", ""))) != draft.revision:
        return await _review_page(request, signed, stored, problems=[w.DOCS_STALE], status=409)
    decisions = {str(r.get("id")): "edited" for r in data.get("rules") or []} | {"scope": "edited"}
    try:
        await storage.documents.save_draft(code, text, draft.schedule_yaml, decisions, user.user_id, draft.revision)
    except DocumentConflict:
        return await _review_page(request, signed, stored, problems=[w.DOCS_STALE], status=409)
    await storage.audit.record(user.user_id, "console_document_imported", None, code)
    return await _review_page(request, signed, stored, message=w.DOCS_IMPORTED)


async def back_to_list(request: Request) -> Response:
    """The POST-only addresses opened with GET (Enter in the address bar): back to the list."""
    return RedirectResponse("/console/documents", status_code=303)


def document_routes() -> list[BaseRoute]:
    return [
        Route("/console/documents", documents, methods=["GET"]),
        *(Route(path, back_to_list, methods=["GET"])
          for path in (UPLOAD_PATH, IMPORT_PATH, "/console/documents/editors")),
        Route(UPLOAD_PATH, upload, methods=["POST"]),
        Route(IMPORT_PATH, import_rules, methods=["POST"]),
        Route("/console/documents/editors", editors, methods=["POST"]),
        Route("/console/documents/{code}", review, methods=["GET"]),
        Route("/console/documents/{code}/decide", decide, methods=["POST"]),
        Route("/console/documents/{code}/rule/{rule}", edit_form, methods=["GET"]),
        Route("/console/documents/{code}/rule/{rule}", edit_save, methods=["POST"]),
        Route("/console/documents/{code}/condition", add_condition, methods=["POST"]),
        Route("/console/documents/{code}/draft", start_draft, methods=["POST"]),
        Route("/console/documents/{code}/preview", preview_page, methods=["GET"]),
        Route("/console/documents/{code}/publish", publish, methods=["POST"]),
        Route("/console/documents/{code}/restore", restore, methods=["POST"]),
        Route("/console/documents/{code}/validity", validity, methods=["POST"]),
        Route("/console/documents/{code}/export.yaml", export, methods=["GET"]),
    ]
