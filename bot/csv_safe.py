"""CSV cells that a spreadsheet cannot run (CSV or "formula" injection).

Excel, WPS and LibreOffice treat a cell that starts with = + - @ (or a tab or carriage
return before one) as a formula: a visit note like `=HYPERLINK("http://x", "点击")` or
`=cmd|' /C calc'!A0` would run on the inspector's computer. Such cells are written with a
leading apostrophe, which spreadsheets show as plain text (OWASP's advice).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """The cell as text a spreadsheet will not evaluate; numbers and None stay as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def neutralise_row(row: Mapping[str, Any]) -> dict[str, Any]:
    return {key: neutralise(value) for key, value in row.items()}
