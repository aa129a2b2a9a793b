"""Build the Telegram application and register every handler, in one place.

```mermaid
stateDiagram-v2
    [*] --> Role: /start
    Role --> City: 家里人 / 志愿者 / 工作人员 (staff roles need /join CODE)
    City --> Consent
    Consent --> Ready: 可以保存 / 不要保存
    Ready --> Interview: /check or 看看我家能享受什么
    Interview --> Interview: answer · 不清楚 · back (one message, edited)
    Interview --> Summary: every outcome settled
    Summary --> Interview: 改：...
    Summary --> Result: 都对，看结果 (split under 4096 characters)
    Ready --> Answer: any text (clauses + 原文 buttons)
```
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from collections.abc import Awaitable
from typing import Any
from zoneinfo import ZoneInfo

from telegram import BotCommandScopeChat, Update
from telegram.constants import ParseMode
from telegram.ext import (
    Application,
    BaseUpdateProcessor,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    InlineQueryHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.settings import Settings
from bot.storage import Storage
from bot.telegram import admin, ask, browse, care, check, guards, start
from bot.telegram import templates as t

log = logging.getLogger("lianxin.bot")


class PerUserSerialProcessor(BaseUpdateProcessor):
    """Different users are served concurrently; one user's updates run one at a time, in
    order, so two quick taps cannot race on the same interview."""

    def __init__(self, max_concurrent_updates: int = 256) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: defaultdict[int, asyncio.Lock] = defaultdict(asyncio.Lock)

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        user = update.effective_user if isinstance(update, Update) else None
        if user is None:
            await coroutine
            return
        async with self._locks[user.id]:
            await coroutine

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass


async def _post_init(application: Application) -> None:
    settings: Settings = application.bot_data["settings"]
    storage = await Storage.open(settings.bot_database)
    application.bot_data["storage"] = storage
    application.bot_data["user_rate"] = guards.UserRateLimit(settings.bot_user_rate_per_minute)
    # build the search index and load the rules now, not on the first family's question
    from knowledge.clause_search import default_index
    from knowledge.rules_schema import all_rulesets

    default_index()
    all_rulesets()
    await application.bot.set_my_commands(t.COMMANDS_FAMILY)
    for admin_id in settings.bot_admin_ids:
        await storage.ensure_user(admin_id)
        await storage.set_role(admin_id, "admin")
        await application.bot.set_my_commands(t.COMMANDS_ADMIN, scope=BotCommandScopeChat(admin_id))
    for staff_id in await storage.users_with_role("staff"):
        await application.bot.set_my_commands(t.COMMANDS_STAFF, scope=BotCommandScopeChat(staff_id))
    application.bot_data["reminder_task"] = asyncio.create_task(care.reminder_loop(application))


async def _post_shutdown(application: Application) -> None:
    task: asyncio.Task[None] | None = application.bot_data.get("reminder_task")
    if task is not None:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    storage: Storage | None = application.bot_data.get("storage")
    if storage is not None:
        await storage.close()


async def _start_check_from_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.callback_query:
        await update.callback_query.answer()
    await check.check_command(update, context)


def build_application(settings: Settings) -> Application:
    assert settings.telegram_bot_token, "run needs TELEGRAM_BOT_TOKEN"
    builder = (
        Application.builder()
        .token(settings.telegram_bot_token)
        .base_url(settings.telegram_api_base_url)
        .defaults(Defaults(parse_mode=ParseMode.HTML, tzinfo=ZoneInfo("Asia/Shanghai")))
        .rate_limiter(guards.RetryingRateLimiter(settings.bot_flood_limit_per_second))
        .concurrent_updates(PerUserSerialProcessor())
        # httpcore's pool bookkeeping grows with the square of open connections: a small
        # pool with a patient pool timeout is faster under load than PTB's 256
        .connection_pool_size(settings.bot_connection_pool)
        .pool_timeout(30.0)
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
    )
    if settings.telegram_proxy:
        builder = builder.proxy(settings.telegram_proxy).get_updates_proxy(settings.telegram_proxy)
    application = builder.build()
    application.bot_data["settings"] = settings

    # Group -1 runs before everything: a user over the rate limit is stopped here.
    application.add_handler(TypeHandler(Update, guards.rate_guard), group=-1)

    # Group 0: exactly one handler answers each update; specific before general.
    commands = {
        "start": start.start, "help": start.help_command, "privacy": start.privacy, "forget": start.forget,
        "join": start.join, "check": check.check_command, "doc": browse.doc_command,
        "compare": browse.compare_command, "family": admin.family_record, "invite": admin.invite,
        "grant": admin.grant, "audit": admin.audit_log, "myfamilies": care.my_families,
        "visitcheck": care.visit_check, "urgent": admin.urgent, "overdue": admin.overdue,
        "assign": admin.assign,
    }
    for name, callback in commands.items():
        application.add_handler(CommandHandler(name, callback))
    buttons = {
        "r": start.on_role, "j": start.on_city, "k": start.on_consent, "f": start.on_forget,
        "c": check.on_check_button, "o": ask.on_full_text, "d": browse.on_doc, "m": browse.on_compare,
        "x": _start_check_from_button, "v": care.on_visit, "p": care.on_postpone, "h": care.on_help,
        "g": care.on_visit_check, "u": admin.on_urgent, "e": check.on_result_section,
    }
    for kind, callback in buttons.items():
        application.add_handler(CallbackQueryHandler(callback, pattern=rf"^{kind}\|"))
    application.add_handler(CallbackQueryHandler(guards.stale_button))  # forged or retired buttons
    application.add_handler(InlineQueryHandler(browse.on_inline))
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, ask.on_text))
    application.add_handler(MessageHandler(filters.COMMAND, guards.unknown_command))
    application.add_handler(MessageHandler(~filters.TEXT & ~filters.StatusUpdate.ALL, guards.non_text))
    application.add_error_handler(guards.on_error)
    return application


def run(settings: Settings) -> None:
    """Long polling, or a webhook when BOT_WEBHOOK_URL is set."""
    from bot.logs import configure_logging

    configure_logging(settings.bot_log_format)
    application = build_application(settings)
    if settings.bot_webhook_url:
        from bot.telegram.webhook import serve

        asyncio.run(serve(application, settings))
    else:
        application.run_polling(allowed_updates=Update.ALL_TYPES, poll_interval=settings.bot_poll_interval)
