"""The assistant in the terminal: the same answers as the chat bot, one question a line.

Used when there is no Telegram token, and handy for hotline staff. Reads lines until end of
input, so `echo "开封 扶助金多少" | python -m bot` answers and exits.
"""

from __future__ import annotations

from typing import TextIO

from dialogs.answer_text import render_result
from knowledge.clause_search import search

GREETING = (
    "您好，这里是连心助手（终端版）。\n"
    "请直接输入您想问的事，比如“开封 每个月的扶助金有多少”。输入“退出”结束。"
)
GOODBYE = "再见，祝您平安。"
QUIT_WORDS = {"退出", "再见", "exit", "quit", "q"}
MAX_LINE = 500


def run_console(stdin: TextIO, stdout: TextIO) -> int:
    print(GREETING, file=stdout, flush=True)
    for raw in stdin:
        line = raw.strip()[:MAX_LINE]
        if not line:
            continue
        if line.lower() in QUIT_WORDS:
            break
        print(render_result(line, search(line)), file=stdout, flush=True)
    print(GOODBYE, file=stdout, flush=True)
    return 0
