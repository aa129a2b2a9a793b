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
    imported = cli(tmp_path, "admin", "import-contacts", "c.csv").stdout.splitlines()
    assert imported[0] == "imported 3 contacts"
    assert "3 位中 0 位能收到提醒，3 位还没打开机器人" in imported[1]  # nobody has opened the bot yet
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
    # a fresh server: the first admin command creates the database (a mistyped folder creates nothing:
    # test_a_mistyped_database_path_creates_nothing), so the refusal is about the family, in both languages
    p = cli(tmp_path, "admin", "assign", "9", "9")
    assert p.returncode == 2 and p.stderr.startswith("admin: assign: unknown family") and "找不到编号为 9 的家庭" in p.stderr
    assert len(p.stderr.strip().splitlines()) == 1 and (tmp_path / "db.sqlite3").exists()
    (tmp_path / "f.csv").write_text(FAMILIES, encoding="utf-8")
    assert cli(tmp_path, "admin", "import-families", "f.csv").returncode == 0
    p = cli(tmp_path, "admin", "assign", "9", "9")
    assert p.returncode == 2 and p.stderr.startswith("admin: assign: unknown family")


def cli_env(tmp: Path, database: Path, *args: str, **env_extra: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "BOT_"))}
    env.update(BOT_DATABASE=str(database), **env_extra)
    return subprocess.run([sys.executable, "-m", "bot", *args], env=env, cwd=tmp, capture_output=True, text=True,
                          timeout=60)


def test_an_unusable_database_exits_2_with_one_line_and_does_not_hang(tmp_path: Path) -> None:
    import sqlite3

    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"not a database" * 500)
    foreign = tmp_path / "foreign.sqlite3"
    con = sqlite3.connect(foreign)
    con.execute("CREATE TABLE orders (id INTEGER)")
    con.commit()
    con.close()
    for database, words in ((junk, "not a usable SQLite file"), (foreign, "another program"),
                            (tmp_path, "is a folder")):
        for args in (("admin", "status"), ("run",)):
            p = cli_env(tmp_path, database, *args, TELEGRAM_BOT_TOKEN="7000001:FAKE-test-token-abcdefghij",
                        TELEGRAM_API_BASE_URL="http://127.0.0.1:9/bot")
            assert p.returncode == 2 and words in p.stderr and len(p.stderr.strip().splitlines()) == 1, (args, p)
    (tmp_path / "backup.sqlite3").write_bytes(foreign.read_bytes())
    p = cli_env(tmp_path, tmp_path / "live.sqlite3", "admin", "restore", "backup.sqlite3")
    assert p.returncode == 2 and "not a Lianxin database" in p.stderr and len(p.stderr.strip().splitlines()) == 1


def test_a_mistyped_database_path_creates_nothing(tmp_path: Path) -> None:
    for args in (("admin", "status"), ("admin", "families"), ("reminders", "--due"), ("admin", "backup", "b.db")):
        p = cli_env(tmp_path, tmp_path / "lianxin.sqlite" / "typo.sqlite3", *args)
        assert p.returncode == 2 and p.stderr.startswith(("admin: no database at", "reminders: no database at")), (args, p)
    assert list(tmp_path.iterdir()) == []


def test_export_and_cli_created_database_are_private(tmp_path: Path) -> None:
    import stat

    (tmp_path / "f.csv").write_text(FAMILIES, encoding="utf-8")
    assert cli(tmp_path, "admin", "import-families", "f.csv").returncode == 0
    assert cli(tmp_path, "admin", "export-visits", "visits.csv").returncode == 0
    assert cli(tmp_path, "admin", "backup", "b.sqlite3").returncode == 0
    for name in ("db.sqlite3", "visits.csv", "b.sqlite3"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o600, name


def test_silent_oddities_are_reported(tmp_path: Path) -> None:
    unlinked = "name,role,township\n孙大姐,志愿者,城关镇\n"
    (tmp_path / "c.csv").write_text(unlinked, encoding="utf-8")
    imported = cli(tmp_path, "admin", "import-contacts", "c.csv").stdout.splitlines()
    assert imported[0] == "imported 1 contacts" and "1 位没有登记 Telegram" in imported[1]
    p = cli(tmp_path, "admin", "import-contacts", "c.csv")  # the same file again
    assert p.returncode == 2 and "already registered" in p.stderr
    assert len(cli(tmp_path, "admin", "contacts").stdout.strip().splitlines()) == 1
    p = cli(tmp_path, "admin", "contact-left", "424242")
    assert p.returncode == 2 and p.stderr.strip() == "admin: contact-left: unknown contact 424242 (see python -m bot " \
                                                     "admin contacts) [left_unknown] 找不到编号为 424242 的联系人。"
    p = cli(tmp_path, "admin", "supervisor", "1", "1")
    assert p.returncode == 2 and "cannot supervise themselves" in p.stderr
    p = cli(tmp_path, "admin", "supervisor", "1", "424242")
    assert p.returncode == 2 and "unknown supervisor 424242" in p.stderr
    (tmp_path / "f.csv").write_text(FAMILIES, encoding="utf-8")
    assert cli(tmp_path, "admin", "import-families", "f.csv").returncode == 0
    assert "position 1" in cli(tmp_path, "admin", "assign", "1", "1").stdout
    again = cli(tmp_path, "admin", "assign", "1", "1")
    assert again.returncode == 0 and "already assigned (position 1)" in again.stdout
    assert "contacts=1\n" in cli(tmp_path, "admin", "families").stdout.splitlines(keepends=True)[0]
    (tmp_path / "x.csv").write_text("alias,jurisdiction\n张家,开封,多出来的一格\n", encoding="utf-8")
    p = cli(tmp_path, "admin", "import-families", "x.csv")
    assert p.returncode == 2 and "line 2: 1 more cell(s) than the header has columns" in p.stderr
    (tmp_path / "n.csv").write_text("alias,jurisdiction\n张\x00家,开封\n", encoding="utf-8")
    p = cli(tmp_path, "admin", "import-families", "n.csv")
    assert p.returncode == 2 and "line 2: alias: contains a control character" in p.stderr
    assert len(cli(tmp_path, "admin", "families").stdout.strip().splitlines()) == 2


def test_a_second_bot_on_the_same_database_is_refused(tmp_path: Path) -> None:
    import asyncio

    from bot.storage import Storage

    async def while_running() -> subprocess.CompletedProcess[str]:
        running = await Storage.open(tmp_path / "db.sqlite3", hold_lock=True)
        try:
            return await asyncio.to_thread(cli_env, tmp_path, tmp_path / "db.sqlite3", "run",
                                           TELEGRAM_BOT_TOKEN="7000001:FAKE-test-token-abcdefghij",
                                           TELEGRAM_API_BASE_URL="http://127.0.0.1:9/bot")
        finally:
            await running.close()

    p = asyncio.run(while_running())
    assert p.returncode == 2 and "another Lianxin process is running" in p.stderr
    assert len(p.stderr.strip().splitlines()) == 1
