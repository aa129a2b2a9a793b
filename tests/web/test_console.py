"""The office console over HTTP: sign-in by one-time link (expired and reused links refused),
sessions in the database with an idle timeout, CSRF on every form, and staff of one city
seeing nothing of another city's families, every list shown audited."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import sqlite3
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from bot.operations.access import link_path
from bot.settings import Settings
from bot.storage import Role, Storage
from bot.web.app import create_app
from bot.web.office_common import COOKIE

ADMIN, STAFF_KAIFENG, STAFF_LINYI, FAMILY_USER = 11, 22, 33, 44


@pytest.fixture
async def storage(tmp_path: Path) -> AsyncIterator[Storage]:
    s = await Storage.open(tmp_path / "db.sqlite3")
    await s.registry.import_families([{"contact_note": "", "old_sick": 0, "lives_alone": 0, "telegram_id": None, **row} for row in [
        {"alias": "王家", "jurisdiction": "kaifeng", "township": "城关镇", "village": "东村"},
        {"alias": "李家", "jurisdiction": "kaifeng", "township": "朱仙镇", "village": "西村"},
        {"alias": "张家", "jurisdiction": "linyi", "township": "兰山街道", "village": "南村"},
    ]])
    for user, role, city in ((ADMIN, Role.ADMIN, None), (STAFF_KAIFENG, Role.STAFF, "kaifeng"),
                             (STAFF_LINYI, Role.STAFF, "linyi"), (FAMILY_USER, Role.FAMILY, "kaifeng")):
        await s.users.ensure(user)
        await s.users.set_role(user, role)
        if city:
            await s.users.set_jurisdiction(user, city)
    yield s
    await s.close()


def browser(storage: Storage) -> httpx.AsyncClient:
    app = create_app(storage=storage, settings=Settings(_env_file=None), announce_random_key=False)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="https://lianxin.test")


async def signed_in(c: httpx.AsyncClient, storage: Storage, user: int) -> str:
    """Signs in by link; returns the page's CSRF token."""
    r = await c.post(link_path(await storage.office_sessions.create_link(user)))
    assert r.status_code == 303 and r.headers["location"] == "/console"
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "secure" in cookie and "samesite=strict" in cookie
    page = await c.get("/console")
    assert page.status_code == 200
    found = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert found
    return found.group(1)


async def test_a_link_signs_in_once_and_shows_the_registry(storage: Storage) -> None:
    token = await storage.office_sessions.create_link(ADMIN)
    async with browser(storage) as c:
        assert (await c.get("/console")).status_code == 401
        assert (await c.post(link_path(token))).status_code == 303
        page = await c.get("/console")
        assert page.status_code == 200 and {"王家", "李家", "张家"} <= set(re.findall(r">(.家)</a></td>", page.text))
    async with browser(storage) as other:  # the same link a second time, e.g. forwarded
        again = await other.post(link_path(token))
        assert again.status_code == 403 and "已经用过" in again.text and COOKIE not in again.headers.get("set-cookie", "")
        assert (await other.get("/console")).status_code == 401


async def test_opening_the_link_does_not_use_it_up_only_the_button_signs_in(storage: Storage) -> None:
    """A chat app's link preview or a mail scanner GETs the link before the person does."""
    token = await storage.office_sessions.create_link(ADMIN)
    async with browser(storage) as preview:
        for _ in range(3):
            page = await preview.get(link_path(token))
            assert page.status_code == 200 and "set-cookie" not in page.headers
            assert f'<form method="post" action="{link_path(token)}">' in page.text
            assert page.headers["referrer-policy"] == "same-origin"
        assert (await preview.get("/console")).status_code == 401
    async with browser(storage) as person:
        assert (await person.post(link_path(token))).status_code == 303
        assert (await person.get("/console")).status_code == 200
        assert (await person.get(link_path(token))).status_code == 403  # used: the page says so


async def test_a_sign_in_posted_from_another_site_is_refused(storage: Storage) -> None:
    token = await storage.office_sessions.create_link(ADMIN)
    async with browser(storage) as c:
        forged = await c.post(link_path(token), headers={"Origin": "https://evil.example"})
        assert forged.status_code == 403 and "set-cookie" not in forged.headers
        assert (await c.post(link_path(token), headers={"Origin": "https://lianxin.test"})).status_code == 303


async def test_an_expired_or_made_up_link_is_refused(storage: Storage) -> None:
    old = await storage.office_sessions.create_link(ADMIN, now=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=11))
    async with browser(storage) as c:
        assert (await c.get(link_path(old))).status_code == 403
        assert (await c.post(link_path(old))).status_code == 403
        assert (await c.post(link_path("made-up-token"))).status_code == 403
        assert (await c.get("/console")).status_code == 401


async def test_only_the_hash_of_a_token_is_stored(storage: Storage, tmp_path: Path) -> None:
    token = await storage.office_sessions.create_link(ADMIN)
    await storage.close()
    raw = b"".join(f.read_bytes() for f in tmp_path.glob("db.sqlite3*"))
    assert b"console_links" in raw and token.encode() not in raw
    storage._db = (await Storage.open(tmp_path / "db.sqlite3"))._db  # reopened for the fixture's close


async def test_a_session_ends_when_idle_and_on_sign_out(storage: Storage) -> None:
    session = await storage.office_sessions.redeem_link(await storage.office_sessions.create_link(ADMIN))
    assert session and await storage.office_sessions.session(session) is not None
    later = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=31)
    assert await storage.office_sessions.session(session, now=later) is None
    async with browser(storage) as c:
        csrf = await signed_in(c, storage, ADMIN)
        out = await c.post("/console/signout", data={"csrf": csrf})
        assert out.status_code == 200 and "已退出" in out.text
        c.cookies.clear()
        assert (await c.get("/console")).status_code == 401


async def test_a_form_without_its_csrf_token_is_refused(storage: Storage) -> None:
    async with browser(storage) as c:
        csrf = await signed_in(c, storage, ADMIN)
        assert (await c.post("/console/search", data={"q": "王"})).status_code == 403
        assert (await c.post("/console/search", data={"q": "王", "csrf": "forged"})).status_code == 403
        assert (await c.post("/console/signout", data={})).status_code == 403
        found = await c.post("/console/search", data={"q": "东村", "csrf": csrf})
        assert found.status_code == 200 and "王家" in found.text and "李家" not in found.text


async def test_staff_see_only_their_own_citys_families_and_every_list_is_audited(storage: Storage) -> None:
    async with browser(storage) as c:
        csrf = await signed_in(c, storage, STAFF_LINYI)
        page = (await c.get("/console")).text
        assert "张家" in page and "王家" not in page and "李家" not in page
        searched = (await c.post("/console/search", data={"q": "王家", "csrf": csrf})).text
        assert ">王家</a>" not in searched and "没有找到" in searched
    entries = [e for e in await storage.audit.entries(50) if e["action"] == "console_list_families"]
    assert {e["actor"] for e in entries} == {STAFF_LINYI} and len(entries) == 3  # sign-in page, page, search
    async with browser(storage) as c:
        await signed_in(c, storage, STAFF_KAIFENG)
        page = (await c.get("/console")).text
        assert "王家" in page and "李家" in page and "张家" not in page


async def test_a_family_member_cannot_sign_in_even_with_a_link(storage: Storage) -> None:
    async with browser(storage) as c:
        await c.post(link_path(await storage.office_sessions.create_link(FAMILY_USER)))
        assert (await c.get("/console")).status_code == 401


def test_the_cli_prints_a_link_for_staff_and_refuses_others(tmp_path: Path) -> None:
    import asyncio

    async def setup() -> None:
        s = await Storage.open(tmp_path / "db.sqlite3")
        await s.users.ensure(STAFF_KAIFENG)
        await s.users.set_role(STAFF_KAIFENG, Role.STAFF)
        await s.users.ensure(FAMILY_USER)
        await s.close()

    asyncio.run(setup())
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "BOT_"))}
    env["BOT_DATABASE"] = str(tmp_path / "db.sqlite3")

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "bot", "admin", *args], env=env, cwd=tmp_path,
                              capture_output=True, text=True, timeout=60)

    ok = cli("console-link", str(STAFF_KAIFENG))
    assert ok.returncode == 0 and re.fullmatch(r"/console/link/[A-Za-z0-9_-]{40,}\n", ok.stdout)
    env["WEB_PUBLIC_URL"] = "https://lianxin.example.cn/"
    whole = cli("console-link", str(STAFF_KAIFENG))
    assert re.fullmatch(r"https://lianxin\.example\.cn/console/link/[A-Za-z0-9_-]{40,}\n", whole.stdout)
    refused = cli("console-link", str(FAMILY_USER))
    assert refused.returncode == 2 and len(refused.stderr.strip().splitlines()) == 1 and not refused.stdout


BAD_FAMILIES = "alias,jurisdiction,township,village\n赵家,kaifeng,城关镇,北村\n孙家,nowhere,城关镇,北村\n周家,,城关镇,\n"
GOOD_FAMILIES = "alias,jurisdiction,township,village\n赵家,kaifeng,城关镇,北村\n孙家,开封,城关镇,南村\n"


async def test_an_import_with_bad_rows_lists_each_line_and_imports_nothing_then_a_good_one_imports(
        storage: Storage) -> None:
    async with browser(storage) as c:
        csrf = await signed_in(c, storage, ADMIN)
        bad = await c.post("/console/import", data={"csrf": csrf, "kind": "families"},
                           files={"file": ("f.csv", BAD_FAMILIES.encode("utf-8"), "text/csv")})
        assert bad.status_code == 400 and "第 3 行" in bad.text and "第 4 行" in bad.text and "没有导入" in bad.text
        assert "第 2 行" not in bad.text and "line 3" not in bad.text  # Chinese, not the CLI's English
        assert len(await storage.registry.list_families()) == 3  # 赵家 on the good line 2 was not imported
        good = await confirmed_import(c, csrf, GOOD_FAMILIES.encode("utf-8-sig"))
        assert good.status_code == 200 and "已导入 2 户家庭" in good.text
        assert {"赵家", "孙家"} <= {f["alias"] for f in await storage.registry.list_families()}
        latin = await c.post("/console/import", data={"csrf": csrf, "kind": "families"},
                             files={"file": ("f.csv", GOOD_FAMILIES.encode("gb18030"), "text/csv")})
        assert latin.status_code == 400 and "UTF-8" in latin.text
        forged = await c.post("/console/import", data={"kind": "families"},
                              files={"file": ("f.csv", GOOD_FAMILIES.encode(), "text/csv")})
        assert forged.status_code == 403


async def test_staff_cannot_import(storage: Storage) -> None:
    async with browser(storage) as c:
        csrf = await signed_in(c, storage, STAFF_KAIFENG)
        r = await c.post("/console/import", data={"csrf": csrf, "kind": "families"},
                         files={"file": ("f.csv", GOOD_FAMILIES.encode(), "text/csv")})
        assert r.status_code == 403 and len(await storage.registry.list_families()) == 3


async def test_the_visit_export_is_the_clis_neutralised_csv_and_staff_get_their_city_only(
        storage: Storage, tmp_path: Path) -> None:
    ids = {f["alias"]: f["id"] for f in await storage.registry.list_families()}
    con = sqlite3.connect(tmp_path / "db.sqlite3")
    con.executemany("INSERT INTO care_visits (family_id, day, kind, outcome, notes, logged_at)"
                    " VALUES (?, '2026-11-01', 'home_visit', 'need', ?, '2026-11-01')",
                    [(ids["王家"], "=HYPERLINK(\"x\")"), (ids["张家"], "临沂的走访")])
    con.commit()
    con.close()
    async with browser(storage) as c:
        await signed_in(c, storage, STAFF_KAIFENG)
        r = await c.get("/console/visits.csv")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    # in words an office reads in a spreadsheet: Chinese headings, city, kind and outcome
    assert list(rows[0]) == ["日期", "城市", "家庭代称", "联系人", "事项", "情况", "备注", "几天后跟进"]
    assert [row["家庭代称"] for row in rows] == ["王家"] and not rows[0]["备注"].startswith("=")
    assert (rows[0]["城市"], rows[0]["事项"], rows[0]["情况"]) == ("开封市", "上门走访", "有困难，需要跟进")
    assert "console_export_visits" in {e["action"] for e in await storage.audit.entries(50)}


async def _overdue_registry(storage: Storage) -> dict[str, int]:
    """王家 (开封, 城关镇) and 张家 (临沂) each with an overdue reminder; 李家's cannot be delivered."""
    ids = {f["alias"]: f["id"] for f in await storage.registry.list_families()}
    await storage.registry.import_contacts([{"name": "李镇长", "role": "township_leader", "township": "城关镇",
                                             "telegram_id": 801},
                                            {"name": "张干部", "role": "village_cadre", "township": "",
                                             "telegram_id": 802}])
    contacts = {c["name"]: c["id"] for c in await storage.registry.list_contacts()}
    long_ago = dt.date.today() - dt.timedelta(days=20)
    moment = dt.datetime.now(dt.UTC) - dt.timedelta(days=20)
    for alias, contact in (("王家", "李镇长"), ("李家", "李镇长"), ("张家", "张干部")):
        await storage.registry.assign(ids[alias], contacts[contact], long_ago)
        await storage.reminders.add([(ids[alias], contacts[contact], "routine", long_ago, moment)])
    stuck = [r for r in await storage.reminders.all() if r.family_id == ids["李家"]]
    await storage.reminders.mark_undeliverable(stuck[0].id)
    return ids


async def test_overdue_at_a_glance_per_township_and_contact_with_undeliverable_apart(storage: Storage) -> None:
    await _overdue_registry(storage)
    async with browser(storage) as c:
        await signed_in(c, storage, STAFF_KAIFENG)
        page = (await c.get("/console/overdue")).text
    township = page.split('id="by-township"')[1].split("</section>")[0]
    assert "<td>城关镇</td><td>1</td>" in township  # 李家's undeliverable one is not counted here
    assert "<td>李镇长</td><td>1</td>" in page.split('id="by-contact"')[1].split("</section>")[0]
    assert "李家" in page.split('id="undeliverable"')[1].split("</section>")[0]
    assert "张家" not in page and "张干部" not in page  # another city's


async def test_overdue_says_which_reminders_went_to_a_supervisor(storage: Storage) -> None:
    from dialogs import web_copy as w

    ids = await _overdue_registry(storage)
    wang = next(r for r in await storage.reminders.all() if r.family_id == ids["王家"])
    async with browser(storage) as c:
        await signed_in(c, storage, ADMIN)
        before = (await c.get("/console/overdue")).text
        await storage.reminders.mark_escalated(wang.id, dt.datetime.now(dt.UTC))
        after = (await c.get("/console/overdue")).text
    assert w.CONSOLE_OVERDUE_SUMMARY.format(count=2, escalated=0) in before
    assert w.CONSOLE_OVERDUE_SUMMARY.format(count=2, escalated=1) in after
    row = next(r for r in after.split('id="overdue-list"')[1].split("<tr>") if "王家" in r)
    assert f'<td class="state">{w.CONSOLE_STATE_NAMES["escalated"]}</td>' in row
    assert f"<th>{w.CONSOLE_COL_STATE}</th>" in after


async def test_the_urgent_button_reminds_the_familys_contacts_and_is_refused_for_another_city(
        storage: Storage) -> None:
    ids = await _overdue_registry(storage)
    async with browser(storage) as c:
        csrf = await signed_in(c, storage, STAFF_KAIFENG)
        assert (await c.post("/console/urgent", data={"family": str(ids["王家"])})).status_code == 403
        other = await c.post("/console/urgent", data={"family": str(ids["张家"]), "csrf": csrf})
        assert other.status_code == 404
        asked = await c.post("/console/urgent", data={"family": str(ids["王家"]), "csrf": csrf})
        assert asked.status_code == 200 and "确认，马上发送" in asked.text  # nothing sent before 确认
        assert [r for r in await storage.reminders.all() if r.kind == "urgent"] == []
        from bot.reminders.planner import SHANGHAI
        done = await c.post("/console/urgent", data={"family": str(ids["王家"]), "csrf": csrf, "confirm": "yes",
                                                     "day": dt.datetime.now(SHANGHAI).date().isoformat()})
        assert done.status_code == 200 and "1 位联系人" in done.text
    urgent = [r for r in await storage.reminders.all() if r.kind == "urgent"]
    assert [r.family_id for r in urgent] == [ids["王家"]]


async def test_a_familys_page_shows_its_timeline_audited_and_is_hidden_from_another_city(
        storage: Storage) -> None:
    ids = await _overdue_registry(storage)
    async with browser(storage) as c:
        await signed_in(c, storage, STAFF_LINYI)
        assert (await c.get(f"/console/family/{ids['王家']}")).status_code == 404
    async with browser(storage) as c:
        await signed_in(c, storage, STAFF_KAIFENG)
        page = await c.get(f"/console/family/{ids['王家']}")
    assert page.status_code == 200 and "李镇长" in page.text
    timeline = page.text.split('id="timeline"')[1]
    assert (dt.date.today() - dt.timedelta(days=20)).isoformat() in timeline
    reads = [e for e in await storage.audit.entries(50) if e["action"] == "read_care_family"]
    assert [(e["actor"], e["detail"]) for e in reads] == [(STAFF_KAIFENG, f"kaifeng #{ids['王家']}")]


async def test_assign_supervisor_and_contact_left_with_the_clis_validation(storage: Storage) -> None:
    ids = {f["alias"]: f["id"] for f in await storage.registry.list_families()}
    await storage.registry.import_contacts([{"name": "李镇长", "role": "township_leader", "township": "城关镇",
                                             "telegram_id": 801},
                                            {"name": "王医生", "role": "health_cadre", "township": "城关镇",
                                             "telegram_id": 802}])
    contacts = {c["name"]: c["id"] for c in await storage.registry.list_contacts()}
    async with browser(storage) as c:
        csrf = await signed_in(c, storage, STAFF_KAIFENG)
        assert (await c.post("/console/contacts/assign", data={"csrf": csrf, "contact": "1", "family": "1"})
                ).status_code == 403  # staff do not manage the registry
    async with browser(storage) as c:
        csrf = await signed_in(c, storage, ADMIN)
        done = await c.post("/console/contacts/assign",
                            data={"csrf": csrf, "contact": str(contacts["李镇长"]), "family": str(ids["王家"])})
        assert done.status_code == 200 and "已保存" in done.text
        assert [a.contact_id for a in await storage.registry.assignments(ids["王家"])] == [contacts["李镇长"]]
        unknown = await c.post("/console/contacts/assign",
                               data={"csrf": csrf, "contact": str(contacts["李镇长"]), "family": "9999"})
        assert unknown.status_code == 400 and "找不到编号为 9999 的家庭" in unknown.text and "unknown" not in unknown.text
        itself = await c.post("/console/contacts/supervisor", data={
            "csrf": csrf, "contact": str(contacts["王医生"]), "supervisor": str(contacts["王医生"])})
        assert itself.status_code == 400 and "不能做自己的上级" in itself.text
        boss = await c.post("/console/contacts/supervisor", data={
            "csrf": csrf, "contact": str(contacts["王医生"]), "supervisor": str(contacts["李镇长"])})
        assert boss.status_code == 200
        left = await c.post("/console/contacts/left", data={"csrf": csrf, "contact": str(contacts["王医生"])})
        assert left.status_code == 200
        assert (await c.post("/console/contacts/left", data={"contact": str(contacts["李镇长"])})).status_code == 403
    rows = {r["name"]: r for r in await storage.registry.list_contacts()}
    assert rows["王医生"]["supervisor_id"] == contacts["李镇长"] and not rows["王医生"]["active"]
    assert rows["李镇长"]["active"]


async def test_forgetting_a_staff_member_removes_their_links_and_sessions(storage: Storage) -> None:
    await storage.office_sessions.redeem_link(await storage.office_sessions.create_link(STAFF_KAIFENG))
    await storage.office_sessions.create_link(STAFF_KAIFENG)
    assert await storage.users.rows_about(STAFF_KAIFENG) > 0
    await storage.users.forget(STAFF_KAIFENG)
    assert await storage.users.rows_about(STAFF_KAIFENG) == 0


async def confirmed_import(c: httpx.AsyncClient, csrf: str, data: bytes, kind: str = "families",
                           name: str = "f.csv") -> httpx.Response:
    """Upload, then press 确认导入 on the preview (the way an office imports); the preview's
    response if it refused the file."""
    preview = await c.post("/console/import", data={"csrf": csrf, "kind": kind},
                           files={"file": (name, data, "text/csv")})
    found = re.search(r'<textarea name="confirmed" hidden>(.*?)</textarea>', preview.text, re.S)
    if preview.status_code != 200 or not found:
        return preview
    import html

    return await c.post("/console/import", data={"csrf": csrf, "kind": kind, "confirmed": html.unescape(found[1])},
                        files={"unused": ("", b"", "application/octet-stream")})  # multipart, as the browser


async def test_an_import_is_previewed_first_and_written_only_when_confirmed(storage: Storage) -> None:
    from dialogs import web_copy as w

    async with browser(storage) as c:
        csrf = await signed_in(c, storage, ADMIN)
        preview = await c.post("/console/import", data={"csrf": csrf, "kind": "families"},
                               files={"file": ("f.csv", GOOD_FAMILIES.encode("utf-8"), "text/csv")})
        assert preview.status_code == 200 and w.CONSOLE_PREVIEW_FAMILIES.format(count=2, shown=2) in preview.text
        shown = preview.text.split('id="import-preview"')[1].split("</table>")[0]
        assert "<td>赵家</td><td>开封市</td><td>城关镇</td><td>北村</td>" in shown  # in words, not codes
        assert len(await storage.registry.list_families()) == 3  # nothing written yet
        done = await confirmed_import(c, csrf, GOOD_FAMILIES.encode("utf-8"))
        assert done.status_code == 200 and "已导入 2 户家庭" in done.text
        assert {"赵家", "孙家"} <= {f["alias"] for f in await storage.registry.list_families()}
        again = await confirmed_import(c, csrf, GOOD_FAMILIES.encode("utf-8"))  # the same file twice
        assert again.status_code == 400 and len(await storage.registry.list_families()) == 5
