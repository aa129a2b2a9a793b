"""Send what is due, re-remind once after the grace period, then escalate. Loses nothing,
repeats nothing: a reminder is marked 'sending' in SQLite before it goes out and 'sent'
right after; a crash between the two counts as sent, and the grace-period re-reminder
covers the case where it never arrived. The clock is a parameter, so tests can run a year
in seconds.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Protocol

from bot.reminders.planner import SHANGHAI, in_quiet_hours, increment_intervals, plan_rows
from bot.storage import Reminder, Storage
from knowledge.catalogue import documents

log = logging.getLogger("lianxin.reminders")
QUIET_HOURS = (21, 8)  # no messages from 21:00 to 08:00 Asia/Shanghai (BOT_QUIET_HOURS)
PLANNED_ON = "planned_on"  # meta key: the last day planned
GRACE = dt.timedelta(hours=48)  # unanswered this long: remind once more, then escalate (BOT_GRACE_HOURS)


class Unreachable(Exception):
    """The contact cannot receive messages (blocked the bot, left, no Telegram account)."""


class MaybeDelivered(Exception):
    """The send timed out after the request left: Telegram may well have delivered it.
    Counted as sent and never repeated (repeating gave one contact 6 copies in 40 s); the
    grace-period re-reminder covers a real loss."""


class Rejected(Exception):
    """The platform refused this message for a reason retrying will not mend (a WeCom error
    code other than "no such user"): counted as sent and marked undeliverable, never sent
    again every round; the grace-period re-reminder tries once more, then it escalates."""


@dataclass(frozen=True)
class WeComUser:
    """A WeCom member account (a contact bound to WeCom); a plain int is a Telegram chat."""

    user_id: str


Recipient = int | WeComUser


class Sender(Protocol):
    async def reminder(self, chat_id: Recipient, reminder: Reminder, late: bool, again: bool) -> None: ...

    async def escalation(self, chat_id: Recipient, reminder: Reminder, reason: str) -> None: ...


class TelegramLike(Protocol):
    async def reminder(self, chat_id: int, reminder: Reminder, late: bool, again: bool) -> None: ...

    async def escalation(self, chat_id: int, reminder: Reminder, reason: str) -> None: ...


class WeComLike(Protocol):
    async def reminder(self, user_id: str, reminder: Reminder, late: bool, again: bool) -> None: ...

    async def escalation(self, user_id: str, reminder: Reminder, reason: str) -> None: ...


class Dispatch:
    """One Sender over the channels a deployment has: a WeCom account goes by WeCom, a
    Telegram chat by Telegram; a channel that is not configured cannot reach anyone there."""

    def __init__(self, telegram: TelegramLike | None, wecom: WeComLike | None = None) -> None:
        self.telegram = telegram
        self.wecom = wecom

    async def reminder(self, chat_id: Recipient, reminder: Reminder, late: bool, again: bool) -> None:
        if isinstance(chat_id, WeComUser) and self.wecom is None and reminder.telegram_id is not None:
            chat_id = reminder.telegram_id  # bound to WeCom, but this process has no WeCom app: Telegram
        if isinstance(chat_id, WeComUser):
            if self.wecom is None:
                raise Unreachable
            await self.wecom.reminder(chat_id.user_id, reminder, late, again)
        elif self.telegram is None:
            raise Unreachable
        else:
            await self.telegram.reminder(chat_id, reminder, late, again)

    async def escalation(self, chat_id: Recipient, reminder: Reminder, reason: str) -> None:
        if isinstance(chat_id, WeComUser):
            if self.wecom is None:
                raise Unreachable
            await self.wecom.escalation(chat_id.user_id, reminder, reason)
        elif self.telegram is None:
            raise Unreachable
        else:
            await self.telegram.escalation(chat_id, reminder, reason)


def recipient(reminder: Reminder) -> Recipient | None:
    """Where a reminder goes: the contact's WeCom account when bound, else their Telegram chat."""
    if reminder.wecom_user_id is not None:
        return WeComUser(reminder.wecom_user_id)
    return reminder.telegram_id


def in_turns(reminders: list[Reminder]) -> list[Reminder]:
    """The due reminders taken in turns across recipients: each contact's first before
    anyone's second, each contact's own in their order. Telegram lets one chat receive about one
    message a second, so a contact with forty families due at a festival would otherwise hold
    the sender (one send at a time) for forty seconds while everyone else's wait."""
    turn: dict[Recipient | None, int] = {}
    ranked = []
    for position, reminder in enumerate(reminders):
        key = recipient(reminder)
        n = turn.get(key, 0)
        turn[key] = n + 1
        ranked.append((n, position, reminder))
    ranked.sort(key=lambda item: (item[0], item[1]))
    return [reminder for _, _, reminder in ranked]


@dataclass
class TickReport:
    planned: int = 0
    sent: int = 0
    late: int = 0
    again: int = 0
    escalated: int = 0
    maybe_delivered: int = 0  # timed out: counted as sent, never resent
    rejected: int = 0  # refused by the platform for good: counted as sent, undeliverable
    quiet: bool = False
    errors: list[str] = field(default_factory=list)


async def plan(storage: Storage, day: dt.date, after: dt.date | None = None) -> int:
    """Enqueue what falls due by `day` (with `after`, the last day planned: only what came due
    since). In a worker thread on its own connection (bot/storage/planning.py): 300,000
    assignments would otherwise hold up every family's reply on the shared one."""
    if str(storage.path) != ":memory:":
        intervals = increment_intervals(day, after, documents()) if after is not None else None
        return await storage.reminders.plan_beside(day, after, plan_rows, intervals)
    registry = storage.registry
    rows = await registry.assignment_rows()
    planned = plan_rows(day, rows, await registry.last_visits(), await registry.follow_ups(), after)
    return await storage.reminders.add_rows(planned)


async def escalate(storage: Storage, sender: Sender, reminder: Reminder, reason: str, now: dt.datetime,
                   admins: tuple[int, ...]) -> bool:
    """Tell the contact's supervisor, or else the admins; the family is never left without one.
    The admins get "<reason>+admin" (no supervisor registered, or the supervisor cannot be reached),
    so an escalation that reaches nobody is never only a log line while an admin can read it."""
    supervisor_chat: Recipient | None = None
    if reminder.supervisor_id is not None:
        wecom = await storage.registry.contact_wecom(reminder.supervisor_id)
        supervisor_chat = (WeComUser(wecom) if wecom is not None
                           else await storage.registry.contact_telegram(reminder.supervisor_id))
        if supervisor_chat is not None and await _tell(sender, supervisor_chat, reminder, reason):
            await storage.reminders.mark_escalated(reminder.id, now)
            return True
    admin_reason = f"{reason}+admin"  # the admin is told why it is them: no supervisor, or not reachable
    for chat in admins:
        if chat != supervisor_chat and await _tell(sender, chat, reminder, admin_reason):
            await storage.reminders.mark_escalated(reminder.id, now)
            return True
    log.error("reminder %s could not be escalated to anyone (no reachable supervisor or admin)", reminder.id)
    await storage.ops.set_meta("last_unescalated", f"{now.isoformat()} reminder {reminder.id}")
    return False


async def _tell(sender: Sender, chat: Recipient, reminder: Reminder, reason: str) -> bool:
    try:
        await sender.escalation(chat, reminder, reason)
    except Unreachable:
        return False
    except Exception as exc:
        log.warning("escalation of reminder %s failed: %s", reminder.id, type(exc).__name__)
        return False
    return True


async def _plan_and_escalate(storage: Storage, sender: Sender, now: dt.datetime, today: dt.date,
                             admins: tuple[int, ...], grace: dt.timedelta, report: TickReport) -> None:
    planned_on = await storage.ops.get_meta(PLANNED_ON)
    if planned_on != today.isoformat():
        last = dt.date.fromisoformat(planned_on) if planned_on else None
        report.planned = await plan(storage, today, last if last is not None and last < today else None)
        await storage.ops.set_meta(PLANNED_ON, today.isoformat())
    for r in await storage.reminders.unacknowledged(now - grace):
        if r.sent_count <= 1:
            await storage.reminders.requeue(r.id, now)
        elif await escalate(storage, sender, r, "unacked", now, admins):
            report.escalated += 1


async def tick(storage: Storage, sender: Sender, now: dt.datetime, admins: tuple[int, ...] = (),
               quiet: tuple[int, int] = QUIET_HOURS, grace: dt.timedelta = GRACE) -> TickReport:
    """One pass: plan today, re-remind or escalate the unanswered, send what is due."""
    report = TickReport()
    today = now.astimezone(SHANGHAI).date()
    await storage.ops.set_meta("last_tick", now.isoformat())
    # what falls due only changes with the date; the day is kept in the database, so a
    # restart does not plan everything again (a new assignment is planned when it is made)
    # several senders on one PostgreSQL database: one of them plans and re-reminds or escalates
    # at a time (the others send what is due meanwhile; each reminder is claimed by one sender)
    async with storage.ops.leading("plan-and-escalate") as leading:
        if leading:
            await _plan_and_escalate(storage, sender, now, today, admins, grace, report)
    if in_quiet_hours(now, quiet):
        report.quiet = True
        return report
    for r in in_turns(await storage.reminders.due(now)):
        if not await storage.reminders.claim(r.id):
            continue
        late = today > r.due_date and not r.postponed  # the contact chose the new day: not late
        chat = recipient(r)
        try:
            if chat is None:
                raise Unreachable
            await sender.reminder(chat, r, late=late, again=r.sent_count >= 1)
        except Unreachable:
            await storage.registry.set_contact_blocked(r.contact_id)
            await storage.reminders.mark_sent(r.id, now, late)
            await storage.reminders.mark_undeliverable(r.id)
            if await escalate(storage, sender, r, "unreachable", now, admins):
                report.escalated += 1
            continue
        except MaybeDelivered:
            log.warning("reminder %s: the send timed out; counted as sent, not repeated", r.id)
            await storage.reminders.mark_sent(r.id, now, late)
            report.maybe_delivered += 1
            continue
        except Rejected:
            log.warning("reminder %s: the platform refused it; marked undeliverable, not repeated", r.id)
            await storage.reminders.mark_sent(r.id, now, late)
            await storage.reminders.mark_undeliverable(r.id)
            report.rejected += 1
            continue
        except Exception as exc:  # certainly not delivered (refused, connection failed): next round
            await storage.reminders.release(r.id)
            report.errors.append(f"{r.id}: {type(exc).__name__}")
            continue
        await storage.reminders.mark_sent(r.id, now, late)
        await storage.ops.set_meta("last_send", now.isoformat())
        report.sent += 1
        report.late += int(late)
        report.again += int(r.sent_count >= 1)
    return report
