"""A fake WeCom (企业微信) API on 127.0.0.1, and a client that calls back like WeCom.

`FakeWeCom` answers what Lianxin calls (set WECOM_API_BASE to `server.base_url`):
`GET /cgi-bin/gettoken`, `POST /cgi-bin/message/send` and
`POST /cgi-bin/message/update_template_card`, checking the corp id, the secret and the access
token as WeCom does. Tests read what was sent from `sends` and `updates`, and make it
misbehave: `expire_tokens()` (every token issued so far answers 42001), `errcodes` (the next
sends answer these codes), `slow` (seconds before answering a send), `members` (the user ids
in the app's visible range: anyone else gets 81013). `closed_base_url()` is an address where
nothing listens (a refused connection).

`CallbackClient` signs and encrypts callbacks exactly as WeCom does (`bot.wechat.crypto`),
and posts the same body again for a retry.
"""

from __future__ import annotations

import itertools
import json
import secrets
import socket
import string
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

from bot.wechat.crypto import MessageCrypto, sha1_signature
from bot.wechat.wxml import cdata

CORP_ID = "ww1234567890abcdef"
SECRET = "fake-wecom-secret-0123456789"
AGENT_ID = 1000002
TOKEN = "LianxinWeCom2027"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"


@dataclass
class Sent:
    path: str
    token: str
    body: dict[str, Any]
    at: float = field(default_factory=time.monotonic)

    @property
    def touser(self) -> str:
        return str(self.body.get("touser", ""))

    @property
    def card(self) -> dict[str, Any]:
        return dict(self.body.get("template_card") or {})

    def buttons(self) -> list[tuple[str, str]]:
        return [(b["text"], b["key"]) for b in self.card.get("button_list", [])]


class FakeWeCom:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._tokens = itertools.count(1)
        self.valid_tokens: set[str] = set()
        self.token_fetches = 0
        self.sends: list[Sent] = []  # accepted message/send calls (errcode 0)
        self.refused: list[tuple[Sent, int]] = []  # message/send calls answered with an error code
        self.updates: list[Sent] = []
        self.errcodes: list[int] = []  # the next sends answer these codes, in order
        self.members: set[str] | None = None  # None: everyone is in the app's visible range
        self.slow = 0.0
        self.used_response_codes: set[str] = set()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> FakeWeCom:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def expire_tokens(self) -> None:
        with self._lock:
            self.valid_tokens.clear()

    def cards(self, to: str | None = None) -> list[Sent]:
        return [s for s in self.sends if s.body.get("msgtype") == "template_card" and (to is None or s.touser == to)]

    def texts(self, to: str | None = None) -> list[Sent]:
        return [s for s in self.sends if s.body.get("msgtype") == "text" and (to is None or s.touser == to)]

    # --- the server --------------------------------------------------------------------

    def _answer_token(self, query: dict[str, list[str]]) -> dict[str, Any]:
        with self._lock:
            self.token_fetches += 1
            if query.get("corpid") != [CORP_ID] or query.get("corpsecret") != [SECRET]:
                return {"errcode": 40001, "errmsg": "invalid credential"}
            token = f"fake-token-{next(self._tokens)}-{secrets.token_hex(4)}"
            self.valid_tokens.add(token)
        return {"errcode": 0, "errmsg": "ok", "access_token": token, "expires_in": 7200}

    def _answer_post(self, path: str, token: str, body: dict[str, Any]) -> dict[str, Any]:
        call = Sent(path, token, body)
        with self._lock:
            if token not in self.valid_tokens:
                return {"errcode": 42001, "errmsg": "access_token expired"}
            if path == "/cgi-bin/message/update_template_card":
                code = str(body.get("response_code", ""))
                if not code or code in self.used_response_codes:
                    return {"errcode": 40001 if not code else 301037, "errmsg": "response_code used"}
                self.used_response_codes.add(code)
                self.updates.append(call)
                return {"errcode": 0, "errmsg": "ok"}
            if self.errcodes:
                code = self.errcodes.pop(0)
                self.refused.append((call, code))
                return {"errcode": code, "errmsg": "fake error"}
            if self.members is not None and call.touser not in self.members:
                self.refused.append((call, 81013))
                return {"errcode": 81013, "errmsg": "user & party & tag all invalid"}
            if body.get("agentid") != AGENT_ID:
                return {"errcode": 40056, "errmsg": "invalid agentid"}
            self.sends.append(call)
        return {"errcode": 0, "errmsg": "ok", "msgid": secrets.token_hex(8)}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _json(self, data: dict[str, Any]) -> None:
                raw = json.dumps(data).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def do_GET(self) -> None:
                url = urlparse(self.path)
                if url.path != "/cgi-bin/gettoken":
                    self.send_error(404)
                    return
                self._json(fake._answer_token(parse_qs(url.query)))

            def do_POST(self) -> None:
                url = urlparse(self.path)
                length = int(self.headers.get("Content-Length", "0"))
                body = json.loads(self.rfile.read(length) or b"{}")
                if fake.slow and url.path == "/cgi-bin/message/send":
                    time.sleep(fake.slow)
                token = parse_qs(url.query).get("access_token", [""])[0]
                self._json(fake._answer_post(url.path, token, body))

        return Handler


def closed_base_url() -> str:
    """An address on 127.0.0.1 where nothing listens: connecting is refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


class CallbackClient:
    """Plays WeCom calling back the app: signs and encrypts as WeCom does."""

    def __init__(self, token: str = TOKEN, aes_key: str = AES_KEY, corp_id: str = CORP_ID) -> None:
        self.crypto = MessageCrypto(token, aes_key, corp_id)
        self.corp_id = corp_id
        self._created = itertools.count(int(time.time()))

    def card_event(self, user: str, key: str, task_id: str, response_code: str | None = None,
                   created: int | None = None) -> str:
        """The plaintext XML of a template_card_event (a button pressed on a card)."""
        code = response_code or "".join(secrets.choice(string.ascii_letters) for _ in range(24))
        return (f"<xml><ToUserName>{cdata(self.corp_id)}</ToUserName><FromUserName>{cdata(user)}</FromUserName>"
                f"<CreateTime>{created or next(self._created)}</CreateTime><MsgType>{cdata('event')}</MsgType>"
                f"<Event>{cdata('template_card_event')}</Event><EventKey>{cdata(key)}</EventKey>"
                f"<TaskId>{cdata(task_id)}</TaskId><CardType>{cdata('button_interaction')}</CardType>"
                f"<ResponseCode>{cdata(code)}</ResponseCode><AgentID>{AGENT_ID}</AgentID></xml>")

    def signed(self, xml: str, timestamp: int | None = None) -> tuple[str, bytes]:
        """(query string, body) of the POST WeCom makes for this message."""
        stamp = str(timestamp if timestamp is not None else int(time.time()))
        nonce = secrets.token_hex(5)
        encrypted = self.crypto.encrypt(xml.encode())
        signature = sha1_signature(self.crypto.token, stamp, nonce, encrypted)
        body = (f"<xml><ToUserName>{cdata(self.corp_id)}</ToUserName><Encrypt>{cdata(encrypted)}</Encrypt>"
                f"<AgentID>{AGENT_ID}</AgentID></xml>")
        return urlencode({"msg_signature": signature, "timestamp": stamp, "nonce": nonce}), body.encode()

    def url_check(self, echo: str = "echo-1234567890") -> tuple[str, str]:
        """(query string, the plaintext expected back) of WeCom's GET URL check."""
        stamp = str(int(time.time()))
        nonce = secrets.token_hex(5)
        encrypted = self.crypto.encrypt(echo.encode())
        signature = sha1_signature(self.crypto.token, stamp, nonce, encrypted)
        return urlencode({"msg_signature": signature, "timestamp": stamp, "nonce": nonce, "echostr": encrypted}), echo
