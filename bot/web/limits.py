"""Body size limit and per-client rate limit for the JSON API.

The API answers other systems (a city's hotline platform); one misbehaving client must not
take the search away from everybody else, and a huge body must not be read into memory.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from starlette.requests import Request

MAX_BODY_BYTES = 64 * 1024  # a profile or a question is a few hundred bytes
# the office console's CSV import: a city's registry (tens of thousands of families) fits;
# the route counts the upload as it arrives (`read_body`), so it is not held to MAX_BODY_BYTES
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
OWN_LIMIT_PATHS = frozenset({"/console/import"})


class BodyTooLarge(Exception):
    """The request body is over the limit (answered 413)."""


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


def client_address(request: Request) -> str:
    """The peer address (uvicorn puts nginx's X-Forwarded-For here for trusted proxies)."""
    return request.client.host if request.client else "unknown"
