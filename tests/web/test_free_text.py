"""Typed messages on the phone page (/ask) are answered as Telegram and the terminal answer
them: distress first, everyday sentences as everyday sentences, a city named in the question
wins, re-birth clauses only when asked, and no 【】 brackets in the page (highlights are
<mark>, never around words of death)."""

from __future__ import annotations

import re

import httpx

from bot.web.app import create_app
from dialogs import conversation_templates as cc


def client() -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app()), base_url="http://lianxin.test")


async def ask(q: str, city: str = "") -> str:
    async with client() as c:
        r = await c.post("/ask", data={"q": q, "city": city})  # a question travels in a POST body, never a URL
    assert r.status_code == 200
    return r.text


def answer_of(page: str) -> str:
    """The answer section, tags removed (what a reader sees)."""
    section = page[page.index('id="answer"'):]
    return re.sub(r"<[^>]+>", "", section)


async def test_a_distressed_message_gets_the_distress_reply_with_the_city_clause_not_a_search() -> None:
    shown = answer_of(await ask("孩子走了，我也不想活了", "kaifeng"))
    assert "12356" in shown and "120" in shown and "110" in shown
    assert "开封市的文件里也写了对您这样的家庭的心理帮扶" in shown
    assert "汴政办〔2023〕24号，三、（四）9." in shown and "心理专家或社会工作者上门进行心理干预服务" in shown
    assert "问题：" not in shown and "没有找到" not in shown  # no clause search instead of care


async def test_a_distressed_message_without_a_city_still_gets_the_hotlines() -> None:
    shown = answer_of(await ask("活着没意思"))
    assert "12356" in shown and "120（急救）或 110（报警）" in shown and "问题：" not in shown


async def test_everyday_sentences_get_everyday_replies_and_the_web_way_to_start_the_check() -> None:
    assert cc.GREETING in answer_of(await ask("你好"))
    page = await ask("怎么用")
    how = answer_of(page)
    assert "/check" not in how and "查看待遇" not in how  # what this page offers, not a chat command
    # the reply names the button it offers, and the button is there (the conversation core's words)
    assert f"选“{cc.BTN_START_CHECK}”" in how
    assert re.search(rf'<button class="big" name="choice" value="x\|check">{cc.BTN_START_CHECK}</button>', page)
    page = await ask("我是临沂的")
    assert "记下了：临沂市" in answer_of(page)
    assert re.search(r'<option value="linyi" selected>', page)  # the next question is for Linyi


async def test_a_city_named_in_the_question_wins_over_the_one_chosen() -> None:
    shown = answer_of(await ask("临沂 扶助金多少", "kaifeng"))
    assert "临政办发〔2014〕42号" in shown and "汴政办" not in shown


async def test_highlights_are_marked_not_bracketed() -> None:
    page = await ask("每个月的扶助金有多少", "kaifeng")
    answer = page[page.index('id="answer"'):]
    assert "<mark>特别扶助金</mark>" in answer and "【" not in answer and "】" not in answer
    shown = answer_of(page)
    assert "汴政办〔2023〕24号，三、（一）1." in shown and "每人每月1,430元" in shown


async def test_rebirth_clauses_only_when_asked() -> None:
    plain = answer_of(await ask("医保 补贴", "kaifeng"))
    assert "三、（三）5." in plain and "三、（三）7." not in plain and "试管婴儿" not in plain
    asked = answer_of(await ask("再生育 医保", "kaifeng"))
    assert "三、（三）7." in asked


async def test_no_mark_around_words_of_death() -> None:
    page = await ask("独生子女死亡 扶助金", "kaifeng")
    answer = page[page.index('id="answer"'):]
    assert "死亡" in answer and not re.search(r"<mark>[^<]*(死|亡|去世|逝)[^<]*</mark>", answer)


async def test_the_hotlines_can_be_called_with_one_tap_on_a_phone() -> None:
    page = await ask("我不想活了", "kaifeng")
    calls = page[page.index('id="calls"'):page.index('id="answer"')]  # first on the page, as big buttons
    assert re.findall(r'href="tel:(\d+)"', calls) == ["12356", "120", "110"]
    assert 'href="tel:1—2' not in page and "tel:2023" not in page  # the quoted clause is left alone
