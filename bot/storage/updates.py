"""Telegram update ids already handled (no content, no user), so an update delivered twice (a
webhook redelivery, a poll repeated after a crash) is handled once, also across a restart."""

from __future__ import annotations

import time

from bot.storage.db import Database

KEEP_SECONDS = 2 * 86400  # Telegram gives up redelivering long before two days
PRUNE_EVERY = 1000


class Updates:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._inserts = 0

    async def first_sighting(self, update_id: int) -> bool:
        """True the first time an update id is seen, False for every later delivery. Insert and
        prune run in one serialised transaction, like every other write."""
        now = time.time()
        prune = self._inserts % PRUNE_EVERY == 0
        self._inserts += 1
        async with self._db.transaction() as tx:
            first = (await tx.execute("INSERT OR IGNORE INTO seen_updates (update_id, seen_at) VALUES (?, ?)",
                                      (update_id, now))).rowcount == 1
            if prune:
                await tx.execute("DELETE FROM seen_updates WHERE seen_at < ?", (now - KEEP_SECONDS,))
        return first
