"""Shared helpers for handlers: the storage, the settings, who is writing and their role."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot.settings import Settings
from bot.storage import Storage, User

STAFF_ROLES = ("staff", "admin")


def storage(context: ContextTypes.DEFAULT_TYPE) -> Storage:
    return context.application.bot_data["storage"]


def settings(context: ContextTypes.DEFAULT_TYPE) -> Settings:
    return context.application.bot_data["settings"]


async def known_user(update: Update, context: ContextTypes.DEFAULT_TYPE) -> User | None:
    """The stored user, with admins from BOT_ADMIN_IDS recognised (and recorded) as admins."""
    if update.effective_user is None:
        return None
    uid = update.effective_user.id
    user = await storage(context).get_user(uid)
    if uid in settings(context).bot_admin_ids and (user is None or user.role != "admin"):
        await storage(context).ensure_user(uid)
        await storage(context).set_role(uid, "admin")
        user = await storage(context).get_user(uid)
    return user


async def role_of(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    user = await known_user(update, context)
    return user.role if user else "family"
