"""Answer an interview from a known family, as a careful user would (shared by tests and benchmarks)."""

from __future__ import annotations

import random
from typing import Any

from dialogs.interview import (
    UNKNOWN_ID,
    InterviewState,
    Question,
    answer,
    answer_age,
    finish_checklist,
    next_question,
    start,
)


def option_for(question: Question, family: dict[str, Any]) -> str | None:
    """The option consistent with the family's facts (a band containing the age)."""
    for option in question.options:
        if option.id == UNKNOWN_ID:
            continue
        ok = True
        for fact, value in option.facts.items():
            truth = family.get(fact)
            if isinstance(value, dict):
                ok &= isinstance(truth, int) and value["min"] <= truth <= value["max"]
            elif value == "unknown":
                continue  # the option leaves this fact open (e.g. residence when no local hukou)
            else:
                ok &= truth == value
        if ok:
            return option.id
    return None


def play(family: dict[str, Any], rng: random.Random | None = None, max_steps: int = 30) -> tuple[InterviewState, list[Question]]:
    """Run the interview to its end; returns the state and the questions asked."""
    state = start(family["jurisdiction"])
    asked: list[Question] = []
    for _ in range(max_steps):
        question = next_question(state)
        if question is None:
            return state, asked
        asked.append(question)
        if question.multi:
            ticked = [o.id for o in question.options if o.id != UNKNOWN_ID and all(family.get(f) is True for f in o.facts)]
            assert finish_checklist(state, question, ticked)
            continue
        if question.age_fact and rng is not None and rng.random() < 0.5:
            assert answer_age(state, question, str(family[question.age_fact]))
            continue
        choice = option_for(question, family)
        assert choice is not None, (question.key, [o.facts for o in question.options], family)
        assert answer(state, question, choice)
    raise AssertionError(f"interview did not end within {max_steps} steps")
