"""The web's limits: body sizes and deadlines, the per-client rate limit every public route
shares (applied by `bot.web.middleware`), and the server's connection limits
(`bot.web.connections`).

Families, hotline staff and other systems (a city's hotline platform) share one process: one
misbehaving client must not take the pages or the search away from everybody else, and a
huge or endless body must not be read into memory.

The rate limits have two homes (`Limiter`): in this process's memory (`RateLimiter`, the
SQLite default: one process, no database round trip), or in the database
(`SharedRateLimiter`, on PostgreSQL: several workers or machines share one budget per address,
`storage.rate_limits`). When the database does not answer a check, the request limit falls
back to this worker's own bucket (never everybody locked out, never unlimited) and the sign-in
links are refused for a few seconds (a sign-in needs the database anyway); both say so in the
log, at most once a minute.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, Protocol

from starlette.datastructures import FormData
from starlette.requests import Request

if TYPE_CHECKING:
    from bot.storage import Storage

log = logging.getLogger("lianxin.web")

MAX_BODY_BYTES = 64 * 1024  # a profile or a question is a few hundred bytes
# the office console's CSV import: a city's registry (tens of thousands of families) fits;
# the route counts the upload as it arrives (`read_body`), so it is not held to MAX_BODY_BYTES
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_FORM_FIELDS = 100  # the longest page form (a checklist) has a few dozen

# how long a request's body may take to arrive (from its headers on): 64 KB needs under a
# second on any phone line; a 5 MB import over a slow office line gets two minutes
BODY_TIMEOUT_SECONDS = 20.0
UPLOAD_TIMEOUT_SECONDS = 120.0

# the one-time sign-in links: a person opens a link and presses 登录 (two requests); an office
# signing in several people from one address needs a few more; guesses get 10 a minute
SIGN_IN_PER_MINUTE = 10.0
SIGN_IN_BURST = 10.0

# the server itself (uvicorn, `bot.web.connections`): a connection that has not sent a whole
# request line and headers within HEADER_TIMEOUT_SECONDS is closed; an idle keep-alive one
# after KEEP_ALIVE_SECONDS; one address holds at most MAX_CONNECTIONS_PER_ADDRESS at once
# (a browser uses 6, an office behind one address a few dozen); beyond LIMIT_CONCURRENCY
# connections in all the server answers 503 at once instead of running out of memory or of
# file descriptors (deploy/lianxin.service allows 65,536)
HEADER_TIMEOUT_SECONDS = 10.0
KEEP_ALIVE_SECONDS = 5
MAX_CONNECTIONS_PER_ADDRESS = 64
LIMIT_CONCURRENCY = 4096


class BodyTooLarge(Exception):
    """The request body is over the limit (answered 413)."""


class BodyTimeout(Exception):
    """The request body did not arrive within its deadline (answered 408)."""


async def read_body(request: Request, limit: int = MAX_BODY_BYTES) -> bytes:
    """The body, read in chunks and abandoned as soon as it passes `limit`."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge
        chunks.append(chunk)
    return b"".join(chunks)


async def page_form(request: Request) -> FormData:
    """A page's posted form with Starlette's parser held to what our pages send: no files,
    at most MAX_FORM_FIELDS fields, no field past the body limit (its defaults are 1,000 files
    and 1,000 fields). A refusal is HTTPException(400), answered in Chinese by the app."""
    return await request.form(max_files=0, max_fields=MAX_FORM_FIELDS, max_part_size=MAX_BODY_BYTES)


class Limiter(Protocol):
    """A per-client budget: `check` is 0 when the request may go ahead, else the seconds to
    wait (for Retry-After)."""

    async def check(self, client: str) -> float: ...


@dataclass
class _Bucket:
    tokens: float
    at: float


@dataclass
class RateLimiter:
    """A token bucket per client address: `per_minute` requests a minute, `burst` at once."""

    per_minute: float = 120.0
    burst: float = 30.0
    _buckets: dict[str, _Bucket] = field(default_factory=dict)

    def allow(self, client: str, now: float | None = None) -> float:
        """0 when the request may go ahead, else the seconds to wait (for Retry-After)."""
        now = time.monotonic() if now is None else now
        if len(self._buckets) > 10_000:  # forget idle clients, so many addresses cannot fill memory
            self._buckets = {k: b for k, b in self._buckets.items() if now - b.at < 120}
        bucket = self._buckets.setdefault(client, _Bucket(self.burst, now))
        rate = self.per_minute / 60.0
        bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.at) * rate)
        bucket.at = now
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return 0.0
        return (1 - bucket.tokens) / rate

    async def check(self, client: str) -> float:
        return self.allow(client)


# the database's answer to a check is awaited this long (a pool exhausted or a server gone);
# after a failure the database is left alone this long (the fallback answers meanwhile)
CHECK_TIMEOUT_SECONDS = 2.0
RETRY_DATABASE_SECONDS = 10.0
SIGN_IN_REFUSED_SECONDS = 10.0  # Retry-After for a sign-in while its budget cannot be checked
PRUNE_EVERY_SECONDS = 60.0


class SharedRateLimiter:
    """`RateLimiter`'s budget kept in the database (`storage.rate_limits`), so every worker and
    machine on it shares one: an address gets `burst` at once and `per_minute` a minute in
    all, not that much per worker. One statement per check (about 0.3 ms on a local PostgreSQL).
    `storage` opens (or returns) the process's database; `secret` keys the hash
    of the address (WEB_STATE_KEY's derivation: a copy of the table alone cannot tell whose
    bucket is whose). `on_failure`: "local" falls back to this worker's own bucket while the
    database does not answer, "refuse" refuses (the sign-in links)."""

    def __init__(self, storage: Callable[[], Awaitable[Storage]], scope: str, *, per_minute: float,
                 burst: float, secret: bytes = b"", on_failure: Literal["local", "refuse"] = "local",
                 clock: Callable[[], float] = time.time) -> None:
        self._storage = storage
        self.scope = scope
        self.per_minute = per_minute
        self.burst = burst
        self._secret = secret
        self._on_failure = on_failure
        self._clock = clock
        self._local = RateLimiter(per_minute=per_minute, burst=burst)
        self._down_until = 0.0  # monotonic: the database is not asked again before
        self._logged_at = -3600.0
        self._pruned_at = -PRUNE_EVERY_SECONDS
        self._pruning: asyncio.Future[None] | None = None  # held, so the task is not collected mid-way

    async def check(self, client: str) -> float:
        if time.monotonic() < self._down_until:
            return self._fallback(client)
        try:
            async with asyncio.timeout(CHECK_TIMEOUT_SECONDS):
                return await self._take(client)
        except Exception as exc:  # the database gone, slow or refusing: never a 500 for everyone
            self._down_until = time.monotonic() + RETRY_DATABASE_SECONDS
            if time.monotonic() - self._logged_at >= 60.0:
                self._logged_at = time.monotonic()
                what = "this worker's own limit applies" if self._on_failure == "local" else "sign-in links refused"
                log.warning("rate limit %s: the database did not answer (%s); %s for %.0f s", self.scope,
                            type(exc).__name__ if isinstance(exc, TimeoutError) else exc, what, RETRY_DATABASE_SECONDS)
            return self._fallback(client)

    def _fallback(self, client: str) -> float:
        if self._on_failure == "refuse":
            return SIGN_IN_REFUSED_SECONDS
        return self._local.allow(client)

    async def _take(self, client: str) -> float:
        storage = await self._storage()
        now = self._clock()
        wait = await storage.rate_limits.take(self.scope, client, per_minute=self.per_minute, burst=self.burst,
                                              now=now, secret=self._secret)
        if time.monotonic() - self._pruned_at >= PRUNE_EVERY_SECONDS:  # beside the request, not in its way
            self._pruned_at = time.monotonic()
            self._pruning = asyncio.ensure_future(self._prune(storage, now))
        return wait

    async def _prune(self, storage: Storage, now: float) -> None:
        try:
            await storage.rate_limits.prune(self.scope, per_minute=self.per_minute, burst=self.burst, now=now)
        except Exception as exc:  # the next minute's prune tries again
            log.warning("rate limit %s: old rows not pruned (%s)", self.scope, exc)
