"""A fake Telegram Bot API server on 127.0.0.1, for end-to-end tests and benchmarks.

The real application talks to it over HTTP exactly as it would to Telegram (set
TELEGRAM_API_BASE_URL to `server.base_url`). Tests play users by queueing updates
(`send_text`, `tap`, `inline`) and read what the bot did from `calls`. Users in `blocked`
get Telegram's 403 "bot was blocked by the user".
"""

from __future__ import annotations

import contextlib
import itertools
import json
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

BOT_ID = 7000001
TOKEN = "7000001:FAKE-test-token-abcdefghij"


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    at: float = field(default_factory=time.monotonic)
    message_id: int | None = None  # the message this call created or edited

    @property
    def text(self) -> str:
        return str(self.params.get("text", ""))

    @property
    def chat_id(self) -> int | None:
        value = self.params.get("chat_id")
        return int(value) if value is not None else None

    def buttons(self) -> list[tuple[str, str]]:
        markup = self.params.get("reply_markup") or {}
        return [(b["text"], b.get("callback_data", "")) for row in markup.get("inline_keyboard", []) for b in row]


class FakeBotApi:
    def __init__(self) -> None:
        self.polls = 0  # getUpdates requests seen: the bot is up and polling
        self._updates: list[dict[str, Any]] = []
        self._cond = threading.Condition()
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(100)
        self.calls: list[Call] = []
        self.blocked: set[int] = set()
        self.flood_once: set[int] = set()  # chats whose next send gets 429 Too Many Requests
        self.flood_times: dict[int, int] = {}  # chats whose next N sends get 429
        self.messages: dict[tuple[int, int], dict[str, Any]] = {}
        self.on_call: Any = None  # optional hook, called (in the server thread) with each Call
        self.reject_token = False  # answer every call with Telegram's 401 Unauthorized
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    # --- lifecycle ---------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/bot"

    def start(self) -> FakeBotApi:
        self._thread.start()
        return self

    def stop(self) -> None:
        with self._cond:
            self._cond.notify_all()
        self._server.shutdown()
        self._server.server_close()

    # --- playing users -------------------------------------------------------------------

    def _push(self, update: dict[str, Any]) -> int:
        with self._cond:
            update["update_id"] = next(self._update_ids)
            self._updates.append(update)
            self._cond.notify_all()
            return update["update_id"]

    @staticmethod
    def _user(user_id: int) -> dict[str, Any]:
        return {"id": user_id, "is_bot": False, "first_name": f"User{user_id}", "language_code": "zh-hans"}

    def send_text(self, user_id: int, text: str, **extra: Any) -> int:
        message = {"message_id": next(self._message_ids), "date": int(time.time()),
                   "chat": {"id": user_id, "type": "private"}, "from": self._user(user_id), "text": text, **extra}
        if text.startswith("/"):
            command = text.split()[0]
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        return self._push({"message": message})

    def push_raw(self, *updates: dict[str, Any]) -> None:
        """Queue updates as given, in one batch (their own update_id: a redelivery, or one the
        library cannot read)."""
        with self._cond:
            self._updates.extend(updates)
            self._cond.notify_all()

    def next_update_id(self) -> int:
        return next(self._update_ids)

    def edit_text(self, user_id: int, message_id: int, text: str) -> int:
        """The user edits an earlier message of theirs (Telegram sends an edited_message update)."""
        message = {"message_id": message_id, "date": int(time.time()), "edit_date": int(time.time()),
                   "chat": {"id": user_id, "type": "private"}, "from": self._user(user_id), "text": text}
        if text.startswith("/"):
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        return self._push({"edited_message": message})

    def send_other(self, user_id: int, **content: Any) -> int:
        """A sticker, photo, voice... (anything without text)."""
        message = {"message_id": next(self._message_ids), "date": int(time.time()),
                   "chat": {"id": user_id, "type": "private"}, "from": self._user(user_id), **content}
        return self._push({"message": message})

    def tap(self, user_id: int, data: str, message_id: int | None = None) -> int:
        message = self.messages.get((user_id, message_id or 0)) or {
            "message_id": message_id or 1, "date": int(time.time()), "chat": {"id": user_id, "type": "private"},
            "text": "…"}
        query = {"id": str(next(self._update_ids) * 7), "from": self._user(user_id), "chat_instance": "ci",
                 "data": data, "message": {**message, "from": self._bot_user()}}
        return self._push({"callback_query": query})

    def inline(self, user_id: int, query: str) -> int:
        return self._push({"inline_query": {"id": str(next(self._update_ids) * 11), "from": self._user(user_id),
                                            "query": query, "offset": ""}})

    # --- reading what the bot did ----------------------------------------------------------

    def calls_to(self, user_id: int, after: int = 0, methods: tuple[str, ...] = ("sendMessage", "editMessageText"),
                 ) -> list[Call]:
        return [c for c in self.calls[after:] if c.method in methods and c.chat_id == user_id]

    # --- the HTTP side ----------------------------------------------------------------------

    def _bot_user(self) -> dict[str, Any]:
        return {"id": BOT_ID, "is_bot": True, "first_name": "连心助手", "username": "lianxin_test_bot",
                "can_join_groups": False, "can_read_all_group_messages": False, "supports_inline_queries": True}

    def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        wait = min(float(params.get("timeout") or 0), 0.5)
        deadline = time.monotonic() + wait
        with self._cond:
            while True:
                pending = [u for u in self._updates if u["update_id"] >= offset]
                if pending or time.monotonic() >= deadline:
                    self._updates = pending
                    return pending[:100]
                self._cond.wait(max(0.0, deadline - time.monotonic()))

    def _message_result(self, params: dict[str, Any], message_id: int | None = None) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        mid = message_id or next(self._message_ids)
        message = {"message_id": mid, "date": int(time.time()), "chat": {"id": chat_id, "type": "private"},
                   "from": self._bot_user(), "text": params.get("text", "")}
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        self.messages[(chat_id, mid)] = message
        return message

    def handle(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if self.reject_token:
            return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        if method == "getUpdates":
            self.polls += 1  # not a Call: long polling would flood `calls`
            return 200, {"ok": True, "result": self._get_updates(params)}
        self.calls.append(Call(method, params))
        if self.on_call is not None:
            self.on_call(self.calls[-1])
        chat_id = params.get("chat_id")
        if chat_id is not None and method == "sendMessage" and (
                int(chat_id) in self.flood_once or self.flood_times.get(int(chat_id), 0) > 0):
            self.flood_once.discard(int(chat_id))
            if self.flood_times.get(int(chat_id), 0) > 0:
                self.flood_times[int(chat_id)] -= 1
            return 429, {"ok": False, "error_code": 429, "description": "Too Many Requests: retry after 1",
                         "parameters": {"retry_after": 1}}
        if chat_id is not None and int(chat_id) in self.blocked:
            return 403, {"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked by the user"}
        if method == "getMe":
            return 200, {"ok": True, "result": self._bot_user()}
        call = self.calls[-1]
        if method == "sendMessage":
            result = self._message_result(params)
            call.message_id = result["message_id"]
            return 200, {"ok": True, "result": result}
        if method in ("editMessageText", "editMessageReplyMarkup"):
            if "chat_id" not in params:
                return 200, {"ok": True, "result": True}
            call.message_id = int(params["message_id"])
            before = self.messages.get((int(params["chat_id"]), call.message_id))
            if before is not None and before.get("text") == params.get("text", before.get("text")) \
                    and before.get("reply_markup") == params.get("reply_markup"):  # as Telegram: a no-op edit
                return 400, {"ok": False, "error_code": 400, "description": "Bad Request: message is not "
                             "modified: specified new message content and reply markup are exactly the same "
                             "as a current content and reply markup of the message"}
            return 200, {"ok": True, "result": self._message_result(params, call.message_id)}
        return 200, {"ok": True, "result": True}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def setup(self) -> None:
                super().setup()
                # headers and body go out in two writes: without TCP_NODELAY, Nagle's algorithm
                # and the client's delayed ACK add ~40 ms to every call (Telegram has no such stall)
                self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

            def do_POST(self) -> None:
                method = self.path.rsplit("/", 1)[-1]
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode() if length else ""
                params: dict[str, Any] = {}
                if "json" in (self.headers.get("Content-Type") or ""):
                    params = json.loads(body or "{}")
                else:
                    for key, values in parse_qs(body).items():
                        value = values[0]
                        try:
                            params[key] = json.loads(value) if value[:1] in "[{" or key in (
                                "chat_id", "message_id", "offset", "timeout", "limit", "user_id") else value
                        except json.JSONDecodeError:
                            params[key] = value
                status, payload = api.handle(method, params)
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(data)  # the bot may hang up (shutting down mid long-poll)

            do_GET = do_POST

            def log_message(self, *args: Any) -> None:
                pass

        return Handler
