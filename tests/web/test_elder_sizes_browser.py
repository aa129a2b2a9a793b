"""Elder sizes (MIIT 适老化) on every phone and desk screen at 390x844, in Chromium: body text
20 px or more, every visible control at least 60x60 px (a checkbox counts as its whole
labelled row), text contrast 4.5:1 or more; and a 大字 switch that is remembered in this
browser only. Each screen's offenders are listed by element, size and reason."""

from __future__ import annotations

from typing import Any

from dialogs import web_copy as w

PHONE = {"width": 390, "height": 844}
MIN_TARGET = 60
MIN_TEXT = 20
MIN_CONTRAST = 4.5

MEASURE = """([minTarget, minText, minContrast]) => {
  const offenders = [];
  const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
      (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '') +
      ' "' + (el.innerText || el.value || el.getAttribute('aria-label') || '').trim().slice(0, 16) + '"';
  const shown = el => {
    const r = el.getBoundingClientRect();
    const s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none' && s.opacity !== '0';
  };
  const controls = 'a[href], button, input:not([type=hidden]), select, textarea, summary, label, [role=button], [tabindex]';
  for (const el of document.querySelectorAll(controls)) {
    if (!shown(el)) continue;
    if (el.tagName === 'LABEL' && !el.querySelector('input')) continue;  // a caption, not a control
    let target = el;
    if (el.matches('input[type=checkbox], input[type=radio]')) target = el.closest('label') || el;  // the row
    const r = target.getBoundingClientRect();
    if (r.width < minTarget - 0.5 || r.height < minTarget - 0.5)
      offenders.push(`target ${name(el)} ${Math.round(r.width)}x${Math.round(r.height)}`);
  }
  const rgba = c => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const background = el => {
    for (let e = el; e; e = e.parentElement) {
      const c = rgba(getComputedStyle(e).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] > 0.5)) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const seen = new Set();
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const el = node.parentElement;
    if (!node.textContent.trim() || !el || seen.has(el) || el.closest('option, script, style')) continue;
    seen.add(el);
    if (!shown(el)) continue;
    const s = getComputedStyle(el);
    const size = parseFloat(s.fontSize);
    if (size < minText - 0.01) offenders.push(`text ${name(el)} ${size}px`);
    const fg = lum(rgba(s.color).slice(0, 3)), bg = lum(background(el));
    const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
    if (ratio < minContrast) offenders.push(`contrast ${name(el)} ${ratio.toFixed(2)}:1`);
  }
  return offenders;
}"""


def _page(browser: Any) -> Any:
    return browser.new_context(viewport=PHONE, locale="zh-CN").new_page()


class Screens:
    """Measures each screen a walk reaches; the failures are reported all at once."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.offenders: list[str] = []
        self.names: list[str] = []

    def measure(self, name: str) -> None:
        self.page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")  # every item shown
        found = self.page.evaluate(MEASURE, [MIN_TARGET, MIN_TEXT, MIN_CONTRAST])
        self.names.append(name)
        self.offenders += [f"{name}: {o}" for o in found]

    def check(self, at_least: int) -> None:
        assert len(self.names) >= at_least, self.names
        assert not self.offenders, "\n" + "\n".join(self.offenders)


def _submit(page: Any, locator: Any) -> None:
    """Press a button that posts a form, and wait for the next page (never measure the old one)."""
    with page.expect_navigation():
        locator.click()


def _walk_interview(screens: Screens, city: str) -> None:
    """From the first question to the print view, the first answer each time (62 as an age,
    one tick on a checklist), measuring every screen on the way."""
    page = screens.page
    page.goto(screens.base + "/check")  # type: ignore[attr-defined]
    _submit(page, page.get_by_role("button", name=city))
    for step in range(25):
        if page.locator(".summary").count():
            break
        screens.measure(f"{city} question {step + 1}")
        if page.locator(".tick").count():
            page.locator(".tick").first.click()  # the row, not the 27 px box
            assert page.locator(".tick input").first.is_checked()
            _submit(page, page.get_by_role("button", name="选好了"))
        elif page.locator("#age").count():
            page.fill("#age", "62")
            _submit(page, page.get_by_role("button", name=w.CHECK_AGE_SUBMIT))
        else:
            _submit(page, page.locator("form.buttons button.big").first)
    screens.measure(f"{city} summary")
    _submit(page, page.get_by_role("button", name="看结果"))
    screens.measure(f"{city} result")
    _submit(page, page.get_by_role("button", name=w.CHECK_CHANGE))  # back to the answers, and the result again
    screens.measure(f"{city} answers again")
    _submit(page, page.get_by_role("button", name="看结果"))
    _submit(page, page.get_by_role("button", name=w.CHECK_PRINT))
    screens.measure(f"{city} print")


def test_every_phone_and_desk_screen_has_elder_sizes(browser: Any, server: str) -> None:
    page = _page(browser)
    screens = Screens(page)
    screens.base = server  # type: ignore[attr-defined]
    page.goto(server + "/")
    screens.measure("home")
    page.goto(server + "/ask")
    screens.measure("ask")
    for question, city in (("每个月的扶助金有多少", "kaifeng"), ("孩子走了以后我真的不想活了", "kaifeng"), ("你好", "")):
        page.goto(server + "/ask")
        page.fill("#q", question)
        page.select_option("#city", city)
        _submit(page, page.get_by_role("button", name=w.ASK_SUBMIT))
        screens.measure(f"ask answer {question}")
    # the conversation's other screens: the city question with a button per city, the answer
    # once a city is pressed, a clause's whole text, and care in the middle of the interview
    page.goto(server + "/ask")
    page.fill("#q", "住院有人护理吗")
    page.select_option("#city", "")
    _submit(page, page.get_by_role("button", name=w.ASK_SUBMIT))
    screens.measure("ask city question")
    _submit(page, page.get_by_role("button", name="开封市"))
    screens.measure("ask answer after the city")
    _submit(page, page.get_by_role("button", name="原文 1"))
    screens.measure("ask full text")
    page.goto(server + "/check")
    _submit(page, page.get_by_role("button", name="开封市"))
    page.fill("#say", "孩子走了以后我真的不想活了")
    _submit(page, page.get_by_role("button", name=w.CHECK_SAY_SUBMIT))
    assert page.locator("a.call-button").count() == 3 and page.locator("h1.question").count() == 1
    screens.measure("check care mid-interview")
    _walk_interview(screens, "开封市")
    _walk_interview(screens, "临沂市")  # its checklist
    page.goto(server + "/desk")
    screens.measure("desk")
    for query, city in (("免费体检", "liuzhou"), ("抚慰金", "kaifeng")):
        page.select_option("#city", city)
        page.fill("#q", query)
        page.keyboard.press("Enter")
        page.locator(".hit").first.wait_for()
        screens.measure(f"desk search {query}")
    page.goto(server + "/desk/compare?topic=health_check")
    screens.measure("compare")
    page.goto(server + "/desk/doc/kaifeng")
    screens.measure("document")
    page.goto(server + "/no-such-page")
    screens.measure("missing")
    screens.check(at_least=26)
    page.context.close()


def test_the_big_text_switch_is_remembered_here_and_sends_nothing(browser: Any, server: str) -> None:
    page = _page(browser)
    page.goto(server + "/")
    normal = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert normal >= MIN_TEXT
    switch = page.get_by_role("button", name=w.BIG_TEXT)
    box = switch.bounding_box()
    assert box["width"] >= MIN_TARGET and box["height"] >= MIN_TARGET and box["y"] + box["height"] <= PHONE["height"]
    sent: list[str] = []
    page.on("request", lambda request: sent.append(request.url))
    switch.click()
    assert switch.get_attribute("aria-pressed") == "true"
    assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") >= normal * 1.15
    assert sent == [] and page.evaluate("document.cookie") == ""  # nothing sent, nothing for a server to read
    page.goto(server + "/check")  # remembered on the next page
    bigger = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert bigger >= normal * 1.15
    assert page.get_by_role("button", name=w.BIG_TEXT).get_attribute("aria-pressed") == "true"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")  # still fits the phone
    page.get_by_role("button", name=w.BIG_TEXT).click()  # and back
    page.reload()
    assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") == normal
    page.context.close()
