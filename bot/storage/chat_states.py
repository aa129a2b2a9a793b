"""The conversation state of a chat channel (`dialogs.conversation.ConversationState` as
JSON), one row per channel and person, so a restart loses no conversation.

Keyed by channel and the platform's own user key (a Telegram user id, a WeChat openid):
one shape for every channel. Written only where the person agreed (the channel checks
consent before it saves); deleted with `/forget`, with a withdrawn consent and by the
retention rule for conversations. The legacy `dialogs` rows of the Telegram interview
(before issue 24) are read once and moved here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from bot.storage.db import Database, now_iso

MAX_STATE_BYTES = 64_000  # a state is a few hundred bytes; anything larger is refused, not stored


@dataclass(frozen=True)
class ChatState:
    state: dict[str, Any]
    chat_id: int | None
    message_id: int | None  # the message whose buttons show the interview step


class ChatStates:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def load(self, channel: str, user_key: str) -> ChatState | None:
        row = await self._db.one("SELECT state, chat_id, message_id FROM chat_states"
                                 " WHERE channel = ? AND user_key = ?", (channel, user_key))
        if row is None:
            return None
        try:
            state = json.loads(row["state"])
        except ValueError:
            return None
        return ChatState(state if isinstance(state, dict) else {}, row["chat_id"], row["message_id"])

    async def save(self, channel: str, user_key: str, state: dict[str, Any], chat_id: int | None = None,
                   message_id: int | None = None) -> None:
        text = json.dumps(state, ensure_ascii=False)
        if len(text.encode()) > MAX_STATE_BYTES:
            raise ValueError("conversation state too large")
        await self._db.write(
            "INSERT INTO chat_states (channel, user_key, state, chat_id, message_id, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(channel, user_key) DO UPDATE SET state = excluded.state, "
            "chat_id = COALESCE(excluded.chat_id, chat_states.chat_id), "
            "message_id = COALESCE(excluded.message_id, chat_states.message_id), updated_at = excluded.updated_at",
            (channel, user_key, text, chat_id, message_id, now_iso()))

    async def delete(self, channel: str, user_key: str) -> None:
        await self._db.write("DELETE FROM chat_states WHERE channel = ? AND user_key = ?", (channel, user_key))

    async def take_legacy_interview(self, user_id: int) -> ChatState | None:
        """A Telegram interview saved in the old `dialogs` table, as a conversation state
        (and the old row removed), so an interview open across the upgrade goes on."""
        async with self._db.transaction() as tx:
            row = await tx.one("SELECT * FROM dialogs WHERE user_id = ? AND kind = 'check'", (user_id,))
            if row is None:
                return None
            await tx.execute("DELETE FROM dialogs WHERE user_id = ?", (user_id,))
        try:
            old = json.loads(row["state"])
        except ValueError:
            return None
        if not isinstance(old, dict):
            return None
        family = old.pop("for_family", None)
        state = {"interview": old, "token": row["token"], "for_family": family, "city": old.get("jurisdiction")}
        return ChatState(state, row["chat_id"], row["message_id"])
