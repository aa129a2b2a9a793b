"""What protects the bot and its users: per-user rate limiting, polite replies to anything
we cannot read, outgoing flood control with retries, and the global error handler."""

from __future__ import annotations

import asyncio
import logging
import time
import traceback
from collections import defaultdict, deque
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import Update
from telegram.error import Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.ext import AIORateLimiter, ApplicationHandlerStop, ContextTypes

from bot.telegram import templates as t
from bot.telegram.context import storage

log = logging.getLogger("lianxin.bot")


class UserRateLimit:
    """Sliding one-minute window per user (kept in memory: losing it on restart is harmless)."""

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._seen: dict[int, deque[float]] = defaultdict(deque)
        self._warned: dict[int, float] = {}

    def allow(self, user_id: int, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
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


async def rate_guard(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Runs first (group -1): a user over the limit gets one polite warning, the rest is dropped."""
    if update.effective_user is None:
        return
    limiter: UserRateLimit = context.application.bot_data["user_rate"]
    uid = update.effective_user.id
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


class RetryingRateLimiter(AIORateLimiter):
    """PTB's flood control, which retries RetryAfter, plus retries of connection failures.

    A request that timed out may have been delivered, so TimedOut is not retried (a family
    should not get the same message twice); a connection that failed never reached Telegram."""

    def __init__(self, overall_per_second: float, network_retries: int = 3) -> None:
        super().__init__(overall_max_rate=overall_per_second, overall_time_period=1 if overall_per_second else 0,
                         max_retries=3)
        self.network_retries = network_retries

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Any]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Any:
        for attempt in range(self.network_retries + 1):
            try:
                return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)
            except (TimedOut, RetryAfter):
                raise
            except NetworkError:
                if attempt == self.network_retries:
                    raise
                await asyncio.sleep(0.5 * 2**attempt)
        raise AssertionError("unreachable")
