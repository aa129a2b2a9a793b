"""The connection: PRAGMAs, private file modes, fetch helpers and the one write discipline.

Every handler shares one aiosqlite connection. Python's sqlite3 opens transactions
implicitly, so two handlers writing at once used to end up inside each other's
transaction ("cannot start a transaction within a transaction", or one handler's COMMIT
committing another's half-done write). Here the connection runs in autocommit mode and
every write goes through `transaction()`: serialised by an asyncio lock, `BEGIN
IMMEDIATE`, committed at the end, rolled back on any error.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import fcntl
import os
import sqlite3
from collections.abc import AsyncIterator, Iterable, Sequence
from pathlib import Path
from typing import IO, Any

import aiosqlite

Params = Sequence[Any]
PRIVATE = 0o600  # grief and health data: readable by the bot's own user only


class StorageError(ValueError):
    """The database cannot be used (missing, foreign, damaged, newer, locked): one line for the operator."""


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def make_private(path: Path) -> None:
    """Create `path` (if missing) with mode 0600, and tighten it if it exists (under umask 022
    SQLite and open() would make it world-readable)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, PRIVATE)
    os.close(fd)
    os.chmod(path, PRIVATE)


def open_private(path: Path | str, mode: str = "w", **kwargs: Any) -> IO[Any]:
    """open() for a new file that must be 0600 from its first byte (exports, backups)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE)
    os.fchmod(fd, PRIVATE)
    return os.fdopen(fd, mode, **kwargs)


def sidecars(path: Path) -> tuple[Path, Path]:
    return Path(f"{path}-wal"), Path(f"{path}-shm")


class ProcessLock:
    """`<database>.lock`, held (flock) by the running bot for its whole life, and by restore.
    Unlike a heartbeat it cannot be stale: the kernel drops it when the process dies."""

    def __init__(self, database: Path) -> None:
        self.path = Path(f"{database}.lock")
        self._file: IO[Any] | None = None

    def acquire(self) -> bool:
        self._file = open_private(self.path, "a") if not self.path.exists() else open(self.path, "a")  # noqa: SIM115
        try:
            fcntl.flock(self._file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._file.close()
            self._file = None
            return False
        return True

    def release(self) -> None:
        if self._file is not None:
            fcntl.flock(self._file.fileno(), fcntl.LOCK_UN)
            self._file.close()
            self._file = None


class Database:
    """One aiosqlite connection with one write discipline (see the module docstring)."""

    def __init__(self, con: aiosqlite.Connection, path: Path) -> None:
        self._con = con
        self.path = path
        self._write_lock = asyncio.Lock()
        self._waiting = 0  # writes queued or starting here: the planning thread lets them go first

    @classmethod
    async def connect(cls, path: Path, create: bool = True) -> Database:
        memory = str(path) == ":memory:"
        if not memory:
            if path.is_dir():
                raise StorageError(f"database {path} is a folder, not a file")
            if not path.exists() and not create:
                raise StorageError(f"no database at {path} (check BOT_DATABASE)")
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                make_private(path)
                for extra in sidecars(path):
                    if extra.exists():
                        os.chmod(extra, PRIVATE)
            except OSError as exc:
                raise StorageError(f"cannot open database {path}: {exc.strerror or exc}") from None
        try:
            con = await aiosqlite.connect(path, isolation_level=None)
        except sqlite3.Error as exc:
            raise StorageError(f"cannot open database {path}: {exc}") from None
        try:
            con.row_factory = aiosqlite.Row
            await con.execute("PRAGMA busy_timeout=5000")
            await con.execute("PRAGMA journal_mode=WAL")
            await con.execute("PRAGMA foreign_keys=ON")
            await con.execute("PRAGMA synchronous=NORMAL")
            await con.execute("PRAGMA secure_delete=ON")  # deleted rows are overwritten, not left in free pages
        except sqlite3.Error as exc:
            await con.close()  # else its worker thread keeps the process alive
            raise StorageError(f"database {path} is not a usable SQLite file: {exc}") from None
        return cls(con, path)

    async def close(self) -> None:
        await self._con.close()

    # --- reads ---------------------------------------------------------------------------

    async def one(self, sql: str, params: Params = ()) -> sqlite3.Row | None:
        async with self._con.execute(sql, params) as cur:
            return await cur.fetchone()

    async def all(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        async with self._con.execute(sql, params) as cur:
            return list(await cur.fetchall())

    async def scalar(self, sql: str, params: Params = ()) -> Any:
        row = await self.one(sql, params)
        return row[0] if row is not None else None

    # --- writes --------------------------------------------------------------------------

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[Transaction]:
        """The only way to write: serialised, all or nothing. While it waits for the lock it
        counts in `writers_waiting`, so the planning thread's next chunk lets it go first."""
        self._waiting += 1
        waiting = True
        try:
            async with self._write_lock:
                await self._con.execute("BEGIN IMMEDIATE")
                self._waiting -= 1
                waiting = False
                try:
                    yield Transaction(self._con)
                except BaseException:
                    await self._con.rollback()
                    raise
                await self._con.commit()
        finally:
            if waiting:
                self._waiting -= 1

    def writers_waiting(self) -> bool:
        """Called from the planning thread: is a write of the bot waiting for its turn?"""
        return self._waiting > 0

    async def write(self, sql: str, params: Params = ()) -> Written:
        """One statement in its own transaction."""
        async with self.transaction() as tx:
            return await tx.execute(sql, params)

    async def script(self, sql: str) -> None:
        """A migration script: it carries its own BEGIN/COMMIT; serialised like every write."""
        async with self._write_lock:
            await self._con.executescript(sql)

    async def pragma(self, statement: str) -> Any:
        """A PRAGMA that must not run inside a transaction (checkpoint)."""
        async with self._write_lock:
            return await self.scalar(f"PRAGMA {statement}")


class Written:
    """What a write did: rows changed, the new row's id."""

    def __init__(self, rowcount: int, lastrowid: int | None) -> None:
        self.rowcount = rowcount
        self.lastrowid = int(lastrowid or 0)


class Transaction:
    """Statements inside one `Database.transaction()`."""

    def __init__(self, con: aiosqlite.Connection) -> None:
        self._con = con

    async def execute(self, sql: str, params: Params = ()) -> Written:
        async with self._con.execute(sql, params) as cur:
            return Written(cur.rowcount, cur.lastrowid)

    async def executemany(self, sql: str, rows: Iterable[Params]) -> int:
        before = self._con.total_changes
        await self._con.executemany(sql, rows)
        return self._con.total_changes - before

    async def one(self, sql: str, params: Params = ()) -> sqlite3.Row | None:
        async with self._con.execute(sql, params) as cur:
            return await cur.fetchone()

    async def all(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        async with self._con.execute(sql, params) as cur:
            return list(await cur.fetchall())
