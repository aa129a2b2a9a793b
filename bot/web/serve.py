"""`python -m bot web`: the pages and the API on their own, without a Telegram token, so a
newcomer (or a city's intranet) can open them with one command."""

from __future__ import annotations

import asyncio
import logging
import signal
import sys

log = logging.getLogger("lianxin.web")


async def serve_web(host: str, port: int) -> None:
    """Serve until SIGINT / SIGTERM. OSError (port in use, bad address) reaches the caller."""
    from bot.settings import SettingsError, load_settings
    from bot.telegram.webhook import start_server
    from bot.web.app import create_app
    from bot.web.console import close_storage
    from bot.web.signing import RANDOM_KEY_WARNING

    try:
        app = create_app(settings=load_settings(), announce_random_key=False)
    except SettingsError as exc:  # one line and exit 2, as every other command
        print(f"web: {exc}", file=sys.stderr, flush=True)
        raise SystemExit(2) from None
    server = await start_server(app, host, port)  # a busy port stays one line on stderr
    if app.state.signer.random_key:
        log.warning(RANDOM_KEY_WARNING)
    print(f"连心助手 web: http://{host}:{port}/  (desk: /desk, API: /api/v1/openapi.json)", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    await server.wait_closed()
    await close_storage(app.state)  # the console's database thread would keep the process alive
