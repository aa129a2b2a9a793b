"""Outgoing flood control with two lanes: a person's reply first, reminders in the budget
replies leave.

Telegram lets a bot send about 30 messages a second in all, about one a second into one chat
(short bursts allowed) and 20 a minute into a group; past that it answers 429 with a
`retry_after`. PTB's `AIORateLimiter` enforces the overall and group limits first come, first
served, so a festival's reminders (the outbox sender sends them one after another as fast as
it is let) and the replies to people writing share the 30 a second on equal terms.

`FloodControl` keeps two lanes over the same limits:

- the reply lane (the default): every call made while handling an update (a reply, an edit,
  an answer to a button) waits only for the overall budget and, in a group, the group's
  20 a minute, first come, first served among replies;
- the outbox lane (`with outbox_lane():`, set by the reminder sender around its sends): a
  reminder takes a slot only when no reply is waiting for one *and* the overall bucket is
  full, so replies always find Telegram's whole burst free; with no replies, reminders still
  go at the full rate (the bucket refills at it). A reminder also waits for its chat's own
  one a second, counted over replies too, so a contact who is chatting with the bot gets no
  reminder between two messages of a turn.

A reply in a private chat is not held back by the one-a-second chat limit: it answers a
message the person has just sent (at most BOT_USER_RATE_PER_MINUTE of them a minute: the
per-user limit in guards.py bounds it), and a turn is one of the short bursts Telegram
allows.

Telegram's 429 is honoured in both lanes: every request waits out `retry_after` (+0.1 s) and
the refused one is tried again (3 times, then the error goes to the caller: a reminder is
then released to the outbox for the next round, see delivery.tick). Connection failures are
retried (they never reached Telegram); a timeout is not (it may have been delivered, and
nobody should get a message twice); an edit refused as "message is not modified" is a
success. With `overall_per_second` 0 nothing is paced (benchmarks only) but 429 and
connection failures are still retried.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import datetime as dt
import enum
import logging
import math
import time
from collections import deque
from collections.abc import Callable, Coroutine, Iterator
from dataclasses import dataclass
from typing import Any

from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut
from telegram.ext import BaseRateLimiter

log = logging.getLogger("lianxin.bot")


class Lane(enum.Enum):
    REPLY = "reply"
    OUTBOX = "outbox"


_LANE: contextvars.ContextVar[Lane] = contextvars.ContextVar("lianxin_flood_lane", default=Lane.REPLY)


@contextlib.contextmanager
def outbox_lane() -> Iterator[None]:
    """Bot API calls made inside go through the outbox lane (reminders, escalations)."""
    token = _LANE.set(Lane.OUTBOX)
    try:
        yield
    finally:
        _LANE.reset(token)


def current_lane() -> Lane:
    return _LANE.get()


def is_not_modified(error: object) -> bool:
    """Telegram's answer to an edit that changes nothing (a double tap): not a failure."""
    return isinstance(error, BadRequest) and "message is not modified" in error.message.lower()


def retry_after_seconds(exc: RetryAfter) -> float:
    value = getattr(exc, "_retry_after", None)  # a timedelta since PTB 22.2; the property warns on ints
    if not isinstance(value, dt.timedelta):
        raw = exc.retry_after
        return raw.total_seconds() if isinstance(raw, dt.timedelta) else float(raw)
    return value.total_seconds()


class Bucket:
    """A token bucket: `rate` tokens a second, at most `capacity`, starting full."""

    __slots__ = ("capacity", "rate", "stamp", "tokens")

    def __init__(self, rate: float, capacity: float, now: float) -> None:
        self.rate = rate
        self.capacity = capacity
        self.tokens = capacity
        self.stamp = now

    def refill(self, now: float) -> None:
        if now > self.stamp:
            self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
            self.stamp = now

    def wait(self, need: float, now: float) -> float:
        """Seconds until the bucket holds `need` tokens (0: it does now)."""
        self.refill(now)
        return 0.0 if self.tokens >= need - 1e-9 else (need - self.tokens) / self.rate

    def take(self, floor: float = 0.0) -> None:
        self.tokens = max(floor, self.tokens - 1)

    def full(self, now: float) -> bool:
        self.refill(now)
        return self.tokens >= self.capacity - 1e-9


ChatKey = int | str


@dataclass(eq=False)
class _Waiter:
    lane: Lane
    chat: ChatKey | None
    future: asyncio.Future[None]


def chat_key(chat_id: object) -> ChatKey | None:
    """The chat a call goes to, as PTB's limiter reads it: a negative id or a @name is a group
    or channel, a positive id a private chat; None for calls without a chat (answering a button
    or an inline query, getMe...), which Telegram's message limits do not count."""
    if chat_id is None:
        return None
    if isinstance(chat_id, str):
        try:
            return int(chat_id)
        except ValueError:
            return chat_id
    if isinstance(chat_id, int):
        return chat_id
    return str(chat_id)


def _is_group(chat: ChatKey) -> bool:
    return isinstance(chat, str) or chat < 0


class FloodControl(BaseRateLimiter[int]):
    """Two-lane flood control (see the module docstring). `rate_limit_args`, when given, is the
    number of 429 retries for that call (as for PTB's AIORateLimiter)."""

    PRUNE_AT = 2048  # chat buckets kept before the full (idle) ones are dropped

    def __init__(self, overall_per_second: float, network_retries: int = 3, max_retries: int = 3,
                 group_per_minute: float = 20, chat_per_second: float = 1) -> None:
        now = time.monotonic()
        self.overall_per_second = overall_per_second
        self._overall = Bucket(overall_per_second, overall_per_second, now) if overall_per_second else None
        self.network_retries = network_retries
        self.max_retries = max_retries
        self.group_per_minute = group_per_minute
        self.chat_per_second = chat_per_second
        self._chats: dict[ChatKey, Bucket] = {}
        self._prune_at = self.PRUNE_AT
        self._waiting: dict[Lane, deque[_Waiter]] = {Lane.REPLY: deque(), Lane.OUTBOX: deque()}
        self._paused_until = 0.0
        self._timer: asyncio.TimerHandle | None = None
        self._timer_at = math.inf
        self.sent = {Lane.REPLY: 0, Lane.OUTBOX: 0}  # calls let through, per lane (tests, benchmarks)

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def waiting(self, lane: Lane) -> int:
        return sum(1 for w in self._waiting[lane] if not w.future.done())

    # --- the two lanes ------------------------------------------------------------------------

    def _bucket(self, chat: ChatKey, now: float) -> Bucket:
        bucket = self._chats.get(chat)
        if bucket is None:
            if len(self._chats) >= self._prune_at:
                for key in [k for k, b in self._chats.items() if b.full(now)]:
                    del self._chats[key]
                self._prune_at = max(self.PRUNE_AT, 2 * len(self._chats))
            bucket = self._chats[chat] = (Bucket(self.group_per_minute / 60, self.group_per_minute, now)
                                          if _is_group(chat) else Bucket(self.chat_per_second, 1, now))
        return bucket

    def _chat_wait(self, waiter: _Waiter, now: float) -> float:
        chat = waiter.chat
        if chat is None:
            return 0.0
        if waiter.lane is Lane.REPLY and not _is_group(chat):
            return 0.0  # a reply in a private chat: see the module docstring
        if _is_group(chat) and not self.group_per_minute:
            return 0.0
        if not _is_group(chat) and not self.chat_per_second:
            return 0.0
        return self._bucket(chat, now).wait(1, now)

    def _take_chat(self, waiter: _Waiter, now: float) -> None:
        chat = waiter.chat
        if chat is None or (_is_group(chat) and not self.group_per_minute) or (
                not _is_group(chat) and not self.chat_per_second):
            return
        # replies in a private chat may run the chat into debt (at most 3 s): no reminder then
        self._bucket(chat, now).take(floor=-3.0)

    def _grant(self, queue: deque[_Waiter], need: float, now: float) -> tuple[deque[_Waiter], float, bool]:
        """Let through, in order, the waiters of one lane the limits allow now. Returns the ones
        still waiting, the soonest moment one of them may go, and whether one is held by the
        overall budget (not only by its chat's own limit)."""
        assert self._overall is not None
        kept: deque[_Waiter] = deque()
        soonest = math.inf
        held = False
        while queue:
            waiter = queue.popleft()
            if waiter.future.done():  # cancelled while waiting
                continue
            chat_wait = self._chat_wait(waiter, now)
            if chat_wait > 0:
                kept.append(waiter)
                soonest = min(soonest, now + chat_wait)
                continue
            wait = self._overall.wait(need, now)
            if wait > 0:
                kept.append(waiter)
                kept.extend(queue)
                queue.clear()
                soonest = min(soonest, now + wait)
                held = True
                break
            self._overall.take()
            self._take_chat(waiter, now)
            self.sent[waiter.lane] += 1
            waiter.future.set_result(None)
        return kept, soonest, held

    def _dispatch(self) -> None:
        now = time.monotonic()
        if now < self._paused_until:
            soonest = self._paused_until
        else:
            assert self._overall is not None
            replies, soonest, held = self._grant(self._waiting[Lane.REPLY], 1, now)
            self._waiting[Lane.REPLY] = replies
            if not held and self._waiting[Lane.OUTBOX]:
                # a reminder only when no reply waits for the budget, and only from a full bucket
                # (what the replies leave): the next replies still find the whole burst free
                outbox, later, _ = self._grant(self._waiting[Lane.OUTBOX], self._overall.capacity, now)
                self._waiting[Lane.OUTBOX] = outbox
                soonest = min(soonest, later)
        if soonest < math.inf and (self._timer is None or soonest < self._timer_at - 0.0005):
            if self._timer is not None:
                self._timer.cancel()
            self._timer_at = soonest
            self._timer = asyncio.get_running_loop().call_later(max(0.0, soonest - now), self._on_timer)

    def _on_timer(self) -> None:
        self._timer = None
        self._timer_at = math.inf
        self._dispatch()

    async def _acquire(self, lane: Lane, chat: ChatKey | None) -> None:
        if self._overall is not None and chat is not None:
            waiter = _Waiter(lane, chat, asyncio.get_running_loop().create_future())
            self._waiting[lane].append(waiter)
            self._dispatch()
            try:
                await waiter.future
            except asyncio.CancelledError:
                if not waiter.future.done():
                    waiter.future.cancel()
                self._dispatch()  # a reply that gave up may have been holding reminders back
                raise
        else:
            self.sent[lane] += 1
        while (pause := self._paused_until - time.monotonic()) > 0:  # a 429 came after we were let through
            await asyncio.sleep(pause)

    def _pause(self, seconds: float) -> None:
        self._paused_until = max(self._paused_until, time.monotonic() + seconds)
        if self._overall is not None:
            self._dispatch()  # moves the timer to the end of the pause

    # --- BaseRateLimiter ----------------------------------------------------------------------

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Any]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Any:
        retries = self.max_retries if rate_limit_args is None else rate_limit_args
        lane = _LANE.get()
        chat = chat_key(data.get("chat_id"))
        for attempt in range(retries + 1):
            await self._acquire(lane, chat)
            try:
                return await self._call(callback, args, kwargs, endpoint)
            except RetryAfter as exc:
                if attempt == retries:
                    log.warning("Telegram's flood limit (429) after %d retries; %s not sent", retries, endpoint)
                    raise
                seconds = retry_after_seconds(exc) + 0.1
                log.info("Telegram's flood limit (429): every send waits %.1f s", seconds)
                self._pause(seconds)
        raise AssertionError("unreachable")

    async def _call(self, callback: Callable[..., Coroutine[Any, Any, Any]], args: Any, kwargs: dict[str, Any],
                    endpoint: str) -> Any:
        for attempt in range(self.network_retries + 1):
            try:
                return await callback(*args, **kwargs)
            except (TimedOut, RetryAfter):
                raise
            except BadRequest as exc:
                if endpoint.startswith("editMessage") and is_not_modified(exc):
                    return True  # the message already says this: the edit succeeded
                raise
            except NetworkError:
                if attempt == self.network_retries:
                    raise
                await asyncio.sleep(0.5 * 2**attempt)
        raise AssertionError("unreachable")
