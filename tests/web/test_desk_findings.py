"""What a hotline operator found at the desk (issue 23): a search with a city chosen said
nothing when that city's documents had nothing and showed other cities' clauses as if they
were the caller's; a city without a benefit of the kind asked about showed clauses that merely
share a word; Enter did nothing; nothing could be printed; the focus ring was the browser's
1 px. Over HTTP (the JSON and the pages) and in Chromium (Enter, the notices, print, focus)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.web.app import create_app
from bot.web.desk import TOPIC_WORDS
from dialogs import web_copy as w
from knowledge.comparison import compare
from knowledge.rules_schema import TOPICS

PHONE = {"width": 390, "height": 844}
DESK = {"width": 1366, "height": 900}


def client() -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app()), base_url="http://lianxin.test")


async def desk_search(q: str, city: str = "") -> dict[str, Any]:
    async with client() as c:
        r = await c.post("/desk/search", data={"q": q, "city": city})
    assert r.status_code == 200
    return dict(r.json())


async def test_a_city_with_nothing_found_says_so_first_and_names_the_other_cities() -> None:
    data = await desk_search("公交车", "kaifeng")
    assert data["answered"] is False
    assert data["notices"][0] == "开封市的文件没有找到和“公交车”有关的条款。"
    assert data["groups"], "the other cities' clauses are still offered, under their own heading"
    for group in data["groups"]:  # nothing from another city without a heading that names it
        cities = {hit["city"] for hit in group["results"]}
        assert "开封市" not in cities and group["elsewhere"] is True
        assert all(city in group["heading"] for city in cities) and "不是开封市的规定" in group["heading"]


async def test_the_hotline_word_for_the_one_off_grant_is_found_in_the_city() -> None:
    """The operator's 抚慰金 is the documents' 一次性救助 (lexicon): Kaifeng answers it."""
    data = await desk_search("抚慰金", "kaifeng")
    assert data["answered"] is True and data["groups"][0]["results"][0]["city"] == "开封市"


async def test_a_city_without_the_kind_of_benefit_says_so_as_the_comparison_page_does() -> None:
    data = await desk_search("免费体检", "kaifeng")
    assert data["notices"][0] == "开封市的文件里没有“免费体检”这一项（和“各地对比”一致）。"
    assert data["notices"][1] == "文件里有这一项的地方：安康市、泰州市姜堰区、柳州市。"
    (own,) = data["groups"]
    assert own["heading"] == "开封市文件里只是提到相关字词的条款（不是这一项）："
    assert {hit["city"] for hit in own["results"]} == {"开封市"}
    async with client() as c:
        compared = (await c.get("/desk/compare", params={"topic": "health_check"})).text
    row = next(r for r in re.findall(r"<tr>(.*?)</tr>", compared, re.S) if "开封市" in r)
    assert w.DESK_NO_ITEM in row  # the same fact on both pages


@pytest.mark.parametrize("topic", sorted(TOPIC_WORDS))
async def test_every_city_missing_a_kind_is_told_and_every_city_having_it_is_not(topic: str) -> None:
    word = TOPIC_WORDS[topic][0]
    for row in compare(topic):
        data = await desk_search(word, row.document.code)
        no_kind = w.DESK_CITY_NO_KIND.format(city=row.document.name, kind=TOPICS[topic])
        assert (no_kind in data["notices"]) is (not row.rules), (row.document.code, data["notices"])


async def test_a_city_that_has_it_shows_its_own_clauses_with_no_warning() -> None:
    data = await desk_search("免费体检", "liuzhou")
    assert data["answered"] is True and data["notices"] == []
    assert {hit["city"] for g in data["groups"] for hit in g["results"]} == {"柳州市"}
    assert data["groups"][0]["heading"] == ""


async def test_the_query_travels_in_a_post_body_and_is_not_cached() -> None:
    async with client() as c:
        r = await c.post("/desk/search", data={"q": "体检", "city": "liuzhou"})
    assert r.headers["cache-control"] == "no-store" and r.json()["results"][0]["city"] == "柳州市"
    script = (Path(__file__).resolve().parents[2] / "bot/web/static/desk.js").read_text(encoding="utf-8")
    assert 'method: "POST"' in script and "/desk/search?" not in script


async def test_search_compare_and_document_pages_print_and_keep_scripts_out_of_the_markup() -> None:
    async with client() as c:
        pages = {path: (await c.get(path)).text for path in ("/desk", "/desk/compare", "/desk/doc/kaifeng")}
        printed = await c.get("/check")
    for path, html in pages.items():
        assert f">{w.PRINT_PAGE}</button>" in html and "data-print" in html, path
    for html in [*pages.values(), printed.text]:  # a strict Content-Security-Policy keeps working
        assert not re.search(r"\son[a-z]+=", html) and not re.search(r"<script(?![^>]*\bsrc=)", html)
    assert '<meta name="referrer" content="no-referrer">' in pages["/desk"]


# --- in Chromium ------------------------------------------------------------------------

def _page(browser: Any, viewport: dict[str, int]) -> Any:
    page = browser.new_context(viewport=viewport, locale="zh-CN").new_page()
    page.add_init_script("window.__printed = 0; window.print = function () { window.__printed += 1; };")
    return page


@pytest.mark.parametrize("viewport", [DESK, PHONE], ids=["desk", "phone"])
def test_enter_searches_and_the_chosen_city_comes_first(browser: Any, server: str, viewport: dict[str, int]) -> None:
    page = _page(browser, viewport)
    page.goto(server + "/desk")
    page.select_option("#city", "kaifeng")
    # typed, no search yet (no input event); only 姜堰's draft speaks of bus fares
    page.evaluate("document.getElementById('q').value = '公交车'")
    page.locator("#q").focus()
    page.keyboard.press("Enter")
    notice = page.locator("#notices .notice").first
    notice.wait_for()
    assert notice.inner_text() == "开封市的文件没有找到和“公交车”有关的条款。"
    heading = page.locator(".elsewhere .group-heading")
    assert "泰州市姜堰区" in heading.inner_text() and "不是开封市的规定" in heading.inner_text()
    first_hit = page.locator(".hit").first.bounding_box()
    assert notice.bounding_box()["y"] < heading.bounding_box()["y"] < first_hit["y"]  # said before it is shown
    assert page.url == server + "/desk"  # nothing typed went into the address
    page.get_by_role("button", name=w.PRINT_PAGE).click()
    assert page.evaluate("window.__printed") == 1
    page.emulate_media(media="print")
    assert not page.get_by_role("button", name=w.PRINT_PAGE).is_visible()
    assert page.locator(".hit").first.is_visible() and not page.locator("header.top").is_visible()
    page.context.close()


@pytest.mark.parametrize("path", ["/desk/compare", "/desk/doc/kaifeng"])
def test_compare_and_document_pages_have_a_print_button(browser: Any, server: str, path: str) -> None:
    page = _page(browser, DESK)
    page.goto(server + path)
    page.get_by_role("button", name=w.PRINT_PAGE).click()
    assert page.evaluate("window.__printed") == 1
    page.context.close()


FOCUS = """() => {
  const el = document.activeElement;
  const s = getComputedStyle(el);
  return {tag: el.tagName, text: (el.textContent || el.id || '').trim().slice(0, 20),
          width: parseFloat(s.outlineWidth), style: s.outlineStyle, color: s.outlineColor};
}"""


@pytest.mark.parametrize("path", ["/", "/ask", "/check", "/desk", "/desk/compare", "/desk/doc/liuzhou"])
def test_every_control_reached_by_tab_shows_a_3_px_black_ring(browser: Any, server: str, path: str) -> None:
    page = _page(browser, DESK)
    page.goto(server + path)
    page.evaluate("document.activeElement && document.activeElement.blur()")
    seen: list[dict[str, Any]] = []
    for _ in range(12):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUS)
        if focused["tag"] == "BODY":
            break
        seen.append(focused)
    assert len(seen) >= 2, seen
    weak = [f for f in seen if f["width"] < 3 or f["style"] in ("none", "auto") or f["color"] != "rgb(0, 0, 0)"]
    assert not weak, weak
    page.context.close()

