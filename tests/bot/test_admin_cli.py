"""`python -m bot admin ...` and `reminders --due`, as an administrator would run them."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

FAMILIES = "alias,jurisdiction,township,village,old_sick\n王家,开封,城关镇,东村,是\n李家,kaifeng,城关镇,西村,否\n"
CONTACTS = "name,role,telegram_id\n李镇长,乡镇领导,801\n王医生,卫生计生干部,802\n赵主任,村干部,803\n"


def cli(tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "BOT_"))}
    env["BOT_DATABASE"] = str(tmp / "db.sqlite3")
    return subprocess.run([sys.executable, "-m", "bot", *args], env=env, cwd=tmp, capture_output=True, text=True,
                          timeout=60)


def test_import_assign_and_see_what_is_due(tmp_path: Path) -> None:
    (tmp_path / "f.csv").write_text(FAMILIES, encoding="utf-8")
    (tmp_path / "c.csv").write_text(CONTACTS, encoding="utf-8")
    assert cli(tmp_path, "admin", "import-families", "f.csv").stdout.strip() == "imported 2 families"
    assert cli(tmp_path, "admin", "import-contacts", "c.csv").stdout.strip() == "imported 3 contacts"
    for family in ("1", "2"):
        for contact in ("1", "2", "3"):
            assert cli(tmp_path, "admin", "assign", family, contact, "--since", "2027-01-01").returncode == 0
    due = cli(tmp_path, "reminders", "--due", "--date", "2027-02-03")
    lines = due.stdout.strip().splitlines()
    assert "2027-01-15\t电话回访（逾期）\t王家\t赵主任" in lines  # old and sick: every 14 days
    assert "2027-02-06\t春节走访慰问\t李家\t李镇长" in lines
    assert len(lines) == 5
    again = cli(tmp_path, "reminders", "--due", "--date", "2027-02-03")
    assert again.stdout == due.stdout  # a dry run writes nothing
    overdue = cli(tmp_path, "admin", "overdue", "--date", "2027-02-03")
    assert overdue.stdout == ""  # nothing has been sent or planned yet


def test_a_bad_csv_reports_every_bad_row_and_imports_nothing(tmp_path: Path) -> None:
    (tmp_path / "bad.csv").write_text("alias,jurisdiction,old_sick\n张家,北京,是\n,开封,maybe\n王家,开封,否\n",
                                      encoding="utf-8")
    p = cli(tmp_path, "admin", "import-families", "bad.csv")
    assert p.returncode == 2
    errors = p.stderr.strip().splitlines()
    assert errors[0].startswith("line 2: jurisdiction:") and errors[1].startswith("line 3: alias:")
    assert errors[2].startswith("line 3: old_sick:") and "nothing imported" in errors[-1]
    assert cli(tmp_path, "admin", "families").stdout == ""  # not even the good row 王家
    (tmp_path / "hdr.csv").write_text("name,colour\nx,red\n", encoding="utf-8")
    p = cli(tmp_path, "admin", "import-contacts", "hdr.csv")
    assert p.returncode == 2 and "line 1: header" in p.stderr


def test_export_visits_is_csv_for_inspections(tmp_path: Path) -> None:
    import asyncio
    import datetime as dt

    from bot.storage import Storage

    async def seed() -> None:
        s = await Storage.open(tmp_path / "db.sqlite3")
        f = await s.registry.add_family("王家", "linyi")
        c = await s.registry.add_contact("赵主任", "village_cadre", telegram_id=803)
        await s.registry.assign(f, c, dt.date(2027, 1, 1))
        await s.reminders.add([(f, c, "phone_call", dt.date(2027, 1, 31),
                                     dt.datetime(2027, 1, 31, 9, tzinfo=dt.UTC))])
        r = (await s.reminders.all())[0]
        await s.reminders.log_visit(r, dt.date(2027, 2, 1), "ok", "老人身体还好", None)
        await s.close()

    asyncio.run(seed())
    p = cli(tmp_path, "admin", "export-visits", "-")
    rows = list(csv.DictReader(io.StringIO(p.stdout.lstrip("\ufeff"))))
    assert rows == [{"day": "2027-02-01", "jurisdiction": "linyi", "alias": "王家", "contact": "赵主任",
                     "kind": "phone_call", "outcome": "ok", "notes": "老人身体还好", "follow_up_days": ""}]


def test_bad_arguments_exit_2_with_one_line(tmp_path: Path) -> None:
    p = cli(tmp_path, "reminders", "--due", "--date", "2027-13-01")
    assert p.returncode == 2 and len(p.stderr.strip().splitlines()) == 1
    p = cli(tmp_path, "admin", "assign", "9", "9")  # a mistyped BOT_DATABASE: no empty database appears
    assert p.returncode == 2 and p.stderr.startswith("admin: no database at") and not (tmp_path / "db.sqlite3").exists()
    (tmp_path / "f.csv").write_text(FAMILIES, encoding="utf-8")
    assert cli(tmp_path, "admin", "import-families", "f.csv").returncode == 0
    p = cli(tmp_path, "admin", "assign", "9", "9")
    assert p.returncode == 2 and p.stderr.startswith("admin: assign: unknown family")
