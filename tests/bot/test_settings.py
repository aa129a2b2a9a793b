"""Settings: environment variables in, one clear line out when something is wrong."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.settings import DEFAULT_API, SettingsError, load_settings


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for key in list(os.environ):
        if key.startswith(("TELEGRAM_", "BOT_")):
            monkeypatch.delenv(key)
    monkeypatch.chdir(tmp_path)  # no stray .env


def test_defaults_and_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    s = load_settings()
    assert s.telegram_bot_token is None and s.telegram_api_base_url == DEFAULT_API
    assert s.bot_database == Path("data/lianxin.sqlite3") and s.bot_webhook_url is None
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123456:ABCDEFGHIJKLMNOP")
    monkeypatch.setenv("BOT_ADMIN_IDS", "11, 22,33")
    monkeypatch.setenv("TELEGRAM_PROXY", "socks5://127.0.0.1:1080")
    monkeypatch.setenv("BOT_WEBHOOK_URL", "https://lianxin.example.cn/telegram")
    s = load_settings()
    assert s.bot_admin_ids == (11, 22, 33) and s.telegram_proxy == "socks5://127.0.0.1:1080"
    assert s.bot_webhook_url == "https://lianxin.example.cn/telegram"


def test_a_dotenv_file_is_read(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("BOT_ADMIN_IDS=7\nBOT_DATABASE=/tmp/x.sqlite3\n", encoding="utf-8")
    s = load_settings()
    assert s.bot_admin_ids == (7,) and s.bot_database == Path("/tmp/x.sqlite3")


@pytest.mark.parametrize(
    ("key", "value", "words"),
    [("TELEGRAM_BOT_TOKEN", "hello", "TELEGRAM_BOT_TOKEN"), ("BOT_ADMIN_IDS", "alice", "BOT_ADMIN_IDS"),
     ("TELEGRAM_PROXY", "ftp://x:1", "TELEGRAM_PROXY"), ("BOT_WEBHOOK_URL", "lianxin.cn", "BOT_WEBHOOK_URL"),
     ("TELEGRAM_API_BASE_URL", "nowhere", "TELEGRAM_API_BASE_URL"), ("BOT_WEBHOOK_PORT", "0", "BOT_WEBHOOK_PORT"),
     ("BOT_QUIET_HOURS", "late", "BOT_QUIET_HOURS"), ("BOT_GRACE_HOURS", "0", "BOT_GRACE_HOURS")],
)
def test_a_wrong_setting_is_one_line_naming_it(monkeypatch: pytest.MonkeyPatch, key: str, value: str,
                                               words: str) -> None:
    monkeypatch.setenv(key, value)
    with pytest.raises(SettingsError) as err:
        load_settings()
    assert str(err.value).startswith(f"setting {words}:") and "\n" not in str(err.value)


def _cli(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    full = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "BOT_"))}
    return subprocess.run([sys.executable, "-m", "bot", *args], env={**full, **env}, cwd=cwd, input="",
                          capture_output=True, text=True, timeout=60)


def test_run_without_a_token_stops_with_one_line(tmp_path: Path) -> None:
    p = _cli("run", env={}, cwd=tmp_path)
    assert p.returncode == 2 and len(p.stderr.strip().splitlines()) == 1
    assert "TELEGRAM_BOT_TOKEN" in p.stderr


def test_a_bad_token_stops_the_default_command_too(tmp_path: Path) -> None:
    p = _cli(env={"TELEGRAM_BOT_TOKEN": "oops"}, cwd=tmp_path)
    assert p.returncode == 2 and p.stderr.startswith("setting TELEGRAM_BOT_TOKEN:")


def test_no_token_means_the_terminal_chat_which_says_how_to_connect(tmp_path: Path) -> None:
    p = _cli(env={}, cwd=tmp_path)
    assert p.returncode == 0 and "TELEGRAM_BOT_TOKEN" in p.stdout and "再见" in p.stdout


def test_the_example_env_file_documents_every_setting() -> None:
    from bot.settings import Settings

    example = (Path(__file__).resolve().parents[2] / "deploy" / "lianxin.env.example").read_text(encoding="utf-8")
    documented = {line.lstrip("# ").split("=")[0] for line in example.splitlines() if "=" in line}
    aliases = {field.alias for field in Settings.model_fields.values()}
    assert aliases <= documented, aliases - documented
