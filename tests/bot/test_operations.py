"""Operations: online backup and restore, migrations from every earlier version, retention,
forgetting a family, logs without personal data."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import sqlite3
from pathlib import Path

import pytest

from bot.logs import JsonFormatter
from bot.reminders.delivery import plan
from bot.storage import MIGRATIONS, SCHEMA_VERSION, Storage, restore


async def test_online_backup_while_the_bot_writes(tmp_path: Path) -> None:
    s = await Storage.open(tmp_path / "live.sqlite3")
    writing = True

    async def writer() -> int:
        n = 0
        while writing:
            n += 1
            await s.users.set_jurisdiction(n, "kaifeng")
            await asyncio.sleep(0)
        return n

    task = asyncio.create_task(writer())
    await asyncio.sleep(0.05)
    await s.ops.backup(tmp_path / "b" / "copy.sqlite3")
    writing = False
    written = await task
    con = sqlite3.connect(tmp_path / "b" / "copy.sqlite3")
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    in_backup = con.execute("SELECT COUNT(*) FROM users").fetchone()[0]
    assert 0 < in_backup <= written
    assert con.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert not (tmp_path / "b" / "copy.sqlite3.partial").exists()
    await s.close()


async def test_restore_brings_the_data_back_and_keeps_the_previous_file(tmp_path: Path) -> None:
    live = tmp_path / "live.sqlite3"
    s = await Storage.open(live)
    await s.users.set_jurisdiction(1, "linyi")
    await s.ops.backup(tmp_path / "backup.sqlite3")
    await s.users.forget(1)
    await s.users.set_jurisdiction(2, "ankang")
    await s.close()
    kept = restore(tmp_path / "backup.sqlite3", live)
    assert kept is not None and kept.exists()
    s = await Storage.open(live)
    assert (await s.users.get(1)).jurisdiction == "linyi"  # type: ignore[union-attr]
    assert await s.users.get(2) is None
    await s.close()


def test_restore_refuses_a_damaged_or_newer_backup(tmp_path: Path) -> None:
    (tmp_path / "junk.sqlite3").write_bytes(b"this is not a database" * 100)
    with pytest.raises(ValueError, match="not a SQLite database"):
        restore(tmp_path / "junk.sqlite3", tmp_path / "live.sqlite3")
    newer = tmp_path / "newer.sqlite3"
    con = sqlite3.connect(newer)
    con.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    con.close()
    with pytest.raises(ValueError, match="newer than this program"):
        restore(newer, tmp_path / "live.sqlite3")
    with pytest.raises(ValueError, match="does not exist"):
        restore(tmp_path / "missing.sqlite3", tmp_path / "live.sqlite3")
    assert not (tmp_path / "live.sqlite3").exists()  # nothing was touched


@pytest.mark.parametrize("version", range(SCHEMA_VERSION))
async def test_migrations_from_every_earlier_version_keep_the_data(tmp_path: Path, version: int) -> None:
    path = tmp_path / f"v{version}.sqlite3"
    con = sqlite3.connect(path)
    for number, sql in MIGRATIONS:
        if number <= version:
            con.executescript(sql)
    con.execute(f"PRAGMA user_version = {version}")
    if version >= 1:
        con.execute("INSERT INTO users (user_id, role, jurisdiction, consent, created_at, updated_at)"
                    " VALUES (7, 'staff', 'liuzhou', 1, 'x', 'x')")
    if version >= 2:
        con.execute("INSERT INTO care_families (alias, jurisdiction, created_at) VALUES ('王家', 'kaifeng', 'x')")
    con.commit()
    con.close()
    s = await Storage.open(path)
    assert await s.schema_version() == SCHEMA_VERSION
    if version >= 1:
        user = await s.users.get(7)
        assert user is not None and (user.role, user.jurisdiction) == ("staff", "liuzhou")
    if version >= 2:
        assert await s.registry.family_id("kaifeng", "王家") == 1
        contact = await s.registry.add_contact("赵主任", "village_cadre", telegram_id=803)
        await s.registry.assign(1, contact, dt.date(2027, 1, 1))
        assert await plan(s, dt.date(2027, 2, 5)) > 0  # the planning thread works on a migrated file
        assert await s.ops.forget_family(1, actor=7)  # counted for planning (migration 8): nothing left
        assert await s.reminders.all() == []
    await s.ops.set_meta("last_send", "now")  # the newest table works
    assert (await s.ops.status())["schema_version"] == SCHEMA_VERSION
    await s.close()


async def test_retention_deletes_what_is_old_and_keeps_the_rest(tmp_path: Path) -> None:
    s = await Storage.open(tmp_path / "r.sqlite3")
    f = await s.registry.add_family("王家", "kaifeng")
    c = await s.registry.add_contact("赵主任", "village_cadre", telegram_id=803)
    await s.reminders.add([(f, c, "phone_call", dt.date(2025, 1, 1), dt.datetime(2025, 1, 1, tzinfo=dt.UTC)),
                                (f, c, "phone_call", dt.date(2027, 1, 1), dt.datetime(2027, 1, 1, tzinfo=dt.UTC))])
    old, new = await s.reminders.all()
    await s.reminders.log_visit(old, dt.date(2025, 1, 2), "ok", "老人腿疼", None)
    await s.reminders.log_visit(new, dt.date(2027, 1, 2), "ok", "精神好", None)
    await s.users.set_consent(9, True)
    await s.conversations.save(9, "check", "tok", {})
    await s.audit.record(1, "read_family_record", 9)
    async with s._db.transaction() as db:  # age the rows
        await db.execute("UPDATE care_visits SET logged_at = '2025-01-02T00:00:00+00:00' WHERE day = '2025-01-02'")
        await db.execute("UPDATE care_reminders SET created_at = '2025-01-01T00:00:00+00:00' WHERE id = ?",
                         (old.id,))
        await db.execute("UPDATE dialogs SET updated_at = '2026-11-01T00:00:00+00:00'")
        await db.execute("UPDATE audit_log SET at = '2023-01-01T00:00:00+00:00'")
    counts = await s.ops.apply_retention(dt.datetime(2027, 2, 1, tzinfo=dt.UTC), notes_days=365, dialog_days=30,
                                     reminder_days=400, audit_days=1095)
    assert counts == {"visit_notes": 1, "conversations": 1, "reminders": 1, "audit": 1}
    visits = await s.registry.visits()
    assert [(v["day"], v["notes"]) for v in visits] == [("2025-01-02", ""), ("2027-01-02", "精神好")]
    assert [r.due_date.year for r in await s.reminders.all()] == [2027]
    assert await s.conversations.load(9) is None
    await s.close()


async def test_forget_family_deletes_everywhere(tmp_path: Path) -> None:
    s = await Storage.open(tmp_path / "r.sqlite3")
    f = await s.registry.add_family("王家", "kaifeng")
    c = await s.registry.add_contact("赵主任", "village_cadre", telegram_id=803)
    await s.registry.assign(f, c, dt.date(2027, 1, 1))
    await s.reminders.add([(f, c, "urgent", dt.date(2027, 1, 1), dt.datetime(2027, 1, 1, tzinfo=dt.UTC))])
    await s.reminders.log_visit((await s.reminders.all())[0], dt.date(2027, 1, 1), "ok", "x", None)
    await s.registry.save_family_record(f, {"eligible": "x"})
    assert await s.ops.forget_family(f, actor=900)
    for table in ("care_families", "care_assignments", "care_visits", "care_reminders"):
        assert await s._db.scalar(f"SELECT COUNT(*) FROM {table}") == 0, table
    assert not await s.ops.forget_family(f, actor=900)
    assert (await s.audit.entries())[0]["action"] == "forget_family"
    await s.close()


def test_json_logs_are_one_object_per_line_without_exception_text() -> None:
    try:
        raise RuntimeError("我家孩子走了")  # a message that could carry a user's words
    except RuntimeError:
        record = logging.LogRecord("lianxin.bot", logging.ERROR, __file__, 1, "update %s failed", (5,),
                                   exc_info=__import__("sys").exc_info())
    line = JsonFormatter().format(record)
    data = json.loads(line)
    assert data["msg"] == "update 5 failed" and data["error"] == "RuntimeError" and data["level"] == "ERROR"
    assert "孩子" not in line
