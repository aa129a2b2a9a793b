"""End to end against the fake WeChat (tests/fake_wechat.py): WeChat's servers calling
/wechat (signed, in safe mode, retrying like WeChat) and the API the channel sends through
(access token, customer-service messages, menu). Asserts what a family and the admin see."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from bot.settings import Settings
from bot.storage import Storage
from bot.web.app import create_app
from bot.web.serve import start_server
from bot.wechat.channel import WeChatChannel
from tests.fake_wechat import AES_KEY, APP_ID, APP_SECRET, CALLBACK_TOKEN, FakeWeChatApi, WeChatClient, openid

MOTHER = openid(1)


def wechat_settings(api: FakeWeChatApi) -> Settings:
    return Settings(_env_file=None, WECHAT_TOKEN=CALLBACK_TOKEN, WECHAT_APP_ID=APP_ID, WECHAT_APP_SECRET=APP_SECRET,
                    WECHAT_AES_KEY=AES_KEY, WECHAT_API_BASE=api.base_url)


class Deployment:
    def __init__(self, storage: Storage, api: FakeWeChatApi) -> None:
        self.app = create_app(storage=storage, settings=wechat_settings(api), announce_random_key=False)
        self.channel: WeChatChannel = self.app.state.wechat
        self.channel.follow_delay = 0.0

    def client(self, **kw: object) -> WeChatClient:
        return WeChatClient("https://lianxin.test", aes_key=AES_KEY, transport=httpx.ASGITransport(app=self.app),
                            timeout=5.0, **kw)  # type: ignore[arg-type]

    def slow_turns(self, seconds: float) -> Callable[..., Awaitable[list[str]]]:
        """Every answer takes `seconds` longer from now on (a loaded server); the real turn is
        returned, to put back."""
        real = self.channel._turn

        async def slow_turn(*args: Any) -> list[str]:
            await asyncio.sleep(seconds)
            return await real(*args)

        self.channel._turn = slow_turn  # type: ignore[method-assign]
        return real

    async def settle(self) -> None:
        """Wait for the answers being sent in the background (customer-service messages)."""
        while self.channel._background:
            await asyncio.wait(set(self.channel._background), timeout=5)


async def test_a_kaifeng_mother_chats_her_way_to_the_result(storage: Storage, api: FakeWeChatApi) -> None:
    site = Deployment(storage, api)
    async with site.client(api=api) as wechat:
        welcome = await wechat.subscribe(MOTHER)
        assert "连心助手" in welcome.content and "1. 可以保存" in welcome.content
        assert "保存" in (await wechat.send_text(MOTHER, "1")).content
        question = await wechat.send_text(MOTHER, "我是开封的，查待遇")
        assert "孩子现在的情况" in question.content or "户口在哪个地方" in question.content
        if "户口在哪个地方" in question.content:
            await wechat.send_text(MOTHER, "4")
        for typed in ("1", "1", "1", "1", "52", "63", "1"):  # died; couple; urban hukou; no later child; ages
            step = await wechat.send_text(MOTHER, typed)
            assert step.content, typed
        result = await wechat.send_text(MOTHER, "1")  # 都对，看结果
        await site.settle()
        whole = result.content + "".join(api.texts_to(MOTHER))
        assert "1,430元" in whole and "汴政办〔2023〕24号" in whole and "2023年7月24日" in whole
        cash = await wechat.send_text(MOTHER, "1")  # the first section: 现金
        await site.settle()
        assert "扶助金" in cash.content + "".join(api.texts_to(MOTHER))
    assert api.token_fetches <= 1  # one token for the whole conversation


async def test_a_long_answer_comes_in_order_passive_first(storage: Storage, api: FakeWeChatApi) -> None:
    site = Deployment(storage, api)
    async with site.client(api=api) as wechat:
        first = await wechat.send_text(MOTHER, "开封一个月能领多少钱")
        await site.settle()
        rest = api.texts_to(MOTHER)
        assert first.content.startswith("（1/") and rest and rest[0].startswith("（2/")
        assert all(len(t.encode()) <= 2048 for t in [first.content, *rest])
        assert [m.msgtype for m in api.sent_to(MOTHER)] == ["text"] * len(rest)


async def test_a_slow_answer_goes_out_by_customer_service_once(storage: Storage, api: FakeWeChatApi) -> None:
    site = Deployment(storage, api)
    site.channel.passive_deadline = 0.05
    site.slow_turns(0.3)
    async with site.client(api=api) as wechat:
        reply = await wechat.send_text(MOTHER, "孩子走了，我也不想活了")
        assert reply.content == "" and reply.status == 200  # "success" at once
        await site.settle()
        texts = api.texts_to(MOTHER)
        assert len(texts) == 1 and "12356" in texts[0]


async def test_despair_gets_12356_first(storage: Storage, api: FakeWeChatApi) -> None:
    async with Deployment(storage, api).client(api=api) as wechat:
        reply = await wechat.send_text(MOTHER, "老伴也走了，活着没意思")
        assert reply.content.index("12356") < reply.content.index("120")


async def test_token_expiring_mid_day_is_fetched_once_and_the_message_sent_once(storage: Storage,
                                                                               api: FakeWeChatApi) -> None:
    site = Deployment(storage, api)
    async with site.client(api=api) as wechat:
        await wechat.send_text(MOTHER, "开封一个月能领多少钱")
        await site.settle()
        before, fetches = len(api.texts_to(MOTHER)), api.token_fetches
        api.expire_token()
        await wechat.send_text(MOTHER, "柳州一个月能领多少钱")
        await site.settle()
        assert api.token_fetches == fetches + 1
        after = api.texts_to(MOTHER)[before:]
        assert after and len(after) == len(set(after))  # each piece once
        assert sum(1 for c in api.errors() if c.errcode == 42001) == 1


async def test_a_thousand_sends_fetch_one_token(storage: Storage, api: FakeWeChatApi) -> None:
    site = Deployment(storage, api)
    wechat_api = site.channel.api(storage)
    await asyncio.gather(*(wechat_api.send_text(openid(n), "您好") for n in range(1000)))
    assert api.token_fetches == 1 and len(api.sent) == 1000
    await wechat_api.close()


async def test_refusals_are_counted_for_the_admin_and_never_retried(storage: Storage, api: FakeWeChatApi) -> None:
    site = Deployment(storage, api)
    async with site.client(api=api) as wechat:
        api.fail_next(45015)  # the 48-hour window has passed
        await wechat.send_text(MOTHER, "开封一个月能领多少钱")
        await site.settle()
        sends = [c for c in api.calls if c.path.endswith("/custom/send")]
        assert len(sends) == 1 and not api.texts_to(MOTHER)  # stopped at the refusal, nothing more
        status = await storage.ops.status()
        assert any(line.startswith("wechat 45015 x1") for line in status["platform_errors"])


async def test_unfollowing_stops_a_pending_answer(storage: Storage, api: FakeWeChatApi) -> None:
    site = Deployment(storage, api)
    site.channel.passive_deadline = 0.05
    async with site.client(api=api) as wechat:
        real_turn = site.slow_turns(0.3)
        await wechat.send_text(MOTHER, "开封一个月能领多少钱")
        site.channel._turn = real_turn  # type: ignore[method-assign]
        await wechat.unsubscribe(MOTHER)
        await site.settle()
    assert api.texts_to(MOTHER) == []


async def test_menu_clicks_reach_the_conversation(storage: Storage, api: FakeWeChatApi) -> None:
    async with Deployment(storage, api).client(api=api) as wechat:
        check = await wechat.click(MOTHER, "CHECK")
        assert "户口在哪个地方" in check.content and "请回复数字" in check.content
        contact = await wechat.click(MOTHER, "CONTACT")
        assert "12356" in contact.content
        ask = await wechat.click(MOTHER, "ASK")
        assert "直接打字问" in ask.content


async def test_forged_replayed_and_oversized_requests_change_nothing(storage: Storage, api: FakeWeChatApi) -> None:
    async with Deployment(storage, api).client(api=api) as wechat:
        fields = wechat.build_text(MOTHER, "可以保存")
        for how in ("bad_signature", "stale", "unsigned", "wrong_receiver", "tampered"):
            reply = await wechat.post_raw(wechat.forged(fields, how))
            assert reply.status in (400, 403), how
        assert (await wechat.post_raw(wechat.oversized(MOTHER))).status == 413
        assert await storage.wechat_users.rows_about(MOTHER) == 0
        real = await wechat.push(fields)
        assert "保存" in real.content
        again = await wechat.replay(real)  # the same request captured and sent again
        assert again.content in ("", real.content)  # at most the same words again: nothing new is done
        assert await storage.wechat_users.rows_about(MOTHER) == 1 and not api.sent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_wechat_retries_over_real_http_are_answered_once(storage: Storage, api: FakeWeChatApi) -> None:
    """WeChat gives up after 5 s and sends the same message again; here its wait is 0.2 s and
    the answer takes 0.5 s (the deadline is 0.4 s): the retries get "success" and the answer
    arrives once, by customer service."""
    site = Deployment(storage, api)
    site.channel.passive_deadline = 0.4
    site.slow_turns(0.5)
    port = _free_port()
    server = await start_server(site.app, "127.0.0.1", port)
    try:
        async with WeChatClient(f"http://127.0.0.1:{port}", aes_key=AES_KEY, timeout=0.2, api=api) as wechat:
            reply = await wechat.send_text(MOTHER, "住院有没有补贴")
            assert len(reply.attempts) >= 2  # WeChat retried
            await asyncio.sleep(0.3)
            await site.settle()
        texts = api.texts_to(MOTHER)
        assert texts and len(texts) == len(set(texts))
        assert all(not t.startswith("（1/") for t in texts[1:])  # one answer, not one per retry
    finally:
        await server.wait_closed()
