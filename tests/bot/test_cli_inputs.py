"""Bad operator input to the CLI: one precise line on stderr and exit 2, never a traceback,
and nothing half-written (issue 13, findings 13, 17 and 18)."""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import io
from pathlib import Path

import pytest

from bot.csv_safe import neutralise
from bot.ids import parse_id
from tests.bot.test_admin_cli import cli


def one_line_exit_2(p: object) -> str:
    assert p.returncode == 2, (p.returncode, p.stdout, p.stderr)  # type: ignore[attr-defined]
    err: str = p.stderr  # type: ignore[attr-defined]
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    return err.strip()


def seed_visit(tmp: Path, alias: str, note: str) -> None:
    from bot.storage import Storage

    async def seed() -> None:
        s = await Storage.open(tmp / "db.sqlite3")
        f = await s.registry.add_family(alias, "linyi")
        c = await s.registry.add_contact("赵主任", "village_cadre", telegram_id=803)
        await s.registry.assign(f, c, dt.date(2027, 1, 1))
        await s.reminders.add([(f, c, "phone_call", dt.date(2027, 1, 31),
                                     dt.datetime(2027, 1, 31, 9, tzinfo=dt.UTC))])
        r = (await s.reminders.all())[0]
        await s.reminders.log_visit(r, dt.date(2027, 2, 1), "ok", note, None)
        await s.close()

    asyncio.run(seed())


@pytest.mark.parametrize("text", ["١١٢", "²", "１１２", "-5", "0", "12345678901234567", "1e3", " 12", ""])
def test_ids_are_ascii_digits_of_bounded_length(text: str) -> None:
    assert parse_id(text) is None


def test_valid_ids_are_read() -> None:
    assert parse_id("112") == 112 and parse_id("9" * 16) == int("9" * 16)


@pytest.mark.parametrize("cell", ['=HYPERLINK("http://x","点击")', "=cmd|' /C calc'!A0", "+SUM(1)", "-2+3", "@x",
                                  "\t=1", "\r=1"])
def test_formula_cells_are_neutralised(cell: str) -> None:
    assert neutralise(cell) == "'" + cell


def test_export_visits_writes_no_live_formula(tmp_path: Path) -> None:
    seed_visit(tmp_path, "=HYPERLINK(\"http://evil\",\"王家\")", "=cmd|' /C calc'!A0")
    for target in ("-", "visits.csv"):
        p = cli(tmp_path, "admin", "export-visits", target)
        assert p.returncode == 0, p.stderr
        text = p.stdout if target == "-" else (tmp_path / target).read_text(encoding="utf-8-sig")
        row = next(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
        assert row["alias"] == "'=HYPERLINK(\"http://evil\",\"王家\")" and row["notes"] == "'=cmd|' /C calc'!A0"
        assert row["contact"] == "赵主任"  # ordinary cells unchanged


def test_export_visits_to_a_missing_folder_or_a_folder(tmp_path: Path) -> None:
    seed_visit(tmp_path, "王家", "好")
    assert "does not exist" in one_line_exit_2(cli(tmp_path, "admin", "export-visits", "nowhere/v.csv"))
    (tmp_path / "out").mkdir()
    assert "is a folder" in one_line_exit_2(cli(tmp_path, "admin", "export-visits", "out"))
    assert list((tmp_path / "out").iterdir()) == []


def test_export_visits_to_a_full_disk_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    import errno
    import os

    from bot.cli import main

    seed_visit(tmp_path, "王家", "好")
    monkeypatch.setenv("BOT_DATABASE", str(tmp_path / "db.sqlite3"))
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    assert main(["admin", "export-visits", str(tmp_path / "v.csv")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.endswith("disk full while writing " + str(tmp_path / "v.csv") + "; nothing was written")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(("v.csv", ".v.csv"))] == []


def test_export_refuses_to_replace_a_device(tmp_path: Path) -> None:
    seed_visit(tmp_path, "王家", "好")
    assert "not a regular file" in one_line_exit_2(cli(tmp_path, "admin", "export-visits", "/dev/null"))


def test_backup_onto_a_folder_and_database_set_to_a_folder(tmp_path: Path) -> None:
    seed_visit(tmp_path, "王家", "")  # a database to back up
    (tmp_path / "bk").mkdir()
    assert "is a folder" in one_line_exit_2(cli(tmp_path, "admin", "backup", "bk"))
    other = tmp_path / "other"
    (other / "db.sqlite3").mkdir(parents=True)
    for args in (("admin", "status"), ("admin", "families"), ("run",)):
        assert "BOT_DATABASE" in one_line_exit_2(cli(other, *args))


def test_bad_ids_and_unknown_supervisor(tmp_path: Path) -> None:
    (tmp_path / "c.csv").write_text("name,role,telegram_id\n李镇长,乡镇领导,١١٢\n王医生,村干部,99999999999999999999\n",
                                    encoding="utf-8")
    p = cli(tmp_path, "admin", "import-contacts", "c.csv")
    assert p.returncode == 2 and "Traceback" not in p.stderr and p.stderr.count("is not an id") == 2
    (tmp_path / "c.csv").write_text("name,role,telegram_id\n李镇长,乡镇领导,801\n", encoding="utf-8")
    assert cli(tmp_path, "admin", "import-contacts", "c.csv").returncode == 0
    assert "unknown supervisor 424242" in one_line_exit_2(cli(tmp_path, "admin", "supervisor", "1", "424242"))
    assert "is not an id" in one_line_exit_2(cli(tmp_path, "admin", "assign", "١", "1"))
    assert "is not an id" in one_line_exit_2(cli(tmp_path, "admin", "urgent", "9" * 30))


def test_a_csv_field_over_the_limit_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "f.csv").write_text("alias,jurisdiction\n" + "王" * 140_000 + ",开封\n", encoding="utf-8")
    p = cli(tmp_path, "admin", "import-families", "f.csv")
    assert p.returncode == 2 and "Traceback" not in p.stderr and "field larger than field limit" in p.stderr


def test_batch_files_in_gbk_or_binary_are_refused_before_any_answer(tmp_path: Path) -> None:
    (tmp_path / "gbk.jsonl").write_bytes('{"id": 1, "question": "特别扶助金"}\n'.encode("gbk"))
    (tmp_path / "bin.jsonl").write_bytes(bytes(range(256)) * 4)
    for command in ("ask", "check"):
        for name in ("gbk.jsonl", "bin.jsonl"):
            p = cli(tmp_path, command, "--batch", name)
            assert "not UTF-8 text" in one_line_exit_2(p) and p.stdout == ""


def test_deep_json_and_huge_numbers(tmp_path: Path) -> None:
    (tmp_path / "deep.json").write_text("[" * 100_000 + "]" * 100_000)
    (tmp_path / "age.json").write_text('{"jurisdiction": "kaifeng", "mother_age": ' + "9" * 5000 + "}")
    assert "nested too deeply" in one_line_exit_2(cli(tmp_path, "check", "deep.json"))
    assert "thousands of digits" in one_line_exit_2(cli(tmp_path, "check", "age.json"))
    (tmp_path / "b.jsonl").write_text("[" * 100_000 + "]" * 100_000 + "\n" + '{"id": 2, "question": "扶助金"}\n')
    p = cli(tmp_path, "ask", "--batch", "b.jsonl")
    lines = p.stdout.strip().splitlines()
    assert p.returncode == 0 and len(lines) == 2 and "nested too deeply" in lines[0] and '"id": 2' in lines[1]


def test_the_terminal_interview_takes_odd_digits_without_a_traceback(tmp_path: Path) -> None:
    import subprocess
    import sys

    for typed in ("²", "9" * 5000, "٣", "1,²"):
        p = subprocess.run([sys.executable, "-m", "bot", "check", "-j", "kaifeng"], input=f"1\n1\n1\n1\n{typed}\nq\n",
                           capture_output=True, text=True, timeout=60, cwd=tmp_path)
        assert p.returncode == 0 and "Traceback" not in p.stderr, (typed, p.stderr[-300:])
        assert "孩子妈妈今年多大岁数" in p.stdout and "没看懂" in p.stdout  # asked again, politely


def test_small_numbers_typed_by_people() -> None:
    from bot.ids import small_number

    assert small_number(" 58 ") == 58 and small_number("５８") == 58
    assert all(small_number(x) is None for x in ("²", "٥٨", "9" * 5000, "12345", "", "-1", "1.5"))


def test_admin_ids_in_settings_are_ascii_digits(tmp_path: Path) -> None:
    from bot.settings import SettingsError, load_settings

    assert load_settings(BOT_ADMIN_IDS="12345, 67890").bot_admin_ids == (12345, 67890)
    for bad in ("١١٢", "²", "-5", "1" * 20):
        with pytest.raises(SettingsError, match="BOT_ADMIN_IDS"):
            load_settings(BOT_ADMIN_IDS=bad)
