"""Every button of every question is there and records what it says (issue 12).

The residence question once gave 城镇 the same id as 不清楚: 城镇户口 vanished from the
keyboard and 不清楚 recorded "urban". Ids are now checked when a question is built (and
every question is built at import); this test walks every question the interview can
ask, presses every button, and changes every answer from the summary.
"""

from __future__ import annotations

import pytest

from dialogs import interview
from dialogs.interview import (
    UNKNOWN_ID,
    InterviewState,
    Option,
    Question,
    answer,
    change,
    finish_checklist,
    next_question,
    start,
    summary,
)
from knowledge.catalogue import load_catalogue
from knowledge.facts import UNKNOWN

CODES = [d.code for d in load_catalogue()]


def check_buttons(question: Question) -> None:
    ids = [o.id for o in question.options]
    assert len(ids) == len(set(ids)), (question.key, ids)
    for option in question.options:
        assert question.option(option.id) is option  # each button finds itself, not another
        values = {repr(v) if isinstance(v, dict) else v for v in option.facts.values()}
        if option.id == UNKNOWN_ID and question.key.endswith("_born"):
            # the follow-up to an age band: 不清楚 keeps the band already given, nothing narrower
            assert all(isinstance(v, dict) for v in option.facts.values()), (question.key, option)
        elif option.id == UNKNOWN_ID:
            assert values <= {UNKNOWN}, (question.key, option)
        elif question.key != "jurisdiction":
            assert values - {UNKNOWN}, (question.key, option)  # a real answer records something


def press(state: InterviewState, question: Question, option: Option) -> InterviewState:
    trial = InterviewState.from_json(state.to_json())
    if question.multi and option.id != UNKNOWN_ID:
        assert finish_checklist(trial, question, [option.id])
    else:
        assert answer(trial, question, option.id)
    return trial


def walk(state: InterviewState, seen: set[str], questions: list[Question]) -> None:
    """Depth-first over every answer path (states already seen are skipped)."""
    key = repr(state.to_json()["steps"])
    if key in seen:
        return
    seen.add(key)
    question = next_question(state)
    if question is None:
        return
    check_buttons(question)
    questions.append(question)
    for option in question.options:
        walk(press(state, question, option), seen, questions)


def test_a_repeated_option_id_is_refused_when_the_question_is_built() -> None:
    with pytest.raises(ValueError, match="not unique"):
        Question("residence", "?", (Option("u", "城镇", {"residence": "urban"}),
                                    Option("u", "不清楚", {"residence": UNKNOWN})), ("residence",))


def test_the_residence_question_offers_urban_rural_and_unknown() -> None:
    from knowledge.facts import parse_profile

    profile = parse_profile({"jurisdiction": "liuzhou", "hukou": "both"})
    question = interview._residence(profile, {"residence"})
    assert question is not None
    labels = {o.label: o.facts.get("residence") for o in question.options}
    assert labels == {"城镇户口": "urban", "农村户口": "rural", "不清楚": UNKNOWN}
    assert question.option(UNKNOWN_ID).facts == {"residence": UNKNOWN}


@pytest.mark.parametrize("code", CODES)
def test_every_question_and_every_change_of_answer(code: str) -> None:
    questions: list[Question] = []
    walk(start(code), set(), questions)
    assert {"child", "hukou"} <= {q.key for q in questions}
    # every finished path's summary: change each answer and press each button again
    finished = start(code)
    while (q := next_question(finished)) is not None:
        first = next(o for o in q.options if o.id != UNKNOWN_ID)
        finished = press(finished, q, first)
    for row, _, _ in summary(finished):
        revising = InterviewState.from_json(finished.to_json())
        assert change(revising, row)
        question = next_question(revising)
        assert question is not None
        check_buttons(question)
        for option in question.options:
            walk(press(revising, question, option), set(), [])


def test_every_checklist_fact_can_be_asked_on_its_own() -> None:
    """A checklist with one open item is asked as a sentence: every item needs one."""
    from dialogs import check_templates as t

    assert set(t.CHECKLIST_LABELS) <= set(t.SINGLE_FACT_QUESTIONS)
