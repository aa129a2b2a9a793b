"""A fake WeChat for end-to-end tests and benchmarks of the Service Account channel.

Two halves, both over real HTTP on 127.0.0.1:

- `FakeWeChatApi`: the official API the channel calls (point WECHAT_API_BASE at
  `api.base_url`): the access token, the customer-service send, the menu. Thread-safe
  records (`calls`, `sent`, `menus`, `token_fetches`) and knobs for what goes wrong
  (`expire_token`, `fail_next`, `delay`, the 48-hour window, unsubscribed users, the
  content limit, the IP whitelist).
- `WeChatClient`: plays WeChat's servers calling the app's `/wechat` callback: builds the
  XML of text, voice, image and event pushes, signs the query (and encrypts the body in
  safe mode) with `bot.wechat.crypto`, waits `timeout` seconds (5 like WeChat) and sends the
  same message again (same MsgId) up to `attempts` times in all, checks and decrypts the
  passive reply, and records every attempt. Forged and replayed requests are built with
  `signed()` / `forged()` / `replay()` / `post_raw()`.

Use (the channel's e2e tests and the benchmark):

    with FakeWeChatApi() as api:  # app settings: WECHAT_API_BASE=api.base_url,
        # WECHAT_APP_ID=APP_ID, WECHAT_APP_SECRET=APP_SECRET, WECHAT_TOKEN=CALLBACK_TOKEN,
        # WECHAT_AES_KEY=AES_KEY (or unset: plain mode)
        async with WeChatClient(app_base_url, aes_key=AES_KEY, api=api, timeout=0.5) as wx:
            reply = await wx.send_text(openid(1), "开封一个月能领多少钱")
            reply.content, reply.attempts            # passive reply; "" for "success"
            await api.sent_eventually(1, touser=openid(1))  # the slow answer, by custom send
            await wx.post_raw(wx.forged(wx.build_text(openid(1), "x"), "stale"))  # -> 403

`transport=httpx.ASGITransport(app)` works too, but there a timed-out attempt cancels the
app's handler, which a real network does not: keep real HTTP for retry tests.

Formats, from the official documents and the SDKs built on them (found by search):

- Pushes (developers.weixin.qq.com "接收普通消息" / "接收事件推送"; the old mp wiki pages):
  `<xml><ToUserName>` the account's original id (gh_...), `<FromUserName>` the openid,
  `<CreateTime>`, `<MsgType>` text / image / voice / event, `<Content>`, `<MsgId>` (64-bit);
  image adds PicUrl + MediaId; voice adds MediaId, Format (amr) and, with speech recognition
  switched on, `<Recognition>` (UTF-8 text); events: `<Event>` subscribe / unsubscribe /
  CLICK with `<EventKey>` (empty for subscribe from search).
- "被动回复用户消息": no answer within five seconds and WeChat drops the connection and
  retries, three times in all; deduplicate by MsgId, events by FromUserName + CreateTime;
  answering "success" or an empty body means "nothing to say, do not retry"; anything else
  that is not a reply XML (JSON, ...) shows the person "该公众号暂时无法提供服务".
- "消息加解密说明": in safe mode the query gains `encrypt_type=aes` and `msg_signature`
  (SHA-1 of sorted token, timestamp, nonce, Encrypt) beside `signature`, `timestamp`,
  `nonce` and `openid`; the body is `<xml><ToUserName/><Encrypt/></xml>`; the reply is
  `<xml><Encrypt/><MsgSignature/><TimeStamp/><Nonce/></xml>`. The URL check (GET) carries
  `signature`, `timestamp`, `nonce`, `echostr` and is answered with echostr, in both modes.
- "发送客服消息" (api_sendcustommessage): `POST /cgi-bin/message/custom/send?access_token=`
  with `{"touser", "msgtype": "text", "text": {"content"}}`, `msgmenu` (`head_content`,
  `list: [{id, content}]`, `tail_content`; certified accounts only), `link`, `news`
  (one article); allowed within 48 hours of the person's message, a few per interaction
  (the page's table: 5 within 48 h after a message, 3 within a minute after a menu click or
  a subscribe; `quota` models the count, not the minute). Text content: 2048 bytes
  (developers' community answer, confirmed by the 45002 "content size out of limit" people
  hit); the limit is `text_limit_bytes`.
- Access token: `GET /cgi-bin/token?grant_type=client_credential&appid=&secret=` →
  `{"access_token", "expires_in": 7200}`. Return codes (the global return-code page, as
  listed in wechatpy's `WeChatErrorCode`): -1 system busy, 40001 invalid credential (token
  invalid or not latest), 40013 invalid appid, 40125 invalid appsecret, 40164 caller IP not
  in the whitelist, 41001 access_token missing, 42001 access_token expired, 43004 require
  subscribe, 44004 empty content, 45002 content size out of limit, 45009 api freq limit,
  45015 response out of time limit (the 48 hours passed), 45047 out of response count
  limit, 47001 data format error.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import secrets
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from bot.wechat.crypto import CallbackRefused, MessageCrypto, sha1_signature
from bot.wechat.wxml import cdata, parse

APP_ID = "wx2c2769f8efd9abc2"
APP_SECRET = "fake-app-secret-0123456789abcdef"
ACCOUNT_ID = "gh_1a2b3c4d5e6f"  # the Service Account's original id: ToUserName of every push
CALLBACK_TOKEN = "lianxinTestToken"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
OPENID_PREFIX = "oLianxin"

ERRMSG = {
    -1: "system error",
    0: "ok",
    40001: "invalid credential, access_token is invalid or not latest",
    40002: "invalid grant_type",
    40003: "invalid openid",
    40008: "invalid message type",
    40013: "invalid appid",
    40016: "invalid button size",
    40018: "invalid button name size",
    40019: "invalid button key size",
    40023: "invalid sub button size",
    40066: "invalid url",
    40125: "invalid appsecret",
    40164: "invalid ip, not in whitelist",
    41001: "access_token missing",
    42001: "access_token expired",
    43004: "require subscribe",
    44002: "empty post data",
    44004: "empty content",
    45002: "content size out of limit",
    45009: "reach max api daily quota limit",
    45015: "response out of time limit or subscription is canceled",
    45047: "out of response count limit",
    45008: "article size out of limit",
    46003: "menu no exist",
    47001: "data format error",
}
SEND_PATH = "/cgi-bin/message/custom/send"
TOKEN_PATH = "/cgi-bin/token"
STABLE_TOKEN_PATH = "/cgi-bin/stable_token"
MENU_CREATE_PATH = "/cgi-bin/menu/create"
MENU_GET_PATH = "/cgi-bin/menu/get"
WINDOW_SECONDS = 48 * 3600


def openid(n: int) -> str:
    """A plausible openid (28 characters) for family number n."""
    return f"{OPENID_PREFIX}{n:020d}"


def error(code: int, errmsg: str | None = None) -> dict[str, Any]:
    return {"errcode": code, "errmsg": (errmsg or ERRMSG.get(code, "error")) + f" rid: fake-{secrets.token_hex(4)}"}


# --- the API server ------------------------------------------------------------------------


@dataclass
class ApiCall:
    """One request to the fake API, whatever its outcome."""
    method: str
    path: str
    query: dict[str, str]
    body: Any  # parsed JSON, or the raw text when it was not JSON
    errcode: int = 0
    at: float = field(default_factory=time.monotonic)


@dataclass
class SentMessage:
    """A customer-service message WeChat accepted (errcode 0)."""
    touser: str
    msgtype: str
    content: str  # text: the text; msgmenu: head, the items and tail on lines; link/news: title
    payload: dict[str, Any]
    at: float = field(default_factory=time.monotonic)

    @property
    def menu(self) -> list[tuple[str, str]]:
        """A msgmenu's items as (id, content)."""
        items = (self.payload.get("msgmenu") or {}).get("list") or []
        return [(str(item.get("id", "")), str(item.get("content", ""))) for item in items]


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 1024  # the default 5 drops connections when 1,000 families write at once


@dataclass
class _Failure:
    code: int
    remaining: int
    path: str


class FakeWeChatApi:
    """The official API endpoints the channel uses, on 127.0.0.1 (a context manager)."""

    def __init__(self, app_id: str = APP_ID, app_secret: str = APP_SECRET, *, delay: float = 0.0,
                 text_limit_bytes: int = 2048, enforce_window: bool = False, quota: int | None = None) -> None:
        self.app_id = app_id
        self.app_secret = app_secret
        self.delay = delay  # seconds before each answer (a slow or distant WeChat)
        self.text_limit_bytes = text_limit_bytes
        # with enforce_window, a send to someone whose last message/event (see `user_acted`)
        # is older than 48 hours, or who never wrote, gets 45015; quota: sends allowed per
        # interaction (45047 after), None for no limit
        self.enforce_window = enforce_window
        self.window_seconds = WINDOW_SECONDS
        self.quota = quota
        self.ip_whitelisted = True  # False: every token fetch answers 40164
        self.clock: Callable[[], float] = time.time
        self.calls: list[ApiCall] = []
        self.sent: list[SentMessage] = []
        self.menus: list[dict[str, Any]] = []
        self.token_fetches = 0
        self.unsubscribed: set[str] = set()
        self.last_interaction: dict[str, float] = {}
        self.sends_since_interaction: dict[str, int] = {}
        self.on_call: Callable[[ApiCall], None] | None = None  # called in the server thread
        self._issued: list[str] = []
        self._valid_tokens: set[str] = set()
        self._expired_tokens: set[str] = set()
        self._stable_token: str | None = None
        self._failures: list[_Failure] = []
        self._lock = threading.Condition()
        self._server = _Server(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)

    # --- lifecycle ---------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """WECHAT_API_BASE for the app under test."""
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> FakeWeChatApi:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FakeWeChatApi:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- knobs ---------------------------------------------------------------------------

    @property
    def current_token(self) -> str | None:
        """The newest valid token (None before the first fetch or after `expire_token`)."""
        with self._lock:
            return next((t for t in reversed(self._issued) if t in self._valid_tokens), None)

    def expire_token(self) -> None:
        """Every token issued so far now answers 42001 (a fresh fetch gives a new valid one)."""
        with self._lock:
            self._expired_tokens |= self._valid_tokens
            self._valid_tokens.clear()
            self._stable_token = None

    def fail_next(self, code: int, count: int = 1, path: str = SEND_PATH) -> None:
        """The next `count` requests to `path` (the customer-service send by default) answer
        errcode `code` (45015, 43004, 45047, 45009, -1, ...) and are not delivered."""
        with self._lock:
            self._failures.append(_Failure(code, count, path))

    def user_acted(self, touser: str, at: float | None = None) -> None:
        """The person wrote or clicked: the 48-hour window and the quota start again
        (`WeChatClient(api=...)` calls this for each message and event it pushes)."""
        with self._lock:
            self.last_interaction[touser] = self.clock() if at is None else at
            self.sends_since_interaction[touser] = 0

    def set_subscribed(self, touser: str, subscribed: bool) -> None:
        with self._lock:
            (self.unsubscribed.discard if subscribed else self.unsubscribed.add)(touser)

    # --- reading what the app did ----------------------------------------------------------

    def sent_to(self, touser: str) -> list[SentMessage]:
        with self._lock:
            return [m for m in self.sent if m.touser == touser]

    def texts_to(self, touser: str) -> list[str]:
        return [m.content for m in self.sent_to(touser)]

    def errors(self) -> list[ApiCall]:
        with self._lock:
            return [c for c in self.calls if c.errcode != 0]

    def wait_sent(self, count: int = 1, touser: str | None = None, timeout: float = 10.0) -> list[SentMessage]:
        """Block until at least `count` messages were sent (to `touser`, if given); AssertionError
        after `timeout`. From async code use `await api.sent_eventually(...)`."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                found = [m for m in self.sent if touser is None or m.touser == touser]
                if len(found) >= count:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"expected {count} sent message(s), got {len(found)}: {found!r}")
                self._lock.wait(left)

    async def sent_eventually(self, count: int = 1, touser: str | None = None,
                              timeout: float = 10.0) -> list[SentMessage]:
        """`wait_sent` for the event loop (polls; the app under test may share the loop)."""
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                found = [m for m in self.sent if touser is None or m.touser == touser]
            if len(found) >= count:
                return found
            if time.monotonic() >= deadline:
                raise AssertionError(f"expected {count} sent message(s), got {len(found)}: {found!r}")
            await asyncio.sleep(0.01)

    # --- the endpoints ---------------------------------------------------------------------

    def _take_failure(self, path: str) -> int | None:
        for failure in self._failures:
            if failure.path == path and failure.remaining > 0:
                failure.remaining -= 1
                return failure.code
        return None

    def _issue_token(self) -> str:
        token = "FAKE_ACCESS_TOKEN_" + secrets.token_urlsafe(24)
        self._issued.append(token)
        self._valid_tokens.add(token)
        return token

    def _check_credentials(self, appid: str, secret: str) -> dict[str, Any] | None:
        if not self.ip_whitelisted:
            return error(40164, "invalid ip 203.0.113.7 ipv6 ::ffff:203.0.113.7, not in whitelist")
        if appid != self.app_id:
            return error(40013)
        if not secrets.compare_digest(secret.encode(), self.app_secret.encode()):
            return error(40125)
        return None

    def _token(self, query: dict[str, str]) -> dict[str, Any]:
        if query.get("grant_type") != "client_credential":
            return error(40002)
        refused = self._check_credentials(query.get("appid", ""), query.get("secret", ""))
        if refused:
            return refused
        self.token_fetches += 1
        return {"access_token": self._issue_token(), "expires_in": 7200}

    def _stable(self, body: Any) -> dict[str, Any]:
        if not isinstance(body, dict):
            return error(47001)
        if body.get("grant_type") != "client_credential":
            return error(40002)
        refused = self._check_credentials(str(body.get("appid", "")), str(body.get("secret", "")))
        if refused:
            return refused
        self.token_fetches += 1
        if body.get("force_refresh") or self._stable_token not in self._valid_tokens:
            self._stable_token = self._issue_token()
        return {"access_token": self._stable_token, "expires_in": 7200}

    def _token_error(self, query: dict[str, str]) -> dict[str, Any] | None:
        token = query.get("access_token")
        if not token:
            return error(41001)
        if token in self._expired_tokens:
            return error(42001)
        if token not in self._valid_tokens:
            return error(40001)
        return None

    def _send(self, body: Any) -> tuple[dict[str, Any], SentMessage | None]:
        if not isinstance(body, dict):
            return error(47001), None
        touser, msgtype = body.get("touser"), body.get("msgtype")
        if not isinstance(touser, str) or not touser:
            return error(40003), None
        inner = body.get(msgtype) if isinstance(msgtype, str) else None
        if msgtype not in ("text", "msgmenu", "link", "news", "image", "voice") or not isinstance(inner, dict):
            return error(40008), None
        if msgtype == "text":
            content = inner.get("content")
            if not isinstance(content, str) or not content:
                return error(44004), None
        elif msgtype == "msgmenu":
            items = inner.get("list")
            if not isinstance(items, list) or not items or not all(
                    isinstance(i, dict) and str(i.get("id", "")) and i.get("content") for i in items):
                return error(47001), None
            content = "\n".join([str(inner.get("head_content", "")), *(str(i["content"]) for i in items),
                                 str(inner.get("tail_content", ""))]).strip("\n")
        elif msgtype == "link":
            content = str(inner.get("title", ""))
        elif msgtype == "news":
            articles = inner.get("articles")
            if not isinstance(articles, list) or len(articles) != 1 or not isinstance(articles[0], dict):
                return error(47001 if not isinstance(articles, list) else 45008, "article size out of limit"), None
            content = str(articles[0].get("title", ""))
        else:
            content = str(inner.get("media_id", ""))
        if len(content.encode()) > self.text_limit_bytes:
            return error(45002), None
        if touser in self.unsubscribed:
            return error(43004), None
        if self.enforce_window:
            last = self.last_interaction.get(touser)
            if last is None or self.clock() - last > self.window_seconds:
                return error(45015), None
        if self.quota is not None:
            if self.sends_since_interaction.get(touser, 0) >= self.quota:
                return error(45047), None
            self.sends_since_interaction[touser] = self.sends_since_interaction.get(touser, 0) + 1
        return {"errcode": 0, "errmsg": "ok"}, SentMessage(touser, msgtype, content, body)

    def _menu(self, body: Any) -> dict[str, Any]:
        if not isinstance(body, dict) or not isinstance(body.get("button"), list):
            return error(47001)
        buttons = body["button"]
        if not 1 <= len(buttons) <= 3:
            return error(40016)
        for button in buttons:
            if not isinstance(button, dict) or not 0 < len(str(button.get("name", "")).encode()) <= 16:
                return error(40018)
            subs = button.get("sub_button") or []
            if not isinstance(subs, list) or len(subs) > 5:
                return error(40023)
            for item in subs or [button]:
                if not isinstance(item, dict) or not 0 < len(str(item.get("name", "")).encode()) <= 60:
                    return error(40018)
                if item.get("type") == "click" and not 0 < len(str(item.get("key", "")).encode()) <= 128:
                    return error(40019)
        self.menus.append(body)
        return {"errcode": 0, "errmsg": "ok"}

    def handle(self, method: str, path: str, query: dict[str, str], body: Any) -> dict[str, Any]:
        """One API request (the HTTP handler's core; tests may call it directly)."""
        with self._lock:
            call = ApiCall(method, path, query, body)
            self.calls.append(call)
            answer = self._answer(call)
            call.errcode = int(answer.get("errcode", 0))
            self._lock.notify_all()
        if self.on_call is not None:
            self.on_call(call)
        return answer

    def _answer(self, call: ApiCall) -> dict[str, Any]:
        path, query, body = call.path, call.query, call.body
        if path == TOKEN_PATH:
            failed = self._take_failure(path)
            return error(failed) if failed is not None else self._token(query)
        if path == STABLE_TOKEN_PATH:
            failed = self._take_failure(path)
            return error(failed) if failed is not None else self._stable(body)
        if path not in (SEND_PATH, MENU_CREATE_PATH, MENU_GET_PATH):
            return error(40066)
        refused = self._token_error(query)
        if refused:
            return refused
        failed = self._take_failure(path)
        if failed is not None:
            return error(failed)
        if path == MENU_GET_PATH:
            return {"menu": self.menus[-1]} if self.menus else error(46003, "menu no exist")
        if call.method != "POST" or body in (None, ""):
            return error(44002)
        if path == MENU_CREATE_PATH:
            return self._menu(body)
        answer, sent = self._send(body)
        if sent is not None:
            self.sent.append(sent)
        return answer

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def setup(self) -> None:
                super().setup()
                self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

            def _serve(self) -> None:
                url = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode("utf-8", "replace") if length else ""
                body: Any = raw or None
                if raw:
                    try:
                        body = json.loads(raw)
                    except json.JSONDecodeError:
                        body = raw
                if api.delay:
                    time.sleep(api.delay)
                answer = api.handle(self.command, url.path, query, body)
                data = json.dumps(answer, ensure_ascii=False).encode()
                self.send_response(200)  # WeChat answers 200 with an errcode, errors included
                self.send_header("Content-Type", "application/json; encoding=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(data)

            do_GET = do_POST = _serve

            def log_message(self, *args: Any) -> None:
                pass

        return Handler


# --- the callback client (WeChat's servers calling the app) ----------------------------------


class BadReply(AssertionError):
    """The app answered something WeChat would not accept as a passive reply (the person then
    sees "该公众号暂时无法提供服务，请稍后再试")."""


@dataclass
class SignedRequest:
    """One push as it goes on the wire: the query and the body, plus the plain message."""
    params: dict[str, str]
    body: bytes
    fields: dict[str, str]

    @property
    def key(self) -> str:
        """What the app deduplicates by: the MsgId, or sender + CreateTime for events."""
        return self.fields.get("MsgId") or f"{self.fields.get('FromUserName', '')}:{self.fields.get('CreateTime', '')}"


@dataclass
class Attempt:
    request: SignedRequest
    number: int  # 1 for the first delivery, 2 and 3 for WeChat's retries
    status: int | None  # None: no answer in time (or the connection failed)
    body: bytes
    elapsed: float
    error: str | None = None  # "timeout" or the transport error's name
    at: float = field(default_factory=time.monotonic)


@dataclass
class Reply:
    """What came back for one push (after WeChat's retries)."""
    status: int | None  # the last attempt's HTTP status; None if no attempt was answered
    body: bytes
    content: str  # the passive text reply; "" for "success", an empty body or no answer
    fields: dict[str, str]  # the (decrypted) reply XML's fields; {} when there was none
    attempts: list[Attempt]

    @property
    def timed_out(self) -> bool:
        return self.status is None

    @property
    def msg_type(self) -> str:
        return self.fields.get("MsgType", "")

    @property
    def elapsed(self) -> float:
        return sum(a.elapsed for a in self.attempts)

    def __str__(self) -> str:
        return self.content


def to_xml(fields: dict[str, str]) -> str:
    """A push's XML as WeChat writes it (numbers bare, strings in CDATA)."""
    parts = [f"<{k}>{v}</{k}>" if k in ("CreateTime", "MsgId") else f"<{k}>{cdata(v)}</{k}>"
             for k, v in fields.items()]
    return "<xml>" + "".join(parts) + "</xml>"


class WeChatClient:
    """Plays WeChat's servers calling the app's callback (`base_url` + `path`) over HTTP.

    Safe mode when `aes_key` is given (`mode="compat"` sends plaintext and ciphertext);
    plain mode otherwise. `timeout` is WeChat's five seconds (small in tests), `attempts`
    the deliveries of one message in all (3). Retries go out verbatim (same query, same body,
    same MsgId) unless `resign_retries`. With `api`, each push also tells the fake API the
    person acted (the 48-hour window) and follows subscribe/unsubscribe. An async context
    manager (one `httpx.AsyncClient`; `transport` to use e.g. `httpx.ASGITransport`).
    """

    def __init__(self, base_url: str, *, token: str = CALLBACK_TOKEN, app_id: str = APP_ID,
                 aes_key: str | None = None, account_id: str = ACCOUNT_ID, path: str = "/wechat",
                 mode: str | None = None, timeout: float = 5.0, attempts: int = 3, resign_retries: bool = False,
                 strict: bool = True, api: FakeWeChatApi | None = None, max_connections: int | None = None,
                 transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.url = base_url.rstrip("/") + path
        self.token = token
        self.app_id = app_id
        self.account_id = account_id
        self.mode = mode or ("safe" if aes_key else "plain")
        if self.mode not in ("plain", "safe", "compat") or (self.mode != "plain" and not aes_key):
            raise ValueError("mode is plain, or safe/compat with an aes_key")
        self.crypto = MessageCrypto(token, aes_key, app_id) if aes_key else None
        self.aes_key = aes_key
        self.timeout = timeout
        self.attempts_per_message = attempts
        self.resign_retries = resign_retries
        self.strict = strict  # raise BadReply for a reply WeChat would refuse
        self.api = api
        self.attempts: list[Attempt] = []  # every delivery attempt, in order
        self._msg_ids = itertools.count(24_000_000_000_000_000 + secrets.randbelow(10**15))
        # a new connection per push, as many at once as there are pushes: httpx's pool queues
        # waiters in O(n^2) (1,000 pushes through 100 pooled connections take 20 s, through
        # 1,000 fresh ones under 2 s), and a reused loopback connection stalls 40 ms on
        # delayed ACKs (see benchmarks/web_load.py)
        self._http = httpx.AsyncClient(
            timeout=httpx.Timeout(None), transport=transport,
            limits=httpx.Limits(max_connections=max_connections, max_keepalive_connections=0))

    async def __aenter__(self) -> WeChatClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    # --- building pushes -------------------------------------------------------------------

    def next_msg_id(self) -> str:
        return str(next(self._msg_ids))

    def _base(self, touser: str, msg_type: str, create_time: int | None) -> dict[str, str]:
        return {"ToUserName": self.account_id, "FromUserName": touser,
                "CreateTime": str(int(time.time()) if create_time is None else create_time), "MsgType": msg_type}

    def build_text(self, touser: str, content: str, *, msg_id: str | None = None,
                   create_time: int | None = None) -> dict[str, str]:
        return {**self._base(touser, "text", create_time), "Content": content, "MsgId": msg_id or self.next_msg_id()}

    def build_voice(self, touser: str, recognition: str | None = None, *, msg_id: str | None = None,
                    create_time: int | None = None) -> dict[str, str]:
        fields = {**self._base(touser, "voice", create_time), "MediaId": "fake_media_" + secrets.token_hex(8),
                  "Format": "amr"}
        if recognition is not None:
            fields["Recognition"] = recognition
        return {**fields, "MsgId": msg_id or self.next_msg_id()}

    def build_image(self, touser: str, *, msg_id: str | None = None, create_time: int | None = None,
                    ) -> dict[str, str]:
        media = secrets.token_hex(8)
        return {**self._base(touser, "image", create_time), "PicUrl": f"http://mmbiz.qpic.cn/fake/{media}",
                "MediaId": "fake_media_" + media, "MsgId": msg_id or self.next_msg_id()}

    def build_event(self, touser: str, event: str, key: str | None = None, *,
                    create_time: int | None = None) -> dict[str, str]:
        """subscribe (EventKey empty, or qrscene_... from a QR code), unsubscribe, CLICK (the
        menu button's key), VIEW (its URL)."""
        fields = {**self._base(touser, "event", create_time), "Event": event}
        if key is not None or event in ("subscribe", "unsubscribe"):
            fields["EventKey"] = key or ""
        return fields

    # --- signing ---------------------------------------------------------------------------

    def signed(self, fields: dict[str, str], *, timestamp: str | None = None, nonce: str | None = None,
               body: bytes | None = None) -> SignedRequest:
        """The push as WeChat sends it: the query signed, the body encrypted in safe mode.
        `body` replaces the body after signing (a tampered or oversized request)."""
        stamp = timestamp or str(int(time.time()))
        once = nonce or str(secrets.randbelow(9 * 10**9) + 10**9)
        params = {"signature": sha1_signature(self.token, stamp, once), "timestamp": stamp, "nonce": once,
                  "openid": fields.get("FromUserName", "")}
        plain = to_xml(fields)
        if self.crypto is None or self.mode == "plain":
            data = plain.encode()
        else:
            encrypted = self.crypto.encrypt(plain.encode())
            params["encrypt_type"] = "aes"
            params["msg_signature"] = sha1_signature(self.token, stamp, once, encrypted)
            if self.mode == "compat":  # the plaintext fields and the ciphertext side by side
                data = (plain.removesuffix("</xml>") + f"<Encrypt>{cdata(encrypted)}</Encrypt></xml>").encode()
            else:
                data = (f"<xml><ToUserName>{cdata(self.account_id)}</ToUserName>"
                        f"<Encrypt>{cdata(encrypted)}</Encrypt></xml>").encode()
        return SignedRequest(params, data if body is None else body, dict(fields))

    def forged(self, fields: dict[str, str], how: str) -> SignedRequest:
        """A request the app must refuse (403, nothing processed):
        bad_signature (both signatures random), stale (signed correctly 10 minutes ago),
        future (10 minutes ahead), unsigned (no signature at all), wrong_receiver (safe mode:
        encrypted for another AppID, correctly signed), tampered (safe mode: ciphertext
        changed after signing)."""
        if how == "bad_signature":
            request = self.signed(fields)
            request.params["signature"] = secrets.token_hex(20)
            if "msg_signature" in request.params:
                request.params["msg_signature"] = secrets.token_hex(20)
            return request
        if how in ("stale", "future"):
            return self.signed(fields, timestamp=str(int(time.time()) + (-600 if how == "stale" else 600)))
        if how == "unsigned":
            request = self.signed(fields)
            for name in ("signature", "msg_signature"):
                request.params.pop(name, None)
            return request
        if how in ("wrong_receiver", "tampered"):
            if self.crypto is None or self.aes_key is None:
                raise ValueError(f"{how} needs safe mode")
            stamp, once = str(int(time.time())), str(secrets.randbelow(9 * 10**9) + 10**9)
            if how == "wrong_receiver":
                encrypted = MessageCrypto(self.token, self.aes_key, "wx0000000000000000").encrypt(
                    to_xml(fields).encode())
                signature = sha1_signature(self.token, stamp, once, encrypted)
            else:
                signature = sha1_signature(self.token, stamp, once, self.crypto.encrypt(to_xml(fields).encode()))
                encrypted = self.crypto.encrypt(to_xml({**fields, "Content": "被篡改的内容"}).encode())
            params = {"signature": sha1_signature(self.token, stamp, once), "timestamp": stamp, "nonce": once,
                      "openid": fields.get("FromUserName", ""), "encrypt_type": "aes", "msg_signature": signature}
            body = f"<xml><ToUserName>{cdata(self.account_id)}</ToUserName><Encrypt>{cdata(encrypted)}</Encrypt></xml>"
            return SignedRequest(params, body.encode(), dict(fields))
        raise ValueError(f"unknown forgery {how!r}")

    def oversized(self, touser: str, size: int = 200_000) -> SignedRequest:
        """A correctly signed text push whose body is `size` bytes (far beyond any real one)."""
        return self.signed(self.build_text(touser, "长" * (size // 3)))

    # --- delivering --------------------------------------------------------------------------

    async def _post_once(self, request: SignedRequest, number: int) -> Attempt:
        started = time.monotonic()
        try:
            response = await asyncio.wait_for(
                self._http.post(self.url, params=request.params, content=request.body,
                                headers={"Content-Type": "text/xml", "User-Agent": "Mozilla/4.0"}),
                self.timeout)
        except (TimeoutError, httpx.TimeoutException):
            attempt = Attempt(request, number, None, b"", time.monotonic() - started, "timeout")
        except httpx.TransportError as exc:
            attempt = Attempt(request, number, None, b"", time.monotonic() - started, type(exc).__name__)
        else:
            attempt = Attempt(request, number, response.status_code, response.content, time.monotonic() - started)
        self.attempts.append(attempt)
        return attempt

    async def deliver(self, request: SignedRequest) -> Reply:
        """Post a push like WeChat: no answer within `timeout` and it goes again, `attempts`
        times in all; the passive reply is checked (BadReply if WeChat would refuse it)."""
        if self.api is not None:
            self._tell_api(request.fields)
        tries: list[Attempt] = []
        for number in range(1, self.attempts_per_message + 1):
            if number > 1 and self.resign_retries:
                request = self.signed(request.fields)
            attempt = await self._post_once(request, number)
            tries.append(attempt)
            if attempt.status is not None:
                return self._reply(attempt, tries, strict=self.strict)
        return Reply(None, b"", "", {}, tries)

    async def post_raw(self, request: SignedRequest) -> Reply:
        """One post, no retry, no strictness (forgeries, replays, odd bodies)."""
        attempt = await self._post_once(request, 1)
        if attempt.status is None:
            return Reply(None, b"", "", {}, [attempt])
        return self._reply(attempt, [attempt], strict=False)

    async def replay(self, old: SignedRequest | Attempt | Reply) -> Reply:
        """Send an earlier request again, byte for byte (a captured request replayed later)."""
        request = old.attempts[0].request if isinstance(old, Reply) else (
            old.request if isinstance(old, Attempt) else old)
        return await self.post_raw(request)

    def _tell_api(self, fields: dict[str, str]) -> None:
        assert self.api is not None
        touser = fields.get("FromUserName", "")
        event = fields.get("Event")
        if event == "unsubscribe":
            self.api.set_subscribed(touser, False)
            return
        if event == "subscribe":
            self.api.set_subscribed(touser, True)
        self.api.user_acted(touser)

    def _reply(self, attempt: Attempt, tries: list[Attempt], *, strict: bool) -> Reply:
        body = attempt.body
        if attempt.status != 200 or body.strip() in (b"", b"success"):
            return Reply(attempt.status, body, "", {}, tries)
        try:
            fields = self._open_reply(body, attempt.request)
        except (BadReply, CallbackRefused, ValueError) as exc:
            if strict:
                raise BadReply(f"WeChat would refuse this reply ({exc}): {body[:200]!r}") from None
            return Reply(attempt.status, body, "", {}, tries)
        return Reply(attempt.status, body, fields.get("Content", ""), fields, tries)

    def _open_reply(self, body: bytes, request: SignedRequest) -> dict[str, str]:
        outer = parse(body)
        if "Encrypt" in outer:
            if self.crypto is None:
                raise BadReply("encrypted reply in plain mode")
            expected = sha1_signature(self.token, outer.get("TimeStamp", ""), outer.get("Nonce", ""),
                                      outer["Encrypt"])
            if not secrets.compare_digest(expected, outer.get("MsgSignature", "")):
                raise BadReply("reply MsgSignature does not match")
            fields = parse(self.crypto.decrypt(outer["Encrypt"]))
        elif self.mode == "safe":
            raise BadReply("plain reply in safe mode")
        else:
            fields = outer
        if fields.get("ToUserName") != request.fields.get("FromUserName"):
            raise BadReply("reply ToUserName is not the sender's openid")
        if fields.get("FromUserName") != self.account_id:
            raise BadReply("reply FromUserName is not the account")
        if not fields.get("CreateTime", "").isdigit():
            raise BadReply("reply CreateTime is not a number")
        if fields.get("MsgType") not in ("text", "image", "voice", "video", "music", "news", "transfer_customer_service"):
            raise BadReply(f"reply MsgType {fields.get('MsgType')!r}")
        if fields["MsgType"] == "text" and not fields.get("Content"):
            raise BadReply("text reply without Content")
        return fields

    # --- what people do ------------------------------------------------------------------------

    async def push(self, fields: dict[str, str]) -> Reply:
        return await self.deliver(self.signed(fields))

    async def send_text(self, touser: str, content: str, **kw: Any) -> Reply:
        return await self.push(self.build_text(touser, content, **kw))

    async def send_voice(self, touser: str, recognition: str | None = None, **kw: Any) -> Reply:
        return await self.push(self.build_voice(touser, recognition, **kw))

    async def send_image(self, touser: str, **kw: Any) -> Reply:
        return await self.push(self.build_image(touser, **kw))

    async def subscribe(self, touser: str, key: str = "", **kw: Any) -> Reply:
        return await self.push(self.build_event(touser, "subscribe", key, **kw))

    async def unsubscribe(self, touser: str, **kw: Any) -> Reply:
        return await self.push(self.build_event(touser, "unsubscribe", **kw))

    async def click(self, touser: str, key: str, **kw: Any) -> Reply:
        return await self.push(self.build_event(touser, "CLICK", key, **kw))

    async def verify_url(self, echostr: str | None = None, *, forge: str | None = None) -> Reply:
        """The GET check WeChat makes when the server URL is saved in the console: the app must
        answer echostr itself (plain text), in every mode. forge: bad_signature or stale."""
        echo = echostr or str(secrets.randbelow(10**19))
        stamp = str(int(time.time()) - (600 if forge == "stale" else 0))
        once = str(secrets.randbelow(9 * 10**9) + 10**9)
        signature = secrets.token_hex(20) if forge == "bad_signature" else sha1_signature(self.token, stamp, once)
        params = {"signature": signature, "timestamp": stamp, "nonce": once, "echostr": echo}
        started = time.monotonic()
        response = await asyncio.wait_for(self._http.get(self.url, params=params), self.timeout)
        request = SignedRequest(params, b"", {})
        attempt = Attempt(request, 1, response.status_code, response.content, time.monotonic() - started)
        self.attempts.append(attempt)
        return Reply(response.status_code, response.content, response.text, {}, [attempt])
