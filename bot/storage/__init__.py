"""All persistent state, in one SQLite file through aiosqlite (the default) or in PostgreSQL
(`BOT_DATABASE_URL=postgresql://...`, psycopg 3). The only package that holds SQL.

Written when it changes (not in batches like PTB's own persistence), so a crash loses
nothing: roles, the chosen city, consent, an interview in progress (with the message its
buttons live on), a family's saved answers, invite codes, the audit log of staff reads, and
the care registry with its reminder queue. WAL mode, foreign keys on, secure_delete on,
numbered migrations recorded in `PRAGMA user_version`; every write through one serialised
transaction (`db.Database.transaction`).

Callers ask named questions of one facade, split by aggregate:
`storage.users`, `.conversations`, `.chat_states` (each chat channel's conversation state),
`.audit`, `.registry`, `.reminders`, `.ops`, `.updates`,
`.office_sessions` (the office console's sign-in links and sessions), `.reports` (the inspection reports' counts),
`.callbacks` (WeChat / WeCom callbacks already handled), `.platform_tokens` (their access tokens and
error counts), `.wechat_users` (a WeChat follower's consent and 48-hour window),
`.documents` (a city's own documents, their rule drafts and published versions),
`.rate_limits` (the web's request budgets when several processes serve it).

Privacy: a family's answers are saved only after they agree (consent), `users.forget`
deletes every row about a user (and checkpoints, so nothing stays in the -wal file), every
staff or admin read of a family's record is audited, and every file is 0600.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bot.storage.audit import Audit
from bot.storage.chat_states import ChatStates
from bot.storage.conversations import Conversations
from bot.storage.db import Database, Location, ProcessLock, StorageError, connect, is_postgres, open_private
from bot.storage.documents import Documents
from bot.storage.migrations import MIGRATIONS, SCHEMA_VERSION, migrate, schema_version
from bot.storage.office_sessions import OfficeSessions
from bot.storage.ops import Ops, restore
from bot.storage.platforms import CallbackSeen, PlatformTokens
from bot.storage.rate_limits import RateLimits
from bot.storage.records import (
    CONTACT_ROLES,
    ROLES,
    Assignment,
    ContactRole,
    Dialog,
    InviteRole,
    Reminder,
    ReminderStatus,
    Role,
    User,
)
from bot.storage.registry import Registry
from bot.storage.reminders import Reminders
from bot.storage.reports import Reports
from bot.storage.updates import Updates
from bot.storage.users import Users
from bot.storage.wechat_users import WeChatUser, WeChatUsers

__all__ = [
    "CONTACT_ROLES", "MIGRATIONS", "ROLES", "SCHEMA_VERSION", "Assignment", "ContactRole", "Dialog", "InviteRole",
    "Location", "Reminder", "ReminderStatus", "Role", "Storage", "StorageError", "User", "WeChatUser", "is_postgres",
    "open_private", "probe", "restore",
]


class Storage:
    """Async access to the database; open with `await Storage.open(path)`."""

    def __init__(self, db: Database, lock: ProcessLock | None = None) -> None:
        self._db = db
        self._lock = lock
        self.path = db.path  # the SQLite file; for PostgreSQL the URL without its password
        self.dialect = db.dialect  # "sqlite" or "postgresql"
        self.reminders = Reminders(db)
        self.ops = Ops(db, self.reminders)
        self.users = Users(db, self.ops.checkpoint)
        self.conversations = Conversations(db)
        self.chat_states = ChatStates(db)
        self.audit = Audit(db)
        self.registry = Registry(db)
        self.updates = Updates(db)
        self.office_sessions = OfficeSessions(db)
        self.reports = Reports(db)
        self.callbacks = CallbackSeen(db)
        self.platform_tokens = PlatformTokens(db)
        self.wechat_users = WeChatUsers(db, self.ops.checkpoint)
        self.documents = Documents(db)
        self.rate_limits = RateLimits(db)

    @classmethod
    async def open(cls, path: Location, *, create: bool = True, hold_lock: bool = False) -> Storage:
        """`create=False` refuses a missing file (a mistyped BOT_DATABASE must not become an
        empty database); `hold_lock=True` is for the bot: it holds `<path>.lock` until close,
        which is how restore knows it is running. Raises StorageError with one line.
        A postgresql:// URL opens PostgreSQL (several processes share it: no lock file)."""
        if is_postgres(path):
            db = await connect(path, create=create)
            try:
                await migrate(db)
            except BaseException as exc:
                await db.close()
                if isinstance(exc, StorageError) or not isinstance(exc, Exception):
                    raise
                raise StorageError(f"database {db.path} cannot be used: {exc}") from None
            return cls(db)
        path = Path(path)
        lock = None
        if hold_lock:
            lock = ProcessLock(path)
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                held = lock.acquire()
            except OSError as exc:
                raise StorageError(f"cannot open database {path}: {exc.strerror or exc}") from None
            if not held:
                raise StorageError(f"another Lianxin process is running on {path} (it holds {lock.path})")
        try:
            db = await Database.connect(path, create=create)
        except BaseException:
            if lock:
                lock.release()
            raise
        try:
            await migrate(db)
        except (StorageError, sqlite3.Error) as exc:
            await db.close()
            if lock:
                lock.release()
            if isinstance(exc, StorageError):
                raise
            raise StorageError(f"database {path} cannot be used: {exc}") from None
        return cls(db, lock)

    async def close(self) -> None:
        await self._db.close()
        if self._lock is not None:
            self._lock.release()

    async def schema_version(self) -> int:
        return await schema_version(self._db)

    async def migrate(self) -> list[int]:
        return await migrate(self._db)


async def probe(path: Location) -> None:
    """Open (creating and migrating if needed) and close: StorageError if the bot could not use it."""
    storage = await Storage.open(path, hold_lock=True)
    await storage.close()
