"""The office console used as a township clerk would on day one (Excel's own CSV files) and
attacked (double submits, look-alike aliases): each test is a problem found by doing so."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from bot.operations.access import link_path
from bot.settings import Settings
from bot.storage import Role, Storage
from bot.web.app import create_app
from tests.web.test_console import confirmed_import

ADMIN, STAFF_KAIFENG = 11, 22


@pytest.fixture
async def storage(tmp_path: Path) -> AsyncIterator[Storage]:
    s = await Storage.open(tmp_path / "db.sqlite3")
    for user, role in ((ADMIN, Role.ADMIN), (STAFF_KAIFENG, Role.STAFF)):
        await s.users.ensure(user)
        await s.users.set_role(user, role)
    await s.users.set_jurisdiction(STAFF_KAIFENG, "kaifeng")
    yield s
    await s.close()


def browser(storage: Storage) -> httpx.AsyncClient:
    app = create_app(storage=storage, settings=Settings(_env_file=None), announce_random_key=False)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app, raise_app_exceptions=False),
                             base_url="https://lianxin.test")


async def signed_in(c: httpx.AsyncClient, storage: Storage, user: int) -> str:
    await c.post(link_path(await storage.office_sessions.create_link(user)))
    found = re.search(r'name="csrf" value="([^"]+)"', (await c.get("/console")).text)
    assert found
    return found.group(1)


def problems_of(page: httpx.Response) -> list[str]:
    return re.findall(r"<li>(.*?)</li>", page.text)


def excel_families(rows: int) -> str:
    """What Excel writes for a sheet of families: CRLF lines, and below the data the rows that
    once had content or formatting as cells with nothing in them."""
    lines = ["alias,jurisdiction,township,village,contact_note,old_sick,lives_alone"]
    lines += [f"第{i}户,开封,城关镇,东村{i % 20},,是,否" for i in range(rows)]
    lines += [",,,,,,", ",,,,,,", ""]
    return "\r\n".join(lines) + "\r\n"


async def upload(c: httpx.AsyncClient, csrf: str, data: bytes, kind: str = "families") -> httpx.Response:
    """Upload and confirm the preview, as the office does."""
    return await confirmed_import(c, csrf, data, kind, "名册.csv")


async def test_excels_chinese_csv_in_gbk_imports(storage: Storage) -> None:
    """Excel on a Chinese Windows saves "CSV (逗号分隔)" in GBK: the office's file as it is."""
    async with browser(storage) as c:
        csrf = await signed_in(c, storage, ADMIN)
        page = await upload(c, csrf, excel_families(3000).encode("gbk"))
    assert page.status_code == 200 and "已导入 3000 户家庭" in page.text, problems_of(page)
    assert {f["township"] for f in await storage.registry.search_families(None)} == {"城关镇"}


async def test_excels_empty_rows_below_the_data_are_not_errors(storage: Storage) -> None:
    async with browser(storage) as c:
        csrf = await signed_in(c, storage, ADMIN)
        page = await upload(c, csrf, ("\ufeff" + excel_families(5)).encode("utf-8"))
    assert page.status_code == 200 and "已导入 5 户家庭" in page.text, problems_of(page)


async def test_a_half_empty_row_is_still_an_error_with_its_line(storage: Storage) -> None:
    text = "alias,jurisdiction,township\r\n王家,开封,城关镇\r\n,,朱仙镇\r\n"
    async with browser(storage) as c:
        csrf = await signed_in(c, storage, ADMIN)
        page = await upload(c, csrf, text.encode("utf-8"))
    assert page.status_code == 400 and any(p.startswith("第 3 行") for p in problems_of(page))
    assert await storage.registry.search_families(None) == []


async def test_two_creates_of_one_family_at_once_make_one_and_say_why_not_the_other(storage: Storage) -> None:
    """A double click on 保存 (or two clerks at once): one family, the other told, never a 500."""
    async with browser(storage) as c:
        csrf = await signed_in(c, storage, ADMIN)
        form = {"csrf": csrf, "alias": "王家", "jurisdiction": "kaifeng"}
        pages = await asyncio.gather(*[c.post("/console/family/new", data=form) for _ in range(4)])
    assert sorted(p.status_code for p in pages) == [303, 400, 400, 400]
    assert all("已经有一户代称为“王家”的家庭" in p.text for p in pages if p.status_code == 400)
    assert [f["alias"] for f in await storage.registry.search_families(None)] == ["王家"]


@pytest.mark.parametrize("telegram_id", ["", "777"], ids=["no-telegram", "telegram"])
async def test_two_creates_of_one_contact_at_once_make_one(storage: Storage, telegram_id: str) -> None:
    async with browser(storage) as c:
        csrf = await signed_in(c, storage, ADMIN)
        form = {"csrf": csrf, "name": "张三", "role": "村干部", "township": "城关镇", "telegram_id": telegram_id}
        pages = await asyncio.gather(*[c.post("/console/contact/new", data=form) for _ in range(4)])
    assert sorted(p.status_code for p in pages) == [303, 400, 400, 400]
    assert len(await storage.registry.list_contacts()) == 1


@pytest.mark.parametrize("alias", ["王\u200b家", "\u202e家王", "王家\ufeff", "王\u2066家"],
                         ids=["zero-width-space", "right-to-left-override", "inner-bom", "isolate"])
async def test_an_alias_with_invisible_characters_is_refused(storage: Storage, alias: str) -> None:
    """A zero-width or direction mark makes a second 王家 that looks like the first one (or an
    alias shown backwards): refused in the form and in a CSV alike."""
    async with browser(storage) as c:
        csrf = await signed_in(c, storage, ADMIN)
        form = await c.post("/console/family/new", data={"csrf": csrf, "alias": alias, "jurisdiction": "kaifeng"})
        file = await upload(c, csrf, f"alias,jurisdiction\n{alias},kaifeng\n".encode())
    assert form.status_code == 400 and any("不可见" in p for p in problems_of(form))
    assert file.status_code == 400 and any(p.startswith("第 2 行") and "不可见" in p for p in problems_of(file))
    assert await storage.registry.search_families(None) == []


async def test_a_familys_timeline_and_the_list_are_in_chinese(storage: Storage) -> None:
    """The family page showed reminder states and visit outcomes as codes (sent, ok), the
    list the city as its code (kaifeng)."""
    import datetime as dt

    from bot.operations.registry import checked_assign, checked_contact, checked_family

    family = await checked_family(storage, {"alias": "王家", "jurisdiction": "kaifeng"})
    contact = await checked_contact(storage, {"name": "张三", "role": "村干部", "telegram_id": "777"})
    day = dt.date(2026, 11, 2)
    await checked_assign(storage, family["id"], contact["id"], day, day)
    now = dt.datetime(2026, 11, 2, 9, tzinfo=dt.UTC)
    await storage.reminders.raise_urgent(family["id"], now)
    await storage.reminders.raise_urgent(family["id"], now + dt.timedelta(days=1))
    first = (await storage.reminders.all())[0]
    await storage.reminders.log_visit(first, day, "ok", "", None)  # one visit, one reminder still open
    async with browser(storage) as c:
        await signed_in(c, storage, ADMIN)
        listing = await c.get("/console")
        page = await c.get(f"/console/family/{family['id']}")
    cells = re.findall(r"<td>([^<]*)</td>", page.text.split('id="timeline"')[1])
    assert cells and not [cell for cell in cells if re.fullmatch(r"[a-z_:]+", cell)], cells
    assert "开封市" in listing.text and ">kaifeng<" not in listing.text


@pytest.mark.parametrize("delimiter", [";", "\t"], ids=["semicolons", "tabs"])
async def test_a_file_with_semicolons_or_tabs_between_cells_imports(storage: Storage, delimiter: str) -> None:
    """Excel set to a European list separator writes semicolons, "文本文件（制表符分隔）" tabs:
    the header was refused as one unknown column named alias;jurisdiction;..."""
    text = excel_families(3).replace(",", delimiter)
    async with browser(storage) as c:
        csrf = await signed_in(c, storage, ADMIN)
        page = await upload(c, csrf, text.encode("gbk"))
    assert page.status_code == 200 and "已导入 3 户家庭" in page.text, problems_of(page)
    assert {f["village"] for f in await storage.registry.search_families(None)} == {"东村0", "东村1", "东村2"}


def test_the_cli_imports_a_semicolon_file_too(tmp_path: Path) -> None:
    from bot.reminders.registry_csv import parse_families

    rows = parse_families("alias;jurisdiction;township\n王家;开封;城关镇\n\"李;家\";kaifeng;\n")
    assert [(r["alias"], r["jurisdiction"], r["township"]) for r in rows] == [
        ("王家", "kaifeng", "城关镇"), ("李;家", "kaifeng", "")]


@pytest.mark.parametrize("path", ["/console/search", "/console/family/new", "/console/forget", "/console/urgent",
                                  "/console/contacts/assign", "/console/signout", "/console/backup"])
async def test_a_huge_form_is_refused_in_chinese_without_being_read_whole(storage: Storage, path: str) -> None:
    """Over 64 KB, declared or not (chunked): the console's own page in Chinese, not an English
    JSON line or Starlette's "Field exceeded maximum size"; the session still works after."""
    async with browser(storage) as c:
        csrf = await signed_in(c, storage, ADMIN)
        declared = await c.post(path, data={"csrf": csrf, "q": "x" * 100_000, "alias": "王家"})

        async def chunked() -> AsyncIterator[bytes]:
            yield f"csrf={csrf}&q=".encode()
            for _ in range(40):
                yield b"x" * 65536

        streamed = await c.post(path, content=chunked(), headers={"content-type": "application/x-www-form-urlencoded"})
        for page in (declared, streamed):
            assert page.status_code == 413 and "内容太多" in page.text, page.text[:200]
        assert (await c.get("/console")).status_code == 200
    assert await storage.registry.search_families(None) == []


@pytest.mark.parametrize(("path", "page"), [
    ("/console/search", "/console"), ("/console/urgent", "/console"), ("/console/forget", "/console"),
    ("/console/signout", "/console"), ("/console/contacts/search", "/console/contacts"),
    ("/console/contacts/assign", "/console/contacts"), ("/console/contacts/unassign", "/console/contacts"),
    ("/console/backup", "/console/maintenance"), ("/console/retention", "/console/maintenance")])
async def test_opening_a_forms_address_goes_back_to_its_page_and_changes_nothing(
        storage: Storage, path: str, page: str) -> None:
    """After a search or a button the address bar shows e.g. /console/search; pressing Enter
    there (a GET) answered an English JSON line. Now it leads back to the page of that form."""
    async with browser(storage) as c:
        await signed_in(c, storage, ADMIN)
        before = len(await storage.audit.entries(limit=1000))
        r = await c.get(path)
        assert r.status_code == 303 and r.headers["location"] == page
        assert len(await storage.audit.entries(limit=1000)) == before  # nothing done, nothing read
        assert (await c.get(page)).status_code == 200


async def test_a_clerk_working_for_over_30_minutes_stays_signed_in(storage: Storage) -> None:
    """The cookie had Max-Age=1800 from sign-in on: the browser dropped it after 30 minutes
    even while the clerk kept working (the server's idle clock restarts on each page), signing
    her out in the middle of a form. The server's 30 minutes idle alone ends a session."""
    import datetime as dt

    from bot.storage.office_sessions import SESSION_IDLE

    async with browser(storage) as c:
        r = await c.post(link_path(await storage.office_sessions.create_link(ADMIN)))
        cookie = r.headers["set-cookie"].lower()
        assert "max-age" not in cookie and "expires" not in cookie, cookie
        token = c.cookies.get("lianxin_console")
        assert token
        start = dt.datetime.now(dt.UTC)
        for minutes in (20, 40, 60):  # a page every 20 minutes keeps the session
            assert await storage.office_sessions.session(token, start + dt.timedelta(minutes=minutes)) is not None
        assert await storage.office_sessions.session(token, start + dt.timedelta(minutes=60) + SESSION_IDLE * 2) is None


async def test_a_sheet_with_chinese_column_names_imports(storage: Storage) -> None:
    """The office's own sheet is headed 代称、城市、乡镇... (the names the console's forms and
    refusals use): refused before as unknown columns."""
    families = "代称,城市,乡镇,村,联系备注,年老多病,独居\r\n王家,开封,城关镇,东村,,是,否\r\n"
    contacts = "姓名,角色,乡镇,Telegram 账号\r\n张三,村干部,城关镇,123\r\n"
    async with browser(storage) as c:
        csrf = await signed_in(c, storage, ADMIN)
        first = await upload(c, csrf, families.encode("gbk"))
        second = await upload(c, csrf, contacts.encode("gbk"), kind="contacts")
    assert "已导入 1 户家庭" in first.text and "已导入 1 位联系人" in second.text, problems_of(first) + problems_of(second)
    [family] = await storage.registry.search_families(None)
    assert (family["alias"], family["township"], family["old_sick"]) == ("王家", "城关镇", 1)
    assert [(c["name"], c["telegram_id"]) for c in await storage.registry.list_contacts()] == [("张三", 123)]


async def test_pressing_urgent_twice_does_not_say_the_family_has_no_contacts(storage: Storage) -> None:
    """The second press the same day adds no reminder (one per contact and day): it said
    "这户家庭还没有分配联系人" of a family that has contacts, who were being reminded."""
    import datetime as dt

    from bot.operations.registry import checked_assign, checked_contact, checked_family

    family = await checked_family(storage, {"alias": "王家", "jurisdiction": "kaifeng"})
    alone = await checked_family(storage, {"alias": "李家", "jurisdiction": "kaifeng"})
    contact = await checked_contact(storage, {"name": "张三", "role": "村干部", "telegram_id": "777"})
    today = dt.date.today()
    await checked_assign(storage, family["id"], contact["id"], today, today)
    async with browser(storage) as c:
        csrf = await signed_in(c, storage, STAFF_KAIFENG)
        from bot.reminders.planner import SHANGHAI
        confirmed = {"csrf": csrf, "family": str(family["id"]), "confirm": "yes",
                     "day": dt.datetime.now(SHANGHAI).date().isoformat()}
        pages = await asyncio.gather(*[c.post("/console/urgent", data=confirmed) for _ in range(2)])
        nobody = await c.post("/console/urgent", data={"csrf": csrf, "family": str(alone["id"])})
    assert sum("1 位联系人会马上收到提醒" in p.text for p in pages) == 1
    again = next(p for p in pages if "会马上收到提醒" not in p.text)
    assert again.status_code == 200 and "已经为这户发起过紧急走访" in again.text and "没有分配联系人" not in again.text
    assert len([r for r in await storage.reminders.all() if r.kind == "urgent"]) == 1
    assert nobody.status_code == 409 and "没有分配联系人" in nobody.text


def test_the_cli_imports_excels_gbk_file_as_the_console_does(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    file = tmp_path / "families.csv"
    file.write_bytes(excel_families(3).encode("gbk"))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "BOT_"))}
    env["BOT_DATABASE"] = str(tmp_path / "db.sqlite3")
    done = subprocess.run([sys.executable, "-m", "bot", "admin", "import-families", str(file)], env=env,
                          cwd=Path(__file__).resolve().parents[2], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "imported 3 families" in done.stdout, done.stderr
