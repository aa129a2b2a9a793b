"""Typed records read from the database (by column name), and the closed sets of values
the schema's CHECK constraints allow, as StrEnums so a typo is a type error."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Role(StrEnum):
    FAMILY = "family"
    VOLUNTEER = "volunteer"
    STAFF = "staff"
    ADMIN = "admin"


class InviteRole(StrEnum):
    VOLUNTEER = "volunteer"
    STAFF = "staff"


class ContactRole(StrEnum):
    TOWNSHIP_LEADER = "township_leader"
    HEALTH_CADRE = "health_cadre"
    VILLAGE_CADRE = "village_cadre"
    VOLUNTEER = "volunteer"


class ReminderStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"  # claimed just before the send; after a crash: maybe delivered
    SENT = "sent"
    DONE = "done"  # a visit was logged: final
    ESCALATED = "escalated"

    @property
    def finished(self) -> bool:
        return self is ReminderStatus.DONE


ROLES = tuple(r.value for r in Role)
CONTACT_ROLES = tuple(r.value for r in ContactRole)


@dataclass(frozen=True)
class User:
    user_id: int
    role: Role
    jurisdiction: str | None
    consent: bool
    blocked: bool

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> User:
        return cls(int(row["user_id"]), Role(row["role"]), row["jurisdiction"], bool(row["consent"]),
                   bool(row["blocked"]))


@dataclass(frozen=True)
class Dialog:
    kind: str
    token: str
    chat_id: int | None
    message_id: int | None
    state: dict[str, Any]

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Dialog:
        return cls(row["kind"], row["token"], row["chat_id"], row["message_id"], json.loads(row["state"]))


@dataclass(frozen=True)
class Assignment:
    family_id: int
    alias: str
    jurisdiction: str
    old_sick: bool
    contact_id: int
    contact_role: str
    position: int
    since: dt.date

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Assignment:
        return cls(int(row["family_id"]), row["alias"], row["jurisdiction"], bool(row["old_sick"]),
                   int(row["contact_id"]), row["contact_role"], int(row["position"]),
                   dt.date.fromisoformat(row["since"]))


@dataclass(frozen=True)
class Reminder:
    id: int
    family_id: int
    contact_id: int
    kind: str
    due_date: dt.date
    status: ReminderStatus
    sent_count: int
    sent_at: str | None
    late: bool
    alias: str
    telegram_id: int | None  # None when the contact left or blocked the bot
    contact_name: str
    supervisor_id: int | None
    postponed: bool = False  # the contact chose "推迟": it comes back as a normal reminder
    undeliverable: bool = False  # Telegram refused it (blocked, or never opened the bot)
    wecom_user_id: str | None = None  # the contact's WeCom user id: reminders go by WeCom (None: left, unreachable)

    @property
    def finished(self) -> bool:
        return self.status.finished

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Reminder:
        return cls(int(row["id"]), int(row["family_id"]), int(row["contact_id"]), row["kind"],
                   dt.date.fromisoformat(row["due_date"]), ReminderStatus(row["status"]), int(row["sent_count"]),
                   row["sent_at"], bool(row["late"]), row["alias"], row["reachable_telegram_id"],
                   row["contact_name"], row["supervisor_id"], bool(row["postponed"]), bool(row["undeliverable"]),
                   row["reachable_wecom_id"])

    @property
    def shown_status(self) -> str:
        """'undeliverable' apart from 'sent', for /overdue and `admin overdue`."""
        return "undeliverable" if self.undeliverable and self.status != ReminderStatus.DONE else str(self.status)
