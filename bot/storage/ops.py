"""Operations: online backup, restore, status, data retention, forgetting a family, and the
WAL checkpoint that makes deletions final on disk."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import hashlib
import shutil
import sqlite3
import urllib.parse
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from bot.storage.audit import record_in
from bot.storage.db import Database, PgDatabase, ProcessLock, StorageError, make_private, sidecars
from bot.storage.migrations import LIANXIN_TABLE, SCHEMA_VERSION
from bot.storage.reminders import Reminders


def _read_only_uri(path: Path) -> str:
    """A `file:` URI for `path`: quoted, so a '#' or '?' in a folder name is part of the path
    (unquoted, SQLite reads it as the start of a fragment or query and opens another file)."""
    return "file:" + urllib.parse.quote(str(path.resolve())) + "?mode=ro"


class Ops:
    def __init__(self, db: Database, reminders: Reminders) -> None:
        self._db = db
        self._reminders = reminders

    @contextlib.asynccontextmanager
    async def leading(self, name: str) -> AsyncIterator[bool]:
        """Whether this process does `name` now (True) or another process is at it (False).
        SQLite: always True (one process: the bot holds the database's lock file). PostgreSQL:
        a session advisory lock tried once, held until the block ends and released by the
        server if the process dies, so several senders plan and escalate one at a time."""
        if not isinstance(self._db, PgDatabase):
            yield True
            return
        key = int.from_bytes(hashlib.sha256(f"lianxin:{name}".encode()).digest()[:8], "big", signed=True)
        async with self._db.connection() as con:
            row = await (await con.execute("SELECT pg_try_advisory_lock(%s)", (key,))).fetchone()
            got = bool(row and row[0])
            try:
                yield bool(got)
            finally:
                if got:
                    await con.execute("SELECT pg_advisory_unlock(%s)", (key,))

    async def checkpoint(self) -> None:
        """Copy the WAL into the main file and truncate it: after a deletion (with secure_delete
        on) no copy of the deleted rows stays readable in `-wal`."""
        await self._db.pragma("wal_checkpoint(TRUNCATE)")

    async def backup(self, target: Path | str) -> None:
        """An online copy with SQLite's backup API: consistent, and safe while the bot writes
        (its own read connection in a worker thread; WAL lets it read beside the writer).
        The copy is 0600 from its first byte, `.partial` included."""
        target = Path(target)
        if isinstance(self._db, PgDatabase):  # pg_dump -Fc (pg_backup.py)
            from bot.storage.pg_backup import pg_dump_backup

            await asyncio.to_thread(pg_dump_backup, self._db.url, target)
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(target.name + ".partial")
        tmp.unlink(missing_ok=True)
        source_path = self._db.path

        def copy() -> None:
            make_private(tmp)
            source = sqlite3.connect(source_path, timeout=30)
            dest = sqlite3.connect(tmp)
            try:
                source.backup(dest)
            finally:
                dest.close()
                source.close()

        await asyncio.to_thread(copy)
        tmp.replace(target)  # a half-written backup never carries the final name

    async def set_meta(self, key: str, value: str) -> None:
        await self._db.write("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET"
                             " value = excluded.value", (key, value))

    async def get_meta(self, key: str) -> str | None:
        value = await self._db.scalar("SELECT value FROM meta WHERE key = ?", (key,))
        return str(value) if value is not None else None

    async def _postgres_status(self) -> dict[str, Any]:
        """PostgreSQL's size and, when this role may read it, replication: on a primary each
        standby's replay lag (pg_stat_replication), on a standby how far behind it is."""
        db = self._db
        size = int(await db.scalar("SELECT pg_database_size(current_database())") or 0)
        replication: list[str] | str | None = None
        try:
            if await db.scalar("SELECT pg_is_in_recovery()"):
                lag = await db.scalar("SELECT EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())")
                replication = f"standby, {float(lag):.1f} s behind the primary" if lag is not None else "standby"
            else:
                rows = await db.all("SELECT application_name, client_addr, state,"
                                    " EXTRACT(EPOCH FROM replay_lag) FROM pg_stat_replication")
                standbys = [(f"{r[0] or '-'} {r[1] or 'local'} {r[2]}", r[3]) for r in rows]
                replication = [f"{name}, replay lag {float(lag):.1f} s" if lag is not None else name
                               for name, lag in standbys] or "no standby connected"
        except Exception:  # not allowed to read it (pg_monitor): said, not fatal
            replication = "not readable by this role (grant pg_monitor)"
        version = await db.scalar("SHOW server_version")
        return {"database_kind": f"postgresql {version}", "database": str(db.path), "size_bytes": size,
                "replication": replication}

    async def status(self) -> dict[str, Any]:
        """What an operator checks: kind, size, schema, counts, pending reminders, last send."""
        from bot.storage.migrations import schema_version

        if isinstance(self._db, PgDatabase):
            head = await self._postgres_status()
        else:
            path = self._db.path
            size = sum(p.stat().st_size for p in (path, sidecars(path)[0]) if p.exists())
            head = {"database_kind": "sqlite", "database": str(path), "size_bytes": size}
        open_, escalated = await self._reminders.counts()
        return {
            **head,
            "schema_version": await schema_version(self._db),
            "users": await self._db.scalar("SELECT COUNT(*) FROM users"),
            "families": await self._db.scalar("SELECT COUNT(*) FROM care_families"),
            "contacts": await self._db.scalar("SELECT COUNT(*) FROM care_contacts"),
            "pending_reminders": open_,
            "escalated_reminders": escalated,
            "last_successful_send": await self.get_meta("last_send"),
            "last_reminder_round": await self.get_meta("last_tick"),
            # WeChat / WeCom error codes (code, count, last time; never who): 45015 = the 48-hour
            # window had passed, 43004 = unfollowed, 45009 / 45047 = rate limits, 40164 = IP not allowed
            "platform_errors": [f"{r['platform']} {r['code']} x{r['count']} (last {r['last_at'][:16]})" for r in
                                await self._db.all("SELECT platform, code, count, last_at FROM platform_errors "
                                                   "ORDER BY last_at DESC LIMIT 20")],
        }

    async def apply_retention(self, now: dt.datetime, notes_days: int, dialog_days: int, reminder_days: int,
                              audit_days: int) -> dict[str, int]:
        """Delete what is no longer needed (see README, data retention). Returns counts."""
        def cutoff(days: int) -> str:
            return (now - dt.timedelta(days=days)).isoformat()

        done: dict[str, int] = {}
        async with self._db.transaction() as tx:
            for name, sql, days in (
                ("visit_notes", "UPDATE care_visits SET notes = '' WHERE notes != '' AND logged_at < ?", notes_days),
                ("conversations", "DELETE FROM dialogs WHERE updated_at < ?", dialog_days),
                ("reminders", "DELETE FROM care_reminders WHERE status IN ('done', 'escalated') AND created_at < ?",
                 reminder_days),
                ("audit", "DELETE FROM audit_log WHERE at < ?", audit_days),
            ):
                done[name] = (await tx.execute(sql, (cutoff(days),))).rowcount
            # a conversation's state is kept as long as a conversation (each chat channel's row)
            done["conversations"] += (await tx.execute("DELETE FROM chat_states WHERE updated_at < ?",
                                                       (cutoff(dialog_days),))).rowcount
        if any(done.values()):
            await self.checkpoint()
        return done

    async def forget_family(self, family_id: int, actor: int) -> bool:
        """An admin's `forget FAMILY`: the family, its assignments, visits and reminders."""
        async with self._db.transaction() as tx:
            deleted = await tx.execute("DELETE FROM care_families WHERE id = ?", (family_id,))
            if deleted.rowcount:
                await record_in(tx, actor, "forget_family", None, "forgotten")
        if deleted.rowcount:
            await self.checkpoint()
        return deleted.rowcount == 1


def check_backup(backup: Path) -> None:
    """Refuses anything but an intact Lianxin database this version understands."""
    if not backup.is_file():
        raise StorageError(f"backup {backup} does not exist")
    if backup.stat().st_size == 0:
        raise StorageError(f"backup {backup} is empty (0 bytes)")
    try:
        con = sqlite3.connect(_read_only_uri(backup), uri=True)
        try:
            ok = con.execute("PRAGMA integrity_check").fetchone()[0]
            version = con.execute("PRAGMA user_version").fetchone()[0]
            tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        raise StorageError(f"backup {backup} is not a SQLite database ({exc})") from None
    if ok != "ok":
        raise StorageError(f"backup {backup} is damaged: {ok}")
    if version > SCHEMA_VERSION:
        raise StorageError(f"backup {backup} has schema {version}, newer than this program ({SCHEMA_VERSION})")
    if version == 0 or LIANXIN_TABLE not in tables:
        raise StorageError(f"backup {backup} is not a Lianxin database (a SQLite file of another program)")


def _keep_current(database: Path) -> Path:
    """Copy the current database, *with* what is still only in its -wal file, beside it."""
    kept = database.with_name(database.name + ".before-restore")
    for old in (kept, *sidecars(kept)):
        old.unlink(missing_ok=True)
    make_private(kept)
    try:
        src, dest = sqlite3.connect(database), sqlite3.connect(kept)
        try:
            src.backup(dest)  # reads through the WAL: the newest data is in the copy
        finally:
            dest.close()
            src.close()
    except sqlite3.DatabaseError:  # too damaged to read: keep the files byte for byte
        shutil.copyfile(database, kept)
        wal = sidecars(database)[0]
        if wal.exists():
            shutil.copyfile(wal, sidecars(kept)[0])
            make_private(sidecars(kept)[0])
    return kept


def restore(backup: Path | str, database: Path | str) -> Path | None:
    """Replace the database with a backup. Refused while the bot runs (it holds the database's
    lock file for its whole life). The current database, including its -wal, is kept as
    `<name>.before-restore`; returns that path (None if there was no database)."""
    backup, database = Path(backup), Path(database)
    check_backup(backup)
    lock = ProcessLock(database)
    database.parent.mkdir(parents=True, exist_ok=True)
    if not lock.acquire():
        raise StorageError(f"the bot is running on {database} (it holds {lock.path}); stop it first")
    try:
        kept = _keep_current(database) if database.exists() and database.stat().st_size else None
        make_private(database)
        src, dest = sqlite3.connect(_read_only_uri(backup), uri=True), sqlite3.connect(database)
        try:
            src.backup(dest)  # written through SQLite: the old -wal is replaced, never half-applied
            dest.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            src.close()
            dest.close()
    finally:
        lock.release()
    return kept
