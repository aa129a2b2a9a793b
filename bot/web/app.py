"""One ASGI application for everything that listens on a port: pages, API, `/healthz` and,
in webhook mode, the Telegram webhook (`bot.telegram.webhook` adds its routes), so a
deployment runs one process behind one nginx location."""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import sys
from functools import partial
from pathlib import Path
from typing import Any

from markupsafe import Markup, escape
from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from bot.settings import Settings, load_settings
from bot.storage import Storage, is_postgres
from bot.web import desk, office, office_common, office_documents, phone
from bot.web.api import api_routes, error_response
from bot.web.limits import (
    BODY_TIMEOUT_SECONDS,
    MAX_UPLOAD_BYTES,
    SIGN_IN_BURST,
    SIGN_IN_PER_MINUTE,
    UPLOAD_TIMEOUT_SECONDS,
    BodyTimeout,
    BodyTooLarge,
    Limiter,
    RateLimiter,
    SharedRateLimiter,
)
from bot.web.middleware import CLOSE, BodyGuard, RateLimit, SecurityHeaders, notice
from bot.web.signing import StateSigner, signer_for
from bot.wechat.channel import WeChatChannel
from bot.wecom.callback import wecom_routes
from dialogs import web_copy as w

HERE = Path(__file__).parent
log = logging.getLogger("lianxin.web")
_HIGHLIGHT = re.compile(r"【([^【】]*)】")
_HOTLINE = re.compile(r"(?<![0-9])(12356|120|110)(?![0-9])")
_QUOTED = ("出处：", "原文：", "（")


async def _web_health(request: Request) -> Response:
    """Web-only mode has no database and no reminder loop: alive means healthy."""
    return JSONResponse({"ok": True})


def _not_found(request: Request, exc: Exception) -> Response:
    if request.url.path.startswith("/api/"):
        return error_response(f"no such endpoint: {request.method} {request.url.path}", 404)
    return request.app.state.templates.TemplateResponse(request, "missing.html", {"w": w}, status_code=404)


def _method_not_allowed(request: Request, exc: Exception) -> Response:
    return _refusal(request, 405, w.WEB_METHOD_NOT_ALLOWED, f"{request.method} is not allowed on {request.url.path}")


def limiter_for(settings: Settings, state: Any = None) -> Limiter:
    """WEB_API_RATE_PER_MINUTE per client (120 by default), bursts of a quarter of it and at
    least 30 (a city platform behind one address may need more, a load test much more).
    In this process's memory on SQLite (one process); in the database on PostgreSQL, where
    several workers or machines serve the web (`state`: the app's, whose database it uses)."""
    rate = settings.web_api_rate_per_minute
    burst = max(30.0, rate / 4)
    if state is None or not is_postgres(settings.database):
        return RateLimiter(per_minute=rate, burst=burst)
    return SharedRateLimiter(partial(office_common.opened_storage, state), "web", per_minute=rate, burst=burst,
                             secret=_hash_secret(settings), on_failure="local")


def sign_in_limiter_for(settings: Settings, state: Any = None) -> Limiter:
    """The sign-in links' budget (SIGN_IN_PER_MINUTE): shared like `limiter_for`'s; refused
    while the database cannot count it (a sign-in needs the database anyway)."""
    if state is None or not is_postgres(settings.database):
        return RateLimiter(per_minute=SIGN_IN_PER_MINUTE, burst=SIGN_IN_BURST)
    return SharedRateLimiter(partial(office_common.opened_storage, state), "sign_in", per_minute=SIGN_IN_PER_MINUTE,
                             burst=SIGN_IN_BURST, secret=_hash_secret(settings), on_failure="refuse")


def state_shared(settings: Settings) -> bool:
    """Limits live in the database on PostgreSQL (several workers or machines), else in memory."""
    return is_postgres(settings.database)


def _hash_secret(settings: Settings) -> bytes:
    """What keys the stored hash of an address: derived from WEB_STATE_KEY (the same in every
    worker; several workers need it set anyway), never the key itself; none without it."""
    key = settings.web_state_key
    if key is None:
        return b""
    return hmac.new(key.get_secret_value().encode(), b"lianxin rate limit keys", hashlib.sha256).digest()


def create_app(extra_routes: list[BaseRoute] | None = None, *, health: Route | None = None,
               limiter: Limiter | None = None, signer: StateSigner | None = None,
               settings: Settings | None = None, announce_random_key: bool = True,
               storage: Storage | None = None) -> Starlette:
    """The application; `extra_routes` and `health` come from webhook mode (the bot's).
    Raises SettingsError (one line) when a web setting is wrong. `announce_random_key=False`:
    the caller logs the random-key warning itself once it listens. `storage`: the registry
    database for the office console (opened from BOT_DATABASE on first use when not given)."""
    settings = settings or load_settings()
    # the platforms' callbacks (WeChat, WeCom): authenticated by their signatures and called
    # from the platforms' few addresses, so, like the Telegram webhook, not rate-limited per address
    wechat = WeChatChannel(settings, office_common.office_storage) if settings.wechat_enabled() else None
    platform_routes: list[BaseRoute] = [*(wechat.routes() if wechat else []), *wecom_routes(settings)]
    routes: list[BaseRoute] = [
        *(extra_routes or []),
        *platform_routes,
        health or Route("/healthz", _web_health),
        *api_routes(),
        Route("/", phone.home),
        Route("/ask", phone.ask_page),
        Route("/check", phone.check_start, methods=["GET"]),
        Route("/check", phone.check_step, methods=["POST"]),
        Route("/check/print", phone.check_print, methods=["POST"]),
        Route("/desk", desk.desk),
        Route("/desk/search", desk.desk_search),
        Route("/desk/doc/{code}", desk.document),
        Route("/desk/compare", desk.comparison),
        *office.office_routes(),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    app = Starlette(routes=routes, exception_handlers={
        400: _bad_form, 404: _not_found, 405: _method_not_allowed, BodyTooLarge: _too_large,
        BodyTimeout: _too_slow, ClientDisconnect: _client_gone}, lifespan=office_common.lifespan)
    app.state.templates = Jinja2Templates(directory=HERE / "templates")
    app.state.templates.env.filters["marks"] = marks
    app.state.templates.env.filters["calls"] = calls
    app.state.signer = signer or signer_for(
        settings.web_state_key.get_secret_value() if settings.web_state_key else None, announce_random_key)
    office_common.init_state(app.state, settings, storage)
    app.state.wechat = wechat
    if wechat is not None and state_shared(settings):  # one follower's budget across every worker
        per_minute = settings.bot_user_rate_per_minute
        wechat.limiter = SharedRateLimiter(partial(office_common.opened_storage, app.state), "wechat",
                                           per_minute=per_minute, burst=per_minute, secret=_hash_secret(settings),
                                           on_failure="local")
    # the webhook (an extra route) counts its own body (`read_body`, 1 MB) and is Telegram's,
    # authenticated by its secret: not held to the pages' 64 KB nor to their rate limit
    own = {route.path for route in [*(extra_routes or []), *platform_routes] if isinstance(route, Route)}
    env = app.state.templates.env
    # the last added runs first: headers on everything, then the rate, then the body
    # the console's uploads count their own bodies and refuse a big one in their own words: the
    # registry CSV, a city's policy document (`reading.MAX_UPLOAD_BYTES`) and a rules file
    uploads = {"/console/import": MAX_UPLOAD_BYTES, office_documents.UPLOAD_PATH: office_documents.UPLOAD_LIMIT,
               office_documents.IMPORT_PATH: office_documents.IMPORT_LIMIT}
    app.add_middleware(BodyGuard, templates=env, own_limits={**uploads, **dict.fromkeys(own, sys.maxsize)},
                       own_timeouts=dict.fromkeys(uploads, UPLOAD_TIMEOUT_SECONDS))
    app.add_middleware(RateLimit, templates=env, limiter=limiter or limiter_for(settings, app.state),
                       sign_in=sign_in_limiter_for(settings, app.state), exempt=frozenset(own))
    app.add_middleware(SecurityHeaders)
    return app


def marks(line: str) -> Markup:
    """A line with the search's 【】 highlight brackets shown as <mark>, never as brackets;
    everything else escaped."""
    parts = _HIGHLIGHT.split(str(line))  # odd items are the highlighted words
    return Markup("").join(Markup("<mark>{}</mark>").format(part) if i % 2 else escape(part)
                           for i, part in enumerate(parts))


def calls(line: str) -> Markup:
    """A distress reply line with 12356, 120 and 110 as numbers a phone can call with one tap
    (the quoted clause lines are left as they are)."""
    text = str(line)
    if text.startswith(_QUOTED):
        return escape(text)
    parts = _HOTLINE.split(text)  # odd items are the numbers
    return Markup("").join(Markup('<a class="call" href="tel:{0}">{0}</a>').format(part) if i % 2 else escape(part)
                           for i, part in enumerate(parts))


def _refusal(request: Request, status: int, message: str, api_message: str,
             headers: dict[str, str] | None = None) -> Response:
    return notice(request.app.state.templates.env, request.url.path, status, message, api_message, headers)


def _too_large(request: Request, exc: Exception) -> Response:
    """A body past its limit while it arrived (chunked, or longer than it said)."""
    message = w.CONSOLE_FORM_TOO_BIG if request.url.path.startswith("/console/") else w.WEB_BODY_TOO_BIG
    return _refusal(request, 413, message, "the body is larger than 64 KB", CLOSE)


def _too_slow(request: Request, exc: Exception) -> Response:
    return _refusal(request, 408, w.WEB_BODY_TOO_SLOW,
                    f"the body did not arrive within {BODY_TIMEOUT_SECONDS:.0f} s", CLOSE)


def _bad_form(request: Request, exc: Exception) -> Response:
    """Starlette's form parser refusing a form (too many fields or files, a part too large,
    broken multipart) says it in English (`HTTPException(400, "Too many files...")`): a person
    reads Chinese, the API keeps the detail."""
    detail = str(getattr(exc, "detail", "bad request"))
    message = w.WEB_FORM_NO_FILES if detail.startswith("Too many files") else w.WEB_FORM_NOT_READ
    return _refusal(request, 400, message, detail)


def _client_gone(request: Request, exc: Exception) -> Response:
    """The client hung up before its body arrived: one short line, not a 3 KB traceback at
    ERROR each time (anyone can cause it, so it must not flood the log)."""
    log.info("client hung up mid-request: %s %s", request.method, request.url.path)
    return Response(status_code=400)  # nobody is left to read it


