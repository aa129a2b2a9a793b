"""Hypothesis strategies for family profiles (complete, and partial views of them)."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from knowledge.facts import FACTS

CODES = ("ankang", "linyi", "jiangyan", "kaifeng", "liuzhou")


@st.composite
def complete_profiles(draw: st.DrawFn, jurisdiction: str | None = None) -> dict[str, Any]:
    """Every fact known, as a family could truthfully state it (no orphan case)."""
    profile: dict[str, Any] = {"jurisdiction": jurisdiction or draw(st.sampled_from(CODES))}
    profile["child_status"] = draw(st.sampled_from(["deceased", "disabled", "healthy"]))
    profile["disability_grade"] = draw(st.integers(1, 4))
    profile["mother_age"] = draw(st.integers(35, 99))
    profile["father_age"] = draw(st.integers(35, 99))
    profile["hukou"] = draw(st.sampled_from(["both", "one", "one", "none"]))
    profile["local_spouse"] = draw(st.sampled_from(["mother", "father"]))
    profile["residence"] = draw(st.sampled_from(["urban", "rural"]))
    for name, fact in FACTS.items():
        if fact.kind == "bool" and name != "orphan_under_18":
            profile[name] = draw(st.booleans())
    return profile


@st.composite
def partial_views(draw: st.DrawFn, full: dict[str, Any]) -> dict[str, Any]:
    """The same family with some facts forgotten, said 不清楚, or given as an age band."""
    out: dict[str, Any] = {"jurisdiction": full["jurisdiction"]}
    for name, value in full.items():
        if name == "jurisdiction":
            continue
        how = draw(st.sampled_from(["keep", "keep", "drop", "unknown", "band"]))
        if how == "keep":
            out[name] = value
        elif how == "unknown":
            out[name] = "unknown"
        elif how == "band" and name in ("mother_age", "father_age"):
            low = draw(st.integers(0, value))
            high = draw(st.integers(value, 120))
            out[name] = {"min": low, "max": high}
    return out
