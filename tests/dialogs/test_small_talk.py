"""Everyday sentences get everyday replies; real questions are left to the search (issue 14)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from dialogs.distress import is_distress
from dialogs.small_talk import everyday_reply
from knowledge.clause_search import search

CASES = [
    ("你好", "greeting"), ("您好！", "greeting"), ("在吗？", "greeting"), ("谢谢你", "thanks"), ("非常感谢", "thanks"),
    ("😭😭", "feelings"), ("🙏", "feelings"), ("？？？", "how"), ("怎么用", "how"), ("你能做什么", "how"),
    ("你是谁", "who"), ("你是机器人吗", "who"), ("我老了以后谁管我", "elderly"), ("以后谁给我养老", "elderly"),
]


@pytest.mark.parametrize(("text", "kind"), CASES)
def test_everyday_sentences(text: str, kind: str) -> None:
    reply = everyday_reply(text)
    assert reply is not None and reply.kind == kind
    assert "写成一句话" not in reply.text


@pytest.mark.parametrize(("text", "code"), [("我是开封的", "kaifeng"), ("我是柳州人", "liuzhou"), ("我在临沂", "linyi"),
                                            ("户口在姜堰", "jiangyan"), ("我们是安康的", "ankang")])
def test_a_known_city_is_remembered(text: str, code: str) -> None:
    reply = everyday_reply(text)
    assert reply is not None and reply.kind == "city" and reply.jurisdiction == code


def test_zhengzhou_hukou_living_in_kaifeng() -> None:
    reply = everyday_reply("我户口在郑州，住在开封")
    assert reply is not None and reply.kind == "other_city" and reply.jurisdiction is None
    assert "郑州" in reply.text and "开封市" in reply.text and "只能供您参考" in reply.text
    for name in ("安康市", "临沂市", "泰州市姜堰区", "柳州市"):
        assert name in reply.text


@pytest.mark.parametrize("text", ["谢谢你，住院有补贴吗", "孩子走了以后怎么办", "我是农村的", "我是孩子妈妈",
                                  "每个月扶助金多少", "开封 住院护理"])
def test_real_questions_are_left_to_the_search(text: str) -> None:
    assert everyday_reply(text) is None


def _eval_questions() -> list[dict[str, object]]:
    path = Path(__file__).parents[1] / "data" / "eval_questions.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def test_no_policy_question_of_the_eval_set_is_taken_for_small_talk_or_distress() -> None:
    in_scope = [q for q in _eval_questions() if q["expect_doc"]]
    assert len(in_scope) > 150
    replies = {str(q["question"]): everyday_reply(str(q["question"])) for q in in_scope}
    assert [q for q, r in replies.items() if r is not None and r.search_query is None] == []
    # "老了谁管我们" gets a warm line, then the elderly-care clauses the eval set expects
    for q in in_scope:
        reply = replies[str(q["question"])]
        if reply is not None:
            hits = search(reply.search_query or "", q["jurisdiction"]).hits
            assert any(str(q["expect_text"]) in h.clause.text for h in hits[:3]), q["question"]
    # the one hit asks for psychological help after 想不开: the distress reply (12356 and the
    # city's psychological-help clause) is the right answer to it
    assert [q["question"] for q in in_scope if is_distress(str(q["question"]))] == [
        "孩子走了以后老是想不开，有没有人给做心里疏导"]
