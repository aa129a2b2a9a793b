"""`python -m bot web`: the pages and the API on their own, without a Telegram token, so a
newcomer (or a city's intranet) can open them with one command; and the uvicorn server that
this and the bot's webhook mode (`bot.telegram.webhook`) both run (`start_server`)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import socket
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import uvicorn

from bot.storage import is_postgres

log = logging.getLogger("lianxin.web")


def server_config(asgi_app: Any, host: str, port: int) -> Any:
    """uvicorn's settings for every server this project starts (`python -m bot web` and the
    webhook mode's): header, keep-alive and connection limits (`bot.web.connections`,
    `bot.web.limits`), so half-sent requests are closed and one address cannot hold every
    connection. The body's own deadline and size are the application's (`bot.web.middleware`)."""
    from bot.web import limits
    from bot.web.connections import GuardedH11Protocol

    return uvicorn.Config(asgi_app, host=host, port=port, log_level="warning", lifespan="off",
                          proxy_headers=True, server_header=False, http=GuardedH11Protocol,
                          timeout_keep_alive=limits.KEEP_ALIVE_SECONDS,
                          limit_concurrency=limits.LIMIT_CONCURRENCY,
                          h11_max_incomplete_event_size=16 * 1024)  # the request line and headers


class _SharedLoopServer(uvicorn.Server):
    """uvicorn without its own signal handling: `serve` below owns SIGINT/SIGTERM, so the
    bot is stopped cleanly (its database closed) before the process ends."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


class WebServer:
    """A running uvicorn server on the current event loop; `stop()` asks it to finish."""

    def __init__(self, server: uvicorn.Server, task: asyncio.Task[None]) -> None:
        self.server = server
        self.task = task

    def stop(self) -> None:
        """Stop listening now (the port is free on return); open requests finish in the loop."""
        self.server.should_exit = True
        for listener in getattr(self.server, "servers", []):
            listener.close()

    async def wait_closed(self) -> None:
        self.server.should_exit = True
        await self.task


def listen(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    return socket.create_server((host, port), family=family)


async def start_server(asgi_app: Any, host: str, port: int, sock: socket.socket | None = None) -> WebServer:
    """Start uvicorn in the running loop and return once it listens. The socket is bound
    here (or by the parent of several workers), so a port in use is an OSError for the
    caller to report in one line."""
    sock = sock or listen(host, port)
    config = server_config(asgi_app, host, port)
    server = _SharedLoopServer(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:
        if task.done():
            task.result()  # an exception (port in use) surfaces here
            raise OSError(f"could not listen on {host}:{port}")
        await asyncio.sleep(0.01)
    return WebServer(server, task)


async def serve_web(host: str, port: int, sock: socket.socket | None = None) -> None:
    """Serve until SIGINT / SIGTERM. OSError (port in use, bad address) reaches the caller.
    `sock`: a socket the parent of several workers bound (`serve_workers`)."""
    from bot.settings import SettingsError, load_settings
    from bot.web.app import create_app
    from bot.web.office_common import close_storage, library_loop
    from bot.web.signing import RANDOM_KEY_WARNING
    from bot.wecom.runner import runs_here, start_wecom_loop

    try:
        settings = load_settings()
        app = create_app(settings=settings, announce_random_key=False)
    except SettingsError as exc:  # one line and exit 2, as every other command
        print(f"web: {exc}", file=sys.stderr, flush=True)
        raise SystemExit(2) from None
    # WeCom without a Telegram bot: this process sends the reminders (and its console shares the database)
    wecom_loop = await start_wecom_loop(settings) if runs_here(settings) else None
    if wecom_loop is not None:
        app.state.console_storage, app.state.console_owns_storage = wecom_loop.storage, False
    stop = asyncio.Event()  # before the server answers: a SIGTERM right after its first answer stops it cleanly
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    library = None
    # the cities' own documents (issue 26), kept in step
    if is_postgres(settings.database) or Path(settings.database).is_file():
        library = asyncio.create_task(library_loop(app.state))
    server = await start_server(app, host, port, sock)  # a busy port stays one line on stderr
    if app.state.signer.random_key:
        log.warning(RANDOM_KEY_WARNING)
    print(f"连心助手 web: http://{host}:{port}/  (desk: /desk, API: /api/v1/openapi.json)", flush=True)
    await stop.wait()
    await server.wait_closed()
    if library is not None:
        library.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await library
    if wecom_loop is not None:
        await wecom_loop.stop()
    await close_storage(app.state)  # the console's database thread would keep the process alive


def serve_workers(host: str, port: int, workers: int) -> int:
    """`python -m bot web --workers N`: the socket bound once here, then N processes forked
    that each serve it (the kernel hands each connection to one of them), until SIGINT /
    SIGTERM, which is passed on to every worker. Only on PostgreSQL: every worker opens the
    database itself, and state shared between requests (sign-in links and sessions, the
    conversation rows, WeChat's handled callbacks, the library's generation) is in it, and so
    are the per-address request and sign-in budgets (`bot.web.limits.SharedRateLimiter`)."""
    import os

    sock = listen(host, port)
    sock.set_inheritable(True)
    children: list[int] = []
    for _ in range(workers):
        pid = os.fork()
        if pid == 0:  # a worker: its own event loop, its own database connections
            code = 0
            try:
                asyncio.run(serve_web(host, port, sock))
            except KeyboardInterrupt:
                pass
            except SystemExit as exc:
                code = int(exc.code or 0)
            except BaseException:
                log.exception("web worker %d stopped", os.getpid())
                code = 1
            os._exit(code)
        children.append(pid)
    sock.close()

    def forward(signum: int, frame: Any) -> None:
        for child in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(child, signal.SIGTERM)

    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)
    worst = 0
    for child in children:
        while True:
            try:
                _, status = os.waitpid(child, 0)
                break
            except InterruptedError:
                continue
        worst = max(worst, os.waitstatus_to_exitcode(status))
    return worst
