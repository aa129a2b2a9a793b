"""/overdue: reminders past their due date and not done. A supervisor (a contact others
report to) sees their team's, an admin every one; the escalation message's button shows the
same."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot.reminders import templates as rt
from bot.reminders.planner import SHANGHAI
from bot.telegram import templates as t
from bot.telegram.context import clock, role_of, storage
from bot.telegram.render import escape, split_text
from bot.telegram.staff import require


async def overdue(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/overdue: reminders past their due date and not done (admins; a supervisor gets their team's)."""
    assert update.effective_message and update.effective_user
    if await role_of(update, context) != "admin" and await team_overdue(update, context):
        return  # a supervisor: their own team
    if not await require(update, context, ("admin",), t.ADMIN_ONLY):
        return
    rows = await storage(context).reminders.overdue(clock(context)().astimezone(SHANGHAI).date())
    if not rows:
        await update.effective_message.reply_text(t.OVERDUE_NONE)
        return
    lines = [t.OVERDUE_HEADER.format(n=len(rows))] + [
        escape(f"{r.due_date} {rt.KIND_NAMES.get(r.kind, r.kind)} {r.alias} {r.contact_name}"
               f" {rt.STATUS_WORDS.get(r.shown_status, r.shown_status)}")
        for r in rows[:200]]
    for chunk in split_text("\n".join(lines)):
        await update.effective_message.reply_text(chunk)


async def team_overdue(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """A supervisor (a contact others report to) sees their team's overdue reminders.
    False when the writer supervises nobody (then /overdue is the admin's command)."""
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None:
        return False
    contact = await storage(context).registry.contact_by_telegram(user.id)
    team = await storage(context).registry.team(contact[0]) if contact else []
    if not team:
        return False
    day = clock(context)().astimezone(SHANGHAI).date()
    rows = await storage(context).reminders.overdue_of(team, day)
    if not rows:
        await message.reply_text(rt.TEAM_OVERDUE_NONE)
        return True
    lines = [rt.TEAM_OVERDUE_HEADER.format(n=len(rows))] + [
        escape(f"{r.due_date} {rt.KIND_NAMES.get(r.kind, r.kind)} {r.alias} {r.contact_name}"
               f" {rt.STATUS_WORDS.get(r.shown_status, r.status)}")
        for r in rows[:200]]
    for chunk in split_text("\n".join(lines)):
        await message.reply_text(chunk)
    return True
