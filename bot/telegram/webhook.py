"""Webhook mode: the Telegram webhook, `/healthz` and the web pages and API in one ASGI
application (`bot.web.app`), served by uvicorn on PTB's own event loop.

This follows PTB's `examples/customwebhookbot/starlettebot.py`: the application is started
by hand, updates posted to the webhook are put on its update queue, and uvicorn runs in the
same loop. Telegram posts updates to the webhook path and the operator's monitor polls
/healthz, which answers 200 while the database answers and the reminder loop has run
recently, 503 otherwise. Put nginx (TLS) in front of it.

Anyone who can reach the port could post a forged update "from" an admin, so webhook mode
needs BOT_WEBHOOK_SECRET (refused at start without one): every post must carry it in
X-Telegram-Bot-Api-Secret-Token (compared in constant time), and the path Telegram posts to
is BOT_WEBHOOK_URL's path plus 32 hex characters derived from the secret (HMAC-SHA256), so
it is as unguessable as the secret and never written in a config file or a log. A
redelivered update (same id) is dropped by the bot's guards, and a body that is not JSON is
answered 400 without reaching the bot.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import hmac
import json
import logging
import re
import signal
from typing import Any
from urllib.parse import urlparse

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from telegram import Update
from telegram.ext import Application

from bot.settings import Settings, SettingsError
from bot.telegram.updates import decode_update
from bot.web.limits import BodyTooLarge, read_body
from bot.web.serve import WebServer, start_server

log = logging.getLogger("lianxin.bot")


MIN_SECRET_LENGTH = 24
_SECRET = re.compile(rf"[A-Za-z0-9_-]{{{MIN_SECRET_LENGTH},256}}")  # Telegram's alphabet for secret_token
MAX_UPDATE_BYTES = 1024 * 1024  # Telegram's updates are a few KB; a megabyte is already absurd


def check_webhook_settings(settings: Settings) -> str:
    """The secret, or SettingsError (one line) when webhook mode would accept forged updates."""
    secret = settings.bot_webhook_secret or ""
    if not secret:
        raise SettingsError("setting BOT_WEBHOOK_SECRET: required in webhook mode (BOT_WEBHOOK_URL is set); "
                            "make one with: python -c 'import secrets; print(secrets.token_urlsafe(32))'")
    if not _SECRET.fullmatch(secret):
        raise SettingsError(f"setting BOT_WEBHOOK_SECRET: must be {MIN_SECRET_LENGTH}-256 characters of "
                            "A-Z a-z 0-9 _ - (Telegram's rule)")
    return secret


def webhook_path(settings: Settings) -> str:
    """BOT_WEBHOOK_URL's path plus 32 hex characters of HMAC-SHA256(secret, "webhook-path")."""
    secret = check_webhook_settings(settings)
    assert settings.bot_webhook_url
    tail = hmac.new(secret.encode(), b"lianxin webhook-path", hashlib.sha256).hexdigest()[:32]
    return urlparse(settings.bot_webhook_url).path.rstrip("/") + "/" + tail


def webhook_url(settings: Settings) -> str:
    """The full URL registered with Telegram (BOT_WEBHOOK_URL with the derived path)."""
    assert settings.bot_webhook_url
    return urlparse(settings.bot_webhook_url)._replace(path=webhook_path(settings), query="", fragment="").geturl()


def _webhook_endpoint(application: Application, secret: str) -> Any:
    expected = secret.encode()

    async def receive_update(request: Request) -> Response:
        given = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "").encode()
        if not hmac.compare_digest(given, expected):
            return Response(status_code=403)
        try:
            data = json.loads(await read_body(request, MAX_UPDATE_BYTES))
        except BodyTooLarge:
            return Response(status_code=413)
        except (ValueError, RecursionError):
            return Response(status_code=400)
        update = decode_update(data, application.bot)
        if update is not None:
            await application.update_queue.put(update)
        # an update we cannot read is answered 200 all the same: Telegram would only send it again
        return Response(status_code=200)

    return receive_update


def _health_endpoint(application: Application) -> Any:
    async def health(request: Request) -> Response:
        body: dict[str, Any] = {"ok": False}
        try:
            status = await application.bot_data["storage"].ops.status()
            status.pop("database", None)
            body.update(status)
            interval = application.bot_data["settings"].bot_reminder_interval
            last = status.get("last_reminder_round")
            fresh = last is not None and (
                dt.datetime.now(dt.UTC) - dt.datetime.fromisoformat(last)).total_seconds() < max(180, 3 * interval)
            body["reminder_loop_ok"] = fresh
            body["ok"] = fresh
        except Exception as exc:
            body["error"] = type(exc).__name__
        return JSONResponse(body, status_code=200 if body["ok"] else 503)

    return health


def make_asgi_app(application: Application, settings: Settings) -> Any:
    """The one ASGI application: webhook, /healthz, pages and API."""
    from bot.web.app import create_app

    secret = check_webhook_settings(settings)
    # the console uses the bot's own database connection: one writer per process, and a link
    # from /console is redeemed in the same database that made it
    return create_app([Route(webhook_path(settings), _webhook_endpoint(application, secret), methods=["POST"])],
                      health=Route("/healthz", _health_endpoint(application)), settings=settings,
                      storage=application.bot_data.get("storage"))


async def start_webhook(application: Application, settings: Settings) -> WebServer:
    """Register the webhook with Telegram and start listening (the application is started)."""
    await application.bot.set_webhook(webhook_url(settings), secret_token=check_webhook_settings(settings),
                                      allowed_updates=Update.ALL_TYPES)
    server = await start_server(make_asgi_app(application, settings), settings.bot_webhook_listen,
                                settings.bot_webhook_port)
    log.info("webhook and web pages listening on %s:%s", settings.bot_webhook_listen, settings.bot_webhook_port)
    return server


async def serve(application: Application, settings: Settings) -> None:
    """Run until SIGINT / SIGTERM (systemd stop, docker stop)."""
    await application.initialize()
    if application.post_init:
        await application.post_init(application)
    await application.start()
    server = await start_webhook(application, settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    await server.wait_closed()
    await application.stop()
    if application.post_shutdown:
        await application.post_shutdown(application)
    await application.shutdown()
