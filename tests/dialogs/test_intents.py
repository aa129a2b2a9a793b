"""Telling a question from a statement: after 写备注 a question is answered, not filed as a note."""

from __future__ import annotations

import pytest

from dialogs.intents import looks_like_question


@pytest.mark.parametrize("text", [
    "失独家庭的扶助金每月多少钱？", "扶助金怎么申请", "请问住院能报销吗", "独生子女伤残三级能不能领",
    "老人问下个月还要不要去镇上签字?", "护理补贴是不是每年都有呢",
])
def test_questions_after_the_note_button_are_recognised(text: str) -> None:
    assert looks_like_question(text)


@pytest.mark.parametrize("text", [
    "老人腿脚不便，需要轮椅", "一切都好，没什么需要。", "老两口身体还行，女儿的忌日快到了", "电话没人接，明天再打",
    "", "。。。",
])
def test_visit_notes_are_not_taken_for_questions(text: str) -> None:
    assert not looks_like_question(text)
