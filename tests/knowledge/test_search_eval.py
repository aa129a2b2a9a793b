"""Score clause search on the evaluation set written before tuning (tests/data).

Thresholds from the issue: top-1 >= 0.95, top-3 >= 0.99, every out-of-scope question
declined. A question is right when the clause contains the expected verbatim text.
"""

from collections import Counter

import pytest

from knowledge.clause_search import search
from tests.conftest import load_questions

QUESTIONS = load_questions("eval_questions.yaml")


def right(question, hit) -> bool:
    return hit.clause.doc == question["expect_doc"] and question["expect_text"] in hit.clause.text


def test_evaluation_set_is_large_and_varied():
    styles = Counter(q["style"] for q in QUESTIONS)
    assert len(QUESTIONS) >= 150
    assert styles["out_of_scope"] >= 10 and styles["typo"] >= 10 and styles["traditional"] >= 10
    assert {q["expect_doc"] for q in QUESTIONS} == {"ankang", "linyi", "jiangyan", "kaifeng", "liuzhou", None}


def test_expected_texts_are_in_some_clause():
    # guards the data itself: a typo in expect_text would make a question unanswerable
    from knowledge.clauses import load_clauses

    texts = {c.doc: "" for c in load_clauses()}
    for c in load_clauses():
        if c.answerable:
            texts[c.doc] += c.text + "\n"
    for q in QUESTIONS:
        if q["expect_doc"]:
            assert q["expect_text"] in texts[q["expect_doc"]], q["id"]


def score():
    in_scope = [q for q in QUESTIONS if q["expect_doc"]]
    top1 = top3 = 0
    misses = []
    for q in in_scope:
        result = search(q["question"], q["jurisdiction"], top=3)
        ranks = [right(q, h) for h in result.hits] if result.answered else []
        top1 += bool(ranks and ranks[0])
        top3 += any(ranks[:3])
        if not (ranks and ranks[0]):
            misses.append(f"{q['id']} {q['question']} -> {[h.clause.id for h in result.hits]}")
    return top1 / len(in_scope), top3 / len(in_scope), misses


def test_top1_and_top3_accuracy():
    top1, top3, misses = score()
    assert top1 >= 0.95, "\n".join(misses)
    assert top3 >= 0.99, "\n".join(misses)


@pytest.mark.parametrize("q", [q for q in QUESTIONS if q["expect_doc"] is None], ids=lambda q: q["id"])
def test_out_of_scope_question_is_declined(q):
    result = search(q["question"], q["jurisdiction"])
    assert result.answered is False
    assert result.hits == []


HELDOUT = load_questions("heldout_questions.yaml")


def test_heldout_set_generalises():
    """A second set (81 questions) written after tuning and never used to tune the lexicon.

    It measures generalisation, so its floor sits below the tuned set's: the confidence
    rule still declines some long, wordy questions (see the closing note of issue 2).
    """
    in_scope = [q for q in HELDOUT if q["expect_doc"]]
    right_first = sum(
        1 for q in in_scope
        if (r := search(q["question"], q["jurisdiction"])).answered and right(q, r.hits[0])
    )
    assert len(in_scope) >= 60
    assert right_first / len(in_scope) >= 0.80
    assert not any(search(q["question"], q["jurisdiction"]).answered for q in HELDOUT if q["expect_doc"] is None)
