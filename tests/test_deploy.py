"""The deployment files: validated with the tools this machine has (no Docker engine here:
the Dockerfile and compose file are checked as data, the systemd unit with
`systemd-analyze verify`), and the container's entry point started for real."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from bot.storage import SCHEMA_VERSION
from tests.fake_bot_api import TOKEN, FakeBotApi

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"


def _instructions() -> list[tuple[str, str]]:
    lines = (DEPLOY / "Dockerfile").read_text(encoding="utf-8").replace("\\\n", " ").splitlines()
    return [(ln.split()[0].upper(), ln.split(None, 1)[1] if len(ln.split()) > 1 else "")
            for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]


def test_dockerfile_slim_non_root_volume_and_entry_point() -> None:
    ins = _instructions()
    assert ins[0] == ("FROM", "python:3.11-slim")
    users = [arg for op, arg in ins if op == "USER"]
    assert users and users[-1] not in ("root", "0")
    assert ("VOLUME", '["/data"]') in ins
    assert any(op == "ENV" and "BOT_DATABASE=/data/lianxin.sqlite3" in arg for op, arg in ins)
    assert ("ENTRYPOINT", '["python", "-m", "bot"]') in ins and ("CMD", '["run"]') in ins
    for op, arg in ins:
        if op == "COPY":
            for src in arg.split()[:-1]:
                assert (ROOT / src).exists(), f"COPY source {src} missing"
    copied = {p for op, arg in ins if op == "COPY" for p in arg.split()[:-1]}
    assert {"bot", "dialogs", "knowledge", "pyproject.toml"} <= copied  # everything pip install . needs


def test_compose_file_is_consistent() -> None:
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
    service = compose["services"]["lianxin"]
    assert (DEPLOY / service["build"]["context"] / service["build"]["dockerfile"]).resolve() == \
        (DEPLOY / "Dockerfile").resolve()
    assert service["env_file"] == "lianxin.env" and (DEPLOY / "lianxin.env.example").exists()
    volume = service["volumes"][0].split(":")
    assert volume[0] in compose["volumes"] and volume[1] == "/data"
    assert service["environment"]["BOT_DATABASE"].startswith("/data/")
    assert all(p.startswith("127.0.0.1:") for p in service["ports"])  # only the local nginx reaches it
    assert service["healthcheck"]["test"][1:] == ["python", "-m", "bot", "admin", "status"]
    assert service["restart"] == "unless-stopped"


def test_systemd_unit_verifies(tmp_path: Path) -> None:
    unit = (DEPLOY / "lianxin.service").read_text(encoding="utf-8")
    assert "ExecStart=/opt/lianxin/.venv/bin/python -m bot run" in unit
    local = tmp_path / "lianxin.service"
    local.write_text(unit.replace("/opt/lianxin/.venv/bin/python", sys.executable), encoding="utf-8")
    tool = shutil.which("systemd-analyze")
    assert tool, "systemd-analyze is needed to validate the unit"
    p = subprocess.run([tool, "verify", str(local)], capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "BOT_"))}
    env.update({"BOT_DATABASE": str(tmp_path / "data" / "lianxin.sqlite3"), "TZ": "Asia/Shanghai", **extra})
    return env


def test_the_container_entry_point_starts_polls_and_stops_cleanly(tmp_path: Path) -> None:
    api = FakeBotApi().start()
    try:
        proc = subprocess.Popen([sys.executable, "-m", "bot", "run"], cwd=tmp_path, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True,
                                env=_env(tmp_path, TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=api.base_url,
                                         BOT_LOG_FORMAT="json"))
        deadline = time.monotonic() + 60  # started: it polls (on a loaded CI machine this can take a while)
        while time.monotonic() < deadline and not api.polls:
            time.sleep(0.1)
        assert any(c.method == "getMe" for c in api.calls) and any(c.method == "setMyCommands" for c in api.calls)
        assert (tmp_path / "data" / "lianxin.sqlite3").exists()  # created with its folder
        proc.send_signal(signal.SIGTERM)
        try:
            out, _ = proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, _ = proc.communicate()
            pytest.fail(f"the bot did not stop within 60 s of SIGTERM; its log ends: {out[-2000:]}")
        assert proc.returncode == 0, out
        assert TOKEN not in out  # the token never reaches the log
        status = subprocess.run([sys.executable, "-m", "bot", "admin", "status"], cwd=tmp_path, env=_env(tmp_path),
                                capture_output=True, text=True, timeout=60)
        assert status.returncode == 0 and f"schema_version: {SCHEMA_VERSION}" in status.stdout  # the HEALTHCHECK command
    finally:
        api.stop()
