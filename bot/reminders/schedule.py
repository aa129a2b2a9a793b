"""Per-jurisdiction contact schedules (`knowledge/schedules/<code>.yaml`), editable without
code, each citing the clauses that require the contact work; festivals on the lunar calendar."""

from __future__ import annotations

import datetime as dt
from functools import cache
from importlib import resources
from typing import Literal

import yaml
from borax.calendars.lunardate import LunarDate
from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, model_validator

from knowledge.catalogue import current_code, installed_documents
from knowledge.clauses import clauses_by_id
from knowledge.rules_schema import Citation

Festival = Literal["spring", "mid_autumn", "double_ninth"]
LUNAR = {"spring": (1, 1), "mid_autumn": (8, 15), "double_ninth": (9, 9)}
FESTIVAL_NAMES = {"spring": "春节", "mid_autumn": "中秋节", "double_ninth": "重阳节"}
TARGETS = ("primary", "all", "township_leader", "health_cadre", "village_cadre", "volunteer")


def festival_date(name: str, year: int) -> dt.date:
    """The Gregorian date of a lunar festival in a Gregorian year (borax, MIT)."""
    month, day = LUNAR[name]
    return LunarDate(year, month, day).to_solar_date()


class Recurring(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    kind: Literal["phone_call", "home_visit"]
    every_days: int = Field(ge=1, le=366)
    old_sick_every_days: int | None = Field(default=None, ge=1, le=366)
    to: str

    def interval(self, old_sick: bool) -> int:
        return self.old_sick_every_days if old_sick and self.old_sick_every_days else self.every_days


class FestivalVisit(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    name: Festival
    lead_days: int = Field(default=5, ge=0, le=30)
    to: str


class Schedule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    jurisdiction: str
    contact_roles: tuple[str, ...]
    recurring: tuple[Recurring, ...]
    festivals: tuple[FestivalVisit, ...]
    send_hour: int = Field(default=9, ge=0, le=23)
    citations: tuple[Citation, ...]
    note: str | None = None
    volunteers: str  # what a volunteer assigned here gets, from the document (shown when assigning)

    @model_validator(mode="after")
    def _check(self, info: ValidationInfo) -> Schedule:
        for target in [r.to for r in self.recurring] + [f.to for f in self.festivals]:
            if target not in TARGETS:
                raise ValueError(f"unknown target {target!r}; one of {TARGETS}")
        addressed = [r.to for r in self.recurring] + [f.to for f in self.festivals]
        if not any(to in ("volunteer", "all") for to in addressed):
            raise ValueError("no line reaches volunteers: every schedule says what volunteers get")
        # the answering documents' clauses, or a document's own (validated before it answers)
        clauses = (info.context or {}).get("clauses") or clauses_by_id()
        for c in self.citations:
            if c.clause not in clauses or c.quote not in clauses[c.clause].text:
                raise ValueError(f"citation {c.clause} does not quote its clause verbatim")
        return self


UNDER_REVIEW_NOTE = "本市的联系走访安排尚在核对中：发布核对后的安排之前，不为本市排提醒。"


def unreviewed_schedule(code: str) -> Schedule:
    """The schedule of a city whose document its staff put in and whose contact schedule is
    not yet published: nothing is planned (a reminder nobody reviewed would be a guess)."""
    return Schedule.model_construct(jurisdiction=code, contact_roles=(), recurring=(), festivals=(), send_hour=9,
                                    citations=(), note=UNDER_REVIEW_NOTE, volunteers="")


@cache
def load_schedule(code: str) -> Schedule:
    """The city's contact schedule: the published one of a document its staff put in (none
    published yet: nothing planned), or the reviewed file shipped in knowledge/schedules/."""
    code = current_code(code)
    added = installed_documents().get(code)
    if added is not None:
        if added.schedule_yaml is None or added.rules_yaml is None:
            return unreviewed_schedule(code)
        text = added.schedule_yaml
    else:
        text = resources.files("knowledge").joinpath("schedules", f"{code}.yaml").read_text(encoding="utf-8")
    try:
        return Schedule.model_validate(yaml.safe_load(text))
    except ValueError as exc:
        raise ValueError(f"knowledge/schedules/{code}.yaml: {exc}") from None


def tasks_for(schedule: Schedule, role: str, position: int) -> list[str]:
    """The reminder kinds a contact with this role and position gets in this schedule."""
    kinds = [r.kind for r in schedule.recurring if targets(r.to, role, position)]
    return kinds + [f"festival:{f.name}" for f in schedule.festivals if targets(f.to, role, position)]


def needed_roles(schedule: Schedule) -> set[str]:
    """Cadre roles a schedule addresses by name: a family without one misses those reminders
    (no township leader in Kaifeng -> festival visits go to nobody). 'primary'/'all' lines need
    at least one contact of any role ('any')."""
    named = {r.to for r in schedule.recurring} | {f.to for f in schedule.festivals}
    roles = named & {"township_leader", "health_cadre", "village_cadre"}
    return roles | ({"any"} if named & {"primary", "all"} else set())


def targets(to: str, role: str, position: int) -> bool:
    """Does a schedule line addressed `to` go to the contact with this role and position?"""
    return to == "all" or (to == "primary" and position == 1) or to == role
