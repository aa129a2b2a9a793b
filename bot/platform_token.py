"""An access token shared by every caller and every process: WeChat and WeCom limit how
many tokens are fetched a day, so one is fetched by whoever needs it first (an asyncio lock:
a burst of 1,000 sends fetches once), kept in storage (`platform_tokens`) for every process
and restart, and dropped when the platform calls it invalid. Each platform supplies how
to fetch it (`fetch`: the token and the seconds it may be used for)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

from bot.storage import Storage

Fetch = Callable[[], Awaitable[tuple[str, float]]]


class SharedToken:
    def __init__(self, storage: Storage, platform: str, fetch: Fetch, *, margin: float = 0.0,
                 clock: Callable[[], float] = time.time) -> None:
        self.storage = storage
        self.platform = platform
        self._fetch = fetch
        self.margin = margin  # seconds before its end a stored token is no longer handed out
        self._clock = clock
        self._lock = asyncio.Lock()

    async def get(self, stale: str | None = None) -> str:
        """The shared token; `stale` is one the platform just refused (never handed out again)."""
        cached = await self._cached(stale)
        if cached is not None:
            return cached
        async with self._lock:  # one fetch however many callers wait
            cached = await self._cached(stale)
            if cached is not None:
                return cached  # another caller fetched it while this one waited
            token, seconds = await self._fetch()
            await self.storage.platform_tokens.put(self.platform, token, self._clock() + seconds)
            return token

    async def _cached(self, stale: str | None) -> str | None:
        token = await self.storage.platform_tokens.get(self.platform, self._clock() + self.margin)
        return token if token is not None and token != stale else None

    async def drop(self, token: str) -> None:
        """The platform said this token is invalid or expired: the next caller fetches a new one."""
        await self.storage.platform_tokens.drop(self.platform, token)
