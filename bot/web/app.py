"""One ASGI application for everything that listens on a port: pages, API, `/healthz` and,
in webhook mode, the Telegram webhook (`bot.telegram.webhook` adds its routes), so a
deployment runs one process behind one nginx location."""

from __future__ import annotations

import re
from pathlib import Path

from markupsafe import Markup, escape
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates
from starlette.types import ASGIApp, Receive, Scope, Send

from bot.settings import Settings, load_settings
from bot.storage import Storage
from bot.web import console, desk, phone
from bot.web.api import api_routes, error_response
from bot.web.limits import MAX_BODY_BYTES, OWN_LIMIT_PATHS, BodyTooLarge, RateLimiter
from bot.web.signing import StateSigner, signer_for
from dialogs import web_copy as w

HERE = Path(__file__).parent
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
    return error_response(f"{request.method} is not allowed on {request.url.path}", 405)


def limiter_for(settings: Settings) -> RateLimiter:
    """WEB_API_RATE_PER_MINUTE per client (120 by default), bursts of a quarter of it and at
    least 30 (a city platform behind one address may need more, a load test much more)."""
    rate = settings.web_api_rate_per_minute
    return RateLimiter(per_minute=rate, burst=max(30.0, rate / 4))


def create_app(extra_routes: list[BaseRoute] | None = None, *, health: Route | None = None,
               limiter: RateLimiter | None = None, signer: StateSigner | None = None,
               settings: Settings | None = None, announce_random_key: bool = True,
               storage: Storage | None = None) -> Starlette:
    """The application; `extra_routes` and `health` come from webhook mode (the bot's).
    Raises SettingsError (one line) when a web setting is wrong. `announce_random_key=False`:
    the caller logs the random-key warning itself once it listens. `storage`: the registry
    database for the office console (opened from BOT_DATABASE on first use when not given)."""
    settings = settings or load_settings()
    routes: list[BaseRoute] = [
        *(extra_routes or []),
        health or Route("/healthz", _web_health),
        *api_routes(limiter or limiter_for(settings)),
        Route("/", phone.home),
        Route("/ask", phone.ask_page),
        Route("/check", phone.check_start, methods=["GET"]),
        Route("/check", phone.check_step, methods=["POST"]),
        Route("/check/print", phone.check_print, methods=["POST"]),
        Route("/desk", desk.desk),
        Route("/desk/search", desk.desk_search),
        Route("/desk/doc/{code}", desk.document),
        Route("/desk/compare", desk.comparison),
        *console.console_routes(),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    app = Starlette(routes=routes, exception_handlers={404: _not_found, 405: _method_not_allowed,
                                                       BodyTooLarge: _too_large},
                    lifespan=console.lifespan)
    app.state.templates = Jinja2Templates(directory=HERE / "templates")
    app.state.templates.env.filters["marks"] = marks
    app.state.templates.env.filters["calls"] = calls
    app.state.signer = signer or signer_for(
        settings.web_state_key.get_secret_value() if settings.web_state_key else None, announce_random_key)
    console.init_state(app.state, settings, storage)
    app.add_middleware(_FormLimit)
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


def _too_large(request: Request, exc: Exception) -> Response:
    return error_response("the body is larger than 64 KB", 413)


class _FormLimit:
    """Refuses page form posts whose declared size is over the limit before reading them
    (the API endpoints, the webhook and the console's CSV upload count what actually arrives,
    see `limits.read_body`, and answer with their own message)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not scope["path"].startswith("/api/") and scope["path"] not in OWN_LIMIT_PATHS:
            for name, value in scope.get("headers", []):
                if name == b"content-length" and value.isdigit() and int(value) > MAX_BODY_BYTES:
                    response = (PlainTextResponse(w.CONSOLE_FORM_TOO_BIG, 413) if scope["path"].startswith("/console/")
                                else error_response("the body is larger than 64 KB", 413))  # the office reads Chinese
                    await response(scope, receive, send)
                    return
        await self.app(scope, receive, send)

