"""The assistant in the terminal: the same answers as the chat bot, one question a line.

Used when there is no Telegram token, and handy for hotline staff. Reads lines until end of
input, so `echo "开封 扶助金多少" | python -m bot` answers and exits. Typing 查看待遇 runs
the guided interview on the same input.
"""

from __future__ import annotations

from typing import TextIO

from dialogs import templates as t
from dialogs.answer_text import render_result
from dialogs.intents import wants_entitlement_check
from knowledge.clause_search import search

QUIT_WORDS = {"退出", "再见", "exit", "quit", "q"}
CHECK_WORDS = {"查看待遇", "看看待遇", "/check", "check", "测一测"}
MAX_LINE = 500


def run_console(stdin: TextIO, stdout: TextIO) -> int:
    from bot.check_console import run_check_console

    print(t.CONSOLE_GREETING, file=stdout, flush=True)
    lines = iter(stdin)
    city: str | None = None  # the last city the user named, carried into the interview
    for raw in lines:
        line = raw.strip()[:MAX_LINE]
        if not line:
            continue
        if line.lower() in QUIT_WORDS:
            break
        if line.lower() in CHECK_WORDS:
            run_check_console(lines, stdout, city)  # type: ignore[arg-type]
            print(t.CONSOLE_AFTER_CHECK, file=stdout, flush=True)
            continue
        result = search(line)
        city = result.jurisdiction or city
        entitlement = wants_entitlement_check(line)
        if result.answered or not entitlement:
            print(render_result(line, result), file=stdout, flush=True)
        if entitlement:
            print(t.OFFER_CHECK_CONSOLE, file=stdout, flush=True)
    print(t.CONSOLE_GOODBYE, file=stdout, flush=True)
    return 0
