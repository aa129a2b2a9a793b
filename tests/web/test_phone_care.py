"""Issue 23 on the phone page: a second despairing message in the same page gets the
shorter, warmer reply that keeps the numbers, like Telegram and the terminal. The count
travels in the page inside the signed conversation state (a number and a time), never the
words; an edited state is not trusted."""

from __future__ import annotations

import base64
import json

import httpx

from bot.web.app import create_app
from dialogs import conversation_templates as cc
from tests.web.phone_forms import state_of


def _carried(page: str) -> dict[str, object]:
    payload = state_of(page).rsplit(".", 1)[0]
    data: dict[str, object] = json.loads(base64.urlsafe_b64decode(payload))
    return data


async def test_a_second_despairing_message_in_the_page_is_answered_shorter_and_keeps_the_numbers() -> None:
    app = create_app()
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://lianxin.test") as c:
        first = (await c.post("/ask", data={"q": "活着没意思", "city": "kaifeng"})).text
        assert "心理干预服务" in first and "12356" in first  # the whole reply with the city's clause
        carried = _carried(first)
        assert carried["distress"] == 1 and "活着" not in json.dumps(carried, ensure_ascii=False)
        second = (await c.post("/ask", data={"q": "真的不想活了", "city": "kaifeng", "state": state_of(first)})).text
        assert "12356" in second and "120" in second and "110" in second
        assert "心理干预服务" not in second and cc.DISTRESS_AGAIN[0].splitlines()[0] in second
        assert _carried(second)["distress"] == 2
        # an edited count (its signature no longer matches) is ignored: the full reply again
        mac = state_of(first).rsplit(".", 1)[1]
        edited = base64.urlsafe_b64encode(json.dumps({**carried, "distress": 9}).encode()).decode()
        forged = (await c.post("/ask", data={"q": "真的不想活了", "city": "kaifeng", "state": f"{edited}.{mac}"})).text
        assert "心理干预服务" in forged and _carried(forged)["distress"] == 1


async def test_an_ordinary_question_carries_no_count() -> None:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app()), base_url="http://lianxin.test") as c:
        page = (await c.post("/ask", data={"q": "开封每个月的扶助金有多少"})).text
    carried = _carried(page)
    assert carried["distress"] == 0 and carried["distress_at"] is None
