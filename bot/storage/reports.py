"""The questions behind the inspection reports (visits per quarter, festival visits per
family, the monthly report), one city at a time. Counting is done here in SQL, grouped by
township, so a report over 10,000 families reads a few hundred rows, not the whole queue.

Only active families count; a family's township is the one in the registry now. "Done by a
moment" uses `acked_at` (UTC, `now_iso`), so a past month's figures do not change when an old
reminder is closed later."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from bot.storage.db import Database

CALL = "phone_call"  # every other kind of visit or reminder is an in-person visit
NOT_REACHED = "none"  # the outcome 没联系上: a visit that found nobody is not a visit done
_CITY = " JOIN care_families f ON f.id = {t}.family_id AND f.active = 1 AND f.jurisdiction = ?"


def _city(alias: str) -> str:
    return _CITY.format(t=alias)


def _count(condition: str) -> str:
    """How many rows meet `condition` (SQLite sums its 0/1 comparisons; PostgreSQL's are booleans)."""
    return f"SUM(CASE WHEN {condition} THEN 1 ELSE 0 END)"


@dataclass(frozen=True)
class MonthCounts:
    """One township's reminder figures for a month (see `Reports.month_reminders`)."""

    township: str
    calls_due: int
    calls_done: int
    visits_due: int
    visits_done: int
    overdue: int
    escalations: int
    undeliverable: int


class Reports:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def families(self, city: str) -> list[dict[str, Any]]:
        """The city's active families: id, alias, township, village."""
        rows = await self._db.all("SELECT id, alias, township, village FROM care_families"
                                  " WHERE active = 1 AND jurisdiction = ? ORDER BY township, village, alias", (city,))
        return [dict(r) for r in rows]

    async def contacts_of_families(self, city: str) -> list[tuple[int, str, bool]]:
        """(family, contact name, still active) for every assignment in the city."""
        rows = await self._db.all("SELECT a.family_id, c.name, c.active FROM care_assignments a" + _city("a")
                                  + " JOIN care_contacts c ON c.id = a.contact_id ORDER BY a.family_id, a.position",
                                  (city,))
        return [(int(r[0]), str(r[1]), bool(r[2])) for r in rows]

    async def quarter_counts(self, city: str, year: int) -> list[tuple[str, int, int, int]]:
        """(township, quarter, families visited in person, calls logged) for the year."""
        sql = ("SELECT f.township, (CAST(substr(v.day, 6, 2) AS INTEGER) + 2) / 3 AS quarter,"
               f" COUNT(DISTINCT CASE WHEN v.kind != '{CALL}' AND v.outcome != '{NOT_REACHED}' THEN v.family_id END),"
               f" SUM(CASE WHEN v.kind = '{CALL}' THEN 1 ELSE 0 END)"
               " FROM care_visits v" + _city("v") + " WHERE v.day BETWEEN ? AND ? GROUP BY 1, 2")
        rows = await self._db.all(sql, (city, f"{year:04d}-01-01", f"{year:04d}-12-31"))
        return [(str(r[0]), int(r[1]), int(r[2] or 0), int(r[3] or 0)) for r in rows]

    async def visited_families(self, city: str, start: dt.date, end: dt.date) -> set[int]:
        """Families of the city visited in person (and found) between start and end, inclusive."""
        sql = ("SELECT DISTINCT v.family_id FROM care_visits v" + _city("v") +
               f" WHERE v.day BETWEEN ? AND ? AND v.kind != '{CALL}' AND v.outcome != '{NOT_REACHED}'")
        return {int(r[0]) for r in await self._db.all(sql, (city, start.isoformat(), end.isoformat()))}

    async def festival_visits(self, city: str, year: int) -> list[dict[str, Any]]:
        """In-person visits (found) that can count as a festival visit of the year: those logged
        for a festival reminder of that year, wherever they fall, and every other in-person
        visit logged during the year (the caller keeps those inside a festival's window)."""
        sql = ("SELECT v.family_id, v.day, v.kind, r.kind AS reminder_kind, r.due_date AS reminder_due,"
               " c.name AS contact FROM care_visits v" + _city("v") +
               " LEFT JOIN care_reminders r ON r.id = v.reminder_id"
               " LEFT JOIN care_contacts c ON c.id = v.contact_id"
               f" WHERE v.kind != '{CALL}' AND v.outcome != '{NOT_REACHED}'"
               " AND (v.day BETWEEN ? AND ? OR (r.kind LIKE 'festival:%' AND r.due_date BETWEEN ? AND ?))"
               " ORDER BY v.day, v.id")
        first, last = f"{year:04d}-01-01", f"{year:04d}-12-31"
        return [dict(r) for r in await self._db.all(sql, (city, first, last, first, last))]

    async def township_families(self, city: str) -> list[tuple[str, int]]:
        """(township, active families) for the city."""
        rows = await self._db.all("SELECT township, COUNT(*) FROM care_families WHERE active = 1 AND jurisdiction = ?"
                                  " GROUP BY township", (city,))
        return [(str(r[0]), int(r[1])) for r in rows]

    async def month_reminders(self, city: str, start: dt.date, end: dt.date, as_of: dt.date, start_utc: str,
                              cutoff_utc: str) -> list[MonthCounts]:
        """Per township, in one pass over the reminders due by the month's end: calls and
        visits falling due in [start, end] and how many of them were done before cutoff_utc
        (urgent visits are counted apart, `month_urgent`); reminders due before `as_of` and
        not done before cutoff_utc (overdue); escalations between start_utc and cutoff_utc
        (`datetime()` reads the offset each was stamped with); and the contacts whose open
        reminders Telegram refused to deliver (blocked the bot or never opened it)."""
        in_month = "r.due_date BETWEEN ? AND ?"
        done = "r.status = 'done' AND r.acked_at < ?"
        # an instant from ISO text with its offset: SQLite's datetime(), PostgreSQL's timestamptz
        at = "CAST({} AS timestamptz)" if self._db.dialect == "postgresql" else "datetime({})"
        escalated = (f"r.escalated_at IS NOT NULL AND {at.format('r.escalated_at')} >= {at.format('?')}"
                     f" AND {at.format('r.escalated_at')} < {at.format('?')}")
        call = f"r.kind = '{CALL}' AND {in_month}"
        visit = f"r.kind NOT IN ('{CALL}', 'urgent') AND {in_month}"
        counts = (call, f"{call} AND {done}", visit, f"{visit} AND {done}", f"r.due_date < ? AND NOT ({done})",
                  escalated)
        sql = ("SELECT f.township, " + ", ".join(_count(c) for c in counts) + ","
               " COUNT(DISTINCT CASE WHEN r.undeliverable = 1 AND r.status != 'done' THEN r.contact_id END)"
               " FROM care_reminders r" + _city("r") + " WHERE r.due_date <= ? GROUP BY f.township")
        first, last = start.isoformat(), end.isoformat()
        params = (first, last, first, last, cutoff_utc, first, last, first, last, cutoff_utc,
                  as_of.isoformat(), cutoff_utc, start_utc, cutoff_utc, city, last)
        return [MonthCounts(str(r[0]), *(int(v or 0) for v in r[1:])) for r in await self._db.all(sql, params)]

    async def month_logged(self, city: str, start: dt.date, end: dt.date) -> list[tuple[str, bool, int]]:
        """(township, is a call, visits logged with a day in [start, end])."""
        sql = (f"SELECT f.township, v.kind = '{CALL}', COUNT(*) FROM care_visits v" + _city("v") +
               " WHERE v.day BETWEEN ? AND ? GROUP BY 1, 2")
        return [(str(r[0]), bool(r[1]), int(r[2]))
                for r in await self._db.all(sql, (city, start.isoformat(), end.isoformat()))]

    async def month_urgent(self, city: str, start: dt.date, end: dt.date,
                           cutoff_utc: str) -> list[tuple[str, int, bool]]:
        """(township, family, done) per urgent visit raised in [start, end]: one raise reminds
        every contact of the family on the same day; it is done when any of them logged it."""
        sql = ("SELECT f.township, r.family_id, MAX(CASE WHEN r.status = 'done' AND r.acked_at < ? THEN 1 ELSE 0 END)"
               " FROM care_reminders r"
               + _city("r") + " WHERE r.kind = 'urgent' AND r.due_date BETWEEN ? AND ?"
               " GROUP BY r.family_id, r.due_date")
        rows = await self._db.all(sql, (cutoff_utc, city, start.isoformat(), end.isoformat()))
        return [(str(r[0]), int(r[1]), bool(r[2])) for r in rows]
