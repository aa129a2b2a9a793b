"""Run the real Telegram application against the fake Bot API server (tests and benchmarks)."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

from bot.settings import load_settings
from bot.telegram.app import build_application
from tests.fake_bot_api import TOKEN, Call, FakeBotApi

ADMIN_ID = 900


class Harness:
    def __init__(self, api: FakeBotApi | None, database: Path | str, base_url: str | None = None, **settings: Any) -> None:
        self.api: FakeBotApi = api  # type: ignore[assignment]  # None when the server is another process
        self.database = database
        self.overrides = settings
        self.base_url = base_url or (api.base_url if api else "")
        self.clock: Any = None
        self.app: Any = None

    async def start(self) -> Harness:
        # a str is a postgresql:// URL (tests/conftest.py `db_location`)
        where = ({"BOT_DATABASE_URL": self.database} if isinstance(self.database, str)
                 else {"BOT_DATABASE": self.database})
        settings = load_settings(TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=self.base_url,
                                 BOT_ADMIN_IDS=str(ADMIN_ID), **where, **self.overrides)
        self.app = build_application(settings)
        if self.clock is not None:
            self.app.bot_data["clock"] = self.clock
        await self.app.initialize()
        await self.app.post_init(self.app)
        await self.app.start()
        await self.app.updater.start_polling(poll_interval=0, timeout=1)
        return self

    async def stop(self) -> None:
        await self.app.updater.stop()
        await self.app.stop()
        await self.app.post_shutdown(self.app)
        await self.app.shutdown()

    @property
    def storage(self) -> Any:
        return self.app.bot_data["storage"]

    async def replies(self, uid: int, since: int, quiet: float = 0.25, timeout: float = 10.0,
                      methods: tuple[str, ...] = ("sendMessage", "editMessageText", "answerCallbackQuery",
                                                  "answerInlineQuery")) -> list[Call]:
        """Calls the bot made for this user after index `since`, once it has gone quiet."""
        deadline = time.monotonic() + timeout
        last_count, last_change = -1, time.monotonic()
        while time.monotonic() < deadline:
            calls = [c for c in self.api.calls[since:] if c.method in methods
                     and (c.chat_id == uid or c.method in ("answerCallbackQuery", "answerInlineQuery"))]
            if len(calls) != last_count:
                last_count, last_change = len(calls), time.monotonic()
            elif calls and time.monotonic() - last_change >= quiet:
                return calls
            await asyncio.sleep(0.02)
        raise AssertionError(f"bot did not answer user {uid} in {timeout}s")

    async def say(self, uid: int, text: str) -> list[Call]:
        since = len(self.api.calls)
        self.api.send_text(uid, text)
        return await self.replies(uid, since)

    async def tap(self, uid: int, data: str, message_id: int | None = None) -> list[Call]:
        since = len(self.api.calls)
        self.api.tap(uid, data, message_id)
        return await self.replies(uid, since)

    async def tap_label(self, uid: int, call: Call, label_part: str) -> list[Call]:
        """Press the button whose label contains `label_part` on the message `call` produced."""
        for text, data in call.buttons():
            if label_part in text:
                return await self.tap(uid, data, call.message_id)
        raise AssertionError(f"no button with {label_part!r} in {call.buttons()}")


def last_with_buttons(calls: list[Call]) -> Call:
    return next(c for c in reversed(calls) if c.buttons())
