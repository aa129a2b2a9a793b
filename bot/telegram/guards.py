"""What protects the bot and its users: repeated and edited updates dropped, staff and contact
work kept to private chats, per-user rate limiting, polite replies to anything we cannot
read, and the global error handler (outgoing flood control: flood.py).

The guards run in the groups before the handlers (see `app.build_application`):
-3 `drop_repeats_and_edits`, -2 `rate_guard`, -1 `private_only`."""

from __future__ import annotations

import logging
import time
import traceback
from collections import defaultdict, deque

from telegram import Update
from telegram.constants import ChatType
from telegram.error import Forbidden, NetworkError
from telegram.ext import Application, ApplicationHandlerStop, ContextTypes

from bot.telegram import templates as t
from bot.telegram.callbacks import Kind
from bot.telegram.context import storage
from bot.telegram.flood import is_not_modified

log = logging.getLogger("lianxin.bot")


# Commands that show or change a family's record, roles, invites or the care registry, the
# family's own interview, consent and /forget, and the buttons of all of these: in a group
# they would show a family's situation (or staff data) to everyone in it, so they work in
# private chats only. Clause search, /doc, /compare, /help and /privacy carry nothing
# personal and still answer in groups.
PRIVATE_COMMANDS = frozenset({"family", "invite", "grant", "audit", "myfamilies", "visitcheck", "urgent",
                              "overdue", "assign", "join", "start", "check", "forget", "console"})
PRIVATE_BUTTON_KINDS = frozenset(k.value for k in (
    Kind.VISIT, Kind.POSTPONE, Kind.HELP, Kind.VISIT_CHECK, Kind.URGENT, Kind.ROLE, Kind.CITY, Kind.CONSENT,
    Kind.INTERVIEW, Kind.FORGET, Kind.RESULT, Kind.SHORTCUT, Kind.COME_BY))
# A user idle this long loses their in-memory state (rate window, PTB user_data): everything
# needed after a restart is in the database, so nothing needed is lost with it.
IDLE_SECONDS = 6 * 3600
PRUNE_EVERY = 1000  # updates between two prunings


class UserRateLimit:
    """Sliding one-minute window per user, kept in memory (losing it on restart is harmless)
    and pruned: users idle for IDLE_SECONDS are forgotten, so memory follows the active
    users, not every user ever seen."""

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._seen: dict[int, deque[float]] = defaultdict(deque)
        self._warned: dict[int, float] = {}
        self._last: dict[int, float] = {}
        self._since_prune = 0

    def allow(self, user_id: int, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        self._last[user_id] = now
        window = self._seen[user_id]
        while window and now - window[0] > 60:
            window.popleft()
        if len(window) >= self.per_minute:
            return False
        window.append(now)
        return True

    def should_warn(self, user_id: int, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        if now - self._warned.get(user_id, -1e9) > 60:
            self._warned[user_id] = now
            return True
        return False

    def due_for_pruning(self) -> bool:
        self._since_prune += 1
        if self._since_prune >= PRUNE_EVERY:
            self._since_prune = 0
            return True
        return False

    def prune(self, now: float | None = None, idle: float = IDLE_SECONDS) -> list[int]:
        """Forget users idle for `idle` seconds; returns their ids (to drop their other state)."""
        now = time.monotonic() if now is None else now
        gone = [uid for uid, last in self._last.items() if now - last > idle]
        for uid in gone:
            del self._last[uid]
            self._seen.pop(uid, None)
            self._warned.pop(uid, None)
        return gone

    def __len__(self) -> int:
        return len(self._last)


def prune_idle_users(application: Application, now: float | None = None) -> int:
    """Drop the rate window and PTB's user_data of users idle for IDLE_SECONDS."""
    limiter: UserRateLimit = application.bot_data["user_rate"]
    gone = limiter.prune(now)
    for uid in gone:
        if uid in application.user_data:
            application.drop_user_data(uid)
    return len(gone)


async def drop_repeats_and_edits(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Runs first (group -3). An edited message is never a new command (an edit turned a
    question into `/invite staff`), and an update id seen before (a webhook redelivery, a poll
    repeated after a crash) is not handled again: the ids are remembered in the database."""
    if update.edited_message or update.edited_channel_post or update.edited_business_message:
        raise ApplicationHandlerStop
    if not await storage(context).updates.first_sighting(update.update_id):
        log.info("update %s was delivered again; ignored", update.update_id)
        raise ApplicationHandlerStop


def _command_name(update: Update, bot_username: str | None) -> str | None:
    """`family` for "/family 12" or "/family@our_bot 12"; None for text or another bot's command."""
    message = update.effective_message
    if message is None or not message.text or not message.text.startswith("/"):
        return None
    name, _, addressee = message.text.split(maxsplit=1)[0][1:].partition("@")
    if addressee and bot_username and addressee.lower() != bot_username.lower():
        return None
    return name.lower()


async def private_only(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Group -1: staff, admin and contact commands and buttons outside a private chat get one
    polite sentence, and nothing about any family, invite or role is shown or changed."""
    chat = update.effective_chat
    if chat is None or chat.type == ChatType.PRIVATE:
        return
    query = update.callback_query
    if query is not None:
        if (query.data or "").split("|", 1)[0] in PRIVATE_BUTTON_KINDS:
            await query.answer(t.PRIVATE_ONLY, show_alert=True)
            raise ApplicationHandlerStop
        return
    if _command_name(update, context.bot.username) in PRIVATE_COMMANDS and update.effective_message:
        await update.effective_message.reply_text(t.PRIVATE_ONLY)
        raise ApplicationHandlerStop


async def rate_guard(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Runs first (group -1): a user over the limit gets one polite warning, the rest is dropped."""
    if update.effective_user is None:
        return
    limiter: UserRateLimit = context.application.bot_data["user_rate"]
    uid = update.effective_user.id
    if limiter.due_for_pruning():
        prune_idle_users(context.application)
    if limiter.allow(uid):
        return
    if limiter.should_warn(uid):
        if update.callback_query:
            await update.callback_query.answer(t.SLOW_DOWN)
        elif update.effective_message:
            await update.effective_message.reply_text(t.SLOW_DOWN)
    raise ApplicationHandlerStop


async def non_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.effective_message:
        await update.effective_message.reply_text(t.NON_TEXT)


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.effective_message:
        await update.effective_message.reply_text(t.UNKNOWN_COMMAND)


async def stale_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Any callback no handler claimed: forged, malformed or from a retired keyboard."""
    if update.callback_query:
        await update.callback_query.answer(t.EXPIRED, show_alert=True)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log with context (no message text: it may be grief or health data) and tell the user."""
    error = context.error
    if is_not_modified(error):  # a double tap: the message already shows this
        return
    user_id = update.effective_user.id if isinstance(update, Update) and update.effective_user else None
    if isinstance(error, Forbidden) and user_id is not None:
        log.info("user blocked the bot", extra={"user": user_id})
        await storage(context).users.set_blocked(user_id)
        return
    kind = "unknown"
    if isinstance(update, Update):
        kind = ("callback" if update.callback_query else "inline" if update.inline_query
                else "message" if update.effective_message else "other")
    # where it failed, not what it said: an exception message may quote the user's text
    frames = traceback.extract_tb(error.__traceback__)[-4:] if error else []
    where = " <- ".join(f"{f.filename.rsplit('/', 1)[-1]}:{f.lineno} {f.name}" for f in reversed(frames))
    log.error("update %s (%s) failed: %s at %s", getattr(update, "update_id", None), kind,
              type(error).__name__, where)
    if isinstance(update, Update) and update.effective_chat and not isinstance(error, NetworkError):
        try:
            await context.bot.send_message(update.effective_chat.id, t.ERROR)
        except Exception:
            log.warning("could not tell the user about the error")
