"""The daily warning to a city's admins: which documents lapse within 90 days (issue 26).

A normative document lapses (five years, two when 试行); after its last day answers say it
has lapsed. Ninety days ahead the admins are told once a day, so the city can publish the
successor in time. The day is claimed in storage, so several processes send it once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable

from bot.documents.library import EXPIRY_WARNING_DAYS, expiring
from bot.storage import Storage
from dialogs.web_copy import EXPIRY_NOTICE, EXPIRY_NOTICE_LINE

Send = Callable[[int, str], Awaitable[None]]


def expiry_text(day: dt.date) -> str | None:
    """The notice for `day`, or None when nothing lapses within 90 days."""
    docs = expiring(day)
    if not docs:
        return None
    lines = [EXPIRY_NOTICE.format(days=EXPIRY_WARNING_DAYS)]
    for doc in sorted(docs, key=lambda d: d.expires or day):
        assert doc.expires is not None
        lines.append(EXPIRY_NOTICE_LINE.format(city=doc.name, number=doc.number or doc.title,
                                               date=f"{doc.expires.year}年{doc.expires.month}月{doc.expires.day}日",
                                               left=(doc.expires - day).days))
    return "\n".join(lines)


async def send_expiry_notice(storage: Storage, admins: list[int], send: Send, day: dt.date) -> bool:
    """Send the day's notice to every admin, once per day (claimed in storage first: a crash
    after the claim loses one day's notice rather than sending it twice)."""
    text = expiry_text(day)
    if text is None or not admins or not await storage.documents.claim_expiry_notice(day.isoformat()):
        return False
    for admin in admins:
        await send(admin, text)
    return True
