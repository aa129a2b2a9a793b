"""One process serves everything: `python -m bot run` in webhook mode answers Telegram, the
pages, the API and /healthz on one port (what deploy/ runs); `python -m bot web` serves the
pages and API without a token, and bad flags or a busy port are one line and exit 2."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.fake_bot_api import TOKEN, FakeBotApi

ROOT = Path(__file__).resolve().parents[2]
SECRET = "one-process-secret-0123456789abcdef"


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "BOT_"))}
    env.update({"BOT_DATABASE": str(tmp_path / "lianxin.sqlite3"), **extra})
    return env


def _wait(url: str, proc: subprocess.Popen[str], ok: tuple[int, ...] = (200,)) -> None:
    for _ in range(300):
        assert proc.poll() is None, proc.communicate()[0]
        try:
            if httpx.get(url, timeout=1).status_code in ok:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"{url} never answered")


def test_webhook_mode_serves_bot_pages_and_api_from_one_process(tmp_path: Path) -> None:
    api = FakeBotApi().start()
    port = _port()
    proc = subprocess.Popen([sys.executable, "-m", "bot", "run"], cwd=tmp_path, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True,
                            env=_env(tmp_path, TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=api.base_url,
                                     BOT_WEBHOOK_URL=f"http://127.0.0.1:{port}/telegram", BOT_WEBHOOK_PORT=str(port),
                                     BOT_WEBHOOK_SECRET=SECRET, BOT_REMINDER_INTERVAL="0.2"))
    base = f"http://127.0.0.1:{port}"
    try:
        _wait(base + "/healthz", proc, (200, 503))
        hook = next(c.params["url"] for c in api.calls if c.method == "setWebhook")
        assert hook.startswith(base + "/telegram/")
        update = {"update_id": 9, "message": {"message_id": 1, "date": 0, "chat": {"id": 77, "type": "private"},
                                             "from": {"id": 77, "is_bot": False, "first_name": "A"},
                                             "text": "/start", "entities": [{"type": "bot_command", "offset": 0,
                                                                              "length": 6}]}}
        posted = httpx.post(hook, content=json.dumps(update),
                            headers={"X-Telegram-Bot-Api-Secret-Token": SECRET, "Content-Type": "application/json"})
        forged = httpx.post(hook, content=json.dumps(update), headers={"X-Telegram-Bot-Api-Secret-Token": "x" * 30})
        assert posted.status_code == 200 and forged.status_code == 403
        desk = httpx.get(base + "/desk")
        asked = httpx.post(base + "/api/v1/ask", json={"question": "体检免费吗", "jurisdiction": "柳州"})
        assert desk.status_code == 200 and "热线工作台" in desk.text
        assert asked.status_code == 200 and asked.json()["results"][0]["doc"] == "liuzhou"
        for _ in range(100):
            if any(c.method == "sendMessage" and c.chat_id == 77 for c in api.calls):
                break
            time.sleep(0.05)
        assert any(c.method == "sendMessage" and c.chat_id == 77 and "连心助手" in c.text for c in api.calls)
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=30)
        assert proc.returncode == 0, out
        assert TOKEN not in out and SECRET not in out
    finally:
        if proc.poll() is None:
            proc.kill()
        api.stop()


def test_web_serves_pages_and_api_without_a_token(tmp_path: Path) -> None:
    port = _port()
    proc = subprocess.Popen([sys.executable, "-m", "bot", "web", "--port", str(port)], cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=_env(tmp_path))
    base = f"http://127.0.0.1:{port}"
    try:
        _wait(base + "/healthz", proc)
        home = httpx.get(base + "/")
        css = httpx.get(base + "/static/app.css")
        assert home.status_code == 200 and "查查我家能享受什么" in home.text and "://" not in home.text  # every asset from this server
        assert css.status_code == 200 and "font-size" in css.text  # assets are served locally: no CDN
        assert httpx.post(base + "/api/v1/ask", json={"question": "体检"}).status_code == 200
        busy = subprocess.run([sys.executable, "-m", "bot", "web", "--port", str(port)], cwd=tmp_path,
                              capture_output=True, text=True, timeout=60, env=_env(tmp_path))
        assert busy.returncode == 2 and busy.stderr.strip().splitlines() == [
            f"web: cannot listen on 127.0.0.1:{port}: Address already in use"]
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=30)
        assert proc.returncode == 0
        assert not list(tmp_path.iterdir())  # the web side stores nothing, not even a database
    finally:
        if proc.poll() is None:
            proc.kill()


def test_web_flags_are_checked() -> None:
    for args, line in ((["--port", "70000"], "web: --port must be from 1 to 65535, not 70000"),
                       (["--port", "abc"], "python -m bot web: argument --port: invalid int value: 'abc' (see --help)")):
        p = subprocess.run([sys.executable, "-m", "bot", "web", *args], capture_output=True, text=True, timeout=60)
        assert p.returncode == 2 and p.stderr.strip().splitlines() == [line]
