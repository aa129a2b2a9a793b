"""The inspection reports in a real browser (Debian's chromium driven by Playwright): an admin
signs in by link, opens the quarter, festival and monthly reports from the console's menu,
and prints the monthly one: on paper there is no navigation and no form, black on white,
table headers that repeat, and the figures start on a page of their own. Screenshots and
the PDF go to build/screenshots/reports-* for a person to look at."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.operations.access import link_path
from bot.storage import Role, Storage
from dialogs import web_copy as w
from tests.web.test_browser import DESK, SCREENSHOTS
from tests.web.test_console_reports import Registry
from tests.web.web_server import chromium_path, running_web, web_env

ROOT = Path(__file__).resolve().parents[2]
ADMIN = 7101


@pytest.fixture
def server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, str]]:
    database = tmp_path / "db.sqlite3"

    async def build() -> str:
        storage = await Storage.open(database)
        await Registry(storage, monkeypatch).build()
        await storage.users.ensure(ADMIN)
        await storage.users.set_role(ADMIN, Role.ADMIN)
        token = await storage.office_sessions.create_link(ADMIN)
        await storage.close()
        return token

    token = asyncio.run(build())
    with running_web(web_env(database)) as base:
        yield base, link_path(token)


def _choose(page: Any, section: str, **fields: str) -> None:
    form = page.locator(f"#{section} form")
    form.locator("select[name=city]").select_option("kaifeng")
    for name, value in fields.items():
        field = form.locator(f"[name={name}]")
        if name == "quarter":
            field.select_option(value)
        else:
            field.fill(value)
    form.get_by_role("button", name=w.REPORT_SHOW).click()


def test_an_admin_opens_the_three_reports_and_prints_the_monthly_one(server: tuple[str, str]) -> None:
    from playwright.sync_api import sync_playwright

    base, link = server
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=chromium_path())
        page: Any = chromium.new_context(viewport=DESK, locale="zh-CN").new_page()
        page.goto(base + link)
        page.get_by_role("button", name=w.CONSOLE_LINK_BUTTON).click()
        page.get_by_role("link", name=w.REPORTS_TITLE).click()
        assert page.url == base + "/console/reports"

        _choose(page, "choose-quarter", year="2026", quarter="1")
        assert "city=kaifeng" in page.url and "year=2026" in page.url and "quarter=1" in page.url
        total = page.locator("#quarter-table tr.total td").all_inner_texts()
        assert total[:4] == [w.REPORT_TOTAL, "5", "2", "1"]  # families, visited and calls in the first quarter
        assert page.locator("#not-visited tbody tr").count() == 3
        page.screenshot(path=str(SCREENSHOTS / "reports-1-quarter.png"), full_page=True)

        page.goto(base + "/console/reports")
        _choose(page, "choose-festivals", year="2026")
        assert page.locator("#festival-table tbody tr").count() == 5
        assert page.locator("#festival-table tr[data-alias=丁家]").inner_text().split("\t")[3] == (
            "已走访 2026-02-15 陈镇长")
        page.screenshot(path=str(SCREENSHOTS / "reports-2-festivals.png"), full_page=True)

        page.goto(base + "/console/reports")
        _choose(page, "choose-monthly", month="2026-11")
        assert page.locator("h1").inner_text() == "开封市 2026年11月 计划生育特殊家庭帮扶联系工作月报"
        assert page.locator("#monthly-table tr.total td").all_inner_texts()[:2] == [w.REPORT_TOTAL, "5"]
        page.screenshot(path=str(SCREENSHOTS / "reports-3-monthly.png"), full_page=True)

        page.emulate_media(media="print")
        assert not page.locator("header.top").is_visible() and not page.locator("form.report-choose").is_visible()
        assert not page.get_by_role("button", name=w.REPORT_PRINT).is_visible()
        style = page.evaluate("""() => {
            const css = (el, prop) => getComputedStyle(el).getPropertyValue(prop);
            const body = document.body;
            return {color: css(body, 'color'), background: css(body, 'background-color'),
                    thead: css(document.querySelector('#monthly-table thead'), 'display'),
                    breakBefore: css(document.querySelector('#monthly-figures'), 'break-before')};
        }""")
        assert style == {"color": "rgb(0, 0, 0)", "background": "rgb(255, 255, 255)",
                         "thead": "table-header-group", "breakBefore": "page"}
        page.screenshot(path=str(SCREENSHOTS / "reports-4-monthly-print.png"), full_page=True)
        pdf = page.pdf(path=str(SCREENSHOTS / "reports-5-monthly.pdf"), prefer_css_page_size=True)
        pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
        assert pages == 2  # the basis on the first sheet, the figures on their own
        chromium.close()
