"""Keeping the database: an online backup, the retention settings applied, and the visit log
exported for an inspection (every cell neutralised, so no cell runs as a spreadsheet formula)."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

from bot.csv_safe import neutralise_row
from bot.storage import Storage

VISIT_FIELDS = ["day", "jurisdiction", "alias", "contact", "kind", "outcome", "notes", "follow_up_days"]


async def backup_to(s: Storage, target: Path) -> int:
    """An online backup (SQLite's backup API, 0600) to `target`; its size in bytes."""
    await s.ops.backup(target)
    return target.stat().st_size


async def apply_retention(s: Storage, settings: Any, now: dt.datetime) -> dict[str, int]:
    """The retention settings applied now: how many of each kind were removed."""
    from bot.settings import retention_days

    return await s.ops.apply_retention(now, **retention_days(settings))


async def visit_export_rows(s: Storage, jurisdiction: str | None = None) -> list[dict[str, Any]]:
    """The visit log, every cell neutralised (never a spreadsheet formula); one city's or all."""
    visits = await s.registry.visits()
    return [neutralise_row(v) for v in visits if jurisdiction is None or v["jurisdiction"] == jurisdiction]


def write_visits_csv(out: Any, rows: list[dict[str, Any]], chinese: bool = False) -> None:
    """The visit log as CSV. The CLI keeps its English column names and codes (scripts read
    them); the office console's file (`chinese=True`) is for people opening it in a
    spreadsheet for an inspection: Chinese headings, city, kind and outcome in words."""
    if not chinese:
        as_dicts = csv.DictWriter(out, fieldnames=VISIT_FIELDS)
        as_dicts.writeheader()
        as_dicts.writerows(rows)
        return
    from bot.reminders import templates as rt
    from dialogs.web_copy import VISIT_EXPORT_HEADINGS
    from knowledge.catalogue import load_catalogue

    cities = {d.code: d.name for d in load_catalogue()}
    words = {"jurisdiction": cities, "kind": rt.KIND_NAMES, "outcome": rt.OUTCOMES}
    writer = csv.writer(out)
    writer.writerow([VISIT_EXPORT_HEADINGS[field] for field in VISIT_FIELDS])
    for row in rows:
        writer.writerow([words[f].get(row[f], row[f]) if f in words else row[f] for f in VISIT_FIELDS])
