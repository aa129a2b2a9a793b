"""Issue 27 part 4 made the first plan cheaper (short reads, checkpoints, planner stamps); it
must plan exactly the reminders it planned before. The digests below are of the rows the
code before that change (branch merge2, commit 7d86b71) queued for this registry: a first
plan inside the Spring Festival window, the next days' increments, and a full plan later
when the Mid-Autumn window opens, through visits and follow-ups."""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
from contextlib import closing
from pathlib import Path

from bot.reminders.delivery import plan
from bot.storage import Storage
from tests.bot.test_planning_insert import registry

# (day planned, the day before it that was planned last or None): digest of every queued row after it
STEPS = [(dt.date(2027, 2, 5), None), (dt.date(2027, 2, 6), dt.date(2027, 2, 5)),
         (dt.date(2027, 3, 20), dt.date(2027, 2, 6)), (dt.date(2027, 9, 10), None)]
DIGESTS = ["fba02fda1c959a62:6950", "4d313a3a51468ee5:6986", "1d12e3da18ef9ecd:7898", "eb9c94bde15db40c:12966"]


def digest(path: Path) -> str:
    with closing(sqlite3.connect(path)) as con:
        rows = sorted(con.execute("SELECT family_id, contact_id, kind, due_date, send_after FROM care_reminders"))
    return hashlib.sha256(repr(rows).encode()).hexdigest()[:16] + f":{len(rows)}"


async def test_the_same_reminders_as_before_the_issue_27_planning_changes(tmp_path: Path) -> None:
    path = tmp_path / "same.sqlite3"
    await registry(path, 2000)
    got = []
    for day, after in STEPS:
        s = await Storage.open(path)
        await plan(s, day, after)
        await s.close()
        got.append(digest(path))
    assert got == DIGESTS
