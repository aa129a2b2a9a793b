"""Reading record and Telegram ids typed by people: ASCII digits only, bounded length.

`str.isdigit()` also accepts "²" and Arabic-Indic digits ("١١٢", which `int()` turns into
112), and an unbounded number of digits overflows SQLite's 64-bit integers. Every id that
comes from a chat message, a command line or a CSV file is read through `parse_id`.
"""

from __future__ import annotations

import re

# Telegram ids fit in 52 bits (16 digits); record ids are far smaller. SQLite's limit is 19.
MAX_ID_DIGITS = 16
_ID = re.compile(rf"[0-9]{{1,{MAX_ID_DIGITS}}}")
_FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


def parse_id(text: str | None) -> int | None:
    """The id written in `text`, or None unless it is 1-16 ASCII digits (and above 0)."""
    if text is None or not _ID.fullmatch(text):
        return None
    value = int(text)
    return value if value > 0 else None


def small_number(text: str, max_digits: int = 4) -> int | None:
    """A short number typed by a person: a menu choice, an age. Full-width digits ("５８") are
    read as ASCII; "²", Arabic-Indic digits and thousand-digit strings give None (int() would
    fail on the first and refuse numbers over 4,300 digits)."""
    ascii_text = text.strip().translate(_FULL_WIDTH_DIGITS)
    if not re.fullmatch(rf"[0-9]{{1,{max_digits}}}", ascii_text):
        return None
    return int(ascii_text)
