"""The office console's sign-in (`storage.office_sessions`): one-time links and sessions, both
in the database (a restart signs nobody out and nothing lives only in memory). Only SHA-256
hashes of the tokens are stored, so a copy of the database cannot be used to sign in."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from bot.storage.audit import record_in
from bot.storage.db import Database

LINK_VALID = dt.timedelta(minutes=10)  # a sign-in link not used within ten minutes no longer works
SESSION_IDLE = dt.timedelta(minutes=30)  # a session unused this long is over
SESSION_LIFETIME = dt.timedelta(hours=12)  # and any session this long after sign-in, however busy


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Session:
    user_id: int
    csrf: str


class OfficeSessions:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def create_link(self, user_id: int, now: dt.datetime | None = None) -> str:
        """A new random sign-in token for `user_id` (returned once, stored only as its hash)."""
        token = secrets.token_urlsafe(32)
        now = now or dt.datetime.now(dt.UTC)
        async with self._db.transaction() as tx:
            await tx.execute("INSERT INTO console_links (token_hash, user_id, created_at) VALUES (?, ?, ?)",
                             (token_hash(token), user_id, _iso(now)))
            await record_in(tx, user_id, "console_link_created", None)
        return token

    async def link_usable(self, token: str, now: dt.datetime | None = None) -> bool:
        """Whether the link could still sign in (the page before the 登录 button); it changes nothing."""
        now = now or dt.datetime.now(dt.UTC)
        row = await self._db.one("SELECT 1 FROM console_links WHERE token_hash = ? AND used_at IS NULL"
                                 " AND created_at >= ?", (token_hash(token), _iso(now - LINK_VALID)))
        return row is not None

    async def redeem_link(self, token: str, now: dt.datetime | None = None) -> str | None:
        """A new session token for the link's user, once: the claim is one UPDATE guarded by
        `used_at IS NULL` (like invite redemption), so a link opened twice at the same moment
        signs in only once. None for an unknown, used or expired link."""
        now = now or dt.datetime.now(dt.UTC)
        oldest = _iso(now - LINK_VALID)
        async with self._db.transaction() as tx:
            row = await tx.one("UPDATE console_links SET used_at = ? WHERE token_hash = ? AND used_at IS NULL"
                               " AND created_at >= ? RETURNING user_id", (_iso(now), token_hash(token), oldest))
            if row is None:
                return None
            user_id = int(row["user_id"])
            session = secrets.token_urlsafe(32)
            await tx.execute("INSERT INTO console_sessions (token_hash, user_id, csrf, created_at, last_seen)"
                             " VALUES (?, ?, ?, ?, ?)",
                             (token_hash(session), user_id, secrets.token_urlsafe(24), _iso(now), _iso(now)))
            await record_in(tx, user_id, "console_signed_in", None)
        return session

    async def session(self, token: str, now: dt.datetime | None = None, idle: dt.timedelta = SESSION_IDLE,
                      lifetime: dt.timedelta = SESSION_LIFETIME) -> Session | None:
        """The session behind a cookie, its idle clock restarted; None (and deleted) once idle
        too long, or once `lifetime` has passed since sign-in: a stolen cookie of a console
        left open all day stops working the same evening."""
        now = now or dt.datetime.now(dt.UTC)
        key = token_hash(token)
        async with self._db.transaction() as tx:
            row = await tx.one("SELECT user_id, csrf, created_at, last_seen FROM console_sessions"
                               " WHERE token_hash = ?", (key,))
            if row is None:
                return None
            if str(row["last_seen"]) < _iso(now - idle) or str(row["created_at"]) < _iso(now - lifetime):
                await tx.execute("DELETE FROM console_sessions WHERE token_hash = ?", (key,))
                return None
            await tx.execute("UPDATE console_sessions SET last_seen = ? WHERE token_hash = ?", (_iso(now), key))
        return Session(int(row["user_id"]), str(row["csrf"]))

    async def end_session(self, token: str) -> None:
        async with self._db.transaction() as tx:
            await tx.execute("DELETE FROM console_sessions WHERE token_hash = ?", (token_hash(token),))
