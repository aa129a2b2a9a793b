"""`/wecom`: the callback of the WeCom app, where a cadre's press on a reminder card comes back.

GET is WeCom's URL check: msg_signature over (token, timestamp, nonce, echostr), the echostr
encrypted, answered with its plaintext. POST is always encrypted: the signature and the
timestamp checked, the corp id checked after decryption (`bot.wechat.crypto`), the XML read
with defusedxml and a size limit (`bot.wechat.wxml`); anything forged, stale or garbled is
403, a body over the limit 413, and nothing is processed.

A `template_card_event` (EventKey = the button's key, TaskId, ResponseCode) records the visit
or the postponement through `bot.reminders.actions`, the same code as the Telegram buttons,
then the card is updated (`message/update_template_card`) to show what was recorded. WeCom's
retries of a callback are seen once (`storage.callbacks`, also across a restart); a second
press of the same card finds the reminder finished and records nothing; only the reminder's
own contact (their WeCom user id) may answer it."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from bot.reminders import actions
from bot.reminders import templates as rt
from bot.reminders.planner import SHANGHAI
from bot.storage import Storage
from bot.web.limits import BodyTooLarge, read_body
from bot.web.office_common import office_storage
from bot.wechat import wxml
from bot.wechat.crypto import CallbackRefused, MessageCrypto
from bot.wecom.api import WeComError, WeComUnavailable, shared_api
from bot.wecom.sender import parse_key, task_reminder

log = logging.getLogger("lianxin.wecom")
PATH = "/wecom"
Clock = Callable[[], dt.datetime]
LABELS = {"call": rt.WECOM_BTN_CALL, "visit": rt.WECOM_BTN_VISIT}


def _now() -> dt.datetime:
    return dt.datetime.now(SHANGHAI)


class WeComCallback:
    def __init__(self, settings: Any, clock: Clock | None = None) -> None:
        self.settings = settings
        self.crypto = MessageCrypto(settings.wecom_token, settings.wecom_aes_key, settings.wecom_corp_id)
        self.clock = clock or _now

    async def verify(self, request: Request) -> Response:
        """WeCom's URL check when the callback is saved in the admin console."""
        q = request.query_params
        try:
            plain = self.crypto.check_and_decrypt(q.get("msg_signature", ""), q.get("timestamp", ""),
                                                  q.get("nonce", ""), q.get("echostr", ""))
        except CallbackRefused as exc:
            log.warning("WeCom URL check refused: %s", exc)
            return Response(status_code=403)
        return PlainTextResponse(plain.decode("utf-8", "replace"))

    async def receive(self, request: Request) -> Response:
        q = request.query_params
        try:
            body = await read_body(request, wxml.MAX_BODY_BYTES)
        except BodyTooLarge:
            log.warning("WeCom callback refused: body too large")
            return Response(status_code=413)
        try:
            outer = wxml.parse(body)
            plain = self.crypto.check_and_decrypt(q.get("msg_signature", ""), q.get("timestamp", ""),
                                                  q.get("nonce", ""), outer.get("Encrypt", ""))
            message = wxml.parse(plain)
        except (CallbackRefused, wxml.BadXml) as exc:
            log.warning("WeCom callback refused: %s", exc)  # the reason only, never the body
            return Response(status_code=403)
        if message.get("MsgType") != "event" or message.get("Event") != "template_card_event":
            return Response("")  # other messages and events: nothing to do (an empty answer is WeCom's "ok")
        storage = await office_storage(request)
        user = message.get("FromUserName", "")
        key = f"wecom:{user}:{message.get('CreateTime', '')}:{message.get('EventKey', '')}"
        if not await storage.callbacks.first_sighting(key):
            return Response("")  # WeCom's retry of a press already handled
        try:
            shown = await self.press(storage, message)
        except Exception:
            await storage.callbacks.forget_key(key)  # nothing recorded: WeCom's retry is let in
            raise
        code = message.get("ResponseCode", "")
        if shown is None or not code:
            return Response("")
        return Response("", background=BackgroundTask(self.update_card, storage, user, code, shown))

    async def press(self, storage: Storage, message: dict[str, str]) -> str | None:
        """Record what the button says; the card's new button text, or None for a key that
        is not ours."""
        parsed = parse_key(message.get("EventKey", ""))
        if parsed is None:
            log.info("WeCom card event with an unknown key; ignored")
            return None
        action, reminder_id = parsed
        task = task_reminder(message.get("TaskId", ""))
        reminder = await storage.reminders.get(reminder_id)
        contact = await storage.registry.contact_by_wecom(message.get("FromUserName", ""))
        mine = actions.may_answer(reminder, contact[0] if contact else None)
        if (task is not None and task != reminder_id) or not mine:
            log.info("WeCom card press on reminder %s by someone not its contact; refused", reminder_id)
            return rt.WECOM_NOT_YOURS
        assert reminder is not None
        now = self.clock()
        if action == "later":
            done = await actions.postpone(storage, reminder, now, actions.POSTPONE_DAYS[0])
            return rt.WECOM_POSTPONED if done else rt.WECOM_ALREADY
        # the card says how the family was reached (a call or a visit): kept as the visit's note,
        # so the inspection export shows it
        visit = await actions.record_visit(storage, reminder, now, "ok", None, notes=LABELS[action])
        return rt.WECOM_RECORDED.format(what=LABELS[action]) if visit is not None else rt.WECOM_ALREADY

    async def update_card(self, storage: Storage, user: str, response_code: str, shown: str) -> None:
        """The pressed card's buttons replaced by what was recorded (only for the one who pressed)."""
        api = shared_api(storage, self.settings)
        try:
            await api.post("/cgi-bin/message/update_template_card",
                           {"userids": [user], "agentid": api.agent_id, "response_code": response_code,
                            "button": {"replace_name": shown}})
        except (WeComError, WeComUnavailable, OSError) as exc:
            log.warning("WeCom card update failed: %s", exc)
        except Exception as exc:  # httpx's errors: by type only (a URL could carry the token)
            log.warning("WeCom card update failed: %s", type(exc).__name__)


def wecom_routes(settings: Any, clock: Clock | None = None) -> list[Route]:
    """The callback's routes when WeCom is configured (WECOM_TOKEN set), else none."""
    if not settings.wecom_enabled():
        return []
    handler = WeComCallback(settings, clock)
    return [Route(PATH, handler.verify, methods=["GET"]), Route(PATH, handler.receive, methods=["POST"])]
