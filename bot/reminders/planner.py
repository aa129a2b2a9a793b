"""Which reminders are due on a day: a pure function of the registry and the schedules.

Recurring check-ins fall due `interval` days after the last visit of that kind (or after
the assignment began); festival visits from `lead_days` before the lunar festival, spread
by contact over the first days of that window (`festival_spread_days`); a visit that asked
for a follow-up falls due that many days later. Every reminder has the key
(family, contact, kind, due date), so planning the same day twice, or every day of the
week a reminder waits, never creates it twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
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


# one row of the reminder queue: (family, contact, kind, due ISO date, send_after ISO datetime)
Row = tuple[int, int, str, str, str]
# one assignment as planning reads it: (family, jurisdiction, old_sick, contact, role, position, since ISO)
AssignmentRow = tuple[int, str, int, int, str, int, str]


@dataclass(frozen=True)
class _Class:
    """What one schedule class (city, role, position, old-and-sick) gets: computed once, not per family."""

    recurring: tuple[tuple[str, dt.timedelta, int], ...]  # kind, interval, send hour
    festivals: tuple[tuple[str, dt.date, str, dt.date, int, int], ...]  # kind, day, due ISO, window start, hour, spread


class _Stamps:
    """ISO strings of dates and send times, built once per distinct value (a timezone-aware
    datetime per row cost a second at 100,000 families)."""

    def __init__(self) -> None:
        self.days: dict[dt.date, str] = {}
        self.sends: dict[tuple[dt.date, int], str] = {}
        self.parsed: dict[str, dt.date] = {}

    def day(self, value: dt.date) -> str:
        text = self.days.get(value)
        if text is None:
            text = self.days[value] = value.isoformat()
        return text

    def send(self, value: dt.date, hour: int) -> str:
        text = self.sends.get((value, hour))
        if text is None:
            text = self.sends[(value, hour)] = _at(value, hour).isoformat()
        return text

    def parse(self, text: str) -> dt.date:
        value = self.parsed.get(text)
        if value is None:
            value = self.parsed[text] = dt.date.fromisoformat(text)
        return value


def festival_spread_days(lead_days: int) -> int:
    """Over how many days a festival's reminders are spread: the first half of the lead days
    (5 -> 3: the window's first three days), so each contact is reminded at least
    lead_days - spread + 1 days ahead (5 -> 3 days), room for the 48-hour repeat before the
    festival. A contact's festival visits all come on one day (the day is the contact id
    modulo the spread), so they can plan them together; a province's festival is then a third
    of its reminders a day, not all on one morning (345,510 take over three hours at
    Telegram's 30 a second)."""
    return max(1, (lead_days + 1) // 2)


def festival_send_day(start: dt.date, spread: int, contact_id: int) -> dt.date:
    return start + dt.timedelta(days=contact_id % spread)


def _festival_windows(schedule: Schedule, day: dt.date, after: dt.date | None, to_match: Callable[[str], bool],
                      stamps: _Stamps) -> tuple[tuple[str, dt.date, str, dt.date, int, int], ...]:
    out = []
    for fest in schedule.festivals:
        if not to_match(fest.to):
            continue
        for year in (day.year, day.year + 1):
            when = _festival_date(fest.name, year)
            start = when - dt.timedelta(days=fest.lead_days)
            # up to two weeks after the festival a missed visit (bot down) is still planned, late;
            # an incremental plan adds a window only on the day it opens (or after downtime)
            if start <= day <= when + CATCH_UP and (after is None or start > after):
                out.append((f"festival:{fest.name}", when, stamps.day(when), start, schedule.send_hour,
                            festival_spread_days(fest.lead_days)))
    return tuple(out)


@cache
def _festival_date(name: str, year: int) -> dt.date:
    return festival_date(name, year)


def increment_intervals(day: dt.date, after: dt.date, codes: Iterable[str]) -> set[int] | None:
    """The recurring intervals (days) of these schedules, for an increment that reads only the
    assignments that can have come due; None when a festival window opens in (after, day]
    (then every assignment with that festival is due: read them all)."""
    intervals: set[int] = set()
    for code in codes:
        schedule = load_schedule(code)
        for fest in schedule.festivals:
            for year in (day.year - 1, day.year, day.year + 1):
                start = _festival_date(fest.name, year) - dt.timedelta(days=fest.lead_days)
                if after < start <= day:
                    return None
        for r in schedule.recurring:
            intervals.add(r.every_days)
            if r.old_sick_every_days:
                intervals.add(r.old_sick_every_days)
    return intervals


def plan_rows(day: dt.date, assignments: Iterable[AssignmentRow], last_visits: dict[tuple[int, str], dt.date],
              follow_ups: list[tuple[int, int, dt.date]], after: dt.date | None = None) -> list[Row]:
    """The queue rows that fall due by `day`; with `after` (the last day planned) only those
    that came due since, which is what makes the daily plan incremental. The per-schedule
    work is done once per class (city, role, position, old-and-sick)."""
    stamps = _Stamps()
    classes: dict[tuple[str, str, int, int], _Class] = {}
    out: list[Row] = []
    for family_id, code, old_sick, contact_id, role, position, since_text in assignments:
        key = (code, role, position, old_sick)
        klass = classes.get(key)
        if klass is None:
            schedule = load_schedule(code)

            def match(to: str, role: str = role, position: int = position) -> bool:
                return targets(to, role, position)

            klass = classes[key] = _Class(
                tuple((r.kind, dt.timedelta(days=r.interval(bool(old_sick))), schedule.send_hour)
                      for r in schedule.recurring if match(r.to)),
                _festival_windows(schedule, day, after, match, stamps))
        since = stamps.parse(since_text)
        for kind, interval, hour in klass.recurring:
            due = last_visits.get((family_id, kind), since) + interval
            if due <= day and (after is None or due > after):
                out.append((family_id, contact_id, kind, stamps.day(due), stamps.send(due, hour)))
        for kind, when, due_text, start, hour, spread in klass.festivals:
            if since <= when:
                send_text = stamps.send(festival_send_day(start, spread, contact_id), hour)
                out.append((family_id, contact_id, kind, due_text, send_text))
    for family_id, contact_id, due in follow_ups:
        if due <= day and (after is None or due > after):
            out.append((family_id, contact_id, "follow_up", stamps.day(due), stamps.send(due, 9)))
    return out


def plan_day(day: dt.date, assignments: list[Assignment], last_visits: dict[tuple[int, str], dt.date],
             follow_ups: list[tuple[int, int, dt.date]]) -> list[Planned]:
    """Everything due by `day`, as Planned (the dry run of `reminders --due`)."""
    rows = plan_rows(day, [(a.family_id, a.jurisdiction, int(a.old_sick), a.contact_id, a.contact_role, a.position,
                            a.since.isoformat()) for a in assignments], last_visits, follow_ups)
    return [Planned(f, c, k, dt.date.fromisoformat(d), dt.datetime.fromisoformat(s)) for f, c, k, d, s in rows]


def in_quiet_hours(moment: dt.datetime, quiet: tuple[int, int]) -> bool:
    """Quiet hours (start, end) in Asia/Shanghai, e.g. (21, 8): no messages 21:00-08:00."""
    hour = moment.astimezone(SHANGHAI).hour
    start, end = quiet
    return hour >= start or hour < end if start > end else start <= hour < end
