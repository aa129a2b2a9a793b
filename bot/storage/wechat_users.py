"""A WeChat follower as the Service Account channel needs them, and nothing more: the openid
(WeChat's per-account pseudonym), whether they agreed to keep their answers, whether they
still follow the account (an unfollowed person is never sent anything), and when they last
wrote (customer-service messages are allowed only within 48 hours of that).

A row exists only once the person has answered the consent question or unfollowed; before
that nothing about them is stored (the conversation stays in the process, as on Telegram
without consent). Their conversation state is the `chat_states` row ('wechat', openid);
`forget` deletes both and checkpoints, so nothing stays in the -wal file.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.storage.db import Database, now_iso

CHANNEL = "wechat"


@dataclass(frozen=True)
class WeChatUser:
    openid: str
    consent: bool
    subscribed: bool
    last_message_at: float | None


class WeChatUsers:
    def __init__(self, db: Database, checkpoint: Callable[[], Awaitable[object]]) -> None:
        self._db = db
        self._checkpoint = checkpoint

    async def get(self, openid: str) -> WeChatUser | None:
        row = await self._db.one("SELECT * FROM wechat_users WHERE openid = ?", (openid,))
        if row is None:
            return None
        return WeChatUser(row["openid"], bool(row["consent"]), bool(row["subscribed"]), row["last_message_at"])

    async def set_consent(self, openid: str, agreed: bool, now: float) -> None:
        """Agreed: keep the row (the conversation may then be stored). Refused or withdrawn:
        the stored conversation goes; the row stays only to remember the answer."""
        async with self._db.transaction() as tx:
            await tx.execute(
                "INSERT INTO wechat_users (openid, consent, subscribed, last_message_at, created_at) "
                "VALUES (?, ?, 1, ?, ?) ON CONFLICT(openid) DO UPDATE SET consent = excluded.consent, "
                "subscribed = 1, last_message_at = excluded.last_message_at",
                (openid, int(agreed), now, now_iso()))
            if not agreed:
                await tx.execute("DELETE FROM chat_states WHERE channel = ? AND user_key = ?", (CHANNEL, openid))
        if not agreed:
            await self._checkpoint()

    async def wrote(self, openid: str, now: float) -> None:
        """The person wrote (a message, a menu click): the 48-hour window starts again. Only
        for someone with a row; nobody is stored for writing."""
        await self._db.write("UPDATE wechat_users SET last_message_at = ?, subscribed = 1 WHERE openid = ?",
                             (now, openid))

    async def unsubscribed(self, openid: str) -> None:
        """Unfollowed: nothing more is sent. A row is made if none exists (the openid alone),
        so a reply still being prepared is not sent after the unfollow."""
        await self._db.write(
            "INSERT INTO wechat_users (openid, consent, subscribed, last_message_at, created_at) "
            "VALUES (?, 0, 0, NULL, ?) ON CONFLICT(openid) DO UPDATE SET subscribed = 0", (openid, now_iso()))

    async def resubscribed(self, openid: str, now: float) -> None:
        await self._db.write("UPDATE wechat_users SET subscribed = 1, last_message_at = ? WHERE openid = ?",
                             (now, openid))

    async def forget(self, openid: str) -> None:
        """Everything about this person, then a checkpoint (the -wal file keeps no copy)."""
        async with self._db.transaction() as tx:
            await tx.execute("DELETE FROM chat_states WHERE channel = ? AND user_key = ?", (CHANNEL, openid))
            await tx.execute("DELETE FROM wechat_users WHERE openid = ?", (openid,))
        await self._checkpoint()

    async def rows_about(self, openid: str) -> int:
        """How many rows mention this person (the forget test counts them)."""
        return int(await self._db.scalar(
            "SELECT (SELECT COUNT(*) FROM wechat_users WHERE openid = ?) + "
            "(SELECT COUNT(*) FROM chat_states WHERE channel = ? AND user_key = ?)", (openid, CHANNEL, openid)) or 0)
