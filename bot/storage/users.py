"""People who talk to the bot: role, city, consent, blocked; roles by single-use invitation;
and forgetting someone."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from bot.storage.audit import record_in
from bot.storage.db import Database, Transaction, now_iso
from bot.storage.records import InviteRole, Role, User

ENSURE_USER = ("INSERT INTO users (user_id, role, created_at, updated_at) VALUES (?, ?, ?, ?) "
               "ON CONFLICT(user_id) DO NOTHING")
DELETE_TELEGRAM_STATE = "DELETE FROM chat_states WHERE channel = 'telegram' AND user_key = ?"
INVITE_VALID = dt.timedelta(days=7)  # an invite code not used within a week no longer works
# audit actions by one person about another: kept after the actor's /forget (see PRIVACY)
ACCOUNTABLE_ACTIONS = ("read_family_record", "read_care_family")
_USER_COLUMNS = frozenset({"role", "jurisdiction", "consent", "consent_at", "blocked"})


class Users:
    def __init__(self, db: Database, checkpoint: Any) -> None:
        self._db = db
        self._checkpoint = checkpoint  # after a deletion: nothing forgotten stays in the -wal file

    async def get(self, user_id: int) -> User | None:
        row = await self._db.one("SELECT * FROM users WHERE user_id = ?", (user_id,))
        return User.from_row(row) if row is not None else None

    async def ensure(self, user_id: int, role: Role | str = Role.FAMILY) -> User:
        now = now_iso()
        await self._db.write(ENSURE_USER, (user_id, Role(role), now, now))
        user = await self.get(user_id)
        assert user is not None
        return user

    async def _update(self, tx: Transaction, user_id: int, **fields: Any) -> None:
        assert set(fields) <= _USER_COLUMNS  # column names are ours, never a caller's text
        now = now_iso()
        await tx.execute(ENSURE_USER, (user_id, "family", now, now))
        sets = ", ".join(f"{k} = ?" for k in fields)
        await tx.execute(f"UPDATE users SET {sets}, updated_at = ? WHERE user_id = ?", (*fields.values(), now, user_id))

    async def set_role(self, user_id: int, role: Role | str) -> None:
        try:
            role = Role(role)
        except ValueError:
            raise ValueError(f"unknown role {role!r}") from None
        async with self._db.transaction() as tx:
            await self._update(tx, user_id, role=role.value)

    async def set_jurisdiction(self, user_id: int, code: str) -> None:
        async with self._db.transaction() as tx:
            await self._update(tx, user_id, jurisdiction=code)

    async def set_consent(self, user_id: int, consent: bool) -> None:
        async with self._db.transaction() as tx:
            await self._update(tx, user_id, consent=int(consent), consent_at=now_iso() if consent else None)
            if not consent:  # withdrawing consent removes what it allowed us to keep
                await tx.execute("DELETE FROM profiles WHERE user_id = ?", (user_id,))
                await tx.execute("DELETE FROM dialogs WHERE user_id = ?", (user_id,))
                await tx.execute(DELETE_TELEGRAM_STATE, (str(user_id),))
        if not consent:
            await self._checkpoint()

    async def set_blocked(self, user_id: int, blocked: bool = True) -> None:
        await self._db.write("UPDATE users SET blocked = ?, updated_at = ? WHERE user_id = ?",
                             (int(blocked), now_iso(), user_id))

    async def with_role(self, *roles: Role | str) -> list[int]:
        marks = ",".join("?" * len(roles))
        rows = await self._db.all(f"SELECT user_id FROM users WHERE role IN ({marks})", [str(r) for r in roles])
        return [int(r[0]) for r in rows]

    # --- roles by invitation -------------------------------------------------------------

    async def create_invite(self, role: InviteRole | str, created_by: int) -> str:
        role = InviteRole(role)
        code = secrets.token_urlsafe(6).replace("-", "x").replace("_", "y")
        async with self._db.transaction() as tx:
            await tx.execute("INSERT INTO invites (code, role, created_by, created_at) VALUES (?, ?, ?, ?)",
                             (code, role.value, created_by, now_iso()))
            await record_in(tx, created_by, f"invite_{role.value}", None)
        return code

    async def redeem_invite(self, code: str, user_id: int, now: dt.datetime | None = None) -> str | None:
        """The role the code grants, once: the claim is one UPDATE guarded by `used_by IS NULL`,
        so two people redeeming the same code at the same moment cannot both win. None for an
        unknown, used or expired code."""
        now = now or dt.datetime.now(dt.UTC)
        oldest = (now - INVITE_VALID).isoformat(timespec="seconds")
        async with self._db.transaction() as tx:
            row = await tx.one("UPDATE invites SET used_by = ?, used_at = ? WHERE code = ? AND used_by IS NULL"
                               " AND created_at >= ? RETURNING role", (user_id, now_iso(), code, oldest))
            if row is None:
                return None
            role = str(row["role"])
            await self._update(tx, user_id, role=role)
            await record_in(tx, user_id, f"joined_as_{role}", user_id)
        return role

    # --- forgetting ------------------------------------------------------------------------

    async def forget(self, user_id: int) -> None:
        """Delete every row about this user, then checkpoint so no copy stays in the -wal file.
        Kept: audit rows of their reads of *another* person's record (that person may ask who
        read it), and audit rows of others reading theirs, no longer pointing at them."""
        marks = ",".join("?" * len(ACCOUNTABLE_ACTIONS))
        async with self._db.transaction() as tx:
            await tx.execute("DELETE FROM users WHERE user_id = ?", (user_id,))  # cascades: dialogs, profiles
            await tx.execute(DELETE_TELEGRAM_STATE, (str(user_id),))
            # the office's registry record of the family stays; the link to this account goes
            await tx.execute("UPDATE care_families SET telegram_id = NULL WHERE telegram_id = ?", (user_id,))
            await tx.execute("UPDATE invites SET used_by = NULL WHERE used_by = ?", (user_id,))
            await tx.execute("DELETE FROM console_links WHERE user_id = ?", (user_id,))
            await tx.execute("DELETE FROM console_sessions WHERE user_id = ?", (user_id,))
            await tx.execute(f"DELETE FROM audit_log WHERE actor = ? AND NOT (action IN ({marks})"
                             " AND (subject IS NULL OR subject != ?))", (user_id, *ACCOUNTABLE_ACTIONS, user_id))
            await tx.execute("UPDATE audit_log SET subject = NULL, detail = 'forgotten' WHERE subject = ?",
                             (user_id,))
        await self._checkpoint()

    async def rows_about(self, user_id: int) -> int:
        """How many rows still mention this user (0 after forget, except accountable reads of others)."""
        marks = ",".join("?" * len(ACCOUNTABLE_ACTIONS))
        total = 0
        for sql in ("SELECT COUNT(*) FROM users WHERE user_id = ?", "SELECT COUNT(*) FROM dialogs WHERE user_id = ?",
                    "SELECT COUNT(*) FROM profiles WHERE user_id = ?", "SELECT COUNT(*) FROM invites WHERE used_by = ?",
                    "SELECT COUNT(*) FROM console_links WHERE user_id = ?",
                    "SELECT COUNT(*) FROM console_sessions WHERE user_id = ?",
                    "SELECT COUNT(*) FROM distress_turns WHERE user_id = ?",
                    "SELECT COUNT(*) FROM chat_states WHERE channel = 'telegram' AND user_key = CAST(? AS TEXT)",
                    "SELECT COUNT(*) FROM audit_log WHERE subject = ?"):
            total += int(await self._db.scalar(sql, (user_id,)) or 0)
        own = f"SELECT COUNT(*) FROM audit_log WHERE actor = ? AND action NOT IN ({marks})"
        total += int(await self._db.scalar(own, (user_id, *ACCOUNTABLE_ACTIONS)) or 0)
        return total
