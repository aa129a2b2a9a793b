"""Planning the reminder queue on its own connection, in worker threads.

Reading 300,000 assignments and inserting a day's 350,000 reminders through the shared
aiosqlite connection made every family's reply queue behind it for seconds. Here two plain
sqlite3 connections do the work beside the bot:

- a reader thread reads the registry in one snapshot (plain tuples), plans it READ_CHUNK
  assignments at a time with the pure planner and hands the rows over, so reading and
  planning (~0.8 s of the first plan of 100,000 families) overlap with the inserts;
- the calling thread inserts them in short transactions; before each one it lets the bot's
  own waiting writes go first (`Database.writers_waiting`), so a chat write waits for one
  transaction at most. A transaction takes batches of PLAN_BATCH rows until PLAN_TXN_SECONDS
  have passed or a chat write starts waiting, then commits.

A batch is one INSERT of PLAN_BATCH rows (numbered parameters, the shared created_at bound
once) rather than executemany: SQLite runs the whole batch in one step without the GIL, and
spends less per row. executemany took the GIL back after every row, and beside a busy Python
thread (the reader, or the bot's event loop) each row waited for it: with one CPU-bound thread
beside it, 345,510 rows took 15 s and 214 s in two runs. Alone, in one transaction, the
writing thread's CPU for those rows was 2.5-3.1 s with executemany, 1.9-2.5 s as one
statement over a JSON array, 1.3-1.8 s as multi-row INSERTs.

The inserts do no foreign-key lookup per row (two per reminder, about a sixth of the insert
time): the rows come from assignments read moments before, and migration 8 counts every
deletion of a family or contact (`care_deletions`). The count is read in the reader's
snapshot; once it has changed, every planning transaction deletes, before it commits, the
rows it inserted for a family or contact that is gone. So a family forgotten while a plan
runs is left with no reminder (tests/bot/test_planning_insert.py), and a kill -9 at any point
leaves only committed, consistent transactions that the next plan completes.

Festival rows are inserted before the recurring ones of each chunk: they share one send time
per city and append to the (status, send_after) index, while the recurring rows, spread over
a hundred send times, dirty a page of it each, which every commit writes to the WAL again.

Measured with benchmarks/reminders_scale.py 100000 (345,510 rows) on a shared 2-core machine
(load average 1-3 from other work): the first plan takes 2.7-4.4 s over fourteen runs, 5 of them
within 3 s; in runs alternating with the code before, 3.0-4.0 s against 6.3-8.1 s. The next
day's increment takes 0.08-0.13 s. On the quiet machine (load average about 1, 14 runs after
merging): 1.90-3.52 s, median 2.2 s, p99 33-42 ms but once 137 ms. The chat's read and write
p99 during the first plan on the shared machine is 32-83 ms (12-22 ms before; the target is
100 ms). Profiled, the inserting thread's 3-4 s are about 2.4 s of INSERT statements,
0.8-1.0 s of ~170 commits (each writes the dirty pages to the
WAL and some run its checkpoint), 0.5 s letting chat writes go first and 0.15 s waiting for the
reader; its CPU is about 2 s, the rest is the other threads and the machine's other load.
Turning the WAL autocheckpoint off while planning made the commits cheaper (0.5 s) but moved
the checkpoints into the chat's commits (p99 78-126 ms); batches of 2,000 rows (tried as JSON
statements) raised the p99 to 106-144 ms. Neither is used."""

from __future__ import annotations

import asyncio
import datetime as dt
import queue
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable
from functools import lru_cache
from itertools import chain
from typing import Any

from bot.storage.db import Database, PgDatabase, Transaction, now_iso, to_postgres

PLAN_BATCH = 500  # rows per INSERT statement: the unit after which a transaction may commit
PLAN_TXN_SECONDS = 0.03  # longest a planning transaction holds the write lock before committing
READ_CHUNK = 20_000  # assignments read and planned at a time while the previous ones are inserted
PLAN_CACHE_KIB = 65_536  # page cache of the planning connection (SQLite's default is 2 MiB)
ASSIGNMENTS_SQL = ("SELECT a.family_id, f.jurisdiction, f.old_sick, a.contact_id, c.role, a.position, a.since"
                   " FROM care_assignments a JOIN care_families f ON f.id = a.family_id"
                   " JOIN care_contacts c ON c.id = a.contact_id WHERE f.active = 1 ORDER BY a.family_id")
COLUMNS = "family_id, contact_id, kind, due_date, send_after, created_at"
DELETIONS_SQL = "SELECT count FROM care_deletions WHERE id = 1"
# rows this plan inserted for a family or contact deleted after the registry was read
# what this plan inserted for a family or contact now gone, or a contact taken off the family
# (every planned reminder is for an assigned contact; urgent ones are never made here)
ORPHANS_SQL = ("DELETE FROM care_reminders WHERE id > ? AND (NOT EXISTS (SELECT 1 FROM care_families f"
               " WHERE f.id = care_reminders.family_id) OR NOT EXISTS (SELECT 1 FROM care_contacts c"
               " WHERE c.id = care_reminders.contact_id) OR NOT EXISTS (SELECT 1 FROM care_assignments a"
               " WHERE a.family_id = care_reminders.family_id AND a.contact_id = care_reminders.contact_id))")
# a follow-up a visit asked for, for the contact who made the visit while they are still assigned
FOLLOW_UPS_SQL = ("SELECT v.family_id, v.contact_id, v.day, v.follow_up_days FROM care_visits v"
                  " JOIN care_assignments a ON a.family_id = v.family_id AND a.contact_id = v.contact_id"
                  " WHERE v.follow_up_days IS NOT NULL")
Planner = Callable[..., list[tuple[int, int, str, str, str]]]
Row = tuple[int, int, str, str, str]
_DONE = object()  # the producer has planned everything


def _candidates(con: sqlite3.Connection, day: dt.date, after: dt.date, intervals: Iterable[int],
                ) -> sqlite3.Cursor:
    """The assignments whose recurring check-in can have come due in (after, day]: it began,
    or its family was last visited, exactly one interval before a day of that window. The
    planner still computes every due date itself; this only spares reading 300,000 rows."""
    sql, params = _candidates_sql(day, after, intervals)
    return con.execute(sql, params)


def _candidates_sql(day: dt.date, after: dt.date, intervals: Iterable[int]) -> tuple[str, list[str]]:
    windows = [((after - dt.timedelta(days=i)).isoformat(), (day - dt.timedelta(days=i)).isoformat())
               for i in sorted(set(intervals))]
    since = " OR ".join("(a.since > ? AND a.since <= ?)" for _ in windows)
    visited = " OR ".join("(v.day > ? AND v.day <= ?)" for _ in windows)
    params = [x for w in windows for x in w]
    sql = (ASSIGNMENTS_SQL.replace(" ORDER BY a.family_id", "")
           + f" AND (({since}) OR a.family_id IN (SELECT v.family_id FROM care_visits v WHERE {visited}))")
    return sql, params * 2


def _produce(path: str, day: dt.date, after: dt.date | None, planner: Planner, intervals: Iterable[int] | None,
             out: queue.Queue[Any], stop: threading.Event) -> None:
    """Read the registry in one snapshot and plan it chunk by chunk into `out`: the deletion
    count first, then lists of rows, then _DONE (or the exception that stopped it). Runs in its
    own thread, so reading and planning overlap with the inserts (SQLite releases the GIL)."""
    def put(item: object) -> bool:
        while not stop.is_set():
            try:
                out.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    con = sqlite3.connect(path, isolation_level=None, timeout=5, check_same_thread=False)
    try:
        con.execute("PRAGMA query_only=ON")
        con.execute("BEGIN")  # one snapshot: the deletion count and every row read belong together
        if not put(con.execute(DELETIONS_SQL).fetchone()[0]):
            return
        last_visits = {(r[0], r[1]): dt.date.fromisoformat(r[2]) for r in
                       con.execute("SELECT family_id, kind, MAX(day) FROM care_visits GROUP BY family_id, kind")}
        follow_ups = [(r[0], r[1], dt.date.fromisoformat(r[2]) + dt.timedelta(days=r[3])) for r in con.execute(
            FOLLOW_UPS_SQL)]
        if after is not None and intervals is not None:  # the daily increment
            cursor = _candidates(con, day, after, intervals)
        else:
            cursor = con.execute(ASSIGNMENTS_SQL)
        # the planner is pure and works assignment by assignment: planning in chunks gives the
        # rows one call over all of them gives (tests/bot/test_planning_insert.py)
        while chunk := cursor.fetchmany(READ_CHUNK):
            if not put(_festivals_first(planner(day, chunk, last_visits, [], after))):
                return
        if not put(planner(day, [], last_visits, follow_ups, after)):
            return
        con.execute("COMMIT")
        put(_DONE)
    except BaseException as exc:  # handed to the inserting thread, which raises it
        put(exc)
    finally:
        con.close()


@lru_cache(maxsize=8)  # the full batch and a few chunk tails
def _insert_sql(rows: int) -> str:
    """One INSERT of `rows` rows: ?1 is the shared created_at, then five parameters a row."""
    values = ", ".join(f"(?{5 * i + 2}, ?{5 * i + 3}, ?{5 * i + 4}, ?{5 * i + 5}, ?{5 * i + 6}, ?1)"
                       for i in range(rows))
    return f"INSERT OR IGNORE INTO care_reminders ({COLUMNS}) VALUES {values}"


def _festivals_first(rows: list[Row]) -> list[Row]:
    """Festival rows share one send time per city, so inserting them together appends to the
    (status, send_after) index; the recurring rows, spread over a hundred send times, each
    dirty a page of it, and the fewer transactions they are spread over the fewer pages a
    commit writes. Order within each group stays the family order (the unique index's)."""
    festivals = [r for r in rows if r[2].startswith("festival:")]
    return festivals + [r for r in rows if not r[2].startswith("festival:")] if festivals else rows


class _Rows:
    """The planned rows as the producer hands them over, taken a batch at a time."""

    def __init__(self, source: queue.Queue[Any]) -> None:
        self._source = source
        self._chunk: list[Row] = []
        self._at = 0
        self.finished = False

    def first(self) -> Any:
        return self._next(block=True)

    def _next(self, block: bool) -> Any:
        item = self._source.get(block=block)
        if isinstance(item, BaseException):
            raise item
        return item

    def take(self, count: int, block: bool) -> list[Row]:
        """Up to `count` rows; [] when none are ready (block=False) or all were taken."""
        while self._at >= len(self._chunk) and not self.finished:
            try:
                item = self._next(block)
            except queue.Empty:
                return []
            if item is _DONE:
                self.finished = True
            else:
                self._chunk, self._at = item, 0
        batch = self._chunk[self._at:self._at + count]
        self._at += len(batch)
        return batch


def _plan(path: str, day: dt.date, after: dt.date | None, planner: Planner, chat_waiting: Callable[[], bool],
          intervals: Iterable[int] | None) -> int:
    con = sqlite3.connect(path, isolation_level=None, timeout=5, check_same_thread=False)
    source: queue.Queue[Any] = queue.Queue(maxsize=4)
    stop = threading.Event()
    producer = threading.Thread(target=_produce, args=(path, day, after, planner, intervals, source, stop),
                                name="plan-reader", daemon=True)
    try:
        # no foreign-key lookups per row (two per reminder, a sixth of the first plan): the rows
        # come from assignments read moments before, and a family or contact deleted since is
        # caught by care_deletions and its rows removed in the same transaction (see below)
        con.execute("PRAGMA foreign_keys=OFF")
        con.execute("PRAGMA synchronous=NORMAL")
        con.execute(f"PRAGMA cache_size=-{PLAN_CACHE_KIB}")
        producer.start()
        rows = _Rows(source)
        deletions = rows.first()
        stale = False
        stamp = now_iso()
        added = 0
        per_statement = min(PLAN_BATCH, (con.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) - 1) // 5)
        while batch := rows.take(per_statement, block=True):
            while chat_waiting():  # the bot's writes first
                time.sleep(0.001)
            opened = time.perf_counter()
            con.execute("BEGIN IMMEDIATE")
            try:
                last_id = con.execute("SELECT COALESCE(MAX(id), 0) FROM care_reminders").fetchone()[0]
                before = con.total_changes
                while batch:
                    con.execute(_insert_sql(len(batch)), (stamp, *chain.from_iterable(batch)))
                    held = time.perf_counter() - opened
                    if held >= PLAN_TXN_SECONDS or chat_waiting():
                        break
                    batch = rows.take(per_statement, block=False)  # never wait for the reader holding the lock
                added += con.total_changes - before
                # a family or contact deleted after the registry was read: from then on every
                # transaction removes what it inserted for whoever is gone, before it commits
                stale = stale or con.execute(DELETIONS_SQL).fetchone()[0] != deletions
                if stale:
                    added -= con.execute(ORPHANS_SQL, (last_id,)).rowcount
            except BaseException:
                con.execute("ROLLBACK")
                raise
            con.execute("COMMIT")
        return added
    finally:
        stop.set()
        if producer.is_alive():
            producer.join()
        con.close()


async def plan_beside(db: Database, day: dt.date, after: dt.date | None, planner: Planner,
                      intervals: Iterable[int] | None = None) -> int:
    """Plan and enqueue in a worker thread on a second connection. `intervals` (the recurring
    intervals of every schedule) lets an increment read only the assignments that can have
    come due; None reads them all (first plan, or a day a festival window opens)."""
    if isinstance(db, PgDatabase):
        return await _plan_postgres(db, day, after, planner, intervals)
    if str(db.path) == ":memory:":
        raise ValueError("plan_beside needs a database file")
    return await asyncio.to_thread(_plan, str(db.path), day, after, planner, db.writers_waiting, intervals)


# --- PostgreSQL -----------------------------------------------------------------------------
# The registry is read in one snapshot (REPEATABLE READ) on a pooled connection, planned in a
# worker thread chunk by chunk (the planner is pure), and inserted PG_BATCH rows at a time:
# COPY into a temporary table, then one INSERT ... SELECT that keeps only rows whose contact is
# still assigned to the family (so a family forgotten, a contact deleted or unassigned since
# the snapshot keeps no reminder: what care_deletions does for SQLite) and skips those already
# queued (the unique key). Each batch is one write transaction (the write lock, like every
# write), the bot's waiting writes going first. Several processes: one plans at a time
# (PLAN_LOCK, an advisory lock held for the whole plan), and planning twice creates nothing twice.

PG_BATCH = 5000
PG_TEMP = ("CREATE TEMPORARY TABLE IF NOT EXISTS plan_rows (family_id BIGINT, contact_id BIGINT, kind TEXT,"
           " due_date TEXT, send_after TEXT) ON COMMIT DELETE ROWS")
PG_INSERT = ("INSERT INTO care_reminders (family_id, contact_id, kind, due_date, send_after, created_at)"
             " SELECT t.family_id, t.contact_id, t.kind, t.due_date, t.send_after, ? FROM plan_rows t"
             " WHERE EXISTS (SELECT 1 FROM care_assignments a WHERE a.family_id = t.family_id"
             " AND a.contact_id = t.contact_id) ON CONFLICT DO NOTHING")


async def _plan_postgres(db: PgDatabase, day: dt.date, after: dt.date | None, planner: Planner,
                         intervals: Iterable[int] | None) -> int:
    from psycopg.rows import tuple_row

    from bot.storage.db import PLAN_LOCK

    async with db.connection() as lock_con:
        await lock_con.execute("SELECT pg_advisory_lock(%s)", (PLAN_LOCK,))
        try:
            async with db.connection() as con, con.transaction():
                await con.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                cur = con.cursor(row_factory=tuple_row)
                await cur.execute("SELECT family_id, kind, MAX(day) FROM care_visits GROUP BY family_id, kind")
                last_visits = {(r[0], r[1]): dt.date.fromisoformat(r[2]) for r in await cur.fetchall()}
                await cur.execute(FOLLOW_UPS_SQL)
                follow_ups = [(r[0], r[1], dt.date.fromisoformat(r[2]) + dt.timedelta(days=r[3]))
                              for r in await cur.fetchall()]
                if after is not None and intervals is not None:  # the daily increment
                    sql, params = _candidates_sql(day, after, intervals)
                    await cur.execute(to_postgres(sql), params)
                else:
                    await cur.execute(ASSIGNMENTS_SQL)
                assignments = await cur.fetchall()
            stamp = now_iso()
            added = 0
            for start in range(0, len(assignments), READ_CHUNK):
                chunk = assignments[start:start + READ_CHUNK]
                planned = await asyncio.to_thread(planner, day, chunk, last_visits, [], after)
                added += await _insert_postgres(db, _festivals_first(planned), stamp)
            rows = await asyncio.to_thread(planner, day, [], last_visits, follow_ups, after)
            added += await _insert_postgres(db, rows, stamp)
            return added
        finally:
            await lock_con.execute("SELECT pg_advisory_unlock(%s)", (PLAN_LOCK,))


async def _insert_postgres(db: PgDatabase, rows: list[Row], stamp: str) -> int:
    added = 0
    for start in range(0, len(rows), PG_BATCH):
        while db.writers_waiting():  # the bot's writes first
            await asyncio.sleep(0.001)
        tx: Transaction
        async with db.transaction() as tx:
            await tx.execute(PG_TEMP)
            await tx.copy_rows("plan_rows", "family_id, contact_id, kind, due_date, send_after",
                               rows[start:start + PG_BATCH])
            # statistics for the temporary table, or PostgreSQL guesses its size and reads every
            # assignment into a hash per batch (100 ms a batch at 100,000 families; 4 ms with them)
            await tx.execute("ANALYZE plan_rows")
            added += (await tx.execute(PG_INSERT, (stamp,))).rowcount
    return added
