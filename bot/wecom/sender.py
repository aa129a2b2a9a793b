"""Reminders and escalations as WeCom app messages: a reminder is a template card (type
button_interaction) with 已电话联系 / 已上门 / 稍后提醒, an escalation a text message.

What WeCom's answer means for the outbox (`bot.reminders.delivery.tick`): "no such user" or
"not in the app's visible range" is Unreachable (the contact is marked, the reminder
escalated); a timeout after the request left is MaybeDelivered (never sent twice); WeCom
busy or the connection refused is an ordinary exception (tried next round); any other code
is Rejected (counted, not repeated every round)."""

from __future__ import annotations

import re
import time
from typing import Any

import httpx

from bot.reminders import templates as rt
from bot.reminders.delivery import MaybeDelivered, Rejected, Unreachable
from bot.storage import Reminder, Storage
from bot.wecom.api import WeComApi, WeComError, shared_api

UNREACHABLE = frozenset({60111, 81013, 40003})  # no such user / none valid or in range / invalid user id
BUSY = frozenset({-1, 45009, 45033})  # system busy, over the call limit, too many at once: next round
ACTIONS = ("call", "visit", "later")
KEY_PREFIX = "lx"
_TAGS = re.compile(r"</?b>")


def button_key(action: str, reminder_id: int) -> str:
    return f"{KEY_PREFIX}:{action}:{reminder_id}"


def parse_key(key: str) -> tuple[str, int] | None:
    """(action, reminder id) of a button key this program made, else None."""
    parts = key.split(":")
    if len(parts) != 3 or parts[0] != KEY_PREFIX or parts[1] not in ACTIONS or not parts[2].isdigit():
        return None
    return parts[1], int(parts[2])


def task_reminder(task_id: str) -> int | None:
    """The reminder a card's task id names (lx-<reminder>-<milliseconds>)."""
    parts = task_id.split("-")
    return int(parts[1]) if len(parts) == 3 and parts[0] == KEY_PREFIX and parts[1].isdigit() else None


def kind_name(reminder: Reminder) -> str:
    return rt.KIND_NAMES.get(reminder.kind, reminder.kind)


def reminder_card(user_id: str, agent_id: int, reminder: Reminder, late: bool, again: bool) -> dict[str, Any]:
    """The app message of one reminder (the task id is new for every send: WeCom refuses a reused one)."""
    notes = [rt.REMINDER_LATE] if late else []
    if again:
        notes.append(rt.REMINDER_AGAIN)
    buttons = [{"text": rt.WECOM_BTN_CALL, "style": 1, "key": button_key("call", reminder.id)},
               {"text": rt.WECOM_BTN_VISIT, "style": 1, "key": button_key("visit", reminder.id)},
               {"text": rt.WECOM_BTN_LATER, "style": 2, "key": button_key("later", reminder.id)}]
    return {
        "touser": user_id, "msgtype": "template_card", "agentid": agent_id,
        "template_card": {
            "card_type": "button_interaction",
            "source": {"desc": rt.WECOM_SOURCE},
            "main_title": {"title": rt.WECOM_CARD_TITLE.format(kind=kind_name(reminder), alias=reminder.alias),
                           "desc": rt.WECOM_CARD_DUE.format(due=reminder.due_date)},
            "sub_title_text": "\n".join([*notes, rt.WECOM_CARD_HINT]),
            "task_id": f"{KEY_PREFIX}-{reminder.id}-{time.time_ns() // 1_000_000}",
            "button_list": buttons,
        },
        "enable_duplicate_check": 1, "duplicate_check_interval": 1800,
    }


def escalation_text(reminder: Reminder, reason: str) -> str:
    """The Telegram escalation's words, as plain text (WeCom text messages have no HTML)."""
    words = {"unacked": rt.REASON_UNACKED, "help": rt.REASON_HELP,
             "unreachable": rt.REASON_UNREACHABLE_WECOM if reminder.wecom_user_id else rt.REASON_UNREACHABLE}
    base, _, fallback = reason.partition("+")
    why = words.get(base, base)
    if fallback:
        why += rt.REASON_SUPERVISOR_TOO if reminder.supervisor_id is not None else rt.REASON_NO_SUPERVISOR
    text = rt.ESCALATION.format(alias=reminder.alias, kind=kind_name(reminder), due=reminder.due_date, reason=why,
                                contact=reminder.contact_name)
    return _TAGS.sub("", text)


class WeComSender:
    def __init__(self, api: WeComApi) -> None:
        self.api = api

    async def reminder(self, user_id: str, reminder: Reminder, late: bool, again: bool) -> None:
        await self._send(reminder_card(user_id, self.api.agent_id, reminder, late, again))

    async def escalation(self, user_id: str, reminder: Reminder, reason: str) -> None:
        await self._send({"touser": user_id, "msgtype": "text", "agentid": self.api.agent_id,
                          "text": {"content": escalation_text(reminder, reason)}})

    async def _send(self, payload: dict[str, Any]) -> None:
        try:
            answer = await self.api.post("/cgi-bin/message/send", payload)
        except (httpx.ReadTimeout, httpx.WriteTimeout, httpx.RemoteProtocolError) as exc:
            raise MaybeDelivered from exc  # the request left: WeCom may well have delivered it
        except WeComError as exc:
            if exc.code in UNREACHABLE:
                raise Unreachable from exc
            if exc.code in BUSY:
                raise
            raise Rejected from exc
        if answer.get("invaliduser"):  # accepted, but not for this user (outside the app's range)
            raise Unreachable


def wecom_sender(storage: Storage, settings: Any) -> WeComSender:
    return WeComSender(shared_api(storage, settings))
