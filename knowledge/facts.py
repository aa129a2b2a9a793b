"""The facts about a family that eligibility depends on, and how a profile is read.

A fact is either known (one value), unknown (the user said 不清楚, or it was never asked),
or narrowed to a range (an age band picked from buttons). The engine reasons over the set
of values each fact can still take, so an unknown fact can never make a rule fail: it only
fails when every value the fact could take fails.

The JSON profile is a public contract (README, `python -m bot check --json`); invalid
input raises `ProfileError` whose message names the field and what is allowed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from knowledge.catalogue import UnknownJurisdiction, resolve_jurisdiction

SHANGHAI = ZoneInfo("Asia/Shanghai")
UNKNOWN = "unknown"
AGE_MIN, AGE_MAX = 0, 120


class ProfileError(ValueError):
    """A profile field has a value outside its contract; the message is one line."""


@dataclass(frozen=True)
class Fact:
    """One profile fact: its name in the JSON contract, its kind and allowed values."""

    name: str
    kind: str  # "enum" | "bool" | "int"
    values: tuple[Any, ...] = ()
    low: int = 0
    high: int = 0
    default: Any = None  # a fact with a default is never unknown (see orphan_under_18)

    @property
    def domain_label(self) -> str:
        if self.kind == "bool":
            return "true, false or \"unknown\""
        if self.kind == "int":
            return f"a whole number from {self.low} to {self.high}, or \"unknown\""
        return ", ".join(self.values) + ' or "unknown"'


FACTS: dict[str, Fact] = {
    f.name: f
    for f in (
        Fact("child_status", "enum", ("deceased", "disabled", "healthy")),
        Fact("disability_grade", "int", low=1, high=4),
        Fact("later_child", "bool", (True, False)),
        Fact("mother_age", "int", low=AGE_MIN, high=AGE_MAX),
        Fact("father_age", "int", low=AGE_MIN, high=AGE_MAX),
        Fact("household", "enum", ("both", "mother", "father")),  # who of the parents is alive / at home
        Fact("hukou", "enum", ("both", "one", "none")),
        Fact("local_spouse", "enum", ("mother", "father")),
        Fact("residence", "enum", ("urban", "rural")),
        Fact("special_assistance", "bool", (True, False)),
        Fact("surgery_complication", "bool", (True, False)),
        Fact("low_income", "bool", (True, False)),
        Fact("wubao", "bool", (True, False)),
        Fact("self_care_lost", "bool", (True, False)),
        Fact("chronic_disease", "bool", (True, False)),
        Fact("child_in_higher_education", "bool", (True, False)),
        Fact("child_under_7", "bool", (True, False)),
        Fact("orphan_under_18", "bool", (True, False), default=False),
    )
}
AGE_FACTS = ("mother_age", "father_age")


@dataclass(frozen=True)
class Span:
    """An inclusive integer range a numeric fact is known to lie in."""

    low: int
    high: int

    @property
    def exact(self) -> bool:
        return self.low == self.high


Possible = frozenset | Span  # what a fact may still be


def full_domain(fact: Fact) -> Possible:
    if fact.kind == "int":
        return Span(fact.low, fact.high)
    return frozenset(fact.values)


@dataclass(frozen=True)
class Profile:
    """A jurisdiction and what is known about the family (never more than the user said)."""

    jurisdiction: str
    known: Mapping[str, Possible]
    as_of: dt.date

    def possible(self, name: str) -> Possible:
        fact = FACTS[name]
        if name in self.known:
            return self.known[name]
        if fact.default is not None:
            return frozenset({fact.default})
        return full_domain(fact)

    def value(self, name: str) -> Any:
        """The single known value of a fact, or None while it is open."""
        p = self.possible(name)
        if isinstance(p, Span):
            return p.low if p.exact else None
        return next(iter(p)) if len(p) == 1 else None

    def is_open(self, name: str) -> bool:
        p = self.possible(name)
        return (not p.exact) if isinstance(p, Span) else len(p) > 1

    def with_fact(self, name: str, possible: Possible) -> Profile:
        known = dict(self.known)
        known[name] = possible
        return Profile(self.jurisdiction, known, self.as_of)

    def without(self, name: str) -> Profile:
        known = {k: v for k, v in self.known.items() if k != name}
        return Profile(self.jurisdiction, known, self.as_of)

    def to_json(self) -> dict[str, Any]:
        """The known facts in contract form (bands as {"min", "max"})."""
        out: dict[str, Any] = {"jurisdiction": self.jurisdiction}
        for name in FACTS:
            if name not in self.known:
                continue
            p = self.known[name]
            if isinstance(p, Span):
                out[name] = p.low if p.exact else {"min": p.low, "max": p.high}
            elif len(p) == 1:
                out[name] = next(iter(p))
        return out


def today_in_china() -> dt.date:
    return dt.datetime.now(SHANGHAI).date()


def parse_fact(name: str, raw: Any) -> Possible | None:
    """Validate one contract value; None means unknown. Raises ProfileError."""
    fact = FACTS[name]
    if raw is None or raw == UNKNOWN:
        return None
    if fact.kind == "bool":
        if isinstance(raw, bool):
            return frozenset({raw})
        raise ProfileError(f"{name}: {raw!r} is not allowed; use {fact.domain_label}")
    if fact.kind == "int":
        if isinstance(raw, dict) and set(raw) <= {"min", "max"}:
            low, high = raw.get("min", fact.low), raw.get("max", fact.high)
            if all(_is_int(x) and fact.low <= x <= fact.high for x in (low, high)) and low <= high:
                return Span(low, high)
            raise ProfileError(f"{name}: range {raw!r} is not allowed; use {fact.domain_label}")
        if _is_int(raw) and fact.low <= raw <= fact.high:
            return Span(raw, raw)
        raise ProfileError(f"{name}: {raw!r} is not allowed; use {fact.domain_label}")
    if raw in fact.values:
        return frozenset({raw})
    raise ProfileError(f"{name}: {raw!r} is not allowed; use {fact.domain_label}")


def _is_int(x: Any) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def parse_profile(data: Any, as_of: dt.date | None = None) -> Profile:
    """Read a JSON profile (contract in README). Unknown keys are refused, not ignored:
    a misspelt fact silently treated as unknown would give a wrong answer."""
    if not isinstance(data, dict):
        raise ProfileError("profile: expected a JSON object")
    if "jurisdiction" not in data or not isinstance(data["jurisdiction"], str):
        raise ProfileError("jurisdiction: required; a code (kaifeng) or Chinese name (开封)")
    try:
        code = resolve_jurisdiction(data["jurisdiction"])
    except UnknownJurisdiction as exc:
        raise ProfileError(f"jurisdiction: {exc}") from None
    known: dict[str, Possible] = {}
    for key, raw in data.items():
        if key in ("jurisdiction", "id"):
            continue
        if key not in FACTS:
            raise ProfileError(f"{key}: not a profile fact; allowed: {', '.join(FACTS)}")
        parsed = parse_fact(key, raw)
        if parsed is not None:
            known[key] = parsed
    return Profile(code, known, as_of or today_in_china())
