"""Reply time per channel (issue 24): a typed message and an interview step, on Telegram, the
terminal chat and the phone page, each printed beside a reference timed in the same run.

Why it exists: the channels are moving onto one conversation core (dialogs/conversation.py),
and a family should not wait longer for a reply afterwards. This measures, per channel, the
reply time of (a) free text (FREE_TEXT: a policy question with a city, a greeting, questions
with and without a city, a despairing message, in turn) and (b) an interview step (pressing
an option of the guided interview), as p50 and p99 in ms. Machines differ several-fold in
speed, so every figure is also given as a ratio to a fixed pure-Python loop (REFERENCE_LOOP) timed
before each channel and after the last one in the same run: compare ratios across machines.

Each channel is driven only through its outer interface, so the script keeps working while
the channels' insides are rewritten:
- Telegram: the real application (tests/bot/telegram_harness.py) polling the fake Bot API
  (tests/fake_bot_api.py) on 127.0.0.1, both in this process. A turn runs from queueing the
  update to the last Bot API call the bot makes for that chat (for a tap, its
  answerCallbackQuery too) before it has been quiet for --quiet seconds; "first" is the first
  such call. Calls for a chat that arrive after its window closed are counted as late (then
  --quiet is too short for what the bot does). Users go through /start first, pressing the
  first button of each keyboard until none is offered (as a family would, once); production
  flood control stays on, the per-user rate is raised (a benchmark user types fast).
- Terminal: bot.terminal_chat.run_console(stdin, stdout) in a thread, fed one line at a time;
  a turn runs from handing it the line to the last thing it prints before reading the next.
- Phone page: bot.web.app.create_app(settings=...) through httpx's ASGI transport (lifespan
  run, no sockets); a turn is one request, from sending it to the whole page received. Free
  text fills the text field of the form on the last page (GET /ask first) and submits it
  with the form's other fields as the page set them.

An interview runs in a fresh session (a new Telegram user, a new terminal session, a new web
client) and is started untimed (/check, 查看待遇, GET /check). Then, while the screen is an
interview question (it shows the progress line PROGRESS, "第N个问题", and options), the first
option is pressed: the first inline button with callback data, the first indented number
printed, the first submit button of the page's forms (hidden fields, the form's other fields
and the button's name/value, all parsed from the HTML). When the same question comes back
(a checklist tick), the next option is pressed. A screen that is not a question (the answers
to confirm) ends that interview; the next starts fresh. The result page is never reached.

The first pass over FREE_TEXT and the first interview of each channel are warm-up, not
counted.

    python benchmarks/channel_turns.py [--turns 300] [--quiet 0.15] [--only telegram,terminal,phone-page] [--json]

It reports and never asserts: exit 0, or 1 with the reason when a channel cannot be driven
(its outer interface changed, or it stopped answering).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import math
import platform
import queue
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Protocol, TextIO, cast

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script: the project root first

from bot.settings import load_settings
from bot.terminal_chat import run_console
from bot.web.app import create_app
from tests.bot.telegram_harness import Harness
from tests.fake_bot_api import Call, FakeBotApi

FREE_TEXT = (
    "开封一个月能领多少钱",  # a policy question with a city
    "你好",  # a greeting
    "住院护理补贴每天多少钱",  # a question without a city
    "孩子走了，我也不想活了",  # despair
    "柳州 体检免费吗",  # another city, another topic
)
# An interview question shows its progress, "（第3个问题，共8个）", on every channel.
PROGRESS = re.compile(r"第\s*\d+\s*个问题")
TERMINAL_CHECK = "查看待遇"  # what the terminal's greeting tells people to type
OPTION_LINE = re.compile(r"^\s+(\d+)\s*[.．、:：)）]\s*\S", re.MULTILINE)  # "  1. 孩子已经离世" in the terminal
REFERENCE_LOOP = 200_000
REFERENCE_REPEATS = 15  # before each channel and after the last one
DEFAULT_TURNS = 300
DEFAULT_QUIET_S = 0.15
TURN_TIMEOUT_S = 30.0
MAX_STEPS_PER_INTERVIEW = 40
MAX_ONBOARDING_PRESSES = 6
TELEGRAM_FREE_TEXT_USERS = 8  # coprime with len(FREE_TEXT): every user gets every message in turn
TELEGRAM_ONBOARD_BATCH = 8
FIRST_USER = 20_000
CHANNELS = ("telegram", "terminal", "phone-page")
KINDS = {"free_text": "free text", "interview_step": "interview step"}
WEB_BASE = "http://lianxin.test"
ROOT = Path(__file__).resolve().parents[1]


class BenchError(RuntimeError):
    """A channel could not be driven through its outer interface."""


def percentile(values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile (p99 of 200 samples is the 198th smallest)."""
    ordered = sorted(values)
    rank = max(math.ceil(pct / 100 * len(ordered)) - 1, 0)
    return ordered[rank]


# -- the reference ------------------------------------------------------------------------
def reference_ms() -> float:
    """A fixed pure-Python loop: what this machine does in the same run, whatever the code."""
    start = time.perf_counter_ns()
    total = 0
    for i in range(REFERENCE_LOOP):
        total += i * i % 7
    elapsed = (time.perf_counter_ns() - start) / 1e6
    if total < 0:  # never: keeps the loop's result used
        raise AssertionError
    return elapsed


def time_reference(samples: list[float]) -> None:
    gc.collect()
    samples.extend(reference_ms() for _ in range(REFERENCE_REPEATS))


# -- what a channel shows, and the generic drivers ----------------------------------------
@dataclass
class Screen:
    """What the user sees after a turn: its text and the options offered, in display order
    (each a channel-specific handle for pressing it)."""

    text: str
    options: list[Any] = field(default_factory=list)

    def is_question(self) -> bool:
        return bool(self.options) and PROGRESS.search(self.text) is not None


@dataclass
class Sample:
    ms: float
    label: str = ""  # the message, for free text
    first_ms: float | None = None  # Telegram: the first call of the reply


class Channel(Protocol):
    name: str

    async def free_text(self, text: str) -> Sample: ...

    async def start_interview(self) -> Screen: ...

    async def press(self, screen: Screen, index: int) -> tuple[Sample, Screen]: ...


async def interview(channel: Channel) -> list[Sample]:
    """One interview in a fresh session: press the first option of each question (the next
    one when the same question comes back) until the screen is no longer a question."""
    screen = await channel.start_interview()
    if not screen.is_question():
        raise BenchError(f"{channel.name}: starting the interview showed no question with options "
                         f"(no {PROGRESS.pattern!r} progress line, or no options): {screen.text[:200]!r}")
    samples: list[Sample] = []
    index = 0
    while screen.is_question() and index < len(screen.options) and len(samples) < MAX_STEPS_PER_INTERVIEW:
        sample, after = await channel.press(screen, index)
        samples.append(sample)
        index = index + 1 if after.text == screen.text else 0
        screen = after
    return samples


async def measure(channel: Channel, turns: int) -> dict[str, list[Sample]]:
    free: list[Sample] = []
    for i in range(len(FREE_TEXT) + turns):  # the first pass over FREE_TEXT warms up
        sample = await channel.free_text(FREE_TEXT[i % len(FREE_TEXT)])
        if i >= len(FREE_TEXT):
            free.append(sample)
    await interview(channel)  # warm-up
    steps: list[Sample] = []
    while len(steps) < turns:
        steps.extend(await interview(channel))
    return {"free_text": free, "interview_step": steps[:turns]}


# -- Telegram -----------------------------------------------------------------------------
class TelegramChannel:
    name = "telegram"

    def __init__(self, api: FakeBotApi, quiet: float) -> None:
        self.api = api
        self.quiet = quiet
        self.closed: dict[int, int] = {}  # user -> len(api.calls) when that user's last window closed
        self.late = 0
        self.next_uid = FIRST_USER
        self.fresh: list[int] = []  # users through /start, not yet interviewed
        self.free_users: list[int] = []
        self.turn_no = 0
        self.uid = 0  # the user of the interview under way

    def _count_late(self, uid: int) -> None:
        start = self.closed.get(uid)
        if start is not None:
            self.late += sum(1 for c in self.api.calls[start:] if c.chat_id == uid)

    async def _turn(self, uid: int, inject: Callable[[], object], tap: bool) -> tuple[Sample, list[Call]]:
        self._count_late(uid)
        since = len(self.api.calls)
        start = time.monotonic()  # Call.at is time.monotonic() when the fake server got the call
        inject()
        deadline = start + TURN_TIMEOUT_S
        while True:
            mine = [c for c in self.api.calls[since:]
                    if c.chat_id == uid or (tap and c.method == "answerCallbackQuery")]
            now = time.monotonic()
            if mine and now - mine[-1].at >= self.quiet:
                break
            if now > deadline:
                raise BenchError(f"telegram: no reply to user {uid} within {TURN_TIMEOUT_S:.0f} s")
            await asyncio.sleep(self.quiet - (now - mine[-1].at) if mine else 0.005)
        self.closed[uid] = len(self.api.calls)
        return Sample((mine[-1].at - start) * 1000, first_ms=(mine[0].at - start) * 1000), mine

    @staticmethod
    def _screen(calls: list[Call], before: Screen | None = None) -> Screen:
        """The last message with buttons the reply sent or edited (a keyboard alone edited
        keeps the text the message had)."""
        shown = [c for c in calls if c.method in ("sendMessage", "editMessageText", "editMessageReplyMarkup")]
        keyboard = next((c for c in reversed(shown) if any(data for _, data in c.buttons())), None)
        if keyboard is None:
            return Screen("\n".join(c.text for c in shown))
        options = [(data, keyboard.message_id) for _, data in keyboard.buttons() if data]
        text = keyboard.text
        if keyboard.method == "editMessageReplyMarkup" and before is not None and before.options \
                and before.options[0][1] == keyboard.message_id:
            text = before.text
        return Screen(text, options)

    async def _tap(self, uid: int, option: tuple[str, int | None], tap: bool = True) -> tuple[Sample, list[Call]]:
        data, message_id = option
        return await self._turn(uid, lambda: self.api.tap(uid, data, message_id), tap)

    async def _onboard(self, uid: int) -> None:
        """/start, then the first button of each keyboard until the bot offers none."""
        _, calls = await self._turn(uid, lambda: self.api.send_text(uid, "/start"), tap=False)
        for _ in range(MAX_ONBOARDING_PRESSES):
            screen = self._screen(calls)
            if not screen.options:
                return
            _, calls = await self._tap(uid, screen.options[0], tap=False)

    async def _new_users(self, count: int) -> list[int]:
        users = list(range(self.next_uid, self.next_uid + count))
        self.next_uid += count
        await asyncio.gather(*(self._onboard(uid) for uid in users))  # untimed: concurrently
        return users

    async def free_text(self, text: str) -> Sample:
        if not self.free_users:
            self.free_users = await self._new_users(TELEGRAM_FREE_TEXT_USERS)
        uid = self.free_users[self.turn_no % len(self.free_users)]
        self.turn_no += 1
        sample, _ = await self._turn(uid, lambda: self.api.send_text(uid, text), tap=False)
        sample.label = text
        return sample

    async def start_interview(self) -> Screen:
        if not self.fresh:
            self.fresh = await self._new_users(TELEGRAM_ONBOARD_BATCH)
        self.uid = self.fresh.pop(0)
        _, calls = await self._turn(self.uid, lambda: self.api.send_text(self.uid, "/check"), tap=False)
        return self._screen(calls)

    async def press(self, screen: Screen, index: int) -> tuple[Sample, Screen]:
        sample, calls = await self._tap(self.uid, screen.options[index])
        return sample, self._screen(calls, screen)

    def finish(self) -> None:
        for uid in self.closed:
            self._count_late(uid)
            self.closed[uid] = len(self.api.calls)


@contextlib.asynccontextmanager
async def telegram_channel(quiet: float) -> AsyncIterator[TelegramChannel]:
    api = FakeBotApi().start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            harness = await Harness(api, Path(tmp) / "bench.sqlite3", BOT_USER_RATE_PER_MINUTE=600).start()
            try:
                channel = TelegramChannel(api, quiet)
                yield channel
                await asyncio.sleep(quiet)  # a reply still on its way is counted as late
                channel.finish()
            finally:
                await harness.stop()
    finally:
        api.stop()


# -- the terminal chat ----------------------------------------------------------------------
class _ScriptedStdin:
    """A terminal's input that hands over one line whenever the chat reads one."""

    encoding = "utf-8"

    def __init__(self, next_line: Callable[[], str]) -> None:
        self._next_line = next_line

    def readline(self, size: int = -1) -> str:
        return self._next_line()

    def __iter__(self) -> _ScriptedStdin:
        return self

    def __next__(self) -> str:
        line = self.readline()
        if not line:
            raise StopIteration
        return line

    def isatty(self) -> bool:
        return False


class _Capture:
    """A terminal's output that notes when each piece was printed."""

    encoding = "utf-8"

    def __init__(self, on_write: Callable[[str], None]) -> None:
        self._on_write = on_write

    def write(self, s: str) -> int:
        self._on_write(s)
        return len(s)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


class TerminalSession:
    """run_console in a thread: `say` hands it a line and returns once it asks for the next,
    with the time from handing it over to the last thing it printed, and what it printed."""

    def __init__(self) -> None:
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.turns: queue.Queue[tuple[float, str] | None] = queue.Queue()
        self.printed: list[str] = []
        self.error: BaseException | None = None
        self.started = self.last_write = time.perf_counter()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        self._take("opening the chat")  # the greeting

    def _run(self) -> None:
        try:
            run_console(cast(TextIO, _ScriptedStdin(self._next_line)), cast(TextIO, _Capture(self._write)))
        except BaseException as exc:  # reported by `say` in the driving thread
            self.error = exc
        finally:
            self.turns.put(None)

    def _write(self, s: str) -> None:
        self.printed.append(s)
        self.last_write = time.perf_counter()

    def _next_line(self) -> str:  # in the chat's thread: the previous turn is over
        self.turns.put(((self.last_write - self.started) * 1000, "".join(self.printed)))
        self.printed.clear()
        line = self.lines.get()
        if line is None:
            return ""
        self.started = self.last_write = time.perf_counter()
        return line + "\n"

    def _take(self, what: str) -> tuple[float, str]:
        try:
            turn = self.turns.get(timeout=TURN_TIMEOUT_S)
        except queue.Empty:
            raise BenchError(f"terminal: no reply to {what!r} within {TURN_TIMEOUT_S:.0f} s") from None
        if turn is None:
            raise BenchError(f"terminal: the chat ended at {what!r}" + (f": {self.error!r}" if self.error else ""))
        return turn

    def say(self, line: str) -> tuple[float, str]:
        self.lines.put(line)
        ms, printed = self._take(line)
        if not printed.strip():
            raise BenchError(f"terminal: nothing printed in reply to {line!r}")
        return ms, printed

    def close(self) -> None:
        self.lines.put(None)
        self.thread.join(TURN_TIMEOUT_S)


class TerminalChannel:
    name = "terminal"

    def __init__(self) -> None:
        self.chat: TerminalSession | None = None  # free text: one session throughout
        self.interviewing: TerminalSession | None = None

    @staticmethod
    def _screen(printed: str) -> Screen:
        return Screen(printed, [m.group(1) for m in OPTION_LINE.finditer(printed)])

    async def free_text(self, text: str) -> Sample:
        if self.chat is None:
            self.chat = TerminalSession()
        ms, _ = self.chat.say(text)
        return Sample(ms, label=text)

    async def start_interview(self) -> Screen:
        if self.interviewing is not None:
            self.interviewing.close()
        self.interviewing = TerminalSession()
        return self._screen(self.interviewing.say(TERMINAL_CHECK)[1])

    async def press(self, screen: Screen, index: int) -> tuple[Sample, Screen]:
        if self.interviewing is None:
            raise BenchError("terminal: a press outside an interview")
        ms, printed = self.interviewing.say(screen.options[index])
        return Sample(ms), self._screen(printed)

    def close(self) -> None:
        for session in (self.chat, self.interviewing):
            if session is not None:
                session.close()


# -- the phone page -----------------------------------------------------------------------
@dataclass
class Form:
    action: str
    method: str
    fields: list[tuple[str, str]] = field(default_factory=list)  # what the form sends as the page set it
    text_fields: list[str] = field(default_factory=list)  # names of the fields a person types into
    buttons: list[tuple[str | None, str]] = field(default_factory=list)  # submit buttons: (name, value)


class FormParser(HTMLParser):
    """Every form of a page: its fields with the values the page gave them (hidden inputs,
    text, checked boxes, selected options, textareas) and its submit buttons; and the
    page's visible text."""

    TEXT_TYPES = frozenset({"text", "search", "tel", "number", "email", "url"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.text: list[str] = []
        self._form: Form | None = None
        self._select: tuple[str, list[str], list[str]] | None = None  # name, values, selected values
        self._textarea: tuple[str, list[str]] | None = None
        self._skip = 0  # inside <script> or <style>

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag in ("script", "style"):
            self._skip += 1
        elif tag == "form":
            self._form = Form(a.get("action", ""), a.get("method", "get").lower() or "get")
            self.forms.append(self._form)
        if self._form is None:
            return
        name = a.get("name") or None
        if tag == "input":
            kind = a.get("type", "text").lower() or "text"
            if kind in ("submit", "image"):
                self._form.buttons.append((name, a.get("value", "")))
            elif name is None or "disabled" in a or kind in ("button", "reset", "file"):
                return
            elif kind in ("checkbox", "radio"):
                if "checked" in a:
                    self._form.fields.append((name, a.get("value", "on")))
            else:
                self._form.fields.append((name, a.get("value", "")))
                if kind in self.TEXT_TYPES:
                    self._form.text_fields.append(name)
        elif tag == "button" and a.get("type", "submit").lower() == "submit":
            self._form.buttons.append((name, a.get("value", "")))
        elif tag == "select" and name:
            self._select = (name, [], [])
        elif tag == "option" and self._select is not None:
            self._select[1].append(a.get("value", ""))
            if "selected" in a:
                self._select[2].append(a.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea = (name, [])

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)
        elif tag == "form":
            self._form = None
        elif tag == "select" and self._select is not None and self._form is not None:
            name, values, selected = self._select
            chosen = selected[:1] or values[:1]
            self._form.fields.extend((name, v) for v in chosen)
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            self._form.fields.append((self._textarea[0], "".join(self._textarea[1])))
            self._form.text_fields.append(self._textarea[0])
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea[1].append(data)
        if not self._skip:
            self.text.append(data)


def parse_page(html: str) -> FormParser:
    parser = FormParser()
    parser.feed(html)
    parser.close()
    return parser


def form_data(pairs: Sequence[tuple[str, str]]) -> dict[str, list[str]]:
    data: dict[str, list[str]] = {}
    for name, value in pairs:
        data.setdefault(name, []).append(value)
    return data


class WebChannel:
    name = "phone-page"

    def __init__(self, app: Any) -> None:
        self.transport = httpx.ASGITransport(app=app)
        self.chat = self._client()
        self.ask_form: Form | None = None
        self.interviewing: httpx.AsyncClient | None = None
        self.ask_url = self.check_url = WEB_BASE + "/"  # the page each form was read from

    def _client(self) -> httpx.AsyncClient:  # a fresh client: no cookies, as a new visitor
        return httpx.AsyncClient(transport=self.transport, base_url=WEB_BASE, timeout=TURN_TIMEOUT_S)

    @staticmethod
    async def _submit(client: httpx.AsyncClient, form: Form, base: str,
                      pairs: Sequence[tuple[str, str]]) -> tuple[float, httpx.Response]:
        url = httpx.URL(base).join(form.action or base)
        data = form_data(pairs)
        start = time.perf_counter()
        if form.method == "post":
            response = await client.post(url, data=data)
        else:
            response = await client.get(url, params=data)
        ms = (time.perf_counter() - start) * 1000
        if response.status_code != 200:
            raise BenchError(f"phone page: {form.method.upper()} {url.path} answered {response.status_code}")
        return ms, response

    async def free_text(self, text: str) -> Sample:
        if self.ask_form is None:
            page = await self.chat.get("/ask")
            self.ask_form, self.ask_url = self._ask_form(page.text), str(page.url)
        form = self.ask_form
        typed = form.text_fields[0]
        pairs = [(n, text if n == typed else v) for n, v in form.fields]
        button = form.buttons[0] if form.buttons else (None, "")
        if button[0]:
            pairs.append((button[0], button[1]))
        ms, response = await self._submit(self.chat, form, self.ask_url, pairs)
        self.ask_form, self.ask_url = self._ask_form(response.text, form), str(response.url)
        return Sample(ms, label=text)

    @staticmethod
    def _ask_form(html: str, before: Form | None = None) -> Form:
        """The page's form with a field to type the question into (the answer page has one too)."""
        form = next((f for f in parse_page(html).forms if f.text_fields), before)
        if form is None:
            raise BenchError("phone page: /ask shows no form with a text field to type a question into")
        return form

    @staticmethod
    def _screen(html: str) -> Screen:
        page = parse_page(html)
        options = [(form, button) for form in page.forms for button in form.buttons]
        return Screen(re.sub(r"\s+", " ", "".join(page.text)).strip(), options)

    async def start_interview(self) -> Screen:
        if self.interviewing is not None:
            await self.interviewing.aclose()
        self.interviewing = self._client()
        page = await self.interviewing.get("/check")
        if page.status_code != 200:
            raise BenchError(f"phone page: GET /check answered {page.status_code}")
        self.check_url = str(page.url)
        return self._screen(page.text)

    async def press(self, screen: Screen, index: int) -> tuple[Sample, Screen]:
        if self.interviewing is None:
            raise BenchError("phone page: a press outside an interview")
        form, (name, value) = screen.options[index]
        pairs = [*form.fields, *([(name, value)] if name else [])]
        ms, response = await self._submit(self.interviewing, form, self.check_url, pairs)
        self.check_url = str(response.url)
        return Sample(ms), self._screen(response.text)

    async def close(self) -> None:
        await self.chat.aclose()
        if self.interviewing is not None:
            await self.interviewing.aclose()


# -- running and reporting ----------------------------------------------------------------
async def run_telegram(turns: int, quiet: float) -> tuple[dict[str, list[Sample]], dict[str, Any]]:
    async with telegram_channel(quiet) as channel:
        samples = await measure(channel, turns)
    return samples, {"late_replies": channel.late, "quiet_s": quiet}


def run_terminal(turns: int) -> tuple[dict[str, list[Sample]], dict[str, Any]]:
    channel = TerminalChannel()
    try:
        return asyncio.run(measure(channel, turns)), {}
    finally:
        channel.close()


async def run_web(turns: int, database: Path) -> tuple[dict[str, list[Sample]], dict[str, Any]]:
    settings = load_settings(WEB_STATE_KEY="channel-turns-benchmark-key-0123456789", BOT_DATABASE=database,
                             WEB_API_RATE_PER_MINUTE=1e9)  # one address sends every request
    app = create_app(settings=settings)
    async with app.router.lifespan_context(app):
        channel = WebChannel(app)
        try:
            return await measure(channel, turns), {}
        finally:
            await channel.close()


def summarize(samples: list[Sample], reference_p50: float) -> dict[str, Any]:
    values = [s.ms for s in samples]
    p50, p99 = percentile(values, 50), percentile(values, 99)
    out: dict[str, Any] = {"n": len(values), "p50_ms": p50, "p99_ms": p99, "max_ms": max(values),
                           "p50_ratio": p50 / reference_p50, "p99_ratio": p99 / reference_p50}
    firsts = [s.first_ms for s in samples if s.first_ms is not None]
    if firsts:
        out["first_reply_p50_ms"] = percentile(firsts, 50)
        out["first_reply_p99_ms"] = percentile(firsts, 99)
    by_label: dict[str, list[float]] = {}
    for s in samples:
        if s.label:
            by_label.setdefault(s.label, []).append(s.ms)
    if by_label:
        out["by_message_p50_ms"] = {k: percentile(v, 50) for k, v in by_label.items()}
    return out


def code_version() -> str:
    """The commit measured (+ "-dirty" with uncommitted changes), for before/after files."""
    try:
        done = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=ROOT, capture_output=True,
                              text=True, timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    return done.stdout.strip() or "unknown"


def run(turns: int, quiet: float, only: Sequence[str]) -> dict[str, Any]:
    reference: list[float] = []
    raw: dict[str, tuple[dict[str, list[Sample]], dict[str, Any]]] = {}
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        for name in only:
            time_reference(reference)
            if name == "telegram":
                raw[name] = asyncio.run(run_telegram(turns, quiet))
            elif name == "terminal":
                raw[name] = run_terminal(turns)
            else:
                raw[name] = asyncio.run(run_web(turns, Path(tmp) / "web.sqlite3"))
        time_reference(reference)
    ref_p50 = statistics.median(reference)
    return {
        "code": code_version(),
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "python": platform.python_version(),
        "turns": turns,
        "quiet_s": quiet,
        "reference": {"what": f"a fixed pure-Python loop: {REFERENCE_LOOP:,} x `total += i * i % 7`",
                      "runs": len(reference), "p50_ms": ref_p50, "min_ms": min(reference), "max_ms": max(reference)},
        "channels": {name: {**{kind: summarize(samples[kind], ref_p50) for kind in KINDS}, **extra}
                     for name, (samples, extra) in raw.items()},
        "elapsed_s": time.perf_counter() - started,
    }


def render(report: dict[str, Any]) -> str:
    ref = report["reference"]
    lines = [
        f"Reply time per channel, {report['turns']} turns per line after warm-up; code {report['code']}, "
        f"{report['date']}, Python {report['python']}",
        f"turn: telegram = update queued -> last Bot API call for the chat before {report['quiet_s']:.2f} s of quiet "
        "(fake Bot API in this process); terminal = line handed to run_console -> its last print; "
        "phone-page = request -> whole page (ASGI, no sockets)",
        f"reference: {ref['what']}, p50 {ref['p50_ms']:.2f} ms over {ref['runs']} runs in this run "
        f"(min {ref['min_ms']:.2f}, max {ref['max_ms']:.2f}); ratio = figure / this p50, comparable across machines",
    ]
    for name, channel in report["channels"].items():
        for kind, label in KINDS.items():
            s = channel[kind]
            line = (f"{name:<10} {label:<14} p50 {s['p50_ms']:7.2f} ms ({s['p50_ratio']:5.2f}x ref)  "
                    f"p99 {s['p99_ms']:7.2f} ms ({s['p99_ratio']:5.2f}x ref)  max {s['max_ms']:7.2f} ms  n={s['n']}")
            if "first_reply_p50_ms" in s:
                line += f"  first call p50 {s['first_reply_p50_ms']:.2f} ms"
            lines.append(line)
            if "by_message_p50_ms" in s:
                by_message = ", ".join(f"{k} {v:.2f}" for k, v in s["by_message_p50_ms"].items())
                lines.append(f"    p50 by message (ms): {by_message}")
        if "late_replies" in channel:
            lines.append(f"    Telegram calls after a {channel['quiet_s']:.2f} s quiet window closed (late): "
                         f"{channel['late_replies']}")
    lines.append(f"whole run {report['elapsed_s']:.1f} s")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--turns", type=int, default=DEFAULT_TURNS,
                        help=f"timed turns per channel and kind (default {DEFAULT_TURNS})")
    parser.add_argument("--quiet", type=float, default=DEFAULT_QUIET_S,
                        help="Telegram: seconds without a call that end a reply (default %(default)s)")
    parser.add_argument("--only", default=",".join(CHANNELS), help="channels, comma-separated (default: all)")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of the text report")
    args = parser.parse_args(argv)
    only = [c.strip() for c in args.only.split(",") if c.strip()]
    if args.turns < 1 or not only or any(c not in CHANNELS for c in only):
        parser.error(f"--turns must be at least 1 and --only a list of {', '.join(CHANNELS)}")
    try:
        report = run(args.turns, args.quiet, only)
    except BenchError as exc:
        print(f"channel_turns: cannot drive a channel: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(report, ensure_ascii=False) if args.json else render(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
