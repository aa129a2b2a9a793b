"""The WeCom API, asynchronously (httpx): the access token fetched once and shared through
storage (every process on the database uses the same one; WeCom limits fetches per day),
an invalid or expired token dropped, fetched again and the call retried once, and every
error code counted for the admin (`platform_errors`: code and time, never who or what).

Nothing here logs a user id, a message or the secret (the token URL holds the secret: an
exception is logged by its type only)."""

from __future__ import annotations

import logging
import time
import weakref
from collections.abc import Callable
from typing import Any

import httpx

from bot.platform_token import SharedToken
from bot.storage import Storage

log = logging.getLogger("lianxin.wecom")
PLATFORM = "wecom"
TOKEN_EXPIRED = frozenset({40014, 42001})  # invalid / expired access_token: drop it, fetch again, retry once
TOKEN_MARGIN = 300  # seconds before its end a token is no longer used (a request in flight must not expire)
TIMEOUT = httpx.Timeout(10.0, connect=5.0)


class WeComError(Exception):
    """WeCom answered with an error code (the code only; no user id, no message)."""

    def __init__(self, code: int) -> None:
        super().__init__(f"WeCom errcode {code}")
        self.code = code


class WeComUnavailable(Exception):
    """No access token could be had (WeCom slow, refused or a bad answer): nothing was sent."""


class WeComApi:
    def __init__(self, storage: Storage, settings: Any, client: httpx.AsyncClient | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        self._storage = storage
        self.base = str(settings.wecom_api_base).rstrip("/")
        self.corp_id = str(settings.wecom_corp_id or "")
        self._secret = settings.wecom_secret.get_secret_value() if settings.wecom_secret else ""
        self.agent_id = int(settings.wecom_agent_id or 0)
        self._client = client or httpx.AsyncClient(timeout=TIMEOUT)
        self._clock = clock
        # concurrent sends fetch one token, not one each; the stored expiry already has the margin off
        self.shared = SharedToken(storage, PLATFORM, self._fetch_token, clock=clock)

    async def close(self) -> None:
        await self._client.aclose()

    async def token(self, stale: str | None = None) -> str:
        """The shared access token; `stale` is the one WeCom just called invalid (not reused)."""
        return await self.shared.get(stale)

    async def _fetch_token(self) -> tuple[str, float]:
        try:
            response = await self._client.get(f"{self.base}/cgi-bin/gettoken",
                                              params={"corpid": self.corp_id, "corpsecret": self._secret})
            data = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise WeComUnavailable(f"gettoken failed: {type(exc).__name__}") from None
        code = int(data.get("errcode", 0) or 0) if isinstance(data, dict) else -1
        if code:
            await self._storage.platform_tokens.record_error(PLATFORM, code)
            log.warning("WeCom refused the access token: errcode %s", code)
            raise WeComError(code)
        token = data.get("access_token")
        if not isinstance(token, str) or not token:
            raise WeComUnavailable("gettoken answered without a token")
        expires_in = float(data.get("expires_in", 7200) or 7200)
        return token, max(60.0, expires_in - TOKEN_MARGIN)

    async def post(self, path: str, payload: dict[str, Any]) -> dict[str, Any]:
        """POST `payload` to `path` with the access token; WeComError for a non-zero errcode
        (counted), after one refresh and retry when the token was invalid or expired. httpx's
        exceptions pass through (the caller knows whether a timeout may have delivered)."""
        token = await self.token()
        for attempt in (1, 2):
            response = await self._client.post(f"{self.base}{path}", params={"access_token": token}, json=payload)
            try:
                data = response.json()
            except ValueError:
                data = None
            if not isinstance(data, dict):
                raise WeComUnavailable(f"{path}: HTTP {response.status_code}, not JSON")
            code = int(data.get("errcode", 0) or 0)
            if code == 0:
                return data
            await self._storage.platform_tokens.record_error(PLATFORM, code)
            if code in TOKEN_EXPIRED and attempt == 1:
                await self.shared.drop(token)
                token = await self.token(stale=token)
                continue
            raise WeComError(code)
        raise AssertionError("unreachable")  # pragma: no cover


_SHARED: weakref.WeakKeyDictionary[Storage, WeComApi] = weakref.WeakKeyDictionary()


def shared_api(storage: Storage, settings: Any) -> WeComApi:
    """One client per database and process: the reminder loop and the callback share its lock."""
    api = _SHARED.get(storage)
    if api is None:
        api = _SHARED[storage] = WeComApi(storage, settings)
    return api


async def close_shared(storage: Storage) -> None:
    api = _SHARED.pop(storage, None)
    if api is not None:
        await api.close()
