"""A new city onboarded end to end in the office console, in a real browser (Debian's chromium
driven by Playwright), with no YAML typed: an admin makes two staff members policy editors of
新城市; editor A uploads Kaifeng's measures under the new city's name, reviews the drafted
rules (accepts, edits one through the form, adds a condition) and cannot publish them;
editor B publishes. Then `python -m bot check` answers for 新城市 exactly as for the shipped
Kaifeng rules on the audit-style profiles of tests/profiles.py. Every page is measured for
elder sizes (text 20 px or more, targets 60x60 px or more). Screenshots go to
build/screenshots/documents-*.png (or LIANXIN_SCREENSHOTS)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings

from bot.storage import Role
from dialogs import web_copy as w
from tests.profiles import complete_profiles
from tests.web.test_browser import DESK, SCREENSHOTS
from tests.web.test_elder_sizes_browser import MEASURE, MIN_CONTRAST, MIN_TARGET, MIN_TEXT
from tests.web.web_server import chromium_path, console_link, running_console

SHOTS = Path(os.environ.get("LIANXIN_SCREENSHOTS") or SCREENSHOTS)
ROOT = Path(__file__).resolve().parents[2]
ADMIN, EDITOR_A, EDITOR_B = 7101, 7102, 7103
CITY = "新城市"


@pytest.fixture
def console_server(tmp_path: Path) -> Iterator[tuple[str, dict[str, str]]]:
    with running_console(tmp_path / "db.sqlite3", {ADMIN: Role.ADMIN, EDITOR_A: Role.STAFF,
                                                   EDITOR_B: Role.STAFF}) as served:
        yield served


def _sign_in(chromium: Any, base: str, env: dict[str, str], user: int) -> Any:
    page = chromium.new_context(viewport=DESK, locale="zh-CN").new_page()
    page.goto(base + console_link(env, user))
    page.get_by_role("button", name=w.CONSOLE_LINK_BUTTON).click()
    page.wait_for_url(base + "/console")
    page.get_by_role("link", name=w.DOCS_LINK).click()
    page.wait_for_url(base + "/console/documents")
    return page


def _elder_sizes(page: Any, name: str, offenders: list[str]) -> None:
    found = page.evaluate(MEASURE, [MIN_TARGET, MIN_TEXT, MIN_CONTRAST])
    offenders += [f"{name}: {o}" for o in found]
    page.screenshot(path=str(SHOTS / f"documents-{name}.png"), full_page=True)


def _profiles() -> list[dict[str, Any]]:
    """Audit-style families: a grid over what the measures turn on, then drawn complete
    profiles (tests/profiles.py), the same every run."""
    grid = [{"jurisdiction": "kaifeng", "child_status": child, "disability_grade": grade, "mother_age": age,
             "father_age": age + 2, "hukou": hukou, "later_child": later, "local_spouse": "mother"}
            for child in ("deceased", "disabled") for grade in (1, 3) for age in (45, 49, 60)
            for hukou in ("both", "one", "none") for later in (False, True)]
    drawn: list[dict[str, Any]] = []

    @settings(max_examples=80, derandomize=True, database=None, deadline=None)
    @given(complete_profiles(jurisdiction="kaifeng"))
    def collect(profile: dict[str, Any]) -> None:
        drawn.append(profile)

    collect()
    return grid + drawn


def _money(result: dict[str, Any]) -> tuple[Any, ...]:
    benefits = sorted(json.dumps([b["status"], b["amount"], b.get("amount_options")], sort_keys=True,
                                 ensure_ascii=False) for b in result["benefits"] if b["amount"] or b.get("amount_options"))
    return result["covered"], tuple(benefits), result["monthly_total"], result["once_total"]


def test_a_new_city_is_onboarded_in_the_console_and_answers_as_kaifeng(console_server: tuple[str, dict[str, str]],
                                                                       tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    base, env = console_server
    source = tmp_path / "xincheng.txt"
    source.write_text((ROOT / "knowledge" / "sources" / "kaifeng.txt").read_text(encoding="utf-8")
                      .replace("开封", "新城"), encoding="utf-8")
    SHOTS.mkdir(parents=True, exist_ok=True)
    offenders: list[str] = []
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=chromium_path())
        admin = _sign_in(chromium, base, env, ADMIN)
        for editor in (EDITOR_A, EDITOR_B):  # the admin makes both of them policy editors of 新城市
            admin.fill("#editor-form input[name=user]", str(editor))
            admin.fill("#editor-form input[name=city]", CITY)
            admin.locator("#editor-form").get_by_role("button", name=w.DOCS_EDITOR_GRANT).click()
            assert admin.locator("#message").inner_text() == w.DOCS_EDITOR_GRANTED.format(user=editor, city=CITY)
        _elder_sizes(admin, "1-list", offenders)

        a = _sign_in(chromium, base, env, EDITOR_A)
        a.set_input_files("#upload input[type=file]", str(source))
        a.fill("#upload input[name=city]", CITY)
        a.fill("#upload input[name=number]", "新政办〔2023〕24号")
        a.fill("#upload input[name=issued]", "2023-07-24")
        a.fill("#upload input[name=effective]", "2023-08-01")
        a.get_by_role("button", name=w.DOCS_UPLOAD_BUTTON).click()
        a.locator("#added").wait_for()
        assert w.DOCS_UNDER_REVIEW_LONG in a.content()
        first = a.locator("#card-xincheng\\.draft_1")
        assert first.locator("mark").inner_text().endswith("提高到每人每月1430元")
        assert "每人每月1,430元" in first.inner_text()
        _elder_sizes(a, "2-review", offenders)
        a.locator("#card-scope").get_by_role("button", name=w.DOCS_ACCEPT).click()
        for rule in ("xincheng\\.draft_2", "xincheng\\.draft_3", "xincheng\\.draft_4"):
            a.locator(f"#card-{rule}").get_by_role("button", name=w.DOCS_ACCEPT).click()
            a.locator(f"#card-{rule} .decision").wait_for()
        # 修改: the amount and conditions through the form, re-entered as the document says
        first = a.locator("#card-xincheng\\.draft_1")
        first.get_by_role("link", name=w.DOCS_EDIT).click()
        assert a.input_value("input[name=value]") == "1430" and a.input_value("input[name=mother_age_min]") == "49"
        _elder_sizes(a, "3-edit", offenders)
        a.fill("input[name=value]", "1,430")
        a.select_option("select[name=period]", label="每月")
        a.select_option("select[name=per]", label="每人")
        a.select_option("select[name=child]", label="独生子女死亡")
        a.get_by_role("button", name=w.CONSOLE_SAVE).click()
        assert w.DOCS_DECISIONS["edited"] in a.locator("#card-xincheng\\.draft_1").inner_text()
        # 添加条件: no later birth or adoption (the scope asks it already, so no result changes)
        card = a.locator("#card-xincheng\\.draft_3")
        card.locator("select[name=kind]").select_option("no_later_child")
        card.get_by_role("button", name=w.DOCS_ADD_CONDITION).click()
        assert "之后未再生育或收养子女" in a.locator("#card-xincheng\\.draft_3").inner_text()
        publish = a.locator("#publish").get_by_role("button", name=w.DOCS_PUBLISH)
        assert publish.is_disabled() and a.locator("#why-not").inner_text() == w.DOCS_PUBLISH_SAME_EDITOR
        a.get_by_role("link", name=w.DOCS_PREVIEW).click()
        assert w.DOCS_PREVIEW_HELP_FIRST in a.content() and "2人共2,860元" in a.locator("#preview").inner_text()
        _elder_sizes(a, "4-preview", offenders)

        b = _sign_in(chromium, base, env, EDITOR_B)
        b.get_by_role("link", name=CITY).click()
        publish = b.locator("#publish").get_by_role("button", name=w.DOCS_PUBLISH)
        assert publish.is_enabled()
        publish.click()
        assert b.locator("#message").inner_text() == w.DOCS_PUBLISHED.format(version=1)
        _elder_sizes(b, "5-published", offenders)
        chromium.close()
    assert not offenders, "\n".join(offenders)

    # the answers through `python -m bot`: the new city's results are the shipped Kaifeng ones
    profiles = _profiles()
    lines = [json.dumps({**p, "id": f"{code}-{i}", "jurisdiction": code}, ensure_ascii=False)
             for i, p in enumerate(profiles) for code in ("kaifeng", CITY)]
    done = subprocess.run([sys.executable, "-m", "bot", "check", "--batch", "-"], input="\n".join(lines) + "\n",
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    results = {r["id"]: r for r in map(json.loads, done.stdout.splitlines())}
    assert not [r for r in results.values() if "error" in r]
    assert {r["jurisdiction"] for r in results.values()} == {"kaifeng", "xincheng"}
    differ = [profiles[i] for i in range(len(profiles))
              if _money(results[f"kaifeng-{i}"]) != _money(results[f"{CITY}-{i}"])]
    assert not differ, differ[:3]
    assert any(results[f"{CITY}-{i}"]["monthly_total"] == 2860 for i in range(len(profiles)))
