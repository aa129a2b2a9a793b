"""The console's inspection reports over HTTP, on a registry built with known visits,
reminders, escalations and urgent visits: the exact figures an office would read (per
township and in total), staff kept to their own city (even when they edit the address),
and every report shown audited with who, which report, which city and period."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from bot.operations.access import link_path
from bot.reminders.planner import SHANGHAI
from bot.settings import Settings
from bot.storage import Role, Storage
from bot.web import office_reports
from bot.web.app import create_app

ADMIN, STAFF_KAIFENG, STAFF_LINYI = 11, 22, 33
NOW = dt.datetime(2026, 12, 10, 10, 0, tzinfo=SHANGHAI)  # the reports are read on this day


def _at(day: str) -> str:
    """10:00 in Shanghai on `day`, as the UTC text the storage stamps acked_at with."""
    moment = dt.datetime.combine(dt.date.fromisoformat(day), dt.time(10), SHANGHAI)
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds")


class Registry:
    """A kaifeng registry with known counts (and a linyi family that must never show up)."""

    def __init__(self, storage: Storage, monkeypatch: pytest.MonkeyPatch) -> None:
        self.s = storage
        self.monkeypatch = monkeypatch
        self.families: dict[str, int] = {}
        self.contacts: dict[str, int] = {}

    async def reminder(self, family: str, contact: str, kind: str, due: str) -> int:
        day = dt.date.fromisoformat(due)
        await self.s.reminders.add([(self.families[family], self.contacts[contact], kind, day,
                                     dt.datetime.combine(day, dt.time(9), SHANGHAI))])
        return next(r.id for r in await self.s.reminders.all()
                    if (r.family_id, r.contact_id, r.kind, r.due_date.isoformat())
                    == (self.families[family], self.contacts[contact], kind, due))

    async def visit(self, family: str, contact: str, kind: str, due: str, day: str, outcome: str = "ok",
                    logged: str | None = None) -> None:
        """A reminder and the visit that closes it, logged (acked) on `logged` (default: `day`)."""
        reminder = await self.s.reminders.get(await self.reminder(family, contact, kind, due))
        assert reminder is not None
        self.monkeypatch.setattr("bot.storage.reminders.now_iso", lambda: _at(logged or day))
        assert await self.s.reminders.log_visit(reminder, dt.date.fromisoformat(day), outcome, "", None)
        self.monkeypatch.undo()

    async def build(self) -> None:
        s = self.s
        await s.registry.import_families([
            {"contact_note": "", "old_sick": 0, "lives_alone": 0, "telegram_id": None, "alias": alias,
             "jurisdiction": city, "township": township, "village": village}
            for alias, city, township, village in [
                ("甲家", "kaifeng", "城关镇", "东村"), ("乙家", "kaifeng", "城关镇", "西村"),
                ("丙家", "kaifeng", "城关镇", "南村"), ("丁家", "kaifeng", "朱仙镇", "北村"),
                ("戊家", "kaifeng", "朱仙镇", "中村"), ("己家", "linyi", "兰山街道", "临村")]])
        self.families = {f["alias"]: f["id"] for f in await s.registry.search_families(None)}
        await s.registry.import_contacts([
            {"name": name, "role": role, "township": "", "telegram_id": None}
            for name, role in [("刘干部", "village_cadre"), ("陈镇长", "township_leader"),
                               ("周医生", "health_cadre"), ("临沂干部", "village_cadre")]])
        self.contacts = {c["name"]: c["id"] for c in await s.registry.list_contacts()}
        since = dt.date(2026, 1, 1)
        for family, contacts in [("甲家", ["刘干部", "陈镇长", "周医生"]), ("乙家", ["刘干部"]), ("丁家", ["陈镇长"]),
                                 ("戊家", ["刘干部"]), ("己家", ["临沂干部"])]:
            for contact in contacts:
                await s.registry.assign(self.families[family], self.contacts[contact], since)
        # the first half of the year
        await self.visit("甲家", "周医生", "home_visit", "2026-02-10", "2026-02-10")
        await self.visit("甲家", "刘干部", "phone_call", "2026-02-20", "2026-02-20")
        await self.visit("丁家", "陈镇长", "home_visit", "2026-02-15", "2026-02-15")  # inside the spring window
        await self.visit("己家", "临沂干部", "home_visit", "2026-02-11", "2026-02-11")  # another city
        await self.visit("乙家", "刘干部", "home_visit", "2026-05-05", "2026-05-05", outcome="none")  # nobody home
        await self.visit("乙家", "刘干部", "phone_call", "2026-05-06", "2026-05-06")
        await self.visit("乙家", "刘干部", "phone_call", "2026-06-01", "2026-06-01")
        # the mid-autumn visit, logged for its reminder long after the festival's window
        await self.visit("甲家", "陈镇长", "festival:mid_autumn", "2026-09-25", "2026-10-20")
        # October: a home visit never done, escalated in November; Telegram cannot reach 刘干部
        october = await self.reminder("乙家", "刘干部", "home_visit", "2026-10-20")
        await s.reminders.mark_escalated(october, dt.datetime(2026, 11, 2, 9, tzinfo=SHANGHAI))
        await s.reminders.mark_undeliverable(october)
        # November
        await self.visit("甲家", "刘干部", "phone_call", "2026-11-05", "2026-11-05")
        unanswered = await self.reminder("乙家", "刘干部", "phone_call", "2026-11-08")
        await s.reminders.mark_undeliverable(unanswered)
        await s.reminders.mark_escalated(unanswered, dt.datetime(2026, 11, 11, 9, tzinfo=SHANGHAI))
        await self.visit("甲家", "周医生", "home_visit", "2026-11-15", "2026-12-03")  # done only in December
        await self.visit("丁家", "陈镇长", "home_visit", "2026-11-12", "2026-11-12")
        assert await s.reminders.raise_urgent(self.families["戊家"], dt.datetime(2026, 11, 20, 8, tzinfo=SHANGHAI))
        await self.visit("戊家", "刘干部", "urgent", "2026-11-20", "2026-11-21")
        assert await s.reminders.raise_urgent(self.families["乙家"], dt.datetime(2026, 11, 25, 8, tzinfo=SHANGHAI))
        await self.reminder("己家", "临沂干部", "phone_call", "2026-11-10")  # another city, never done
        await self.reminder("甲家", "刘干部", "phone_call", "2026-12-05")  # next month's
        await s.registry.deactivate_contact(self.contacts["周医生"])


@pytest.fixture
async def storage(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Storage]:
    s = await Storage.open(tmp_path / "db.sqlite3")
    await Registry(s, monkeypatch).build()
    for user, role, city in ((ADMIN, Role.ADMIN, None), (STAFF_KAIFENG, Role.STAFF, "kaifeng"),
                             (STAFF_LINYI, Role.STAFF, "linyi")):
        await s.users.ensure(user)
        await s.users.set_role(user, role)
        if city:
            await s.users.set_jurisdiction(user, city)
    monkeypatch.setattr(office_reports, "now", lambda: NOW)
    yield s
    await s.close()


def browser(storage: Storage) -> httpx.AsyncClient:
    app = create_app(storage=storage, settings=Settings(_env_file=None), announce_random_key=False)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="https://lianxin.test")


async def signed_in(c: httpx.AsyncClient, storage: Storage, user: int) -> None:
    assert (await c.post(link_path(await storage.office_sessions.create_link(user)))).status_code == 303


def cells(html: str, table_id: str) -> dict[str, list[str]]:
    """A report table as {first cell: the other cells' text}, as a person reads it."""
    table = re.search(rf'<table[^>]*id="{table_id}".*?<tbody>(.*?)</tbody>', html, re.S)
    assert table, f"no table {table_id}"
    rows = {}
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table.group(1), re.S):
        texts = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        rows[texts[0]] = texts[1:]
    return rows


async def audits(storage: Storage) -> list[tuple[int, str, str]]:
    return [(e["actor"], e["action"], e["detail"] or "") for e in await storage.audit.entries(50)]


async def test_the_quarter_report_counts_visited_families_calls_and_coverage(storage: Storage) -> None:
    async with browser(storage) as c:
        await signed_in(c, storage, STAFF_KAIFENG)
        page = await c.get("/console/reports/quarter", params={"year": "2026", "quarter": "4"})
    assert page.status_code == 200
    table = cells(page.text, "quarter-table")
    # families; then per quarter: families visited in person, calls, coverage
    assert table == {
        "城关镇": ["3", "1", "1", "33.3%", "0", "2", "0.0%", "0", "0", "0.0%", "1", "1", "33.3%"],
        "朱仙镇": ["2", "1", "0", "50.0%", "0", "0", "0.0%", "0", "0", "0.0%", "2", "0", "100.0%"],
        "合计": ["5", "2", "1", "40.0%", "0", "2", "0.0%", "0", "0", "0.0%", "3", "1", "60.0%"],
    }
    assert "己家" not in page.text and "兰山街道" not in page.text  # linyi's family is not kaifeng's business
    assert "2026年第4季度没有上门走访过的家庭（2 户）" in page.text
    unvisited = cells(page.text[page.text.index('id="not-visited"'):].replace('<table class="report"',
                      '<table class="report" id="nv"', 1), "nv")
    assert unvisited == {"乙家": ["城关镇", "西村", "刘干部"], "丙家": ["城关镇", "南村", "未分配联系人"]}
    assert (STAFF_KAIFENG, "console_report_quarter", "kaifeng 2026 Q4") in await audits(storage)


async def test_a_quarter_lists_who_was_not_visited_with_their_contacts(storage: Storage) -> None:
    async with browser(storage) as c:
        await signed_in(c, storage, ADMIN)
        page = await c.get("/console/reports/quarter", params={"city": "kaifeng", "year": "2026", "quarter": "1"})
    section = page.text[page.text.index('id="not-visited"'):]
    rows = re.findall(r"<tr><td class=\"name\">(.家)</td>.*?</tr>", section, re.S)
    assert rows == ["丙家", "乙家", "戊家"]  # 甲家 and 丁家 were visited in the first quarter
    assert "周医生（已离开）" not in section  # 甲家 (whose contact left) was visited
    assert (ADMIN, "console_report_quarter", "kaifeng 2026 Q1") in await audits(storage)


async def test_the_festival_report_says_per_family_which_visit_was_done_when_and_by_whom(storage: Storage) -> None:
    async with browser(storage) as c:
        await signed_in(c, storage, STAFF_KAIFENG)
        page = await c.get("/console/reports/festivals", params={"year": "2026"})
    assert page.status_code == 200
    # kaifeng's schedule requires the Spring Festival and Mid-Autumn visits (no 重阳)
    assert "春节（2026-02-17）" in page.text and "中秋节（2026-09-25）" in page.text and "重阳" not in page.text
    assert cells(page.text, "festival-table") == {
        "甲家": ["城关镇", "东村", "未走访", "已走访 2026-10-20 陈镇长"],  # logged late, for its reminder
        "乙家": ["城关镇", "西村", "未走访", "未走访"],  # a visit that found nobody is not a visit
        "丙家": ["城关镇", "南村", "未走访", "未走访"],
        "丁家": ["朱仙镇", "北村", "已走访 2026-02-15 陈镇长", "未走访"],  # a home visit inside the window
        "戊家": ["朱仙镇", "中村", "未走访", "未走访"],  # an urgent visit in November is no festival visit
    }
    assert cells(page.text, "festival-totals-table") == {
        "城关镇": ["3", "0 / 3", "1 / 3"], "朱仙镇": ["2", "1 / 2", "0 / 2"], "合计": ["5", "1 / 5", "1 / 5"]}
    assert (STAFF_KAIFENG, "console_report_festivals", "kaifeng 2026") in await audits(storage)


async def test_a_festival_not_yet_come_is_not_counted_as_missed(storage: Storage, monkeypatch: pytest.MonkeyPatch
                                                                ) -> None:
    monkeypatch.setattr(office_reports, "now", lambda: dt.datetime(2026, 9, 1, 10, tzinfo=SHANGHAI))
    async with browser(storage) as c:
        await signed_in(c, storage, ADMIN)
        page = await c.get("/console/reports/festivals", params={"year": "2026", "city": "开封"})
    assert cells(page.text, "festival-table")["乙家"] == ["城关镇", "西村", "未走访", "未到时间"]
    assert cells(page.text, "festival-totals-table")["合计"] == ["5", "1 / 5", "0 / 0"]


async def test_jiangyan_requires_the_double_ninth_visit_too(storage: Storage) -> None:
    async with browser(storage) as c:
        await signed_in(c, storage, ADMIN)
        page = await c.get("/console/reports/festivals", params={"year": "2026", "city": "jiangyan"})
    assert page.status_code == 200 and "重阳节（2026-10-18）" in page.text
    assert "这个城市的名册里还没有家庭" in page.text


MONTH_FIGURES = {  # families, visits due / done / logged, calls due / done / logged, overdue, escalations,
    # urgent raised / done, contacts reminders cannot reach
    "城关镇": ["3", "1", "0", "0", "2", "1", "1", "4", "2", "1", "0", "1"],
    "朱仙镇": ["2", "1", "1", "2", "0", "0", "0", "0", "0", "1", "1", "0"],
    "合计": ["5", "2", "1", "2", "2", "1", "1", "4", "2", "2", "1", "1"],
}


async def test_the_monthly_report_has_the_figures_the_basis_and_who_made_it(storage: Storage) -> None:
    async with browser(storage) as c:
        await signed_in(c, storage, STAFF_KAIFENG)
        page = await c.get("/console/reports/monthly", params={"month": "2026-11"})
    assert page.status_code == 200
    assert "开封市 2026年11月" in page.text
    assert cells(page.text, "monthly-table") == MONTH_FIGURES
    # the schedule's basis, cited with document number, clause path and the verbatim words
    assert ("汴政办〔2023〕24号（2023年7月24日）三、（四）9.：“各级卫生健康部门在每年重大节日由乡镇（街道）领导带队逐户逐人慰问”"
            in page.text)
    assert "生成时间：2026-12-10 10:00（北京时间）；生成人：用户 22（工作人员）" in page.text
    assert "2026-12-01 零点前" in page.text
    assert (STAFF_KAIFENG, "console_report_monthly", "kaifeng 2026-11") in await audits(storage)


async def test_the_jiangyan_report_calls_its_basis_a_draft(storage: Storage) -> None:
    async with browser(storage) as c:
        await signed_in(c, storage, ADMIN)
        page = await c.get("/console/reports/monthly", params={"month": "2026-11", "city": "jiangyan"})
    assert page.status_code == 200 and "征求意见稿，无文号，未注明日期，不是正式生效的文件" in page.text
    assert "生成人：用户 11（管理员）" in page.text


@pytest.mark.parametrize("path", ["quarter", "festivals", "monthly"])
async def test_staff_cannot_ask_for_another_city_even_by_editing_the_address(storage: Storage, path: str) -> None:
    async with browser(storage) as c:
        await signed_in(c, storage, STAFF_LINYI)
        edited = await c.get(f"/console/reports/{path}", params={"city": "kaifeng", "year": "2026",
                                                                 "month": "2026-11"})
        own = await c.get(f"/console/reports/{path}", params={"year": "2026", "month": "2026-11"})
    assert edited.status_code == 403 and "您只能查看本市（临沂市）的报表" in edited.text
    assert "城关镇" not in edited.text and "甲家" not in edited.text
    assert own.status_code == 200 and "城关镇" not in own.text and "甲家" not in own.text
    mine = [a for a in await audits(storage) if a[0] == STAFF_LINYI and a[1].startswith("console_report")]
    assert [a[1] for a in mine] == [f"console_report_{path}",
                                    "console_report_refused"]  # newest first
    assert mine[0][2].startswith("linyi ") and mine[1][2].endswith("city=kaifeng")


async def test_an_admin_chooses_the_city_and_nothing_is_shown_or_audited_before(storage: Storage) -> None:
    async with browser(storage) as c:
        await signed_in(c, storage, ADMIN)
        index = await c.get("/console/reports")
        page = await c.get("/console/reports/monthly", params={"month": "2026-11"})
    assert index.status_code == 200 and index.text.count('<option value="kaifeng"') == 3
    assert 'name="csrf"' not in index.text.split("<main>")[1]  # GET forms: no token lands in an address
    assert page.status_code == 200 and "请选择城市" in page.text and 'id="monthly-table"' not in page.text
    assert not [a for a in await audits(storage) if a[1].startswith("console_report")]


@pytest.mark.parametrize(("path", "params", "words"), [
    ("quarter", {"year": "二〇二六"}, "年份请填"),
    ("quarter", {"year": "2026", "quarter": "5"}, "季度请选 1 到 4"),
    ("festivals", {"year": "1999"}, "年份请填"),
    ("monthly", {"month": "2026-13"}, "月份请按"),
    ("monthly", {"month": "11/2026"}, "月份请按"),
    ("monthly", {"month": "2027-01"}, "还没有开始"),
    ("quarter", {"year": "2027", "quarter": "1"}, "还没有开始"),
    ("monthly", {"month": "2026-11", "city": "巴黎"}, "没有这个城市"),
])
async def test_a_bad_choice_gets_a_polite_line_and_a_way_back(storage: Storage, path: str, params: dict[str, str],
                                                              words: str) -> None:
    async with browser(storage) as c:
        await signed_in(c, storage, ADMIN)
        page = await c.get(f"/console/reports/{path}", params={"city": "kaifeng", **params})
    assert page.status_code == 400 and words in page.text and 'href="/console/reports"' in page.text


async def test_reports_need_a_signed_in_console_user(storage: Storage) -> None:
    async with browser(storage) as c:
        for path in ("", "/quarter", "/festivals", "/monthly"):
            assert (await c.get(f"/console/reports{path}")).status_code == 401


async def test_the_registry_page_links_to_the_reports(storage: Storage) -> None:
    async with browser(storage) as c:
        await signed_in(c, storage, STAFF_KAIFENG)
        page = await c.get("/console")
    assert '<a href="/console/reports">检查用报表</a>' in page.text



async def test_a_month_ends_at_midnight_in_shanghai_not_in_utc(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A call logged at 23:30 on 30 November (Beijing time, 15:30 UTC) was done in November;
    one logged at 00:30 on 1 December (still 30 November in UTC) was not. The same holds for
    escalations, whatever offset they were stamped with."""
    from bot.reminders.reports import monthly_report

    s = await Storage.open(tmp_path / "edge.sqlite3")
    registry = Registry(s, monkeypatch)
    await s.registry.import_families([{"contact_note": "", "old_sick": 0, "lives_alone": 0, "telegram_id": None,
                                       "alias": alias, "jurisdiction": "kaifeng", "township": "城关镇",
                                       "village": "东村"} for alias in ("甲家", "乙家")])
    await s.registry.import_contacts([{"name": "刘干部", "role": "village_cadre", "township": "", "telegram_id": None}])
    registry.families = {f["alias"]: f["id"] for f in await s.registry.search_families(None)}
    registry.contacts = {"刘干部": (await s.registry.list_contacts())[0]["id"]}
    for alias, acked in (("甲家", "2026-11-30T15:30:00+00:00"), ("乙家", "2026-11-30T16:30:00+00:00")):
        reminder = await s.reminders.get(await registry.reminder(alias, "刘干部", "phone_call", "2026-11-20"))
        assert reminder is not None
        monkeypatch.setattr("bot.storage.reminders.now_iso", lambda acked=acked: acked)
        assert await s.reminders.log_visit(reminder, dt.date(2026, 11, 30), "ok", "", None)
    for alias, at in (("甲家", dt.datetime(2026, 11, 30, 23, 30, tzinfo=SHANGHAI)),
                      ("乙家", dt.datetime(2026, 11, 30, 16, 30, tzinfo=dt.UTC))):  # 00:30 on 1 Dec in Beijing
        await s.reminders.mark_escalated(await registry.reminder(alias, "刘干部", "home_visit", "2026-11-25"), at)
    november = (await monthly_report(s, "kaifeng", 2026, 11, NOW, "test")).total
    december = (await monthly_report(s, "kaifeng", 2026, 12, NOW, "test")).total
    await s.close()
    assert (november.calls_due, november.calls_done, november.escalations) == (2, 1, 1)
    assert december.escalations == 1
    assert november.overdue == 3  # 乙家's call (done too late) and both home visits
