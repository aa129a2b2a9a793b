"""What an office admin and an attacker found in the console (issue 23): sign-in over plain
http, the CSV headings offices really use, 紧急走访 without a confirmation, a postponed
reminder shown as unsent, two admins overwriting each other, a non-ASCII CSRF token and a
double backup giving a 500, a session that never ends, refusals left out of the audit log,
and township / village fields without a length limit."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from bot.operations.access import link_path
from bot.reminders.planner import SHANGHAI
from bot.reminders.registry_csv import CsvProblems, parse_contacts, parse_families
from bot.settings import Settings
from bot.storage import Role, Storage
from bot.web.app import create_app

ADMIN, ADMIN_2, STAFF_KAIFENG, STAFF_LINYI = 11, 12, 22, 33


@pytest.fixture
async def storage(tmp_path: Path) -> AsyncIterator[Storage]:
    s = await Storage.open(tmp_path / "db.sqlite3")
    await s.registry.import_families([{"contact_note": "", "old_sick": 0, "lives_alone": 0, "telegram_id": None, **row}
                                      for row in [
        {"alias": "王家", "jurisdiction": "kaifeng", "township": "城关镇", "village": "东村"},
        {"alias": "张家", "jurisdiction": "linyi", "township": "兰山街道", "village": "南村"},
    ]])
    for user, role, city in ((ADMIN, Role.ADMIN, None), (ADMIN_2, Role.ADMIN, None),
                             (STAFF_KAIFENG, Role.STAFF, "kaifeng"), (STAFF_LINYI, Role.STAFF, "linyi")):
        await s.users.ensure(user)
        await s.users.set_role(user, role)
        if city:
            await s.users.set_jurisdiction(user, city)
    yield s
    await s.close()


def browser(storage: Storage, base: str = "https://lianxin.test", **settings: object) -> httpx.AsyncClient:
    app = create_app(storage=storage, settings=Settings(_env_file=None, **settings),  # type: ignore[arg-type]
                     announce_random_key=False)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=base)


async def signed_in(c: httpx.AsyncClient, storage: Storage, user: int) -> str:
    r = await c.post(link_path(await storage.office_sessions.create_link(user)))
    assert r.status_code == 303, r.text
    found = re.search(r'name="csrf" value="([^"]+)"', (await c.get("/console")).text)
    assert found
    return found.group(1)


async def family_ids(storage: Storage) -> dict[str, int]:
    return {f["alias"]: f["id"] for f in await storage.registry.list_families()}


# --- 2. plain http from another machine --------------------------------------------------

async def test_plain_http_from_another_machine_says_https_and_keeps_the_link(storage: Storage) -> None:
    token = await storage.office_sessions.create_link(ADMIN)
    async with browser(storage, "http://192.168.1.20:8080") as c:
        page = await c.get(link_path(token))
        assert page.status_code == 400 and "https://" in page.text and "登录" in page.text
        assert 'method="post"' not in page.text  # no 登录 button that would spend the link for nothing
        pressed = await c.post(link_path(token))
        assert pressed.status_code == 400 and "https://" in pressed.text and "还没有用掉" in pressed.text
        assert "WEB_CONSOLE_SECURE_COOKIE" in pressed.text and "set-cookie" not in pressed.headers
    assert await storage.office_sessions.link_usable(token)  # not spent: the same link works over https
    async with browser(storage) as c:
        assert (await c.post(link_path(token))).status_code == 303


async def test_https_behind_the_proxy_localhost_and_the_test_setting_still_sign_in(storage: Storage) -> None:
    async with browser(storage, "http://lianxin.example.cn") as c:  # nginx says the browser used https
        r = await c.post(link_path(await storage.office_sessions.create_link(ADMIN)), headers={"X-Forwarded-Proto": "https"})
        assert r.status_code == 303
    for base in ("http://127.0.0.1:8080", "http://localhost:8080"):  # a browser keeps Secure cookies there
        async with browser(storage, base) as c:
            assert (await c.post(link_path(await storage.office_sessions.create_link(ADMIN)))).status_code == 303
    async with browser(storage, "http://192.168.1.20:8080", WEB_CONSOLE_SECURE_COOKIE=False) as c:
        r = await c.post(link_path(await storage.office_sessions.create_link(ADMIN)))
        assert r.status_code == 303 and "secure" not in r.headers["set-cookie"].lower()
        assert (await c.get("/console")).status_code == 200


# --- 3. the headings offices use ---------------------------------------------------------

def test_common_variants_of_every_heading_are_accepted() -> None:
    families = parse_families("家庭代称,市,乡镇（街道）,村（社区）,备注,老病,是否独居,TG号\n"
                              "王家,开封,城关镇,东村,先打电话,是,否,8001\n")
    assert families == [{"alias": "王家", "jurisdiction": "kaifeng", "township": "城关镇", "village": "东村",
                         "contact_note": "先打电话", "old_sick": 1, "lives_alone": 0, "telegram_id": 8001}]
    for old_sick in ("年老多病", "老病", "年老体弱多病", " 年老 多病 "):
        for telegram in ("Telegram 账号", "Telegram ID", "TG号", "ＴＧ号", "telegram_id"):
            parsed = parse_families(f"代称,城市,{old_sick},{telegram}\n李家,kaifeng,是,9001\n")
            assert parsed[0]["old_sick"] == 1 and parsed[0]["telegram_id"] == 9001, (old_sick, telegram)
    contacts = parse_contacts("联系人姓名,职务,所属乡镇,Telegram ID\n李镇长,乡镇领导,城关镇,801\n")
    assert contacts == [{"name": "李镇长", "role": "township_leader", "township": "城关镇", "telegram_id": 801,
                         "wecom_user_id": None}]


def test_a_wrong_heading_lists_the_accepted_names_in_chinese() -> None:
    from bot.reminders.registry_csv import chinese_problem

    with pytest.raises(CsvProblems) as refused:
        parse_families("代称,颜色\n王家,红\n")
    said = chinese_problem(refused.value.items[0])
    assert said.startswith("第 1 行：表头（第一行）必须有这些列：代称、城市。缺少的列：城市；不认识的列：颜色。")
    assert "年老多病（老病、年老体弱多病" in said and "Telegram 账号（Telegram ID" in said and "TG号" in said
    assert "alias, jurisdiction" not in said  # the columns by their Chinese names, not the codes


async def test_the_import_page_uses_one_name_per_column_in_help_and_preview(storage: Storage) -> None:
    async with browser(storage) as c:
        csrf = await signed_in(c, storage, ADMIN)
        page = await c.get("/console/import")
        help_text = page.text.split('id="import-help">')[1].split("</p>")[0]
        assert "年老多病（老病" in help_text and "Telegram 账号（" in help_text and "alias,jurisdiction" not in help_text
        r = await c.post("/console/import", data={"csrf": csrf, "kind": "contacts"},
                         files={"file": ("c.csv", "姓名,角色,TG号\n李镇长,乡镇领导,801\n".encode(), "text/csv")})
    headings = re.findall(r"<th>([^<]+)</th>", r.text.split('id="import-preview"')[1])
    assert r.status_code == 200 and headings == ["姓名", "角色", "乡镇", "Telegram 账号"]


# --- 4. 紧急走访 asks first -----------------------------------------------------------------

async def _assigned(storage: Storage) -> int:
    ids = await family_ids(storage)
    await storage.registry.import_contacts([
        {"name": "李镇长", "role": "township_leader", "township": "城关镇", "telegram_id": 801},
        {"name": "赵主任", "role": "village_cadre", "township": "城关镇", "telegram_id": None}])
    for contact in (1, 2):
        await storage.registry.assign(ids["王家"], contact, dt.date.today())
    return ids["王家"]


async def test_urgent_says_what_goes_to_whom_and_sends_only_on_confirm(storage: Storage) -> None:
    family = await _assigned(storage)
    today = dt.datetime.now(SHANGHAI).date().isoformat()
    async with browser(storage) as c:
        csrf = await signed_in(c, storage, STAFF_KAIFENG)
        asked = await c.post("/console/urgent", data={"csrf": csrf, "family": str(family)})
        assert asked.status_code == 200 and "确认，马上发送" in asked.text
        who = asked.text.split('id="urgent-who">')[1].split("</ul>")[0]
        assert "李镇长（乡镇领导）" in who and "赵主任（村干部）：没有 Telegram 账号" in who
        assert "紧急上门" in asked.text and "王家" in asked.text  # the words they will get
        assert [r for r in await storage.reminders.all() if r.kind == "urgent"] == []  # nothing sent yet
        confirm = {"csrf": csrf, "family": str(family), "confirm": "yes", "day": today}
        done, replayed = await asyncio.gather(c.post("/console/urgent", data=confirm),
                                              c.post("/console/urgent", data=confirm))
        again = await c.post("/console/urgent", data=confirm)
        stale = await c.post("/console/urgent", data={**confirm, "day": "2020-01-01"})
    said = [p.text for p in (done, replayed)]
    assert sum("2 位联系人会马上收到提醒" in t for t in said) == 1  # a double POST reminds once
    assert sum("已经为这户发起过紧急走访" in t for t in said) == 1 and "已经为这户发起过紧急走访" in again.text
    assert stale.status_code == 409 and "已经过期" in stale.text
    assert len([r for r in await storage.reminders.all() if r.kind == "urgent"]) == 2


# --- 5. a postponed reminder is not "还没发出" -----------------------------------------------

async def test_a_postponed_reminder_shows_it_was_sent_and_when_it_comes_back(storage: Storage) -> None:
    family = await _assigned(storage)
    now = dt.datetime.now(SHANGHAI)
    await storage.reminders.add([(family, 1, "phone_call", now.date(), now - dt.timedelta(hours=1))])
    reminder = (await storage.reminders.all())[0]
    assert await storage.reminders.claim(reminder.id)
    await storage.reminders.mark_sent(reminder.id, now - dt.timedelta(minutes=50), late=False)
    later = now + dt.timedelta(days=3)
    assert await storage.reminders.postpone(reminder.id, later)  # the contact pressed 推迟 3 天
    async with browser(storage) as c:
        await signed_in(c, storage, ADMIN)
        page = await c.get(f"/console/family/{family}")
    timeline = page.text.split('id="timeline"')[1].split("</table>")[0]
    assert "还没发出" not in timeline and f"已提醒，对方推迟到 {later.date().isoformat()} 再提醒" in timeline


# --- 6. two admins editing one family --------------------------------------------------------

def _form(page: str) -> dict[str, str]:
    form = page.split('id="family-form"')[1].split("</form>")[0]
    fields = dict(re.findall(r'name="([a-z_]+)" value="([^"]*)"', form))
    fields["jurisdiction"] = "kaifeng"
    return fields


async def test_a_later_save_does_not_silently_overwrite_an_earlier_one(storage: Storage) -> None:
    family = (await family_ids(storage))["王家"]
    async with browser(storage) as first, browser(storage) as second:
        await signed_in(first, storage, ADMIN)
        await signed_in(second, storage, ADMIN_2)
        a = _form((await first.get(f"/console/family/{family}/edit")).text)
        b = _form((await second.get(f"/console/family/{family}/edit")).text)
        assert a["version"] == b["version"]
        saved = await first.post(f"/console/family/{family}/edit", data={**a, "village": "北村"})
        assert saved.status_code == 303
        clash = await second.post(f"/console/family/{family}/edit", data={**b, "township": "朱仙镇"})
        assert clash.status_code == 409 and "另一位管理员已经保存" in clash.text
        table = clash.text.split('id="conflict-table"')[1].split("</table>")[0]
        assert "<strong>北村</strong>" in table and "<strong>东村</strong>" in table  # both versions shown
        assert "<strong>朱仙镇</strong>" in table and "<strong>城关镇</strong>" in table
        stored = await storage.registry.family(family)
        assert stored is not None and (stored["township"], stored["village"]) == ("城关镇", "北村")  # first kept
        keep_mine = dict(re.findall(r'name="([a-z_]+)" value="([^"]*)"',
                                    clash.text.split('id="keep-mine"')[1].split("</form>")[0]))
        chosen = await second.post(f"/console/family/{family}/edit", data=keep_mine)
        assert chosen.status_code == 303
    stored = await storage.registry.family(family)
    assert stored is not None and (stored["township"], stored["village"]) == ("朱仙镇", "东村")
    assert [e["actor"] for e in await storage.audit.entries(50) if e["action"] == "console_edit_conflict"] == [ADMIN_2]


# --- 7. a non-ASCII CSRF token, two backups in one second --------------------------------------

async def test_a_non_ascii_csrf_token_is_a_polite_403_not_a_500(storage: Storage) -> None:
    async with browser(storage) as c:
        await signed_in(c, storage, ADMIN)
        for path in ("/console/search", "/console/urgent", "/console/signout", "/console/backup",
                     "/console/family/new", "/console/contacts/assign"):
            r = await c.post(path, data={"csrf": "令牌é", "q": "王"})
            assert r.status_code == 403 and "表单已失效" in r.text, path
        r = await c.post("/console/import", data={"csrf": "令牌", "kind": "families"},
                         files={"file": ("f.csv", b"alias,jurisdiction\n", "text/csv")})
        assert r.status_code == 403 and "表单已失效" in r.text


async def test_backup_pressed_twice_at_once_makes_two_backups(storage: Storage, tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    async with browser(storage, BOT_BACKUP_DIR=str(folder)) as c:
        csrf = await signed_in(c, storage, ADMIN)
        pages = await asyncio.gather(*[c.post("/console/backup", data={"csrf": csrf}) for _ in range(2)])
    assert [p.status_code for p in pages] == [200, 200] and all("已备份" in p.text for p in pages)
    made = sorted(f.name for f in folder.iterdir())
    assert len(made) == 2 and not any(name.endswith(".partial") for name in made)


# --- 8. a busy session ends too ------------------------------------------------------------

async def test_a_busy_session_ends_after_its_lifetime(storage: Storage) -> None:
    start = dt.datetime.now(dt.UTC) - dt.timedelta(hours=12, minutes=5)
    token = await storage.office_sessions.redeem_link(await storage.office_sessions.create_link(ADMIN, now=start), now=start)
    assert token is not None
    for minutes in range(20, 12 * 60 + 1, 20):  # a page every 20 minutes for 12 hours: never idle
        assert await storage.office_sessions.session(token, start + dt.timedelta(minutes=minutes)) is not None
    async with browser(storage) as c:
        c.cookies.set("lianxin_console", token, domain="lianxin.test", path="/console")
        r = await c.get("/console")
        assert r.status_code == 401 and "请先登录" in r.text
    fresh = await storage.office_sessions.redeem_link(await storage.office_sessions.create_link(ADMIN))
    assert fresh is not None
    async with browser(storage, WEB_CONSOLE_SESSION_HOURS=0.0001) as c:  # the setting shortens it
        c.cookies.set("lianxin_console", fresh, domain="lianxin.test", path="/console")
        await asyncio.sleep(1.5)  # stored times have whole seconds
        assert (await c.get("/console")).status_code == 401


# --- 9. every refusal audited ------------------------------------------------------------------

async def test_staff_probing_another_citys_family_leave_audit_rows(storage: Storage) -> None:
    other = (await family_ids(storage))["张家"]  # 临沂
    async with browser(storage) as c:
        csrf = await signed_in(c, storage, STAFF_KAIFENG)
        assert (await c.get(f"/console/family/{other}")).status_code == 404
        assert (await c.get(f"/console/family/{other}/edit")).status_code == 403
        assert (await c.post(f"/console/family/{other}/edit", data={"csrf": csrf, "alias": "x"})).status_code == 403
        assert (await c.post("/console/forget", data={"csrf": csrf, "family": str(other),
                                                      "confirm": "张家"})).status_code == 403
        assert (await c.post("/console/urgent", data={"csrf": csrf, "family": str(other)})).status_code == 404
    refusals = [e for e in await storage.audit.entries(50) if e["action"] == "console_refused"]
    assert len(refusals) == 5 and all(e["actor"] == STAFF_KAIFENG for e in refusals)
    details = " | ".join(e["detail"] for e in refusals)
    assert f"GET /console/family/{other} not visible #{other}" in details
    assert f"GET /console/family/{other}/edit" in details and "POST /console/forget" in details
    assert f"urgent not visible #{other}" in details
    assert await storage.registry.family(other) is not None


# --- 10. township and village limited ----------------------------------------------------------

async def test_a_6000_character_township_is_refused_in_the_form_and_the_file(storage: Storage) -> None:
    long = "镇" * 6000
    async with browser(storage) as c:
        csrf = await signed_in(c, storage, ADMIN)
        form = await c.get("/console/family/new")
        assert 'name="township" value="" maxlength="40"' in form.text
        r = await c.post("/console/family/new", data={"csrf": csrf, "alias": "刘家", "jurisdiction": "kaifeng",
                                                      "township": long, "village": "村" * 41})
        assert r.status_code == 400 and "乡镇最多 40 个字（现在是 6000 个字）" in r.text and "村最多 40 个字" in r.text
        r = await c.post("/console/contact/new", data={"csrf": csrf, "name": "刘干部", "role": "村干部",
                                                       "township": long})
        assert r.status_code == 400 and "乡镇最多 40 个字" in r.text
    assert "刘家" not in await family_ids(storage)
    with pytest.raises(CsvProblems) as refused:
        parse_families(f"代称,城市,乡镇\n刘家,开封,{long}\n")
    assert refused.value.items[0].code == "township_length"
    assert parse_families(f"代称,城市,村\n刘家,开封,{'村' * 40}\n")[0]["village"] == "村" * 40
