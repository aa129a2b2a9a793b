"""The phone page for families: questions with citations, and the guided interview.

The interview is `dialogs.interview` unchanged: one question per screen, big buttons,
不清楚, back, and the summary to change one answer. Its state travels in the page, signed
(`bot.web.signing`), so nothing a family tells us is kept on the server."""

from __future__ import annotations

from typing import Any

from starlette.endpoints import HTTPEndpoint
from starlette.requests import Request
from starlette.responses import Response

from bot.web.free_text import MAX_QUESTION, free_text_reply
from bot.web.limits import page_form
from dialogs import check_templates as ct
from dialogs import interview as iv
from dialogs import web_copy as w
from knowledge.catalogue import UnknownJurisdiction, load_catalogue, resolve_jurisdiction
from knowledge.facts import today_in_china


def _cities() -> list[tuple[str, str]]:
    return [(d.code, d.name) for d in load_catalogue()]


async def home(request: Request) -> Response:
    return request.app.state.templates.TemplateResponse(request, "home.html", {"w": w})


NO_STORE = {"Cache-Control": "no-store"}  # what was asked or answered is not kept in the browser's cache


class ask_page(HTTPEndpoint):  # a class: the route in app.py then takes GET and POST
    """/ask: GET shows the empty form; the question comes only in a POST body and its answer
    is rendered from that POST, so "活着没意思" never reaches an address bar, the browser's
    history, a server or proxy log (they log URLs) or a Referer. A `q` in a URL (an old
    bookmark) is ignored, never answered: answering it would keep it in the history."""

    async def get(self, request: Request) -> Response:
        return _ask_response(request, "", _city(request.query_params.get("city", "")))

    async def post(self, request: Request) -> Response:
        form = await request.form(max_files=0, max_fields=8)
        question = str(form.get("q", "")).strip()[:MAX_QUESTION]
        care = request.app.state.signer.verify(str(form.get("care", ""))) or {}
        earlier = care.get("distress", 0) if isinstance(care.get("distress", 0), int) else 0
        return _ask_response(request, question, _city(str(form.get("city", ""))), earlier)


def _city(value: str) -> str | None:
    try:
        return resolve_jurisdiction(value) if value else None
    except UnknownJurisdiction:
        return None


def _ask_response(request: Request, question: str, jurisdiction: str | None, earlier: int = 0) -> Response:
    """`earlier`: despairing messages this page has already answered (a count carried in the
    page itself, signed; never the words): a second one gets the shorter, warmer reply."""
    reply = free_text_reply(question, jurisdiction, earlier + 1) if question else None
    seen = earlier + (1 if reply is not None and reply.kind == "distress" else 0)
    care = request.app.state.signer.sign({"distress": seen}) if seen else ""
    return request.app.state.templates.TemplateResponse(
        request, "ask.html", {"w": w, "question": question, "cities": _cities(), "reply": reply, "care": care,
                              "city": reply.jurisdiction if reply else jurisdiction}, headers=NO_STORE)


def _screen(request: Request, state: iv.InterviewState, error: str | None = None) -> Response:
    """The screen for where the interview stands: a question, the summary, or the result."""
    from bot.web.result_view import result_sections

    signer = request.app.state.signer
    context: dict[str, Any] = {"w": w, "t": ct, "token": signer.sign(state.to_json()), "error": error,
                               "can_back": bool(state.steps)}
    question = iv.next_question(state)
    if question is not None:
        context.update(mode="question", question=question, progress=iv.progress(state),
                       unknown_id=iv.UNKNOWN_ID, pending=state.pending)
    elif not state.confirmed:
        context.update(mode="summary", rows=iv.summary(state))
    else:
        context.update(mode="result", result=result_sections(iv.result(state)))
    return request.app.state.templates.TemplateResponse(request, "check.html", context, headers=NO_STORE)


def _state(request: Request, form: Any) -> iv.InterviewState | None:
    data = request.app.state.signer.verify(str(form.get("state", "")))
    if data is None:
        return None
    try:
        return iv.InterviewState.from_json(data)
    except (KeyError, TypeError, ValueError):
        return None


async def check_start(request: Request) -> Response:
    return _screen(request, iv.start())


def _apply(state: iv.InterviewState, form: Any) -> str | None:
    """Apply one press of a button; an error line for the family when it could not be used."""
    action = str(form.get("action", ""))
    question = iv.next_question(state)
    if action == "back":
        iv.back(state)
    elif action == "change" and str(form.get("index", "")).isdigit():
        iv.change(state, int(str(form["index"])))
    elif action == "confirm" and question is None:
        state.confirmed = True
    elif action == "review":  # from the result back to the summary, every answer kept
        state.confirmed = False
    elif question is None:
        return None
    elif action == "answer":
        iv.answer(state, question, str(form.get("option", "")))
    elif action == "checklist":
        iv.finish_checklist(state, question, [str(v) for v in form.getlist("ticked")])
    elif action == "age" and not iv.answer_age(state, question, str(form.get("age", ""))):
        return w.CHECK_BAD_AGE
    return None


async def check_step(request: Request) -> Response:
    form = await page_form(request)
    state = _state(request, form)
    if state is None or str(form.get("action", "")) == "restart":
        expired = state is None and str(form.get("action", "")) != "restart"
        return _screen(request, iv.start(), w.CHECK_EXPIRED if expired else None)
    error = _apply(state, form)
    return _screen(request, state, error)


async def check_print(request: Request) -> Response:
    from bot.web.result_view import print_sections

    form = await page_form(request)
    state = _state(request, form)
    if state is None or not iv.finished(state):
        return _screen(request, iv.start(), w.CHECK_EXPIRED)
    sections = print_sections(iv.result(state), today_in_china())
    return request.app.state.templates.TemplateResponse(
        request, "print.html", {"w": w, "t": ct, "rows": iv.summary(state), **sections}, headers=NO_STORE)
