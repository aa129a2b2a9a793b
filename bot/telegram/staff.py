"""What the staff, admin and supervisor commands share: the role check (a refusal is
answered and audited), a city's name, a stored time in Beijing time."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot.telegram.context import role_of, storage
from knowledge.catalogue import get_document


async def require(update: Update, context: ContextTypes.DEFAULT_TYPE, roles: tuple[str, ...], refusal: str) -> bool:
    """True when the writer has one of `roles`; otherwise `refusal` is answered and the command
    (its first word only) audited as refused."""
    assert update.effective_message and update.effective_user
    if await role_of(update, context) in roles:
        return True
    await storage(context).audit.record(update.effective_user.id, "refused_command", None,
                                        (update.effective_message.text or "").split(" ")[0][:20])
    await update.effective_message.reply_text(refusal)
    return False


def city_name(code: str) -> str:
    try:
        return get_document(code).name
    except Exception:  # an unknown code in an old record: show it as it is
        return code


def shanghai(stamp: str) -> str:
    """A stored UTC time as Beijing time, 'YYYY-MM-DD HH:MM'."""
    import datetime as dt

    from bot.reminders.planner import SHANGHAI

    try:
        return dt.datetime.fromisoformat(stamp).astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return stamp
