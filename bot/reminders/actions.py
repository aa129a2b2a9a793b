"""What a contact's answer to a reminder does, whichever channel it came by: the Telegram
buttons (`bot.telegram.care`) and the WeCom card (`bot.wecom.callback`) call these, so a
visit logged from either is the same row and a replayed or doubled answer changes nothing.

Only the reminder's own contact may answer it (`may_answer`); a finished reminder is final
(`record_visit` returns None, `postpone` False)."""

from __future__ import annotations

import datetime as dt

from bot.reminders.planner import SHANGHAI
from bot.storage import Reminder, Storage

POSTPONE_DAYS = (1, 3, 7)  # the Telegram buttons; WeCom's 稍后提醒 is the first
REMIND_AT = dt.time(9)  # a postponed reminder comes back at 09:00 Asia/Shanghai


def may_answer(reminder: Reminder | None, contact_id: int | None) -> bool:
    """The reminder exists and belongs to this contact."""
    return reminder is not None and contact_id is not None and reminder.contact_id == contact_id


async def record_visit(storage: Storage, reminder: Reminder, now: dt.datetime, outcome: str,
                       follow_up_days: int | None, notes: str = "") -> int | None:
    """Log the visit (today in Shanghai; `notes`: how, when the button said it, e.g. 已电话联系
    from the WeCom card) and close the reminder, in one transaction; the visit's id, or None
    when it was already finished (nothing written)."""
    today = now.astimezone(SHANGHAI).date()
    return await storage.reminders.log_visit(reminder, today, outcome, notes, follow_up_days)


def postponed_until(now: dt.datetime, days: int) -> dt.datetime:
    return dt.datetime.combine(now.astimezone(SHANGHAI).date() + dt.timedelta(days=days), REMIND_AT, SHANGHAI)


async def postpone(storage: Storage, reminder: Reminder, now: dt.datetime, days: int) -> bool:
    """Remind again `days` days from now at 09:00; False when the reminder is finished."""
    return await storage.reminders.postpone(reminder.id, postponed_until(now, days))
