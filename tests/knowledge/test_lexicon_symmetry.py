"""Vocabulary that means the same thing works in both directions (issue 12).

The documents write 伤残, 残疾, 伤、病残 and 伤病残 for one thing; a question with any of
them must find clauses written with any other. synonyms.yaml is one-way by design
(colloquial or narrower word -> the documents' term); equivalents.yaml holds the groups
whose members are interchangeable, and every member must expand to every other.
"""

from __future__ import annotations

from importlib import resources

import pytest
import yaml

from knowledge.clause_search import search
from knowledge.lexicon import load_lexicon
from knowledge.text_normalize import normalize

GROUPS = yaml.safe_load(resources.files("knowledge").joinpath("lexicon", "equivalents.yaml").read_text("utf-8"))


@pytest.mark.parametrize("group", GROUPS, ids=lambda g: g[0])
def test_every_member_of_a_group_finds_every_other(group: list[str]) -> None:
    expansions = dict(load_lexicon().synonyms)
    for member in group:
        found = set(expansions.get(normalize(member), ()))
        assert set(group) - {member} <= found, (member, found)


def test_the_disability_words_of_the_documents_form_one_group() -> None:
    assert any({"伤残", "残疾", "伤、病残", "伤病残", "病残"} <= set(g) for g in GROUPS)


@pytest.mark.parametrize(("asked", "written", "city"), [
    ("孩子伤残了有什么扶助", "残疾", "kaifeng"),     # Kaifeng writes 残疾
    # "孩子病残，有什么扶助" names no benefit: it now gets the overview (test_spoken.py)
    ("孩子病残，看病有什么扶助", "残疾", "kaifeng"),
    ("孩子残疾了有什么扶助", "伤残", "linyi"),       # Linyi writes 伤残
    ("独生子女残疾 扶助金", "病残", "liuzhou"),      # Liuzhou writes 伤、病残
    ("孩子残疾 教育扶助", "伤病残", "liuzhou"),       # and 伤病残
])
def test_a_question_finds_the_clause_written_with_another_word(asked: str, written: str, city: str) -> None:
    result = search(asked, city)
    assert result.answered
    assert written in result.hits[0].matched and written in result.hits[0].clause.text, result.hits[0]


def test_no_synonym_key_is_written_twice() -> None:
    """YAML keeps only the last of two equal keys: a second `精神慰藉:` line once silently
    dropped 难过 / 伤心 / 孤单 from the first. Every key appears once."""
    text = resources.files("knowledge").joinpath("lexicon", "synonyms.yaml").read_text("utf-8")
    keys = [ln.split(":", 1)[0] for ln in text.splitlines() if ln and not ln.startswith("#") and ":" in ln]
    repeated = sorted({k for k in keys if keys.count(k) > 1})
    assert not repeated, repeated


@pytest.mark.parametrize(("asked", "city", "clause"), [
    ("心里难过，有人陪我说说话吗", "kaifeng", "kaifeng/3.4.10"),  # 难过 was lost to a repeated key
])
def test_words_from_a_once_repeated_key_work_again(asked: str, city: str, clause: str) -> None:
    from knowledge.lexicon import load_lexicon

    assert "精神慰藉" in dict(load_lexicon().synonyms)["难过"]
    result = search(asked, city)
    assert result.answered and result.hits[0].clause.id == clause
