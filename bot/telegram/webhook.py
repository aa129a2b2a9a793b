"""Webhook mode: one small tornado server with the webhook path and `/healthz`.

PTB's built-in webhook server has no room for a health endpoint, so we serve both: Telegram
posts updates to the path of BOT_WEBHOOK_URL (checked against BOT_WEBHOOK_SECRET) and the
operator's monitor polls /healthz, which answers 200 while the database answers and the
reminder loop has run recently, 503 otherwise. Put nginx (TLS) in front of it.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import signal
from typing import Any
from urllib.parse import urlparse

import tornado.httpserver
import tornado.web
from telegram import Update
from telegram.ext import Application

from bot.settings import Settings

log = logging.getLogger("lianxin.bot")


class _WebhookHandler(tornado.web.RequestHandler):
    def initialize(self, bot_app: Application, secret: str | None) -> None:
        self.application_ = bot_app
        self.secret = secret

    async def post(self) -> None:
        if self.secret and self.request.headers.get("X-Telegram-Bot-Api-Secret-Token") != self.secret:
            self.set_status(403)
            return
        try:
            update = Update.de_json(json.loads(self.request.body), self.application_.bot)
        except (ValueError, TypeError, KeyError):
            self.set_status(400)
            return
        await self.application_.update_queue.put(update)
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
    assert settings.bot_webhook_url
    path = urlparse(settings.bot_webhook_url).path or "/"
    app = tornado.web.Application([
        (path, _WebhookHandler, {"bot_app": application, "secret": settings.bot_webhook_secret}),
        (r"/healthz", _HealthHandler, {"bot_app": application}),
    ])
    return tornado.httpserver.HTTPServer(app, xheaders=True)


async def start_webhook(application: Application, settings: Settings) -> tornado.httpserver.HTTPServer:
    """Register the webhook with Telegram and start listening (the application is started)."""
    await application.bot.set_webhook(settings.bot_webhook_url, secret_token=settings.bot_webhook_secret,
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
