"""100,000 families with 3 contacts each: plan and enqueue one day's reminders, then send them.

The day is 2027-02-05, inside the Spring Festival window, so every family gets a festival
visit reminder on top of the phone calls and home visits falling due. Setup (bulk insert of
the registry) is not measured. Sending goes through the real Telegram sender (PTB) to the
fake Bot API server running in another process, with outgoing flood control off (with it
on, Telegram's 30 messages/s would make 100,000 reminders take about an hour: spread
festival reminders over the lead days in production).

The same run also measures the floor the first plan is held to (issue 27): a plain
`executemany` of the rows the first plan wrote, in their order, into a fresh WAL file whose
table has the reminder queue's columns and unique key (family, contact, kind, due date) and
nothing else, committing every 20,000 rows. Machines differ several-fold, so the figure to
compare across machines is first plan / floor, both from one run.

    python benchmarks/reminders_scale.py [FAMILIES] [--send N | --no-send] [--postgres | --database URL]
    (default 100000, send all; --no-send stops after planning)

Ends with machine-readable lines: `floor_s` (the raw insert), `first_plan_s` (plan and
enqueue the first day), `first_plan_over_floor`, `per_family_us` (first plan per family),
`increment_s` (the next day, incremental) and `chat_p99_ms_during_plan` (a family's read
and write on the bot's connection while the first plan runs).

PostgreSQL (issue 27): `--postgres` starts a throwaway server (tests/pg.py, PostgreSQL's own
durable defaults: fsync, synchronous_commit and full_page_writes on) in a temporary folder and
removes it after; `--database postgresql://...` uses an empty database you give (its tables are
left filled). The registry is seeded with COPY (not measured), the same plan runs through the
real code (`bot.reminders.delivery.plan`: COPY into a temporary table, INSERT ... SELECT), the
chat's read and write go through Storage (the pool) meanwhile. The floor, on the same server
in the same run: the rows the first plan wrote, in their order, into a fresh table with the
queue's columns and unique key and nothing else, a commit every 20,000 rows, once by COPY and
once by a plain psycopg `executemany` (`INSERT ... ON CONFLICT DO NOTHING`), each the faster
of two. The machine-readable lines then begin with `backend: postgresql`; `floor_s` is the
COPY floor (the fastest way in, and the one the plan itself uses) and `first_plan_over_floor`
is over it; `floor_executemany_s` and `first_plan_over_executemany_floor` follow. Without
`backend:` the lines are SQLite's.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import multiprocessing as mp
import os
import random
import resource
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.reminders.delivery import plan, tick
from bot.reminders.planner import SHANGHAI
from bot.storage import Storage
from bot.storage.db import shown_url

CODES = ("ankang", "linyi", "jiangyan", "kaifeng", "liuzhou")
ROLES = {"ankang": ["village_cadre"], "linyi": ["village_cadre"], "jiangyan": ["township_leader", "village_cadre"],
         "kaifeng": ["township_leader", "health_cadre", "village_cadre"],
         "liuzhou": ["township_leader", "village_cadre"]}


def fake_server(conn: object) -> None:
    from tests.fake_bot_api import FakeBotApi

    api = FakeBotApi().start()
    conn.send(api.base_url)  # type: ignore[attr-defined]
    conn.recv()  # type: ignore[attr-defined]
    conn.send(sum(1 for c in api.calls if c.method == "sendMessage"))  # type: ignore[attr-defined]
    api.stop()


CONTACT_COLUMNS = "id, name, role, telegram_id, created_at"
FAMILY_COLUMNS = "id, alias, jurisdiction, township, village, old_sick, created_at"
ASSIGNMENT_COLUMNS = "family_id, contact_id, position, since"
Rows = list[tuple[Any, ...]]


def registry_rows(families: int) -> tuple[Rows, Rows, Rows]:
    """The registry both backends are seeded with: contacts, families, assignments."""
    rng = random.Random(7)
    now = "2027-01-01T00:00:00+00:00"
    contacts_per_role = max(1, families // 10)  # each contact serves about 10 families per role
    contact_rows: Rows = [(i, f"联系人{i}", role, 1_000_000 + i, now)
                          for i, role in enumerate(["township_leader", "health_cadre", "village_cadre"]
                                                   * contacts_per_role, start=1)]
    fam_rows: Rows = []
    assign_rows: Rows = []
    for f in range(1, families + 1):
        code = CODES[f % 5]
        fam_rows.append((f, f"家庭{f}", code, "城关镇", "东村", int(rng.random() < 0.2), now))
        since = (dt.date(2026, 10, 1) + dt.timedelta(days=rng.randrange(120))).isoformat()
        for pos, role in enumerate(["township_leader", "health_cadre", "village_cadre"], start=1):
            offset = ["township_leader", "health_cadre", "village_cadre"].index(role)
            contact = 1 + offset + 3 * rng.randrange(contacts_per_role)
            assign_rows.append((f, contact, pos, since))
    return contact_rows, fam_rows, assign_rows


async def seed(path: Path, families: int) -> None:
    storage = await Storage.open(path)
    await storage.close()
    contact_rows, fam_rows, assign_rows = registry_rows(families)
    con = sqlite3.connect(path)
    con.executemany(f"INSERT INTO care_contacts ({CONTACT_COLUMNS}) VALUES (?, ?, ?, ?, ?)", contact_rows)
    con.executemany(f"INSERT INTO care_families ({FAMILY_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)", fam_rows)
    con.executemany(f"INSERT INTO care_assignments ({ASSIGNMENT_COLUMNS}) VALUES (?, ?, ?, ?)", assign_rows)
    con.commit()
    con.close()


async def seed_postgres(url: str, families: int) -> None:
    """The same registry into an empty PostgreSQL database: migrated by Storage.open, then
    COPY in one transaction, the identity sequences set past the ids given, and ANALYZE (a
    deployment's autovacuum keeps statistics; a fresh bulk load has none yet)."""
    import psycopg

    storage = await Storage.open(url)
    await storage.close()
    contact_rows, fam_rows, assign_rows = registry_rows(families)
    with psycopg.connect(url) as con:
        filled = [t for t in ("care_families", "care_contacts", "care_reminders")
                  if con.execute(f"SELECT EXISTS (SELECT 1 FROM {t})").fetchone()[0]]  # type: ignore[index]
        if filled:
            raise SystemExit(f"{shown_url(url)} is not empty ({', '.join(filled)} hold rows): give an empty database")
        with con.transaction():
            for table, columns, rows in (("care_contacts", CONTACT_COLUMNS, contact_rows),
                                         ("care_families", FAMILY_COLUMNS, fam_rows),
                                         ("care_assignments", ASSIGNMENT_COLUMNS, assign_rows)):
                with con.cursor().copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            for table in ("care_contacts", "care_families"):
                con.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), MAX(id) + 1, false)"
                            f" FROM {table}")
        con.execute("ANALYZE care_contacts, care_families, care_assignments")


FLOOR_COMMIT = 20_000  # rows per transaction of the raw insert (the description)
FLOOR_TABLE = """CREATE TABLE care_reminders (
    id INTEGER PRIMARY KEY AUTOINCREMENT, family_id INTEGER NOT NULL, contact_id INTEGER NOT NULL,
    kind TEXT NOT NULL, due_date TEXT NOT NULL, send_after TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending', created_at TEXT NOT NULL,
    UNIQUE (family_id, contact_id, kind, due_date))"""


def insert_floor(path: Path, rows: list[tuple[int, int, str, str, str, str]]) -> float:
    """Seconds for a plain executemany of `rows` into a fresh WAL file with the queue's unique
    key, a commit every FLOOR_COMMIT rows: what the disk and SQLite allow, nothing planned."""
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=NORMAL")
    con.execute(FLOOR_TABLE)
    sql = ("INSERT OR IGNORE INTO care_reminders (family_id, contact_id, kind, due_date, send_after, created_at)"
           " VALUES (?, ?, ?, ?, ?, ?)")
    started = time.perf_counter()
    for at in range(0, len(rows), FLOOR_COMMIT):
        con.execute("BEGIN")
        con.executemany(sql, rows[at:at + FLOOR_COMMIT])
        con.execute("COMMIT")
    elapsed = time.perf_counter() - started
    assert con.execute("SELECT COUNT(*) FROM care_reminders").fetchone()[0] == len(rows)
    con.close()
    return elapsed


PG_FLOOR_TABLE = """CREATE TABLE reminders_floor (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, family_id BIGINT NOT NULL, contact_id BIGINT NOT NULL,
    kind TEXT NOT NULL, due_date TEXT NOT NULL, send_after TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending', created_at TEXT NOT NULL,
    UNIQUE (family_id, contact_id, kind, due_date))"""
FLOOR_COLUMNS = "family_id, contact_id, kind, due_date, send_after, created_at"


def insert_floor_postgres(url: str, rows: list[tuple[int, int, str, str, str, str]], how: str) -> float:
    """Seconds to put `rows` into a fresh table with the queue's columns and unique key on the
    same server, a commit every FLOOR_COMMIT rows, by COPY or by a plain executemany (psycopg
    pipelines it); the table is dropped after."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as con:
        con.execute("DROP TABLE IF EXISTS reminders_floor")
        con.execute(PG_FLOOR_TABLE)
        sql = (f"INSERT INTO reminders_floor ({FLOOR_COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s)"
               " ON CONFLICT DO NOTHING")
        started = time.perf_counter()
        for at in range(0, len(rows), FLOOR_COMMIT):
            with con.transaction():
                if how == "copy":
                    with con.cursor().copy(f"COPY reminders_floor ({FLOOR_COLUMNS}) FROM STDIN") as copy:
                        for row in rows[at:at + FLOOR_COMMIT]:
                            copy.write_row(row)
                else:
                    con.cursor().executemany(sql, rows[at:at + FLOOR_COMMIT])
        elapsed = time.perf_counter() - started
        assert con.execute("SELECT COUNT(*) FROM reminders_floor").fetchone() == (len(rows),)
        con.execute("DROP TABLE reminders_floor")
    return elapsed


def written_rows_postgres(url: str) -> list[tuple[int, int, str, str, str, str]]:
    """`written_rows` for PostgreSQL: the first plan's rows in the order it wrote them."""
    import psycopg

    texts: dict[str, str] = {}
    with psycopg.connect(url) as con, con.cursor(name="written") as cur:
        cur.itersize = 50_000
        cur.execute(f"SELECT {FLOOR_COLUMNS} FROM care_reminders ORDER BY id")
        return [(f, c, texts.setdefault(k, k), texts.setdefault(d, d), texts.setdefault(s, s), texts.setdefault(t, t))
                for f, c, k, d, s, t in cur]


def server_settings(url: str) -> str:
    import psycopg

    with psycopg.connect(url) as con:
        version = con.execute("SHOW server_version").fetchone()[0]  # type: ignore[index]
        shown = [f"{name}={con.execute(f'SHOW {name}').fetchone()[0]}"  # type: ignore[index]
                 for name in ("fsync", "synchronous_commit", "full_page_writes", "shared_buffers", "max_wal_size")]
    return f"PostgreSQL {version} ({', '.join(shown)})"


def written_rows(path: Path) -> list[tuple[int, int, str, str, str, str]]:
    """The rows the first plan wrote, in the order it wrote them (their few distinct strings
    shared, so 3.5 million rows fit in memory)."""
    con = sqlite3.connect(path)
    try:
        texts: dict[str, str] = {}
        return [(f, c, texts.setdefault(k, k), texts.setdefault(d, d), texts.setdefault(s, s), texts.setdefault(t, t))
                for f, c, k, d, s, t in con.execute("SELECT family_id, contact_id, kind, due_date, send_after,"
                                                    " created_at FROM care_reminders ORDER BY id")]
    finally:
        con.close()


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def main(families: int, send_limit: int | None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "scale.sqlite3"
        started = time.perf_counter()
        await seed(path, families)
        print(f"setup: {families} families, {families * 3} assignments in {time.perf_counter() - started:.1f} s "
              f"(not measured below)")
        storage = await Storage.open(path)
        day = dt.date(2027, 2, 5)
        enqueued, first_plan, chat = await timed_first_plan(storage, day)
        rows = written_rows(path)
        floors = [insert_floor(Path(tmp) / f"floor{n}.sqlite3", rows) for n in range(2)]
        floor = min(floors)
        del rows
        print(f"floor: executemany of the same {enqueued} rows, unique key, WAL, commit every {FLOOR_COMMIT}: "
              f"{' and '.join(f'{f:.2f}' for f in floors)} s; first plan / floor = {first_plan / floor:.2f}; "
              f"{first_plan / families * 1e6:.1f} us a family (floor {floor / families * 1e6:.1f})")
        increment_s = await replan_and_increment(storage, day)

        if send_limit != 0:
            await send(storage, send_limit)
        await storage.close()
        report_figures(floor, first_plan, families, increment_s, chat)


async def timed_first_plan(storage: Storage, day: dt.date) -> tuple[int, float, ChatProbe]:
    """The first plan of `day`, timed, with a family chatting on the bot's connection meanwhile."""
    rss_before = rss_mib()
    chat = ChatProbe(storage)
    probe = asyncio.create_task(chat.run())
    started = time.perf_counter()
    enqueued = await plan(storage, day)
    first_plan = time.perf_counter() - started
    chat.stop = True
    await probe
    print(f"plan + enqueue one day: {enqueued} reminders in {first_plan:.2f} s; "
          f"peak RSS {rss_mib():.0f} MiB (was {rss_before:.0f} MiB before planning); "
          f"{len(chat.latencies)} chat queries meanwhile")
    return enqueued, first_plan, chat


async def replan_and_increment(storage: Storage, day: dt.date, suffix: str = "") -> float:
    """The same day planned again (nothing new), then the next day's increment; its seconds."""
    started = time.perf_counter()
    again = await plan(storage, day)
    print(f"planning the same day again (full): {again} new in {time.perf_counter() - started:.2f} s")
    started = time.perf_counter()
    increment = await plan(storage, day + dt.timedelta(days=1), after=day)
    increment_s = time.perf_counter() - started
    print(f"the next day's increment: {increment} new in {increment_s:.2f} s{suffix}")
    return increment_s


async def send(storage: Storage, send_limit: int | None) -> None:
    """Send what is due through the real Telegram sender to the fake server in another process."""
    from telegram import Bot
    from telegram.request import HTTPXRequest

    from bot.telegram.care import TelegramSender
    from tests.fake_bot_api import TOKEN

    parent, child = mp.Pipe()
    process = mp.get_context("spawn").Process(target=fake_server, args=(child,))
    process.start()
    base_url = parent.recv()
    bot = Bot(TOKEN, base_url=base_url, request=HTTPXRequest(connection_pool_size=8, pool_timeout=30))
    await bot.initialize()
    sender = TelegramSender(bot)
    if send_limit is not None:  # keep only the first N pending for a quicker run
        await storage._db.write("UPDATE care_reminders SET send_after = '2099-01-01' WHERE id > ?",
                                (send_limit,))
    started = time.perf_counter()
    report = await tick(storage, sender, dt.datetime(2027, 2, 5, 10, tzinfo=SHANGHAI))
    elapsed = time.perf_counter() - started
    await bot.shutdown()
    parent.send("stop")
    delivered = parent.recv()
    process.join()
    print(f"send: {report.sent} reminders in {elapsed:.1f} s = {report.sent / elapsed:.0f}/s "
          f"({report.late} late, errors {len(report.errors)}); fake server received {delivered}; "
          f"peak RSS {rss_mib():.0f} MiB")


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


async def main_postgres(families: int, send_limit: int | None, url: str | None) -> None:
    """The same run against PostgreSQL: `url`, or a throwaway durable server when None."""
    from tests.pg import start_server

    server = start_server(durable=True) if url is None else None
    try:
        if server is not None:
            url = server.url("reminders_scale")
        assert url is not None
        print(f"backend: {server_settings(url)}, {'throwaway server' if server else 'given database'}; "
              f"load average {load()} (1, 5, 15 min)")
        started = time.perf_counter()
        await seed_postgres(url, families)
        print(f"setup: {families} families, {families * 3} assignments in {time.perf_counter() - started:.1f} s "
              f"(COPY, not measured below)")
        storage = await Storage.open(url)
        day = dt.date(2027, 2, 5)
        enqueued, first_plan, chat = await timed_first_plan(storage, day)
        rows = written_rows_postgres(url)
        assert len(rows) == enqueued
        copies = [insert_floor_postgres(url, rows, "copy") for _ in range(2)]
        manys = [insert_floor_postgres(url, rows, "executemany") for _ in range(2)]
        floor, floor_many = min(copies), min(manys)
        del rows
        print(f"floor, the same {enqueued} rows into a table with the unique key, commit every {FLOOR_COMMIT}: "
              f"COPY {' and '.join(f'{f:.2f}' for f in copies)} s, executemany "
              f"{' and '.join(f'{f:.2f}' for f in manys)} s; first plan / floor = {first_plan / floor:.2f} "
              f"(COPY), {first_plan / floor_many:.2f} (executemany); {first_plan / families * 1e6:.1f} us a family "
              f"(floor {floor / families * 1e6:.1f} COPY, {floor_many / families * 1e6:.1f} executemany)")
        increment_s = await replan_and_increment(storage, day, f"; load average {load()}")
        if send_limit != 0:
            await send(storage, send_limit)
        await storage.close()
        print("backend: postgresql")
        report_figures(floor, first_plan, families, increment_s, chat)
        print(f"floor_executemany_s: {floor_many:.2f}")
        print(f"first_plan_over_executemany_floor: {first_plan / floor_many:.2f}")
    finally:
        if server is not None:
            server.stop()


def report_figures(floor: float, first_plan: float, families: int, increment_s: float, chat: ChatProbe) -> None:
    """Machine-readable, last: the planning figures of issues 15 and 27."""
    print(f"floor_s: {floor:.2f}")
    print(f"first_plan_s: {first_plan:.2f}")
    print(f"first_plan_over_floor: {first_plan / floor:.2f}")
    print(f"per_family_us: {first_plan / families * 1e6:.1f}")
    print(f"increment_s: {increment_s:.2f}")
    print(f"chat_p99_ms_during_plan: {chat.p99_ms():.0f}")


class ChatProbe:
    """What a family's reply does on the bot's own connection (read the user, write the
    interview state), every 10 ms while planning runs; the latencies are what they wait."""

    def __init__(self, storage: Storage) -> None:
        self.storage = storage
        self.latencies: list[float] = []
        self.stop = False

    async def run(self) -> None:
        user = 424242
        await self.storage.users.ensure(user)
        n = 0
        while not self.stop:
            started = time.perf_counter()
            await self.storage.users.get(user)
            await self.storage.users.set_jurisdiction(user, ("kaifeng", "linyi")[n % 2])
            self.latencies.append(time.perf_counter() - started)
            n += 1
            await asyncio.sleep(0.01)

    def p99_ms(self) -> float:
        if not self.latencies:
            return 0.0
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1].isdigit() else 100_000
    limit = int(sys.argv[sys.argv.index("--send") + 1]) if "--send" in sys.argv else None
    limit = 0 if "--no-send" in sys.argv else limit
    if "--postgres" in sys.argv or "--database" in sys.argv:
        given = sys.argv[sys.argv.index("--database") + 1] if "--database" in sys.argv else None
        asyncio.run(main_postgres(n, limit, given))
    else:
        asyncio.run(main(n, limit))
