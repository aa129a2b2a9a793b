"""`python -m bot admin report --month YYYY-MM [--city CODE]`: the monthly report's figures as
text, the same figures the console's printable page shows (one function behind both), and a
bad month or city as one line with exit code 2."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.admin_cli import run_admin
from bot.cli import build_parser
from bot.storage import Storage
from tests.web.test_console_reports import MONTH_FIGURES, NOW, Registry

LINYI_FIGURES = ["1", "0", "0", "0", "1", "0", "0", "1", "0", "0", "0", "0"]  # one call due, never made


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    async def build() -> None:
        storage = await Storage.open(tmp_path / "db.sqlite3")
        await Registry(storage, monkeypatch).build()
        await storage.close()

    asyncio.run(build())
    return tmp_path / "db.sqlite3"


def report(database: Path, capsys: pytest.CaptureFixture[str], *args: str) -> list[str]:
    parsed = build_parser().parse_args(["admin", "report", *args])
    assert run_admin(parsed, database, clock=lambda: NOW) == 0
    return capsys.readouterr().out.splitlines()


def tables(lines: list[str]) -> dict[str, dict[str, list[str]]]:
    """{city: {township: figures}} from the printed blocks."""
    out: dict[str, dict[str, list[str]]] = {}
    city = ""
    for line in lines:
        if line.startswith("monthly report "):
            city = line.split()[2]
            out[city] = {}
        elif "\t" in line and not line.startswith("township\t"):
            name, *figures = line.split("\t")
            out[city][name] = figures
    return out


def test_the_report_prints_the_figures_of_the_printed_page(database: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = report(database, capsys, "--month", "2026-11", "--city", "开封")
    assert lines[0] == ("monthly report kaifeng (开封市) 2026-11; generated 2026-12-10 10:00 Asia/Shanghai"
                        " by the command line")
    assert ("basis: 汴政办〔2023〕24号 (2023年7月24日) 三、（四）9.: “各级卫生健康部门在每年重大节日由乡镇（街道）领导带队逐户逐人慰问”"
            in lines)
    assert lines[lines.index(next(x for x in lines if x.startswith("township\t")))].split("\t") == [
        "township", "families", "visits_due", "visits_done", "visits_logged", "calls_due", "calls_done",
        "calls_logged", "overdue", "escalations", "urgent_raised", "urgent_done", "undeliverable"]
    printed = tables(lines)["kaifeng"]
    assert {("合计" if k == "TOTAL" else k): v for k, v in printed.items()} == MONTH_FIGURES
    assert lines[-1] == "done = closed before 2026-12-01; overdue = due before 2026-12-01 and not done before 2026-12-01"


def test_without_a_city_every_city_with_families_is_reported(database: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    printed = tables(report(database, capsys, "--month", "2026-11"))
    assert list(printed) == ["linyi", "kaifeng"]  # catalogue order; cities without families are left out
    assert printed["linyi"] == {"兰山街道": LINYI_FIGURES, "TOTAL": LINYI_FIGURES}


def test_a_jiangyan_report_calls_its_basis_a_draft(database: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = report(database, capsys, "--month", "2026-11", "--city", "jiangyan")
    assert any(x.startswith("basis: 《") and "(draft for consultation, no number, undated)" in x for x in lines)
    assert tables(lines)["jiangyan"] == {"TOTAL": ["0"] * 12}


@pytest.mark.parametrize(("args", "words"), [
    (["--month", "2026-13"], "'2026-13' is not a month like 2026-11"),
    (["--month", "November"], "'November' is not a month like 2026-11"),
    (["--month", "2026-11", "--city", "paris"], "unknown jurisdiction 'paris'"),
    (["--month", "2100-01"], "2100-01 has not begun"),
    ([], "the following arguments are required: --month"),
])
def test_a_bad_month_or_city_is_one_line_and_exit_2(database: Path, args: list[str], words: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "BOT_"))}
    env["BOT_DATABASE"] = str(database)
    done = subprocess.run([sys.executable, "-m", "bot", "admin", "report", *args], env=env, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 2 and done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1 and words in done.stderr
