"""The reminder loop, whichever process runs it: the Telegram bot (`bot.telegram.care`), or
`python -m bot web` when only WeCom is configured (`bot.wecom.runner`). One per database:
the process that runs it holds the database's lock (`Storage.open(hold_lock=True)`)."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from bot.reminders.delivery import Sender, tick
from bot.storage import Storage

log = logging.getLogger("lianxin.reminders")
Clock = Callable[[], dt.datetime]
Daily = Callable[[Storage, Any, dt.datetime], Awaitable[dict[str, int]]]


async def run_reminder_loop(store: Storage, settings: Any, sender: Sender, clock: Clock,
                            daily: Daily | None = None) -> None:
    """Every BOT_REMINDER_INTERVAL seconds: plan, send, re-remind, escalate; `daily` (data
    retention) once a day. Never dies."""
    interval = settings.bot_reminder_interval
    admins = settings.bot_admin_ids
    start, end = (int(x) for x in settings.bot_quiet_hours.split("-"))
    grace = dt.timedelta(hours=settings.bot_grace_hours)
    recovered = await store.reminders.recover_after_crash(clock())
    if recovered:
        log.info("%d reminder(s) were mid-send at the last stop; counted as sent", recovered)
    retained_on: dt.date | None = None
    while True:
        try:
            now = clock()
            report = await tick(store, sender, now, admins, (start, end), grace)
            if daily is not None and retained_on != now.date():  # data retention, once a day
                counts = await daily(store, settings, now)
                retained_on = now.date()
                log.info("retention: %s", ", ".join(f"{k} {v}" for k, v in counts.items()))
            if report.sent or report.escalated:
                log.info("reminders: %d sent (%d late, %d again), %d escalated", report.sent, report.late,
                         report.again, report.escalated)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("reminder tick failed; trying again next round")
        await asyncio.sleep(interval)
