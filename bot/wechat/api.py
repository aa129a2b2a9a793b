"""The Service Account's outgoing API: the access token, customer-service messages, the menu.

The access token lives two hours and is shared (`bot.platform_token.SharedToken`: one
fetch however many callers, kept in storage for every process and restart); when WeChat
says it is invalid or expired (40001 / 40014 / 42001) it is dropped, fetched again once and
the call retried once. A refused fetch (a wrong secret, an IP not whitelisted) is not
asked again for `REFUSED_PAUSE`. Every other error code is counted for the admin (`platform_errors`, code
and time only) and raised as `WeChatError`; nothing is retried in a loop.
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any

import httpx

from bot.platform_token import SharedToken
from bot.settings import Settings
from bot.storage import Storage

PLATFORM = "wechat"
TOKEN_ERRORS = frozenset({40001, 40014, 42001})
WINDOW_PASSED = 45015  # more than 48 hours since the person last wrote
UNSUBSCRIBED = 43004
TRANSIENT = frozenset({-1, 45009})  # busy, rate-limited: the next caller may try again
REFUSED_PAUSE = 300.0  # seconds before a refused token fetch is tried again (daily fetch limit)
REFRESH_MARGIN = 300  # seconds before expiry a token is no longer used
TIMEOUT = httpx.Timeout(8.0, connect=4.0)
log = logging.getLogger("lianxin.wechat")


class WeChatError(Exception):
    """WeChat answered with an error code (logged by code, never with who or what)."""

    def __init__(self, code: int, where: str) -> None:
        super().__init__(f"WeChat error {code} on {where}")
        self.code = code


class WeChatApi:
    def __init__(self, base: str, app_id: str, app_secret: str, storage: Storage,
                 client: httpx.AsyncClient | None = None) -> None:
        self.base = base.rstrip("/")
        self.app_id = app_id
        self._secret = app_secret
        self.storage = storage
        self.client = client or httpx.AsyncClient(timeout=TIMEOUT)
        self.shared = SharedToken(storage, PLATFORM, self._fetch_token, margin=REFRESH_MARGIN)
        self._refused: tuple[int, float] | None = None  # (errcode, until): a refused token fetch

    @classmethod
    def from_settings(cls, settings: Settings, storage: Storage) -> WeChatApi:
        assert settings.wechat_app_id and settings.wechat_app_secret is not None
        return cls(settings.wechat_api_base, settings.wechat_app_id, settings.wechat_app_secret.get_secret_value(),
                   storage)

    async def close(self) -> None:
        await self.client.aclose()

    async def token(self) -> str:
        return await self.shared.get()

    async def _fetch_token(self) -> tuple[str, float]:
        """Called under the shared token's lock, so at most one fetch is in flight."""
        if self._refused is not None and time.monotonic() < self._refused[1]:
            raise WeChatError(self._refused[0], "token")  # refused a moment ago: not asked again yet
        response = await self.client.get(f"{self.base}/cgi-bin/token", params={
            "grant_type": "client_credential", "appid": self.app_id, "secret": self._secret})
        data = _json(response)
        if "access_token" not in data:
            code = int(data.get("errcode", -1))
            if code not in TRANSIENT:  # a wrong secret, an IP not whitelisted: asking again will not help
                self._refused = (code, time.monotonic() + REFUSED_PAUSE)
            await self._error(code, "token")
        self._refused = None
        return str(data["access_token"]), float(data.get("expires_in", 7200))

    async def _error(self, code: int, where: str) -> None:
        await self.storage.platform_tokens.record_error(PLATFORM, code)
        log.warning("WeChat %s answered errcode %s", where, code)
        raise WeChatError(code, where)

    async def call(self, path: str, payload: dict[str, Any]) -> dict[str, Any]:
        """POST JSON with the token; a token WeChat calls invalid is dropped, fetched again
        once and the call made once more."""
        for attempt in (1, 2):
            token = await self.token()
            response = await self.client.post(f"{self.base}{path}", params={"access_token": token},
                                              content=_dumps(payload), headers={"Content-Type": "application/json"})
            data = _json(response)
            code = int(data.get("errcode", 0))
            if code == 0:
                return data
            if code in TOKEN_ERRORS and attempt == 1:
                await self.shared.drop(token)
                continue
            await self._error(code, path.rsplit("/", 1)[-1])
        raise AssertionError("unreachable")

    async def send_text(self, openid: str, content: str) -> None:
        """A customer-service text message (allowed within 48 hours of the person's message)."""
        await self.call("/cgi-bin/message/custom/send",
                        {"touser": openid, "msgtype": "text", "text": {"content": content}})

    async def create_menu(self, menu: dict[str, Any]) -> None:
        await self.call("/cgi-bin/menu/create", menu)


def _dumps(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, ensure_ascii=False).encode()  # WeChat shows \uXXXX escapes literally


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        data = response.json()
    except ValueError:
        data = None
    if not isinstance(data, dict):
        return {"errcode": -2, "errmsg": f"HTTP {response.status_code}"}
    return data
