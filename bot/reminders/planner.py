"""Which reminders are due on a day: a pure function of the registry and the schedules.

Recurring check-ins fall due `interval` days after the last visit of that kind (or after
the assignment began); festival visits from `lead_days` before the lunar festival; a visit
that asked for a follow-up falls due that many days later. Every reminder has the key
(family, contact, kind, due date), so planning the same day twice, or every day of the
week a reminder waits, never creates it twice.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bot.reminders.schedule import Schedule, festival_date, load_schedule, targets
from bot.storage import Assignment

SHANGHAI = ZoneInfo("Asia/Shanghai")
CATCH_UP = dt.timedelta(days=14)


@dataclass(frozen=True)
class Planned:
    family_id: int
    contact_id: int
    kind: str  # phone_call | home_visit | festival:spring | follow_up | urgent
    due: dt.date
    send_after: dt.datetime

    def row(self) -> tuple[int, int, str, dt.date, dt.datetime]:
        return (self.family_id, self.contact_id, self.kind, self.due, self.send_after)


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), SHANGHAI)


def plan_day(day: dt.date, assignments: list[Assignment], last_visits: dict[tuple[int, str], dt.date],
             follow_ups: list[tuple[int, int, dt.date]], schedules: dict[str, Schedule] | None = None,
             ) -> list[Planned]:
    schedules = schedules or {}
    out: list[Planned] = []
    festival_days: dict[tuple[str, int], dt.date] = {}
    for a in assignments:
        schedule = schedules.get(a.jurisdiction) or load_schedule(a.jurisdiction)
        schedules[a.jurisdiction] = schedule
        for task in schedule.recurring:
            if not targets(task.to, a.contact_role, a.position):
                continue
            base = last_visits.get((a.family_id, task.kind), a.since)
            due = base + dt.timedelta(days=task.interval(a.old_sick))
            if due <= day:
                out.append(Planned(a.family_id, a.contact_id, task.kind, due, _at(due, schedule.send_hour)))
        for fest in schedule.festivals:
            if not targets(fest.to, a.contact_role, a.position):
                continue
            for year in (day.year, day.year + 1):
                key = (fest.name, year)
                if key not in festival_days:
                    festival_days[key] = festival_date(fest.name, year)
                when = festival_days[key]
                start = when - dt.timedelta(days=fest.lead_days)
                # up to two weeks after the festival a missed visit (bot down) is still planned, late
                if start <= day <= when + CATCH_UP and a.since <= when:
                    out.append(Planned(a.family_id, a.contact_id, f"festival:{fest.name}", when,
                                       _at(start, schedule.send_hour)))
    for family_id, contact_id, due in follow_ups:
        if due <= day:
            out.append(Planned(family_id, contact_id, "follow_up", due, _at(due, 9)))
    return out


def in_quiet_hours(moment: dt.datetime, quiet: tuple[int, int]) -> bool:
    """Quiet hours (start, end) in Asia/Shanghai, e.g. (21, 8): no messages 21:00-08:00."""
    hour = moment.astimezone(SHANGHAI).hour
    start, end = quiet
    return hour >= start or hour < end if start > end else start <= hour < end
