"""Incremental planning (the last planned day kept in the database) creates exactly what a
full plan of every day would: same rows, through festivals, visits and follow-ups."""

from __future__ import annotations

import datetime as dt
import random
import sqlite3
from pathlib import Path
from typing import Any

from bot.reminders.delivery import PLANNED_ON, plan, tick
from bot.reminders.planner import SHANGHAI
from bot.storage import Storage
from tests.bot.test_reminders import FakeSender

CITY_ROLES = {"kaifeng": ["township_leader", "health_cadre", "village_cadre", "volunteer"],
              "ankang": ["village_cadre", "volunteer"], "linyi": ["village_cadre", "volunteer"],
              "jiangyan": ["township_leader", "village_cadre"], "liuzhou": ["township_leader", "village_cadre"]}


async def registry(path: Path | str) -> Storage:
    s = await Storage.open(path)
    rng = random.Random(15)
    for n in range(40):
        code = list(CITY_ROLES)[n % 5]
        family = await s.registry.add_family(f"家庭{n}", code, old_sick=rng.random() < 0.3)
        since = dt.date(2026, 12, 1) + dt.timedelta(days=rng.randrange(90))
        for role in CITY_ROLES[code]:
            contact = await s.registry.add_contact(f"{role}{n}", role, telegram_id=10_000 + n * 10 + len(role))
            await s.registry.assign(family, contact, since)
    return s


def key_set(rows: list) -> set[tuple[int, int, str, dt.date]]:
    return {(r.family_id, r.contact_id, r.kind, r.due_date) for r in rows}


async def test_daily_increments_equal_full_plans_through_visits_and_festivals(new_db: Any) -> None:
    incremental = await registry(new_db())
    full = await registry(new_db())
    day = dt.date(2027, 1, 1)
    last = None
    for _ in range(150):  # January to June: Spring Festival, recurring calls and visits, follow-ups
        await plan(incremental, day, after=last)
        await plan(full, day)
        assert key_set(await incremental.reminders.all()) == key_set(await full.reminders.all()), day
        # some families are visited the day a reminder falls due, a third of them asking for a follow-up
        for s in (incremental, full):
            for r in await s.reminders.all():
                if r.due_date == day and r.status != "done" and r.family_id % 2 == 0:
                    await s.reminders.log_visit(r, day, "need" if r.family_id % 3 == 0 else "ok", "",
                                                7 if r.family_id % 3 == 0 else None)
        last = day
        day += dt.timedelta(days=1)
    assert len(await full.reminders.all()) > 200
    await incremental.close()
    await full.close()


async def test_a_restart_does_not_plan_again(tmp_path: Path) -> None:
    s = await registry(tmp_path / "r.sqlite3")
    now = dt.datetime(2027, 2, 3, 10, tzinfo=SHANGHAI)
    first = await tick(s, FakeSender(), now)
    assert first.planned > 0
    await s.close()
    with sqlite3.connect(tmp_path / "r.sqlite3") as con:  # a planned row removed: a re-plan would bring it back
        con.execute("DELETE FROM care_reminders WHERE id = (SELECT MAX(id) FROM care_reminders)")
    before = first.planned - 1
    s = await Storage.open(tmp_path / "r.sqlite3")  # the bot restarts the same day
    assert await s.ops.get_meta(PLANNED_ON) == "2027-02-03"
    assert (await tick(s, FakeSender(), now + dt.timedelta(hours=1))).planned == 0
    assert len(await s.reminders.all()) == before
    assert (await tick(s, FakeSender(), now + dt.timedelta(days=1))).planned >= 0  # the next day plans again
    assert await s.ops.get_meta(PLANNED_ON) == "2027-02-04"
    await s.close()
