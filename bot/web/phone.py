"""The phone page for families: questions with citations, and the guided interview.

This module only renders the conversation (`dialogs.conversation`, channel "web", the same
core as Telegram and the terminal): a typed message goes to `on_text`, a pressed button
posts its choice id to `on_choice`, and the reply's parts are laid out as cards, care with
numbers to call, the city question, interview steps, the answers to confirm and the result.
Every decision (despair first, everyday sentences, the search, the interview) is the core's.

The whole conversation state travels in the page, signed (`bot.web.signing`), so nothing a
family tells us is kept on the server; an edited, foreign or stale state is refused politely
and the family starts again. The question travels only in POST bodies, never in a URL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from starlette.datastructures import FormData
from starlette.endpoints import HTTPEndpoint
from starlette.requests import Request
from starlette.responses import Response

from bot.web.limits import page_form
from bot.web.result_view import print_sections, result_sections
from dialogs import check_templates as ct
from dialogs import web_copy as w
from dialogs.conversation import Conversation, ConversationState, section_choices
from dialogs.replies import Care, Choice, ClauseCard, Part, Reply, Result, Review, Step
from knowledge.catalogue import UnknownJurisdiction, load_catalogue, resolve_jurisdiction
from knowledge.facts import today_in_china

MAX_QUESTION = 200  # the question box's own limit (the conversation reads up to 500)
MAX_CHOICE = 200  # a posted choice id (the core's own are <= 64 bytes; a composed checklist a little more)
_TICK = re.compile(r"[A-Za-z0-9_]{1,20}")  # a checklist option id
_AGE = re.compile(r"c\|[0-9a-f]{0,12}\|n")  # the age field's button: the typed age goes after it
_DONE = re.compile(r"c\|[0-9a-f]{0,12}\|d")  # a checklist's 选好了: the ticked boxes go after it
NO_STORE = {"Cache-Control": "no-store"}  # what was asked or answered is not kept in the browser's cache


def _cities() -> list[tuple[str, str]]:
    return [(d.code, d.name) for d in load_catalogue()]


async def home(request: Request) -> Response:
    return request.app.state.templates.TemplateResponse(request, "home.html", {"w": w})


# --- the reply, laid out ------------------------------------------------------------------

@dataclass
class StepView:
    """An interview question's buttons: its options (or checklist rows), 不清楚, back, done,
    and the choice a typed age is sent with."""

    step: Step
    options: list[Choice] = field(default_factory=list)
    ticks: list[tuple[str, str, bool]] = field(default_factory=list)  # (option id, label, ticked)
    done: Choice | None = None
    unknown: Choice | None = None
    back: Choice | None = None
    age: str | None = None  # the choice id a typed age is appended to


@dataclass
class ReviewView:
    review: Review
    rows: list[tuple[str, str, Choice | None]]  # (what was asked, the answer, the choice that changes it)
    confirm: Choice | None


@dataclass
class Screen:
    """A reply as the page shows it: the numbers to call first, then each part in order
    (with its own buttons), then the reply's other choices as big buttons."""

    calls: list[tuple[str, str]]
    items: list[tuple[Part, Any]]  # (part, its layout: StepView, ReviewView, WebResult or None)
    choices: list[Choice]
    note: str | None = None  # a refusal or the expired line
    interview: bool = False  # a question, the answers or the result is shown
    result: bool = False

    @property
    def shown(self) -> bool:
        return bool(self.items or self.choices or self.note)


def screen_of(reply: Reply | None, token: str | None, note: str | None = None) -> Screen:
    """Lay a reply out. Interview choices (`c|…`) go with their question or answers; a clause
    card's full-text choice with its card; a result's section choices are its sections
    already (shown as topics to open); every other choice is a big button after the parts."""
    if reply is None:
        return Screen([], [], [], note)
    by_id = {c.id: c for c in reply.choices}
    interview = [c for c in reply.choices if c.id.startswith("c|")]
    taken = {c.id for c in interview}
    items: list[tuple[Part, Any]] = []
    calls: list[tuple[str, str]] = []
    for part in reply.parts:
        layout: Any = None
        if isinstance(part, Care):
            calls += [call for call in part.calls if call not in calls]
        elif isinstance(part, ClauseCard):
            taken.add(part.full_text.id)
        elif isinstance(part, Step):
            layout = _step_view(part, interview, token)
        elif isinstance(part, Review):
            layout = ReviewView(part, [(what, answer, by_id.get(f"c|{token}|s|{index}"))
                                       for index, what, answer in part.rows], by_id.get(f"c|{token}|y"))
        elif isinstance(part, Result):
            layout = result_sections(part.view)
            taken |= {c.id for c in section_choices(part.view)}
        items.append((part, layout))
    rest = [c for c in reply.choices if c.id not in taken]
    shown_interview = any(isinstance(p, Step | Review | Result) for p in reply.parts)
    return Screen(calls, items, rest, note or (reply.refusal if not reply.parts else None), shown_interview,
                  any(isinstance(p, Result) for p in reply.parts))


def _step_view(step: Step, choices: list[Choice], token: str | None) -> StepView:
    view = StepView(step, age=f"c|{token}|n" if step.typed_age and token else None)
    for choice in choices:
        if choice.role == "unknown":
            view.unknown = choice
        elif choice.role == "back":
            view.back = choice if step.can_back else None  # nothing to go back to on the first question
        elif choice.role == "done":
            view.done = choice
        elif step.question.multi:
            option = choice.id.rsplit("|", 1)[1]
            view.ticks.append((option, choice.label, option in step.ticked))
        else:
            view.options.append(choice)
    return view


# --- the state in the page ----------------------------------------------------------------

def _city(value: str) -> str | None:
    try:
        return resolve_jurisdiction(value) if value else None
    except UnknownJurisdiction:
        return None


def _state(request: Request, form: FormData) -> ConversationState | None:
    """The conversation the page carries, or None when it is missing, edited or foreign."""
    data = request.app.state.signer.verify(str(form.get("state", "")))
    return ConversationState.from_json(data) if data is not None else None


def _pressed(form: FormData) -> str:
    """The choice a button posted; a typed age and a checklist's ticks go with theirs (as
    the terminal composes them from typed numbers)."""
    choice = str(form.get("choice", ""))[:MAX_CHOICE]
    if _AGE.fullmatch(choice):
        return f"{choice}|" + str(form.get("age", "")).replace("|", "").strip()[:20]
    if _DONE.fullmatch(choice):
        ticked = [str(v) for v in form.getlist("ticked")][:40]
        return f"{choice}|" + ".".join(t for t in ticked if _TICK.fullmatch(t))
    return choice


async def _turn(conversation: Conversation, form: FormData) -> Reply | None:
    """One typed message or one press (a press wins: its form may carry the question shown)."""
    choice = _pressed(form)
    if choice:
        return await conversation.on_choice(choice)
    text = str(form.get("q", "")).strip()[:MAX_QUESTION]
    return await conversation.on_text(text) if text else None


def _render(request: Request, template: str, conversation: Conversation, screen: Screen,
            question: str = "") -> Response:
    state = conversation.state
    context = {"w": w, "t": ct, "screen": screen, "state": request.app.state.signer.sign(state.to_json()),
               "action": "/check" if template == "check.html" else "/ask",
               "question": question, "cities": _cities(), "city": state.city,
               "open_interview": state.interview is not None}
    return request.app.state.templates.TemplateResponse(request, template, context, headers=NO_STORE)


# --- /ask -----------------------------------------------------------------------------------

class ask_page(HTTPEndpoint):  # a class: the route in app.py then takes GET and POST
    """/ask: GET shows the empty form; the question comes only in a POST body and its answer
    is rendered from that POST, so "活着没意思" never reaches an address bar, the browser's
    history, a server or proxy log (they log URLs) or a Referer. A `q` in a URL (an old
    bookmark) is ignored, never answered: answering it would keep it in the history."""

    async def get(self, request: Request) -> Response:
        state = ConversationState(city=_city(request.query_params.get("city", "")))
        return _render(request, "ask.html", Conversation(state, "web"), screen_of(None, None))

    async def post(self, request: Request) -> Response:
        form = await request.form(max_files=0, max_fields=8)
        state = _state(request, form)
        pressed = bool(form.get("choice"))
        if state is None and pressed:  # a button of a page that can no longer be trusted: start again
            conversation = Conversation(ConversationState(), "web")
            return _render(request, "ask.html", conversation, screen_of(None, None, w.CHECK_EXPIRED))
        state = state or ConversationState()  # a typed message is answered whatever the page carried
        if not pressed and "city" in form:  # the city chosen on the page, "不限地方" included
            state.city = _city(str(form.get("city", "")))
        question = str(form.get("q", "")).strip()[:MAX_QUESTION] or (state.waiting[0] if state.waiting else "")
        conversation = Conversation(state, "web")
        reply = await _turn(conversation, form)
        screen = screen_of(reply, state.token)
        if screen.interview:  # 看看我家能享受什么: the interview's own page from here on
            return _render(request, "check.html", conversation, screen)
        return _render(request, "ask.html", conversation, screen, question)


# --- /check ---------------------------------------------------------------------------------

async def check_start(request: Request) -> Response:
    conversation = Conversation(ConversationState(), "web")
    reply = await conversation.start_check()
    return _render(request, "check.html", conversation, screen_of(reply, conversation.state.token))


async def check_step(request: Request) -> Response:
    form = await page_form(request)
    state = _state(request, form)
    conversation = Conversation(state or ConversationState(), "web")
    if state is None:  # edited, foreign, or from before a restart without WEB_STATE_KEY: start again
        text = str(form.get("q", "")).strip()[:MAX_QUESTION]  # a typed message is still answered (despair first)
        fresh = await (conversation.on_text(text) if text and not form.get("choice") else conversation.start_check())
        return _render(request, "check.html", conversation,
                       screen_of(fresh, conversation.state.token, w.CHECK_EXPIRED))
    reply = await _turn(conversation, form)
    if reply is not None and not (reply.refusal and not reply.parts):
        return _render(request, "check.html", conversation, screen_of(reply, conversation.state.token))
    # an old or replayed button (the core's polite refusal), or nothing pressed: where the interview stands
    note = reply.refusal if reply is not None else None
    where = await conversation.start_check()
    return _render(request, "check.html", conversation, screen_of(where, conversation.state.token, note))


async def check_print(request: Request) -> Response:
    form = await page_form(request)
    state = _state(request, form)
    conversation = Conversation(state or ConversationState(), "web")
    answers = conversation.last_answers() if state is not None else None
    if answers is None:
        reply = await conversation.start_check()
        return _render(request, "check.html", conversation,
                       screen_of(reply, conversation.state.token, w.CHECK_EXPIRED))
    review, result = answers
    sections = print_sections(result.assessment, today_in_china())
    return request.app.state.templates.TemplateResponse(
        request, "print.html", {"w": w, "t": ct, "rows": review.rows, **sections}, headers=NO_STORE)

