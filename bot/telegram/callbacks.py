"""Callback data: short, validated, at most 64 bytes (Telegram's limit).

Format `<kind>|<field>|...`. `Kind` is the one list of button kinds: it gives each handler
its pattern (app.py) and each kind its shape (how many fields, a numeric first field), so
a kind cannot be handled without being decoded the same way. Anything that does not parse,
names an unknown document, clause, topic or option, or is too long, is refused by the
`button` decorator, which answers politely that the button has expired. Interview buttons
carry the interview's token, so a button from an older interview (or a forged one) cannot
answer the current one.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Awaitable, Callable, Container, Coroutine
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

from telegram import Update
from telegram.ext import ContextTypes

from bot.telegram.templates import EXPIRED

MAX_BYTES = 64
_FIELD = re.compile(r"^[A-Za-z0-9_./-]{1,40}$")


@dataclass(frozen=True)
class Shape:
    min_fields: int
    max_fields: int
    numeric_first: bool = False  # a record id (reminder, family)


class Kind(StrEnum):
    """Every kind of button the bot makes, with the shape of its data."""

    ROLE = "r"  # role chosen at /start: r|family
    CITY = "j"  # city: j|kaifeng
    CONSENT = "k"  # consent: k|y / k|n
    INTERVIEW = "c"  # interview: c|<token>|<action>|...
    FULL_TEXT = "o"  # whole clause text: o|kaifeng/3.3.6
    DOC = "d"  # browse a document: d|kaifeng or d|kaifeng/3.3
    COMPARE = "m"  # comparison topic: m|monthly_allowance
    FORGET = "f"  # forget: f|y / f|n
    SHORTCUT = "x"  # shortcuts: x|check
    VISIT = "v"  # visit log for a reminder: v|<id>, v|<id>|o|<outcome>, v|<id>|f|<outcome>|<days>
    POSTPONE = "p"  # postpone a reminder: p|<id>|<days>
    HELP = "h"  # ask for help with a reminder: h|<id>
    VISIT_CHECK = "g"  # interview on behalf of a family: g|<family id>, g|<family id>|y / n
    URGENT = "u"  # urgent visit for one of my families: u|<family id>
    RESULT = "e"  # one section of the last result, or the saved result: e|cash, e|open, e|last, e|fresh
    COME_BY = "s"  # a family in distress asks its contacts to come by: s|go
    ANSWER_CITY = "w"  # the city a waiting question is for: w|kaifeng

    @property
    def pattern(self) -> str:
        """The CallbackQueryHandler pattern of this kind."""
        return rf"^{re.escape(self.value)}\|"

    @property
    def shape(self) -> Shape:
        return SHAPES[self]


SHAPES: dict[Kind, Shape] = {
    Kind.ROLE: Shape(1, 1), Kind.CITY: Shape(1, 1), Kind.CONSENT: Shape(1, 1), Kind.INTERVIEW: Shape(2, 4),
    Kind.FULL_TEXT: Shape(1, 1), Kind.DOC: Shape(1, 1), Kind.COMPARE: Shape(1, 1), Kind.FORGET: Shape(1, 1),
    Kind.SHORTCUT: Shape(1, 1), Kind.VISIT: Shape(1, 4, True), Kind.POSTPONE: Shape(2, 2, True),
    Kind.HELP: Shape(1, 1, True), Kind.VISIT_CHECK: Shape(1, 2, True), Kind.URGENT: Shape(1, 1, True),
    Kind.RESULT: Shape(1, 1), Kind.COME_BY: Shape(1, 1), Kind.ANSWER_CITY: Shape(1, 1),
}


@dataclass(frozen=True)
class Callback:
    kind: Kind
    fields: tuple[str, ...]


def encode(kind: Kind, *fields: str | int) -> str:
    data = "|".join([Kind(kind).value, *(str(f) for f in fields)])
    if len(data.encode()) > MAX_BYTES:
        raise ValueError(f"callback data over {MAX_BYTES} bytes: {data!r}")
    return data


def decode(data: str | None) -> Callback | None:
    """Parse and shape-check; None for anything malformed."""
    if not data or len(data.encode()) > MAX_BYTES:
        return None
    kind_text, *fields = data.split("|")
    try:
        kind = Kind(kind_text)
    except ValueError:
        return None
    shape = kind.shape
    if not shape.min_fields <= len(fields) <= shape.max_fields:
        return None
    if not all(_FIELD.match(f) for f in fields):
        return None
    if shape.numeric_first and not re.fullmatch(r"[0-9]{1,16}", fields[0]):
        return None
    return Callback(kind, tuple(fields))


ButtonHandler = Callable[[Update, ContextTypes.DEFAULT_TYPE, Callback], Awaitable[None]]


class DecodedHandler(Protocol):
    kind: Kind

    def __call__(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> Coroutine[Any, Any, None]: ...


def button(kind: Kind, first: Container[str] | Callable[[], Container[str]] | None = None,
           ) -> Callable[[ButtonHandler], DecodedHandler]:
    """Decode the button's data, or answer "this button has expired" and stop: the data must
    be of `kind`, well formed, and (if given) its first field one of `first` (or of what
    `first()` returns). The handler gets the decoded `Callback` as a third argument."""

    def wrap(handler: ButtonHandler) -> DecodedHandler:
        @functools.wraps(handler)
        async def decoded(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
            query = update.callback_query
            assert query is not None
            cb = decode(query.data)
            allowed = first() if callable(first) else first
            if cb is None or cb.kind != kind or (allowed is not None and cb.fields[0] not in allowed):
                await query.answer(EXPIRED, show_alert=True)
                return
            await handler(update, context, cb)

        decoded_: Any = decoded
        decoded_.kind = kind
        return decoded_

    return wrap
