"""The guided interview in the terminal (`python -m bot check`, and 查看待遇 in the chat).

Numbered options stand in for buttons: 0 is 不清楚, b goes back, q quits. At the end the
summary lists every answer; typing its number changes just that answer.
"""

from __future__ import annotations

from typing import TextIO

from bot.ids import small_number
from dialogs import check_templates as t
from dialogs.eligibility_text import render_assessment
from dialogs.interview import (
    UNKNOWN_ID,
    InterviewState,
    Question,
    answer,
    answer_age,
    back,
    change,
    finish_checklist,
    next_question,
    result,
    start,
    summary,
)

QUIT = {"q", "退出", "quit", "exit"}
BACK = {"b", "返回", "上一步"}


def _show(question: Question, out: TextIO, n: int) -> list[str]:
    """Print a question; return the option ids in the order they are numbered."""
    print(f"\n{t.PROGRESS.format(n=n)}{question.text}", file=out)
    ids = [o.id for o in question.options if o.id != UNKNOWN_ID]
    for i, oid in enumerate(ids, start=1):
        print(f"  {i}. {question.option(oid).label}", file=out)  # type: ignore[union-attr]
    print(f"  0. {t.UNKNOWN}", file=out)
    print(t.CONSOLE_CHECKLIST_HINT if question.multi else t.CONSOLE_OPTIONS_HINT, file=out, flush=True)
    return ids


def _apply(state: InterviewState, question: Question, ids: list[str], line: str) -> bool:
    if line == "0":
        if question.key == "jurisdiction":
            return False
        return answer(state, question, UNKNOWN_ID)
    if question.multi:
        if line.lower() in {"n", "无", "没有", "都没有"}:
            return finish_checklist(state, question, [])
        picks = [small_number(p) for p in line.replace("，", " ").replace(",", " ").split()]
        if not picks or not all(p is not None and 1 <= p <= len(ids) for p in picks):
            return False
        return finish_checklist(state, question, [ids[p - 1] for p in picks if p is not None])
    number = small_number(line)
    if number is not None and 1 <= number <= len(ids):
        return answer(state, question, ids[number - 1])
    if question.age_fact and small_number(line.strip().removesuffix("岁").removesuffix("周岁")) is not None \
            and answer_age(state, question, line):
        return True
    by_label = next((o.id for o in question.options if o.label == line and not question.multi), None)
    return by_label is not None and answer(state, question, by_label)


def run_check_console(stdin: TextIO, out: TextIO, jurisdiction: str | None = None) -> int:
    state = start(jurisdiction)
    print(t.INTRO, file=out, flush=True)
    lines = iter(stdin)
    while True:
        question = next_question(state)
        if question is None:
            if not _summary(state, lines, out):
                print(t.CONSOLE_BYE, file=out, flush=True)
                return 0
            if state.confirmed:
                print("\n" + render_assessment(result(state)), file=out, flush=True)
                return 0
            continue
        ids = _show(question, out, len(state.steps) + 1)
        while True:
            line = next(lines, None)
            if line is None or line.strip().lower() in QUIT:
                print(t.CONSOLE_BYE, file=out, flush=True)
                return 0
            line = line.strip()
            if line.lower() in BACK:
                back(state)
                break
            if _apply(state, question, ids, line):
                break
            print(t.CONSOLE_BAD_CHOICE, file=out, flush=True)


def _summary(state: InterviewState, lines: object, out: TextIO) -> bool:
    """Show the answers; y confirms, a number re-asks that answer. False on quit / end."""
    rows = summary(state)
    print("\n" + t.SUMMARY_HEADER, file=out)
    for n, (_, what, label) in enumerate(rows, start=1):
        print(t.SUMMARY_LINE.format(n=n, question=what, answer=label), file=out)
    print(t.CONSOLE_SUMMARY_HINT, file=out, flush=True)
    while True:
        line = next(lines, None)  # type: ignore[call-overload]
        if line is None or line.strip().lower() in QUIT:
            return False
        line = line.strip().lower()
        if line in {"y", "是", "对", "看结果", ""}:
            state.confirmed = True
            return True
        number = small_number(line)
        if number is not None and 1 <= number <= len(rows):
            change(state, rows[number - 1][0])
            return True
        if line in BACK:
            back(state)
            return True
        print(t.CONSOLE_BAD_CHOICE, file=out, flush=True)
