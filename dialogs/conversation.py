"""One conversation for every channel: every routing decision of a turn, taken once.

A channel (Telegram, the terminal, the phone page, WeChat) turns its platform's message into
`Conversation.on_text` or a pressed button into `Conversation.on_choice`, and renders the
`Reply` it gets back (`dialogs.replies`); it never decides what to say. The order of a
typed turn is the same everywhere:

1. despair first (warmth, 12356, 120 / 110, the city's clause; a later one shorter), and
   the question of an open interview shown again under it;
2. an open interview takes what answers it (a typed age, an option's words, 不清楚, back);
3. the words that start the interview or show a section of the last result;
4. a city named while a question waits for one;
5. everyday sentences (greetings, thanks, feelings, "I'm from Kaifeng"), which may also ask;
6. the search: a question whose answers would mix cities, with no city known, asks for the
   city first (and is answered once it is given); a question answered from one city's
   document without a city known says so; the lead comes from the family's saved situation
   where it may (`Household.saved_answers`); a question about what the family can get ends
   with the offer to check.

The state (`ConversationState`) is one small JSON shape for every channel: chat channels
keep it in storage keyed by channel and user, after consent; the phone page keeps it
signed inside the page. What is not the conversation's own (saved answers, the care
registry, the despair count kept across restarts) comes through a `Household`.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import secrets
from dataclasses import dataclass, field
from typing import Any

from dialogs import check_templates as ct
from dialogs import conversation_templates as cc
from dialogs import interview as iv
from dialogs import templates as tt
from dialogs import web_copy as w
from dialogs.answer_text import answer_blocks, find_answer
from dialogs.distress import DISTRESS_COUNTER, distress_reply, is_distress
from dialogs.intents import looks_like_question, wants_entitlement_check
from dialogs.replies import (
    AnswerHead,
    Care,
    Choice,
    ClauseCard,
    FullText,
    Heading,
    Paragraphs,
    Part,
    Reply,
    Result,
    Review,
    SectionText,
    Step,
)
from dialogs.result_summary import build_view
from dialogs.small_talk import everyday_reply, known_city, other_city_text
from knowledge.catalogue import documents, get_document
from knowledge.clause_search import SearchResult
from knowledge.clauses import clauses_by_id
from knowledge.facts import Profile, ProfileError, parse_profile, today_in_china
from knowledge.money_lead import other_place
from knowledge.rules_schema import rules_published

MAX_TEXT = 500
OTHER_CITY = "other"  # the city question's "none of these" choice
CHANNELS = ("telegram", "terminal", "web", "wechat")
CHECK_WORDS = frozenset({"查看待遇", "看看待遇", "/check", "check", "测一测", "查待遇", "看看我家能享受什么",
                         "查查我家能享受什么"})
SHOW_SECTION = {"看不适用": "not", "不适用": "not", "看收养": "sensitive", "看再生育": "sensitive"}
BACK_WORDS = frozenset({"返回", "上一步", "返回上一步", "回上一步"})
UNKNOWN_WORDS = frozenset({ct.UNKNOWN, "不知道", "不晓得", "不清楚的"})
CONFIRM_WORDS = frozenset({"看结果", "都对", "对的", "都对，看结果"})
STOP_WORDS = frozenset({"不问了", "不填了", "先不填了", "退出", "不做了"})
CHECKLIST_DONE_WORDS = frozenset({ct.CHECKLIST_DONE, ct.CHECKLIST_NONE, "没有", "无", "都不是", "选好了 ✔"})
# A conversation ends after this long without a despairing message: the next one is a first again.
DISTRESS_GAP = dt.timedelta(hours=6)
_PIECES = re.compile(r"[，,。！!；;\s]+")
_HOTLINE = re.compile(r"(?<![0-9])(12356|120|110)(?![0-9])")
log = logging.getLogger("lianxin.conversation")
_QUOTED = ("出处：", "原文：", "（")  # a quoted clause's lines: its figures are not numbers to call


@dataclass
class ConversationState:
    """Everything a conversation needs to go on after a restart or on the next page: the
    city, a question waiting for its city, the interview (with its token, so an older
    interview's buttons are refused), the last result, the despair count and time."""

    city: str | None = None
    waiting: tuple[str, str] | None = None  # (as typed, what to search) until a city is known
    interview: dict[str, Any] | None = None
    token: str | None = None
    for_family: int | None = None  # a contact interviewing on behalf of a registry family
    last_result: dict[str, Any] | None = None  # the finished interview, for its sections
    distress: int = 0
    distress_at: str | None = None
    asked: list[str] = field(default_factory=list)  # interview steps in the order first answered

    def to_json(self) -> dict[str, Any]:
        return {"city": self.city, "waiting": list(self.waiting) if self.waiting else None,
                "interview": self.interview, "token": self.token, "for_family": self.for_family,
                "last_result": self.last_result, "distress": self.distress, "distress_at": self.distress_at,
                "asked": self.asked}

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> ConversationState:
        """A stored or signed state; anything malformed starts a fresh conversation rather
        than failing a family's message."""
        if not isinstance(data, dict):
            return cls()
        state = cls()
        city = data.get("city")
        state.city = city if isinstance(city, str) and city in documents() else None
        waiting = data.get("waiting")
        if isinstance(waiting, list) and len(waiting) == 2 and all(isinstance(w, str) for w in waiting):
            state.waiting = (waiting[0][:MAX_TEXT], waiting[1][:MAX_TEXT])
        for name in ("interview", "last_result"):
            value = data.get(name)
            if isinstance(value, dict) and _interview_or_none(value) is not None:
                setattr(state, name, value)
        token = data.get("token")
        state.token = token if isinstance(token, str) and re.fullmatch(r"[0-9a-f]{6}", token) else None
        if state.interview is not None and state.token is None:
            state.interview = None
        family = data.get("for_family")
        state.for_family = family if isinstance(family, int) and not isinstance(family, bool) else None
        count = data.get("distress")
        state.distress = count if isinstance(count, int) and not isinstance(count, bool) and 0 <= count < 10**6 else 0
        at = data.get("distress_at")
        state.distress_at = at if isinstance(at, str) and len(at) <= 40 else None
        asked = data.get("asked")
        state.asked = [k for k in asked if k in iv.ORDER or k == "jurisdiction"][:40] if isinstance(asked, list) else []
        return state


def _interview_or_none(data: dict[str, Any]) -> iv.InterviewState | None:
    try:
        state = iv.InterviewState.from_json(data)
        if state.jurisdiction is not None:
            state.profile()
        return state
    except (KeyError, TypeError, ValueError, AttributeError, ProfileError):
        return None


@dataclass(frozen=True)
class SavedAnswers:
    """A family's saved answers (kept only with their consent)."""

    jurisdiction: str
    answers: dict[str, Any]
    day: str  # when they were saved, YYYY-MM-DD


class Household:
    """What a conversation may learn or do beyond itself. The default knows nothing and
    keeps nothing (the terminal, an anonymous phone page); Telegram and WeChat give one
    backed by storage and the care registry."""

    private: bool = True  # a group chat: the saved answers never shape a reply there

    async def saved_answers(self) -> SavedAnswers | None:
        return None

    async def save_result(self, state: iv.InterviewState, for_family: int | None, eligible: str,
                          unclear: str) -> str:
        """Keep a finished interview where the family agreed: "saved" (their own record),
        "family" (the registry family a contact interviewed for), or "" (not kept)."""
        return ""

    async def distress_turn(self) -> int | None:
        """Which despairing message this is, counted where a restart keeps it; None: the
        conversation counts it in its own state."""
        return None

    async def offers_visit(self) -> bool:
        """Is this a registry family whose contacts can be asked to come by?"""
        return False

    async def ask_visit(self) -> bool | None:
        """Ask the family's contacts to come by: True asked, False already asked today,
        None not a registry family (any more)."""
        return None

    async def remember_city(self, code: str) -> None:
        """The person told us their city: a channel with accounts keeps it."""


NO_HOUSEHOLD = Household()


def hotline_calls(lines: list[str] | tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """The numbers a reply asks the person to call, in the order it names them, each once,
    with what the number is for (a page shows them first, as big buttons)."""
    found: list[str] = []
    for line in lines:
        if not line.startswith(_QUOTED):
            found += [n for n in _HOTLINE.findall(line) if n not in found]
    return tuple((n, w.CALL_LABELS.get(n, "")) for n in found)


def _paragraphs(text: str) -> Paragraphs:
    return Paragraphs(tuple(text.splitlines()))


def _mixes_cities(result: SearchResult) -> bool:
    """Answered from more than one city's document, with no city asked for."""
    return result.answered and result.jurisdiction is None and len({h.clause.doc for h in result.hits}) > 1


def answer_parts(question: str, result: SearchResult, profile: Profile | None = None) -> list[Part]:
    """The answer as parts: its opening, then one card per clause with its full-text choice."""
    parts: list[Part] = []
    for block in answer_blocks(question, result, profile):
        if block.kind == "clause" and block.clause_id is not None:
            parts.append(ClauseCard(block.clause_id, block.rank, block.lines,
                                    Choice(f"o|{block.clause_id}", cc.BTN_FULL_TEXT.format(n=block.rank))))
        elif block.kind == "elsewhere":
            parts.append(Heading(block.text))
        else:
            parts.append(AnswerHead(block.lines))
    return parts


def full_text(clause_id: str) -> FullText | None:
    """The whole clause with its document, number, path and date or draft status."""
    clause = clauses_by_id().get(clause_id)
    if clause is None or not clause.answerable:
        return None
    doc = get_document(clause.doc)
    head = f"{doc.name}《{doc.title}》\n{doc.number or tt.NO_NUMBER} {clause.path}"
    status = cc.DRAFT_STATUS if doc.is_draft else cc.ISSUED_STATUS.format(date=doc.date_label)
    return FullText(clause.id, head, status, clause.text)


class Conversation:
    """One person's conversation on one channel. `state` is changed in place; the channel
    stores it (or signs it into the page) after each turn."""

    def __init__(self, state: ConversationState, channel: str, household: Household = NO_HOUSEHOLD,
                 now: dt.datetime | None = None) -> None:
        if channel not in CHANNELS:
            raise ValueError(f"unknown channel {channel!r}")
        self.state = state
        self.channel = channel
        self.household = household
        self.now = now or dt.datetime.now(dt.UTC)

    def _copy(self, table: dict[str, str]) -> str:
        return table.get(self.channel, table["default"])

    def _reply(self, parts: list[Part] | None = None, choices: list[Choice] | None = None, **kw: Any) -> Reply:
        return Reply(parts or [], choices or [], city=self.state.city, **kw)

    def _expired(self) -> Reply:
        return self._reply(refusal=self._copy(cc.EXPIRED))

    # --- typed messages ---------------------------------------------------------------
    async def on_text(self, text: str) -> Reply:
        text = text.strip()
        notice: list[Part] = []
        if len(text) > MAX_TEXT:
            notice.append(Paragraphs((cc.TOO_LONG.format(n=MAX_TEXT),)))
            text = text[:MAX_TEXT]
        if not text:
            return self._reply()
        if is_distress(text):
            return await self._distress()
        interview = self._interview()
        if interview is not None:
            taken = await self._typed_into_interview(interview, text)
            if taken is not None:  # a typed word has no button to flash a note on: say it
                if taken.refusal and not taken.parts:
                    taken.parts.append(Paragraphs((taken.refusal,)))
                    taken.refusal = None
                return taken
        if text.lower() in CHECK_WORDS:
            return await self.start_check()
        if self._ends_asking_to_check(text):  # "我是开封的，查待遇", "你好，查待遇": the interview
            said_city = self._city_before_check(text)
            if said_city is not None:
                await self._set_city(said_city)
            return await self.start_check()
        if text in SHOW_SECTION:
            return await self._section(SHOW_SECTION[text])
        if self.state.waiting and (code := known_city(text.strip("。，！ "))):
            return await self._city_given(code)
        if interview is not None and iv.next_question(interview) is not None and not self._worth_answering(text):
            step = self._step_reply(interview)  # "狗", "99": not an answer, not a question
            step.parts.insert(0, Paragraphs((self._copy(cc.BAD_CHOICE),)))
            step.step = False
            return step
        reply = await self._free_text(text)
        reply.parts[:0] = notice
        if interview is not None and iv.next_question(interview) is not None:
            step = self._step_reply(interview, cc.MID_INTERVIEW)  # where the interview stands
            reply.parts += step.parts
            reply.choices += step.choices
        return reply

    @staticmethod
    def _ends_asking_to_check(text: str) -> bool:
        pieces = [p for p in _PIECES.split(text) if p]
        return len(pieces) >= 2 and pieces[-1].lower() in CHECK_WORDS

    def _city_before_check(self, text: str) -> str | None:
        """The city said before asking to check ("我是开封的，查待遇", "开封 查待遇")."""
        place = "，".join([p for p in _PIECES.split(text) if p][:-1])
        told = everyday_reply(place, self.channel, self.state.city)
        return known_city(place) or (told.jurisdiction if told is not None else None)

    def _worth_answering(self, text: str) -> bool:
        """Mid-interview, is a message that answers nothing a question to answer (or an
        everyday sentence), rather than a mistyped choice?"""
        core = re.sub(r"[\W\d_]", "", text)
        return looks_like_question(text) or len(core) >= 6 or everyday_reply(text, "web", self.state.city) is not None

    async def _distress(self) -> Reply:
        nth = await self.household.distress_turn()
        if nth is None:
            nth = self._count_distress()
        count = DISTRESS_COUNTER.record()
        log.info("distress message answered (%d since start)", count)  # a counter, never the text
        care = distress_reply(self.state.city, nth).splitlines()
        parts: list[Part] = [Care(tuple(care), hotline_calls(care))]
        choices: list[Choice] = []
        if self.household.private and await self.household.offers_visit():
            parts.append(Paragraphs((cc.DISTRESS_OFFER_VISIT,)))
            choices.append(Choice("s|go", cc.BTN_ASK_VISIT))
        interview = self._interview()
        if interview is not None and iv.next_question(interview) is not None:
            step = self._step_reply(interview)  # never "没看懂" to someone in despair, even mid-interview
            parts += step.parts
            choices += step.choices
        return self._reply(parts, choices)

    def _count_distress(self) -> int:
        last = None
        if self.state.distress_at:
            try:
                last = dt.datetime.fromisoformat(self.state.distress_at)
            except ValueError:
                last = None
        recent = last is not None and last.tzinfo is not None and self.now - last < DISTRESS_GAP
        self.state.distress = self.state.distress + 1 if recent else 1
        self.state.distress_at = self.now.isoformat(timespec="seconds")
        return self.state.distress

    async def _free_text(self, text: str) -> Reply:
        parts: list[Part] = []
        everyday = everyday_reply(text, "console" if self.channel == "terminal" else self.channel, self.state.city)
        query = text
        if everyday is not None:
            said = everyday.text
            offer: list[Choice] = []
            if everyday.kind == "how":
                said = cc.HOW_TO_USE.format(check_hint=_check_hint(self.channel))
                offer.append(Choice("x|check", cc.BTN_START_CHECK))  # the way to start, one tap away
            parts.append(_paragraphs(said))
            if everyday.jurisdiction:
                await self._set_city(everyday.jurisdiction)
            if everyday.search_query is None:
                return self._reply(parts, offer)
            query = everyday.search_query
        answer = await self._answer(text, query)
        answer.parts[:0] = parts
        return answer

    async def _answer(self, question: str, query: str, ask_city: bool = True) -> Reply:
        city = self.state.city
        result = find_answer(question, city, query)
        # a question naming a place we do not cover (郑州) is told so at once, not asked for a city
        if ask_city and result.jurisdiction is None and not city and _mixes_cities(result) \
                and other_place(question) is None:
            self.state.waiting = (question, query)
            known = "、".join(d.name for d in documents().values())
            choices = [Choice(f"w|{d.code}", d.name) for d in documents().values()]
            choices.append(Choice(f"w|{OTHER_CITY}", cc.BTN_CITY_OTHER))  # then the note and references
            return self._reply([Paragraphs((cc.ASK_CITY.format(known=known),))], choices)
        parts: list[Part] = []
        if result.answered and result.jurisdiction is None and not city:
            parts.append(Paragraphs((cc.NO_CITY_NOTE,)))  # never another city's rules without saying so
        if result.jurisdiction and result.jurisdiction != city:
            await self._set_city(result.jurisdiction)
        profile = await self._saved_profile()
        parts += answer_parts(question, result, profile)
        choices = [p.full_text for p in parts if isinstance(p, ClauseCard)]
        if wants_entitlement_check(question):
            parts.append(Paragraphs((cc.OFFER_CHECK,)))
            choices.append(Choice("x|check", cc.BTN_START_CHECK))
        return self._reply(parts, choices)

    async def _saved_profile(self) -> Profile | None:
        """The family's own situation, for the "按您填的情况" lead: the interview finished in
        this conversation (every channel, even an anonymous page), else the answers they
        saved; never in a group."""
        if not self.household.private:
            return None
        finished = _interview_or_none(self.state.last_result) if self.state.last_result else None
        if finished is not None:
            try:
                return finished.profile()
            except (ProfileError, TypeError, ValueError, AssertionError):
                pass
        saved = await self.household.saved_answers()
        if saved is None:
            return None
        try:
            return parse_profile({**saved.answers, "jurisdiction": saved.jurisdiction})
        except (ProfileError, TypeError, ValueError):
            return None

    async def _set_city(self, code: str) -> None:
        if code != self.state.city:
            self.state.city = code
            await self.household.remember_city(code)

    async def _city_given(self, code: str) -> Reply:
        await self._set_city(code)
        said: list[Part] = [Paragraphs((cc.CITY_SET.format(city=documents()[code].name),))]
        if self.state.waiting is None:
            return self._reply(said)
        question, query = self.state.waiting
        self.state.waiting = None
        answer = await self._answer(question, query)
        answer.parts[:0] = said
        return answer

    # --- presses ----------------------------------------------------------------------
    async def on_choice(self, choice_id: str) -> Reply:
        kind, _, rest = choice_id.partition("|")
        fields = rest.split("|") if rest else []
        if kind == "o" and len(fields) == 1:
            text = full_text(fields[0])
            return self._reply([text]) if text else self._expired()
        if choice_id == "x|check":
            return await self.start_check()
        if choice_id == "x|review":
            return self._review_last()
        if kind == "w" and len(fields) == 1 and fields[0] in documents():
            return await self._city_given(fields[0])
        if choice_id == f"w|{OTHER_CITY}" and self.state.waiting is not None:
            question, query = self.state.waiting  # none of ours: other cities' rules, said to be only that
            self.state.waiting = None
            return await self._answer(question, query, ask_city=False)
        if kind == "c" and fields:
            return await self._interview_press(fields)
        if choice_id == "e|fresh":
            return await self.start_check(fresh=True)
        if choice_id == "e|last":
            return await self._saved_result()
        if kind == "e" and len(fields) == 1:
            return await self._section(fields[0], pressed=True)
        if choice_id == "s|go":
            asked = await self.household.ask_visit()
            if asked is None:
                return self._expired()
            return self._reply([Paragraphs((cc.DISTRESS_VISIT_ASKED if asked else cc.DISTRESS_VISIT_ALREADY,))])
        return self._expired()

    # --- the interview ----------------------------------------------------------------
    def _interview(self) -> iv.InterviewState | None:
        if self.state.interview is None:
            return None
        return _interview_or_none(self.state.interview)

    def _keep(self, interview: iv.InterviewState) -> None:
        self.state.interview = interview.to_json()
        self.state.asked += [s.key for s in interview.steps if s.key not in self.state.asked]

    async def start_check(self, fresh: bool = False, for_family: tuple[int, str] | None = None,
                          resume: bool = True) -> Reply:
        """Start the interview (or go on with the one open); a family with saved answers is
        first offered their last result. `for_family`: a contact interviewing on behalf of
        a registry family (id, city), who agreed in person."""
        if not self.household.private:  # a group must not see a family's answers
            return self._reply([Paragraphs((cc.CHECK_PRIVATE_ONLY,))])
        interview = self._interview() if resume and for_family is None and not fresh else None
        if interview is not None:
            return self._step_reply(interview, cc.CHECK_RESUMED if interview.steps else ct.INTRO)
        if for_family is None and not fresh and self.household.private:
            saved = await self.household.saved_answers()
            if saved is not None and saved.answers:
                return self._reply([Paragraphs((ct.SAVED_OFFER.format(day=saved.day),))],
                                   [Choice("e|last", ct.BTN_USE_SAVED), Choice("e|fresh", ct.BTN_START_OVER)])
        city = for_family[1] if for_family else self.state.city
        if city is not None and not rules_published(city):
            return self._reply([Paragraphs((cc.CHECK_UNDER_REVIEW.format(city=get_document(city).name),))],
                               ended=True)
        interview = iv.start(city, today_in_china())
        self.state.token = secrets.token_hex(3)
        self.state.asked = []
        self.state.for_family = for_family[0] if for_family else None
        self._keep(interview)
        return self._step_reply(interview, ct.INTRO)

    def _step_reply(self, interview: iv.InterviewState, intro: str | None = None) -> Reply:
        """The question where the interview stands (or the answers to confirm), with its choices."""
        token = self.state.token or ""
        question = iv.next_question(interview)
        if question is None:
            rows = self._review_rows(interview)
            choices = [Choice(f"c|{token}|y", cc.BTN_CONFIRM)]
            choices += [Choice(f"c|{token}|s|{index}", cc.BTN_CHANGE.format(what=what)[:40])
                        for index, what, _ in rows]
            review = Review(rows, ct.SUMMARY_HEADER, ct.SUMMARY_PROMPT)
            parts: list[Part] = [Paragraphs((intro,)), review] if intro else [review]
            return self._reply(parts, choices, step=True)
        choices = []
        for option in question.options:
            if option.id == iv.UNKNOWN_ID:
                continue
            if question.multi:
                choices.append(Choice(f"c|{token}|t|{option.id}", option.label))
            else:
                choices.append(Choice(f"c|{token}|a|{question.key}.{option.id}", option.label))
        if question.multi:
            choices.append(Choice(f"c|{token}|d", cc.BTN_DONE, "done"))
        if question.key != "jurisdiction":
            choices.append(Choice(f"c|{token}|a|{question.key}.{iv.UNKNOWN_ID}", cc.BTN_UNKNOWN, "unknown"))
        if interview.steps:  # on the first question there is nothing to go back to: no button that does nothing
            choices.append(Choice(f"c|{token}|b", cc.BTN_BACK, "back"))
        step = Step(question, iv.progress(interview), question.text, intro, tuple(interview.pending),
                    question.age_fact is not None, bool(interview.steps))
        return self._reply([step], choices, step=True)

    def _review_rows(self, interview: iv.InterviewState) -> tuple[tuple[int, str, str], ...]:
        """The answers, listed where each was first given: a changed answer is recorded last,
        but "改第3条" after changing the 2nd must still change what was shown as 3."""
        place = {key: i for i, key in enumerate(self.state.asked)}
        return tuple(sorted(iv.summary(interview),
                            key=lambda row: place.get(interview.steps[row[0]].key, len(place))))

    def _review_last(self) -> Reply:
        """From the last result back to its answers (all kept), to change one and see the
        result again: the finished interview opens again under a new token."""
        interview = _interview_or_none(self.state.last_result) if self.state.last_result else None
        if interview is None or self.state.interview is not None:
            return self._expired()
        interview.confirmed = False
        self.state.token = secrets.token_hex(3)
        self._keep(interview)
        return self._step_reply(interview)

    def last_answers(self) -> tuple[Review, Result] | None:
        """The last result and the answers it was given (for a page to print), or None."""
        interview = _interview_or_none(self.state.last_result) if self.state.last_result else None
        if interview is None or not iv.finished(interview):
            return None
        assessment = iv.result(interview)
        return (Review(self._review_rows(interview), ct.SUMMARY_HEADER, ct.SUMMARY_PROMPT),
                Result(build_view(assessment), assessment))

    async def _interview_press(self, fields: list[str]) -> Reply:
        interview = self._interview()
        if interview is None or fields[0] != self.state.token:
            return self._expired()
        action, args = fields[1] if len(fields) > 1 else "", fields[2:]
        question = iv.next_question(interview)
        ok = True
        if action == "a" and question is not None and len(args) == 1:
            key, _, option_id = args[0].partition(".")
            if key != question.key:
                return self._reply(refusal=cc.ALREADY_ANSWERED)
            if iv.is_other_place(question, option_id):
                return self._other_place()
            ok = iv.answer(interview, question, option_id)
        elif action == "t" and question is not None and len(args) == 1:
            ok = iv.toggle(interview, question, args[0])
        elif action == "d" and question is not None and len(args) <= 1:
            ticked = [t for t in args[0].split(".") if t] if args else None
            ok = iv.finish_checklist(interview, question, ticked)
        elif action == "n" and question is not None and len(args) == 1:
            if not iv.answer_age(interview, question, args[0]):
                self._keep(interview)
                reply = self._step_reply(interview)
                reply.parts.insert(0, Paragraphs((cc.BAD_AGE,)))
                return reply
        elif action == "b" and not args:
            if not iv.back(interview):  # back on the first question: nothing to undo, the button is fine
                return self._reply(refusal=ct.FIRST_QUESTION)
        elif action == "s" and len(args) == 1 and args[0].isdigit() and question is None:
            ok = iv.change(interview, int(args[0]))
        elif action == "r" and not args and question is None:  # from the result back to the answers
            interview.confirmed = False
        elif action == "y" and not args and question is None:
            return await self._finish(interview)
        elif action == "q" and not args:  # the family stops the interview: nothing of it is kept
            self.state.interview, self.state.token, self.state.for_family = None, None, None
            return self._reply([Paragraphs((ct.CONSOLE_BYE,))], ended=True)
        else:
            ok = False
        if not ok:
            return self._expired()
        if interview.jurisdiction and self.state.for_family is None:
            await self._set_city(interview.jurisdiction)  # the city answered in the interview is the family's
        self._keep(interview)
        return self._step_reply(interview)

    async def _typed_into_interview(self, interview: iv.InterviewState, text: str) -> Reply | None:
        """Typed words that answer the open question: an age, 不清楚, back, an option's own
        words (all of it, or part of exactly one option), 看结果 at the summary. None: the
        message is something else (a question asked mid-interview is answered as one)."""
        question = iv.next_question(interview)
        token = self.state.token or ""
        words = text.strip("。，！!？? ")
        if words in BACK_WORDS:
            return await self._interview_press([token, "b"])
        if words in STOP_WORDS:
            return await self._interview_press([token, "q"])
        if question is None:
            return await self._interview_press([token, "y"]) if words in CONFIRM_WORDS else None
        if words in UNKNOWN_WORDS and question.key != "jurisdiction":
            return await self._interview_press([token, "a", f"{question.key}.{iv.UNKNOWN_ID}"])
        if question.age_fact is not None:
            if iv.typed_age(words) is not None and iv.answer_age(interview, question, words):
                self._keep(interview)
                return self._step_reply(interview)
            if words.removesuffix("周岁").removesuffix("岁").strip().isdigit():  # "²", 5,000 digits: ask again
                again = self._step_reply(interview)
                again.parts.insert(0, Paragraphs((cc.BAD_AGE,)))
                return again
        if question.multi:
            if words in CHECKLIST_DONE_WORDS:  # the ticks so far (none when "都没有")
                return await self._interview_press([token, "d"] if words == ct.CHECKLIST_DONE else [token, "d", ""])
            return None
        labels = [o for o in question.options if o.id != iv.UNKNOWN_ID]
        chosen = next((o for o in labels if o.label == words), None)
        if chosen is None and len(words) >= 2:
            partial = [o for o in labels if words in o.label]
            chosen = partial[0] if len(partial) == 1 else None
        if chosen is None:
            return None
        return await self._interview_press([token, "a", f"{question.key}.{chosen.id}"])

    def _other_place(self) -> Reply:
        self.state.interview, self.state.token = None, None
        return self._reply([_paragraphs(other_city_text(cc.YOUR_PLACE, None))], ended=True)

    async def _finish(self, interview: iv.InterviewState) -> Reply:
        """The result: summary first, a choice per section; kept only where agreed."""
        interview.confirmed = True
        assessment = iv.result(interview)
        view = build_view(assessment)
        eligible = "、".join(o.rule.title for o in assessment.outcomes if o.status == "eligible")
        unclear = "、".join(o.rule.title for o in assessment.outcomes if o.status == "unknown")
        kept = await self.household.save_result(interview, self.state.for_family, eligible, unclear)
        note = cc.VISIT_CHECK_SAVED if kept == "family" else self._copy(cc.CHECK_SAVED) if kept == "saved" else ""
        self.state.last_result = interview.to_json()
        self.state.interview, self.state.token, self.state.for_family = None, None, None
        choices = section_choices(view)
        # the way back to the answers, to change one and see the result again (every channel:
        # on a page the result replaces them, in a chat they are far above)
        choices.append(Choice("x|review", w.CHECK_CHANGE, "back"))
        return self._reply([Result(view, assessment, note)], choices)

    async def _saved_result(self) -> Reply:
        saved = await self.household.saved_answers() if self.household.private else None
        interview = _saved_interview(saved) if saved else None
        if interview is None:
            return self._expired()
        self.state.last_result = interview.to_json()
        assessment = iv.result(interview)
        view = build_view(assessment)
        return self._reply([Result(view, assessment)], section_choices(view))

    async def _section(self, key: str, pressed: bool = False) -> Reply:
        interview = _interview_or_none(self.state.last_result) if self.state.last_result else None
        if interview is None and self.household.private:  # after a restart the saved answers still serve
            saved = await self.household.saved_answers()
            interview = _saved_interview(saved) if saved else None
        section = build_view(iv.result(interview)).section(key) if interview is not None else None
        if section is None:
            return self._expired() if pressed else self._reply([Paragraphs((ct.CONSOLE_NO_RESULT,))])
        return self._reply([SectionText(section.key, section.text)])


def _saved_interview(saved: SavedAnswers) -> iv.InterviewState | None:
    """Saved answers as a finished interview (None when saved under older rules)."""
    state = iv.InterviewState(jurisdiction=saved.jurisdiction,
                              steps=[iv.Step(key, {key: value}, "") for key, value in saved.answers.items()])
    state.confirmed = True
    try:
        state.profile()
    except (ProfileError, TypeError, ValueError):
        return None
    return state


def section_choices(view: Any) -> list[Choice]:
    """One choice per topic, then the open items, what does not apply, and the re-birth and
    adoption items (never listed by default)."""
    choices = []
    for section in view.sections:
        if section.key == "open":
            label = ct.BTN_OPEN.format(n=section.count)
        elif section.key == "not":
            label = ct.BTN_NOT.format(n=section.count)
        elif section.key == "sensitive":
            label = ct.BTN_SENSITIVE.format(n=section.count)
        else:
            label = ct.BTN_GROUP.format(heading=section.heading, n=section.count)
        choices.append(Choice(f"e|{section.key}", label))
    return choices


def _check_hint(channel: str) -> str:
    if channel == "telegram":
        return cc.CHECK_HINT_TELEGRAM
    if channel == "terminal":
        return cc.CHECK_HINT_CONSOLE
    return cc.CHECK_HINT_CHOOSE

