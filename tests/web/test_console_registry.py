"""The office console does what the admin CLI does for the registry: families and contacts
created and edited with the CSV import's validation, a contact taken off a family (the CLI's
`admin unassign` too), every refusal in Chinese, a CSV upload of a few megabytes, backup,
retention and forgetting a family, contacts filtered and shown with whether a reminder
reaches them. Admins only; staff change nothing; every form needs its CSRF token."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import re
import sqlite3
import stat
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from bot.ids import MAX_ID_DIGITS
from bot.reminders.registry_csv import CsvProblems, parse_contacts, parse_families
from bot.storage import Role, Storage
from dialogs import web_copy as w
from tests.web.test_console import ADMIN, STAFF_KAIFENG, STAFF_LINYI, browser, confirmed_import, signed_in

ROOT = Path(__file__).resolve().parents[2]
FORM = {"alias": "", "jurisdiction": "", "township": "", "village": "", "contact_note": "", "telegram_id": ""}


@pytest.fixture
async def storage(tmp_path: Path) -> AsyncIterator[Storage]:
    """王家 and 李家 in 开封, 张家 in 临沂; an admin and staff of each city."""
    s = await Storage.open(tmp_path / "db.sqlite3")
    for alias, city, township, village in (("王家", "kaifeng", "城关镇", "东村"), ("李家", "kaifeng", "朱仙镇", "西村"),
                                           ("张家", "linyi", "兰山街道", "南村")):
        await s.registry.add_family(alias, city, township, village)
    for user, role, city in ((ADMIN, Role.ADMIN, None), (STAFF_KAIFENG, Role.STAFF, "kaifeng"),
                             (STAFF_LINYI, Role.STAFF, "linyi")):
        await s.users.ensure(user)
        await s.users.set_role(user, role)
        if city:
            await s.users.set_jurisdiction(user, city)
    yield s
    await s.close()


async def families_by_alias(storage: Storage) -> dict[str, dict[str, object]]:
    return {f["alias"]: f for f in [await storage.registry.family(r["id"])
                                    for r in await storage.registry.list_families()] if f}


def problems_of(page: httpx.Response) -> list[str]:
    return re.findall(r"<li>([^<]+)</li>", page.text.split('id="problems"')[1]) if 'id="problems"' in page.text else []


# --- 1. families and contacts: create and edit with the CSV's validation ---------------------

async def test_an_admin_creates_and_edits_a_family_with_the_csv_imports_checks(storage: Storage) -> None:
    async with browser(storage) as c:
        csrf = await signed_in(c, storage, ADMIN)
        assert (await c.post("/console/family/new", data={**FORM, "alias": "赵家", "jurisdiction": "kaifeng"})
                ).status_code == 403  # no CSRF token
        bad = await c.post("/console/family/new", data={**FORM, "csrf": csrf, "jurisdiction": "nowhere",
                                                         "old_sick": "maybe"})
        assert bad.status_code == 400 and len(await storage.registry.list_families()) == 3
        shown = problems_of(bad)
        assert any("代称必须填写" in p for p in shown) and any("“nowhere”不是名册支持的城市" in p for p in shown)
        taken = await c.post("/console/family/new", data={**FORM, "csrf": csrf, "alias": "王家", "jurisdiction": "开封",
                                                           "old_sick": "1"})
        assert taken.status_code == 400 and problems_of(taken) == ["开封市已经有一户代称为“王家”的家庭了，请换一个代称。"]
        assert 'value="王家"' in taken.text  # what was typed stays in the form
        made = await c.post("/console/family/new", data={**FORM, "csrf": csrf, "alias": "赵家", "jurisdiction": "kaifeng",
                                                          "township": "城关镇", "village": "北村", "old_sick": "1"})
        assert made.status_code == 303
        page = await c.get(made.headers["location"])
        assert page.status_code == 200 and "赵家（城关镇北村）" in page.text
        zhao = (await families_by_alias(storage))["赵家"]
        assert (zhao["jurisdiction"], zhao["old_sick"], zhao["lives_alone"]) == ("kaifeng", 1, 0)
        form = await c.get(f"/console/family/{zhao['id']}/edit")
        assert 'value="北村"' in form.text and "checked" in form.text.split('name="old_sick"')[1].split(">")[0]
        same_alias = await c.post(f"/console/family/{zhao['id']}/edit", data={
            **FORM, "csrf": csrf, "alias": "赵家", "jurisdiction": "kaifeng", "village": "南村", "lives_alone": "是"})
        assert same_alias.status_code == 303  # its own alias is not a duplicate of itself
        zhao = (await families_by_alias(storage))["赵家"]
        assert (zhao["village"], zhao["old_sick"], zhao["lives_alone"]) == ("南村", 0, 1)
        clash = await c.post(f"/console/family/{zhao['id']}/edit", data={
            **FORM, "csrf": csrf, "alias": "李家", "jurisdiction": "kaifeng"})
        assert clash.status_code == 400 and "代称为“李家”" in clash.text
        assert (await families_by_alias(storage))["赵家"]["village"] == "南村"  # nothing changed
        assert (await c.get("/console/family/abc/edit")).status_code == 404
        assert (await c.get("/console/family/9999/edit")).status_code == 404
        gone = await c.post("/console/family/9999/edit", data={**FORM, "csrf": csrf, "alias": "x", "jurisdiction": "kaifeng"})
        assert gone.status_code == 404 and "找不到编号为 9999 的家庭" in gone.text
    audited = [e["action"] for e in await storage.audit.entries(50) if e["actor"] == ADMIN]
    assert "console_create_family" in audited and "console_edit_family" in audited


def test_the_form_and_the_csv_are_checked_by_one_function() -> None:
    """The same bad family typed into the form and written in a CSV row gives the same problems."""
    import asyncio as aio

    async def through_form(tmp: Path) -> list[str]:
        from bot.operations.registry import checked_family

        s = await Storage.open(tmp / "form.sqlite3")
        try:
            await checked_family(s, {"alias": "x" * 41, "jurisdiction": "kaifeng", "old_sick": "maybe",
                                     "telegram_id": "12ab"})
        except CsvProblems as exc:
            return [p.code for p in exc.items]
        finally:
            await s.close()
        return []

    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        form_codes = aio.run(through_form(Path(tmp)))
    with pytest.raises(CsvProblems) as csv_problems:
        parse_families(f"alias,jurisdiction,old_sick,telegram_id\n{'x' * 41},kaifeng,maybe,12ab\n")
    assert form_codes == [p.code for p in csv_problems.value.items] == ["alias_length", "not_yes_no", "telegram_not_id"]


async def test_staff_can_neither_create_nor_edit(storage: Storage) -> None:
    wang = (await families_by_alias(storage))["王家"]
    async with browser(storage) as c:
        csrf = await signed_in(c, storage, STAFF_KAIFENG)
        assert (await c.get("/console/family/new")).status_code == 403
        for path in ("/console/family/new", f"/console/family/{wang['id']}/edit"):
            r = await c.post(path, data={**FORM, "csrf": csrf, "alias": "赵家", "jurisdiction": "kaifeng"})
            assert r.status_code == 403 and w.CONSOLE_ADMIN_ONLY in r.text
        r = await c.post("/console/contact/new", data={"csrf": csrf, "name": "刘干部", "role": "village_cadre"})
        assert r.status_code == 403
        family_page = await c.get(f"/console/family/{wang['id']}")
        assert family_page.status_code == 200 and "/edit" not in family_page.text and 'name="confirm"' not in family_page.text
    assert set(await families_by_alias(storage)) == {"王家", "李家", "张家"} and not await storage.registry.list_contacts()


async def test_an_admin_creates_and_edits_contacts_with_the_csv_imports_checks(storage: Storage) -> None:
    async with browser(storage) as c:
        csrf = await signed_in(c, storage, ADMIN)
        bad = await c.post("/console/contact/new", data={"csrf": csrf, "name": "", "role": "boss", "telegram_id": "12ab"})
        assert bad.status_code == 400
        assert problems_of(bad) == ["姓名必须填写，最多 40 个字。",
                                    "角色“boss”不认识，请从乡镇领导、卫生计生干部、村干部、志愿者中选一个。",
                                    f"Telegram 账号“12ab”不是有效的数字 ID（1 到 {MAX_ID_DIGITS} 位数字）。"]
        made = await c.post("/console/contact/new", data={"csrf": csrf, "name": "刘干部", "role": "village_cadre",
                                                          "township": "城关镇", "telegram_id": "9001"})
        assert made.status_code == 303 and made.headers["location"] == "/console/contacts"
        twice = await c.post("/console/contact/new", data={"csrf": csrf, "name": "陈医生", "role": "health_cadre",
                                                           "telegram_id": "9001"})
        assert twice.status_code == 400 and problems_of(twice) == ["Telegram 账号 9001 已经登记过了。"]
        liu = (await storage.registry.list_contacts())[0]
        kept = await c.post(f"/console/contact/{liu['id']}/edit", data={
            "csrf": csrf, "name": "刘主任", "role": "township_leader", "township": "城关镇", "telegram_id": "9001"})
        assert kept.status_code == 303  # its own Telegram id is not someone else's
        page = (await c.get("/console/contacts")).text
        assert "刘主任" in page and "乡镇领导" in page and "刘干部" not in page
        assert (await c.get("/console/contact/9999/edit")).status_code == 404
    assert len(await storage.registry.list_contacts()) == 1


# --- 2. unassign: the CLI and the console through one function --------------------------------

async def _assigned(storage: Storage) -> tuple[dict[str, int], dict[str, int]]:
    """李镇长 (first) and 王医生 (second) look after 王家; 李镇长 also after 李家; each has an
    open reminder, and 李镇长 a done one for 王家."""
    families = {f["alias"]: f["id"] for f in await storage.registry.list_families()}
    lee = await storage.registry.add_contact("李镇长", "township_leader", "城关镇", 801)
    wang = await storage.registry.add_contact("王医生", "health_cadre", "城关镇", 802)
    day = dt.date.today() + dt.timedelta(days=3)
    moment = dt.datetime.now(dt.UTC)
    for family, contact in ((families["王家"], lee), (families["王家"], wang), (families["李家"], lee)):
        await storage.registry.assign(family, contact, dt.date.today())
        await storage.reminders.add([(family, contact, "routine", day, moment)])
    await storage.reminders.add([(families["王家"], lee, "festival", day - dt.timedelta(days=30), moment)])
    festival = next(r for r in await storage.reminders.all() if r.kind == "festival")
    await storage.reminders.log_visit(festival, dt.date.today(), "visited", "", None)  # done: history, kept
    return families, {"李镇长": lee, "王医生": wang}


def _cli(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "BOT_"))}
    env["BOT_DATABASE"] = str(tmp_path / "db.sqlite3")
    return subprocess.run([sys.executable, "-m", "bot", "admin", *args], env=env, cwd=ROOT, capture_output=True,
                          text=True, timeout=60)


async def test_admin_unassign_takes_a_contact_off_one_family_and_cancels_its_reminders(
        storage: Storage, tmp_path: Path) -> None:
    families, contacts = await _assigned(storage)
    lee, wang = contacts["李镇长"], contacts["王医生"]
    done = await asyncio.to_thread(_cli, tmp_path, "unassign", str(families["王家"]), str(lee))
    assert done.returncode == 0, done.stderr
    assert re.fullmatch(rf"contact {lee} no longer looks after family {families['王家']}; 1 open reminder\(s\)"
                        r" cancelled\n", done.stdout)
    left = [(r.family_id, r.contact_id) for r in await storage.reminders.all() if r.status != "done"]
    assert (families["王家"], lee) not in left and (families["李家"], lee) in left and (families["王家"], wang) in left
    assert [r.kind for r in await storage.reminders.all() if r.status == "done"] == ["festival"]
    assignments = await storage.registry.assignments(families["王家"])
    assert [(a.contact_id, a.position) for a in assignments] == [(wang, 1)]  # the second moved up
    for args in (("unassign", str(families["王家"]), str(lee)), ("unassign", "9999", str(lee)),
                 ("unassign", "x", "1")):
        refused = await asyncio.to_thread(_cli, tmp_path, *args)
        assert refused.returncode == 2 and len(refused.stderr.strip().splitlines()) == 1 and not refused.stdout
    assert "is not assigned to family" in (await asyncio.to_thread(
        _cli, tmp_path, "unassign", str(families["王家"]), str(lee))).stderr


async def test_the_console_unassigns_through_the_same_function(storage: Storage) -> None:
    families, contacts = await _assigned(storage)
    lee = contacts["李镇长"]
    data = {"contact": str(lee), "family": str(families["王家"])}
    async with browser(storage) as c:
        csrf = await signed_in(c, storage, STAFF_KAIFENG)
        assert (await c.post("/console/contacts/unassign", data={**data, "csrf": csrf})).status_code == 403
    async with browser(storage) as c:
        csrf = await signed_in(c, storage, ADMIN)
        page = (await c.get(f"/console/family/{families['王家']}")).text
        assert 'action="/console/contacts/unassign"' in page  # a button per contact on the family's page
        assert (await c.post("/console/contacts/unassign", data=data)).status_code == 403
        assert (await c.post("/console/contacts/unassign", data={**data, "csrf": csrf, "family": "abc"})
                ).status_code == 400
        still = await c.post("/console/contacts/assign", data={"csrf": csrf, "contact": str(lee),
                                                               "family": str(families["李家"])})
        assert still.status_code == 200 and "这户还缺：卫生计生干部、村干部" in still.text  # the CLI's warning
        ok = await c.post("/console/contacts/unassign", data={**data, "csrf": csrf})
        assert ok.status_code == 200 and w.CONSOLE_UNASSIGNED.format(count=1) in ok.text
        again = await c.post("/console/contacts/unassign", data={**data, "csrf": csrf})
        assert again.status_code == 400 and "并没有负责这户家庭" in again.text
        unknown = await c.post("/console/contacts/unassign", data={**data, "csrf": csrf, "family": "9999"})
        assert unknown.status_code == 400 and "找不到编号为 9999 的家庭" in unknown.text
    assert [a.contact_id for a in await storage.registry.assignments(families["王家"])] == [contacts["王医生"]]
    assert any(e["action"] == "console_unassign" for e in await storage.audit.entries(50))


# --- 3. every refusal the console can meet, in Chinese ----------------------------------------

CSV_REFUSALS = [
    ("families", "alias,city\n王家,kaifeng\n", "第 1 行：表头（第一行）必须有这些列：代称、城市。缺少的列：城市；不认识的列：city。每一列可以用的列名：代称（家庭代称"),
    ("families", "alias,jurisdiction\n赵家,kaifeng,多余\n", "第 2 行：这一行比表头多了 1 个格子"),
    ("families", "alias,jurisdiction\n\"赵\t家\",kaifeng\n", "第 2 行：“代称”里有不可见的控制字符"),
    ("families", "alias,jurisdiction,old_sick\n赵家,kaifeng,也许\n", "第 2 行：“年老多病”填的是“也许”，只能填 是/否"),
    ("families", "alias,jurisdiction,telegram_id\n赵家,kaifeng,abc\n", "第 2 行：Telegram 账号“abc”不是有效的数字 ID"),
    ("families", "alias,jurisdiction,telegram_id\n赵家,kaifeng,5\n孙家,kaifeng,5\n", "第 3 行：Telegram 账号 5 已经登记过了。"),
    ("families", "alias,jurisdiction\n,kaifeng\n", "第 2 行：代称必须填写，最多 40 个字。"),
    ("families", "alias,jurisdiction\n赵家,北京\n", "第 2 行：“北京”不是名册支持的城市。可以填：安康市、临沂市、"),
    ("families", "alias,jurisdiction\n赵家,\n", "第 2 行：城市必须填写，可以填：安康市、"),
    ("families", "alias,jurisdiction\n王家,开封市\n", "第 2 行：开封市已经有一户代称为“王家”的家庭了"),
    ("contacts", "name,role\n,volunteer\n", "第 2 行：姓名必须填写，最多 40 个字。"),
    ("contacts", "name,role\n刘干部,boss\n", "第 2 行：角色“boss”不认识"),
    ("contacts", "name,role\n刘干部,村干部\n刘干部,village_cadre\n", "第 3 行：刘干部（村干部，未填乡镇）已经登记过"),
    ("families", "alias,jurisdiction\n\"赵家" + "x" * 140_000 + "\",kaifeng\n", "文件格式有误，无法按 CSV 读取"),
]


@pytest.mark.parametrize(("kind", "text", "chinese"), CSV_REFUSALS, ids=[r[2][:12] for r in CSV_REFUSALS])
async def test_each_import_refusal_is_shown_in_chinese(storage: Storage, kind: str, text: str, chinese: str) -> None:
    async with browser(storage) as c:
        csrf = await signed_in(c, storage, ADMIN)
        r = await c.post("/console/import", data={"csrf": csrf, "kind": kind},
                         files={"file": ("f.csv", text.encode("utf-8"), "text/csv")})
    shown = r.text.split('id="import-problems"')[1].split("</div>")[0]
    assert r.status_code == 400 and chinese in shown and w.CONSOLE_IMPORT_NOTHING in shown
    assert not re.search(r"\bline \d|already|unknown|required|is not", shown)  # none of the CLI's English
    assert len(await storage.registry.list_families()) == 3 and not await storage.registry.list_contacts()


async def test_each_contact_refusal_is_shown_in_chinese(storage: Storage) -> None:
    wang_family = (await families_by_alias(storage))["王家"]["id"]
    lee = await storage.registry.add_contact("李镇长", "township_leader", "城关镇", 801)
    chen_family = await storage.registry.add_family("陈家", "ankang", "汉滨区", "")
    first = await storage.registry.add_contact("陈干部", "village_cadre", "汉滨区", 804)
    await storage.registry.assign(chen_family, first, dt.date.today())  # 安康: one cadre per family
    async with browser(storage) as c:
        csrf = await signed_in(c, storage, ADMIN)
        cases = [
            ("assign", {"contact": "9999", "family": str(wang_family)},
             f"找不到编号为 {wang_family} 的家庭或编号为 9999 的联系人。"),
            ("assign", {"contact": str(lee), "family": str(chen_family)},
             "没有分配：乡镇领导作为这户的第 2 位联系人，按安康市的联系安排收不到任何提醒。"),
            ("left", {"contact": "9999"}, "找不到编号为 9999 的联系人。"),
            ("supervisor", {"contact": str(lee), "supervisor": str(lee)}, "联系人不能做自己的上级。"),
            ("supervisor", {"contact": "9999", "supervisor": str(lee)}, "找不到编号为 9999 的联系人。"),
            ("supervisor", {"contact": str(lee), "supervisor": "9999"}, "找不到编号为 9999 的上级联系人。"),
            ("unassign", {"contact": str(lee), "family": "9999"}, "找不到编号为 9999 的家庭或编号为"),
            ("unassign", {"contact": str(lee), "family": str(wang_family)}, "这位联系人并没有负责这户家庭"),
        ]
        for action, data, chinese in cases:
            r = await c.post(f"/console/contacts/{action}", data={**data, "csrf": csrf})
            message = r.text.split('id="message">')[1].split("</p>")[0]
            assert r.status_code == 400 and chinese in message, (action, message)
            assert not re.search(r"[A-Za-z]{4,}", message), message  # no English left in the sentence


def test_every_refusal_code_in_the_code_has_a_chinese_sentence() -> None:
    """A new refusal added to the CLI without its Chinese sentence fails here, not on an office PC."""
    files = [ROOT / "bot" / "admin_cli.py", ROOT / "bot" / "reminders" / "registry_csv.py",
             *sorted((ROOT / "bot" / "operations").glob("*.py"))]
    sources = "".join(f.read_text() for f in files)
    codes = set(re.findall(r'(?:problem|refused)\("([a-z_]+)"', sources))
    codes |= {f"supervisor_unknown_{role}" for role in ("contact", "supervisor")}  # built from the role
    assert len(codes) >= 20 and codes <= set(w.CONSOLE_PROBLEMS), codes - set(w.CONSOLE_PROBLEMS)


def test_the_cli_still_prints_its_english_lines(tmp_path: Path) -> None:
    (tmp_path / "f.csv").write_text("alias,jurisdiction\n赵家,北京\n", encoding="utf-8")
    p = _cli(tmp_path, "import-families", str(tmp_path / "f.csv"))
    assert p.returncode == 2 and p.stderr.startswith("line 2: jurisdiction: unknown jurisdiction '北京'; choose one of:")
    with pytest.raises(CsvProblems) as problems:
        parse_contacts("name,role\n刘干部,boss\n")
    assert problems.value.problems[0].startswith("line 2: role: 'boss' is not one of health_cadre")


# --- 4. the CSV upload: megabytes allowed, more refused as it arrives, no binary files -------

def families_csv(rows: int) -> bytes:
    lines = ["alias,jurisdiction,township,village,contact_note"]
    lines += [f"第{i}户,kaifeng,城关镇,东村,{'电话联系前先和村干部打招呼' * 4}" for i in range(rows)]
    return ("\n".join(lines) + "\n").encode("utf-8")


async def test_a_registry_over_64_kb_imports_and_over_5_mb_is_refused_in_chinese(storage: Storage) -> None:
    big = families_csv(2000)
    assert 64 * 1024 < len(big) < 5 * 1024 * 1024
    async with browser(storage) as c:
        csrf = await signed_in(c, storage, ADMIN)
        ok = await confirmed_import(c, csrf, big)
        assert ok.status_code == 200 and "已导入 2000 户家庭" in ok.text
        huge = families_csv(30_000)
        assert len(huge) > 5 * 1024 * 1024
        refused = await c.post("/console/import", data={"csrf": csrf, "kind": "families"},
                               files={"file": ("f.csv", huge, "text/csv")})
        assert refused.status_code == 413 and "文件太大了（超过 5 MB）" in refused.text

        async def endless() -> AsyncIterator[bytes]:  # no Content-Length: counted as it arrives
            for _ in range(10_000):
                yield b"x" * 65536

        streamed = await c.post("/console/import", content=endless(),
                                headers={"content-type": "multipart/form-data; boundary=b"})
        assert streamed.status_code == 413 and "文件太大了" in streamed.text
        other_form = await c.post("/console/search", data={"csrf": csrf, "q": "x" * 100_000})
        assert other_form.status_code == 413  # the other forms keep the 64 KB limit
    assert len(await storage.registry.list_families()) == 2003  # the refused ones added nothing


@pytest.mark.parametrize("data", [b"PK\x03\x04\x14\x00\x06\x00workbook.xml", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
                                  b"%PDF-1.7\n", b"\x89PNG\r\n\x1a\n", b"alias\x00jurisdiction\n"],
                         ids=["xlsx", "xls", "pdf", "png", "nul"])
async def test_a_binary_file_is_named_as_such_not_a_server_error(storage: Storage, data: bytes) -> None:
    async with browser(storage) as c:
        csrf = await signed_in(c, storage, ADMIN)
        r = await c.post("/console/import", data={"csrf": csrf, "kind": "families"},
                         files={"file": ("registry.xlsx", data, "application/octet-stream")})
    assert r.status_code == 400 and w.CONSOLE_UPLOAD_NOT_CSV in r.text


async def test_a_broken_upload_is_refused_not_a_server_error(storage: Storage) -> None:
    async with browser(storage) as c:
        await signed_in(c, storage, ADMIN)
        for body, kind in ((b"--b\r\nnot a part", "multipart/form-data; boundary=b"),
                           (b"a=b", "multipart/form-data")):
            r = await c.post("/console/import", content=body, headers={"content-type": kind})
            assert r.status_code == 400 and w.CONSOLE_IMPORT_CHOOSE in r.text
    async with browser(storage) as c:
        staff_csrf = await signed_in(c, storage, STAFF_KAIFENG)
        r = await c.post("/console/import", data={"csrf": staff_csrf, "kind": "families"},
                         files={"file": ("f.csv", families_csv(10), "text/csv")})
        assert r.status_code == 403


# --- 5. backup, retention, forget-family --------------------------------------------------------

async def test_backup_writes_to_the_servers_backup_folder_and_shows_name_and_size(
        storage: Storage, tmp_path: Path) -> None:
    async with browser(storage) as c:
        csrf = await signed_in(c, storage, STAFF_KAIFENG)
        assert (await c.get("/console/maintenance")).status_code == 403
        assert (await c.post("/console/backup", data={"csrf": csrf})).status_code == 403
    async with browser(storage) as c:
        csrf = await signed_in(c, storage, ADMIN)
        page = await c.get("/console/maintenance")
        assert "不能通过浏览器下载" in page.text and str(tmp_path / "backups") in page.text
        assert "<td>家庭数</td><td>3</td>" in page.text.split('id="status"')[1]  # as `admin status`
        assert (await c.post("/console/backup", data={})).status_code == 403
        done = await c.post("/console/backup", data={"csrf": csrf})
    assert done.status_code == 200 and done.headers["content-type"].startswith("text/html")
    [copy] = list((tmp_path / "backups").glob("lianxin-*.sqlite3"))
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    message = done.text.split('id="message">')[1].split("</p>")[0]
    assert copy.name in message and re.search(r"（\d+ KB）", message)
    with sqlite3.connect(copy) as con:
        assert {r[0] for r in con.execute("SELECT alias FROM care_families")} == {"王家", "李家", "张家"}
    assert any(e["action"] == "console_backup" and copy.name in e["detail"] for e in await storage.audit.entries(50))


async def test_retention_applies_the_settings_now_and_says_what_was_removed(storage: Storage, tmp_path: Path) -> None:
    wang = (await families_by_alias(storage))["王家"]["id"]
    old = (dt.datetime.now(dt.UTC) - dt.timedelta(days=400)).isoformat()
    with sqlite3.connect(tmp_path / "db.sqlite3") as con:
        con.executemany("INSERT INTO care_visits (family_id, day, kind, outcome, notes, logged_at) VALUES (?, ?,"
                        " 'routine', 'visited', ?, ?)", [(wang, old[:10], "老人腿脚不便", old),
                                                         (wang, dt.date.today().isoformat(), "今天的备注",
                                                          dt.datetime.now(dt.UTC).isoformat())])
    async with browser(storage) as c:
        csrf = await signed_in(c, storage, STAFF_KAIFENG)
        assert (await c.post("/console/retention", data={"csrf": csrf})).status_code == 403
    async with browser(storage) as c:
        csrf = await signed_in(c, storage, ADMIN)
        page = await c.get("/console/maintenance")
        assert "走访备注 365 天后清空" in page.text
        done = await c.post("/console/retention", data={"csrf": csrf})
    assert done.status_code == 200 and "已清理：走访备注 1 条" in done.text
    with sqlite3.connect(tmp_path / "db.sqlite3") as con:
        assert sorted(r[0] for r in con.execute("SELECT notes FROM care_visits")) == ["", "今天的备注"]


async def test_forgetting_a_family_needs_its_alias_typed(storage: Storage) -> None:
    ids = {a: f["id"] for a, f in (await families_by_alias(storage)).items()}
    async with browser(storage) as c:
        csrf = await signed_in(c, storage, STAFF_KAIFENG)
        assert (await c.post("/console/forget", data={"csrf": csrf, "family": str(ids["王家"]), "confirm": "王家"})
                ).status_code == 403
    async with browser(storage) as c:
        csrf = await signed_in(c, storage, ADMIN)
        page = (await c.get(f"/console/family/{ids['王家']}")).text
        assert "请输入这户的代称“王家”以确认" in page
        assert (await c.post("/console/forget", data={"family": str(ids["王家"]), "confirm": "王家"})).status_code == 403
        wrong = await c.post("/console/forget", data={"csrf": csrf, "family": str(ids["王家"]), "confirm": "李家"})
        assert wrong.status_code == 400 and w.CONSOLE_FORGET_MISMATCH in wrong.text
        empty = await c.post("/console/forget", data={"csrf": csrf, "family": str(ids["王家"])})
        assert empty.status_code == 400
        for bad in ("abc", "9999"):
            r = await c.post("/console/forget", data={"csrf": csrf, "family": bad, "confirm": "王家"})
            assert r.status_code == 404
        assert "王家" in await families_by_alias(storage)
        done = await c.post("/console/forget", data={"csrf": csrf, "family": str(ids["王家"]), "confirm": " 王家 "})
        assert done.status_code == 200 and w.CONSOLE_FORGOTTEN in done.text
        assert (await c.get(f"/console/family/{ids['王家']}")).status_code == 404
    assert set(await families_by_alias(storage)) == {"李家", "张家"}
    assert [(e["actor"], e["action"]) for e in await storage.audit.entries(50) if e["action"] == "forget_family"] == [
        (ADMIN, "forget_family")]


# --- 6. contacts: filter by township, and who cannot be reached ---------------------------------

async def test_contacts_are_filtered_and_show_who_a_reminder_cannot_reach(storage: Storage) -> None:
    await storage.registry.add_contact("能收到", "village_cadre", "城关镇", 901)
    await storage.users.ensure(901)  # has written to the bot
    await storage.registry.add_contact("没打开", "village_cadre", "城关镇", 902)
    blocked = await storage.registry.add_contact("屏蔽了", "health_cadre", "朱仙镇", 903)
    await storage.registry.set_contact_blocked(blocked)
    await storage.registry.add_contact("没账号", "volunteer", "朱仙镇")
    async with browser(storage) as c:
        csrf = await signed_in(c, storage, STAFF_KAIFENG)
        assert (await c.post("/console/contacts/search", data={"csrf": csrf, "q": "城关镇"})).status_code == 403
    async with browser(storage) as c:
        csrf = await signed_in(c, storage, ADMIN)
        page = (await c.get("/console/contacts")).text
        rows = dict(re.findall(r"<td>\d+</td><td>([^<]+)</td>.*?<td>[^<]*</td><td>[^<]*</td><td>([^<]+)</td>", page))
        assert rows == {"能收到": w.CONSOLE_REACH["reachable"], "没打开": w.CONSOLE_REACH["not_opened"],
                        "屏蔽了": w.CONSOLE_REACH["blocked"], "没账号": w.CONSOLE_REACH["no_telegram"]}
        assert w.CONSOLE_UNREACHABLE_COUNT.format(count=3) in page
        assert (await c.post("/console/contacts/search", data={"q": "城关镇"})).status_code == 403
        lacking = page.split('id="gaps"')[1].split("</section>")[0]  # as `admin gaps`
        assert ">王家</a></td><td>开封市</td><td>卫生计生干部、乡镇领导、村干部</td>" in lacking
        assert ">张家</a></td><td>临沂市</td><td>至少一位联系人</td>" in lacking
        found = (await c.post("/console/contacts/search", data={"csrf": csrf, "q": "朱仙镇"})).text
        table = found.split('id="contacts"')[1].split("</table>")[0]
        assert "屏蔽了" in table and "没账号" in table and "能收到" not in table and "没打开" not in table
        assert 'value="朱仙镇"' in found

