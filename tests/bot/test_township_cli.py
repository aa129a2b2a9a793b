"""`python -m bot admin` for a township's registry: who can be reached, who would get
nothing, which families lack a role, and undeliverable reminders apart from sent ones."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

from bot.reminders.delivery import tick
from bot.reminders.planner import SHANGHAI
from bot.storage import Storage
from tests.bot.test_admin_cli import cli
from tests.bot.test_reminders import FakeSender

FAMILIES = "alias,jurisdiction,township,village\n王家,开封,城关镇,东村\n陈家,安康,城关镇,西村\n"
CONTACTS = "name,role,telegram_id\n赵主任,村干部,803\n孙大姐,志愿者,804\n周医生,卫生计生干部,806\n"


def test_assign_says_who_can_be_reached_warns_about_missing_roles_and_refuses_nothing_to_do(tmp_path: Path) -> None:
    (tmp_path / "f.csv").write_text(FAMILIES, encoding="utf-8")
    (tmp_path / "c.csv").write_text(CONTACTS, encoding="utf-8")
    assert cli(tmp_path, "admin", "import-families", "f.csv").returncode == 0
    assert cli(tmp_path, "admin", "import-contacts", "c.csv").returncode == 0
    p = cli(tmp_path, "admin", "assign", "1", "1")  # Kaifeng family, its village cadre only
    assert p.returncode == 0
    assert "1 contact(s): 0 can receive reminders, 1 have not opened the bot yet" in p.stdout
    assert "warning: family 1 has no health_cadre / township_leader" in p.stderr
    assert cli(tmp_path, "admin", "assign", "1", "2").returncode == 0  # Kaifeng volunteer: phone calls (3.4.10)
    assert cli(tmp_path, "admin", "assign", "2", "1").returncode == 0  # Ankang: the primary cadre
    p = cli(tmp_path, "admin", "assign", "2", "3")  # a second cadre in Ankang would get nothing
    assert p.returncode == 2 and len(p.stderr.strip().splitlines()) == 1
    assert "a health cadre as contact no. 2 of a ankang family would get no reminder" in p.stderr
    gaps = cli(tmp_path, "admin", "gaps")
    assert gaps.stdout.splitlines() == ["1\tkaifeng\t王家\tmissing=health_cadre,township_leader"]
    contacts = cli(tmp_path, "admin", "contacts").stdout.splitlines()
    assert all(line.endswith("NOT-OPENED (has not opened the bot)") for line in contacts)


def test_overdue_shows_undeliverable_apart_from_sent(tmp_path: Path) -> None:
    async def seed() -> None:
        s = await Storage.open(tmp_path / "db.sqlite3")
        for alias, uid in (("王家", 803), ("李家", 804)):
            family = await s.registry.add_family(alias, "linyi")
            contact = await s.registry.add_contact(f"联系人{uid}", "village_cadre", telegram_id=uid)
            await s.registry.assign(family, contact, dt.date(2027, 1, 1))
        sender = FakeSender()
        sender.unreachable.add(804)
        await tick(s, sender, dt.datetime(2027, 1, 31, 10, tzinfo=SHANGHAI), admins=(900,))
        await s.close()

    asyncio.run(seed())
    lines = cli(tmp_path, "admin", "overdue", "--date", "2027-02-02").stdout.splitlines()
    assert sorted(line.split("\t")[2] + " " + line.split("\t")[4] for line in lines) == [
        "李家 undeliverable", "王家 sent"]
