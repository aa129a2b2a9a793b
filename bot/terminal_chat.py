"""The assistant in the terminal: the conversation (`dialogs.conversation`) one line at a time.

Used when there is no Telegram token, and handy for hotline staff. Reads lines until end of
input, so `echo "开封 扶助金多少" | python -m bot` answers and exits. This module only
renders: a reply's parts as plain text and its choices as numbers to type. Interview
questions are numbered 1..n with 0 = 不清楚 and b = back; the summary takes y or the number
of the answer to change; a checklist takes several numbers at once. Everything else typed
goes to the conversation as it is, which decides what it means.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from typing import TextIO

from bot.ids import small_number
from dialogs import check_templates as ct
from dialogs import templates as t
from dialogs.conversation import Conversation, ConversationState
from dialogs.replies import Choice, Reply, Result, Review, Step, part_text
from dialogs.result_summary import render_full

QUIT_WORDS = {"退出", "再见", "exit", "quit", "q"}
MAX_LINE = 500
log = logging.getLogger("lianxin.console")


class TerminalChat:
    """One terminal conversation: the core's state lives as long as the process (a terminal
    chat ends with it), and the last reply's choices give the numbers their meaning."""

    def __init__(self, out: TextIO, city: str | None = None) -> None:
        self.out = out
        self.conversation = Conversation(ConversationState(city=city), "terminal")
        self.last: Reply | None = None

    def in_interview(self) -> bool:
        return self.conversation.state.interview is not None

    def say(self, text: str) -> None:
        print(text, file=self.out, flush=True)

    def line(self, line: str) -> Reply:
        reply = asyncio.run(self._turn(line))
        self.show(reply)
        return reply

    async def _turn(self, line: str) -> Reply:
        press = self._press_for(line)
        if press is not None:
            return await self.conversation.on_choice(press)
        if line.strip().lower() == "b" and self.in_interview():  # b on the first question: back, in words
            return await self.conversation.on_text("返回上一步")
        return await self.conversation.on_text(line)

    def _press_for(self, line: str) -> str | None:
        """The choice a typed number (or 0 / b / y / n) stands for, given what was shown last."""
        last = self.last
        if last is None or not last.choices:
            return None
        step = next((p for p in last.parts if isinstance(p, Step)), None)
        review = next((p for p in last.parts if isinstance(p, Review)), None)
        key = line.strip().lower()
        by_role = {c.role: c for c in last.choices if c.role != "main"}
        if step is not None or review is not None:
            if key == "b" and "back" in by_role:
                return by_role["back"].id
            if key == "0" and "unknown" in by_role:
                return by_role["unknown"].id
        if review is not None and key in {"y", "是", "对", ""}:
            return last.choices[0].id
        if (step is not None or review is not None) and key in QUIT_WORDS:
            return last.choices[0].id.split("|")[0] + "|" + last.choices[0].id.split("|")[1] + "|q"
        if step is not None and step.question.multi:
            done = by_role["done"].id
            if key in {"n", "无", "没有", "都没有", ct.CHECKLIST_DONE}:
                return f"{done}|"
            picks = [small_number(p) for p in key.replace("，", " ").replace(",", " ").split()]
            main = [c for c in last.choices if c.role == "main"]
            if picks and all(p is not None and 1 <= p <= len(main) for p in picks):
                return f"{done}|" + ".".join(main[p - 1].id.rsplit("|", 1)[1] for p in picks if p is not None)
            return None
        number = small_number(key)
        numbered = self._numbered(last)
        if number is not None and 1 <= number <= len(numbered):
            return numbered[number - 1].id
        return None

    @staticmethod
    def _numbered(reply: Reply) -> list[Choice]:
        """The choices shown with numbers: for a question its options; for the summary the
        answers to change (confirm is y); otherwise every choice."""
        if any(isinstance(p, Review) for p in reply.parts):
            return [c for c in reply.choices if c.id.split("|")[2:3] == ["s"]]
        result = next((p for p in reply.parts if isinstance(p, Result)), None)
        if result is not None:  # the topics are printed already
            return [c for c in reply.choices if c.id in ("e|not", "e|sensitive")]
        return [c for c in reply.choices if c.role == "main"]

    def show(self, reply: Reply) -> None:
        self.last = reply if reply.choices or not reply.refusal else self.last
        if reply.refusal:
            self.say(reply.refusal)
        for part in reply.parts:
            if isinstance(part, Step):
                self.say("\n" + "\n".join(x for x in (part.intro, part.progress + (
                    ct.CONSOLE_Q_CHECKLIST if part.question.multi else part.text)) if x))
            elif isinstance(part, Review):
                self.say("\n" + part_text(part).replace(ct.SUMMARY_PROMPT, ct.CONSOLE_SUMMARY_HINT))
            elif isinstance(part, Result):  # no taps here: the topics printed in full, the rest on request
                self.say(render_full(part.view) + (f"\n\n{part.note}" if part.note else ""))
            else:
                self.say(part_text(part))
        numbered = self._numbered(reply)
        if any(isinstance(p, Step) for p in reply.parts):
            for n, choice in enumerate(numbered, start=1):
                self.say(f"  {n}. {choice.label}")
            step = next(p for p in reply.parts if isinstance(p, Step))
            if step.question.key != "jurisdiction":
                self.say(f"  0. {ct.UNKNOWN}")
            self.say(ct.CONSOLE_CHECKLIST_HINT if step.question.multi else ct.CONSOLE_OPTIONS_HINT)
        elif numbered and not any(isinstance(p, Review) for p in reply.parts):
            items = "，".join(t.TERMINAL_CHOICE.format(n=n, label=c.label) for n, c in enumerate(numbered, start=1))
            self.say(t.TERMINAL_CHOICES.format(items=items))


def _lines(stdin: TextIO) -> Iterator[str]:
    for raw in stdin:
        line = raw.strip()[:MAX_LINE]
        if line:
            yield line


def run_console(stdin: TextIO, stdout: TextIO) -> int:
    """`python -m bot` without a token: the chat until end of input or 退出."""
    chat = TerminalChat(stdout)
    chat.say(t.CONSOLE_GREETING)
    for line in _lines(stdin):
        if line.lower() in QUIT_WORDS and not chat.in_interview():
            break
        reply = chat.line(line)
        if any(isinstance(p, Result) for p in reply.parts):
            chat.say(t.CONSOLE_AFTER_CHECK)
    chat.say(t.CONSOLE_GOODBYE)
    return 0


def run_check_console(stdin: TextIO, out: TextIO, jurisdiction: str | None = None) -> int:
    """`python -m bot check`: the interview alone, then the whole result (no chat follows to
    ask for the sections, so every one is printed); exit status 0."""
    chat = TerminalChat(out, jurisdiction)
    reply = asyncio.run(chat.conversation.start_check())
    chat.show(reply)
    for line in _lines(stdin):
        if line.lower() in QUIT_WORDS:
            break
        reply = chat.line(line)
        result = next((p for p in reply.parts if isinstance(p, Result)), None)
        if result is not None:
            for key in ("not", "sensitive"):
                section = result.view.section(key)
                if section:
                    chat.say("\n" + section.text)
            return 0
        if reply.ended:
            return 0
    chat.say(ct.CONSOLE_BYE)
    return 0
