"""PostgreSQL beside SQLite (issue 27), against a real throwaway server (tests/pg.py): several
senders on one database, moving a SQLite deployment across, migrate, backups and restore,
status, and the web's several workers."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import psycopg

from bot.reminders.delivery import tick
from bot.storage import SCHEMA_VERSION, Storage
from tests.bot.test_reminders import FakeSender, at, registry

ROOT = Path(__file__).resolve().parents[2]


def cli(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "TELEGRAM_", "WEB_", "WECHAT_", "WECOM_"))}
    environ.update(env, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=ROOT, env=environ, capture_output=True, text=True,
                          timeout=300)


async def test_two_senders_at_once_send_no_reminder_twice_and_lose_no_visit(pg_url: str) -> None:
    """A reminder round end to end on PostgreSQL: 60 families planned, two senders (two
    processes' storages) ticking at the same moment, every reminder sent exactly once; the
    contacts then log their visits from both at once: every visit kept, none twice."""
    first = await registry(pg_url, families=60)
    second = await Storage.open(pg_url)
    a, b = FakeSender(), FakeSender()
    await asyncio.gather(tick(first, a, at("2027-01-31")), tick(second, b, at("2027-01-31")))
    sent = [r.id for _, r, _, _ in a.sent + b.sent]
    assert len(sent) == len(set(sent)) == 60  # one phone call per family, each sent once
    assert len(await first.reminders.all()) == 60  # planned once (unique key, one planner at a time)
    await asyncio.gather(tick(first, a, at("2027-01-31", 11)), tick(second, b, at("2027-01-31", 11)))
    assert len(a.sent) + len(b.sent) == 60  # nothing sent again

    reminders = await first.reminders.all()
    halves = [(first, reminders[0::2]), (second, reminders[1::2])]

    async def log(storage: Storage, rows: list[Any]) -> list[int | None]:
        return [await storage.reminders.log_visit(r, dt.date(2027, 1, 31), "ok", "", None) for r in rows]

    logged = await asyncio.gather(*(log(s, rows) for s, rows in halves), *(log(s, rows) for s, rows in halves[::-1]))
    assert sum(1 for batch in logged for v in batch if v is not None) == 60  # the replays added nothing
    assert int(await first._db.scalar("SELECT COUNT(*) FROM care_visits")) == 60
    assert {r.status for r in await second.reminders.all()} == {"done"}
    await first.close()
    await second.close()


async def test_the_write_lock_holds_across_processes_invites_redeemed_once(pg_url: str) -> None:
    storages = [await Storage.open(pg_url) for _ in range(3)]
    codes = [await storages[0].users.create_invite("staff", 1) for _ in range(5)]
    results = await asyncio.gather(*(s.users.redeem_invite(code, 100 + i * 10 + j)
                                     for code in codes for j, s in enumerate(storages) for i in [codes.index(code)]))
    assert sum(r is not None for r in results) == 5  # each code once, whichever process won
    for s in storages:
        await s.close()


def _seed(path: Path) -> None:
    async def seed() -> None:
        s = await registry(path, families=25)
        await tick(s, FakeSender(), at("2027-01-31"))
        await s.users.create_invite("staff", 7)
        await s.close()

    asyncio.run(seed())


def test_data_move_copies_every_table_counted_and_refuses_a_non_empty_target(tmp_path: Path, pg_url: str) -> None:
    source = tmp_path / "old.sqlite3"
    _seed(source)
    moved = cli("data", "move", "--to", pg_url, BOT_DATABASE=str(source))
    assert moved.returncode == 0, moved.stderr
    lines = {line.split()[0]: line.split()[1:] for line in moved.stdout.splitlines()[1:-1]}
    assert lines["care_families"] == ["25", "25"] and lines["care_reminders"] == ["25", "25"]
    assert all(before == after for before, after in lines.values())
    again = cli("data", "move", "--to", pg_url, BOT_DATABASE=str(source))
    assert again.returncode == 2 and len(again.stderr.strip().splitlines()) == 1 and "not empty" in again.stderr

    async def use() -> None:  # the moved database works, and new ids follow the moved ones
        s = await Storage.open(pg_url)
        assert len(await s.reminders.all()) == 25
        assert await s.registry.add_family("新家庭", "kaifeng") == 26
        await s.close()

    asyncio.run(use())


def test_migrate_creates_then_has_nothing_to_apply(pg_url: str) -> None:
    first = cli("migrate", BOT_DATABASE_URL=pg_url)
    assert first.returncode == 0 and f"applied migrations 1-{SCHEMA_VERSION}" in first.stdout, first.stderr
    second = cli("migrate", BOT_DATABASE_URL=pg_url)
    assert second.returncode == 0 and "nothing to apply" in second.stdout
    with psycopg.connect(pg_url) as con:
        assert con.execute("SELECT version FROM lianxin_schema").fetchone() == (SCHEMA_VERSION,)


def test_backup_and_restore_with_pg_dump_and_status(tmp_path: Path, pg_url: str) -> None:
    source = tmp_path / "old.sqlite3"
    _seed(source)
    assert cli("data", "move", "--to", pg_url, BOT_DATABASE=str(source)).returncode == 0
    dump = tmp_path / "lianxin.dump"
    backed = cli("admin", "backup", str(dump), BOT_DATABASE_URL=pg_url)
    assert backed.returncode == 0, backed.stderr
    assert dump.stat().st_mode & 0o777 == 0o600
    with psycopg.connect(pg_url) as con:
        con.execute("DELETE FROM care_families WHERE id > 5")
    restored = cli("admin", "restore", str(dump), BOT_DATABASE_URL=pg_url)
    assert restored.returncode == 0, restored.stderr
    with psycopg.connect(pg_url) as con:
        assert con.execute("SELECT COUNT(*) FROM care_families").fetchone() == (25,)
        assert con.execute("SELECT COUNT(*) FROM care_reminders").fetchone() == (25,)
    status = cli("admin", "status", "--json", BOT_DATABASE_URL=pg_url)
    assert status.returncode == 0, status.stderr
    assert '"database_kind": "postgresql' in status.stdout and '"families": 25' in status.stdout
    assert '"replication": "no standby connected"' in status.stdout

    async def hold() -> None:  # restore is refused while the bot (a Lianxin connection) is on the database
        s = await Storage.open(pg_url)
        refused = await asyncio.to_thread(cli, "admin", "restore", str(dump), BOT_DATABASE_URL=pg_url)
        await s.close()
        assert refused.returncode == 2 and "stop them first" in refused.stderr

    asyncio.run(hold())


def test_web_workers_need_postgresql(tmp_path: Path) -> None:
    refused = cli("web", "--workers", "2", "--port", "1", BOT_DATABASE=str(tmp_path / "x.sqlite3"))
    assert refused.returncode == 2 and "needs PostgreSQL" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1


def test_two_web_workers_serve_one_port_against_postgresql(pg_url: str, tmp_path: Path) -> None:
    import signal
    import socket
    import time
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "TELEGRAM_", "WEB_", "WECHAT_", "WECOM_"))}
    environ.update(PYTHONPATH=str(ROOT), BOT_DATABASE_URL=pg_url, WEB_STATE_KEY="k" * 40)
    server = subprocess.Popen([sys.executable, "-m", "bot", "web", "--workers", "2", "--port", str(port)], cwd=ROOT,
                              env=environ, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        answered = 0
        while time.monotonic() < deadline and answered < 20:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/desk", timeout=5) as response:
                    answered += response.status == 200
            except OSError:
                time.sleep(0.2)
        assert answered == 20
        children = subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True, text=True).stdout.split()
        assert len(children) == 2  # two worker processes under the one that bound the port
    finally:
        server.send_signal(signal.SIGTERM)
        _out, err = server.communicate(timeout=60)
    assert server.returncode == 0, err
    with psycopg.connect(pg_url) as con:  # both opened the one database (migrated once)
        assert con.execute("SELECT version FROM lianxin_schema").fetchone() == (SCHEMA_VERSION,)


async def test_planning_on_postgresql_equals_the_row_by_row_path_and_drops_a_family_forgotten_meanwhile(
        new_db: Any) -> None:
    from bot.reminders.planner import plan_rows
    from bot.storage import planning

    if new_db.backend != "postgresql":  # SQLite's own tests: test_planning_insert.py
        return
    day = dt.date(2027, 2, 3)
    s = await registry(new_db(), families=200, since="2026-10-01")
    reference = await registry(new_db(), families=200, since="2026-10-01")
    reg = reference.registry
    rows = plan_rows(day, await reg.assignment_rows(), await reg.last_visits(), await reg.follow_ups())
    await reference.reminders.add_rows(rows)
    other = await Storage.open(s._db.url)  # type: ignore[attr-defined]  # another connection
    forgotten: list[int] = []

    def planner(*args: Any) -> list[tuple[int, int, str, str, str]]:
        if not forgotten and args[1]:  # the registry was read; an admin forgets a family now
            family = args[1][-1][0]
            asyncio.run_coroutine_threadsafe(other.ops.forget_family(family, 1), loop).result(30)
            forgotten.append(family)
        return plan_rows(*args)

    loop = asyncio.get_running_loop()
    original = planning.READ_CHUNK
    planning.READ_CHUNK = 150
    try:
        added = await s.reminders.plan_beside(day, None, planner)
    finally:
        planning.READ_CHUNK = original
    keys = {(r.family_id, r.contact_id, r.kind, r.due_date) for r in await s.reminders.all()}
    expected = {(r.family_id, r.contact_id, r.kind, r.due_date) for r in await reference.reminders.all()
                if r.family_id not in forgotten}
    assert forgotten and keys == expected and added == len(keys) > 0
    assert await s.reminders.plan_beside(day, None, plan_rows) == 0  # planning again adds nothing
    for storage in (s, reference, other):
        await storage.close()
