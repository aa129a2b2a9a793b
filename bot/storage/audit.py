"""The audit log: who read or changed whose record (staff reads of a family are always recorded)."""

from __future__ import annotations

from typing import Any

from bot.storage.db import Database, Transaction, now_iso

INSERT = "INSERT INTO audit_log (at, actor, action, subject, detail) VALUES (?, ?, ?, ?, ?)"


async def record_in(tx: Transaction, actor: int, action: str, subject: int | None, detail: str | None = None) -> None:
    """Audit inside a caller's transaction (the change and its record commit together)."""
    await tx.execute(INSERT, (now_iso(), actor, action, subject, detail))


class Audit:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def record(self, actor: int, action: str, subject: int | None, detail: str | None = None) -> None:
        async with self._db.transaction() as tx:
            await record_in(tx, actor, action, subject, detail)

    async def entries(self, limit: int = 20) -> list[dict[str, Any]]:
        return [dict(r) for r in await self._db.all("SELECT * FROM audit_log ORDER BY id DESC LIMIT ?", (limit,))]
