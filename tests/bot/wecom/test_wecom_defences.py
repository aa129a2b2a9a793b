"""What a forger, a replayer or an oversized body gets from /wecom: 403 or 413 and nothing
recorded; WeCom's URL check answered with the decrypted echostr; no route without WeCom."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
from starlette.routing import Route

from bot.settings import Settings
from bot.web.app import create_app
from tests.bot.wecom.conftest import CADRE, World
from tests.fake_wecom import CallbackClient


async def _pressed(world: World, callbacks: CallbackClient, query: str | None = None,
                   body: bytes | None = None, timestamp: int | None = None) -> int:
    card = world.fake.cards()[-1]
    key = dict(card.buttons())["已上门"]
    signed = callbacks.signed(callbacks.card_event(CADRE, key, card.card["task_id"]), timestamp)
    async with world.client() as c:
        answer = await c.post(f"/wecom?{query if query is not None else signed[0]}",
                              content=body if body is not None else signed[1])
    return answer.status_code


async def test_forged_stale_misaddressed_or_oversized_callbacks_record_nothing(world: World) -> None:
    await world.tick()
    good = CallbackClient()
    forged = CallbackClient(token="SomeoneElse123")  # signed without our token
    assert await _pressed(world, forged) == 403
    assert await _pressed(world, good, timestamp=int(time.time()) - 600) == 403  # a captured request replayed later
    assert await _pressed(world, CallbackClient(corp_id="wwSomeOtherCorp0001")) == 403  # for another corp
    assert await _pressed(world, good, body=b"<xml>" + b"A" * 100_000 + b"</xml>") == 413
    assert await _pressed(world, good, query="msg_signature=x&timestamp=1&nonce=2") == 403
    assert await _pressed(world, good, body=b"<!DOCTYPE xml [<!ENTITY a 'b'>]><xml><Encrypt>&a;</Encrypt></xml>") == 403
    assert await world.visits() == [] and world.fake.updates == []
    assert await _pressed(world, good) == 200  # the real one still goes through
    assert len(await world.visits()) == 1


async def test_the_url_check_answers_the_decrypted_echostr_and_refuses_a_forgery(world: World) -> None:
    query, plain = CallbackClient().url_check("4837192837465")
    async with world.client() as c:
        answer = await c.get(f"/wecom?{query}")
        assert answer.status_code == 200 and answer.text == plain
        forged, _ = CallbackClient(token="SomeoneElse123").url_check()
        assert (await c.get(f"/wecom?{forged}")).status_code == 403


async def test_wecom_retries_are_not_held_to_the_pages_rate_limit(world: World) -> None:
    """One address (WeCom's servers) calling back often is not 429-ed like a page scraper."""
    await world.tick()
    query, _ = CallbackClient().url_check()
    async with world.client() as c:
        codes = {(await c.get(f"/wecom?{query}")).status_code for _ in range(200)}
    assert codes == {200}


def test_no_wecom_settings_no_route(tmp_path: Path) -> None:
    app = create_app(settings=Settings(_env_file=None), announce_random_key=False)  # type: ignore[call-arg]
    assert "/wecom" not in {r.path for r in app.routes if isinstance(r, Route)}


async def test_without_wecom_the_path_is_not_found(tmp_path: Path) -> None:
    app = create_app(settings=Settings(_env_file=None), announce_random_key=False)  # type: ignore[call-arg]
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="https://lianxin.test") as c:
        assert (await c.post("/wecom", content=b"<xml/>")).status_code == 404
