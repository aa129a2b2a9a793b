"""All persistent state, in one SQLite file through aiosqlite. The only module that touches it.

Written when it changes (not in batches like PTB's own persistence), so a crash loses
nothing: roles, the chosen city, consent, an interview in progress (with the message its
buttons live on), a family's saved answers, invite codes and the audit log of staff reads.
WAL mode, foreign keys on, numbered migrations recorded in `PRAGMA user_version`.

Privacy: a family's answers are saved only after they agree (`consent`), `forget` deletes
every row about a user, and every staff or admin read of a family's record is audited.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiosqlite

ROLES = ("family", "volunteer", "staff", "admin")

# Numbered migrations; never edit one that has shipped, add the next.
MIGRATIONS: list[tuple[int, str]] = [
    (1, """
    CREATE TABLE users (
        user_id     INTEGER PRIMARY KEY,
        role        TEXT NOT NULL DEFAULT 'family' CHECK (role IN ('family', 'volunteer', 'staff', 'admin')),
        jurisdiction TEXT,
        consent     INTEGER NOT NULL DEFAULT 0,
        consent_at  TEXT,
        blocked     INTEGER NOT NULL DEFAULT 0,
        created_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL
    );
    CREATE TABLE dialogs (
        user_id     INTEGER PRIMARY KEY REFERENCES users(user_id) ON DELETE CASCADE,
        kind        TEXT NOT NULL,
        token       TEXT NOT NULL,
        chat_id     INTEGER,
        message_id  INTEGER,
        state       TEXT NOT NULL,
        updated_at  TEXT NOT NULL
    );
    CREATE TABLE profiles (
        user_id     INTEGER PRIMARY KEY REFERENCES users(user_id) ON DELETE CASCADE,
        jurisdiction TEXT NOT NULL,
        answers     TEXT NOT NULL,
        summary     TEXT,
        updated_at  TEXT NOT NULL
    );
    CREATE TABLE invites (
        code        TEXT PRIMARY KEY,
        role        TEXT NOT NULL CHECK (role IN ('volunteer', 'staff')),
        created_by  INTEGER NOT NULL,
        created_at  TEXT NOT NULL,
        used_by     INTEGER,
        used_at     TEXT
    );
    CREATE TABLE audit_log (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        at          TEXT NOT NULL,
        actor       INTEGER NOT NULL,
        action      TEXT NOT NULL,
        subject     INTEGER,
        detail      TEXT
    );
    CREATE INDEX audit_subject ON audit_log(subject);
    """),
]
SCHEMA_VERSION = MIGRATIONS[-1][0]


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class User:
    user_id: int
    role: str
    jurisdiction: str | None
    consent: bool
    blocked: bool


@dataclass(frozen=True)
class Dialog:
    kind: str
    token: str
    chat_id: int | None
    message_id: int | None
    state: dict[str, Any]


class Storage:
    """Async access to the database; open with `await Storage.open(path)`."""

    def __init__(self, db: aiosqlite.Connection, path: Path) -> None:
        self._db = db
        self.path = path

    @classmethod
    async def open(cls, path: Path | str) -> Storage:
        path = Path(path)
        if str(path) != ":memory:":
            path.parent.mkdir(parents=True, exist_ok=True)
        db = await aiosqlite.connect(path)
        db.row_factory = aiosqlite.Row
        await db.execute("PRAGMA journal_mode=WAL")
        await db.execute("PRAGMA foreign_keys=ON")
        await db.execute("PRAGMA busy_timeout=5000")
        await db.execute("PRAGMA synchronous=NORMAL")
        storage = cls(db, path)
        await storage.migrate()
        return storage

    async def close(self) -> None:
        await self._db.close()

    async def schema_version(self) -> int:
        async with self._db.execute("PRAGMA user_version") as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else 0

    async def migrate(self) -> list[int]:
        """Apply every migration newer than the file's version, each in one transaction."""
        applied = []
        current = await self.schema_version()
        for number, sql in MIGRATIONS:
            if number <= current:
                continue
            await self._db.executescript(f"BEGIN;\n{sql}\nPRAGMA user_version = {number};\nCOMMIT;")
            applied.append(number)
        return applied

    # --- users ------------------------------------------------------------------------

    async def get_user(self, user_id: int) -> User | None:
        async with self._db.execute("SELECT * FROM users WHERE user_id = ?", (user_id,)) as cur:
            row = await cur.fetchone()
        if row is None:
            return None
        return User(row["user_id"], row["role"], row["jurisdiction"], bool(row["consent"]), bool(row["blocked"]))

    async def ensure_user(self, user_id: int, role: str = "family") -> User:
        now = _now()
        await self._db.execute(
            "INSERT INTO users (user_id, role, created_at, updated_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(user_id) DO NOTHING", (user_id, role, now, now))
        await self._db.commit()
        user = await self.get_user(user_id)
        assert user is not None
        return user

    async def _update_user(self, user_id: int, **fields: Any) -> None:
        await self.ensure_user(user_id)
        sets = ", ".join(f"{k} = ?" for k in fields)
        await self._db.execute(f"UPDATE users SET {sets}, updated_at = ? WHERE user_id = ?",
                               (*fields.values(), _now(), user_id))
        await self._db.commit()

    async def set_role(self, user_id: int, role: str) -> None:
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r}")
        await self._update_user(user_id, role=role)

    async def set_jurisdiction(self, user_id: int, code: str) -> None:
        await self._update_user(user_id, jurisdiction=code)

    async def set_consent(self, user_id: int, consent: bool) -> None:
        await self._update_user(user_id, consent=int(consent), consent_at=_now() if consent else None)
        if not consent:  # withdrawing consent removes what it allowed us to keep
            await self._db.execute("DELETE FROM profiles WHERE user_id = ?", (user_id,))
            await self._db.execute("DELETE FROM dialogs WHERE user_id = ?", (user_id,))
            await self._db.commit()

    async def set_blocked(self, user_id: int, blocked: bool = True) -> None:
        if await self.get_user(user_id) is None:
            return
        await self._update_user(user_id, blocked=int(blocked))

    async def users_with_role(self, *roles: str) -> list[int]:
        marks = ",".join("?" * len(roles))
        async with self._db.execute(f"SELECT user_id FROM users WHERE role IN ({marks})", roles) as cur:
            return [r[0] async for r in cur]

    # --- dialogs (an interview in progress) -------------------------------------------

    async def save_dialog(self, user_id: int, kind: str, token: str, state: dict[str, Any],
                          chat_id: int | None = None, message_id: int | None = None) -> None:
        await self.ensure_user(user_id)
        await self._db.execute(
            "INSERT INTO dialogs (user_id, kind, token, chat_id, message_id, state, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(user_id) DO UPDATE SET kind = excluded.kind, "
            "token = excluded.token, chat_id = COALESCE(excluded.chat_id, dialogs.chat_id), "
            "message_id = COALESCE(excluded.message_id, dialogs.message_id), state = excluded.state, "
            "updated_at = excluded.updated_at",
            (user_id, kind, token, chat_id, message_id, json.dumps(state, ensure_ascii=False), _now()))
        await self._db.commit()

    async def load_dialog(self, user_id: int) -> Dialog | None:
        async with self._db.execute("SELECT * FROM dialogs WHERE user_id = ?", (user_id,)) as cur:
            row = await cur.fetchone()
        if row is None:
            return None
        return Dialog(row["kind"], row["token"], row["chat_id"], row["message_id"], json.loads(row["state"]))

    async def delete_dialog(self, user_id: int) -> None:
        await self._db.execute("DELETE FROM dialogs WHERE user_id = ?", (user_id,))
        await self._db.commit()

    # --- a family's saved answers -----------------------------------------------------

    async def save_profile(self, user_id: int, jurisdiction: str, answers: dict[str, Any], summary: str) -> bool:
        """Saved only with consent; returns whether it was saved."""
        user = await self.get_user(user_id)
        if user is None or not user.consent:
            return False
        await self._db.execute(
            "INSERT INTO profiles (user_id, jurisdiction, answers, summary, updated_at) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT(user_id) DO UPDATE SET jurisdiction = excluded.jurisdiction, answers = excluded.answers, "
            "summary = excluded.summary, updated_at = excluded.updated_at",
            (user_id, jurisdiction, json.dumps(answers, ensure_ascii=False), summary, _now()))
        await self._db.commit()
        return True

    async def read_profile(self, user_id: int, reader: int) -> dict[str, Any] | None:
        """A family's record. Anyone but the family itself is audited, found or not."""
        if reader != user_id:
            await self.audit(reader, "read_family_record", user_id)
        async with self._db.execute("SELECT * FROM profiles WHERE user_id = ?", (user_id,)) as cur:
            row = await cur.fetchone()
        if row is None:
            return None
        return {"jurisdiction": row["jurisdiction"], "answers": json.loads(row["answers"]),
                "summary": row["summary"], "updated_at": row["updated_at"]}

    # --- roles by invitation ------------------------------------------------------------

    async def create_invite(self, role: str, created_by: int) -> str:
        code = secrets.token_urlsafe(6).replace("-", "x").replace("_", "y")
        await self._db.execute("INSERT INTO invites (code, role, created_by, created_at) VALUES (?, ?, ?, ?)",
                               (code, role, created_by, _now()))
        await self._db.commit()
        await self.audit(created_by, f"invite_{role}", None)
        return code

    async def redeem_invite(self, code: str, user_id: int) -> str | None:
        """The role the code grants (once), or None for an unknown or used code."""
        async with self._db.execute("SELECT role FROM invites WHERE code = ? AND used_by IS NULL", (code,)) as cur:
            row = await cur.fetchone()
        if row is None:
            return None
        await self._db.execute("UPDATE invites SET used_by = ?, used_at = ? WHERE code = ?", (user_id, _now(), code))
        await self._db.commit()
        await self.set_role(user_id, row["role"])
        await self.audit(user_id, f"joined_as_{row['role']}", user_id)
        return str(row["role"])

    # --- audit ----------------------------------------------------------------------------

    async def audit(self, actor: int, action: str, subject: int | None, detail: str | None = None) -> None:
        await self._db.execute("INSERT INTO audit_log (at, actor, action, subject, detail) VALUES (?, ?, ?, ?, ?)",
                               (_now(), actor, action, subject, detail))
        await self._db.commit()

    async def audit_entries(self, limit: int = 20) -> list[dict[str, Any]]:
        async with self._db.execute("SELECT * FROM audit_log ORDER BY id DESC LIMIT ?", (limit,)) as cur:
            return [dict(r) async for r in cur]

    # --- forgetting -------------------------------------------------------------------------

    async def forget(self, user_id: int) -> None:
        """Delete every row about this user. Audit rows stay (they record who read what),
        but no longer point at the forgotten user."""
        await self._db.execute("DELETE FROM users WHERE user_id = ?", (user_id,))  # cascades
        await self._db.execute("UPDATE invites SET used_by = NULL WHERE used_by = ?", (user_id,))
        await self._db.execute("UPDATE audit_log SET subject = NULL, detail = 'forgotten' WHERE subject = ?",
                               (user_id,))
        await self._db.commit()

    async def rows_about(self, user_id: int) -> int:
        """How many rows still mention this user (0 after forget; used by tests and /forget)."""
        total = 0
        for table, column in (("users", "user_id"), ("dialogs", "user_id"), ("profiles", "user_id"),
                              ("invites", "used_by"), ("audit_log", "subject")):
            async with self._db.execute(f"SELECT COUNT(*) FROM {table} WHERE {column} = ?",
                                        (user_id,)) as cur:
                row = await cur.fetchone()
            total += int(row[0]) if row else 0
        return total
