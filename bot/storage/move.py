"""`python -m bot data move --to postgresql://...`: a SQLite deployment copied into an empty
PostgreSQL database, table by table in dependency order, in one PostgreSQL transaction (all
or nothing), every table counted on both sides before it commits, the identity sequences set
past the largest id after. Refused, with one line, when the target already holds data, or
while the bot runs on the SQLite file (it holds the file's lock)."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

from bot.storage.db import IDENTITY_TABLES, ProcessLock, StorageError, shown_url
from bot.storage.migrations import PG_VERSION_TABLE

# parents before children (foreign keys); a table added by a later migration goes here too
ORDER = ("users", "dialogs", "profiles", "invites", "audit_log", "meta", "seen_updates",
         "care_families", "care_contacts", "care_assignments", "care_visits", "care_reminders",
         "console_links", "console_sessions", "distress_turns", "chat_states",
         "wechat_users", "callback_seen", "platform_tokens", "platform_errors",
         "policy_documents", "rule_drafts", "rule_versions", "policy_editors")
SINGLE_ROWS = ("care_deletions", "library_state")  # one row each, made by their migration: updated
# short-lived counters (the web's request budgets): neither copied nor a reason to refuse a target
EPHEMERAL = ("rate_limits",)


class MoveRefused(ValueError):
    """One line: why nothing was moved."""


async def _prepare(source: Path, url: str) -> None:
    from bot.storage import Storage

    for location, create in ((source, False), (url, True)):
        storage = await Storage.open(location, create=create)  # both at this version's schema
        await storage.close()


def move_to_postgres(source: Path, url: str) -> list[tuple[str, int, int]]:
    """(table, rows in SQLite, rows in PostgreSQL) for every table; raises MoveRefused."""
    import psycopg

    if not source.is_file():
        raise MoveRefused(f"no SQLite database at {source} (give it with --from or BOT_DATABASE)")
    lock = ProcessLock(source)
    if not lock.acquire():
        raise MoveRefused(f"the bot is running on {source} (it holds {lock.path}); stop it first")
    try:
        asyncio.run(_prepare(source, url))
        src = sqlite3.connect(f"file:{source.resolve()}?mode=ro", uri=True)
        try:
            with psycopg.connect(url, application_name="lianxin-move") as dest:
                return _copy(src, dest, url)
        except psycopg.Error as exc:
            raise StorageError(f"moving into {shown_url(url)} failed, nothing was written: "
                               f"{str(exc).strip().splitlines()[0]}") from None
        finally:
            src.close()
    finally:
        lock.release()


def _copy(src: sqlite3.Connection, dest: object, url: str) -> list[tuple[str, int, int]]:
    import psycopg

    assert isinstance(dest, psycopg.Connection)
    tables = {r[0] for r in src.execute("SELECT name FROM sqlite_master WHERE type = 'table'"
                                        " AND name NOT LIKE 'sqlite_%'")}
    unknown = tables - set(ORDER) - set(SINGLE_ROWS) - set(EPHEMERAL)
    if unknown:  # a table this move does not know would be left behind: refuse rather than lose it
        raise MoveRefused(f"tables {sorted(unknown)} are not in bot/storage/move.py ORDER; nothing was moved")
    filled = [t for t in ORDER if dest.execute(f"SELECT EXISTS (SELECT 1 FROM {t})").fetchone()[0]]  # type: ignore[index]
    if filled:
        raise MoveRefused(f"{shown_url(url)} is not empty ({', '.join(filled[:3])} hold rows);"
                          " move into an empty database")
    counts: list[tuple[str, int, int]] = []
    src.execute("BEGIN")  # one snapshot of the SQLite file
    with dest.transaction():
        dest.execute("SELECT pg_advisory_xact_lock(%s)", (0x6C69616E78696E,))  # the write lock (db.WRITE_LOCK)
        for table in ORDER:
            if table not in tables:
                continue
            columns = [r[1] for r in src.execute(f"PRAGMA table_info({table})")]
            names = ", ".join(columns)
            with dest.cursor().copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in src.execute(f"SELECT {names} FROM {table}"):
                    copy.write_row(row)
            before = int(src.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])
            after = int(dest.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])  # type: ignore[index]
            counts.append((table, before, after))
        for table in SINGLE_ROWS:
            if table not in tables:
                continue
            columns = [r[1] for r in src.execute(f"PRAGMA table_info({table})") if r[1] != "id"]
            for row in src.execute(f"SELECT {', '.join(columns)} FROM {table} WHERE id = 1"):
                sets = ", ".join(f"{c} = %s" for c in columns)
                dest.execute(f"UPDATE {table} SET {sets} WHERE id = 1", row)
            before = int(src.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])
            after = int(dest.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])  # type: ignore[index]
            counts.append((table, before, after))
        for table in sorted(IDENTITY_TABLES & tables):  # the next id PostgreSQL gives follows the largest moved
            dest.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE(MAX(id), 0) + 1, false)"
                         f" FROM {table}")
        version = dest.execute(f"SELECT version FROM {PG_VERSION_TABLE}").fetchone()
        wrong = [f"{t} {a}/{b}" for t, b, a in counts if a != b]
        if wrong:  # raised inside the transaction: rolled back, nothing moved
            raise StorageError(f"the counts differ after copying ({', '.join(wrong)}); nothing was moved")
        assert version is not None
    src.execute("COMMIT")
    return counts
