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

BOOLS = {"special_assistance": True, "surgery_complication": False, "low_income": False, "wubao": False,
         "self_care_lost": False, "chronic_disease": False, "child_in_higher_education": False,
         "child_under_7": False}

# Typical families (the benchmark prints their question counts; a test holds them to 6).
TYPICAL: dict[str, dict[str, Any]] = {
    "子女离世，夫妻62/65，城镇": dict(child_status="deceased", later_child=False, mother_age=62, father_age=65,
                                     hukou="both", residence="urban"),
    "子女离世，夫妻55/58，农村": dict(child_status="deceased", later_child=False, mother_age=55, father_age=58,
                                     hukou="both", residence="rural"),
    "子女二级残疾，夫妻58/61，农村": dict(child_status="disabled", disability_grade=2, later_child=False,
                                        mother_age=58, father_age=61, hukou="both", residence="rural"),
    "子女离世，只有一方本地户口": dict(child_status="deceased", later_child=False, mother_age=66, father_age=57,
                                     hukou="one", local_spouse="father", residence="urban"),
    "子女离世，夫妻70/72，低保，不能自理": dict(child_status="deceased", later_child=False, mother_age=70,
                                            father_age=72, hukou="both", residence="rural", low_income=True,
                                            self_care_lost=True, chronic_disease=True),
}


def option_for(question: Question, family: dict[str, Any]) -> str | None:
    """The option consistent with the family's facts (a band containing the age)."""
    for option in question.options:
        if option.id == UNKNOWN_ID:
            continue
        ok = True
        for fact, value in option.facts.items():
            truth = family.get(fact, "both" if fact == "household" else None)  # a profile is a couple unless it says
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
        if choice is None and question.key.endswith("_born"):
            choice = UNKNOWN_ID  # an exact age in the cutoff year: the family may not know either
        assert choice is not None, (question.key, [o.facts for o in question.options], family)
        assert answer(state, question, choice)
    raise AssertionError(f"interview did not end within {max_steps} steps")
