"""The reminder queue: rows unique per (family, contact, kind, due date), so planning twice
creates nothing twice. States: pending -> sending -> sent -> done | escalated. 'done' is
final: a replayed button on it changes nothing."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Iterable, Sequence

from bot.storage.db import Database, now_iso
from bot.storage.planning import Planner, plan_beside
from bot.storage.records import Reminder

_SELECT = ("SELECT r.id, r.family_id, r.contact_id, r.kind, r.due_date, r.status, r.sent_count, r.sent_at,"
           " r.late, f.alias, CASE WHEN c.active = 1 AND c.blocked = 0 THEN c.telegram_id END"
           " AS reachable_telegram_id, c.name AS contact_name, c.supervisor_id, r.postponed, r.undeliverable,"
           " CASE WHEN c.active = 1 AND c.blocked = 0 THEN c.wecom_user_id END AS reachable_wecom_id"
           " FROM care_reminders r"
           " JOIN care_families f ON f.id = r.family_id JOIN care_contacts c ON c.id = r.contact_id")
_ORDER = " ORDER BY r.due_date, r.id"
ADD_CHUNK = 4000  # rows per planning transaction: a few milliseconds of the write lock
OPEN = "('pending', 'sending', 'sent')"  # still waiting for the contact


class Reminders:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def _select(self, where: str, params: tuple[object, ...] = ()) -> list[Reminder]:
        return [Reminder.from_row(r) for r in await self._db.all(f"{_SELECT} WHERE {where}{_ORDER}", params)]

    async def add(self, rows: Iterable[tuple[int, int, str, dt.date, dt.datetime]]) -> int:
        """INSERT OR IGNORE (family, contact, kind, due, send_after); returns how many are new."""
        now = now_iso()
        async with self._db.transaction() as tx:
            return await tx.executemany(
                "INSERT OR IGNORE INTO care_reminders (family_id, contact_id, kind, due_date, send_after, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?)", [(f, c, k, d.isoformat(), s.isoformat(), now) for f, c, k, d, s in rows])

    async def add_rows(self, rows: Sequence[tuple[int, int, str, str, str]], chunk: int = ADD_CHUNK) -> int:
        """INSERT OR IGNORE rows already in text form, in chunks of short transactions with a
        turn for other tasks between them: planning 100,000 families never holds the write
        lock for long. Returns how many are new."""
        now = now_iso()
        added = 0
        for start in range(0, len(rows), chunk):
            async with self._db.transaction() as tx:
                added += await tx.executemany(
                    "INSERT OR IGNORE INTO care_reminders (family_id, contact_id, kind, due_date, send_after,"
                    " created_at) VALUES (?, ?, ?, ?, ?, ?)", [(*row, now) for row in rows[start:start + chunk]])
            await asyncio.sleep(0)
        return added

    async def plan_beside(self, day: dt.date, after: dt.date | None, planner: Planner,
                          intervals: Iterable[int] | None = None) -> int:
        """Plan and enqueue on a second connection in a worker thread (see planning.py)."""
        return await plan_beside(self._db, day, after, planner, intervals)

    async def all(self) -> list[Reminder]:
        return await self._select("1 = 1")

    async def get(self, reminder_id: int) -> Reminder | None:
        rows = await self._select("r.id = ?", (reminder_id,))
        return rows[0] if rows else None

    async def due(self, now: dt.datetime) -> list[Reminder]:
        return await self._select("r.status = 'pending' AND r.send_after <= ?", (now.isoformat(),))

    async def overdue(self, day: dt.date) -> list[Reminder]:
        """Past their due date and not done."""
        return await self._select("r.status != 'done' AND r.due_date < ?", (day.isoformat(),))

    async def unacknowledged(self, sent_before: dt.datetime) -> list[Reminder]:
        return await self._select("r.status = 'sent' AND r.sent_at <= ?", (sent_before.isoformat(),))

    async def claim(self, reminder_id: int) -> bool:
        """Mark one reminder 'sending' just before it goes out; False if someone else has it."""
        written = await self._db.write("UPDATE care_reminders SET status = 'sending' WHERE id = ?"
                                       " AND status = 'pending'", (reminder_id,))
        return written.rowcount == 1

    async def mark_sent(self, reminder_id: int, now: dt.datetime, late: bool) -> None:
        await self._db.write("UPDATE care_reminders SET status = 'sent', sent_count = sent_count + 1, sent_at = ?,"
                             " late = CASE WHEN ? = 1 THEN 1 ELSE late END WHERE id = ? AND status = 'sending'",
                             (now.isoformat(), int(late), reminder_id))

    async def mark_undeliverable(self, reminder_id: int) -> None:
        """Telegram refused it (blocked, never opened the bot): shown apart from 'sent'."""
        await self._db.write("UPDATE care_reminders SET undeliverable = 1 WHERE id = ?", (reminder_id,))

    async def overdue_of(self, contact_ids: list[int], day: dt.date) -> list[Reminder]:
        """Overdue reminders of these contacts (a supervisor's team)."""
        if not contact_ids:
            return []
        marks = ", ".join("?" * len(contact_ids))
        return await self._select(f"r.status != 'done' AND r.due_date < ? AND r.contact_id IN ({marks})",
                                  (day.isoformat(), *contact_ids))

    async def release(self, reminder_id: int) -> None:
        """The send certainly failed (nothing reached Telegram): try again next round."""
        await self._db.write("UPDATE care_reminders SET status = 'pending' WHERE id = ? AND status = 'sending'",
                             (reminder_id,))

    async def recover_after_crash(self, now: dt.datetime) -> int:
        """Rows left 'sending' by a crash may or may not have reached the contact: count them
        as sent *now* (no duplicate at restart, even for a reminder that was already late),
        and the grace-period re-reminder, counted from now, makes sure none is lost."""
        written = await self._db.write("UPDATE care_reminders SET status = 'sent', sent_count = sent_count + 1,"
                                       " sent_at = ? WHERE status = 'sending'", (now.isoformat(),))
        return written.rowcount

    async def requeue(self, reminder_id: int, now: dt.datetime) -> None:
        await self._db.write("UPDATE care_reminders SET status = 'pending', send_after = ? WHERE id = ?"
                             " AND status = 'sent'", (now.isoformat(), reminder_id))

    async def mark_escalated(self, reminder_id: int, now: dt.datetime) -> None:
        await self._db.write("UPDATE care_reminders SET status = 'escalated', escalated_at = ? WHERE id = ?"
                             " AND status != 'done'", (now.isoformat(), reminder_id))

    async def ask_for_help(self, reminder_id: int, now: dt.datetime) -> bool:
        """需要协助: the one tap that escalates; False when the reminder is finished or already escalated."""
        written = await self._db.write("UPDATE care_reminders SET status = 'escalated', escalated_at = ?"
                                       f" WHERE id = ? AND status IN {OPEN}", (now.isoformat(), reminder_id))
        return written.rowcount == 1

    async def postpone(self, reminder_id: int, until: dt.datetime) -> bool:
        """False when the reminder is already done (finished is final)."""
        # a postponed reminder starts afresh: not late, not "again", no escalation counted against it
        written = await self._db.write("UPDATE care_reminders SET status = 'pending', send_after = ?,"
                                       " acked_at = NULL, postponed = 1, sent_count = 0, late = 0,"
                                       " undeliverable = 0 WHERE id = ? AND status != 'done'",
                                       (until.isoformat(), reminder_id))
        return written.rowcount == 1

    async def log_visit(self, reminder: Reminder, day: dt.date, outcome: str, notes: str,
                        follow_up_days: int | None) -> int | None:
        """Record a visit for a reminder and close it, in one transaction; None (and nothing
        written) when the reminder is already done, so a replayed tap never adds a second visit."""
        kind = reminder.kind.split(":")[0]
        now = now_iso()
        async with self._db.transaction() as tx:
            closed = await tx.execute("UPDATE care_reminders SET status = 'done', acked_at = ? WHERE id = ?"
                                      " AND status != 'done'", (now, reminder.id))
            if closed.rowcount != 1:
                return None
            written = await tx.execute(
                "INSERT INTO care_visits (family_id, contact_id, day, kind, outcome, notes, follow_up_days,"
                " reminder_id, logged_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (reminder.family_id, reminder.contact_id, day.isoformat(), kind, outcome, notes[:500],
                 follow_up_days, reminder.id, now))
        return written.lastrowid

    async def raise_urgent(self, family_id: int, now: dt.datetime) -> int:
        """An urgent visit (accident, serious illness): a reminder now for every contact of the family."""
        rows = await self._db.all("SELECT contact_id FROM care_assignments WHERE family_id = ?", (family_id,))
        return await self.add([(family_id, int(r[0]), "urgent", now.date(), now) for r in rows])

    async def waiting_until(self, end: dt.datetime) -> list[Reminder]:
        """Pending and due to go out by `end` (the dry run of `reminders --due`)."""
        return await self._select("r.status = 'pending' AND r.send_after <= ?", (end.isoformat(),))

    async def counts(self) -> tuple[int, int]:
        """(open, escalated), for `admin status`."""
        open_ = await self._db.scalar(f"SELECT COUNT(*) FROM care_reminders WHERE status IN {OPEN}")
        escalated = await self._db.scalar("SELECT COUNT(*) FROM care_reminders WHERE status = 'escalated'")
        return int(open_ or 0), int(escalated or 0)
