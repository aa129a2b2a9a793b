"""The web's limits: body sizes and deadlines, the per-client rate limit every public route
shares (applied by `bot.web.middleware`), and the server's connection limits
(`bot.web.connections`).

Families, hotline staff and other systems (a city's hotline platform) share one process: one
misbehaving client must not take the pages or the search away from everybody else, and a
huge or endless body must not be read into memory.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from starlette.datastructures import FormData
from starlette.requests import Request

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
