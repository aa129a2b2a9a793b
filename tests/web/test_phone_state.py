"""The phone page keeps nothing on the server: the interview state travels in the page,
signed; an edited or foreign state is refused politely, never trusted."""

from __future__ import annotations

import base64
import json

import httpx

from bot.web.app import create_app
from bot.web.signing import StateSigner
from dialogs import web_copy as w
from tests.web.phone_forms import choice_of, press, state_of


def _token(html: str) -> str:
    return state_of(html)


def client(key: bytes) -> httpx.AsyncClient:
    app = create_app(signer=StateSigner(key))
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://lianxin.test")


async def test_the_state_in_the_page_is_all_the_server_needs() -> None:
    async with client(b"k" * 32) as first:
        page = (await first.get("/check")).text
        after_city = await press(first, page, "开封市")
    assert "请问孩子现在的情况是" in after_city
    # another process with the same key (a restart, a second worker) carries on from the page alone
    async with client(b"k" * 32) as second:
        step = await press(second, after_city, "孩子已经离世")
    assert w.CHECK_EXPIRED not in step and "（第3个问题，共" in step


async def test_an_edited_or_foreign_state_is_refused_and_the_family_starts_again() -> None:
    async with client(b"k" * 32) as c:
        page = await press(c, (await c.get("/check")).text, "开封市")
        token = _token(page)
        died = choice_of(page, "孩子已经离世")
        payload, mac = token.rsplit(".", 1)
        data = json.loads(base64.urlsafe_b64decode(payload))
        data["interview"]["jurisdiction"] = "liuzhou"  # edited in the browser
        forged = base64.urlsafe_b64encode(json.dumps(data).encode()).decode() + "." + mac
        edited = await c.post("/check", data={"state": forged, "choice": died})
        garbage = await c.post("/check", data={"state": "nonsense", "choice": died})
        printed = await c.post("/check/print", data={"state": forged})
    async with client(b"x" * 32) as other:
        foreign = await other.post("/check", data={"state": token, "choice": died})
    for r in (edited, garbage, printed, foreign):
        assert r.status_code == 200 and w.CHECK_EXPIRED in r.text and "您家的户口在哪个地方" in r.text



async def test_a_question_is_shown_back_escaped_and_answered_with_its_citation() -> None:
    async with client(b"k" * 32) as c:
        r = await c.post("/ask", data={"q": "<script>alert(1)</script>体检免费吗", "city": "柳州"})
        answered = await c.post("/ask", data={"q": "体检免费吗", "city": "柳州"})
    assert r.status_code == 200 and "<script>alert(1)" not in r.text and "&lt;script&gt;alert(1)" in r.text
    assert "柳政规〔2018〕41号" in answered.text and "原文：" in answered.text
