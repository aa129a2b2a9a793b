"""The web pages in a real browser (Debian's chromium driven by Playwright for Python).

At a phone size (390x844) and a desk size: a family completes the interview and prints the
result; a question is answered with its citation; staff search as they type, copy a
citation, browse a document and compare cities. Screenshots (and the printed PDF) are
written to build/screenshots/ (SCREENSHOTS below) for a person to look at.

No browser is no excuse: the tests fail (never skip) and say how to install one.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from dialogs import conversation_templates as cc
from dialogs import web_copy as w

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "build" / "screenshots"
PHONE = {"width": 390, "height": 844}
DESK = {"width": 1366, "height": 900}
@pytest.fixture(scope="module", autouse=True)
def _screenshots() -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)


def _page(browser: Any, viewport: dict[str, int]) -> Any:
    # bypass_csp: Playwright's wait_for_function and add_style_tag run strings in the page, which
    # the pages' Content-Security-Policy forbids; test_web_defences_browser.py runs under it
    context = browser.new_context(viewport=viewport, locale="zh-CN", permissions=["clipboard-read", "clipboard-write"],
                                  bypass_csp=True)
    return context.new_page()


def _shot(page: Any, name: str) -> None:
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def _fits_width(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"))


@pytest.mark.parametrize(("size", "viewport"), [("phone", PHONE), ("desk", DESK)])
def test_a_family_completes_the_interview_changes_an_answer_and_prints(browser: Any, server: str, size: str,
                                                                       viewport: dict[str, int]) -> None:
    page = _page(browser, viewport)
    page.goto(server + "/")
    assert float(page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")) >= 18
    _shot(page, f"{size}-1-home")
    page.get_by_role("link", name=w.HOME_CHECK).click()
    page.get_by_role("button", name="开封市").click()
    page.get_by_role("button", name="孩子已经离世").click()
    page.get_by_role("button", name="返回上一步").click()  # back: the child question again
    assert "请问孩子现在的情况是" in page.locator("h1").inner_text()
    page.get_by_role("button", name="孩子已经离世").click()
    assert "夫妻两人" in page.locator("h1").inner_text()  # who is in the household, its own question
    page.get_by_role("button", name="夫妻两人", exact=True).click()
    _shot(page, f"{size}-2-question")
    big = page.get_by_role("button", name="两人都在本地（城镇户口）")
    assert big.bounding_box()["height"] >= 48  # a button a finger can hit
    assert page.get_by_role("button", name="不清楚").is_visible()
    big.click()
    page.get_by_role("button", name="没有", exact=True).click()
    page.fill("#age", "很大了")  # a typed age that is not a number
    page.get_by_role("button", name=w.CHECK_AGE_SUBMIT).click()
    assert cc.BAD_AGE in page.locator("main").inner_text()  # the conversation's own words, the question again
    assert "孩子妈妈" in page.locator("h1").inner_text()
    page.fill("#age", "62")
    page.get_by_role("button", name=w.CHECK_AGE_SUBMIT).click()
    page.get_by_role("button", name="60岁及以上").click()
    page.get_by_role("button", name="没有", exact=True).click()
    summary = page.locator(".summary").inner_text()
    assert "开封市" in summary and "孩子已经离世" in summary and "夫妻两人" in summary and "62岁" in summary
    _shot(page, f"{size}-3-summary")
    assert page.locator(".summary li").nth(4).inner_text().startswith("后来是否再生育或收养")
    page.get_by_role("button", name="改：后来是否再生育或收养").click()  # the 5th answer, changed without starting over
    assert "有没有再生育或者收养孩子" in page.locator("h1").inner_text()
    page.get_by_role("button", name="没有", exact=True).click()
    page.get_by_role("button", name="看结果").click()
    lead = page.locator("#summary")
    assert lead.is_visible() and lead.bounding_box()["y"] < viewport["height"]  # the summary on the first screen
    first = lead.inner_text()
    assert "每月现金合计：2,860元" in first and "每人每月1,430元，2人共2,860元" in first
    assert "按2023年7月24日文件所载" in first and "汴政办〔2023〕24号" in first
    assert "再生育的医保待遇" not in page.locator(".result").inner_text()  # only on request
    cash = page.locator("details.topic.cash")
    assert not cash.locator(".item").first.is_visible()  # one tap away, not a wall of text
    page.screenshot(path=str(SCREENSHOTS / f"{size}-4-result-top.png"))  # what the family sees first
    cash.locator("summary").click()
    opened = cash.inner_text()
    assert "特别扶助金（独生子女死亡）" in opened and "每人每月1,430元，2人共2,860元（按2023年7月24日文件所载）" in opened
    assert "汴政办〔2023〕24号 三、（一）1.：“对独生子女死亡、女方年满49周岁的夫妻的特别扶助金由每人每月1180元提高到每人每月1430元”" in opened
    not_applicable = page.locator("details.topic.not")
    assert not_applicable.locator("summary").inner_text() == "不适用的（5项）"  # a count that opens
    assert not not_applicable.locator(".item").first.is_visible()
    not_applicable.locator("summary").click()
    assert "不符合：" in not_applicable.inner_text() and not_applicable.locator(".item").first.is_visible()
    sensitive = page.locator("details.topic.sensitive")
    assert sensitive.locator("summary").inner_text() == "再要孩子或收养的帮扶（3项）"  # one neutral line
    assert not sensitive.locator(".item").first.is_visible()
    assert _fits_width(page)
    _shot(page, f"{size}-4-result")
    page.get_by_role("button", name=w.CHECK_CHANGE).click()  # from the result back to the summary, answers kept
    assert "孩子已经离世" in page.locator(".summary").inner_text()
    page.get_by_role("button", name="看结果").click()
    page.get_by_role("button", name=w.CHECK_PRINT).click()
    printed = page.locator("main").inner_text()
    today = dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).date()
    assert f"{today.year}年{today.month}月{today.day}日" in printed
    assert "汴政办〔2023〕24号 三、（一）1.：“对独生子女死亡、女方年满49周岁的夫妻的特别扶助金由每人每月1180元提高到每人每月1430元”" in printed
    assert "每人每月1,430元，2人共2,860元（按2023年7月24日文件所载）" in printed
    assert printed.index("现金（4项）") < printed.index("医疗（") < printed.index("养老（")  # grouped as on the screen
    assert "不适用" not in printed  # the page for the township office lists what to claim and ask about
    assert "再生育的医保待遇" not in printed and "同等条件下优先收养子女" not in printed
    page.emulate_media(media="print")
    assert not page.get_by_role("button", name=w.PRINT_NOW).is_visible()
    _shot(page, f"{size}-5-print")
    page.pdf(path=str(SCREENSHOTS / f"{size}-5-print.pdf"))
    assert (SCREENSHOTS / f"{size}-5-print.pdf").stat().st_size > 10_000
    page.context.close()


def test_the_phone_page_works_with_the_font_enlarged(browser: Any, server: str) -> None:
    page = _page(browser, PHONE)
    page.goto(server + "/check")
    page.add_style_tag(content="html { font-size: 200% !important; }")  # the phone's largest text setting
    assert float(page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")) >= 32
    assert _fits_width(page)
    button = page.get_by_role("button", name="柳州市")
    button.scroll_into_view_if_needed()
    assert button.is_visible() and button.bounding_box()["width"] <= PHONE["width"]
    _shot(page, "phone-6-enlarged")
    button.click()
    assert "请问孩子现在的情况是" in page.locator("h1").inner_text()
    page.context.close()


@pytest.mark.parametrize(("size", "viewport"), [("phone", PHONE), ("desk", DESK)])
def test_a_question_is_answered_with_its_citation(browser: Any, server: str, size: str,
                                                  viewport: dict[str, int]) -> None:
    page = _page(browser, viewport)
    page.goto(server + "/")
    page.get_by_role("link", name=w.HOME_ASK).click()
    page.fill("#q", "每个月的扶助金有多少")
    page.select_option("#city", "kaifeng")
    page.get_by_role("button", name=w.ASK_SUBMIT).click()
    answer = page.locator("#answer").inner_text()
    assert "汴政办〔2023〕24号" in answer and "三、（一）1." in answer and "原文" in answer and "1430元" in answer
    assert "【" not in answer and page.locator("#answer mark", has_text="特别扶助金").count() > 0
    assert _fits_width(page)
    _shot(page, f"{size}-7-ask")
    page.context.close()


@pytest.mark.parametrize(("size", "viewport"), [("desk", DESK), ("phone", PHONE)])
def test_staff_search_as_they_type_copy_a_citation_browse_and_compare(browser: Any, server: str, size: str,
                                                                      viewport: dict[str, int]) -> None:
    page = _page(browser, viewport)
    page.goto(server + "/desk")
    page.locator("#q").press_sequentially("免费体检", delay=60)
    page.locator(".hit").first.wait_for()
    first = page.locator(".hit").first.inner_text()
    assert "体检" in first and "原文" in first
    page.select_option("#city", "liuzhou")
    page.wait_for_function("[...document.querySelectorAll('.hit .meta')].every(m => m.textContent.startsWith('柳州市'))"
                           " && document.querySelectorAll('.hit').length > 0")
    hit = page.locator(".hit").first
    assert "柳政规〔2018〕41号" in hit.inner_text()
    citation = hit.locator("button.copy").get_attribute("data-citation")
    assert citation and citation.startswith("柳州市柳政规〔2018〕41号，") and "体检" in citation
    hit.locator("button.copy").click()
    page.wait_for_function("document.querySelector('.hit button.copy').textContent === '已复制'")
    if size == "desk":
        assert page.evaluate("navigator.clipboard.readText()") == citation
    _shot(page, f"{size}-8-desk-search")
    page.get_by_role("link", name="开封市").click()
    tree = page.locator(".tree").inner_text()
    assert "三、" in tree and "（一）" in tree and "对独生子女死亡、女方年满49周岁的夫妻的特别扶助金" in tree
    _shot(page, f"{size}-9-document")
    page.goto(server + "/desk/compare")
    page.select_option("#topic", "health_check")
    page.get_by_role("button", name=w.DESK_COMPARE_SUBMIT).click()
    table = page.locator("table.compare")
    cities = table.locator("tbody tr td:first-child").all_inner_texts()
    assert {c.split("】")[0].lstrip("【") for c in cities} >= {"安康市", "临沂市", "泰州市姜堰区", "开封市", "柳州市"}
    assert "征求意见稿" in " ".join(cities)  # Jiangyan is a draft, said where it is cited
    _shot(page, f"{size}-10-compare")
    page.context.close()


def _answer_until(page: Any, selector: str) -> None:
    """Press the first answer of each question (typing 62 for an age) until `selector` shows."""
    for _ in range(20):
        if page.locator(selector).count():
            return
        if page.locator("#age").count():
            page.fill("#age", "62")
            page.get_by_role("button", name=w.CHECK_AGE_SUBMIT).click()
        else:
            page.locator("form.buttons button.big").first.click()
    raise AssertionError(f"{selector} never appeared")


def test_a_checklist_is_ticked_on_a_phone_and_shows_in_the_summary(browser: Any, server: str) -> None:
    page = _page(browser, PHONE)
    page.goto(server + "/check")
    page.get_by_role("button", name="临沂市").click()
    _answer_until(page, "h1:has-text('特别扶助金')")
    assert page.get_by_role("button", name="已经在领").is_visible() and page.get_by_role("button", name="还没有领").is_visible()
    _answer_until(page, ".tick")
    assert page.get_by_role("button", name="不清楚").is_visible()
    page.get_by_label("家里享受低保").check()
    page.get_by_label("是五保（特困）供养对象").check()
    _shot(page, "phone-11-checklist")
    page.get_by_role("button", name="选好了").click()
    _answer_until(page, ".summary")
    summary = page.locator(".summary").inner_text()
    assert "家里享受低保、是五保（特困）供养对象" in summary
    assert "已经在领" in summary  # 特别扶助金 is its own question now, not a tick in the list
    page.context.close()


def test_a_kaifeng_widow_sees_the_allowance_for_one_person_on_a_phone(browser: Any, server: str) -> None:
    """只有孩子妈妈: one person's 1,430 a month, never the couple's 2,860."""
    page = _page(browser, PHONE)
    page.goto(server + "/check")
    page.get_by_role("button", name="开封市").click()
    page.get_by_role("button", name="孩子已经离世").click()
    page.get_by_role("button", name="只有孩子妈妈").click()
    assert "您的户口在开封市吗" in page.locator("h1").inner_text()  # asked of her, not of a couple
    page.get_by_role("button", name="在本地（城镇户口）").click()
    page.get_by_role("button", name="没有", exact=True).click()
    page.fill("#age", "66")
    page.get_by_role("button", name=w.CHECK_AGE_SUBMIT).click()
    assert "孩子爸爸" not in page.locator("main").inner_text()  # no question about a father who is not there
    page.get_by_role("button", name="没有", exact=True).click()
    assert "只有孩子妈妈" in page.locator(".summary").inner_text()
    page.get_by_role("button", name="看结果").click()
    first = page.locator("#summary").inner_text()
    assert "每月现金合计：1,430元" in first and "特别扶助金（独生子女死亡）每人每月1,430元" in first
    assert "2,860" not in page.locator(".result").inner_text()
    page.locator("details.topic.cash summary").click()
    cash = page.locator("details.topic.cash").inner_text()
    assert "金额：每人每月1,430元（按2023年7月24日文件所载）" in cash and "2人共" not in cash
    assert "汴政办〔2023〕24号 三、（一）1.：“对独生子女死亡、女方年满49周岁的夫妻的特别扶助金" in cash
    assert _fits_width(page)
    _shot(page, "phone-12-widow-result")
    page.get_by_role("button", name=w.CHECK_PRINT).click()
    printed = page.locator("main").inner_text()
    assert "每人每月1,430元（按2023年7月24日文件所载）" in printed and "2,860" not in printed
    assert "户口在哪个地方：开封市" in printed and "？：" not in printed
    page.context.close()


def test_a_distressed_message_on_a_phone_gets_care_and_the_hotlines(browser: Any, server: str) -> None:
    page = _page(browser, PHONE)
    page.goto(server + "/ask")
    page.select_option("#city", "kaifeng")
    page.fill("#q", "孩子走了以后我真的不想活了")
    page.get_by_role("button", name=w.ASK_SUBMIT).click()
    answer = page.locator("#answer")
    shown = answer.inner_text()
    assert "12356" in shown and "120（急救）或 110（报警）" in shown
    assert "汴政办〔2023〕24号，三、（四）9." in shown and "心理专家或社会工作者上门进行心理干预服务" in shown
    assert answer.bounding_box()["y"] < PHONE["height"]  # the care starts on the first screen
    assert _fits_width(page)
    _shot(page, "phone-13-distress")
    page.context.close()
