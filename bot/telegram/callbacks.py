"""Callback data: short, validated, at most 64 bytes (Telegram's limit).

Format `<kind>|<field>|...`. Anything that does not parse, names an unknown document,
clause, topic or option, or is too long, is refused; the handler then answers politely
that the button has expired. Interview buttons carry the interview's token, so a button
from an older interview (or a forged one) cannot answer the current one.
"""

from __future__ import annotations

import re
from collections.abc import Container
from dataclasses import dataclass

from telegram import CallbackQuery

from bot.telegram.templates import EXPIRED

MAX_BYTES = 64
KINDS = {
    "r": 1,  # role chosen at /start: r|family
    "j": 1,  # city: j|kaifeng
    "k": 1,  # consent: k|y / k|n
    "c": None,  # interview: c|<token>|<action>|...
    "o": 1,  # whole clause text: o|kaifeng/3.3.6
    "d": 1,  # browse a document: d|kaifeng or d|kaifeng/3.3
    "m": 1,  # comparison topic: m|monthly_allowance
    "f": 1,  # forget: f|y / f|n
    "x": 1,  # shortcuts: x|check
    "v": None,  # visit log for a reminder: v|<id>, v|<id>|o|<outcome>, v|<id>|f|<outcome>|<days>
    "p": 2,  # postpone a reminder: p|<id>|<days>
    "h": 1,  # ask for help with a reminder: h|<id>
    "g": None,  # interview on behalf of a family: g|<family id>, g|<family id>|y / n
    "u": 1,  # urgent visit for one of my families: u|<family id>
    "e": 1,  # one section of the last result: e|cash, e|open, e|not, e|sensitive
}
_FIELD = re.compile(r"^[A-Za-z0-9_./-]{1,40}$")


@dataclass(frozen=True)
class Callback:
    kind: str
    fields: tuple[str, ...]


def encode(kind: str, *fields: str | int) -> str:
    data = "|".join([kind, *(str(f) for f in fields)])
    if len(data.encode()) > MAX_BYTES:
        raise ValueError(f"callback data over {MAX_BYTES} bytes: {data!r}")
    return data


async def accept(query: CallbackQuery, first: Container[str] | None = None) -> Callback | None:
    """Decode a button's data; if it is malformed or its first field is not one of `first`,
    answer politely that the button has expired and return None."""
    cb = decode(query.data)
    if cb is None or (first is not None and cb.fields[0] not in first):
        await query.answer(EXPIRED, show_alert=True)
        return None
    return cb


def decode(data: str | None) -> Callback | None:
    """Parse and shape-check; None for anything malformed."""
    if not data or len(data.encode()) > MAX_BYTES:
        return None
    kind, *fields = data.split("|")
    if kind not in KINDS:
        return None
    expected = KINDS[kind]
    if expected is not None and len(fields) != expected:
        return None
    if kind == "c" and not 2 <= len(fields) <= 4:
        return None
    if kind == "v" and not (1 <= len(fields) <= 4 and fields[0].isdigit()):
        return None
    if kind == "g" and not (1 <= len(fields) <= 2 and fields[0].isdigit()):
        return None
    if kind in ("p", "h") and not fields[0].isdigit():
        return None
    if not all(_FIELD.match(f) for f in fields):
        return None
    return Callback(kind, tuple(fields))
