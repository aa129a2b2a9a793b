"""Webhook mode: one small tornado server with the webhook path and `/healthz`.

PTB's built-in webhook server has no room for a health endpoint, so we serve both: Telegram
posts updates to the webhook path and the operator's monitor polls /healthz, which answers
200 while the database answers and the reminder loop has run recently, 503 otherwise. Put
nginx (TLS) in front of it.

Anyone who can reach the port could post a forged update "from" an admin, so webhook mode
needs BOT_WEBHOOK_SECRET (refused at start without one): every post must carry it in
X-Telegram-Bot-Api-Secret-Token (compared in constant time), and the path Telegram posts to
is BOT_WEBHOOK_URL's path plus 32 hex characters derived from the secret (HMAC-SHA256), so
it is as unguessable as the secret and never written in a config file or a log.
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

import tornado.httpserver
import tornado.web
from telegram import Update
from telegram.ext import Application

from bot.settings import Settings, SettingsError
from bot.telegram.updates import decode_update

log = logging.getLogger("lianxin.bot")


MIN_SECRET_LENGTH = 24
_SECRET = re.compile(rf"[A-Za-z0-9_-]{{{MIN_SECRET_LENGTH},256}}")  # Telegram's alphabet for secret_token


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


class _WebhookHandler(tornado.web.RequestHandler):
    def initialize(self, bot_app: Application, secret: str) -> None:
        self.application_ = bot_app
        self.secret = secret.encode()

    async def post(self) -> None:
        given = self.request.headers.get("X-Telegram-Bot-Api-Secret-Token", "").encode()
        if not hmac.compare_digest(given, self.secret):
            self.set_status(403)
            return
        try:
            data = json.loads(self.request.body)
        except (ValueError, RecursionError):
            self.set_status(400)
            return
        update = decode_update(data, self.application_.bot)
        if update is not None:
            await self.application_.update_queue.put(update)
        # an update we cannot read is answered 200 all the same: Telegram would only send it again
        self.set_status(200)


class _HealthHandler(tornado.web.RequestHandler):
    def initialize(self, bot_app: Application) -> None:
        self.application_ = bot_app

    async def get(self) -> None:
        body: dict[str, Any] = {"ok": False}
        try:
            status = await self.application_.bot_data["storage"].ops.status()
            status.pop("database", None)
            body.update(status)
            interval = self.application_.bot_data["settings"].bot_reminder_interval
            last = status.get("last_reminder_round")
            fresh = last is not None and (
                dt.datetime.now(dt.UTC) - dt.datetime.fromisoformat(last)).total_seconds() < max(180, 3 * interval)
            body["reminder_loop_ok"] = fresh
            body["ok"] = fresh
        except Exception as exc:
            body["error"] = type(exc).__name__
        self.set_status(200 if body["ok"] else 503)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(body))


def make_server(application: Application, settings: Settings) -> tornado.httpserver.HTTPServer:
    secret = check_webhook_settings(settings)
    app = tornado.web.Application([
        (re.escape(webhook_path(settings)), _WebhookHandler, {"bot_app": application, "secret": secret}),
        (r"/healthz", _HealthHandler, {"bot_app": application}),
    ])
    return tornado.httpserver.HTTPServer(app, xheaders=True)


async def start_webhook(application: Application, settings: Settings) -> tornado.httpserver.HTTPServer:
    """Register the webhook with Telegram and start listening (the application is started)."""
    await application.bot.set_webhook(webhook_url(settings), secret_token=check_webhook_settings(settings),
                                      allowed_updates=Update.ALL_TYPES)
    server = make_server(application, settings)
    server.listen(settings.bot_webhook_port, settings.bot_webhook_listen)
    log.info("webhook listening on %s:%s", settings.bot_webhook_listen, settings.bot_webhook_port)
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
    server.stop()
    await application.stop()
    if application.post_shutdown:
        await application.post_shutdown(application)
    await application.shutdown()
