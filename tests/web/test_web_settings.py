"""The web settings: WEB_STATE_KEY makes an interview page survive a restart (without it a
random key per start, said in the log), WEB_API_RATE_PER_MINUTE sets the API rate; a wrong
value stops start-up with one line naming the setting."""

from __future__ import annotations

import logging
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from bot.settings import SettingsError
from bot.web.app import create_app
from dialogs import web_copy as w
from tests.web.phone_forms import press

KEY = "a-fixed-key-for-the-tests-0123456789abcdef"


def client() -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app(), client=("203.0.113.9", 4000)),
                             base_url="http://lianxin.test")


async def _page_after_city() -> str:
    async with client() as c:
        start = (await c.get("/check")).text
        return await press(c, start, "开封市")


async def _next_step(page: str) -> str:
    async with client() as c:  # a new application: the process was restarted
        return await press(c, page, "孩子已经离世")


async def test_with_web_state_key_a_page_survives_a_restart(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WEB_STATE_KEY", KEY)
    page = await _page_after_city()
    after = await _next_step(page)
    assert w.CHECK_EXPIRED not in after and "（第3个问题，共" in after


async def test_without_it_a_restart_asks_to_start_again_and_the_log_says_so(
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.delenv("WEB_STATE_KEY", raising=False)
    with caplog.at_level(logging.WARNING, logger="lianxin.web"):
        page = await _page_after_city()
    assert any("WEB_STATE_KEY is not set" in r.getMessage() for r in caplog.records)
    after = await _next_step(page)
    assert w.CHECK_EXPIRED in after and "您家的户口在哪个地方" in after


async def test_the_api_rate_comes_from_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WEB_API_RATE_PER_MINUTE", "1")  # bursts of at least 30, then one a minute
    async with client() as c:
        codes = [(await c.get("/api/v1/rules")).status_code for _ in range(32)]
    assert codes[:30] == [200] * 30 and codes[-1] == 429
    monkeypatch.setenv("WEB_API_RATE_PER_MINUTE", "100000")
    async with client() as c:
        codes = [(await c.get("/api/v1/rules")).status_code for _ in range(40)]
    assert set(codes) == {200}


@pytest.mark.parametrize(("name", "value", "says"), [
    ("WEB_STATE_KEY", "short", "setting WEB_STATE_KEY: must be at least 32 characters"),
    ("WEB_API_RATE_PER_MINUTE", "lots", "setting WEB_API_RATE_PER_MINUTE:"),
    ("WEB_API_RATE_PER_MINUTE", "0", "setting WEB_API_RATE_PER_MINUTE:"),
])
def test_a_wrong_web_setting_is_one_line(monkeypatch: pytest.MonkeyPatch, name: str, value: str, says: str) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError, match=re.escape(says)):
        create_app()


def test_python_m_bot_web_refuses_a_short_key_with_one_line_and_exit_2() -> None:
    env = {**os.environ, "WEB_STATE_KEY": "short"}
    run = subprocess.run([sys.executable, "-m", "bot", "web", "--port", "1"], env=env, capture_output=True,
                         text=True, timeout=60)
    assert run.returncode == 2
    assert run.stderr.strip().splitlines() == [
        "web: setting WEB_STATE_KEY: must be at least 32 characters; make one with "
        "python -c 'import secrets; print(secrets.token_urlsafe(32))'"]


def test_python_m_bot_web_says_in_its_log_when_the_key_is_random(tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WEB_", "TELEGRAM_", "BOT_"))}
    proc = subprocess.Popen([sys.executable, "-m", "bot", "web", "--port", str(port)], cwd=tmp_path, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        for _ in range(300):
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert "WEB_STATE_KEY is not set" in out and "will ask families to start again" in out
