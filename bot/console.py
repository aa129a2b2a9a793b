"""The assistant in the terminal: the same answers as the chat bot, one question a line.

Used when there is no Telegram token, and handy for hotline staff. Reads lines until end of
input, so `echo "开封 扶助金多少" | python -m bot` answers and exits. Typing 查看待遇 runs
the guided interview on the same input.

Like the chat bot, distress is answered first and everyday sentences get everyday replies
(dialogs/ decides both). A question with no city, whose answers would mix several cities,
asks for the city first and is answered once the city is known.
"""

from __future__ import annotations

import logging
from typing import TextIO

from dialogs import check_templates as ct_check
from dialogs import conversation_templates as ct
from dialogs import templates as t
from dialogs.answer_text import find_answer, render_result
from dialogs.distress import DISTRESS_COUNTER, ConversationDistress, is_distress
from dialogs.intents import wants_entitlement_check
from dialogs.result_summary import ResultView
from dialogs.small_talk import everyday_reply, known_city
from knowledge.catalogue import documents
from knowledge.clause_search import SearchResult
from knowledge.money_lead import other_place

QUIT_WORDS = {"退出", "再见", "exit", "quit", "q"}
SHOW_SECTION = {"看不适用": "not", "不适用": "not", "看收养": "sensitive", "看再生育": "sensitive"}
CHECK_WORDS = {"查看待遇", "看看待遇", "/check", "check", "测一测"}
MAX_LINE = 500
log = logging.getLogger("lianxin.console")


def _say(text: str, stdout: TextIO) -> None:
    print(text, file=stdout, flush=True)


def _mixes_cities(result: SearchResult) -> bool:
    """Answered from more than one city's document, with no city asked for."""
    return result.answered and result.jurisdiction is None and len({h.clause.doc for h in result.hits}) > 1


class ConsoleChat:
    """One terminal conversation: the city it has learnt and a question waiting for it."""

    def __init__(self, stdout: TextIO) -> None:
        self.stdout = stdout
        self.city: str | None = None  # the last city the user named, carried into the interview
        self.waiting: tuple[str, str] | None = None  # (question as typed, what to search) until a city is known
        self.last_result: ResultView | None = None  # the last interview's result, for its collapsed sections
        self.distress = ConversationDistress()  # a second despairing message gets a shorter reply

    def answer(self, question: str, query: str | None = None) -> None:
        result = find_answer(question, self.city, query)
        # a question naming a place we do not cover (郑州) is told so at once, not asked for a city
        if result.jurisdiction is None and not self.city and _mixes_cities(result) and other_place(question) is None:
            self.waiting = (question, query or question)
            _say(ct.ASK_CITY.format(known="、".join(d.name for d in documents().values())), self.stdout)
            return
        if result.answered and result.jurisdiction is None and not self.city:
            _say(ct.NO_CITY_NOTE, self.stdout)  # never another city's rules without saying so
        self.city = result.jurisdiction or self.city
        entitlement = wants_entitlement_check(question)
        if result.answered or not entitlement:
            _say(render_result(question, result), self.stdout)
        if entitlement:
            _say(t.OFFER_CHECK_CONSOLE, self.stdout)

    def set_city(self, code: str) -> None:
        self.city = code
        if self.waiting:
            question, query = self.waiting
            self.waiting = None
            self.answer(question, query)

    def line(self, line: str) -> None:
        if line in SHOW_SECTION:
            section = self.last_result.section(SHOW_SECTION[line]) if self.last_result else None
            _say(section.text if section else ct_check.CONSOLE_NO_RESULT, self.stdout)
            return
        if is_distress(line):
            _say(self.distress.reply(self.city), self.stdout)
            log.info("distress message answered (%d since start)", DISTRESS_COUNTER.count)  # never the text
            return
        if self.waiting and (code := known_city(line.strip("。，！ "))):
            _say(ct.CITY_SET.format(city=documents()[code].name), self.stdout)
            self.set_city(code)
            return
        reply = everyday_reply(line, "console", self.city)
        if reply is not None:
            _say(reply.text, self.stdout)
            if reply.jurisdiction:
                self.set_city(reply.jurisdiction)
            if reply.search_query:
                self.answer(line, reply.search_query)
            return
        self.answer(line)


def run_console(stdin: TextIO, stdout: TextIO) -> int:
    from bot.check_console import run_check_dialog

    _say(t.CONSOLE_GREETING, stdout)
    chat = ConsoleChat(stdout)
    lines = iter(stdin)
    for raw in lines:
        line = raw.strip()[:MAX_LINE]
        if not line:
            continue
        if line.lower() in QUIT_WORDS:
            break
        if line.lower() in CHECK_WORDS:
            view = run_check_dialog(lines, stdout, chat.city, chat.distress)  # type: ignore[arg-type]
            if view is not None:
                chat.last_result = view
                if view.section("not") or view.section("sensitive"):
                    _say("\n" + ct_check.CONSOLE_MORE, stdout)  # the collapsed parts, on request
            _say(t.CONSOLE_AFTER_CHECK, stdout)
            continue
        chat.line(line)
    _say(t.CONSOLE_GOODBYE, stdout)
    return 0
