"""Attacks on /wechat: WeChat's retry arriving while the first delivery still waits, a kill
mid-answer, a signed query string reused with another body (plain mode), and XML tricks."""

from __future__ import annotations

import asyncio
import time

import httpx
from pydantic import SecretStr

from bot.settings import Settings
from bot.storage import Storage
from bot.web.app import create_app
from bot.wechat.crypto import sha1_signature
from bot.wechat.wxml import parse
from tests.bot.wechat.test_wechat_e2e import Deployment
from tests.fake_wechat import (
    AES_KEY,
    APP_ID,
    APP_SECRET,
    CALLBACK_TOKEN,
    FakeWeChatApi,
    SignedRequest,
    WeChatClient,
    openid,
    to_xml,
)

MOTHER = openid(1)
VICTIM = openid(7)
DESPAIR = "孩子走了，我也不想活了"


def _plain(api: FakeWeChatApi) -> Settings:
    """Plain mode (no WECHAT_AES_KEY): only the query string is signed."""
    return Settings(_env_file=None, WECHAT_TOKEN=CALLBACK_TOKEN, WECHAT_APP_ID=APP_ID,  # type: ignore[call-arg]
                    WECHAT_APP_SECRET=SecretStr(APP_SECRET), WECHAT_API_BASE=api.base_url)


async def test_a_retry_arriving_while_the_first_still_waits_is_answered_once(storage: Storage,
                                                                              api: FakeWeChatApi) -> None:
    """Under load the first delivery is read late and gets only the minimum wait; WeChat's retry
    of the same MsgId comes in while it still waits, and the answer is slower than both. The
    mother must get the 12356 answer once, not twice."""
    site = Deployment(storage, api)
    site.channel.passive_deadline = 0.2
    site.slow_turns(0.6)
    async with site.client(api=api) as wechat:
        request = wechat.signed(wechat.build_text(MOTHER, DESPAIR))
        api.user_acted(MOTHER)
        first = asyncio.create_task(wechat.post_raw(request))
        await asyncio.sleep(0.1)
        second = await wechat.post_raw(request)  # the same query and body: WeChat's retry
        replies = [await first, second]
        await site.settle()
    answers = [r.content for r in replies if r.content] + api.texts_to(MOTHER)
    assert len(answers) == 1 and "12356" in answers[0], answers


async def test_a_message_whose_answer_died_with_the_process_is_answered_after_the_restart(
        storage: Storage, api: FakeWeChatApi) -> None:
    """kill -9 while the despairing message is being answered (nothing went out), the service
    comes back on the same database, WeChat's retry of the message arrives: the mother must
    still get an answer with 12356 (in the passive reply or by customer service)."""
    dead = Deployment(storage, api)

    async def hangs(*args: object) -> list[str]:
        await asyncio.Event().wait()
        return []

    dead.channel._turn = hangs  # type: ignore[method-assign, assignment]
    async with WeChatClient("https://lianxin.test", aes_key=AES_KEY, transport=httpx.ASGITransport(app=dead.app),
                            timeout=0.3, attempts=1, api=api) as wechat:
        request = wechat.signed(wechat.build_text(MOTHER, DESPAIR))
        assert (await wechat.deliver(request)).timed_out  # the process died before answering
    for flight in dead.channel._flights.values():  # its memory is gone with it
        flight.task.cancel()
    alive = Deployment(storage, api)  # the restart: a new process, the same database
    async with alive.client(api=api) as wechat:
        retry = await wechat.post_raw(request)
        await alive.settle()
    assert "12356" in retry.content + "".join(api.texts_to(MOTHER))


async def test_plain_mode_a_signed_query_cannot_carry_someone_elses_message(storage: Storage,
                                                                          api: FakeWeChatApi) -> None:
    """Plain mode signs only (token, timestamp, nonce), not the body. A query string seen once
    (a proxy log, plain HTTP) is reused within five minutes with a body naming another
    follower and "删除我的信息", then "1": her saved answers must survive."""
    app = create_app(storage=storage, settings=_plain(api), announce_random_key=False)
    async with WeChatClient("https://lianxin.test", transport=httpx.ASGITransport(app=app), api=api) as wechat:
        await wechat.subscribe(VICTIM)
        await wechat.send_text(VICTIM, "1")  # she agreed to keep her answers
        await wechat.send_text(VICTIM, "查待遇")
        await wechat.send_text(VICTIM, "4")
        before = await storage.wechat_users.rows_about(VICTIM)
        assert before == 2
        captured = wechat.signed(wechat.build_text(MOTHER, "你好"))
        await wechat.post_raw(captured)  # the genuine message whose URL was seen
        for text in ("删除我的信息", "1"):
            forged = wechat.build_text(VICTIM, text)
            await wechat.post_raw(SignedRequest(dict(captured.params), to_xml(forged).encode(), forged))
    assert await storage.wechat_users.rows_about(VICTIM) == before


async def test_xml_tricks_are_refused_and_store_nothing(storage: Storage, api: FakeWeChatApi) -> None:
    """Held up: DTDs, internal and external entities, a NUL character reference, a non-UTF-8
    body and a FromUserName that tries to break out of CDATA are refused (400), nothing is
    stored, and a Content that tries to close the reply's CDATA stays inside it."""
    app = create_app(storage=storage, settings=_plain(api), announce_random_key=False)
    head = f"<FromUserName>{MOTHER}</FromUserName><ToUserName>gh_x</ToUserName><MsgType>text</MsgType>"
    bodies = [
        f'<!DOCTYPE xml [<!ENTITY x "可以保存">]><xml>{head}<Content>&x;</Content><MsgId>1</MsgId></xml>'.encode(),
        f'<!DOCTYPE xml [<!ENTITY x SYSTEM "file:///etc/passwd">]><xml>{head}<Content>&x;</Content>'
        f'<MsgId>2</MsgId></xml>'.encode(),
        f'<!DOCTYPE lolz [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><xml>{head}'
        f'<Content>&b;</Content><MsgId>3</MsgId></xml>'.encode(),
        f"<xml>{head}<Content>&#0;可以保存</Content><MsgId>4</MsgId></xml>".encode(),
        ('<?xml version="1.0" encoding="GBK"?>' + f"<xml>{head}<Content>可以保存</Content><MsgId>5</MsgId></xml>"
         ).encode("gbk"),
        f"<xml><FromUserName>{MOTHER}]]><x></FromUserName><MsgType>text</MsgType><Content>可以保存</Content>"
        f"<MsgId>6</MsgId></xml>".encode(),
        b"\xff\xfe<xml>",
        b"",
    ]
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="https://lianxin.test") as c:
        for body in bodies:
            stamp, nonce = str(int(time.time())), "5150"
            params = {"timestamp": stamp, "nonce": nonce, "signature": sha1_signature(CALLBACK_TOKEN, stamp, nonce)}
            answer = await c.post("/wechat", params=params, content=body)
            assert answer.status_code == 400, body[:60]
        assert await storage.wechat_users.rows_about(MOTHER) == 0
        breakout = "]]></Content><MsgType>news</MsgType><Content><![CDATA[x"
        fields = {"ToUserName": "gh_x", "FromUserName": MOTHER, "CreateTime": str(int(time.time())),
                  "MsgType": "text", "Content": breakout, "MsgId": "77"}
        stamp, nonce = str(int(time.time())), "5151"
        params = {"timestamp": stamp, "nonce": nonce, "signature": sha1_signature(CALLBACK_TOKEN, stamp, nonce)}
        answer = await c.post("/wechat", params=params, content=to_xml(fields).encode())
        assert answer.status_code == 200
        reply = parse(answer.content)  # one well-formed text reply; the words stayed words
        assert set(reply) == {"ToUserName", "FromUserName", "CreateTime", "MsgType", "Content"}
        assert reply["MsgType"] == "text" and reply["ToUserName"] == MOTHER


async def test_many_families_at_once_and_one_flooding_do_not_slow_each_other(storage: Storage,
                                                                            api: FakeWeChatApi) -> None:
    """Held up: 200 different followers writing at once are all answered (none told to slow
    down) while one of them sends 60 messages in the same burst."""
    site = Deployment(storage, api)
    async with site.client(api=api) as wechat:
        flood = [wechat.send_text(MOTHER, f"你好{n}") for n in range(60)]
        many = [wechat.send_text(openid(100 + n), "开封住院有没有补贴") for n in range(200)]
        replies = await asyncio.gather(*many, *flood)
        await site.settle()
    families, flooder = replies[:200], replies[200:]
    assert all(r.status == 200 and r.content and "稍等" not in r.content for r in families)
    assert sum("稍等" in r.content for r in flooder) >= 20
    assert all("稍等" not in t for n in range(200) for t in api.texts_to(openid(100 + n)))


async def test_a_refused_token_is_not_fetched_again_for_every_message(storage: Storage, api: FakeWeChatApi) -> None:
    """The server's IP is not yet in the account's whitelist (40164, the commonest first-day
    mistake): twenty families' long answers each need the customer-service API. The refusal
    is counted for the admin, but the token endpoint is not called once per message (its
    calls count against a daily limit that would then lock the account out after the fix)."""
    api.ip_whitelisted = False
    site = Deployment(storage, api)
    async with site.client(api=api) as wechat:
        for n in range(20):
            await wechat.send_text(openid(200 + n), "开封一个月能领多少钱")  # a long answer: pieces by the API
        await site.settle()
    token_calls = [c for c in api.calls if c.path.endswith("/cgi-bin/token")]
    assert any(line.startswith("wechat 40164") for line in (await storage.ops.status())["platform_errors"])
    assert len(token_calls) <= 3, len(token_calls)
