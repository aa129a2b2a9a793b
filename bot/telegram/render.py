"""Turn dialog output into Telegram messages: HTML-escaped, split under 4096 characters,
with big one-per-row buttons whose callback data fits 64 bytes."""

from __future__ import annotations

import html
from collections.abc import Callable

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.telegram import templates as t
from bot.telegram.callbacks import Kind, encode
from dialogs.interview import UNKNOWN_ID, InterviewState, Question, summary

LIMIT = 4096


def escape(text: str) -> str:
    return html.escape(text, quote=False)


def _pack(pieces: list[str], separator: str, limit: int, cut: Callable[[str], list[str]]) -> list[str]:
    """Join `pieces` with `separator` into as few chunks under `limit` as keeps their order; a
    piece longer than a chunk is first cut by `cut` (its last part then packs like any piece)."""
    chunks: list[str] = []
    current = ""
    for piece in pieces:
        if len(piece) > limit:  # one enormous piece: flush what we have, then cut it up
            if current:
                chunks.append(current)
                current = ""
            *parts, piece = cut(piece) or [""]
            chunks += parts
        candidate = f"{current}{separator}{piece}" if current else piece
        if len(candidate) > limit:
            chunks.append(current)
            current = piece
        else:
            current = candidate
    if current:
        chunks.append(current)
    return [c for c in chunks if c.strip()]


def _cut_line(line: str, limit: int) -> list[str]:
    """A line longer than a message, cut at a space when there is one in its second half, and
    never inside an HTML entity such as &amp;."""
    parts = []
    while len(line) > limit:
        cut = line.rfind(" ", limit // 2, limit)
        cut = cut if cut > 0 else limit
        amp = line.rfind("&", max(0, cut - 8), cut)
        if amp != -1 and ";" not in line[amp:cut]:
            cut = amp  # do not cut &amp; in half
        parts.append(line[:cut])
        line = line[cut:]
    return [*parts, line]


def split_text(text: str, limit: int = LIMIT) -> list[str]:
    """Split already-escaped text at line breaks (never inside an HTML entity), in order."""
    return _pack(text.split("\n"), "\n", limit, lambda line: _cut_line(line, limit))


def split_blocks(text: str, limit: int = LIMIT) -> list[str]:
    """Split at blank lines so that no item (one block) is cut across two messages; only a
    single block longer than a message is split at its line breaks."""
    return _pack(text.split("\n\n"), "\n\n", limit, lambda block: split_text(block, limit))


def question_keyboard(question: Question, token: str, pending: list[str]) -> InlineKeyboardMarkup:
    rows = []
    for option in question.options:
        if option.id == UNKNOWN_ID:
            continue
        if question.multi:
            mark = "☑ " if option.id in pending else "☐ "
            rows.append([InlineKeyboardButton(mark + option.label,
                                              callback_data=encode(Kind.INTERVIEW, token, "t", option.id))])
        else:
            rows.append([InlineKeyboardButton(option.label,
                                              callback_data=encode(Kind.INTERVIEW, token, "a",
                                                                   f"{question.key}.{option.id}"))])
    if question.multi:
        rows.append([InlineKeyboardButton(t.BTN_DONE, callback_data=encode(Kind.INTERVIEW, token, "d"))])
    if question.key != "jurisdiction":
        rows.append([
            InlineKeyboardButton(t.BTN_UNKNOWN,
                                 callback_data=encode(Kind.INTERVIEW, token, "a", f"{question.key}.{UNKNOWN_ID}")),
            InlineKeyboardButton(t.BTN_BACK, callback_data=encode(Kind.INTERVIEW, token, "b")),
        ])
    return InlineKeyboardMarkup(rows)


def summary_view(state: InterviewState, token: str) -> tuple[str, InlineKeyboardMarkup]:
    from dialogs import check_templates as ct

    rows = summary(state)
    lines = [ct.SUMMARY_HEADER]
    buttons = [[InlineKeyboardButton(t.BTN_CONFIRM, callback_data=encode(Kind.INTERVIEW, token, "y"))]]
    for n, (index, what, label) in enumerate(rows, start=1):
        lines.append(escape(ct.SUMMARY_LINE.format(n=n, question=what, answer=label)))
        buttons.append([InlineKeyboardButton(t.BTN_CHANGE.format(what=what)[:40],
                                             callback_data=encode(Kind.INTERVIEW, token, "s", index))])
    lines.append(ct.SUMMARY_PROMPT)
    return "\n".join(lines), InlineKeyboardMarkup(buttons)
