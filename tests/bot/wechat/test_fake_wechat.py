"""The fake WeChat itself: the client's pushes verify with the real callback crypto, its
retries and reply checks behave like WeChat's, and the API fake's tokens and knobs answer as
documented. A small reference callback (plain HTTP server, `bot.wechat.crypto`) stands in for
the app."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from bot.wechat.crypto import CallbackRefused, MessageCrypto, check_url_signature
from bot.wechat.wxml import parse, text_reply
from tests.fake_wechat import (
    ACCOUNT_ID,
    AES_KEY,
    APP_ID,
    APP_SECRET,
    CALLBACK_TOKEN,
    BadReply,
    FakeWeChatApi,
    WeChatClient,
    openid,
    to_xml,
)

MOTHER = openid(1)


# --- a reference callback ------------------------------------------------------------------


class Callback:
    """What a correct /wechat does, minimally: refuse forgeries with 403, decrypt, answer."""

    def __init__(self, aes_key: str | None = None) -> None:
        self.crypto = MessageCrypto(CALLBACK_TOKEN, aes_key, APP_ID) if aes_key else None
        self.received: list[dict[str, str]] = []  # every accepted push (retries included)
        self.refused: list[str] = []
        self.encrypt_replies = True
        self.sleeps: list[float] = []  # seconds to stall the next requests, one per request
        self.answer: Callable[[dict[str, str]], str] = lambda f: text_reply(
            f["FromUserName"], f["ToUserName"], "收到：" + f.get("Content", f.get("Event", "")), int(time.time()))
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def handle(self, method: str, query: dict[str, str], body: bytes) -> tuple[int, bytes]:
        with self.lock:
            stall = self.sleeps.pop(0) if self.sleeps else 0.0
        time.sleep(stall)
        try:
            check_url_signature(CALLBACK_TOKEN, query.get("signature", ""), query.get("timestamp", ""),
                                query.get("nonce", ""))
            if method == "GET":
                return 200, query.get("echostr", "").encode()
            if query.get("encrypt_type") == "aes":
                assert self.crypto is not None
                outer = parse(body)
                fields = parse(self.crypto.check_and_decrypt(query.get("msg_signature", ""), query["timestamp"],
                                                             query["nonce"], outer.get("Encrypt", "")))
            else:
                fields = parse(body)
        except (CallbackRefused, ValueError) as exc:
            self.refused.append(str(exc))
            return 403, b""
        self.received.append(fields)
        reply = self.answer(fields)
        if self.crypto is not None and self.encrypt_replies and reply not in ("", "success") and reply.startswith("<xml>"):
            reply = self.crypto.encrypted_reply(reply, query["nonce"])
        return 200, reply.encode()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        callback = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _serve(self) -> None:
                url = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                status, data = callback.handle(self.command, query, body)
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.send_response(status)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)

            do_GET = do_POST = _serve

            def log_message(self, *args: Any) -> None:
                pass

        return Handler


@pytest.fixture
def plain() -> Iterator[Callback]:
    callback = Callback()
    yield callback
    callback.close()


@pytest.fixture
def safe() -> Iterator[Callback]:
    callback = Callback(AES_KEY)
    yield callback
    callback.close()


# --- the pushes, checked by the real crypto --------------------------------------------------


def test_plain_push_verifies_with_the_url_signature() -> None:
    client = WeChatClient("http://unused")
    fields = client.build_text(MOTHER, "开封一个月能领多少钱")
    request = client.signed(fields)
    check_url_signature(CALLBACK_TOKEN, request.params["signature"], request.params["timestamp"],
                        request.params["nonce"])
    assert request.params["openid"] == MOTHER and "encrypt_type" not in request.params
    assert parse(request.body) == fields
    assert fields["ToUserName"] == ACCOUNT_ID and fields["MsgType"] == "text" and fields["MsgId"].isdigit()
    assert request.key == fields["MsgId"]


def test_safe_push_decrypts_with_message_crypto() -> None:
    client = WeChatClient("http://unused", aes_key=AES_KEY)
    fields = client.build_text(MOTHER, "我们老两口]]>怎么办")
    request = client.signed(fields)
    outer = parse(request.body)
    assert set(outer) == {"ToUserName", "Encrypt"} and outer["ToUserName"] == ACCOUNT_ID
    assert request.params["encrypt_type"] == "aes"
    check_url_signature(CALLBACK_TOKEN, request.params["signature"], request.params["timestamp"],
                        request.params["nonce"])
    xml = MessageCrypto(CALLBACK_TOKEN, AES_KEY, APP_ID).check_and_decrypt(
        request.params["msg_signature"], request.params["timestamp"], request.params["nonce"], outer["Encrypt"])
    assert xml == to_xml(fields).encode() and parse(xml)["Content"] == "我们老两口]]>怎么办"


def test_compat_mode_sends_both() -> None:
    client = WeChatClient("http://unused", aes_key=AES_KEY, mode="compat")
    outer = parse(client.signed(client.build_text(MOTHER, "你好")).body)
    assert outer["Content"] == "你好" and outer["Encrypt"]
    with pytest.raises(ValueError):
        WeChatClient("http://unused", mode="safe")


def test_voice_image_and_event_pushes() -> None:
    client = WeChatClient("http://unused")
    voice = client.build_voice(MOTHER, "我想问问扶助金")
    assert (voice["MsgType"], voice["Format"], voice["Recognition"]) == ("voice", "amr", "我想问问扶助金")
    assert "Recognition" not in client.build_voice(MOTHER)
    image = client.build_image(MOTHER)
    assert image["MsgType"] == "image" and image["PicUrl"].startswith("http") and image["MediaId"]
    sub = client.build_event(MOTHER, "subscribe", create_time=1700000000)
    assert (sub["MsgType"], sub["Event"], sub["EventKey"]) == ("event", "subscribe", "")
    assert "MsgId" not in sub and client.signed(sub).key == f"{MOTHER}:1700000000"
    click = client.build_event(MOTHER, "CLICK", "ASK_POLICY")
    assert (click["Event"], click["EventKey"]) == ("CLICK", "ASK_POLICY")


@pytest.mark.parametrize("mode", ["plain", "safe"])
def test_forgeries_are_refused_by_the_crypto(mode: str) -> None:
    client = WeChatClient("http://unused", aes_key=AES_KEY if mode == "safe" else None)
    crypto = MessageCrypto(CALLBACK_TOKEN, AES_KEY, APP_ID)
    forgeries = ["bad_signature", "stale", "future", "unsigned"] + (
        ["wrong_receiver", "tampered"] if mode == "safe" else [])
    for how in forgeries:
        request = client.forged(client.build_text(MOTHER, "假的"), how)
        p = request.params
        with pytest.raises(CallbackRefused):
            check_url_signature(CALLBACK_TOKEN, p.get("signature", ""), p["timestamp"], p["nonce"])
            if mode == "safe":
                crypto.check_and_decrypt(p.get("msg_signature", ""), p["timestamp"], p["nonce"],
                                         parse(request.body)["Encrypt"])
    assert len(client.oversized(MOTHER, 100_000).body) > 100_000
    with pytest.raises(ValueError):
        WeChatClient("http://unused").forged(client.build_text(MOTHER, "x"), "tampered")


# --- over HTTP against the reference callback --------------------------------------------------


@pytest.mark.parametrize("mode", ["plain", "safe", "compat"])
async def test_round_trip_in_every_mode(mode: str, plain: Callback, safe: Callback) -> None:
    callback = plain if mode == "plain" else safe
    async with WeChatClient(callback.base_url, aes_key=None if mode == "plain" else AES_KEY, mode=mode) as client:
        reply = await client.send_text(MOTHER, "开封一个月能领多少钱")
        assert reply.status == 200 and str(reply) == "收到：开封一个月能领多少钱" and reply.msg_type == "text"
        assert reply.fields["ToUserName"] == MOTHER and len(reply.attempts) == 1
        assert (await client.subscribe(MOTHER)).content == "收到：subscribe"
        assert (await client.verify_url("echo123")).content == "echo123"
        assert (await client.verify_url(forge="bad_signature")).status == 403
        callback.answer = lambda f: "success"
        assert (await client.click(MOTHER, "ASK_POLICY")).content == ""
        assert callback.received[-1]["EventKey"] == "ASK_POLICY"


async def test_forged_and_replayed_requests_over_http(safe: Callback) -> None:
    async with WeChatClient(safe.base_url, aes_key=AES_KEY) as client:
        first = await client.send_text(MOTHER, "第一条")
        for how in ("bad_signature", "stale", "unsigned", "wrong_receiver", "tampered"):
            assert (await client.post_raw(client.forged(client.build_text(MOTHER, "假"), how))).status == 403
        assert len(safe.received) == 1 and len(safe.refused) == 5
        again = await client.replay(first)  # verbatim: a replay within five minutes passes the crypto
        assert again.status == 200 and safe.received[-1]["MsgId"] == first.attempts[0].request.fields["MsgId"]


async def test_no_answer_within_the_timeout_is_retried_with_the_same_msg_id(plain: Callback) -> None:
    plain.sleeps = [0.5]  # the first delivery stalls
    async with WeChatClient(plain.base_url, timeout=0.2) as client:
        reply = await client.send_text(MOTHER, "慢一点")
        assert reply.content == "收到：慢一点"
        assert [a.number for a in reply.attempts] == [1, 2] and reply.attempts[0].error == "timeout"
        assert reply.attempts[0].request is reply.attempts[1].request  # verbatim retry
        await _until(lambda: len(plain.received) == 2)  # the stalled one was processed too
        assert plain.received[0]["MsgId"] == plain.received[1]["MsgId"]

        plain.sleeps = [0.5, 0.5, 0.5]
        reply = await client.send_text(MOTHER, "一直没回")
        assert reply.timed_out and reply.content == "" and len(reply.attempts) == 3

        plain.sleeps = [0.5]
        resigning = WeChatClient(plain.base_url, timeout=0.2, resign_retries=True)
        reply = await resigning.send_text(MOTHER, "重签")
        assert reply.attempts[0].request.params["nonce"] != reply.attempts[1].request.params["nonce"]
        assert reply.attempts[0].request.fields["MsgId"] == reply.attempts[1].request.fields["MsgId"]
        await resigning.aclose()


async def test_replies_wechat_would_refuse(plain: Callback, safe: Callback) -> None:
    async with WeChatClient(plain.base_url) as client:
        for answer in (json.dumps({"reply": "hi"}), text_reply("someone_else", ACCOUNT_ID, "x", 1),
                       text_reply(MOTHER, "gh_other", "x", 1), text_reply(MOTHER, ACCOUNT_ID, "", 1)):
            plain.answer = lambda f, a=answer: a  # type: ignore[misc]
            with pytest.raises(BadReply):
                await client.send_text(MOTHER, "你好")
        lenient = WeChatClient(plain.base_url, strict=False)
        assert (await lenient.send_text(MOTHER, "你好")).content == ""
        await lenient.aclose()
    async with WeChatClient(safe.base_url, aes_key=AES_KEY) as client:
        safe.encrypt_replies = False  # the app forgets to encrypt its reply
        with pytest.raises(BadReply, match="plain reply"):
            await client.send_text(MOTHER, "你好")
        crypto = safe.crypto
        assert crypto is not None
        good = crypto.encrypted_reply(text_reply(MOTHER, ACCOUNT_ID, "好", 1), "123")
        safe.answer = lambda f: good.replace("<Nonce><![CDATA[123]]>", "<Nonce><![CDATA[124]]>")
        with pytest.raises(BadReply, match="MsgSignature"):
            await client.send_text(MOTHER, "你好")
        safe.answer = lambda f: good
        assert (await client.send_text(MOTHER, "你好")).content == "好"


async def _until(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    import asyncio
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met"
        await asyncio.sleep(0.01)


# --- the API fake -------------------------------------------------------------------------------


HTTP = httpx.Client()  # one client for the module: each new one builds an SSL context


def _token(api: FakeWeChatApi, secret: str = APP_SECRET, appid: str = APP_ID) -> dict[str, Any]:
    return HTTP.get(f"{api.base_url}/cgi-bin/token",
                     params={"grant_type": "client_credential", "appid": appid, "secret": secret}).json()


def _send(api: FakeWeChatApi, token: str | None, payload: dict[str, Any]) -> dict[str, Any]:
    params = {"access_token": token} if token is not None else {}
    return HTTP.post(f"{api.base_url}/cgi-bin/message/custom/send", params=params,
                      content=json.dumps(payload, ensure_ascii=False).encode()).json()


def _text(content: str, touser: str = MOTHER) -> dict[str, Any]:
    return {"touser": touser, "msgtype": "text", "text": {"content": content}}


def test_token_fetch_and_credentials(api: FakeWeChatApi) -> None:
    answer = _token(api)
    assert answer["expires_in"] == 7200 and answer["access_token"] == api.current_token
    assert _token(api, secret="wrong")["errcode"] == 40125
    assert _token(api, appid="wx0000000000000000")["errcode"] == 40013
    api.ip_whitelisted = False
    assert _token(api)["errcode"] == 40164
    assert api.token_fetches == 1
    api.ip_whitelisted = True
    stable = HTTP.post(f"{api.base_url}/cgi-bin/stable_token", json={
        "grant_type": "client_credential", "appid": APP_ID, "secret": APP_SECRET}).json()
    again = HTTP.post(f"{api.base_url}/cgi-bin/stable_token", json={
        "grant_type": "client_credential", "appid": APP_ID, "secret": APP_SECRET}).json()
    assert stable["access_token"] == again["access_token"] and api.token_fetches == 3


def test_send_records_and_token_errors(api: FakeWeChatApi) -> None:
    token = _token(api)["access_token"]
    assert _send(api, token, _text("您好")) == {"errcode": 0, "errmsg": "ok"}
    assert api.texts_to(MOTHER) == ["您好"] and api.sent[0].msgtype == "text"
    assert _send(api, None, _text("x"))["errcode"] == 41001
    assert _send(api, "made-up", _text("x"))["errcode"] == 40001
    api.expire_token()
    assert _send(api, token, _text("x"))["errcode"] == 42001
    fresh = _token(api)["access_token"]
    assert fresh != token and _send(api, fresh, _text("又好了"))["errcode"] == 0
    assert api.texts_to(MOTHER) == ["您好", "又好了"] and api.token_fetches == 2
    assert [c.errcode for c in api.errors()] == [41001, 40001, 42001]


def test_fail_next_delay_and_limits(api: FakeWeChatApi) -> None:
    token = _token(api)["access_token"]
    api.fail_next(45015, count=2)
    api.fail_next(45009)
    codes = [_send(api, token, _text(f"第{i}条"))["errcode"] for i in range(4)]
    assert codes == [45015, 45015, 45009, 0] and api.texts_to(MOTHER) == ["第3条"]
    api.fail_next(-1, path="/cgi-bin/token")
    assert _token(api)["errcode"] == -1 and _token(api)["access_token"]
    assert _send(api, token, _text("长" * 682))["errcode"] == 0  # 2046 bytes
    assert _send(api, token, _text("长" * 683))["errcode"] == 45002  # 2049 bytes
    assert _send(api, token, _text(""))["errcode"] == 44004
    assert _send(api, token, {"touser": MOTHER, "msgtype": "sticker", "sticker": {}})["errcode"] == 40008
    menu = {"touser": MOTHER, "msgtype": "msgmenu", "msgmenu": {
        "head_content": "您家的情况是？", "list": [{"id": "1", "content": "独生子女伤残"},
                                                   {"id": "2", "content": "独生子女死亡"}], "tail_content": "回复数字也可以"}}
    assert _send(api, token, menu)["errcode"] == 0
    assert api.sent[-1].menu == [("1", "独生子女伤残"), ("2", "独生子女死亡")]
    assert api.sent[-1].content.splitlines()[0] == "您家的情况是？"
    api.delay = 0.2
    started = time.monotonic()
    assert _send(api, token, _text("慢"))["errcode"] == 0
    assert time.monotonic() - started >= 0.2


def test_menu_create(api: FakeWeChatApi) -> None:
    token = _token(api)["access_token"]
    menu = {"button": [{"type": "click", "name": "查待遇", "key": "BENEFITS"},
                       {"type": "click", "name": "问政策", "key": "POLICY"},
                       {"type": "click", "name": "联系我们", "key": "CONTACT"}]}
    url = f"{api.base_url}/cgi-bin/menu/create"
    assert HTTP.post(url, params={"access_token": token}, json=menu).json()["errcode"] == 0
    assert api.menus == [menu]
    too_many = {"button": menu["button"] * 2}
    assert HTTP.post(url, params={"access_token": token}, json=too_many).json()["errcode"] == 40016
    no_key = {"button": [{"type": "click", "name": "查待遇"}]}
    assert HTTP.post(url, params={"access_token": token}, json=no_key).json()["errcode"] == 40019
    assert HTTP.get(f"{api.base_url}/cgi-bin/menu/get", params={"access_token": token}).json()["menu"] == menu


async def test_window_subscription_and_quota_follow_the_client(api: FakeWeChatApi, plain: Callback) -> None:
    api.enforce_window = True
    api.quota = 2
    token = _token(api)["access_token"]
    assert _send(api, token, _text("没说过话"))["errcode"] == 45015
    async with WeChatClient(plain.base_url, api=api) as client:
        await client.send_text(MOTHER, "你好")
        assert [_send(api, token, _text(f"{i}"))["errcode"] for i in range(3)] == [0, 0, 45047]
        await client.send_text(MOTHER, "还在吗")
        assert _send(api, token, _text("在"))["errcode"] == 0
        api.last_interaction[MOTHER] -= 49 * 3600  # two days later
        assert _send(api, token, _text("迟了"))["errcode"] == 45015
        await client.unsubscribe(MOTHER)
        assert _send(api, token, _text("取关了"))["errcode"] == 43004
        await client.subscribe(MOTHER)
        assert _send(api, token, _text("欢迎回来"))["errcode"] == 0
    assert (await api.sent_eventually(4, touser=MOTHER))[-1].content == "欢迎回来"
    assert len(api.wait_sent(4, timeout=0.1)) == 4
    with pytest.raises(AssertionError):
        api.wait_sent(5, timeout=0.05)
