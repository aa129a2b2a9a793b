"""The pages under their Content-Security-Policy in a real browser (Chromium via Playwright,
as tests/web/test_browser.py, but without bypassing the policy): the phone's interview to
its printed result, a question, the desk's search as you type, a document and the
comparison all work, and the browser reports no violation of the policy on any of them."""

from __future__ import annotations

from typing import Any

from dialogs import web_copy as w

WATCH = """() => { window.__violations = [];
  document.addEventListener('securitypolicyviolation',
    e => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + (e.sample || ''))); }"""


def _page(browser: Any) -> tuple[Any, list[str]]:
    """A page whose CSP violations (reported by the browser itself) are collected."""
    page = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN").new_page()
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text) if "Content Security Policy" in m.text else None)
    page.add_init_script(f"({WATCH})()")
    return page, console


def _violations(page: Any, console: list[str]) -> list[str]:
    return [*page.evaluate("window.__violations"), *console]


def test_the_phone_pages_work_under_the_policy_to_the_printed_result(browser: Any, server: str) -> None:
    """The interview answered with each question's first choice (whatever the questions are
    by then), the result printed with its inline print button, nothing refused."""
    page, console = _page(browser)
    page.goto(server + "/")
    assert page.evaluate("[...document.styleSheets].some(s => s.href && s.href.endsWith('/static/app.css'))")
    page.goto(server + "/check")
    for _ in range(40):
        if page.locator("form[action='/check/print'] button").count():
            break
        choice = page.locator("form.buttons button.big:not(.secondary), form.confirm button").first
        if not choice.count():
            page.fill("#age", "62")
            page.locator("form.age button").click()
            continue
        choice.click()
    page.locator("form[action='/check/print'] button").click()
    page.evaluate("window.print = () => { window.__printed = true; }")
    page.get_by_role("button", name=w.PRINT_NOW).click()  # the one inline handler, allowed by its hash
    assert page.evaluate("window.__printed === true")
    assert _violations(page, console) == []
    page.context.close()


def test_the_desk_searches_as_you_type_under_the_policy(browser: Any, server: str) -> None:
    page, console = _page(browser)
    page.goto(server + "/desk")
    page.locator("#q").press_sequentially("免费体检", delay=60)
    page.locator(".hit").first.wait_for()  # desk.js ran and fetched /desk/search
    assert "体检" in page.locator(".hit").first.inner_text()
    page.goto(server + "/desk/doc/kaifeng")
    page.goto(server + "/desk/compare")
    page.goto(server + "/ask?q=" + "体检免费吗")
    assert _violations(page, console) == []
    page.context.close()


def test_an_injected_inline_script_is_refused_by_the_browser(browser: Any, server: str) -> None:
    """What the policy is for: were escaping ever to fail, injected code would not run."""
    page, console = _page(browser)
    page.goto(server + "/")
    page.evaluate("""() => { const s = document.createElement('script'); s.textContent = 'window.__pwned = 1';
                             document.body.appendChild(s); }""")
    assert page.evaluate("window.__pwned === undefined")
    assert any("script-src" in v for v in _violations(page, console))
    page.context.close()
