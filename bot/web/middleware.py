"""The web's defences, as pure ASGI middleware around every route: a bounded body (counted as
it arrives, chunked or not), a deadline for the body, one per-address rate limit, and the
security headers.

Why here and not in each route: an attacker picks the route that forgot its check (a 150 MB
chunked form to `/check`, 500 searches a minute at `/desk/search`); a layer every request
passes through cannot be forgotten by the next route someone adds. The API and the console
still answer in their own words where they read the body themselves (`limits.read_body`).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import time
from collections.abc import Mapping
from typing import Any

from jinja2 import Environment
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.web.limits import BODY_TIMEOUT_SECONDS, MAX_BODY_BYTES, BodyTimeout, BodyTooLarge, Limiter
from dialogs import web_copy as w

SIGN_IN_PREFIX = "/console/link/"  # the one-time sign-in links: a guess must stay a guess
UNLIMITED_PREFIXES = ("/static/",)  # a page's own style sheet and script are not extra requests
UNLIMITED_PATHS = frozenset({"/healthz"})  # the monitor (nginx lets only this host reach it)
CLOSE = {"Connection": "close"}  # the rest of a refused body is not waited for


def wants_json(path: str) -> bool:
    """Other systems (`/api/`) and the desk's search-as-you-type script read JSON, not a page."""
    return path.startswith("/api/") or path == "/desk/search"


def notice(templates: Environment, path: str, status: int, message: str, api_message: str,
           headers: Mapping[str, str] | None = None) -> Response:
    """A refusal: a short Chinese page for a person, `{"error": ...}` for the API (in the API's
    own English, as its other errors), and the desk's search gets JSON it can show."""
    if path.startswith("/api/"):
        return JSONResponse({"error": api_message}, status_code=status, headers=headers)
    if wants_json(path):
        return JSONResponse({"error": message, "answered": False, "results": []}, status_code=status, headers=headers)
    page = templates.get_template("notice.html").render(w=w, message=message)
    response = HTMLResponse(page, status_code=status, headers=headers)
    response.headers["Cache-Control"] = "no-store"
    return response


class BodyGuard:
    """Every request's body counted as it arrives: past its limit the route's next `receive`
    raises BodyTooLarge (so nothing more is read into memory), and a body that has not
    arrived within its deadline raises BodyTimeout (answered 408), so a client sending half a
    request cannot hold a connection and a task for ever. A declared Content-Length over the
    limit is refused before anything is read (the API and the console's import say it in
    their own words, so they are left to `limits.read_body`)."""

    def __init__(self, app: ASGIApp, templates: Environment, own_limits: Mapping[str, int] | None = None,
                 own_timeouts: Mapping[str, float] | None = None) -> None:
        self.app = app
        self.templates = templates
        self.own_limits = dict(own_limits or {})
        self.own_timeouts = dict(own_timeouts or {})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        limit = self.own_limits.get(path, MAX_BODY_BYTES)
        declared = next((v for k, v in scope.get("headers", []) if k == b"content-length"), b"")
        if declared.isdigit() and int(declared) > limit and not path.startswith("/api/") \
                and path not in self.own_limits:
            message = w.CONSOLE_FORM_TOO_BIG if path.startswith("/console/") else w.WEB_BODY_TOO_BIG
            await notice(self.templates, path, 413, message, "the body is larger than 64 KB", CLOSE)(
                scope, receive, send)
            return
        deadline = time.monotonic() + self.own_timeouts.get(path, BODY_TIMEOUT_SECONDS)
        received = 0
        finished = False

        async def counted_receive() -> Message:
            nonlocal received, finished
            if finished:  # after the body: only the disconnect is left to wait for, without a deadline
                return await receive()
            try:
                message = await asyncio.wait_for(receive(), max(0.0, deadline - time.monotonic()))
            except TimeoutError:
                raise BodyTimeout from None
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge
                finished = not message.get("more_body", False)
            return message

        await self.app(scope, counted_receive, send)


class RateLimit:
    """One per-address budget for every public route (pages, the desk's search, the API, the
    console), and a much smaller one for the sign-in links on top of it. The address is the
    peer's, or the one nginx forwards when uvicorn trusts the proxy (`forwarded_allow_ips`).
    The webhook (Telegram's own posts, authenticated by the secret), `/healthz` and the static
    files are not counted. The budgets are this process's or, with several workers, the
    database's (`limits.Limiter`)."""

    def __init__(self, app: ASGIApp, templates: Environment, limiter: Limiter, sign_in: Limiter,
                 exempt: frozenset[str] = frozenset()) -> None:
        self.app = app
        self.templates = templates
        self.limiter = limiter
        self.sign_in = sign_in
        self.exempt = exempt | UNLIMITED_PATHS

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope.get("path", "")
        if scope["type"] != "http" or path in self.exempt or path.startswith(UNLIMITED_PREFIXES):
            await self.app(scope, receive, send)
            return
        client = scope["client"][0] if scope.get("client") else "unknown"
        strict = path.startswith(SIGN_IN_PREFIX)
        wait = await self.sign_in.check(client) if strict else 0.0
        wait = wait or await self.limiter.check(client)
        if wait > 0:
            seconds = max(1, round(wait))
            message = (w.WEB_TOO_MANY_SIGN_IN if strict else w.WEB_TOO_MANY).format(seconds=seconds)
            api_message = f"too many requests from {client}; retry after {seconds} s"
            await notice(self.templates, path, 429, message, api_message, {"Retry-After": str(seconds)})(
                scope, receive, send)
            return
        await self.app(scope, receive, send)


def _script_hash(code: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(code.encode()).digest()).decode() + "'"


# Every script and style sheet is a file under /static. The one inline handler the pages use,
# the print button's `onclick="window.print()"`, is allowed by its hash and nothing else is:
# an injected <script> or onerror= would not run even if escaping ever failed.
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    f"script-src 'self' 'unsafe-hashes' {_script_hash('window.print()')}",
    "style-src 'self'",
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
SECURITY_HEADERS = {
    b"content-security-policy": CONTENT_SECURITY_POLICY.encode(),
    b"x-frame-options": b"DENY",  # no page of ours inside another site's frame (click-jacking)
    b"x-content-type-options": b"nosniff",  # an uploaded or echoed text is never run as a script
    b"referrer-policy": b"no-referrer",  # a question or a sign-in link never leaks in a Referer
}


class SecurityHeaders:
    """The headers above on every response; a route that set one itself (the sign-in page's
    same-origin Referrer-Policy) keeps its own."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers: list[Any] = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers += [(name, value) for name, value in SECURITY_HEADERS.items() if name not in present]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)
