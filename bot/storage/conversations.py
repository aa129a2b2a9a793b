"""An interview in progress (survives a restart) and a family's saved answers (only with consent)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from bot.storage.audit import record_in
from bot.storage.db import Database, now_iso
from bot.storage.records import Dialog
from bot.storage.users import ENSURE_USER

# A conversation ends after this long without a despairing message: the next one is a first again.
DISTRESS_CONVERSATION_GAP = dt.timedelta(hours=6)


class Conversations:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def save(self, user_id: int, kind: str, token: str, state: dict[str, Any],
                   chat_id: int | None = None, message_id: int | None = None) -> None:
        now = now_iso()
        async with self._db.transaction() as tx:
            await tx.execute(ENSURE_USER, (user_id, "family", now, now))
            await tx.execute(
                "INSERT INTO dialogs (user_id, kind, token, chat_id, message_id, state, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(user_id) DO UPDATE SET kind = excluded.kind, "
                "token = excluded.token, chat_id = COALESCE(excluded.chat_id, dialogs.chat_id), "
                "message_id = COALESCE(excluded.message_id, dialogs.message_id), state = excluded.state, "
                "updated_at = excluded.updated_at",
                (user_id, kind, token, chat_id, message_id, json.dumps(state, ensure_ascii=False), now))

    async def load(self, user_id: int) -> Dialog | None:
        row = await self._db.one("SELECT * FROM dialogs WHERE user_id = ?", (user_id,))
        return Dialog.from_row(row) if row is not None else None

    async def delete(self, user_id: int) -> None:
        await self._db.write("DELETE FROM dialogs WHERE user_id = ?", (user_id,))

    async def save_profile(self, user_id: int, jurisdiction: str, answers: dict[str, Any], summary: str) -> bool:
        """Saved only with consent (checked in the same transaction); returns whether it was saved."""
        async with self._db.transaction() as tx:
            row = await tx.one("SELECT consent FROM users WHERE user_id = ?", (user_id,))
            if row is None or not row["consent"]:
                return False
            await tx.execute(
                "INSERT INTO profiles (user_id, jurisdiction, answers, summary, updated_at) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT(user_id) DO UPDATE SET jurisdiction = excluded.jurisdiction, answers = excluded.answers,"
                " summary = excluded.summary, updated_at = excluded.updated_at",
                (user_id, jurisdiction, json.dumps(answers, ensure_ascii=False), summary, now_iso()))
        return True

    async def read_profile(self, user_id: int, reader: int) -> dict[str, Any] | None:
        """A family's record. Anyone but the family itself is audited, found or not."""
        if reader != user_id:
            async with self._db.transaction() as tx:
                await record_in(tx, reader, "read_family_record", user_id)
        row = await self._db.one("SELECT * FROM profiles WHERE user_id = ?", (user_id,))
        if row is None:
            return None
        return {"jurisdiction": row["jurisdiction"], "answers": json.loads(row["answers"]),
                "summary": row["summary"], "updated_at": row["updated_at"]}

    async def distress_turn(self, user_id: int, now: dt.datetime | None = None) -> int:
        """Record one despairing message and return which one it is in this conversation
        (1 for the first, or the first after DISTRESS_CONVERSATION_GAP of quiet). Only a count
        and a time are kept, never the words; the row goes with the user."""
        now = now or dt.datetime.now(dt.UTC)
        async with self._db.transaction() as tx:
            await tx.execute(ENSURE_USER, (user_id, "family", now_iso(), now_iso()))
            row = await tx.one("SELECT count, last_at FROM distress_turns WHERE user_id = ?", (user_id,))
            recent = row is not None and now - dt.datetime.fromisoformat(row["last_at"]) < DISTRESS_CONVERSATION_GAP
            count = int(row["count"]) + 1 if recent and row is not None else 1
            await tx.execute(
                "INSERT INTO distress_turns (user_id, count, last_at) VALUES (?, ?, ?) ON CONFLICT(user_id) DO UPDATE "
                "SET count = excluded.count, last_at = excluded.last_at",
                (user_id, count, now.isoformat(timespec="seconds")))
        return count
