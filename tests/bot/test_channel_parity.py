"""Parity: the same messages and presses, driven through each channel's adapter, give the
same reply on every channel: the clauses cited (their full-text choices), the amounts shown,
the choices offered (issue 24).

Each channel is driven from outside, as a person would: Telegram through the fake Bot API
(typed messages, taps on the buttons the bot drew), the terminal by typed lines and the
numbers it printed, the phone page by posting its forms (its own tests: tests/web). A press
is named by the label of a choice the last reply offered, so a channel that draws another
button, or none, fails the row. Interview tokens (random per conversation) are the only
thing normalised away.
"""

from __future__ import annotations

import html
import io
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.terminal_chat import TerminalChat
from bot.web.app import create_app
from bot.web.limits import RateLimiter
from bot.web.signing import StateSigner
from dialogs import conversation_templates as cc
from dialogs.replies import Reply, Review
from tests.bot.telegram_harness import Harness
from tests.fake_bot_api import FakeBotApi

_AMOUNT = re.compile(r"\d+(?:\.\d+)?元")
_TOKEN = re.compile(r"^c\|[0-9a-f]{6}\|")


@dataclass(frozen=True)
class Seen:
    """What one channel showed for one row."""

    text: str
    choices: tuple[tuple[str, str], ...]  # (label, id), tokens normalised
    refusal: str = ""

    def facts(self) -> dict[str, Any]:
        amounts = _AMOUNT.findall(self.text)
        result = any(i.startswith("e|") for _, i in self.choices) and "c|T|" not in "".join(i for _, i in self.choices)
        return {
            "clauses": [i[2:] for _, i in self.choices if i.startswith("o|")],
            # a result: the summary's headline figure (the terminal prints every section below it)
            "amounts": amounts[:1] if result else sorted(set(amounts)),
            # the same choices; where they sit is each channel's layout (a page puts 看结果 under the answers)
            "choices": sorted(i for _, i in self.choices),
            "labels": sorted(label for label, _ in self.choices),
            "refused": bool(self.refusal),
        }


def _norm(choice_id: str) -> str:
    return _TOKEN.sub("c|T|", choice_id)


def _label(label: str) -> str:
    return label.removeprefix("☐ ").removeprefix("☑ ")


class TelegramDriver:
    name = "telegram"

    def __init__(self, bot: Harness, uid: int) -> None:
        self.bot, self.uid = bot, uid
        self.buttons: list[tuple[str, str]] = []
        self.message_id: int | None = None

    def _seen(self, calls: list[Any]) -> Seen:
        texts = [c.text for c in calls if c.method in ("sendMessage", "editMessageText") and c.text]
        refusal = next((c.params.get("text", "") for c in calls if c.method == "answerCallbackQuery"
                        and c.params.get("text")), "")
        drawn = [c for c in calls if c.method in ("sendMessage", "editMessageText") and c.buttons()]
        if drawn:
            self.buttons = drawn[-1].buttons()
            self.message_id = drawn[-1].message_id
        elif texts:
            self.buttons = []
        shown = tuple((_label(label), _norm(data)) for label, data in self.buttons) if drawn else ()
        return Seen("\n".join(texts), shown, refusal)

    async def say(self, text: str) -> Seen:
        return self._seen(await self.bot.say(self.uid, text))

    async def press(self, label: str) -> Seen:
        data = next(d for lb, d in self.buttons if label in _label(lb))
        return self._seen(await self.bot.tap(self.uid, data, self.message_id))


class TerminalDriver:
    """The terminal: typed lines, a press typed as the number it printed (0 不清楚, b back,
    y to confirm; a checklist's ticks are typed together, so a single tick goes straight in)."""

    name = "terminal"

    def __init__(self) -> None:
        self.out = io.StringIO()
        self.chat = TerminalChat(self.out)

    def _seen(self, reply: Reply, since: int) -> Seen:
        shown = self.out.getvalue()[since:]
        return Seen(shown, tuple((c.label, _norm(c.id)) for c in reply.choices), reply.refusal or "")

    async def say(self, text: str) -> Seen:
        since = len(self.out.getvalue())
        return self._seen(await self._line(text), since)

    async def _line(self, line: str) -> Reply:
        reply = await self.chat._turn(line)
        self.chat.show(reply)
        return reply

    async def press(self, label: str) -> Seen:
        last = self.chat.last
        assert last is not None
        choice = next(c for c in last.choices if label in c.label)
        since = len(self.out.getvalue())
        numbered = self.chat._numbered(last)
        review = any(isinstance(p, Review) for p in last.parts)
        if choice in numbered:
            key = str(numbered.index(choice) + 1)
        elif choice.role == "back":
            key = "b"
        elif choice.role == "unknown":
            key = "0"
        elif review and choice is last.choices[0]:
            key = "y"
        else:  # a single checklist tick or 选好了: the terminal takes them typed together
            reply = await self.chat.conversation.on_choice(choice.id)
            self.chat.show(reply)
            return self._seen(reply, since)
        return self._seen(await self._line(key), since)


class PhonePageDriver:
    """The phone page as a browser posts it: the text box, the buttons (each posting the signed
    state and its choice id), ticks sent with their 选好了 button, a result's sections opened
    in place (each a `<details>` one tap away, the page's way of a section choice)."""

    name = "phone page"

    def __init__(self) -> None:
        self.client = httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app(
            signer=StateSigner(b"k" * 32), limiter=RateLimiter(per_minute=6000, burst=1000))),
                                        base_url="http://lianxin.test")
        self.page = ""
        self.ticked: list[str] = []
        self.last: Seen | None = None

    def _seen(self, page: str) -> Seen:
        self.page, self.ticked = page, []
        main = page[page.index("<main>"):page.index("</main>")]
        choices = [(html.unescape(lb).strip(), _norm(html.unescape(v))) for v, lb in
                   re.findall(r'<button[^>]*name="choice" value="([^"]+)"[^>]*>([^<]*)</button>', main)]
        # the age box's 确定 is the page's way to type an age, as a chat types it: not a choice
        choices = [c for c in choices if c[1] != "c|T|n"]
        ticks = re.findall(r'name="ticked" value="([^"]+)"[^>]*> ([^<]*)</label>', main)
        tick_choices = [(html.unescape(lb).strip(), f"c|T|t|{v}") for v, lb in ticks]
        sections = [(html.unescape(lb).strip(), f"e|{key}") for key, lb in
                    re.findall(r'<details class="topic ([a-z_]+)">\s*<summary>([^<]*)</summary>', main)]
        if tick_choices:  # the ticks, then 选好了, as the chat channels order them
            done = [c for c in choices if c[1] == "c|T|d"]
            choices = tick_choices + done + [c for c in choices if c[1] != "c|T|d"]
        refusal = "".join(re.findall(r'<p class="error" role="alert">([^<]*)</p>', main))
        # a result page: sections first (one tap away), then the other choices
        self.last = Seen(html.unescape(re.sub(r"<[^>]+>", "\n", main)), tuple(sections + choices), refusal)
        return self.last

    def _action(self) -> str:
        found = re.search(r'<form method="post" action="(/ask|/check)"', self.page)
        return found.group(1) if found else "/ask"

    def _state(self) -> dict[str, str]:
        found = re.search(r'name="state" value="([^"]+)"', self.page)
        return {"state": html.unescape(found.group(1))} if found else {}

    async def say(self, text: str) -> Seen:
        age = re.search(r'<form method="post" action="([^"]+)" class="age">.*?name="choice" value="([^"]+)"',
                        self.page, re.S)
        if age and text.isdigit():  # the age box, with its button
            data = {**self._state(), "choice": html.unescape(age.group(2)), "age": text}
            return self._seen((await self.client.post(age.group(1), data=data)).text)
        data = {**self._state(), "q": text}
        if self._action() == "/ask":  # the city box goes with the question, as the page shows it
            chosen = re.search(r'<option value="([a-z]+)" selected>', self.page)
            data["city"] = chosen.group(1) if chosen else ""
        return self._seen((await self.client.post(self._action(), data=data)).text)

    async def press(self, label: str) -> Seen:
        assert self.last is not None
        choice = next(i for lb, i in self.last.choices if label in lb)
        if choice.startswith("c|T|t|"):  # a tick is the browser's own until 选好了 is pressed
            self.ticked.append(choice.rsplit("|", 1)[1])
            return self.last
        if choice.startswith("e|"):  # a section opens in place
            key = choice[2:]
            block = re.search(rf'<details class="topic {key}">(.*?)</details>', self.page, re.S)
            assert block is not None
            return Seen(html.unescape(re.sub(r"<[^>]+>", "\n", block.group(1))), ())
        real = next(html.unescape(v) for v, lb in re.findall(r'name="choice" value="([^"]+)"[^>]*>([^<]*)</button>',
                                                               self.page) if label in html.unescape(lb))
        data: dict[str, Any] = {**self._state(), "choice": real}
        if self.ticked:
            data["ticked"] = self.ticked
        action = re.search(rf'action="([^"]+)"[^>]*>(?:(?!</form>).)*value="{re.escape(html.escape(real))}"', self.page,
                           re.S)
        return self._seen((await self.client.post(action.group(1) if action else self._action(), data=data)).text)


Row = tuple[str, str]  # ("say", text) | ("press", label part)

GREETINGS_AND_QUESTIONS: list[Row] = [
    ("say", "你好"),
    ("say", "谢谢你"),
    ("say", "每月扶助金多少"),  # no city known: the city question
    ("press", "开封"),  # ... and the question answered for it
    ("say", "住院护理补贴每天多少钱"),
    ("press", "原文"),
    ("say", "孩子走了以后我真的撑不下去了"),  # despair, in words of its own
    ("say", "天天想孩子，活着也没啥意思了"),
    ("say", "怎么用"),
    ("say", "我是柳州的"),
    ("say", "每个月能领多少钱"),
    ("say", "一次性补助有吗"),
    ("say", "看病住院能报销吗"),
    ("press", "原文"),
    ("say", "养老院能优先住吗"),
    ("say", "俺家闺女没了，俺们能领啥"),
    ("say", "谢谢，你们辛苦了"),
    ("say", "再见"),
]

SECOND_CITY: list[Row] = [
    ("say", "我们是临沂的，想问问护理补贴"),
    ("say", "一个月多少"),
    ("say", "联系人多久来看一次"),
    ("say", "我家在郑州，有什么政策"),
    ("say", "开封的扶助金多少钱"),
    ("say", "姜堰那边给多少"),
    ("say", "您好"),
    ("say", "好的"),
]


async def _interview(driver: Any, opening: list[Row]) -> list[tuple[str, Seen]]:
    """Through a whole interview, each press or typed answer one row: the first option, 不清楚
    on the second question, back once, the age typed, a checklist ticked, the summary with
    one answer changed, the result, a section, and a question after it."""
    rows: list[tuple[str, Seen]] = []
    seen = None
    for kind, text in opening:
        seen = await (driver.say(text) if kind == "say" else driver.press(text))
        rows.append((f"{kind} {text}", seen))
    assert seen is not None
    used_unknown = went_back = False
    for _ in range(30):
        labels = [lb for lb, _ in seen.choices]
        ids = [i for _, i in seen.choices]
        if any(i.endswith("|y") for i in ids):  # the summary
            break
        if "多大岁数" in seen.text:  # the age question: typed, not pressed
            row, seen = "type 62", await driver.say("62")
        elif any(i.startswith("c|T|t|") for i in ids):  # a checklist: tick the first, then done
            first = next(lb for lb, i in seen.choices if i.startswith("c|T|t|"))
            rows.append((f"tick {first}", await driver.press(first)))
            row, seen = "press done", await driver.press(cc.BTN_DONE)
        elif not used_unknown and cc.BTN_UNKNOWN in labels and len(rows) > len(opening) + 1:
            used_unknown = True
            row, seen = "press 不清楚", await driver.press(cc.BTN_UNKNOWN)
        elif used_unknown and not went_back and cc.BTN_BACK in labels:
            went_back = True
            row, seen = "press back", await driver.press(cc.BTN_BACK)
        else:
            assert labels, (driver.name, rows[-1][0], seen)
            row, seen = f"press {labels[0]}", await driver.press(labels[0])
        rows.append((row, seen))
    change = next(lb for lb, i in seen.choices if "|s|" in i)
    rows.append((f"press {change}", seen := await driver.press(change)))
    rows.append((f"press {seen.choices[0][0]}", seen := await driver.press(seen.choices[0][0])))
    rows.append(("press confirm", seen := await driver.press(cc.BTN_CONFIRM)))
    section = seen.choices[0][0]
    rows.append((f"press {section}", await driver.press(section)))
    for text in ("每月能领多少钱", "谢谢"):
        rows.append((f"say {text}", await driver.say(text)))
    return rows


async def _run(driver: Any) -> list[tuple[str, Seen]]:
    rows: list[tuple[str, Seen]] = []
    for kind, text in GREETINGS_AND_QUESTIONS + SECOND_CITY:
        rows.append((f"{kind} {text}", await (driver.say(text) if kind == "say" else driver.press(text))))
    rows += await _interview(driver, [("say", "我是开封的"), ("say", "查待遇")])
    # mid-interview: a word that answers nothing, a question, despair; the interview goes on
    rows += await _interview(driver, [("say", "查待遇"), ("say", "狗"), ("say", "扶助金什么时候发"),
                                      ("say", "我不想活了")])
    return rows


@pytest.fixture
async def bot(api: FakeBotApi, tmp_path: Path) -> AsyncIterator[Harness]:
    """The bot with room for a person who taps as fast as a test (the per-user limit would
    otherwise, rightly, slow the table down)."""
    harness = await Harness(api, tmp_path / "bot.sqlite3", BOT_USER_RATE_PER_MINUTE="600").start()
    yield harness
    await harness.stop()


async def test_every_channel_gives_the_same_reply_to_the_same_conversation(bot: Harness) -> None:
    telegram = await _run(TelegramDriver(bot, 7301))
    terminal = await _run(TerminalDriver())
    phone = PhonePageDriver()
    async with phone.client:
        page = await _run(phone)
    assert len(telegram) >= 60 and [r for r, _ in telegram] == [r for r, _ in terminal] == [r for r, _ in page]
    for (row, tg), (_, term), (_, web) in zip(telegram, terminal, page, strict=True):
        assert tg.facts() == term.facts(), row
        assert tg.facts() == web.facts(), row
    by_row = dict(telegram)
    # the rows say what a person would notice, so the table cannot pass empty
    assert [i for i in by_row["say 每月扶助金多少"].facts()["choices"] if i.startswith("w|")][:1] == ["w|ankang"]
    assert "1430元" in by_row["press 开封"].facts()["amounts"] and by_row["press 开封"].facts()["clauses"]
    assert "12356" in by_row["say 孩子走了以后我真的撑不下去了"].text
    assert "650元" in by_row["say 每个月能领多少钱"].facts()["amounts"]  # Liuzhou's, once the city is told
    confirmed = [s for r, s in telegram if r == "press confirm"]
    assert len(confirmed) == 2 and all(any(i.startswith("e|") for i in s.facts()["choices"]) for s in confirmed)
