"""The guided interview: short, relevant, faithful to the engine, forgiving."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from dialogs.interview import (
    UNKNOWN_ID,
    InterviewState,
    Question,
    answer,
    answer_age,
    back,
    change,
    finish_checklist,
    next_question,
    result,
    start,
    summary,
    toggle,
)
from knowledge.eligibility import assess
from knowledge.facts import FACTS, parse_profile
from tests.dialogs.interview_driver import BOOLS, TYPICAL, play
from tests.profiles import complete_profiles

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def keys(assessment: Any) -> set[tuple[Any, ...]]:
    return {o.key() for o in assessment.outcomes}


@SETTINGS
@given(complete_profiles())
def test_asking_less_never_changes_the_answer(family: dict[str, Any]) -> None:
    state, asked = play(family, random.Random(len(str(family))))
    full = assess(parse_profile(family, as_of=state.as_of))
    got = result(state)
    if full.covered is False or {o.status for o in full.outcomes} == {"not_eligible"}:
        # nothing applies: the interview may stop before asking where the hukou is
        assert got.covered is False or {o.status for o in got.outcomes} == {"not_eligible"}
        return
    assert got.covered is True
    assert keys(got) == keys(full)
    assert got.monthly_total() == full.monthly_total()
    assert len(asked) <= 8


def _pivotal(state: InterviewState, facts: tuple[str, ...], family: dict[str, Any], rng: random.Random) -> bool:
    """Is there a way to fill in the not-yet-answered facts so that this question's answer matters?"""
    base = {k: v for k, v in state.answers.items() if v != "unknown"}
    open_facts = [f for f in FACTS if f not in base and f not in facts and f != "orphan_under_18"]
    for _ in range(400):
        world = dict(base)
        for f in open_facts:
            world[f] = _random_value(f, rng)
        results = set()
        for _ in range(6):
            trial = dict(world)
            for f in facts:
                trial[f] = _random_value(f, rng)
            results.add(frozenset(keys(assess(parse_profile({"jurisdiction": family["jurisdiction"], **trial},
                                                            as_of=state.as_of)))))
        if len(results) > 1:
            return True
    return False


def _random_value(fact: str, rng: random.Random) -> Any:
    f = FACTS[fact]
    if f.kind == "int":
        return rng.choice([rng.randint(f.low, f.high), rng.randint(40, 70)]) if f.high > 4 else rng.randint(1, 4)
    return rng.choice(f.values)


@pytest.mark.parametrize("seed", range(40))
def test_every_question_asked_can_change_some_outcome(seed: int) -> None:
    rng = random.Random(seed)
    codes = ["ankang", "linyi", "jiangyan", "kaifeng", "liuzhou"]
    family = {"jurisdiction": codes[seed % 5], "child_status": rng.choice(["deceased", "disabled"]),
              "disability_grade": rng.randint(1, 4), "later_child": rng.random() < 0.2,
              "mother_age": rng.randint(44, 75), "father_age": rng.randint(44, 78),
              "hukou": rng.choice(["both", "one"]), "local_spouse": rng.choice(["mother", "father"]),
              "residence": rng.choice(["urban", "rural"])}
    for name, fact in FACTS.items():
        if fact.kind == "bool" and name not in family and name != "orphan_under_18":
            family[name] = rng.random() < 0.5
    state = start(family["jurisdiction"])
    while (question := next_question(state)) is not None:
        assert _pivotal(state, question.facts, family, rng), (question.key, state.answers)
        if question.multi:
            finish_checklist(state, question, [o.id for o in question.options
                                               if o.id != UNKNOWN_ID and all(family.get(f) for f in o.facts)])
        else:
            from tests.dialogs.interview_driver import option_for

            answer(state, question, option_for(question, family) or UNKNOWN_ID)


def test_no_grade_question_when_the_child_died() -> None:
    for code in ("ankang", "linyi", "jiangyan", "kaifeng", "liuzhou"):
        family = {"jurisdiction": code, "child_status": "deceased", "later_child": False, "mother_age": 58,
                  "father_age": 61, "hukou": "both", "residence": "rural", "special_assistance": True,
                  "surgery_complication": False, "low_income": False, "wubao": False, "self_care_lost": False,
                  "chronic_disease": False, "child_in_higher_education": False}
        state, asked = play(family)
        assert "grade" not in [q.key for q in asked]
        assert "disability_grade" not in state.answers, code


def test_a_healthy_child_ends_after_one_question() -> None:
    state = start("kaifeng")
    question = next_question(state)
    assert question is not None and question.key == "child"
    answer(state, question, "h")
    assert next_question(state) is None
    assert {o.status for o in result(state).outcomes} == {"not_eligible"}


def test_no_local_hukou_ends_the_interview_with_the_notice() -> None:
    state = start("kaifeng")
    answer(state, next_question(state), "d")  # type: ignore[arg-type]
    q = next_question(state)
    while q is not None and q.key != "hukou":
        answer(state, q, UNKNOWN_ID) if not q.multi else finish_checklist(state, q, [])
        q = next_question(state)
    assert q is not None
    answer(state, q, "n")
    assert next_question(state) is None
    assert result(state).covered is False


def test_every_question_offers_unknown_and_unknown_is_never_asked_again() -> None:
    state = start("liuzhou")
    seen = []
    while (q := next_question(state)) is not None:
        assert q.option(UNKNOWN_ID) is not None, q.key
        assert q.key not in seen
        seen.append(q.key)
        answer(state, q, UNKNOWN_ID)
    assert seen and len(seen) <= 8


def test_back_undoes_the_last_answer() -> None:
    state = start("kaifeng")
    first = next_question(state)
    answer(state, first, "d")  # type: ignore[arg-type]
    second = next_question(state)
    assert second is not None and second.key == "household"
    assert back(state)
    assert next_question(state).key == "child"  # type: ignore[union-attr]
    assert state.answers == {}
    assert not back(state)


def test_change_one_answer_from_the_summary_without_starting_over() -> None:
    family = {"jurisdiction": "kaifeng", "child_status": "deceased", "later_child": False, "mother_age": 55,
              "father_age": 57, "hukou": "both", "residence": "urban", "self_care_lost": False}
    state, _ = play(family)
    rows = summary(state)
    hukou_row = next(i for i, what, _ in rows if "户口" in what)
    assert result(state).monthly_total() == 2860
    change(state, hukou_row)
    q = next_question(state)
    assert q is not None and q.key == "hukou"
    answer(state, q, "ou")  # only one spouse local, urban
    assert next_question(state) is None  # every other answer kept
    assert result(state).monthly_total() == 1430
    assert len(summary(state)) == len(rows)


def test_changing_the_child_to_disabled_asks_only_what_became_relevant() -> None:
    family = {"jurisdiction": "kaifeng", "child_status": "deceased", "later_child": False, "mother_age": 55,
              "father_age": 57, "hukou": "both", "residence": "urban", "self_care_lost": False}
    state, _ = play(family)
    change(state, 0)
    q = next_question(state)
    assert q is not None and q.key == "child"
    answer(state, q, "g4")  # grade 4: outside Kaifeng's definition (三级以上)
    assert next_question(state) is None
    assert {o.status for o in result(state).outcomes} == {"not_eligible"}
    # the answers that no longer matter are dropped, not shown as if they counted
    assert len(summary(state)) < 6


def test_checklist_toggles_and_state_survives_json() -> None:
    state = start("ankang")
    for fid in ("d", "br"):
        answer(state, next_question(state), fid)  # type: ignore[arg-type]
    while (q := next_question(state)) is not None and not q.multi:
        answer(state, q, q.options[0].id)
    assert q is not None, "ankang asks a checklist"
    first = q.options[0].id
    assert toggle(state, q, first)
    restored = InterviewState.from_json(state.to_json())
    assert restored.pending == [first]
    assert finish_checklist(restored, q)
    assert restored.answers[next(iter(q.options[0].facts))] is True
    assert not toggle(restored, q, "zz")


def test_a_foreign_option_id_is_refused() -> None:
    state = start("kaifeng", dt.date(2026, 11, 23))
    q = next_question(state)
    assert not answer(state, q, "zz")  # type: ignore[arg-type]
    assert state.steps == []


@pytest.mark.parametrize("code", ["ankang", "linyi", "jiangyan", "kaifeng", "liuzhou"])
def test_typical_families_need_at_most_eight_questions(code: str) -> None:
    # eight since issue 14: who is in the household, and whether they already receive
    # 特别扶助金 as its own question with 不清楚 (an unticked box is not a "no")
    for name, facts in TYPICAL.items():
        state, asked = play({"jurisdiction": code, **BOOLS, **facts})
        assert len(asked) <= 8, (code, name, [q.key for q in asked])
        assert result(state).settled, (code, name)


def _play_alone(code: str, member: str, age: str) -> tuple[InterviewState, list[Question]]:
    """A parent on their own: child died, local urban hukou, no later child, typed age."""
    state = start(code, dt.date(2026, 11, 23))
    asked: list[Question] = []
    while (q := next_question(state)) is not None:
        asked.append(q)
        if q.key == "household":
            assert answer(state, q, member[0])
        elif q.key == "child":
            assert answer(state, q, "d")
        elif q.key == "hukou":
            assert answer(state, q, next(o.id for o in q.options if o.id.startswith("l")))
        elif q.age_fact:
            assert answer_age(state, q, age)
        elif q.multi:
            assert finish_checklist(state, q, [])
        else:
            assert answer(state, q, "n")
    return state, asked


def test_a_widow_in_kaifeng_gets_1430_for_one_person_and_is_asked_about_herself() -> None:
    state, asked = _play_alone("kaifeng", "mother", "68")
    keys_asked = [q.key for q in asked]
    assert keys_asked.index("household") < keys_asked.index("hukou") < keys_asked.index("mother_age")
    assert "father_age" not in keys_asked  # nobody asks about a husband who died
    hukou = next(q for q in asked if q.key == "hukou")
    assert hukou.text.startswith("您的户口") and "夫妻" not in hukou.text
    assert all("夫妻" not in q.text for q in asked if q.key not in ("household",))
    assessment = result(state)
    allowance = next(o for o in assessment.outcomes if o.rule.id == "kaifeng.special_allowance_deceased")
    assert (allowance.status, allowance.value, allowance.persons) == ("eligible", 1430, 1)
    assert assessment.monthly_total() == 1430
    from dialogs.eligibility_text import render_assessment

    text = render_assessment(assessment)
    assert "每月现金合计：1,430元" in text and "2人共" not in text and "2,860" not in text


def test_a_widower_alone_counts_one_person_too() -> None:
    state, _ = _play_alone("ankang", "father", "66")
    assessment = result(state)
    per_person = [o for o in assessment.outcomes if o.persons is not None and o.status == "eligible"]
    assert per_person and all(o.persons == 1 for o in per_person)
    assert all(o.spouses in ([], ["father"]) for o in per_person)


def test_special_assistance_is_its_own_question_with_unknown() -> None:
    state = start("linyi", dt.date(2026, 11, 23))
    seen = []
    while (q := next_question(state)) is not None and q.key != "special_assistance":
        seen.append(q.key)
        if q.age_fact:
            answer_age(state, q, "60")
        elif q.multi:
            finish_checklist(state, q, [])
        else:
            answer(state, q, "d" if q.key == "child" else q.options[0].id)
    assert q is not None and q.key == "special_assistance", seen
    assert [o.label for o in q.options] == ["已经在领", "还没有领", "不清楚"]
    assert answer(state, q, UNKNOWN_ID)
    assert state.answers["special_assistance"] == "unknown"  # not silently a "no"
    checklist = next_question(state)
    while checklist is not None and not checklist.multi and checklist.key != "checklist":
        answer_age(state, checklist, "60") if checklist.age_fact else answer(state, checklist, checklist.options[0].id)
        checklist = next_question(state)
    if checklist is not None:
        assert all("特别扶助金" not in o.label for o in checklist.options)


def test_back_while_changing_an_answer_keeps_the_later_answers() -> None:
    state = start("kaifeng", dt.date(2026, 11, 23))
    while (q := next_question(state)) is not None:
        if q.age_fact:
            answer_age(state, q, "62")
        elif q.multi:
            finish_checklist(state, q, [])
        else:
            answer(state, q, "d" if q.key == "child" else q.options[0].id)
    before = [(s.key, s.facts) for s in state.steps]
    assert len(before) >= 5
    assert change(state, 1)  # re-ask the second answer from the summary ...
    assert back(state)  # ... and change one's mind
    assert [(s.key, s.facts) for s in state.steps] == before  # nothing later was lost
    assert next_question(state) is None
    restored = InterviewState.from_json(state.to_json())
    assert restored.changing is None


def test_back_on_the_first_question_does_nothing() -> None:
    state = start("kaifeng")
    assert not back(state)
    assert next_question(state).key == "child"  # type: ignore[union-attr]


def _liuzhou_until(key: str, mother_option: str = "a90") -> tuple[InterviewState, Question]:
    state = start("liuzhou", dt.date(2026, 11, 23))
    while (q := next_question(state)) is not None and q.key != key:
        if q.key == "mother_age":
            assert answer(state, q, mother_option)
        elif q.age_fact:
            assert answer_age(state, q, "62")
        elif q.multi:
            assert finish_checklist(state, q, [])
        else:
            assert answer(state, q, {"child": "d", "special_assistance": "y", "later_child": "n"}.get(
                q.key, q.options[0].id))
    assert q is not None, key
    return state, q


def test_liuzhou_age_buttons_are_bands_a_person_would_choose() -> None:
    _, q = _liuzhou_until("mother_age")
    labels = [o.label for o in q.options]
    assert labels == ["不到49岁", "49到59岁", "60到89岁", "90岁及以上", "不清楚"]
    assert not any("92" in x or "93" in x for x in labels)


@pytest.mark.parametrize(("option", "persons"), [("y", 2), ("n", 1)])
def test_the_1933_rule_is_a_plain_yes_no_question_for_the_very_old(option: str, persons: int) -> None:
    state, q = _liuzhou_until("mother_age_born")
    assert q.text == "孩子妈妈是1933年1月1日以后出生的吗？"
    assert [o.label for o in q.options][-1] == "不清楚"
    assert answer(state, q, option)
    while (nxt := next_question(state)) is not None:
        assert nxt.key != "mother_age_born"  # never asked twice
        if nxt.age_fact:
            answer_age(state, nxt, "62")
        elif nxt.multi:
            finish_checklist(state, nxt, [])
        else:
            answer(state, nxt, nxt.options[0].id)
    allowance = [o for o in result(state).outcomes if o.status == "eligible" and o.persons is not None]
    assert allowance and allowance[0].persons == persons


@pytest.mark.parametrize("band", ["a49", "a60"])
def test_no_birth_date_question_below_ninety(band: str) -> None:
    state, _ = _liuzhou_until("father_age", mother_option=band)
    assert "mother_age_born" not in [s.key for s in state.steps]


@pytest.mark.parametrize(("typed", "age"), [
    ("58", 58), ("５８", 58), ("58岁", 58), ("五十八", 58), ("六十八岁", 68), ("七十二周岁", 72), ("六十", 60),
    ("一百零二", 102), ("²", None), ("٣", None), ("9" * 5000, None), ("三千", None), ("", None),
])
def test_ages_are_read_as_people_type_them(typed: str, age: int | None) -> None:
    from dialogs.interview import typed_age

    assert typed_age(typed) == age


def test_a_father_on_his_own_is_asked_his_own_age_and_never_the_mothers() -> None:
    """A tester typed his own age into "孩子妈妈今年多大岁数": a man answering alone is asked
    about himself ("您"); and (issue 22) never about the mother, who may have died: a
    widower was asked how old his late wife is."""
    from dialogs import check_templates as ct
    from dialogs.interview import answer_age

    state = start("liuzhou")
    for key, option in (("child", None), ("household", "f")):
        q = next_question(state)
        assert q is not None and q.key == key
        answer(state, q, option or next(o.id for o in q.options if o.id != "u"))
    while (q := next_question(state)) is not None and q.age_fact is None:
        answer(state, q, next(o.id for o in q.options if o.id != "u"))
    assert q is not None and q.age_fact == "father_age" and q.text == ct.Q_FATHER_AGE_ALONE
    assert answer_age(state, q, "六十二")
    asked = []
    while (q := next_question(state)) is not None and q.key != "checklist":
        asked.append(q.key)
        answer(state, q, next(o.id for o in q.options if o.id != "u"))
    assert not any(key.startswith("mother_age") for key in asked), asked
