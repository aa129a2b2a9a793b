"""The connection: PRAGMAs, private file modes, fetch helpers and the one write discipline,
for the embedded SQLite file (the default) and for PostgreSQL (`BOT_DATABASE_URL`).

Every handler shares one aiosqlite connection. Python's sqlite3 opens transactions
implicitly, so two handlers writing at once used to end up inside each other's
transaction ("cannot start a transaction within a transaction", or one handler's COMMIT
committing another's half-done write). Here the connection runs in autocommit mode and
every write goes through `transaction()`: serialised by an asyncio lock, `BEGIN
IMMEDIATE`, committed at the end, rolled back on any error.

PostgreSQL (`PgDatabase`, psycopg 3 with a connection pool) keeps the same API and the same
discipline: the storage modules write SQLite's SQL with `?` placeholders and `to_postgres`
translates it (placeholders, `INSERT OR IGNORE` -> `ON CONFLICT DO NOTHING`, `RETURNING id`
for `lastrowid`); the few statements that differ by dialect ask `db.dialect`. A write
transaction takes a transaction-scoped advisory lock (`WRITE_LOCK`) before its first
statement: PostgreSQL's equivalent of `BEGIN IMMEDIATE`, one writer at a time across every
process on the database, so every read-then-write the modules do inside a transaction holds
with several processes exactly as it holds with one. Reads run beside it (MVCC), like WAL.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import fcntl
import os
import re
import sqlite3
from collections.abc import AsyncIterator, Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import aiosqlite

if TYPE_CHECKING:
    from psycopg import AsyncConnection
    from psycopg_pool import AsyncConnectionPool

Params = Sequence[Any]
PRIVATE = 0o600  # grief and health data: readable by the bot's own user only
POSTGRES_SCHEMES = ("postgresql://", "postgres://")
# PostgreSQL: the advisory lock every write transaction takes (BEGIN IMMEDIATE's equivalent),
# and the one planner at a time ("lianxin" in ASCII, and + 1)
WRITE_LOCK = 0x6C69616E78696E
PLAN_LOCK = WRITE_LOCK + 1
# tables whose `id` PostgreSQL generates (SQLite's AUTOINCREMENT): an INSERT into one returns it
IDENTITY_TABLES = frozenset({"audit_log", "care_families", "care_contacts", "care_visits", "care_reminders"})
Location = Path | str  # the SQLite file, or a postgresql:// URL


class StorageError(ValueError):
    """The database cannot be used (missing, foreign, damaged, newer, locked): one line for the operator."""


def is_postgres(location: object) -> bool:
    return isinstance(location, str) and location.startswith(POSTGRES_SCHEMES)


def shown_url(url: str) -> str:
    """The URL with its password hidden, for messages and `admin status`."""
    return re.sub(r"(://[^:/@]+):[^@/]*@", r"\1:***@", url)


_INSERT_INTO = re.compile(r"\s*INSERT\s+(?:OR\s+IGNORE\s+)?INTO\s+(\w+)", re.IGNORECASE)


@lru_cache(maxsize=2048)
def to_postgres(sql: str) -> str:
    """SQLite's SQL as the storage modules write it, for psycopg: `?` -> `%s` (a literal `%`
    doubled), `INSERT OR IGNORE` -> `INSERT ... ON CONFLICT DO NOTHING`. The modules never put
    a `?` inside a string literal."""
    out = sql.replace("%", "%%")
    if re.match(r"\s*INSERT\s+OR\s+IGNORE\s+INTO", out, re.IGNORECASE):
        out = re.sub(r"INSERT\s+OR\s+IGNORE\s+INTO", "INSERT INTO", out, count=1, flags=re.IGNORECASE)
        out = out.rstrip().rstrip(";") + " ON CONFLICT DO NOTHING"
    return out.replace("?", "%s")


def returning_id(sql: str) -> str | None:
    """`sql` with `RETURNING id` when it inserts one row into a table with a generated id."""
    match = _INSERT_INTO.match(sql)
    if (match is None or match.group(1) not in IDENTITY_TABLES or "RETURNING" in sql.upper()
            or not re.search(r"\bVALUES\s*\(", sql, re.IGNORECASE)):
        return None
    return sql.rstrip().rstrip(";") + " RETURNING id"


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

    dialect = "sqlite"

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

    @property
    def location(self) -> str:
        return str(self.path)

    # --- reads ---------------------------------------------------------------------------

    async def one(self, sql: str, params: Params = ()) -> Any:
        async with self._con.execute(sql, params) as cur:
            return await cur.fetchone()

    async def all(self, sql: str, params: Params = ()) -> list[Any]:
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

    async def atomic_one(self, sql: str, params: Params = ()) -> Any:
        """One statement that is atomic on its own (an upsert of one row, with RETURNING), in a
        table that no transaction of the write discipline reads (`storage.rate_limits`): its
        row is returned. SQLite: an ordinary write transaction (one connection). PostgreSQL:
        an autocommit statement WITHOUT the global write lock, the row lock serialising
        processes on that row only, so the web's traffic never queues behind planning."""
        async with self.transaction() as tx:
            return await tx.one(sql, params)

    async def atomic_write(self, sql: str, params: Params = ()) -> int:
        """`atomic_one` for a statement without rows to return (a DELETE): the rows changed."""
        async with self.transaction() as tx:
            return (await tx.execute(sql, params)).rowcount

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

    async def copy_rows(self, table: str, columns: str, rows: Iterable[Sequence[Any]]) -> None:
        """Rows into `table` (PostgreSQL: COPY)."""
        marks = ", ".join("?" * len(columns.split(",")))
        await self.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)

    async def executemany(self, sql: str, rows: Iterable[Params]) -> int:
        before = self._con.total_changes
        await self._con.executemany(sql, rows)
        return self._con.total_changes - before

    async def one(self, sql: str, params: Params = ()) -> Any:
        async with self._con.execute(sql, params) as cur:
            return await cur.fetchone()

    async def all(self, sql: str, params: Params = ()) -> list[Any]:
        async with self._con.execute(sql, params) as cur:
            return list(await cur.fetchall())


# --- PostgreSQL -----------------------------------------------------------------------------

class Row(tuple[Any, ...]):
    """A PostgreSQL row that reads like sqlite3.Row: by position, by column name, `keys()`, dict()."""

    _names: tuple[str, ...]
    _index: dict[str, int]

    def __new__(cls, values: Sequence[Any], names: tuple[str, ...], index: dict[str, int]) -> Row:
        row = super().__new__(cls, values)
        row._names = names
        row._index = index
        return row

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            return super().__getitem__(self._index[key])
        return super().__getitem__(key)

    def keys(self) -> list[str]:
        return list(self._names)


def _row_factory(cursor: Any) -> Any:
    description = cursor.description
    if description is None:
        return tuple
    names = tuple(c.name for c in description)
    index = {name: i for i, name in reversed(list(enumerate(names)))}  # the first of equal names, like sqlite3

    def make(values: Sequence[Any]) -> Row:
        return Row(values, names, index)

    return make


class PgDatabase(Database):
    """PostgreSQL through a psycopg 3 connection pool, with `Database`'s API and discipline."""

    dialect = "postgresql"

    def __init__(self, pool: AsyncConnectionPool[Any], url: str) -> None:
        self._pool = pool
        self.url = url
        self.path = shown_url(url)  # type: ignore[assignment]  # what messages show; never a file
        self._write_lock = asyncio.Lock()
        self._waiting = 0

    @classmethod
    async def connect(cls, url: str, create: bool = True, pool_size: int = 8) -> PgDatabase:  # type: ignore[override]
        import psycopg
        from psycopg_pool import AsyncConnectionPool

        async def configure(con: AsyncConnection[Any]) -> None:
            con.row_factory = _row_factory
            await con.set_autocommit(True)

        pool: AsyncConnectionPool[Any] = AsyncConnectionPool(
            url, min_size=1, max_size=pool_size, open=False, configure=configure, timeout=30,
            kwargs={"application_name": "lianxin", "connect_timeout": 10})
        try:
            await pool.open(wait=True, timeout=15)
        except (psycopg.Error, OSError) as exc:
            await pool.close()
            raise StorageError(f"cannot connect to PostgreSQL at {shown_url(url)}: "
                               f"{str(exc).strip().splitlines()[-1] if str(exc).strip() else exc}") from None
        except Exception as exc:  # the pool's own PoolTimeout: the server did not answer
            await pool.close()
            raise StorageError(f"cannot connect to PostgreSQL at {shown_url(url)}: {exc}") from None
        return cls(pool, url)

    async def close(self) -> None:
        await self._pool.close()

    @property
    def location(self) -> str:
        return self.url

    @contextlib.asynccontextmanager
    async def connection(self) -> AsyncIterator[AsyncConnection[Any]]:
        """A pooled connection in autocommit mode (for the few dialect-specific operations)."""
        async with self._pool.connection() as con:
            yield con

    # --- reads ---------------------------------------------------------------------------

    async def one(self, sql: str, params: Params = ()) -> Any:
        async with self._pool.connection() as con:
            cur = await con.execute(to_postgres(sql), tuple(params))
            return await cur.fetchone()

    async def all(self, sql: str, params: Params = ()) -> list[Any]:
        async with self._pool.connection() as con:
            cur = await con.execute(to_postgres(sql), tuple(params))
            return list(await cur.fetchall())

    async def scalar(self, sql: str, params: Params = ()) -> Any:
        row = await self.one(sql, params)
        return row[0] if row is not None else None

    # --- writes --------------------------------------------------------------------------

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[Transaction]:
        """One writer at a time in this process (the asyncio lock, so a burst of writes does
        not take every pooled connection) and across processes (WRITE_LOCK, held until
        COMMIT or ROLLBACK): what `BEGIN IMMEDIATE` gives SQLite."""
        self._waiting += 1
        waiting = True
        try:
            async with self._write_lock, self._pool.connection() as con, con.transaction():
                await con.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
                self._waiting -= 1
                waiting = False
                yield PgTransaction(con)
        finally:
            if waiting:
                self._waiting -= 1

    async def atomic_one(self, sql: str, params: Params = ()) -> Any:
        async with self._pool.connection() as con:  # autocommit: the statement is its own transaction
            cur = await con.execute(to_postgres(sql), tuple(params))
            return await cur.fetchone()

    async def atomic_write(self, sql: str, params: Params = ()) -> int:
        async with self._pool.connection() as con:
            cur = await con.execute(to_postgres(sql), tuple(params))
            return max(cur.rowcount, 0)

    async def script(self, sql: str) -> None:
        """Several statements in one transaction (a migration)."""
        async with self._write_lock, self._pool.connection() as con, con.transaction():
            await con.execute(sql)

    async def pragma(self, statement: str) -> Any:
        """SQLite's PRAGMAs have no PostgreSQL counterpart here: a WAL checkpoint is SQLite's
        (PostgreSQL's autovacuum reclaims deleted rows)."""
        return None


class PgTransaction(Transaction):
    """Statements inside one `PgDatabase.transaction()`."""

    def __init__(self, con: AsyncConnection[Any]) -> None:
        self._pg = con

    async def execute(self, sql: str, params: Params = ()) -> Written:
        with_id = returning_id(sql)
        cur = await self._pg.execute(to_postgres(with_id or sql), tuple(params))
        if with_id is None:
            return Written(cur.rowcount, None)
        row = await cur.fetchone()
        return Written(cur.rowcount, row[0] if row is not None else None)

    async def executemany(self, sql: str, rows: Iterable[Params]) -> int:
        cur = self._pg.cursor()
        await cur.executemany(to_postgres(sql), [tuple(r) for r in rows])
        return max(cur.rowcount, 0)

    async def one(self, sql: str, params: Params = ()) -> Any:
        cur = await self._pg.execute(to_postgres(sql), tuple(params))
        return await cur.fetchone()

    async def copy_rows(self, table: str, columns: str, rows: Iterable[Sequence[Any]]) -> None:
        """COPY rows into `table` (a temporary table the caller made): the fastest way in."""
        async with self._pg.cursor().copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                await copy.write_row(row)

    async def all(self, sql: str, params: Params = ()) -> list[Any]:
        cur = await self._pg.execute(to_postgres(sql), tuple(params))
        return list(await cur.fetchall())


async def connect(location: Location, create: bool = True) -> Database:
    """The SQLite file, or PostgreSQL for a postgresql:// URL."""
    if is_postgres(location):
        return await PgDatabase.connect(str(location), create=create)
    return await Database.connect(Path(location), create=create)
