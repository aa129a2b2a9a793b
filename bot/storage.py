"""All persistent state, in one SQLite file through aiosqlite. The only module that touches it.

Written when it changes (not in batches like PTB's own persistence), so a crash loses
nothing: roles, the chosen city, consent, an interview in progress (with the message its
buttons live on), a family's saved answers, invite codes and the audit log of staff reads.
WAL mode, foreign keys on, numbered migrations recorded in `PRAGMA user_version`.

Privacy: a family's answers are saved only after they agree (`consent`), `forget` deletes
every row about a user, and every staff or admin read of a family's record is audited.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import secrets
import shutil
import sqlite3
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
    (2, """
    CREATE TABLE care_families (
        id           INTEGER PRIMARY KEY AUTOINCREMENT,
        alias        TEXT NOT NULL,
        jurisdiction TEXT NOT NULL,
        township     TEXT NOT NULL DEFAULT '',
        village      TEXT NOT NULL DEFAULT '',
        contact_note TEXT NOT NULL DEFAULT '',
        old_sick     INTEGER NOT NULL DEFAULT 0,
        lives_alone  INTEGER NOT NULL DEFAULT 0,
        record       TEXT,
        active       INTEGER NOT NULL DEFAULT 1,
        created_at   TEXT NOT NULL,
        UNIQUE (jurisdiction, alias)
    );
    CREATE TABLE care_contacts (
        id           INTEGER PRIMARY KEY AUTOINCREMENT,
        telegram_id  INTEGER UNIQUE,
        name         TEXT NOT NULL,
        role         TEXT NOT NULL CHECK (role IN ('township_leader', 'health_cadre', 'village_cadre', 'volunteer')),
        township     TEXT NOT NULL DEFAULT '',
        supervisor_id INTEGER REFERENCES care_contacts(id),
        active       INTEGER NOT NULL DEFAULT 1,
        blocked      INTEGER NOT NULL DEFAULT 0,
        created_at   TEXT NOT NULL
    );
    CREATE TABLE care_assignments (
        family_id    INTEGER NOT NULL REFERENCES care_families(id) ON DELETE CASCADE,
        contact_id   INTEGER NOT NULL REFERENCES care_contacts(id) ON DELETE CASCADE,
        position     INTEGER NOT NULL,
        since        TEXT NOT NULL,
        PRIMARY KEY (family_id, contact_id)
    );
    CREATE TABLE care_visits (
        id           INTEGER PRIMARY KEY AUTOINCREMENT,
        family_id    INTEGER NOT NULL REFERENCES care_families(id) ON DELETE CASCADE,
        contact_id   INTEGER REFERENCES care_contacts(id) ON DELETE SET NULL,
        day          TEXT NOT NULL,
        kind         TEXT NOT NULL,
        outcome      TEXT NOT NULL,
        notes        TEXT NOT NULL DEFAULT '',
        follow_up_days INTEGER,
        reminder_id  INTEGER,
        logged_at    TEXT NOT NULL
    );
    CREATE INDEX care_visits_family ON care_visits(family_id, kind, day);
    CREATE TABLE care_reminders (
        id           INTEGER PRIMARY KEY AUTOINCREMENT,
        family_id    INTEGER NOT NULL REFERENCES care_families(id) ON DELETE CASCADE,
        contact_id   INTEGER NOT NULL REFERENCES care_contacts(id) ON DELETE CASCADE,
        kind         TEXT NOT NULL,
        due_date     TEXT NOT NULL,
        send_after   TEXT NOT NULL,
        status       TEXT NOT NULL DEFAULT 'pending'
                     CHECK (status IN ('pending', 'sending', 'sent', 'done', 'escalated')),
        sent_count   INTEGER NOT NULL DEFAULT 0,
        sent_at      TEXT,
        late         INTEGER NOT NULL DEFAULT 0,
        acked_at     TEXT,
        escalated_at TEXT,
        created_at   TEXT NOT NULL,
        UNIQUE (family_id, contact_id, kind, due_date)
    );
    CREATE INDEX care_reminders_due ON care_reminders(status, send_after);
    """),
    (3, """
    CREATE TABLE meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
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
        self.care = CareStore(db)

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

    # --- operations: backup, status, retention ------------------------------------------

    async def backup(self, target: Path | str) -> None:
        """An online copy with SQLite's backup API: consistent, and safe while the bot writes
        (its own read connection in a worker thread; WAL lets it read beside the writer)."""
        target = Path(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(target.name + ".partial")
        tmp.unlink(missing_ok=True)

        def copy() -> None:
            source = sqlite3.connect(self.path, timeout=30)
            dest = sqlite3.connect(tmp)
            try:
                source.backup(dest)
            finally:
                dest.close()
                source.close()

        await asyncio.to_thread(copy)
        tmp.replace(target)  # a half-written backup never carries the final name

    async def set_meta(self, key: str, value: str) -> None:
        await self._db.execute("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET"
                               " value = excluded.value", (key, value))
        await self._db.commit()

    async def get_meta(self, key: str) -> str | None:
        async with self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)) as cur:
            row = await cur.fetchone()
        return str(row[0]) if row else None

    async def status(self) -> dict[str, Any]:
        """What an operator checks: size, schema, counts, pending reminders, last send."""
        async def one(sql: str) -> Any:
            async with self._db.execute(sql) as cur:
                row = await cur.fetchone()
            return row[0] if row else None

        size = sum(p.stat().st_size for p in (self.path, Path(f"{self.path}-wal")) if p.exists())
        return {
            "database": str(self.path), "size_bytes": size, "schema_version": await self.schema_version(),
            "users": await one("SELECT COUNT(*) FROM users"),
            "families": await one("SELECT COUNT(*) FROM care_families"),
            "contacts": await one("SELECT COUNT(*) FROM care_contacts"),
            "pending_reminders": await one("SELECT COUNT(*) FROM care_reminders WHERE status IN"
                                           " ('pending', 'sending', 'sent')"),
            "escalated_reminders": await one("SELECT COUNT(*) FROM care_reminders WHERE status = 'escalated'"),
            "last_successful_send": await self.get_meta("last_send"),
            "last_reminder_round": await self.get_meta("last_tick"),
        }

    async def apply_retention(self, now: dt.datetime, notes_days: int, dialog_days: int, reminder_days: int,
                              audit_days: int) -> dict[str, int]:
        """Delete what is no longer needed (see README, data retention). Returns counts."""
        def cutoff(days: int) -> str:
            return (now - dt.timedelta(days=days)).isoformat()

        done: dict[str, int] = {}
        for name, sql, arg in (
            ("visit_notes", "UPDATE care_visits SET notes = '' WHERE notes != '' AND logged_at < ?", notes_days),
            ("conversations", "DELETE FROM dialogs WHERE updated_at < ?", dialog_days),
            ("reminders", "DELETE FROM care_reminders WHERE status IN ('done', 'escalated') AND created_at < ?",
             reminder_days),
            ("audit", "DELETE FROM audit_log WHERE at < ?", audit_days),
        ):
            cur = await self._db.execute(sql, (cutoff(arg),))
            done[name] = cur.rowcount
        await self._db.commit()
        return done

    async def forget_family(self, family_id: int, actor: int) -> bool:
        """An admin's `forget FAMILY`: the family, its assignments, visits and reminders."""
        cur = await self._db.execute("DELETE FROM care_families WHERE id = ?", (family_id,))
        await self._db.commit()
        if cur.rowcount:
            await self.audit(actor, "forget_family", None, "forgotten")
        return cur.rowcount == 1

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

    # issue13e: remembered Telegram update ids (no content, no user), so an update delivered
    # twice (a webhook redelivery, a poll repeated after a crash) is handled once, also across
    # a restart. Kept two days (Telegram gives up redelivering long before); the table is made
    # on first use so this needs no migration (the lead may move it into one).
    _SEEN_UPDATES_DAYS = 2
    _seen_updates_inserts = 0

    async def first_sighting_of_update(self, update_id: int) -> bool:
        """True the first time an update id is seen, False for every later delivery.

        Runs as one call in the connection's thread (insert and commit together), so no
        other handler's write can start between them: this is called for every update."""
        now = dt.datetime.now(dt.UTC).timestamp()
        prune = self._seen_updates_inserts % 1000 == 0
        self._seen_updates_inserts += 1

        def remember(con: sqlite3.Connection) -> bool:
            con.execute("CREATE TABLE IF NOT EXISTS seen_updates "
                        "(update_id INTEGER PRIMARY KEY, seen_at REAL NOT NULL)")
            first = con.execute("INSERT OR IGNORE INTO seen_updates (update_id, seen_at) VALUES (?, ?)",
                                (update_id, now)).rowcount == 1
            if prune:
                con.execute("DELETE FROM seen_updates WHERE seen_at < ?", (now - self._SEEN_UPDATES_DAYS * 86400,))
            con.commit()
            return first

        return bool(await self._db._execute(lambda: remember(self._db._conn)))


# --- the care registry (families, contacts, assignments, visits, reminders) ---------------

CONTACT_ROLES = ("township_leader", "health_cadre", "village_cadre", "volunteer")


@dataclass(frozen=True)
class Assignment:
    family_id: int
    alias: str
    jurisdiction: str
    old_sick: bool
    contact_id: int
    contact_role: str
    position: int
    since: dt.date


@dataclass(frozen=True)
class Reminder:
    id: int
    family_id: int
    contact_id: int
    kind: str
    due_date: dt.date
    status: str
    sent_count: int
    sent_at: str | None
    late: bool
    alias: str
    telegram_id: int | None
    contact_name: str
    supervisor_id: int | None


class CareStore:
    """The care registry, on the same connection as `Storage` (reach it as `storage.care`).

    Contacts see only the families assigned to them; imports are all-or-nothing; reminder
    rows are unique per (family, contact, kind, due date), so planning twice creates nothing
    twice."""

    def __init__(self, db: aiosqlite.Connection) -> None:
        self._db = db
        self.planned_on: dt.date | None = None  # planning is idempotent; once a day is enough

    async def add_family(self, alias: str, jurisdiction: str, township: str = "", village: str = "",
                         contact_note: str = "", old_sick: bool = False, lives_alone: bool = False) -> int:
        cur = await self._db.execute(
            "INSERT INTO care_families (alias, jurisdiction, township, village, contact_note, old_sick, lives_alone,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (alias, jurisdiction, township, village, contact_note, int(old_sick), int(lives_alone), _now()))
        await self._db.commit()
        return int(cur.lastrowid or 0)

    async def add_contact(self, name: str, role: str, township: str = "", telegram_id: int | None = None,
                          supervisor_id: int | None = None) -> int:
        cur = await self._db.execute(
            "INSERT INTO care_contacts (name, role, township, telegram_id, supervisor_id, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?)", (name, role, township, telegram_id, supervisor_id, _now()))
        await self._db.commit()
        return int(cur.lastrowid or 0)

    async def import_rows(self, table: str, rows: list[dict[str, Any]]) -> int:
        """Insert every row in one transaction: a failure leaves nothing half-imported."""
        if table not in ("care_families", "care_contacts") or not rows:
            return 0
        columns = list(rows[0])
        marks = ", ".join("?" * (len(columns) + 1))
        sql = f"INSERT INTO {table} ({', '.join(columns)}, created_at) VALUES ({marks})"
        try:
            await self._db.execute("BEGIN")
            for row in rows:
                await self._db.execute(sql, (*[row[c] for c in columns], _now()))
            await self._db.commit()
        except Exception:
            await self._db.rollback()
            raise
        return len(rows)

    async def assign(self, family_id: int, contact_id: int, since: dt.date) -> int:
        async with self._db.execute("SELECT COALESCE(MAX(position), 0) + 1 FROM care_assignments WHERE family_id = ?",
                                    (family_id,)) as cur:
            position = int((await cur.fetchone())[0])  # type: ignore[index]
        await self._db.execute("INSERT OR IGNORE INTO care_assignments (family_id, contact_id, position, since)"
                               " VALUES (?, ?, ?, ?)", (family_id, contact_id, position, since.isoformat()))
        await self._db.commit()
        return position

    async def family_id(self, jurisdiction: str, alias: str) -> int | None:
        async with self._db.execute("SELECT id FROM care_families WHERE jurisdiction = ? AND alias = ?",
                                    (jurisdiction, alias)) as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else None

    async def assignments(self) -> list[Assignment]:
        sql = ("SELECT f.id, f.alias, f.jurisdiction, f.old_sick, c.id, c.role, a.position, a.since"
               " FROM care_assignments a JOIN care_families f ON f.id = a.family_id"
               " JOIN care_contacts c ON c.id = a.contact_id WHERE f.active = 1")
        # contacts who left stay in the plan: their reminders escalate, so no family falls silent
        async with self._db.execute(sql) as cur:
            return [Assignment(r[0], r[1], r[2], bool(r[3]), r[4], r[5], r[6], dt.date.fromisoformat(r[7]))
                    async for r in cur]

    async def last_visits(self) -> dict[tuple[int, str], dt.date]:
        sql = "SELECT family_id, kind, MAX(day) FROM care_visits GROUP BY family_id, kind"
        async with self._db.execute(sql) as cur:
            return {(r[0], r[1]): dt.date.fromisoformat(r[2]) async for r in cur}

    async def follow_ups(self) -> list[tuple[int, int, dt.date]]:
        """(family, contact, due) for every visit that asked for a follow-up."""
        sql = ("SELECT family_id, contact_id, day, follow_up_days FROM care_visits"
               " WHERE follow_up_days IS NOT NULL AND contact_id IS NOT NULL")
        async with self._db.execute(sql) as cur:
            return [(r[0], r[1], dt.date.fromisoformat(r[2]) + dt.timedelta(days=r[3])) async for r in cur]

    async def add_reminders(self, rows: list[tuple[int, int, str, dt.date, dt.datetime]]) -> int:
        """INSERT OR IGNORE (family, contact, kind, due, send_after); returns how many are new."""
        before = self._db.total_changes
        await self._db.executemany(
            "INSERT OR IGNORE INTO care_reminders (family_id, contact_id, kind, due_date, send_after, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [(f, c, k, d.isoformat(), s.isoformat(), _now()) for f, c, k, d, s in rows])
        await self._db.commit()
        return self._db.total_changes - before

    _REMINDER = ("SELECT r.id, r.family_id, r.contact_id, r.kind, r.due_date, r.status, r.sent_count, r.sent_at,"
                 " r.late, f.alias, CASE WHEN c.active = 1 AND c.blocked = 0 THEN c.telegram_id END, c.name,"
                 " c.supervisor_id FROM care_reminders r"
                 " JOIN care_families f ON f.id = r.family_id JOIN care_contacts c ON c.id = r.contact_id")

    @staticmethod
    def _reminder(r: Any) -> Reminder:
        return Reminder(r[0], r[1], r[2], r[3], dt.date.fromisoformat(r[4]), r[5], r[6], r[7], bool(r[8]), r[9],
                        r[10], r[11], r[12])

    async def reminders(self, where: str = "1 = 1", params: tuple[Any, ...] = ()) -> list[Reminder]:
        async with self._db.execute(f"{self._REMINDER} WHERE {where} ORDER BY r.due_date, r.id", params) as cur:
            return [self._reminder(r) async for r in cur]

    async def reminder(self, reminder_id: int) -> Reminder | None:
        rows = await self.reminders("r.id = ?", (reminder_id,))
        return rows[0] if rows else None

    async def due(self, now: dt.datetime) -> list[Reminder]:
        return await self.reminders("r.status = 'pending' AND r.send_after <= ?", (now.isoformat(),))

    async def claim(self, reminder_id: int) -> bool:
        """Mark one reminder 'sending' just before it goes out; False if someone else has it."""
        cur = await self._db.execute("UPDATE care_reminders SET status = 'sending' WHERE id = ? AND status = 'pending'",
                                     (reminder_id,))
        await self._db.commit()
        return cur.rowcount == 1

    async def mark_sent(self, reminder_id: int, now: dt.datetime, late: bool) -> None:
        await self._db.execute("UPDATE care_reminders SET status = 'sent', sent_count = sent_count + 1, sent_at = ?,"
                               " late = MAX(late, ?) WHERE id = ?", (now.isoformat(), int(late), reminder_id))
        await self._db.commit()

    async def release(self, reminder_id: int) -> None:
        await self._db.execute("UPDATE care_reminders SET status = 'pending' WHERE id = ? AND status = 'sending'",
                               (reminder_id,))
        await self._db.commit()

    async def recover_after_crash(self) -> int:
        """Rows left 'sending' by a crash may or may not have reached the contact: count them
        as sent (no duplicate now); the grace-period re-reminder makes sure none is lost."""
        cur = await self._db.execute("UPDATE care_reminders SET status = 'sent', sent_count = sent_count + 1,"
                                     " sent_at = COALESCE(sent_at, send_after) WHERE status = 'sending'")
        await self._db.commit()
        return cur.rowcount

    async def unacknowledged(self, sent_before: dt.datetime) -> list[Reminder]:
        return await self.reminders("r.status = 'sent' AND r.sent_at <= ?", (sent_before.isoformat(),))

    async def requeue(self, reminder_id: int, now: dt.datetime) -> None:
        await self._db.execute("UPDATE care_reminders SET status = 'pending', send_after = ? WHERE id = ?",
                               (now.isoformat(), reminder_id))
        await self._db.commit()

    async def mark_escalated(self, reminder_id: int, now: dt.datetime) -> None:
        await self._db.execute("UPDATE care_reminders SET status = 'escalated', escalated_at = ? WHERE id = ?",
                               (now.isoformat(), reminder_id))
        await self._db.commit()

    async def postpone(self, reminder_id: int, until: dt.datetime) -> None:
        await self._db.execute("UPDATE care_reminders SET status = 'pending', send_after = ?, acked_at = NULL"
                               " WHERE id = ? AND status != 'done'", (until.isoformat(), reminder_id))
        await self._db.commit()

    async def log_visit(self, reminder: Reminder, day: dt.date, outcome: str, notes: str,
                        follow_up_days: int | None) -> int:
        """Record a visit for a reminder and close it (one transaction)."""
        kind = reminder.kind.split(":")[0]
        await self._db.execute("BEGIN")
        cur = await self._db.execute(
            "INSERT INTO care_visits (family_id, contact_id, day, kind, outcome, notes, follow_up_days, reminder_id,"
            " logged_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (reminder.family_id, reminder.contact_id, day.isoformat(), kind, outcome, notes[:500], follow_up_days,
             reminder.id, _now()))
        await self._db.execute("UPDATE care_reminders SET status = 'done', acked_at = ? WHERE id = ?",
                               (_now(), reminder.id))
        await self._db.commit()
        return int(cur.lastrowid or 0)

    async def contact_by_telegram(self, telegram_id: int) -> tuple[int, str] | None:
        async with self._db.execute("SELECT id, name FROM care_contacts WHERE telegram_id = ? AND active = 1",
                                    (telegram_id,)) as cur:
            row = await cur.fetchone()
        return (int(row[0]), str(row[1])) if row else None

    async def contact_telegram(self, contact_id: int) -> int | None:
        async with self._db.execute("SELECT telegram_id FROM care_contacts WHERE id = ? AND blocked = 0",
                                    (contact_id,)) as cur:
            row = await cur.fetchone()
        return int(row[0]) if row and row[0] is not None else None

    async def set_contact_blocked(self, contact_id: int) -> None:
        await self._db.execute("UPDATE care_contacts SET blocked = 1 WHERE id = ?", (contact_id,))
        await self._db.commit()

    async def families_of(self, contact_id: int) -> list[tuple[int, str]]:
        sql = ("SELECT f.id, f.alias FROM care_assignments a JOIN care_families f ON f.id = a.family_id"
               " WHERE a.contact_id = ? AND f.active = 1 ORDER BY f.alias")
        async with self._db.execute(sql, (contact_id,)) as cur:
            return [(int(r[0]), str(r[1])) async for r in cur]

    async def save_family_record(self, family_id: int, record: dict[str, Any]) -> None:
        await self._db.execute("UPDATE care_families SET record = ? WHERE id = ?",
                               (json.dumps(record, ensure_ascii=False), family_id))
        await self._db.commit()

    async def visits(self) -> list[dict[str, Any]]:
        sql = ("SELECT v.day, f.jurisdiction, f.alias, c.name AS contact, v.kind, v.outcome, v.notes,"
               " v.follow_up_days FROM care_visits v JOIN care_families f ON f.id = v.family_id"
               " LEFT JOIN care_contacts c ON c.id = v.contact_id ORDER BY v.day, v.id")
        async with self._db.execute(sql) as cur:
            return [dict(r) async for r in cur]

    async def family_keys(self) -> set[tuple[str, str]]:
        async with self._db.execute("SELECT jurisdiction, alias FROM care_families") as cur:
            return {(r[0], r[1]) async for r in cur}

    async def telegram_ids(self) -> set[int]:
        async with self._db.execute("SELECT telegram_id FROM care_contacts WHERE telegram_id IS NOT NULL") as cur:
            return {int(r[0]) async for r in cur}

    async def list_families(self) -> list[dict[str, Any]]:
        sql = ("SELECT f.id, f.alias, f.jurisdiction, f.township, f.village, f.old_sick, f.lives_alone,"
               " GROUP_CONCAT(a.contact_id) AS contacts FROM care_families f"
               " LEFT JOIN care_assignments a ON a.family_id = f.id GROUP BY f.id ORDER BY f.id")
        async with self._db.execute(sql) as cur:
            return [dict(r) async for r in cur]

    async def list_contacts(self) -> list[dict[str, Any]]:
        sql = "SELECT id, name, role, township, telegram_id, supervisor_id, blocked FROM care_contacts ORDER BY id"
        async with self._db.execute(sql) as cur:
            return [dict(r) async for r in cur]

    async def set_supervisor(self, contact_id: int, supervisor_id: int) -> None:
        await self._db.execute("UPDATE care_contacts SET supervisor_id = ? WHERE id = ?", (supervisor_id, contact_id))
        await self._db.commit()

    async def set_visit_note(self, visit_id: int, contact_id: int, note: str) -> bool:
        cur = await self._db.execute("UPDATE care_visits SET notes = ? WHERE id = ? AND contact_id = ?",
                                     (note[:500], visit_id, contact_id))
        await self._db.commit()
        return cur.rowcount == 1

    async def family_record(self, family_id: int) -> dict[str, Any] | None:
        async with self._db.execute("SELECT record FROM care_families WHERE id = ?", (family_id,)) as cur:
            row = await cur.fetchone()
        return json.loads(row[0]) if row and row[0] else None

    async def family_jurisdiction(self, family_id: int) -> str:
        async with self._db.execute("SELECT jurisdiction FROM care_families WHERE id = ?", (family_id,)) as cur:
            row = await cur.fetchone()
        return str(row[0]) if row else ""

    async def raise_urgent(self, family_id: int, now: dt.datetime) -> int:
        """An urgent visit (accident, serious illness): a reminder now for every contact of the family."""
        async with self._db.execute("SELECT contact_id FROM care_assignments WHERE family_id = ?", (family_id,)) as cur:
            contacts = [int(r[0]) async for r in cur]
        return await self.add_reminders([(family_id, c, "urgent", now.date(), now) for c in contacts])

    async def deactivate_contact(self, contact_id: int) -> None:
        """A contact who left: kept for the record; their reminders now escalate."""
        await self._db.execute("UPDATE care_contacts SET active = 0 WHERE id = ?", (contact_id,))
        await self._db.commit()


def restore(backup: Path | str, database: Path | str) -> Path | None:
    """Replace the database with a backup (run with the bot stopped). The backup is checked
    first (integrity, a schema this version understands); the current file is kept beside
    it as `<name>.before-restore`. Returns that path (None if there was no database)."""
    backup, database = Path(backup), Path(database)
    if not backup.is_file():
        raise ValueError(f"backup {backup} does not exist")
    try:
        con = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
        ok = con.execute("PRAGMA integrity_check").fetchone()[0]
        version = con.execute("PRAGMA user_version").fetchone()[0]
        con.close()
    except sqlite3.DatabaseError as exc:
        raise ValueError(f"backup {backup} is not a SQLite database ({exc})") from None
    if ok != "ok":
        raise ValueError(f"backup {backup} is damaged: {ok}")
    if version > SCHEMA_VERSION:
        raise ValueError(f"backup {backup} has schema {version}, newer than this program ({SCHEMA_VERSION})")
    kept = None
    if database.exists():
        kept = database.with_name(database.name + ".before-restore")
        shutil.copy2(database, kept)
        for suffix in ("-wal", "-shm"):
            Path(f"{database}{suffix}").unlink(missing_ok=True)
    database.parent.mkdir(parents=True, exist_ok=True)
    src, dest = sqlite3.connect(backup), sqlite3.connect(database)
    try:
        src.backup(dest)
    finally:
        src.close()
        dest.close()
    return kept
