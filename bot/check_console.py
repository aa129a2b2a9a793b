"""The guided interview in the terminal (`python -m bot check`, and 查看待遇 in the chat).

Numbered options stand in for buttons: 0 is 不清楚, b goes back, q quits. At the end the
summary lists every answer; typing its number changes just that answer.
"""

from __future__ import annotations

from typing import TextIO

from bot.ids import small_number
from dialogs import check_templates as t
from dialogs import conversation_templates as ct
from dialogs.distress import ConversationDistress, is_distress
from dialogs.interview import (
    OTHER_PLACE_ID,
    UNKNOWN_ID,
    InterviewState,
    Question,
    answer,
    answer_age,
    back,
    change,
    finish_checklist,
    next_question,
    progress,
    result,
    start,
    summary,
    typed_age,
)
from dialogs.result_summary import ResultView, build_view, render_full
from dialogs.small_talk import other_city_text

QUIT = {"q", "退出", "quit", "exit"}
BACK = {"b", "返回", "上一步"}


def _show(question: Question, out: TextIO, state: InterviewState) -> list[str]:
    """Print a question; return the option ids in the order they are numbered."""
    text = t.CONSOLE_Q_CHECKLIST if question.multi else question.text  # no button to press here
    print(f"\n{progress(state)}{text}", file=out)
    ids = [o.id for o in question.options if o.id != UNKNOWN_ID]
    for i, oid in enumerate(ids, start=1):
        print(f"  {i}. {question.option(oid).label}", file=out)  # type: ignore[union-attr]
    print(f"  0. {t.UNKNOWN}", file=out)
    print(t.CONSOLE_CHECKLIST_HINT if question.multi else t.CONSOLE_OPTIONS_HINT, file=out, flush=True)
    return ids


def _apply(state: InterviewState, question: Question, ids: list[str], line: str) -> bool:
    if line in ("0", t.UNKNOWN, "不知道"):
        if question.key == "jurisdiction":
            return False
        return answer(state, question, UNKNOWN_ID)
    if question.multi:
        if line.lower() in {"n", "无", "没有", "都没有", t.CHECKLIST_DONE}:
            return finish_checklist(state, question, [])
        picks = [small_number(p) for p in line.replace("，", " ").replace(",", " ").split()]
        if not picks or not all(p is not None and 1 <= p <= len(ids) for p in picks):
            return False
        return finish_checklist(state, question, [ids[p - 1] for p in picks if p is not None])
    number = small_number(line)
    if number is not None and 1 <= number <= len(ids):
        return answer(state, question, ids[number - 1])
    if question.age_fact and typed_age(line) is not None and answer_age(state, question, line):
        return True
    by_label = next((o.id for o in question.options if o.label == line), None)
    if by_label is None:  # part of one label only ("离世", "农村"): that option
        partial = [o.id for o in question.options if o.id != UNKNOWN_ID and line in o.label]
        by_label = partial[0] if len(partial) == 1 else None
    return by_label is not None and answer(state, question, by_label)


def run_check_console(stdin: TextIO, out: TextIO, jurisdiction: str | None = None) -> int:
    """`python -m bot check`: the interview, then (no chat follows to ask for them) what
    does not apply and the re-birth / adoption items too; exit status 0."""
    view = run_check_dialog(stdin, out, jurisdiction)
    for key in ("not", "sensitive"):
        section = view.section(key) if view else None
        if section:
            print("\n" + section.text, file=out, flush=True)
    return 0


def run_check_dialog(stdin: TextIO, out: TextIO, jurisdiction: str | None = None,
                     distress: ConversationDistress | None = None) -> ResultView | None:
    """The interview, then the result (summary first, one heading per topic); returns the
    result so the chat can show the collapsed sections on request (None if quit early).
    `distress` is the chat's count, so despair before and during the interview is one conversation."""
    distress = distress or ConversationDistress()
    state = start(jurisdiction)
    print(t.INTRO, file=out, flush=True)
    lines = iter(stdin)
    first_asked: list[str] = []  # the order the family first answered in: the summary keeps it
    while True:
        first_asked += [s.key for s in state.steps if s.key not in first_asked]
        question = next_question(state)
        if question is None:
            if not _summary(state, lines, out, first_asked):
                print(t.CONSOLE_BYE, file=out, flush=True)
                return None
            if state.confirmed:
                view = build_view(result(state))
                print("\n" + render_full(view), file=out, flush=True)
                return view
            continue
        ids = _show(question, out, state)
        while True:
            line = next(lines, None)
            if line is None or line.strip().lower() in QUIT:
                print(t.CONSOLE_BYE, file=out, flush=True)
                return None
            line = line.strip()
            if is_distress(line):  # never "没看懂" to someone in despair, even mid-interview
                print(distress.reply(state.jurisdiction), file=out, flush=True)
                _show(question, out, state)
                continue
            if line.lower() in BACK:
                if not back(state):
                    print(t.FIRST_QUESTION, file=out, flush=True)
                break
            other = str(ids.index(OTHER_PLACE_ID) + 1) if question.key == "jurisdiction" else None
            if other is not None and line in (other, t.OPT_OTHER_PLACE):
                print(other_city_text(ct.YOUR_PLACE, None), file=out, flush=True)
                return None
            if _apply(state, question, ids, line):
                break
            print(t.CONSOLE_BAD_CHOICE, file=out, flush=True)


def _summary(state: InterviewState, lines: object, out: TextIO, first_asked: list[str]) -> bool:
    """Show the answers; y confirms, a number re-asks that answer. False on quit / end.

    A changed answer is recorded last; listed where it was first asked, so that "改第3条"
    after changing the 2nd still changes what the family saw as number 3."""
    place = {key: i for i, key in enumerate(first_asked)}
    rows = sorted(summary(state), key=lambda row: place.get(state.steps[row[0]].key, len(place)))
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
