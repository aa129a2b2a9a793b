"""The console's inspection reports on a large city: 10,000 families in 20 townships, three
contacts each, a year of reminders (monthly calls, quarterly home visits, two festivals) with
about four in five done and logged as visits, some escalated, undeliverable or urgent.

Setup (bulk insert) is not measured. Measured: each report's figures (the function behind
the page and `python -m bot admin report`), and the whole monthly page over HTTP (sign-in
cookie, audit, template) as an office PC would get it.

    python benchmarks/reports_scale.py [FAMILIES]   (default 10000)

Ends with machine-readable lines: `monthly_s`, `monthly_page_s`, `quarter_page_s`,
`festival_page_s` (median of 5 runs each).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx

from bot.operations.access import link_path
from bot.reminders import reports
from bot.reminders.planner import SHANGHAI
from bot.settings import Settings
from bot.storage import Role, Storage
from bot.web import office_reports
from bot.web.app import create_app

YEAR = 2026
NOW = dt.datetime(2026, 12, 10, 10, tzinfo=SHANGHAI)
ADMIN = 1


def _utc(day: dt.date) -> str:
    return dt.datetime.combine(day, dt.time(2), dt.UTC).isoformat(timespec="seconds")


async def seed(path: Path, families: int) -> None:
    storage = await Storage.open(path)
    await storage.users.ensure(ADMIN)
    await storage.users.set_role(ADMIN, Role.ADMIN)
    await storage.close()
    con = sqlite3.connect(path)
    rng = random.Random(17)
    stamp = "2026-01-01T00:00:00+00:00"
    con.executemany("INSERT INTO care_families (id, alias, jurisdiction, township, village, created_at)"
                    " VALUES (?, ?, 'kaifeng', ?, ?, ?)",
                    [(i, f"家庭{i}", f"第{i % 20}镇", f"村{i % 300}", stamp) for i in range(1, families + 1)])
    roles = ("township_leader", "health_cadre", "village_cadre")
    contacts = max(1, families // 10)  # each contact serves about ten families
    con.executemany("INSERT INTO care_contacts (id, name, role, telegram_id, created_at) VALUES (?, ?, ?, ?, ?)",
                    [(r * contacts + i + 1, f"联系人{r}-{i}", role, 10_000_000 + r * contacts + i, stamp)
                     for r, role in enumerate(roles) for i in range(contacts)])
    con.executemany("INSERT INTO care_assignments (family_id, contact_id, position, since) VALUES (?, ?, ?, ?)",
                    [(f, r * contacts + f % contacts + 1, r + 1, "2026-01-01")
                     for f in range(1, families + 1) for r in range(3)])
    reminders: list[tuple[Any, ...]] = []
    visits: list[tuple[Any, ...]] = []
    rid = 0
    festivals = (dt.date(2026, 2, 17), dt.date(2026, 9, 25))
    for f in range(1, families + 1):
        leader, health, village = (r * contacts + f % contacts + 1 for r in range(3))
        plan = [(village, "phone_call", dt.date(YEAR, m, 1 + f % 28)) for m in range(1, 13)]
        plan += [(health, "home_visit", dt.date(YEAR, m, 1 + f % 28)) for m in (2, 5, 8, 11)]
        plan += [(leader, "festival:spring", festivals[0]), (leader, "festival:mid_autumn", festivals[1])]
        if f % 200 == 0:
            plan.append((village, "urgent", dt.date(YEAR, 11, 3 + f % 20)))
        for contact, kind, due in plan:
            if due > NOW.date():
                continue
            rid += 1
            done = rng.random() < 0.8
            escalated = not done and rng.random() < 0.3
            reminders.append((rid, f, contact, kind, due.isoformat(), _utc(due), "done" if done else
                              "escalated" if escalated else "sent", _utc(due + dt.timedelta(days=2)) if done else None,
                              _utc(due + dt.timedelta(days=3)) if escalated else None,
                              int(not done and rng.random() < 0.05), stamp))
            if done:
                day = due + dt.timedelta(days=rng.randint(0, 2))
                visits.append((f, contact, day.isoformat(), kind.split(":")[0], "ok", rid, _utc(day)))
    con.executemany("INSERT INTO care_reminders (id, family_id, contact_id, kind, due_date, send_after, status,"
                    " acked_at, escalated_at, undeliverable, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    reminders)
    con.executemany("INSERT INTO care_visits (family_id, contact_id, day, kind, outcome, reminder_id, logged_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?)", visits)
    con.commit()
    con.close()
    print(f"seeded {families} families, {len(reminders)} reminders, {len(visits)} visits")


async def median(runs: int, action: Callable[[], Awaitable[Any]]) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        await action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


async def measure(path: Path) -> None:
    storage = await Storage.open(path)
    office_reports.now = lambda: NOW  # type: ignore[assignment]
    monthly = await median(5, lambda: reports.monthly_report(storage, "kaifeng", 2026, 11, NOW, "benchmark"))
    app = create_app(storage=storage, settings=Settings(_env_file=None), announce_random_key=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="https://bench.test") as c:
        await c.get(link_path(await storage.office_sessions.create_link(ADMIN)))

        async def page(path: str, **params: str) -> None:
            answer = await c.get(f"/console/reports/{path}", params={"city": "kaifeng", **params})
            assert answer.status_code == 200, answer.text[:200]
            page.size = len(answer.content)  # type: ignore[attr-defined]

        monthly_page = await median(5, lambda: page("monthly", month="2026-11"))
        quarter_page = await median(5, lambda: page("quarter", year="2026", quarter="4"))
        quarter_size = page.size  # type: ignore[attr-defined]
        festival_page = await median(5, lambda: page("festivals", year="2026"))
        festival_size = page.size  # type: ignore[attr-defined]
    await storage.close()
    print(f"quarter page {quarter_size // 1024} KB, festival page {festival_size // 1024} KB (one row per family)")
    print(f"monthly_s {monthly:.3f}")
    print(f"monthly_page_s {monthly_page:.3f}")
    print(f"quarter_page_s {quarter_page:.3f}")
    print(f"festival_page_s {festival_page:.3f}")


def main() -> None:
    families = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "db.sqlite3"
        asyncio.run(seed(path, families))
        asyncio.run(measure(path))


if __name__ == "__main__":
    main()
