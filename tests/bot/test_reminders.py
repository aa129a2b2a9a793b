"""Reminders with a controllable clock: a year of schedules, restarts, quiet hours, escalation."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from bot.reminders.delivery import Unreachable, tick
from bot.reminders.planner import SHANGHAI
from bot.reminders.schedule import festival_date, load_schedule
from bot.storage import Location, Reminder, Storage

ADMIN = 900


def at(day: str, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour), SHANGHAI)


class FakeSender:
    def __init__(self) -> None:
        self.sent: list[tuple[int, Reminder, bool, bool]] = []
        self.escalations: list[tuple[int, Reminder, str]] = []
        self.unreachable: set[int] = set()
        self.crash_after: int | None = None

    async def reminder(self, chat_id: int, reminder: Reminder, late: bool, again: bool) -> None:
        if chat_id in self.unreachable:
            raise Unreachable
        self.sent.append((chat_id, reminder, late, again))
        if self.crash_after is not None and len(self.sent) >= self.crash_after:
            raise KeyboardInterrupt  # the process dies right after Telegram accepted the message

    async def escalation(self, chat_id: int, reminder: Reminder, reason: str) -> None:
        if chat_id in self.unreachable:
            raise Unreachable
        self.escalations.append((chat_id, reminder, reason))


async def registry(path: Location, code: str = "kaifeng", old_sick: bool = False, since: str = "2027-01-01",
                   families: int = 1) -> Storage:
    s = await Storage.open(path)
    boss = await s.registry.add_contact("县卫健局张科长", "township_leader", telegram_id=800)
    contacts = [
        await s.registry.add_contact("李镇长", "township_leader", telegram_id=801, supervisor_id=boss),
        await s.registry.add_contact("王医生", "health_cadre", telegram_id=802, supervisor_id=boss),
        await s.registry.add_contact("赵主任", "village_cadre", telegram_id=803, supervisor_id=boss),
    ]
    roles = load_schedule(code).contact_roles
    for i in range(families):
        fid = await s.registry.add_family(f"家庭{i}", code, "城关镇", "东村", old_sick=old_sick)
        for role in roles:
            contact = contacts[["township_leader", "health_cadre", "village_cadre"].index(role)]
            await s.registry.assign(fid, contact, dt.date.fromisoformat(since))
    return s


def test_lunar_festivals_on_known_dates() -> None:
    assert festival_date("spring", 2027) == dt.date(2027, 2, 6)
    assert festival_date("mid_autumn", 2027) == dt.date(2027, 9, 15)
    assert festival_date("double_ninth", 2027) == dt.date(2027, 10, 8)
    assert festival_date("spring", 2026) == dt.date(2026, 2, 17)


@pytest.mark.parametrize("old_sick", [False, True])
async def test_a_year_of_schedules_gives_exactly_the_expected_reminders(db_location: Location, old_sick: bool) -> None:
    """Every reminder is answered with a visit the day it arrives; count what was sent."""
    s = await registry(db_location, old_sick=old_sick)
    sender = FakeSender()
    day = dt.date(2027, 1, 1)
    while day <= dt.date(2027, 12, 31):
        await tick(s, sender, at(day.isoformat()))
        for _chat, r, _, _ in sender.sent:
            current = await s.reminders.get(r.id)
            if current and current.status != "done":
                await s.reminders.log_visit(current, day, "ok", "", None)
        day += dt.timedelta(days=1)
    got = sorted((chat, r.kind, r.due_date.isoformat()) for chat, r, _, _ in sender.sent)
    start = dt.date(2027, 1, 1)

    def every(n: int) -> list[str]:
        out, due = [], start + dt.timedelta(days=n)
        while due <= dt.date(2027, 12, 31):
            out.append(due.isoformat())
            due += dt.timedelta(days=n)
        return out

    phone, visit = (14, 30) if old_sick else (30, 91)
    expected = sorted(
        [(803, "phone_call", d) for d in every(phone)]          # the village cadre calls
        + [(802, "home_visit", d) for d in every(visit)]        # the health cadre visits
        + [(801, "festival:spring", "2027-02-06"), (801, "festival:mid_autumn", "2027-09-15")]  # leader, festivals
    )
    assert got == expected
    assert len(got) == (26 + 12 + 2 if old_sick else 12 + 4 + 2)
    assert not sender.escalations
    await s.close()


async def test_a_restart_in_the_middle_of_sending_neither_repeats_nor_loses(db_location: Location) -> None:
    path = db_location
    s = await registry(path, families=10)
    sender = FakeSender()
    sender.crash_after = 3
    with pytest.raises(KeyboardInterrupt):
        await tick(s, sender, at("2027-01-31"))
    await s.close()
    s = await Storage.open(path)  # restart
    recovered = await s.reminders.recover_after_crash(at("2027-01-31", 10))
    assert recovered == 1  # the one that went out just before the crash
    sender.crash_after = None
    await tick(s, sender, at("2027-01-31", 11))
    ids = [r.id for _, r, _, _ in sender.sent]
    assert len(ids) == len(set(ids)) == 10  # ten families, one phone call each: all sent, none twice
    await s.close()


async def test_quiet_hours_hold_messages_until_morning(db_location: Location) -> None:
    s = await registry(db_location)
    sender = FakeSender()
    report = await tick(s, sender, at("2027-01-31", 22))
    assert report.quiet and sender.sent == []
    await tick(s, sender, at("2027-02-01", 7))
    assert sender.sent == []
    await tick(s, sender, at("2027-02-01", 8))
    assert [r.kind for _, r, _, _ in sender.sent] == ["phone_call"]
    assert sender.sent[0][2] is True  # sent a day after it was due: marked late
    await s.close()


async def test_overdue_reminders_go_out_after_downtime_marked_late(db_location: Location) -> None:
    s = await registry(db_location)
    sender = FakeSender()
    await tick(s, sender, at("2027-02-10"))  # the bot was down from 1 January
    kinds = {(r.kind, late) for _, r, late, _ in sender.sent}
    assert ("phone_call", True) in kinds and ("festival:spring", True) in kinds
    await s.close()


async def test_unanswered_reminder_is_repeated_once_then_escalated(db_location: Location) -> None:
    s = await registry(db_location, since="2027-03-01")
    sender = FakeSender()
    await tick(s, sender, at("2027-03-31"))
    await tick(s, sender, at("2027-04-01"))  # within 48 h: nothing new
    assert len(sender.sent) == 1
    await tick(s, sender, at("2027-04-02", 11))  # 49 h: reminded once more
    assert len(sender.sent) == 2 and sender.sent[1][3] is True
    await tick(s, sender, at("2027-04-04", 12))  # still nothing: the supervisor hears
    assert [(chat, reason) for chat, _, reason in sender.escalations] == [(800, "unacked")]
    await tick(s, sender, at("2027-04-08", 12))
    assert len(sender.escalations) == 1 and len(sender.sent) == 2  # escalated once, not nagged
    await s.close()


async def test_a_contact_who_blocked_the_bot_is_escalated(new_db: Any) -> None:
    s = await registry(new_db())
    sender = FakeSender()
    sender.unreachable.add(803)
    await tick(s, sender, at("2027-01-31"), admins=(ADMIN,))
    assert sender.sent == []
    assert [(chat, reason) for chat, _, reason in sender.escalations] == [(800, "unreachable")]
    sender.unreachable.add(800)  # the supervisor cannot be reached either: the admin is told
    s2 = await registry(new_db())
    await tick(s2, sender, at("2027-01-31"), admins=(ADMIN,))
    assert sender.escalations[-1][0] == ADMIN
    await s.close()
    await s2.close()


async def test_postpone_and_follow_up(db_location: Location) -> None:
    s = await registry(db_location, since="2027-03-01")
    sender = FakeSender()
    await tick(s, sender, at("2027-03-31"))
    reminder = sender.sent[0][1]
    await s.reminders.postpone(reminder.id, at("2027-04-03", 9))
    await tick(s, sender, at("2027-04-02"))
    assert len(sender.sent) == 1
    await tick(s, sender, at("2027-04-03"))
    assert len(sender.sent) == 2
    await s.reminders.log_visit(reminder, dt.date(2027, 4, 3), "need", "老人腿脚不便", 7)
    await tick(s, sender, at("2027-04-09"))
    assert len(sender.sent) == 2
    await tick(s, sender, at("2027-04-10"))
    assert [r.kind for _, r, _, _ in sender.sent][-1] == "follow_up"
    visits = await s.registry.visits()
    assert visits[0]["outcome"] == "need" and visits[0]["follow_up_days"] == 7
    await s.close()


async def test_planning_twice_creates_nothing_twice(db_location: Location) -> None:
    from bot.reminders.delivery import plan

    s = await registry(db_location, families=5)
    first = await plan(s, dt.date(2027, 2, 3))
    assert first == 5 + 5  # a phone call each, and the Spring Festival visit each
    assert await plan(s, dt.date(2027, 2, 3)) == 0
    assert await plan(s, dt.date(2027, 2, 4)) == 0
    await s.close()


async def test_an_urgent_visit_reminds_every_contact_at_once_even_at_night_it_waits(db_location: Location) -> None:
    s = await registry(db_location, since="2027-03-01")
    family = await s.registry.family_id("kaifeng", "家庭0")
    assert family is not None
    assert await s.reminders.raise_urgent(family, at("2027-03-10", 23)) == 3
    sender = FakeSender()
    await tick(s, sender, at("2027-03-10", 23))
    assert sender.sent == []  # quiet hours
    await tick(s, sender, at("2027-03-11", 8))
    assert sorted((chat, r.kind) for chat, r, _, _ in sender.sent) == [(801, "urgent"), (802, "urgent"),
                                                                       (803, "urgent")]
    await s.close()


async def test_a_contact_who_left_does_not_leave_the_family_silent(db_location: Location) -> None:
    s = await registry(db_location, since="2027-03-01")
    await s.registry.deactivate_contact(4)  # 赵主任 (village cadre, telegram 803) left
    sender = FakeSender()
    await tick(s, sender, at("2027-03-31"), admins=(ADMIN,))
    assert sender.sent == []
    assert [(chat, r.kind, reason) for chat, r, reason in sender.escalations] == [(800, "phone_call", "unreachable")]
    await s.close()
