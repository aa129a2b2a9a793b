"""The handlers' context: PTB's CallbackContext with the storage, the settings and the clock
(as PTB's examples/contexttypesbot.py), plus who is writing and their role.

The clock is a property so tests can run a year of reminders in seconds and so no handler
reads the wall clock itself."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from telegram import Update
from telegram.ext import Application, CallbackContext, ContextTypes, ExtBot

from bot.reminders.planner import SHANGHAI
from bot.settings import Settings
from bot.storage import Role, Storage, User

STAFF_ROLES = ("staff", "admin")
Clock = Callable[[], dt.datetime]


def shanghai_now() -> dt.datetime:
    return dt.datetime.now(SHANGHAI)


def application_clock(application: Application[Any, Any, Any, Any, Any, Any]) -> Clock:
    """Tests put a controllable clock in bot_data['clock']; otherwise the wall clock in Asia/Shanghai."""
    clock: Clock | None = application.bot_data.get("clock")
    return clock or shanghai_now


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """`context.storage`, `context.settings`, `context.clock()` in every handler."""

    @property
    def storage(self) -> Storage:
        storage: Storage = self.application.bot_data["storage"]
        return storage

    @property
    def settings(self) -> Settings:
        settings: Settings = self.application.bot_data["settings"]
        return settings

    @property
    def clock(self) -> Clock:
        return application_clock(self.application)


CONTEXT_TYPES = ContextTypes(context=BotContext)
AnyContext = CallbackContext[Any, Any, Any, Any]


def storage(context: AnyContext) -> Storage:
    value: Storage = context.application.bot_data["storage"]
    return value


def settings(context: AnyContext) -> Settings:
    value: Settings = context.application.bot_data["settings"]
    return value


def clock(context: AnyContext) -> Clock:
    return application_clock(context.application)


async def known_user(update: Update, context: AnyContext) -> User | None:
    """The stored user, with admins from BOT_ADMIN_IDS recognised (and recorded) as admins."""
    if update.effective_user is None:
        return None
    uid = update.effective_user.id
    user = await storage(context).users.get(uid)
    if uid in settings(context).bot_admin_ids and (user is None or user.role != Role.ADMIN):
        await storage(context).users.set_role(uid, Role.ADMIN)
        user = await storage(context).users.get(uid)
    return user


async def role_of(update: Update, context: AnyContext) -> str:
    user = await known_user(update, context)
    return user.role.value if user else "family"
