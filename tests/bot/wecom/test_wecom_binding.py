"""Binding a contact to WeCom from every front: the admin CLI, the contacts CSV and the office
console's form; the console shows which way each contact's reminders go."""

from __future__ import annotations

import datetime as dt
import html
import os
import re
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.operations import imports
from bot.operations.refusals import Refused
from bot.operations.registry import checked_contact_wecom
from bot.reminders.delivery import WeComUser, recipient
from bot.reminders.registry_csv import CsvProblems
from bot.storage import Role, Storage
from dialogs import web_copy as w
from tests.web.test_console import ADMIN, browser, confirmed_import, signed_in


def cli(tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "BOT_", "WECOM_"))}
    env["BOT_DATABASE"] = str(tmp / "db.sqlite3")
    return subprocess.run([sys.executable, "-m", "bot", *args], env=env, cwd=tmp, capture_output=True, text=True,
                          timeout=60)


@pytest.fixture
async def storage(tmp_path: Path) -> AsyncIterator[Storage]:
    s = await Storage.open(tmp_path / "db.sqlite3")
    await s.users.ensure(ADMIN)
    await s.users.set_role(ADMIN, Role.ADMIN)
    yield s
    await s.close()


def test_the_admin_cli_binds_and_unbinds_and_refuses_a_taken_or_bad_id(tmp_path: Path) -> None:
    (tmp_path / "c.csv").write_text("name,role,telegram_id\n赵主任,村干部,803\n王医生,卫生计生干部,\n", encoding="utf-8")
    assert cli(tmp_path, "admin", "import-contacts", "c.csv").returncode == 0
    bound = cli(tmp_path, "admin", "contact-wecom", "1", "ZhaoZhuRen")
    assert bound.returncode == 0, bound.stderr
    listed = cli(tmp_path, "admin", "contacts").stdout
    assert "wecom=ZhaoZhuRen" in listed and "reachable by WeCom" in listed
    taken = cli(tmp_path, "admin", "contact-wecom", "2", "zhaozhuren")  # WeCom ignores case: the same account
    assert taken.returncode == 2 and "wecom_user_id" in taken.stderr and "已经绑定" in taken.stderr
    bad = cli(tmp_path, "admin", "contact-wecom", "2", "王 医生")
    assert bad.returncode == 2 and "企业微信账号" in bad.stderr
    unknown = cli(tmp_path, "admin", "contact-wecom", "9", "someone")
    assert unknown.returncode == 2
    assert cli(tmp_path, "admin", "contact-wecom", "1", "--clear").returncode == 0
    assert "wecom=-" in cli(tmp_path, "admin", "contacts").stdout.splitlines()[0]
    assert cli(tmp_path, "admin", "contact-wecom", "2", "zhaozhuren").returncode == 0  # free again


async def test_the_contacts_csv_takes_a_wecom_column_checked_like_the_cli(storage: Storage) -> None:
    text = "姓名,角色,企业微信账号\n赵主任,村干部,zhaozhuren\n王医生,卫生计生干部,\n"
    count, reach = await imports.import_contacts_csv(storage, text)
    assert count == 2 and reach.reachable == 1 and reach.no_telegram == 1
    with pytest.raises(CsvProblems) as refused:
        await imports.import_contacts_csv(storage, "name,role,wecom_user_id\n李镇长,乡镇领导,ZHAOZHUREN\n"
                                                   "刘干部,村干部,bad id!\n陈干部,村干部,x1\n吴干部,村干部,x1\n")
    assert [(p.code, p.line) for p in refused.value.items] == [("wecom_taken", 2), ("wecom_not_id", 3),
                                                                ("wecom_taken", 5)]
    assert len(await storage.registry.list_contacts()) == 2  # nothing of the bad file
    with pytest.raises(Refused) as taken:
        await checked_contact_wecom(storage, 2, "ZhaoZhuRen")
    assert taken.value.problem.code == "wecom_taken"
    # the reminders of a bound contact go by WeCom
    family = await storage.registry.add_family("王家", "kaifeng")
    await storage.reminders.add([(family, 1, "phone_call", dt.date(2027, 1, 1), dt.datetime(2027, 1, 1, 1))])
    [reminder] = await storage.reminders.all()
    assert recipient(reminder) == WeComUser("zhaozhuren")


async def test_the_console_form_binds_a_contact_and_the_list_shows_each_channel(storage: Storage) -> None:
    await storage.registry.add_contact("赵主任", "village_cadre", telegram_id=803)
    await storage.registry.add_contact("没账号", "volunteer")
    async with browser(storage) as c:
        csrf = await signed_in(c, storage, ADMIN)
        form = await c.get("/console/contact/1/edit")
        assert 'name="wecom_user_id"' in form.text
        saved = await c.post("/console/contact/1/edit", data={"csrf": csrf, "name": "赵主任", "role": "village_cadre",
                                                               "telegram_id": "803", "wecom_user_id": "zhaozhuren"})
        assert saved.status_code == 303
        made = await c.post("/console/contact/new", data={"csrf": csrf, "name": "王医生", "role": "health_cadre",
                                                           "wecom_user_id": "ZHAOZHUREN"})
        assert made.status_code == 400 and "已经绑定了别的联系人" in html.unescape(made.text)
        page = (await c.get("/console/contacts")).text
        rows = dict(re.findall(r"<td>\d+</td><td>([^<]+)</td>.*?<td class=\"channel-\w+\">([^<]+)</td>", page))
        assert rows == {"赵主任": w.CONSOLE_CHANNELS["wecom"], "没账号": w.CONSOLE_CHANNELS["none"]}
        assert w.CONSOLE_REACH["wecom"] in page
        csv_import = await confirmed_import(c, csrf, "name,role,企业微信\n王医生,卫生计生干部,wangyisheng\n".encode(),
                                            kind="contacts", name="c.csv")
        assert csv_import.status_code in (200, 303)
    assert (await storage.registry.contact_by_wecom("wangyisheng")) is not None
    assert (await storage.registry.contact(1))["wecom_user_id"] == "zhaozhuren"
