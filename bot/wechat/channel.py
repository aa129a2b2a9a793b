"""The WeChat Service Account channel: `/wechat` renders the conversation core for families.

A message from WeChat becomes `Conversation.on_text` (a typed number becomes the choice it
stood for, `Conversation.on_choice`); the `Reply` goes back as WeChat text (`render`). The
channel decides nothing about what to say; it only handles what is WeChat's own:

- **Authenticity.** Every request carries WeChat's signature (and, in safe mode, the
  message signature and AES ciphertext); a bad or stale one is a 403 and nothing is read
  further. The body is parsed with defusedxml under a size limit.
- **Retries.** WeChat waits 5 seconds, then sends the same message again (three times in
  all). The message id (sender + time for events) is recorded in storage the first time,
  so a message is answered once, also across a restart. A retry means our response did
  not reach WeChat in time (under load a request can queue before it is read): the answer
  already made goes in the retry's response instead (`Flight`); an answer handed to the
  customer-service API is not repeated; after a restart a retry gets "success".
  The time left to answer is counted from WeChat's timestamp, not from when we read it.
- **Slow or long answers.** The answer's first message goes in the HTTP response (a
  passive reply, which every Service Account may send) when it is ready within
  `PASSIVE_DEADLINE`; further pieces of a long answer follow a second later by the
  customer-service API (allowed within 48 hours of the person's message). An answer not
  ready in time gets "success" at once and goes out whole by the customer-service API.
  One person's messages are answered one after another, in order.
- **Consent and privacy.** Following the account gets the welcome and the consent
  question. Nothing is stored before the person agrees: until then the conversation is
  kept in this process only (`Unsaved`), as Telegram keeps it without consent. After
  consent it is the `chat_states` row ('wechat', openid). Unfollowing stops every message;
  "删除我的信息" deletes everything about the person.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from bot.settings import Settings
from bot.storage import Storage
from bot.web.limits import BodyTooLarge, Limiter, RateLimiter, read_body
from bot.wechat import render
from bot.wechat.api import UNSUBSCRIBED, WINDOW_PASSED, WeChatApi, WeChatError
from bot.wechat.crypto import CallbackRefused, MessageCrypto, check_url_signature
from bot.wechat.wxml import MAX_BODY_BYTES, BadXml, parse, text_reply
from dialogs import wechat_copy as wc
from dialogs.conversation import MAX_TEXT, Conversation, ConversationState, Household, SavedAnswers
from dialogs.interview import InterviewState
from dialogs.replies import Choice, Paragraphs, Reply

CHANNEL = "wechat"
PATH = "/wechat"
PASSIVE_DEADLINE = 4.0  # seconds: WeChat gives up on the response at 5
MIN_DEADLINE = 0.5  # a clock behind WeChat's by a few seconds still gets this long
FLIGHTS_MAX = 5_000
FLIGHT_SECONDS = 60  # WeChat's three deliveries of a message span about 15 s
FOLLOW_DELAY = 1.0  # seconds between a passive reply and the customer-service pieces after it
UNSAVED_MAX = 20_000  # people without consent whose conversation is kept in memory
UNSAVED_SECONDS = 6 * 3600
_STICKER = re.compile(r"\[[\u4e00-\u9fffA-Za-z]{1,4}\]")
_KNOWN_FEELING = re.compile(r"\[(?:流泪|大哭|难过|委屈|心碎|泪)\]")  # kept: the conversation answers sorrow warmly
_OPENID = re.compile(r"[A-Za-z0-9_-]{6,64}")
ANSWERED = ":answered"  # a second key once the answer went out (or was handed to WeChat)
CONSENT_YES, CONSENT_NO = "wx:consent:y", "wx:consent:n"
FORGET_YES, FORGET_NO = "wx:forget:y", "wx:forget:n"
log = logging.getLogger("lianxin.wechat")


@dataclass
class Flight:
    """One message's answer being made, kept a minute so WeChat's retry of the message gets
    it in its response when the first response came too late."""

    task: asyncio.Task[list[str]]
    by_customer_service: bool = False  # "success" was answered: the answer goes by the API
    followed: bool = False  # a long answer's further pieces are on their way
    at: float = field(default_factory=time.monotonic)


# --- where a person's conversation lives ----------------------------------------------------

@dataclass
class Talk:
    """One person's conversation as the channel keeps it: the core's state, what the numbers
    of the last reply meant, a channel question waiting (consent, forget), saved answers."""

    state: ConversationState
    numbered: render.Numbered = field(default_factory=render.Numbered)
    saved: dict[str, Any] | None = None
    consent: bool = False  # not stored: the person's answer to the consent question, as of now

    def to_json(self) -> dict[str, Any]:
        return {**self.state.to_json(), "wechat": {"numbered": self.numbered.to_json(), "saved": self.saved}}

    @classmethod
    def from_json(cls, data: object) -> Talk:
        own = data.get("wechat") if isinstance(data, dict) else None
        own = own if isinstance(own, dict) else {}
        saved = own.get("saved")
        return cls(ConversationState.from_json(data if isinstance(data, dict) else None),
                   render.Numbered.from_json(own.get("numbered")),
                   saved if isinstance(saved, dict) and isinstance(saved.get("answers"), dict) else None)


class Unsaved:
    """Conversations of people who have not agreed to storage: in this process only, the
    oldest dropped past `UNSAVED_MAX` and after `UNSAVED_SECONDS` quiet (a restart starts
    them afresh, which is what declining storage means)."""

    def __init__(self) -> None:
        self._talks: OrderedDict[str, tuple[float, dict[str, Any]]] = OrderedDict()

    def get(self, openid: str, now: float) -> dict[str, Any] | None:
        item = self._talks.get(openid)
        if item is None or now - item[0] > UNSAVED_SECONDS:
            self._talks.pop(openid, None)
            return None
        return item[1]

    def put(self, openid: str, data: dict[str, Any], now: float) -> None:
        self._talks[openid] = (now, data)
        self._talks.move_to_end(openid)
        while len(self._talks) > UNSAVED_MAX:
            self._talks.popitem(last=False)

    def drop(self, openid: str) -> None:
        self._talks.pop(openid, None)


class WeChatHousehold(Household):
    """The saved answers of a person who agreed (kept in their conversation row)."""

    def __init__(self, talk: Talk, consent: bool) -> None:
        self.talk = talk
        self.consent = consent

    async def saved_answers(self) -> SavedAnswers | None:
        saved = self.talk.saved
        if not self.consent or saved is None:
            return None
        return SavedAnswers(str(saved.get("jurisdiction")), saved["answers"], str(saved.get("day", ""))[:10])

    async def save_result(self, state: InterviewState, for_family: int | None, eligible: str, unclear: str) -> str:
        if not self.consent or state.jurisdiction is None or for_family is not None:
            return ""
        self.talk.saved = {"jurisdiction": state.jurisdiction, "answers": dict(state.answers),
                           "day": state.as_of.isoformat()}
        return "saved"


# --- the channel -----------------------------------------------------------------------------

class WeChatChannel:
    def __init__(self, settings: Settings, open_storage: Callable[[Request], Awaitable[Storage]]) -> None:
        assert settings.wechat_token and settings.wechat_app_id
        self.settings = settings
        self.open_storage = open_storage  # the web app's database, opened on first use
        self.token = settings.wechat_token
        self.crypto = (MessageCrypto(settings.wechat_token, settings.wechat_aes_key, settings.wechat_app_id)
                       if settings.wechat_aes_key else None)
        self.unsaved = Unsaved()
        self._locks: dict[str, asyncio.Lock] = {}
        self._background: set[asyncio.Task[None]] = set()
        self._flights: dict[str, Flight] = {}
        self._api: WeChatApi | None = None
        self.passive_deadline = PASSIVE_DEADLINE
        self.follow_delay = FOLLOW_DELAY
        # messages one person may send a minute (BOT_USER_RATE_PER_MINUTE, as on Telegram)
        # (shared by every worker on PostgreSQL: the web app sets a SharedRateLimiter here)
        self.limiter: Limiter = RateLimiter(per_minute=settings.bot_user_rate_per_minute,
                                            burst=settings.bot_user_rate_per_minute)

    def routes(self) -> list[Route]:
        return [Route(PATH, self.verify, methods=["GET"]), Route(PATH, self.receive, methods=["POST"])]

    def api(self, storage: Storage) -> WeChatApi:
        if self._api is None:
            self._api = WeChatApi.from_settings(self.settings, storage)
        return self._api

    async def close(self) -> None:
        """Finish the answers still being sent (at shutdown), then close the client."""
        if self._background:
            await asyncio.wait(self._background, timeout=10)
        if self._api is not None:
            await self._api.close()

    # --- HTTP ---------------------------------------------------------------------------------

    async def verify(self, request: Request) -> Response:
        """The URL check when the server address is saved in WeChat's console: echo echostr."""
        q = request.query_params
        try:
            check_url_signature(self.token, q.get("signature", ""), q.get("timestamp", ""), q.get("nonce", ""))
        except CallbackRefused as exc:
            log.warning("WeChat URL check refused: %s", exc)
            return PlainTextResponse("forbidden", status_code=403)
        return PlainTextResponse(q.get("echostr", "")[:128])

    async def receive(self, request: Request) -> Response:
        q = request.query_params
        timestamp, nonce = q.get("timestamp", ""), q.get("nonce", "")
        try:
            check_url_signature(self.token, q.get("signature", ""), timestamp, nonce)
            body = await read_body(request, MAX_BODY_BYTES)
            fields = parse(body)
            safe = q.get("encrypt_type", "") == "aes"
            if safe:
                if self.crypto is None:
                    raise CallbackRefused("safe mode without WECHAT_AES_KEY")
                fields = parse(self.crypto.check_and_decrypt(q.get("msg_signature", ""), timestamp, nonce,
                                                             fields.get("Encrypt", "")))
            elif self.crypto is not None:
                raise CallbackRefused("plain message while safe mode is configured")
        except CallbackRefused as exc:
            log.warning("WeChat callback refused: %s", exc)
            return PlainTextResponse("forbidden", status_code=403)
        except BodyTooLarge:
            return PlainTextResponse("too large", status_code=413)
        except BadXml as exc:
            log.warning("WeChat callback body refused: %s", exc)
            return PlainTextResponse("bad request", status_code=400)
        openid = fields.get("FromUserName", "")
        if not _OPENID.fullmatch(openid):
            return PlainTextResponse("bad request", status_code=400)
        storage = await self.open_storage(request)
        key = "wechat:" + (fields.get("MsgId") or ":".join(
            (openid, fields.get("CreateTime", ""), fields.get("Event", ""), fields.get("EventKey", ""))))
        deadline = self._deadline(timestamp)
        if not safe and not await self._plain_signature_fits(storage, q.get("signature", ""), body):
            log.warning("WeChat callback refused: a signature seen before, with another body")
            return PlainTextResponse("forbidden", status_code=403)
        if not await storage.callbacks.first_sighting(key):
            # WeChat sends a message again only when our response did not reach it in time: the
            # answer in flight (or just made) goes in this response instead; else "success"
            flight = self._flights.get(key)
            if flight is None:
                if await storage.callbacks.seen(key + ANSWERED):
                    return PlainTextResponse("success")
                # taken by a process that died before answering (kill -9, a restart): answer now
                flight = Flight(asyncio.create_task(self._answer(storage, openid, fields)))
                self._remember(key, flight)
            elif flight.by_customer_service:
                return PlainTextResponse("success")
            return await self._respond(flight, storage, openid, fields, nonce, safe, deadline, key)
        if await self.limiter.check(openid) > 0:  # one follower flooding: a short word, no turn
            return self._passive(fields, wc.SLOW_DOWN, nonce, safe)
        flight = Flight(asyncio.create_task(self._answer(storage, openid, fields)))
        self._remember(key, flight)
        return await self._respond(flight, storage, openid, fields, nonce, safe, deadline, key)

    async def _plain_signature_fits(self, storage: Storage, signature: str, body: bytes) -> bool:
        """Plain mode signs the query, not the body: a signature seen before must come with
        the same body (WeChat's own retries), so a query seen once (a proxy log) cannot carry
        another message within its five minutes."""
        digest = hashlib.sha256(body).hexdigest()[:32]
        if await storage.callbacks.first_sighting(f"wechat-sig:{signature}"):
            await storage.callbacks.first_sighting(f"wechat-sig:{signature}:{digest}")
            return True
        return await storage.callbacks.seen(f"wechat-sig:{signature}:{digest}")

    def _deadline(self, timestamp: str) -> float:
        """Seconds left to answer in the response: WeChat stops waiting 5 s after it sent the
        message (its timestamp, whole seconds, so never later than the truth), however long
        the request queued here first; `passive_deadline` at most."""
        left = int(timestamp) + self.passive_deadline - time.time()
        return max(min(MIN_DEADLINE, self.passive_deadline), min(self.passive_deadline, left))

    def _remember(self, key: str, flight: Flight) -> None:
        now = time.monotonic()
        if len(self._flights) > FLIGHTS_MAX or (self._flights and now - next(iter(self._flights.values())).at > 60):
            self._flights = {k: f for k, f in self._flights.items() if now - f.at <= FLIGHT_SECONDS}
        self._flights[key] = flight

    async def _respond(self, flight: Flight, storage: Storage, openid: str, fields: dict[str, str], nonce: str,
                       safe: bool, deadline: float, key: str) -> Response:
        task = flight.task
        done, _ = await asyncio.wait({task}, timeout=deadline)
        if flight.by_customer_service:  # another delivery of this message handed it over meanwhile
            return PlainTextResponse("success")
        if done and not task.cancelled() and task.exception() is None:
            texts = task.result()
            await storage.callbacks.first_sighting(key + ANSWERED)
            if not texts:
                return PlainTextResponse("success")
            if len(texts) > 1 and not flight.followed:  # the rest after the passive reply has reached the person
                flight.followed = True
                self._later(self._send_all(storage, openid, texts[1:], delay=self.follow_delay))
            return self._passive(fields, texts[0], nonce, safe)
        flight.by_customer_service = True
        self._later(self._send_when_ready(storage, openid, task, key))
        return PlainTextResponse("success")

    def _passive(self, fields: dict[str, str], text: str, nonce: str, safe: bool) -> Response:
        xml = text_reply(fields["FromUserName"], fields.get("ToUserName", ""), text, int(time.time()))
        if safe and self.crypto is not None:
            xml = self.crypto.encrypted_reply(xml, nonce)
        return Response(xml, media_type="application/xml")

    def _later(self, coro: Any) -> None:
        task = asyncio.create_task(coro)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def _send_when_ready(self, storage: Storage, openid: str, task: asyncio.Task[list[str]], key: str) -> None:
        try:
            texts = await task
        except Exception:
            log.exception("WeChat turn failed")
            texts = [wc.BUSY]
        await self._send_all(storage, openid, texts)
        await storage.callbacks.first_sighting(key + ANSWERED)

    async def _send_all(self, storage: Storage, openid: str, texts: list[str], delay: float = 0.0) -> None:
        """Customer-service messages in order; stop at the first refusal (the window has
        passed, the person unfollowed): never retried in a loop. `delay`: after a passive
        reply, so the follow-up pieces arrive after it."""
        await asyncio.sleep(delay)
        async with self._lock(openid):
            user = await storage.wechat_users.get(openid)
            if user is not None and not user.subscribed:
                return
            for text in texts:
                try:
                    await self.api(storage).send_text(openid, text)
                except WeChatError as exc:
                    if exc.code == UNSUBSCRIBED:
                        await storage.wechat_users.unsubscribed(openid)
                    elif exc.code != WINDOW_PASSED:
                        log.warning("WeChat message not sent (errcode %s)", exc.code)
                    return
                except Exception as exc:  # the network: the person can ask again; never a loop
                    log.warning("WeChat message not sent: %s", type(exc).__name__)
                    return

    def _lock(self, openid: str) -> asyncio.Lock:
        lock = self._locks.get(openid)
        if lock is None:
            if len(self._locks) > UNSAVED_MAX:
                self._locks = {k: v for k, v in self._locks.items() if v.locked()}
            lock = self._locks[openid] = asyncio.Lock()
        return lock

    # --- one message ---------------------------------------------------------------------------

    async def _answer(self, storage: Storage, openid: str, fields: dict[str, str]) -> list[str]:
        async with self._lock(openid):
            try:
                return await self._turn(storage, openid, fields)
            except Exception:
                log.exception("WeChat turn failed")
                return [wc.BUSY]

    async def _turn(self, storage: Storage, openid: str, fields: dict[str, str]) -> list[str]:
        now = time.time()
        kind = fields.get("MsgType", "")
        event = fields.get("Event", "").lower() if kind == "event" else ""
        if event == "unsubscribe":
            await storage.wechat_users.unsubscribed(openid)
            self.unsaved.drop(openid)
            return []
        user = await storage.wechat_users.get(openid)
        if user is not None:
            await storage.wechat_users.wrote(openid, now)
        consent = user is not None and user.consent
        talk = await self._open(storage, openid, consent, now)
        talk.consent = consent
        loaded = talk.to_json()
        reply = await self._reply(storage, openid, talk, kind, event, fields)
        if reply is None:
            return []
        talk.numbered = render.numbered_for(reply)
        await self._keep(storage, openid, talk, loaded, now)
        return render.messages(reply)

    async def _open(self, storage: Storage, openid: str, consent: bool, now: float) -> Talk:
        if consent:
            row = await storage.chat_states.load(CHANNEL, openid)
            if row is not None:
                return Talk.from_json(row.state)
        return Talk.from_json(self.unsaved.get(openid, now))

    async def _keep(self, storage: Storage, openid: str, talk: Talk, loaded: dict[str, Any], now: float) -> None:
        """Stored only with consent (and only when the turn changed it); in memory otherwise.
        A person who deleted everything in this turn keeps nothing."""
        data = talk.to_json()
        if talk.consent:
            self.unsaved.drop(openid)
            if data != loaded:
                await storage.chat_states.save(CHANNEL, openid, data)
        elif talk.state.city or talk.state.interview or talk.numbered.ids or talk.numbered.ticks or \
                talk.state.last_result:
            self.unsaved.put(openid, data, now)
        else:
            self.unsaved.drop(openid)

    async def _reply(self, storage: Storage, openid: str, talk: Talk, kind: str, event: str,
                     fields: dict[str, str]) -> Reply | None:
        core = Conversation(talk.state, CHANNEL, WeChatHousehold(talk, talk.consent), None)
        if event == "subscribe":
            if talk.consent:
                await storage.wechat_users.resubscribed(openid, time.time())
            return _ask_consent(wc.WELCOME)
        if event == "click":
            key = fields.get("EventKey", "")
            if key == "CHECK":
                return await core.start_check()
            if key == "CONTACT":
                return Reply([Paragraphs((wc.MENU_CONTACT,))])
            return Reply([Paragraphs((wc.MENU_ASK,))])
        if kind == "event":
            return None  # menu links, location reports and the like need no answer
        if kind == "voice":
            text = fields.get("Recognition", "").strip()
            if not text:
                return Reply([Paragraphs((wc.VOICE_NOT_UNDERSTOOD,))])
        elif kind == "text":
            text = fields.get("Content", "").strip()
        else:
            return Reply([Paragraphs((wc.NOT_TEXT,))])
        words = _STICKER.sub("", text).strip()  # WeChat's built-in stickers arrive as "[强]", "[玫瑰]"
        if not words and text:
            return Reply([Paragraphs((wc.STICKER_ONLY,))])
        if words != text and not _KNOWN_FEELING.search(text):
            text = words
        if len(text) > 4 * MAX_TEXT:
            return Reply([Paragraphs((wc.TOO_LONG,))])
        press = talk.numbered.press_for(text)
        own = await self._own_words(storage, openid, talk, text, press)
        if own is not None:
            return own
        if press is not None:
            return await core.on_choice(press)
        if talk.numbered.looks_numbered(text) and talk.state.interview is None:
            return Reply([Paragraphs((wc.BAD_NUMBER,))])
        return await core.on_text(text)

    async def _own_words(self, storage: Storage, openid: str, talk: Talk, text: str,
                         press: str | None) -> Reply | None:
        """What is the channel's own and not the conversation's: consent, privacy, forget."""
        word = text.strip("。.！!，, ")
        asked = talk.numbered.ids
        if press is None and asked == [CONSENT_YES, CONSENT_NO]:  # the consent question is open
            press = CONSENT_YES if word in wc.YES_WORDS else CONSENT_NO if word in wc.NO_WORDS else None
        if press is None and asked == [FORGET_YES, FORGET_NO]:
            press = FORGET_YES if word in wc.YES_WORDS else FORGET_NO if word in wc.NO_WORDS else None
        if press in (CONSENT_YES, CONSENT_NO) or text in wc.CONSENT_WORDS:
            agreed = press == CONSENT_YES if press else wc.CONSENT_WORDS[text]
            await storage.wechat_users.set_consent(openid, agreed, time.time())
            talk.consent = agreed
            return Reply([Paragraphs((wc.CONSENT_GIVEN if agreed else wc.CONSENT_REFUSED,))])
        if text in wc.PRIVACY_WORDS:
            return Reply([Paragraphs((wc.PRIVACY,))])
        if text in wc.FORGET_WORDS:
            return Reply([Paragraphs((wc.FORGET_CONFIRM,))],
                         [Choice(FORGET_YES, wc.FORGET_YES), Choice(FORGET_NO, wc.FORGET_NO)])
        if press == FORGET_NO:
            return Reply([Paragraphs((wc.FORGET_KEPT,))])
        if press == FORGET_YES:
            await storage.wechat_users.forget(openid)
            self.unsaved.drop(openid)
            talk.state, talk.saved, talk.consent = ConversationState(), None, False
            return Reply([Paragraphs((wc.FORGOTTEN,))])
        return None


def _ask_consent(head: str) -> Reply:
    return Reply([Paragraphs((head, wc.ASK_CONSENT))],
                 [Choice(CONSENT_YES, wc.CONSENT_YES), Choice(CONSENT_NO, wc.CONSENT_NO)])
