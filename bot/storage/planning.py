"""Planning the reminder queue on its own connection, in a worker thread.

Reading 300,000 assignments and inserting a day's 350,000 reminders through the shared
aiosqlite connection made every family's reply queue behind it for seconds. Here a plain
sqlite3 connection in a thread does the reads (plain tuples, no row objects), calls the pure
planner, and inserts in short transactions; before each one it lets the bot's own waiting
writes go first (`Database.writers_waiting`), so a chat write waits for one transaction at most.

A transaction is time-boxed rather than a fixed row count: it takes batches of PLAN_BATCH rows
until PLAN_TXN_SECONDS have passed or a chat write starts waiting, then commits. A fixed chunk
of 2,000 rows held the lock as long as the disk made it and a chat write that arrived just
after it began waited for the whole chunk; committing at the next batch instead roughly halved
the chat's p99 during the first plan in benchmarks/reminders_scale.py (about 40 ms to 15 ms).
Profiled there, the first plan's time is the inserts themselves (reading ~0.6 s, the pure
planner ~0.2 s, inserting and committing ~4-5 s beside the chat), not the planner."""

from __future__ import annotations

import asyncio
import datetime as dt
import sqlite3
import time
from collections.abc import Callable, Iterable
from typing import Any

from bot.storage.db import Database, now_iso

PLAN_BATCH = 500  # rows per executemany: the unit after which a transaction may commit
PLAN_TXN_SECONDS = 0.03  # longest a planning transaction holds the write lock before committing
ASSIGNMENTS_SQL = ("SELECT a.family_id, f.jurisdiction, f.old_sick, a.contact_id, c.role, a.position, a.since"
                   " FROM care_assignments a JOIN care_families f ON f.id = a.family_id"
                   " JOIN care_contacts c ON c.id = a.contact_id WHERE f.active = 1 ORDER BY a.family_id")
INSERT_SQL = ("INSERT OR IGNORE INTO care_reminders (family_id, contact_id, kind, due_date, send_after, created_at)"
              " VALUES (?, ?, ?, ?, ?, ?)")
Planner = Callable[..., list[tuple[int, int, str, str, str]]]


def _candidates(con: sqlite3.Connection, day: dt.date, after: dt.date, intervals: Iterable[int],
                ) -> list[tuple[Any, ...]]:
    """The assignments whose recurring check-in can have come due in (after, day]: it began,
    or its family was last visited, exactly one interval before a day of that window. The
    planner still computes every due date itself; this only spares reading 300,000 rows."""
    windows = [((after - dt.timedelta(days=i)).isoformat(), (day - dt.timedelta(days=i)).isoformat())
               for i in sorted(set(intervals))]
    since = " OR ".join("(a.since > ? AND a.since <= ?)" for _ in windows)
    visited = " OR ".join("(v.day > ? AND v.day <= ?)" for _ in windows)
    params = [x for w in windows for x in w]
    sql = (ASSIGNMENTS_SQL.replace(" ORDER BY a.family_id", "")
           + f" AND (({since}) OR a.family_id IN (SELECT v.family_id FROM care_visits v WHERE {visited}))")
    return con.execute(sql, params * 2).fetchall()


def _plan(path: str, day: dt.date, after: dt.date | None, planner: Planner, chat_waiting: Callable[[], bool],
          intervals: Iterable[int] | None) -> int:
    con = sqlite3.connect(path, isolation_level=None, timeout=5, check_same_thread=False)
    try:
        con.execute("PRAGMA foreign_keys=ON")
        con.execute("PRAGMA synchronous=NORMAL")
        if after is not None and intervals is not None:  # the daily increment
            assignments = _candidates(con, day, after, intervals)
        else:
            assignments = con.execute(ASSIGNMENTS_SQL).fetchall()
        last_visits = {(r[0], r[1]): dt.date.fromisoformat(r[2]) for r in
                       con.execute("SELECT family_id, kind, MAX(day) FROM care_visits GROUP BY family_id, kind")}
        follow_ups = [(r[0], r[1], dt.date.fromisoformat(r[2]) + dt.timedelta(days=r[3])) for r in con.execute(
            "SELECT family_id, contact_id, day, follow_up_days FROM care_visits"
            " WHERE follow_up_days IS NOT NULL AND contact_id IS NOT NULL")]
        rows = planner(day, assignments, last_visits, follow_ups, after)
        stamp = now_iso()
        added = 0
        start = 0
        while start < len(rows):
            while chat_waiting():  # the bot's writes first
                time.sleep(0.001)
            before = con.total_changes
            opened = time.perf_counter()
            con.execute("BEGIN IMMEDIATE")
            try:
                while start < len(rows):
                    con.executemany(INSERT_SQL, [(*row, stamp) for row in rows[start:start + PLAN_BATCH]])
                    start += PLAN_BATCH
                    if time.perf_counter() - opened >= PLAN_TXN_SECONDS or chat_waiting():
                        break
            except BaseException:
                con.execute("ROLLBACK")
                raise
            con.execute("COMMIT")
            added += con.total_changes - before
        return added
    finally:
        con.close()


async def plan_beside(db: Database, day: dt.date, after: dt.date | None, planner: Planner,
                      intervals: Iterable[int] | None = None) -> int:
    """Plan and enqueue in a worker thread on a second connection. `intervals` (the recurring
    intervals of every schedule) lets an increment read only the assignments that can have
    come due; None reads them all (first plan, or a day a festival window opens)."""
    if str(db.path) == ":memory:":
        raise ValueError("plan_beside needs a database file")
    return await asyncio.to_thread(_plan, str(db.path), day, after, planner, db.writers_waiting, intervals)
