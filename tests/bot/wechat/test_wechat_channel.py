"""The WeChat channel through the real ASGI app, signed like WeChat signs: what a family
sees in WeChat (passive replies), consent, numbers, retries, forgery and forgetting."""

from __future__ import annotations

import itertools
import time
from pathlib import Path

import httpx
import pytest

from bot.settings import Settings
from bot.storage import Storage
from bot.web.app import create_app
from bot.wechat.crypto import MessageCrypto, sha1_signature
from bot.wechat.wxml import cdata, parse

TOKEN = "lianxintoken"
APPID = "wx1234567890abcdef"
AES = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
MOTHER = "oMother1234567890"
_ids = itertools.count(7_000_000_000_000_000_000)


def settings(safe: bool = False) -> Settings:
    return Settings(_env_file=None, WECHAT_TOKEN=TOKEN, WECHAT_APP_ID=APPID, WECHAT_APP_SECRET="secret",
                    WECHAT_AES_KEY=AES if safe else None, WECHAT_API_BASE="http://127.0.0.1:9")


class Phone:
    """Plays WeChat's servers for one follower: signs, (in safe mode) encrypts, posts."""

    def __init__(self, client: httpx.AsyncClient, openid: str, safe: bool = False) -> None:
        self.client = client
        self.openid = openid
        self.crypto = MessageCrypto(TOKEN, AES, APPID) if safe else None

    def xml(self, kind: str, body: str, msg_id: int | None = None) -> str:
        mid = f"<MsgId>{msg_id}</MsgId>" if msg_id is not None else ""
        return (f"<xml><ToUserName>{cdata('gh_lianxin')}</ToUserName><FromUserName>{cdata(self.openid)}"
                f"</FromUserName><CreateTime>{int(time.time())}</CreateTime><MsgType>{cdata(kind)}</MsgType>"
                f"{body}{mid}</xml>")

    async def post(self, xml: str, stamp: int | None = None, signature: str | None = None) -> httpx.Response:
        timestamp, nonce = str(stamp or int(time.time())), str(next(_ids))[-9:]  # WeChat's nonces differ
        params = {"timestamp": timestamp, "nonce": nonce,
                  "signature": signature or sha1_signature(TOKEN, timestamp, nonce), "openid": self.openid}
        content = xml
        if self.crypto is not None:
            encrypted = self.crypto.encrypt(xml.encode())
            params |= {"encrypt_type": "aes", "msg_signature": sha1_signature(TOKEN, timestamp, nonce, encrypted)}
            content = f"<xml><ToUserName>{cdata('gh_lianxin')}</ToUserName><Encrypt>{cdata(encrypted)}</Encrypt></xml>"
        return await self.client.post("/wechat", params=params, content=content.encode())

    def read(self, response: httpx.Response) -> str:
        assert response.status_code == 200, response.text
        if response.text in ("", "success"):
            return ""
        fields = parse(response.content)
        if self.crypto is not None:
            fields = parse(self.crypto.decrypt(fields["Encrypt"]))
        assert fields["ToUserName"] == self.openid and fields["MsgType"] == "text"
        return fields["Content"]

    async def say(self, text: str, msg_id: int | None = None) -> str:
        xml = self.xml("text", f"<Content>{cdata(text)}</Content>", next(_ids) if msg_id is None else msg_id)
        return self.read(await self.post(xml))

    async def event(self, event: str, key: str = "") -> str:
        return self.read(await self.post(self.xml("event", f"<Event>{cdata(event)}</Event>"
                                                  f"<EventKey>{cdata(key)}</EventKey>")))


def client_for(storage: Storage, safe: bool = False) -> httpx.AsyncClient:
    app = create_app(storage=storage, settings=settings(safe), announce_random_key=False)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="https://lianxin.test")


@pytest.mark.parametrize("safe", [False, True])
async def test_follow_consent_question_and_answer(storage: Storage, safe: bool) -> None:
    async with client_for(storage, safe) as c:
        mother = Phone(c, MOTHER, safe)
        welcome = await mother.event("subscribe")
        assert "连心助手" in welcome and "可以保存吗" in welcome and "1. 可以保存" in welcome
        assert await storage.wechat_users.rows_about(MOTHER) == 0  # nothing before consent
        assert "保存" in await mother.say("1")
        assert (await storage.wechat_users.get(MOTHER)).consent  # type: ignore[union-attr]
        answer = await mother.say("开封一个月能领多少钱")
        assert "1,430元" in answer and "汴政办〔2023〕24号" in answer


async def test_interview_by_numbers_to_the_result_survives_a_restart(storage: Storage, tmp_path: Path) -> None:
    """A Kaifeng mother answers by typing numbers (and her age), with a restart halfway."""
    async with client_for(storage) as c:
        mother = Phone(c, MOTHER)
        await mother.event("subscribe")
        await mother.say("1")  # may keep the answers
        first = await mother.say("查待遇")
        assert "户口在哪个地方" in first and "4. 开封市" in first
        assert "孩子现在的情况" in await mother.say("4")
        assert "家里现在是夫妻两人" in await mother.say("1")  # 孩子已经离世
    async with client_for(storage) as c:  # a restart: a new app, the same database
        mother = Phone(c, MOTHER)
        hukou = await mother.say("1")  # 夫妻两人
        assert "户口在开封市吗" in hukou and "1. 两人都在本地（城镇户口）" in hukou
        assert "再生育或者收养" in await mother.say("1")
        age = await mother.say("1")  # 没有
        assert "孩子妈妈今年多大岁数" in age
        assert "孩子爸爸今年多大岁数" in await mother.say("56")  # a typed age, not option 56
        assert "生活不能自理" in await mother.say("2")  # 60岁及以上
        review = await mother.say("1")  # 没有
        assert "请看看对不对" in review and "1. ✔ 都对，看结果" in review
        result = await mother.say("1")
        assert "1,430元" in result and "汴政办〔2023〕24号" in result and "请回复数字" in result
        assert (await storage.chat_states.load("wechat", MOTHER)) is not None


async def test_a_retry_gets_the_same_answer_and_the_turn_runs_once(storage: Storage) -> None:
    """WeChat sends a message again only when our response did not reach it: the retry gets
    the answer already made, and the interview does not move twice."""
    async with client_for(storage) as c:
        mother = Phone(c, MOTHER)
        await mother.say("查待遇")
        first = await mother.say("4", msg_id=42)  # 开封市
        assert "孩子现在的情况" in first
        assert await mother.say("4", msg_id=42) == first  # the retry: the same answer, not option 4 again
        assert "家里现在是夫妻两人" in await mother.say("1")  # still the second question, not the third


async def test_forged_stale_and_oversized_requests_change_nothing(storage: Storage) -> None:
    async with client_for(storage) as c:
        mother = Phone(c, MOTHER)
        xml = mother.xml("text", f"<Content>{cdata('可以保存')}</Content>", 77)
        assert (await mother.post(xml, signature="0" * 40)).status_code == 403
        assert (await mother.post(xml, stamp=int(time.time()) - 600)).status_code == 403
        big = mother.xml("text", f"<Content>{cdata('字' * 40_000)}</Content>", 78)
        assert (await mother.post(big)).status_code == 413
        assert await storage.wechat_users.rows_about(MOTHER) == 0
        assert await mother.say("可以保存", msg_id=77)  # the real one still gets through


async def test_forget_deletes_everything(storage: Storage) -> None:
    async with client_for(storage) as c:
        mother = Phone(c, MOTHER)
        await mother.event("subscribe")
        await mother.say("1")
        await mother.say("查待遇")
        await mother.say("1")
        assert await storage.wechat_users.rows_about(MOTHER) == 2
        assert "确定要删除" in await mother.say("删除我的信息")
        assert "已经全部删除" in await mother.say("1")
        assert await storage.wechat_users.rows_about(MOTHER) == 0


async def test_voice_without_recognition_and_a_picture(storage: Storage) -> None:
    async with client_for(storage) as c:
        mother = Phone(c, MOTHER)
        voice = await mother.post(mother.xml("voice", f"<MediaId>{cdata('m1')}</MediaId><Format>amr</Format>", 5))
        text = mother.read(voice)
        assert "听不懂语音" in text and "12356" in text
        heard = await mother.post(mother.xml("voice", f"<Recognition>{cdata('开封住院有没有补贴')}</Recognition>", 6))
        assert "开封" in mother.read(heard)


async def test_no_wechat_settings_no_route(storage: Storage) -> None:
    app = create_app(storage=storage, settings=Settings(_env_file=None), announce_random_key=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="https://lianxin.test") as c:
        assert (await c.get("/wechat", params={"echostr": "x"})).status_code == 404


async def test_url_check_echoes_only_when_signed(storage: Storage) -> None:
    async with client_for(storage) as c:
        stamp, nonce = str(int(time.time())), "42"
        good = {"timestamp": stamp, "nonce": nonce, "signature": sha1_signature(TOKEN, stamp, nonce), "echostr": "e1"}
        assert (await c.get("/wechat", params=good)).text == "e1"
        assert (await c.get("/wechat", params=good | {"signature": "f" * 40})).status_code == 403


async def test_one_follower_flooding_is_told_to_slow_down(storage: Storage) -> None:
    async with client_for(storage) as c:
        mother = Phone(c, MOTHER)
        replies = [await mother.say("你好") for _ in range(40)]  # 30 a minute (BOT_USER_RATE_PER_MINUTE)
        assert not any("稍等" in r for r in replies[:30]) and all("稍等" in r for r in replies[32:])
        other = Phone(c, "oOther123456789")
        assert "稍等" not in await other.say("你好")  # one person's flood slows only them


async def test_distress_gets_12356_first_in_the_passive_reply(storage: Storage) -> None:
    async with client_for(storage) as c:
        text = await Phone(c, MOTHER).say("孩子走了，我也不想活了")
        assert text.index("12356") < text.index("120") and len(text) < 600  # one message, at once
