"""The reminders planned for a generated registry, pinned: a first plan inside the Spring
Festival window, the next days' increments, and a full plan when the Mid-Autumn window opens,
through visits and follow-ups. The digests are of the rows the planner queued at commit
7d86b71 (before issue 27); a change to how planning reads, plans or inserts (issue 27 part 4
tried several, and the PostgreSQL backend plans on another database) must queue exactly these
rows: same family, contact, kind, due date and send time."""

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


async def test_planning_queues_exactly_the_pinned_reminders(tmp_path: Path) -> None:
    path = tmp_path / "same.sqlite3"
    await registry(path, 2000)
    got = []
    for day, after in STEPS:
        s = await Storage.open(path)
        await plan(s, day, after)
        await s.close()
        got.append(digest(path))
    assert got == DIGESTS
