"""The office console in a real browser (Debian's chromium driven by Playwright): an admin
signs in with the link `python -m bot admin console-link` printed, uploads a CSV with a bad
row (every bad line shown, nothing imported), then a good one, and sees the families in the
list; then creates a family, assigns and unassigns a contact and forgets the family by typing
its alias. Screenshots go to build/screenshots/console-*.png (or LIANXIN_SCREENSHOTS) for a
person to look at."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from bot.storage import Role, Storage
from dialogs import web_copy as w
from tests.web.test_browser import DESK, SCREENSHOTS
from tests.web.web_server import chromium_path, console_link, running_console

SHOTS = Path(os.environ.get("LIANXIN_SCREENSHOTS") or SCREENSHOTS)

ROOT = Path(__file__).resolve().parents[2]
ADMIN = 7001
BAD = "alias,jurisdiction,township,village\n赵家,kaifeng,城关镇,北村\n孙家,nowhere,城关镇,北村\n"
GOOD = "alias,jurisdiction,township,village\n赵家,kaifeng,城关镇,北村\n孙家,开封,朱仙镇,南村\n"


@pytest.fixture
def console_server(tmp_path: Path) -> Iterator[tuple[str, dict[str, str]]]:
    with running_console(tmp_path / "db.sqlite3", {ADMIN: Role.ADMIN}) as served:
        yield served


def test_an_admin_signs_in_by_link_and_imports_a_csv(console_server: tuple[str, dict[str, str]],
                                                     tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    base, env = console_server
    link = console_link(env, ADMIN)
    (tmp_path / "bad.csv").write_text(BAD, encoding="utf-8")
    (tmp_path / "good.csv").write_text(GOOD, encoding="utf-8")
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=chromium_path())
        page: Any = chromium.new_context(viewport=DESK, locale="zh-CN").new_page()
        page.goto(base + link)
        page.get_by_role("button", name=w.CONSOLE_LINK_BUTTON).click()
        page.wait_for_url(base + "/console")
        page.get_by_text(w.CONSOLE_NO_FAMILIES).wait_for()  # the page after the redirect, fully loaded
        page.get_by_role("link", name=w.CONSOLE_IMPORT_TITLE).click()
        page.set_input_files("input[type=file]", str(tmp_path / "bad.csv"))
        page.get_by_role("button", name=w.CONSOLE_IMPORT_BUTTON).click()
        problems = page.locator("#import-problems").inner_text()
        assert "第 3 行" in problems and "第 2 行" not in problems and "不是名册支持的城市" in problems
        page.screenshot(path=str(SHOTS / "console-1-import-refused.png"), full_page=True)
        page.set_input_files("input[type=file]", str(tmp_path / "good.csv"))
        page.get_by_role("button", name=w.CONSOLE_IMPORT_BUTTON).click()
        assert "赵家" in page.locator("#import-preview").inner_text()  # checked and shown, not yet written
        page.screenshot(path=str(SHOTS / "console-1b-import-preview.png"), full_page=True)
        page.get_by_role("button", name=w.CONSOLE_CONFIRM_IMPORT).click()
        assert page.locator("#import-done").inner_text() == w.CONSOLE_IMPORTED_FAMILIES.format(count=2)
        page.get_by_role("link", name=w.CONSOLE_BACK).click()
        rows = page.locator("table.families tbody tr").all_inner_texts()
        assert len(rows) == 2 and any("赵家" in r and "北村" in r for r in rows)
        page.screenshot(path=str(SHOTS / "console-2-families.png"), full_page=True)
        again = page.context.browser.new_context().new_page()
        again.goto(base + link)  # the same link a second time
        assert w.CONSOLE_LINK_REFUSED in again.content()

        database = Path(env["BOT_DATABASE"])
        with ThreadPoolExecutor(1) as pool:  # Playwright's own event loop runs in this thread
            pool.submit(asyncio.run, _overdue_and_other_city_staff(database)).result()
        page.get_by_role("link", name=w.CONSOLE_OVERDUE_TITLE).click()  # overdue at a glance
        assert "赵家" in page.locator("#overdue-list").inner_text()
        assert "城关镇" in page.locator("#by-township").inner_text()
        page.screenshot(path=str(SHOTS / "console-2b-overdue.png"), full_page=True)
        page.get_by_role("link", name=w.CONSOLE_BACK).click()
        with page.expect_download() as got:  # the visit log, as the office opens it in a spreadsheet
            page.get_by_role("link", name=w.CONSOLE_EXPORT).click()
        exported = Path(got.value.path()).read_text(encoding="utf-8-sig")
        assert exported.splitlines()[0].startswith("日期,城市,家庭代称")
        page.evaluate("document.querySelector('form[action=\"/console/search\"] input[name=csrf]').remove()")
        page.get_by_role("button", name=w.CONSOLE_SEARCH).click()  # a form without its CSRF token
        assert w.CONSOLE_FORM_EXPIRED in page.content()

        linyi = chromium.new_context(viewport=DESK, locale="zh-CN").new_page()  # another city's staff
        linyi.goto(base + console_link(env, STAFF_LINYI))
        linyi.get_by_role("button", name=w.CONSOLE_LINK_BUTTON).click()
        linyi.wait_for_url(base + "/console")
        linyi.get_by_text(w.CONSOLE_NO_FAMILIES).wait_for()  # read after the redirect has loaded, not during it
        assert "赵家" not in linyi.content() and "孙家" not in linyi.content()
        linyi.goto(base + "/console/overdue")
        assert "赵家" not in linyi.content()
        chromium.close()


STAFF_LINYI = 7003


async def _overdue_and_other_city_staff(database: Path) -> None:
    """赵家's contact has a call 20 days overdue; a Linyi staff member exists."""
    import datetime as dt

    storage = await Storage.open(database)
    family = next(f["id"] for f in await storage.registry.list_families() if f["alias"] == "赵家")
    contact = await storage.registry.add_contact("李干部", "village_cadre", telegram_id=7010)
    long_ago = dt.date.today() - dt.timedelta(days=20)
    await storage.registry.assign(family, contact, long_ago)
    await storage.reminders.add([(family, contact, "phone_call", long_ago,
                                  dt.datetime.now(dt.UTC) - dt.timedelta(days=20))])
    await storage.users.ensure(STAFF_LINYI)
    await storage.users.set_role(STAFF_LINYI, Role.STAFF)
    await storage.users.set_jurisdiction(STAFF_LINYI, "linyi")
    await storage.close()


def test_an_admin_creates_a_family_assigns_unassigns_and_forgets_it(console_server: tuple[str, dict[str, str]],
                                                                    tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    base, env = console_server
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=chromium_path())
        page: Any = chromium.new_context(viewport=DESK, locale="zh-CN").new_page()
        page.goto(base + console_link(env, ADMIN))
        page.get_by_role("button", name=w.CONSOLE_LINK_BUTTON).click()
        page.get_by_role("link", name=w.CONSOLE_NEW_FAMILY).click()
        page.get_by_role("button", name=w.CONSOLE_SAVE).click()  # the browser asks for the alias first
        assert page.url == base + "/console/family/new"
        page.fill("input[name=alias]", "周家")
        page.get_by_role("button", name=w.CONSOLE_SAVE).click()  # no city chosen: refused in Chinese
        assert "城市必须填写" in page.locator("#problems").inner_text()
        page.screenshot(path=str(SHOTS / "console-3-family-refused.png"), full_page=True)
        page.select_option("select[name=jurisdiction]", label="开封市")
        page.fill("input[name=township]", "城关镇")
        page.fill("input[name=village]", "北村")
        page.check("input[name=old_sick]")
        page.get_by_role("button", name=w.CONSOLE_SAVE).click()
        assert page.locator("h1").inner_text() == "周家（城关镇北村）"
        page.goto(base + "/console/contact/new")
        page.fill("input[name=name]", "刘干部")
        page.select_option("select[name=role]", "village_cadre")
        page.fill("input[name=telegram_id]", "9001")
        page.get_by_role("button", name=w.CONSOLE_SAVE).click()
        assert page.url == base + "/console/contacts"
        assert w.CONSOLE_REACH["not_opened"] in page.locator("#contacts").inner_text()
        page.locator("#assign").get_by_role("button", name=w.CONSOLE_ASSIGN).click()
        saved = page.locator("#message").inner_text()  # saved, and which roles 周家 still lacks
        assert saved == w.CONSOLE_SAVED + w.CONSOLE_STILL_MISSING.format(roles="卫生计生干部、乡镇领导")
        page.screenshot(path=str(SHOTS / "console-4-contacts.png"), full_page=True)
        page.get_by_role("link", name=w.CONSOLE_BACK).click()
        page.get_by_role("link", name="周家").click()
        assert "刘干部" in page.locator("#contacts").inner_text()
        page.screenshot(path=str(SHOTS / "console-5-family.png"), full_page=True)
        page.locator("#contacts").get_by_role("button", name=w.CONSOLE_UNASSIGN).click()
        assert page.locator("#message").inner_text().startswith("已取消分配")
        page.get_by_role("link", name=w.CONSOLE_BACK).click()
        page.get_by_role("link", name="周家").click()
        assert w.CONSOLE_NO_CONTACTS in page.content()
        page.fill("input[name=confirm]", "李家")
        page.get_by_role("button", name=w.CONSOLE_FORGET).click()
        assert w.CONSOLE_FORGET_MISMATCH in page.content()
        page.go_back()
        page.fill("input[name=confirm]", "周家")
        page.screenshot(path=str(SHOTS / "console-6-forget.png"), full_page=True)
        page.get_by_role("button", name=w.CONSOLE_FORGET).click()
        assert w.CONSOLE_FORGOTTEN in page.content()
        page.goto(base + "/console")
        assert w.CONSOLE_NO_FAMILIES in page.content()
        page.get_by_role("link", name=w.CONSOLE_MAINTENANCE).click()
        page.locator("#backup").get_by_role("button", name=w.CONSOLE_BACKUP).click()
        assert "已备份：lianxin-" in page.locator("#message").inner_text()
        page.screenshot(path=str(SHOTS / "console-7-backup.png"), full_page=True)
        chromium.close()
