"""Score clause search on the evaluation sets in tests/data.

Thresholds from issue 12: top-1 >= 0.95, top-3 >= 0.99, every out-of-scope question
declined, on the tuned set (eval) and on the held-out set; the fresh held-out set
(heldout2) is held to what it reached untuned. A question is right when the clause
contains the expected verbatim text.
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


SETS = {
    "eval": QUESTIONS,
    "heldout": load_questions("heldout_questions.yaml"),
    "heldout2": load_questions("heldout2_questions.yaml"),
}
# (top-1, top-3) floors. eval is the set the lexicon was tuned on; heldout was looked at
# once to find the general causes of its misses (issue 12); heldout2 was written after
# those changes and scored untuned: its floors are what it honestly reached (65 of 67 at
# top-1 and top-3; the two misses are colloquial paraphrases, see docs/operations.md).
FLOORS = {"eval": (0.95, 0.99), "heldout": (0.95, 0.99), "heldout2": (0.95, 0.97)}


@pytest.mark.parametrize("name", SETS)
def test_expected_texts_are_in_some_clause(name):
    # guards the data itself: a typo in expect_text would make a question unanswerable
    from knowledge.clauses import load_clauses

    texts = {c.doc: "" for c in load_clauses()}
    for c in load_clauses():
        if c.answerable:
            texts[c.doc] += c.text + "\n"
    for q in SETS[name]:
        if q["expect_doc"]:
            assert q["expect_text"] in texts[q["expect_doc"]], q["id"]


def test_fresh_heldout_set_is_large_and_varied():
    fresh = SETS["heldout2"]
    assert len({q["id"] for q in fresh}) == len(fresh)
    assert sum(1 for q in fresh if q["expect_doc"]) >= 60
    assert {q["expect_doc"] for q in fresh} == {"ankang", "linyi", "jiangyan", "kaifeng", "liuzhou", None}
    topics = Counter(q.get("topic") for q in fresh if q["expect_doc"])
    assert all(topics[t] >= 5 for t in ("document", "service", "contact", "condition", "money")), topics
    assert sum(1 for q in fresh if q["expect_doc"] is None) >= 8


def score(questions=QUESTIONS):
    in_scope = [q for q in questions if q["expect_doc"]]
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


@pytest.mark.parametrize("name", SETS)
def test_top1_and_top3_accuracy(name):
    top1, top3, misses = score(SETS[name])
    floor1, floor3 = FLOORS[name]
    assert top1 >= floor1, "\n".join(misses)
    assert top3 >= floor3, "\n".join(misses)


@pytest.mark.parametrize("q", [q for qs in SETS.values() for q in qs if q["expect_doc"] is None],
                         ids=lambda q: q["id"])
def test_out_of_scope_question_is_declined(q):
    result = search(q["question"], q["jurisdiction"])
    assert result.answered is False
    assert result.hits == []
