"""Who a city's schedule reaches: an assignment that would bring a contact no reminder is
refused with the reason, a family missing a role its schedule needs is reported, and a new
assignment is planned at once (not at the next day or restart).

Shared by `/assign` in the bot and `python -m bot admin assign`."""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass, field

from bot.reminders.planner import plan_day
from bot.reminders.schedule import load_schedule, needed_roles, tasks_for
from bot.storage import Storage
from bot.storage.registry import Reach


@dataclass(frozen=True)
class Gap:
    """A family whose schedule addresses a role nobody assigned to it has."""

    family_id: int
    alias: str
    jurisdiction: str
    missing: tuple[str, ...]  # cadre roles, or 'any' when it has no contact at all


@dataclass
class AssignOutcome:
    position: int = 0
    new: bool = False
    refused: str | None = None  # why nothing was assigned
    planned: int = 0  # reminders created at once
    missing: tuple[str, ...] = ()  # roles the family still lacks
    reach: Reach = field(default_factory=Reach)
    unscheduled: bool = False  # the city's contact schedule is not published yet: nothing planned


def _missing(code: str, roles: set[str], count: int) -> tuple[str, ...]:
    needed = needed_roles(load_schedule(code))
    lacking = sorted(r for r in needed if r != "any" and r not in roles)
    if "any" in needed and count == 0:
        lacking.insert(0, "any")
    return tuple(lacking)


async def gaps(storage: Storage) -> list[Gap]:
    """Every family lacking a role its city's schedule needs (no township leader in Kaifeng:
    the festival visits would go to nobody)."""
    out = []
    for family_id, (alias, code, _village, roles, count) in (await storage.registry.family_contact_roles()).items():
        missing = _missing(code, roles, count)
        if missing:
            out.append(Gap(family_id, alias, code, missing))
    return out


async def plan_family(storage: Storage, family_id: int, day: dt.date) -> int:
    """Plan one family's reminders for `day` now (the daily plan already ran today)."""
    registry = storage.registry
    planned = await asyncio.to_thread(plan_day, day, await registry.assignments(family_id),
                                      await registry.last_visits(), await registry.follow_ups())
    return await storage.reminders.add([p.row() for p in planned if p.family_id == family_id])


async def assign_contact(storage: Storage, family_id: int, contact_id: int, since: dt.date,
                         today: dt.date) -> AssignOutcome:
    """Refuse an assignment that would bring the contact no reminder (the reason names the
    schedule's rule for that role); otherwise assign, plan at once, and say who is missing
    and how many of the family's contacts a reminder can reach."""
    registry = storage.registry
    code = await registry.family_jurisdiction(family_id)
    role = await registry.contact_role(contact_id) or ""
    position, already = await registry.next_position(family_id, contact_id)
    schedule = load_schedule(code)
    # a reviewed schedule always has lines; none: the city's own schedule is not published yet, so
    # contacts may be assigned ahead of it (nothing is planned until it is)
    outcome = AssignOutcome(position=position, unscheduled=not (schedule.recurring or schedule.festivals))
    if not already and not outcome.unscheduled and not tasks_for(schedule, role, position):
        outcome.refused = role
        return outcome
    outcome.position, outcome.new = await registry.assign(family_id, contact_id, since)
    if outcome.new:
        outcome.planned = await plan_family(storage, family_id, today)
    roles = await registry.family_contact_roles()
    _alias, _code, _village, have, count = roles[family_id]
    outcome.missing = _missing(code, have, count)
    outcome.reach = await registry.reach(await registry.contact_ids_of_families([family_id]))
    return outcome


ROLE_WORDS_EN = {"township_leader": "township leader", "health_cadre": "health cadre",
                 "village_cadre": "village cadre", "volunteer": "volunteer"}


def refusal_reason(code: str, role: str, position: int) -> str:
    """One line: why a contact of this role would get nothing in this city's schedule."""
    schedule = load_schedule(code)
    who = ROLE_WORDS_EN.get(role, role)
    text = (f"a {who} as contact no. {position} of a {code} family would get no reminder: "
            f"knowledge/schedules/{code}.yaml addresses {', '.join(sorted(needed_roles(schedule)))}")
    if role == "volunteer":
        text += f"; for volunteers it says: {schedule.volunteers}"
    return text
