"""A families or contacts CSV into the registry: decoded (UTF-8 or the GBK Excel writes),
previewed with nothing written, and committed whole or not at all. Every bad row is a
`Problem` with its line number, all of them together in `CsvProblems`."""

from __future__ import annotations

import contextlib
from typing import Any, Literal

from bot.reminders.registry_csv import parse_contacts, parse_families
from bot.storage import Storage
from bot.storage.registry import Reach

Kind = Literal["families", "contacts"]


def decoded_csv(data: bytes) -> str | None:
    """A CSV file's text: UTF-8 (with or without Excel's BOM), else GB18030, the superset of
    the GBK that Excel on a Chinese Windows writes for "CSV (逗号分隔)". None when neither."""
    for encoding in ("utf-8-sig", "gb18030"):
        with contextlib.suppress(UnicodeDecodeError):
            return data.decode(encoding)
    return None


async def _parsed_csv(s: Storage, kind: str, text: str) -> list[dict[str, Any]]:
    """A families or contacts CSV checked against what the registry holds (CsvProblems for any
    bad row). The caller holds `s.registry.checking`, so nothing changes between check and write."""
    if kind == "families":
        return parse_families(text, await s.registry.family_keys(), await s.registry.family_telegram_ids())
    return parse_contacts(text, await s.registry.telegram_ids(), await s.registry.contact_keys(),
                          set(await s.registry.wecom_ids()))


async def previewed_csv(s: Storage, kind: str, text: str) -> list[dict[str, Any]]:
    """The rows a families or contacts CSV would import, checked exactly as the import checks
    them (CsvProblems otherwise), with nothing written: the office console's preview."""
    async with s.registry.checking:
        return await _parsed_csv(s, kind, text)


async def import_families_csv(s: Storage, text: str) -> int:
    """Every row of a families CSV, or none: raises CsvProblems listing each bad row by line
    number."""
    async with s.registry.checking:
        return await s.registry.import_families(await _parsed_csv(s, "families", text))


async def import_contacts_csv(s: Storage, text: str) -> tuple[int, Reach]:
    """Every row of a contacts CSV, or none (CsvProblems), and whether reminders can reach them."""
    async with s.registry.checking:
        rows = await _parsed_csv(s, "contacts", text)
        before = await s.registry.max_contact_id()
        count = await s.registry.import_contacts(rows)
        return count, await s.registry.reach(await s.registry.contact_ids_after(before))
