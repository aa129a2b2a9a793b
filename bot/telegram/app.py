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
import datetime as dt
import logging
from collections.abc import Awaitable
from typing import Any
from zoneinfo import ZoneInfo

from telegram import BotCommandScopeChat, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
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

from bot.documents.library import LibraryWatcher
from bot.settings import Settings
from bot.storage import Storage
from bot.telegram import admin, browse, care, chat, guards, overdue, start
from bot.telegram import templates as t
from bot.telegram.callbacks import DecodedHandler
from bot.telegram.context import CONTEXT_TYPES
from bot.telegram.flood import FloodControl
from bot.telegram.updates import SkippingUndecodableRequest

log = logging.getLogger("lianxin.bot")


class PerUserSerialProcessor(BaseUpdateProcessor):
    """Different users are served concurrently; one user's updates run one at a time, in
    order, so two quick taps cannot race on the same interview."""

    def __init__(self, max_concurrent_updates: int = 256) -> None:
        super().__init__(max_concurrent_updates)
        # user id -> (lock, updates holding or waiting for it); removed when that count is 0,
        # so the table holds the users being served now, not every user ever seen
        self._locks: dict[int, tuple[asyncio.Lock, list[int]]] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        user = update.effective_user if isinstance(update, Update) else None
        if user is None:
            await coroutine
            return
        lock, users = self._locks.setdefault(user.id, (asyncio.Lock(), [0]))
        users[0] += 1
        try:
            async with lock:
                await coroutine
        finally:
            users[0] -= 1
            if users[0] == 0:
                del self._locks[user.id]

    def __len__(self) -> int:
        return len(self._locks)

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass


async def _post_init(application: Application) -> None:
    settings: Settings = application.bot_data["settings"]
    storage = await Storage.open(settings.database, hold_lock=True)  # restore sees it running
    application.bot_data["storage"] = storage
    application.bot_data["user_rate"] = guards.UserRateLimit(settings.bot_user_rate_per_minute)
    # build the search index and load the rules now, not on the first family's question
    from knowledge.clause_search import default_index
    from knowledge.rules_schema import all_rulesets

    watcher = LibraryWatcher(storage)  # the cities' own documents (issue 26), then kept in step
    await watcher.start()
    application.bot_data["library_watcher"] = watcher
    default_index()
    all_rulesets()
    await application.bot.set_my_commands(t.COMMANDS_FAMILY)
    for admin_id in settings.bot_admin_ids:
        await storage.users.set_role(admin_id, "admin")
        await application.bot.set_my_commands(t.COMMANDS_ADMIN, scope=BotCommandScopeChat(admin_id))
    for staff_id in await storage.users.with_role("staff"):
        await application.bot.set_my_commands(t.COMMANDS_STAFF, scope=BotCommandScopeChat(staff_id))
    application.bot_data["reminder_task"] = asyncio.create_task(care.reminder_loop(application))
    application.bot_data["library_task"] = asyncio.create_task(_library_loop(application, watcher))


LIBRARY_EVERY = 10.0  # seconds between checks for a document published in another process


async def _library_loop(application: Application, watcher: LibraryWatcher) -> None:
    """Keep this process's documents in step with the console's changes, and send the admins
    the daily "documents lapsing within 90 days" notice (once a day, claimed in storage)."""
    from bot.documents.expiry import send_expiry_notice
    from knowledge.facts import today_in_china

    storage: Storage = application.bot_data["storage"]
    noticed: dt.date | None = None

    async def send(chat_id: int, text: str) -> None:
        with contextlib.suppress(TelegramError):  # an admin who blocked the bot must not stop the loop
            await application.bot.send_message(chat_id, text)

    while True:
        try:
            await watcher.refresh(force=True)
            today = today_in_china()
            if noticed != today:
                admins = sorted({*application.bot_data["settings"].bot_admin_ids,
                                 *await storage.users.with_role("admin")})
                await send_expiry_notice(storage, admins, send, today)
                noticed = today
        except Exception:  # the loop never dies: the next round tries again
            log.exception("library refresh failed")
        await asyncio.sleep(LIBRARY_EVERY)


async def _post_shutdown(application: Application) -> None:
    for name in ("reminder_task", "library_task"):
        task: asyncio.Task[None] | None = application.bot_data.get(name)
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
    storage: Storage | None = application.bot_data.get("storage")
    if storage is not None:
        from bot.wecom.api import close_shared

        await close_shared(storage)  # the WeCom client, if reminders went by WeCom
        await storage.close()


async def on_typed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A typed message: the visit note a contact was just asked for (care.py) is taken
    first; anything else is the conversation's (chat.py)."""
    if await care.maybe_visit_note(update, context):
        return
    await chat.on_text(update, context)


# one handler per button kind; each knows its kind, which gives its pattern. The
# conversation's own choices (full text, 查待遇, a waiting question's city, interview steps,
# result sections, 请联系人来看看) all go to the conversation core (chat.CHOICE_HANDLERS).
BUTTON_HANDLERS: tuple[DecodedHandler, ...] = (
    start.on_role, start.on_city, start.on_consent, start.on_forget, browse.on_doc, browse.on_compare,
    care.on_visit, care.on_postpone, care.on_help, care.on_visit_check, admin.on_urgent, *chat.CHOICE_HANDLERS,
)


def build_application(settings: Settings) -> Application:
    assert settings.telegram_bot_token, "run needs TELEGRAM_BOT_TOKEN"
    builder = (
        Application.builder()
        .token(settings.telegram_bot_token)
        .base_url(settings.telegram_api_base_url)
        .defaults(Defaults(parse_mode=ParseMode.HTML, tzinfo=ZoneInfo("Asia/Shanghai")))
        .rate_limiter(FloodControl(settings.bot_flood_limit_per_second))
        .concurrent_updates(PerUserSerialProcessor())
        # httpcore's pool bookkeeping grows with the square of open connections: a small
        # pool with a patient pool timeout is faster under load than PTB's 256
        .connection_pool_size(settings.bot_connection_pool)
        .pool_timeout(30.0)
        .context_types(CONTEXT_TYPES)  # context.storage, context.settings, context.clock
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
    )
    # one update the library cannot decode must not stop polling for everyone (see updates.py)
    builder = builder.get_updates_request(SkippingUndecodableRequest(connection_pool_size=1,
                                                                     proxy=settings.telegram_proxy))
    if settings.telegram_proxy:
        builder = builder.proxy(settings.telegram_proxy)
    application = builder.build()
    application.bot_data["settings"] = settings

    # Groups -3..-1 run before everything (one handler per group): an edited message or an
    # update seen before is dropped, a user over the rate limit is slowed down, and staff or
    # contact work outside a private chat is refused.
    application.add_handler(TypeHandler(Update, care.on_any_update), group=-4)  # a contact who writes is reachable
    application.add_handler(TypeHandler(Update, guards.drop_repeats_and_edits), group=-3)
    application.add_handler(TypeHandler(Update, guards.rate_guard), group=-2)
    application.add_handler(TypeHandler(Update, guards.private_only), group=-1)

    # Group 0: exactly one handler answers each update; specific before general.
    commands = {
        "start": start.start, "help": start.help_command, "privacy": start.privacy, "forget": start.forget,
        "join": start.join, "check": chat.check_command, "doc": browse.doc_command,
        "compare": browse.compare_command, "family": admin.family_record, "invite": admin.invite,
        "grant": admin.grant, "audit": admin.audit_log, "myfamilies": care.my_families,
        "visitcheck": care.visit_check, "urgent": admin.urgent, "overdue": overdue.overdue,
        "assign": admin.assign, "console": admin.console_link,
    }
    for name, callback in commands.items():
        application.add_handler(CommandHandler(name, callback))
    for handler in BUTTON_HANDLERS:
        application.add_handler(CallbackQueryHandler(handler, pattern=handler.kind.pattern))
    application.add_handler(CallbackQueryHandler(guards.stale_button))  # forged or retired buttons
    application.add_handler(InlineQueryHandler(browse.on_inline))
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, on_typed))
    application.add_handler(MessageHandler(filters.COMMAND, guards.unknown_command))
    application.add_handler(MessageHandler(~filters.TEXT & ~filters.StatusUpdate.ALL, guards.non_text))
    application.add_error_handler(guards.on_error)
    return application


def run(settings: Settings) -> None:
    """Long polling, or a webhook when BOT_WEBHOOK_URL is set.

    Raises SettingsError (one line, no token in it) for a webhook without a usable secret
    and for a token Telegram rejects; the CLI prints it and exits 2."""
    from telegram.error import InvalidToken

    from bot.logs import configure_logging
    from bot.settings import SettingsError
    from bot.telegram.webhook import check_webhook_settings

    configure_logging(settings.bot_log_format, secrets=(settings.telegram_bot_token or "",))
    if settings.bot_webhook_url:
        check_webhook_settings(settings)
    application = build_application(settings)
    try:
        if settings.bot_webhook_url:
            from bot.telegram.webhook import serve

            asyncio.run(serve(application, settings))
        else:
            application.run_polling(allowed_updates=Update.ALL_TYPES, poll_interval=settings.bot_poll_interval)
    except InvalidToken:
        raise SettingsError("setting TELEGRAM_BOT_TOKEN: Telegram rejected this token "
                            "(copy it again from @BotFather)") from None
