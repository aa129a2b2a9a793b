"""Properties of the engine over random families (hypothesis)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.contracts import assessment_json
from knowledge.eligibility import assess
from knowledge.facts import parse_profile
from tests.profiles import complete_profiles, partial_views

AS_OF = dt.date(2026, 11, 23)
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def full_and_partial(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any]]:
    full = draw(complete_profiles())
    return full, draw(partial_views(full))


@SETTINGS
@given(full_and_partial())
def test_the_engine_never_crashes_and_its_json_is_well_formed(pair: tuple[dict[str, Any], dict[str, Any]]) -> None:
    for profile in pair:
        out = assessment_json(assess(parse_profile(profile, as_of=AS_OF)))
        json.dumps(out, ensure_ascii=False)
        for b in out["benefits"]:
            assert b["status"] in {"eligible", "not_eligible", "unknown"}
            assert (b["status"] == "unknown") <= bool(b["missing"])
            assert b["citation"]["clause"] and b["citation"]["quote"]


@SETTINGS
@given(full_and_partial())
def test_knowing_less_never_changes_a_settled_answer(pair: tuple[dict[str, Any], dict[str, Any]]) -> None:
    """An unknown fact never yields not_eligible (nor any settled outcome) that the truth contradicts."""
    full, partial = pair
    truth = assess(parse_profile(full, as_of=AS_OF))
    seen = assess(parse_profile(partial, as_of=AS_OF))
    if seen.covered is False:
        assert truth.covered is False
        return
    if truth.covered is False:
        assert seen.covered is None
        return
    real = {o.rule.id: o for o in truth.outcomes}
    for o in seen.outcomes:
        if o.status == "not_eligible":
            assert real[o.rule.id].status == "not_eligible", (o.rule.id, o.reasons)
        if o.settled:
            assert o.key() == real[o.rule.id].key(), (o.rule.id, o.reasons, real[o.rule.id].reasons)
