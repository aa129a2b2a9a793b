"""Issue 23 on the phone page: a second despairing message in the same page gets the
shorter, warmer reply that keeps the numbers, like Telegram and the terminal. The count
travels in the page (signed, a number only), never the words."""

from __future__ import annotations

import re

import httpx

from bot.web.app import create_app
from dialogs import conversation_templates as cc

_CARE = re.compile(r'name="care" value="([^"]+)"')


async def test_a_second_despairing_message_in_the_page_is_answered_shorter_and_keeps_the_numbers() -> None:
    app = create_app()
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://lianxin.test") as c:
        first = (await c.post("/ask", data={"q": "活着没意思", "city": "kaifeng"})).text
        assert "心理干预服务" in first and "12356" in first  # the whole reply with the city's clause
        care = _CARE.search(first)
        assert care is not None and "活着" not in care.group(1)
        second = (await c.post("/ask", data={"q": "真的不想活了", "city": "kaifeng", "care": care.group(1)})).text
        assert "12356" in second and "120" in second and "110" in second
        assert "心理干预服务" not in second and cc.DISTRESS_AGAIN[0].splitlines()[0] in second
        forged = (await c.post("/ask", data={"q": "真的不想活了", "city": "kaifeng", "care": "eyJkaXN0cmVzcyI6OX0.x"})).text
        assert "心理干预服务" in forged  # an edited count is ignored: the full reply again


async def test_an_ordinary_question_carries_no_count() -> None:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app()), base_url="http://lianxin.test") as c:
        page = (await c.post("/ask", data={"q": "开封每个月的扶助金有多少"})).text
    assert _CARE.search(page) is None
