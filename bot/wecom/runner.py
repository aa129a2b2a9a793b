"""The reminder loop of `python -m bot web` in a deployment whose contacts are in WeCom and
that has no Telegram bot: this process then holds the database's lock (so no second loop
runs on it) and sends every reminder by WeCom. With a Telegram token, the bot process runs
the loop (and sends WeCom reminders too), never this one."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from bot.operations.maintenance import apply_retention
from bot.reminders.delivery import Dispatch
from bot.reminders.loop import Clock, run_reminder_loop
from bot.reminders.planner import SHANGHAI
from bot.storage import Storage, StorageError
from bot.wecom.api import close_shared
from bot.wecom.sender import wecom_sender

log = logging.getLogger("lianxin.wecom")


@dataclass
class WeComLoop:
    storage: Storage
    task: asyncio.Task[None]

    async def stop(self) -> None:
        self.task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self.task
        await close_shared(self.storage)
        await self.storage.close()


def runs_here(settings: Any) -> bool:
    """WeCom is configured and no Telegram bot will run the loop."""
    return bool(settings.wecom_enabled()) and not settings.telegram_bot_token


def _now() -> dt.datetime:
    return dt.datetime.now(SHANGHAI)


async def start_wecom_loop(settings: Any, clock: Clock | None = None) -> WeComLoop | None:
    """Open the database holding its lock and start the loop; None (with a warning) when
    another process holds it (that one sends the reminders)."""
    try:
        storage = await Storage.open(settings.database, hold_lock=True)
    except StorageError as exc:
        log.warning("WeCom reminders are not sent by this process: %s", exc)
        return None
    sender = Dispatch(None, wecom_sender(storage, settings))
    task = asyncio.create_task(run_reminder_loop(storage, settings, sender, clock or _now, apply_retention))
    log.info("sending reminders by WeCom from this process")
    return WeComLoop(storage, task)
