"""The first admin on a fresh server, from the command line (issue 23): `admin grant` makes
the database and gives the role (audited), `admin console-link` then prints a link that
signs in, the whole address when the setting that gives the host is set; CSV problems are
printed in Chinese too, with the codes scripts read."""

from __future__ import annotations

import asyncio
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

ADMIN, STAFF = 4242, 5151


def cli(tmp: Path, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "BOT_", "WEB_"))}
    env.update(BOT_DATABASE=str(tmp / "data" / "lianxin.sqlite3"), **extra)
    return subprocess.run([sys.executable, "-m", "bot", "admin", *args], env=env, cwd=tmp, capture_output=True,
                          text=True, timeout=60)


def one_line_exit_2(p: subprocess.CompletedProcess[str]) -> str:
    assert p.returncode == 2 and len(p.stderr.strip().splitlines()) == 1 and "Traceback" not in p.stderr, p
    return p.stderr.strip()


def test_grant_on_a_fresh_data_dir_then_the_console_link_signs_in(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()  # a fresh server: the data folder, no database yet
    granted = cli(tmp_path, "grant", str(ADMIN), "admin")
    assert granted.returncode == 0 and f"user {ADMIN} is now admin" in granted.stdout
    assert "已新建数据库" in granted.stderr and (tmp_path / "data" / "lianxin.sqlite3").exists()
    staff = cli(tmp_path, "grant", str(STAFF), "staff", "--city", "开封")
    assert staff.returncode == 0 and "(city kaifeng)" in staff.stdout and "已新建数据库" not in staff.stderr
    link = cli(tmp_path, "console-link", str(ADMIN), WEB_PUBLIC_URL="https://lianxin.example.cn")
    assert link.returncode == 0
    url = link.stdout.strip()
    assert re.fullmatch(r"https://lianxin\.example\.cn/console/link/[A-Za-z0-9_-]{40,}", url), url

    with sqlite3.connect(tmp_path / "data" / "lianxin.sqlite3") as db:
        roles = dict(db.execute("SELECT user_id, role || ':' || COALESCE(jurisdiction, '') FROM users"))
        audit = db.execute("SELECT actor, action, subject FROM audit_log WHERE action LIKE 'grant_%' ORDER BY id")
        assert list(audit) == [(0, "grant_admin", ADMIN), (0, "grant_staff", STAFF)]
    assert roles == {ADMIN: "admin:", STAFF: "staff:kaifeng"}
    assert asyncio.run(_signs_in(tmp_path, url)) == 200


async def _signs_in(tmp: Path, url: str) -> int:
    """Presses 登录 on the printed link and opens the console with the cookie it gives."""
    import httpx

    from bot.settings import Settings
    from bot.storage import Storage
    from bot.web.app import create_app

    storage = await Storage.open(tmp / "data" / "lianxin.sqlite3", create=False)
    try:
        app = create_app(storage=storage, settings=Settings(_env_file=None), announce_random_key=False)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                     base_url="https://lianxin.example.cn") as c:
            pressed = await c.post(url)
            assert pressed.status_code == 303, pressed.text
            return (await c.get("/console")).status_code
    finally:
        await storage.close()


def test_bad_grants_are_one_line_and_exit_2(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    assert "invalid choice: 'boss'" in one_line_exit_2(cli(tmp_path, "grant", "7", "boss"))
    assert "'x7' is not an id" in one_line_exit_2(cli(tmp_path, "grant", "x7", "admin"))
    assert "unknown jurisdiction '北京'" in one_line_exit_2(cli(tmp_path, "grant", "7", "staff", "--city", "北京"))
    refused = one_line_exit_2(cli(tmp_path, "console-link", "7"))
    assert "give the role first: python -m bot admin grant 7 admin|staff" in refused
    warned = cli(tmp_path, "grant", "8", "staff")  # staff without a city: said, not silent
    assert warned.returncode == 0 and "看不到任何家庭" in warned.stderr


def test_console_link_without_a_public_address_names_the_setting(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    assert cli(tmp_path, "grant", str(ADMIN), "admin").returncode == 0
    p = cli(tmp_path, "console-link", str(ADMIN))
    assert p.returncode == 0 and p.stdout.startswith("/console/link/")
    assert "WEB_PUBLIC_URL" in p.stderr and "完整地址" in p.stderr
    p = cli(tmp_path, "console-link", str(ADMIN), WEB_PUBLIC_URL="http://10.0.0.5:8080")
    assert p.returncode == 0 and p.stdout.startswith("http://10.0.0.5:8080/console/link/")
    assert "HTTPS" in p.stderr and "WEB_CONSOLE_SECURE_COOKIE=false" in p.stderr


def test_a_csv_problem_is_printed_in_chinese_with_its_code(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "f.csv").write_text("家庭代称,市,老病,颜色\n王家,开封,是,红\n", encoding="utf-8")
    p = cli(tmp_path, "import-families", "f.csv")
    lines = p.stderr.strip().splitlines()
    assert p.returncode == 2 and lines[0].startswith("line 1: header must have alias, jurisdiction; unknown 颜色")
    assert "[header] 第 1 行：表头（第一行）必须有这些列：代称、城市。" in lines[0] and "不认识的列：颜色" in lines[0]
    assert "年老多病（老病、" in lines[0] and lines[-1].endswith("里有 1 处问题（见上面）。")
    (tmp_path / "f.csv").write_text("家庭代称,市,老病,TG号\n王家,开封,也许,12a\n", encoding="utf-8")
    lines = cli(tmp_path, "import-families", "f.csv").stderr.strip().splitlines()
    assert "[not_yes_no] 第 2 行：“年老多病”填的是“也许”" in lines[0]
    assert "[telegram_not_id] 第 2 行：Telegram 账号“12a”不是有效的数字 ID" in lines[1]
    (tmp_path / "f.csv").write_text("家庭代称,市,老病,TG号\n王家,开封,是,8001\n", encoding="utf-8")
    assert cli(tmp_path, "import-families", "f.csv").stdout.strip() == "imported 1 families"
    assert "年老多病" in cli(tmp_path, "families").stdout
