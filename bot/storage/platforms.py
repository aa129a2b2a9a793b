"""What the WeChat and WeCom channels keep: callbacks already handled (so the platforms'
retries and a restart between them are answered once), the access tokens every process
shares (the platforms limit fetches per day), and the platforms' error codes counted for
the admin (code and time only, never who or what)."""

from __future__ import annotations

import time

from bot.storage.db import Database, now_iso

SEEN_KEEP_SECONDS = 3 * 86400  # WeChat retries within 15 s, WeCom within minutes; three days is ample
PRUNE_EVERY = 1000
MAX_KEY = 200


class CallbackSeen:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._inserts = 0

    async def first_sighting(self, key: str) -> bool:
        """True the first time a callback key (platform + MsgId, or sender + time for events)
        is seen; False for every retry, also after a restart."""
        now = time.time()
        prune = self._inserts % PRUNE_EVERY == 0
        self._inserts += 1
        async with self._db.transaction() as tx:
            first = (await tx.execute("INSERT OR IGNORE INTO callback_seen (key, seen_at) VALUES (?, ?)",
                                      (key[:MAX_KEY], now))).rowcount == 1
            if prune:
                await tx.execute("DELETE FROM callback_seen WHERE seen_at < ?", (now - SEEN_KEEP_SECONDS,))
        return first

    async def seen(self, key: str) -> bool:
        return await self._db.one("SELECT 1 FROM callback_seen WHERE key = ?", (key[:MAX_KEY],)) is not None

    async def forget_key(self, key: str) -> None:
        """A callback whose handling failed before anything was answered: let the retry in."""
        await self._db.write("DELETE FROM callback_seen WHERE key = ?", (key[:MAX_KEY],))


class PlatformTokens:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, platform: str, now: float) -> str | None:
        row = await self._db.one("SELECT token, expires_at FROM platform_tokens WHERE platform = ?", (platform,))
        if row is None or row["expires_at"] <= now:
            return None
        return str(row["token"])

    async def put(self, platform: str, token: str, expires_at: float) -> None:
        await self._db.write(
            "INSERT INTO platform_tokens (platform, token, expires_at) VALUES (?, ?, ?) ON CONFLICT(platform) "
            "DO UPDATE SET token = excluded.token, expires_at = excluded.expires_at", (platform, token, expires_at))

    async def drop(self, platform: str, token: str) -> None:
        """The platform said this token is invalid or expired: the next caller fetches a new one."""
        await self._db.write("DELETE FROM platform_tokens WHERE platform = ? AND token = ?", (platform, token))

    async def record_error(self, platform: str, code: int) -> None:
        await self._db.write(
            "INSERT INTO platform_errors (platform, code, count, last_at) VALUES (?, ?, 1, ?) "
            "ON CONFLICT(platform, code) DO UPDATE SET count = platform_errors.count + 1, last_at = excluded.last_at",
            (platform, code, now_iso()))

    async def errors(self) -> list[tuple[str, int, int, str]]:
        """(platform, code, count, last time) for the admin's status, most recent first."""
        rows = await self._db.all("SELECT platform, code, count, last_at FROM platform_errors ORDER BY last_at DESC")
        return [(r["platform"], int(r["code"]), int(r["count"]), str(r["last_at"])) for r in rows]
