"""`python -m bot web` started for real on a free port, for the browser tests: one place that
starts it, waits for /healthz and stops it; and the Chromium they drive (the browser test
files used to copy both)."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]


def web_env(database: Path | None = None) -> dict[str, str]:
    """This environment without any bot or web setting; with `database`, the console's registry
    over plain http (the session cookie is Secure otherwise, and this machine has no TLS)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "BOT_", "WEB_"))}
    # every browser test of a module shares one server and one address (127.0.0.1): the
    # per-address limit (120 a minute, bursts of 30) would refuse the desk's search-as-you-
    # type halfway through the module. The limit has its own tests (test_web_defences*.py).
    env["WEB_API_RATE_PER_MINUTE"] = "100000"
    if database is not None:
        env.update(BOT_DATABASE=str(database), WEB_CONSOLE_SECURE_COOKIE="false")
    return env


@contextlib.contextmanager
def running_web(env: dict[str, str]) -> Iterator[str]:
    """The server's base address while the block runs."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "bot", "web", "--port", str(port)], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        else:
            pytest.fail("python -m bot web did not start")
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=20)


@contextlib.contextmanager
def running_console(database: Path, users: dict[int, Any]) -> Iterator[tuple[str, dict[str, str]]]:
    """`python -m bot web` over a new database holding these users with their roles
    ({user id: Role}): the base address and the environment a sign-in link is made in."""
    import asyncio

    from bot.storage import Storage

    async def make() -> None:
        storage = await Storage.open(database)
        for user, role in users.items():
            await storage.users.ensure(user)
            await storage.users.set_role(user, role)
        await storage.close()

    asyncio.run(make())
    env = web_env(database)
    with running_web(env) as base:
        yield base, env


def console_link(env: dict[str, str], user: int) -> str:
    """A one-time sign-in path for `user`, made the way an admin makes it (the CLI)."""
    made = subprocess.run([sys.executable, "-m", "bot", "admin", "console-link", str(user)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)
    assert made.returncode == 0, made.stderr
    return made.stdout.strip()


INSTALL = ("no Chromium for the browser tests: on Debian/Ubuntu run (as root) "
           "`apt-get update && apt-get install -y chromium fonts-noto-cjk` and `pip install -e '.[test]'`; "
           "elsewhere install Chromium and set LIANXIN_CHROMIUM to its executable")


def chromium_path() -> str:
    """Debian's chromium (or LIANXIN_CHROMIUM). No browser is no excuse: fail, never skip."""
    found = os.environ.get("LIANXIN_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not found or not Path(found).exists():
        pytest.fail(INSTALL + (" (CI=true: the browser tests must run)" if os.environ.get("CI") == "true" else ""))
    return found


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """`python -m bot web` with no bot or web setting, for one test module."""
    with running_web(web_env()) as base:
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Chromium driven by Playwright for Python, for one test module."""
    executable = chromium_path()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("Playwright for Python is missing: pip install -e '.[test]'; " + INSTALL)
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=executable)
        yield chromium
        chromium.close()
