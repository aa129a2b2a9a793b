"""The planning thread's insert path (bot/storage/planning.py): reading and planning in chunks
beside the inserts, one JSON statement per batch, no foreign-key lookup per row. It must queue
exactly the rows the one-statement-per-row path queued, and a family or contact deleted while
a plan runs must not be left with reminders."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from benchmarks.reminders_scale import seed
from bot.reminders.delivery import plan
from bot.reminders.planner import plan_rows
from bot.storage import Storage, planning

DAY = dt.date(2027, 2, 5)  # inside the Spring Festival window: festival rows as well as calls and visits
COLUMNS = ("family_id, contact_id, kind, due_date, send_after, status, sent_count, typeof(family_id),"
           " typeof(contact_id), typeof(kind), typeof(due_date), typeof(send_after)")


async def registry(path: Path, families: int) -> None:
    """The benchmark's registry, plus visits: some families were visited (their next check-in
    moves) and some visits asked for a follow-up."""
    await seed(path, families)
    with closing(sqlite3.connect(path)) as con, con:  # closed: no WAL left behind when the file is copied
        contacts = dict(con.execute("SELECT family_id, MIN(contact_id) FROM care_assignments GROUP BY family_id"))
        con.executemany(
            "INSERT INTO care_visits (family_id, contact_id, day, kind, outcome, follow_up_days, logged_at)"
            " VALUES (?, ?, ?, ?, 'ok', ?, 'x')",
            [(f, contacts[f], (dt.date(2026, 12, 1) + dt.timedelta(days=f % 60)).isoformat(),
              ("phone_call", "home_visit")[f % 2], 7 if f % 3 == 0 else None)
             for f in range(1, families + 1, 4)])


def queued(path: Path) -> list[tuple[Any, ...]]:
    with closing(sqlite3.connect(path)) as con:
        return sorted(con.execute(f"SELECT {COLUMNS} FROM care_reminders"))


async def test_the_planning_thread_queues_exactly_what_the_row_by_row_path_queued(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path, before = tmp_path / "new.sqlite3", tmp_path / "before.sqlite3"
    await registry(path, 3000)
    shutil.copy(path, before)
    # small chunks and batches: many chunks planned while earlier ones are being inserted
    monkeypatch.setattr(planning, "READ_CHUNK", 777)
    monkeypatch.setattr(planning, "PLAN_BATCH", 101)
    s = await Storage.open(path)
    added = await plan(s, DAY)
    await s.close()

    old = await Storage.open(before)  # the path before: the pure planner, then executemany row by row
    reg = old.registry
    rows = plan_rows(DAY, await reg.assignment_rows(), await reg.last_visits(), await reg.follow_ups())
    assert await old.reminders.add_rows(rows) == len(rows)
    await old.close()

    assert added == len(rows) > 10_000
    assert {r[2] for r in rows} >= {"festival:spring", "phone_call", "home_visit", "follow_up"}
    assert queued(path) == queued(before)  # same rows, same values, same SQL types
    s = await Storage.open(path)
    assert await plan(s, DAY) == 0  # planning the day again adds nothing (unique)
    await s.close()


async def test_a_family_or_contact_deleted_while_planning_leaves_no_reminders(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "forget.sqlite3"
    await registry(path, 600)
    monkeypatch.setattr(planning, "READ_CHUNK", 300)
    with sqlite3.connect(path) as con:
        family = 500  # read in a later chunk, after the deletion
        contact = con.execute("SELECT contact_id FROM care_assignments WHERE family_id = 2").fetchone()[0]
        taken_off = con.execute("SELECT family_id, MIN(contact_id) FROM care_assignments WHERE family_id > 400"
                                " GROUP BY family_id HAVING COUNT(*) >= 2 LIMIT 1").fetchone()
    seen: list[set[int]] = []

    def planner_that_sees_a_deletion(*args: Any) -> list[tuple[int, int, str, str, str]]:
        if not seen:  # the registry was read; now an admin forgets a family, an import is undone
            with sqlite3.connect(path) as other:
                other.execute("PRAGMA foreign_keys=ON")
                other.execute("DELETE FROM care_families WHERE id = ?", (family,))
                other.execute("DELETE FROM care_contacts WHERE id = ?", (contact,))
                other.execute("DELETE FROM care_assignments WHERE family_id = ? AND contact_id = ?", taken_off)
        seen.append({a[0] for a in args[1]} | {a[3] for a in args[1]})
        return plan_rows(*args)

    s = await Storage.open(path)
    added = await s.reminders.plan_beside(DAY, None, planner_that_sees_a_deletion)
    await s.close()

    assert any(family in ids for ids in seen) and contact in seen[0]  # both were planned from the snapshot
    with sqlite3.connect(path) as con:
        assert con.execute("SELECT COUNT(*) FROM care_reminders WHERE family_id = ? OR contact_id = ?",
                           (family, contact)).fetchone()[0] == 0
        assert con.execute("SELECT COUNT(*) FROM care_reminders WHERE family_id = ? AND contact_id = ?",
                           taken_off).fetchone()[0] == 0  # unassigned meanwhile (admin unassign)
        assert con.execute("SELECT COUNT(*) FROM care_reminders WHERE family_id = ?",
                           (taken_off[0],)).fetchone()[0] > 0  # the family's other contacts keep theirs
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        assert con.execute("SELECT COUNT(*) FROM care_reminders").fetchone()[0] == added > 1000
        assert con.execute("SELECT count FROM care_deletions").fetchone()[0] >= 3


KILLED_PLAN = """
import asyncio, datetime as dt, sys
from bot.reminders.delivery import plan
from bot.storage import Storage, planning
planning.PLAN_TXN_SECONDS = 0.005  # many transactions: the kill lands between or inside one

async def main():
    s = await Storage.open(sys.argv[1])
    await plan(s, dt.date(2027, 2, 5))

asyncio.run(main())
"""


def test_kill_9_while_planning_leaves_a_consistent_queue_the_next_plan_completes(tmp_path: Path) -> None:
    path, reference = tmp_path / "killed.sqlite3", tmp_path / "reference.sqlite3"
    asyncio.run(registry(path, 20_000))
    shutil.copy(path, reference)
    child = subprocess.Popen([sys.executable, "-c", KILLED_PLAN, str(path)], cwd=Path(__file__).parents[2])
    counted = 0
    deadline = time.monotonic() + 60
    while counted < 1000 and time.monotonic() < deadline and child.poll() is None:
        time.sleep(0.005)
        try:
            with sqlite3.connect(path, timeout=0.1) as con:
                counted = con.execute("SELECT COUNT(*) FROM care_reminders").fetchone()[0]
        except sqlite3.OperationalError:
            continue
    os.kill(child.pid, signal.SIGKILL)
    child.wait(10)

    async def plan_file(file: Path) -> int:
        s = await Storage.open(file)
        try:
            return await plan(s, DAY)
        finally:
            await s.close()

    full = asyncio.run(plan_file(reference))
    with sqlite3.connect(path) as con:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        left = con.execute("SELECT COUNT(*) FROM care_reminders").fetchone()[0]
    assert 0 < left < full  # killed in the middle of the plan
    assert asyncio.run(plan_file(path)) == full - left  # the next plan adds exactly what was missing
    assert queued(path) == queued(reference)


async def test_a_contact_taken_off_a_family_is_not_reminded_of_their_old_follow_up(tmp_path: Path) -> None:
    """A visit asked for a follow-up in 7 days; the next day the office unassigns that contact.
    The follow-up is not planned for them (the family's other contacts keep their reminders)."""
    path = tmp_path / "unassign.sqlite3"
    s = await Storage.open(path)
    family = await s.registry.add_family("王家", "kaifeng")
    leaving = await s.registry.add_contact("赵干部", "village_cadre", telegram_id=801)
    staying = await s.registry.add_contact("钱干部", "health_cadre", telegram_id=802)
    for contact in (leaving, staying):
        await s.registry.assign(family, contact, DAY - dt.timedelta(days=100))
    with closing(sqlite3.connect(path)) as con, con:
        con.execute("INSERT INTO care_visits (family_id, contact_id, day, kind, outcome, follow_up_days, logged_at)"
                    " VALUES (?, ?, ?, 'phone_call', 'need', 7, 'x')", (family, leaving, (DAY - dt.timedelta(days=7))
                                                                         .isoformat()))
    assert await s.registry.unassign(family, leaving) is not None
    await s.reminders.plan_beside(DAY, None, plan_rows)
    kinds = {(r.contact_id, r.kind) for r in await s.reminders.all()}
    assert not any(contact == leaving for contact, _ in kinds)
    assert any(contact == staying for contact, _ in kinds)
    assert [f for f in await s.registry.follow_ups() if f[1] == leaving] == []
    await s.close()
