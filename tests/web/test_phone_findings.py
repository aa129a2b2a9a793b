"""What families found on the phone page (issue 23): a question typed on the page stayed in
the address bar and the history (the form was a GET) while the page said it keeps nothing;
12356, 120 and 110 were small links inside running text; the result opened with the document
citation in bold and the monthly total in the middle of a paragraph, below the fold. Over HTTP
and in Chromium at 390x844."""

from __future__ import annotations

import contextlib
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus

import httpx
import pytest

from bot.web.app import create_app
from dialogs import web_copy as w
from tests.web.web_server import ROOT, web_env

PHONE = {"width": 390, "height": 844}
SECRET = "活着没意思"


def client() -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app()), base_url="http://lianxin.test")


def _leaks(text: str) -> bool:
    """The question in any spelling a URL or a log would carry it."""
    return any(form in text for form in (SECRET, quote(SECRET), quote_plus(SECRET), quote(SECRET).lower()))


async def test_the_question_form_posts_and_a_question_in_a_url_is_never_answered() -> None:
    async with client() as c:
        empty = await c.get("/ask")
        from_url = await c.get("/ask", params={"q": SECRET, "city": "kaifeng"})  # an old bookmark
        posted = await c.post("/ask", data={"q": SECRET, "city": "kaifeng"})
    assert '<form method="post" action="/ask"' in empty.text and 'name="q"' in empty.text
    assert 'id="answer"' not in from_url.text and SECRET not in from_url.text
    assert 'selected>开封市' in from_url.text.replace('"kaifeng" selected', 'selected')  # the city is kept
    assert 'id="answer"' in posted.text and "12356" in posted.text
    for r in (empty, posted):
        assert r.headers["cache-control"] == "no-store"  # the back button does not bring it back from a cache
        assert '<meta name="referrer" content="no-referrer">' in r.text
    assert 'autocomplete="off"' in empty.text  # the browser's form history does not keep it either


async def test_the_hotlines_come_first_as_call_buttons_once_each() -> None:
    async with client() as c:
        page = (await c.post("/ask", data={"q": "孩子走了，我也不想活了", "city": "kaifeng"})).text
    main = page[page.index("<main>"):]
    calls = re.findall(r'<a class="call-button" href="tel:(\d+)">(.*?)</a>', main)
    assert [n for n, _ in calls] == ["12356", "120", "110"]
    assert "心理援助热线" in calls[0][1] and "急救" in calls[1][1] and "报警" in calls[2][1]
    assert main.index('class="call-button"') < main.index("<h1>") < main.index('id="answer"')
    assert not re.search(r'<a[^>]*href="tel:[^"]*"[^>]*>[^<]*</a>', main[main.index('id="answer"'):])
    async with client() as c:  # an ordinary question gets no call buttons
        plain = (await c.post("/ask", data={"q": "体检免费吗", "city": "liuzhou"})).text
    assert "call-button" not in plain


# --- in Chromium ------------------------------------------------------------------------

@contextlib.contextmanager
def _server_with_log(log: Path) -> Iterator[str]:
    """`python -m bot web`, everything it prints (uvicorn's log included) written to `log`."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = web_env()
    with log.open("w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "bot", "web", "--port", str(port)], cwd=ROOT, env=env,
                                stdout=out, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(200):
                with contextlib.suppress(httpx.HTTPError):
                    if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                        break
                time.sleep(0.1)
            else:
                pytest.fail("python -m bot web did not start: " + log.read_text())
            yield base
        finally:
            proc.terminate()
            proc.wait(timeout=20)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    log = tmp_path_factory.mktemp("web") / "server.log"
    with _server_with_log(log) as base:
        yield base, log


def _page(browser: Any) -> Any:
    return browser.new_context(viewport=PHONE, locale="zh-CN").new_page()


def test_a_despairing_question_reaches_no_url_no_referer_and_no_log(browser: Any, served: tuple[str, Path]) -> None:
    server, log = served
    page = _page(browser)
    requests: list[Any] = []
    page.on("request", lambda request: requests.append(request))
    page.goto(server + "/ask")
    page.fill("#q", SECRET)
    page.select_option("#city", "kaifeng")
    _submit(page, page.get_by_role("button", name=w.ASK_SUBMIT))
    assert page.url == server + "/ask"  # the address bar (and so the history) holds no question
    page.get_by_role("link", name=w.SITE_NAME).click()  # leaving the answer for another page
    page.wait_for_url(server + "/")
    history = page.evaluate("history.length")
    assert history >= 2
    assert requests, "the browser made requests"
    for request in requests:
        assert not _leaks(request.url), request.url
        headers = request.all_headers()
        assert not headers.get("referer"), (request.url, headers.get("referer"))  # no-referrer: nothing to leak
    page.context.close()
    time.sleep(0.3)
    logged = log.read_text(encoding="utf-8", errors="replace")
    assert not _leaks(logged), "the question reached the server log"
    assert "连心助手 web:" in logged  # the server's output was captured


def test_the_call_buttons_are_first_big_and_on_the_first_screen(browser: Any, served: tuple[str, Path]) -> None:
    server, _ = served
    page = _page(browser)
    page.goto(server + "/ask")
    page.fill("#q", "孩子走了以后我真的不想活了")
    _submit(page, page.get_by_role("button", name=w.ASK_SUBMIT))
    buttons = page.locator("main a[href^='tel:']")
    assert buttons.count() == 3
    first_in_main = page.evaluate("document.querySelector('main a, main button, main input, main select')"
                                  ".getAttribute('href')")
    assert first_in_main == "tel:12356"  # the first thing to press on the page
    for i, number in enumerate(("12356", "120", "110")):
        button = buttons.nth(i)
        box = button.bounding_box()
        assert number in button.inner_text()
        assert box["width"] >= 60 and box["height"] >= 60, (number, box)
        assert box["y"] + box["height"] <= PHONE["height"], (number, box)  # without scrolling
    page.context.close()


def _kaifeng_couple_result(page: Any, server: str) -> None:
    page.goto(server + "/check")
    for name in ("开封市", "孩子已经离世", "夫妻两人", "两人都在本地（城镇户口）", "没有"):
        _submit(page, page.get_by_role("button", name=name, exact=True))
    page.fill("#age", "62")
    _submit(page, page.get_by_role("button", name=w.CHECK_AGE_SUBMIT))
    _submit(page, page.get_by_role("button", name="60岁及以上"))
    _submit(page, page.get_by_role("button", name="没有", exact=True))
    _submit(page, page.get_by_role("button", name="看结果"))


def _submit(page: Any, locator: Any) -> None:
    """Press a button that posts a form, and wait for the next page (never read the old one)."""
    with page.expect_navigation():
        locator.click()


MONEY_FIRST = """() => {
  const total = document.querySelector('#money .money-total');
  if (!total) return null;
  const r = total.getBoundingClientRect();
  const basis = [...document.querySelectorAll('main p, main h1, main h2')]
      .find(el => el.textContent.includes('汴政办〔2023〕24号'));
  const before = basis ? !!(total.compareDocumentPosition(basis) & Node.DOCUMENT_POSITION_FOLLOWING) : null;
  return {text: total.textContent, top: r.top, bottom: r.bottom, size: parseFloat(getComputedStyle(total).fontSize),
          body: parseFloat(getComputedStyle(document.body).fontSize), citationAfter: before,
          citationWeight: basis ? parseInt(getComputedStyle(basis).fontWeight, 10) : null,
          scrolled: window.scrollY};
}"""


@pytest.mark.parametrize("view", ["result", "print"])
def test_the_result_leads_with_the_monthly_total_on_the_first_screen(browser: Any, served: tuple[str, Path],
                                                                     view: str) -> None:
    server, _ = served
    page = _page(browser)
    _kaifeng_couple_result(page, server)
    if view == "print":
        _submit(page, page.get_by_role("button", name=w.CHECK_PRINT))
    money = page.evaluate(MONEY_FIRST)
    assert money is not None, "no monthly total to lead with"
    assert money["text"] == "2,860元" and money["scrolled"] == 0
    assert money["top"] >= 0 and money["bottom"] <= PHONE["height"]  # visible without scrolling
    assert money["size"] >= 1.6 * money["body"]  # large: the first thing the eye finds
    assert money["citationAfter"] is True and money["citationWeight"] < 600  # the citation after, not in bold
    label = page.locator("#money").inner_text().replace("\n", "")
    assert label == "每月现金合计：2,860元"
    assert "每人每月1,430元，2人共2,860元" in page.locator("main").inner_text()  # what it is made of
    page.context.close()
