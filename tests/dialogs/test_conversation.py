"""The conversation core (issue 24): one turn's decisions, as reply data any channel renders."""

from __future__ import annotations

import asyncio
import datetime as dt

from dialogs.conversation import Conversation, ConversationState, Household, SavedAnswers
from dialogs.replies import Care, ClauseCard, Result, Review, Step


def turn(conv: Conversation, text: str | None = None, press: str | None = None):  # type: ignore[no-untyped-def]
    return asyncio.run(conv.on_text(text) if text is not None else conv.on_choice(press or ""))


def test_a_question_mixing_cities_asks_for_the_city_and_the_pressed_city_answers_it() -> None:
    conv = Conversation(ConversationState(), "web")
    asked = turn(conv, "住院有人护理吗")
    assert "您家的户口在哪个城市" in asked.text() and not asked.clause_ids()
    assert [c.label for c in asked.choices][:2] == ["安康市", "临沂市"]
    answered = turn(conv, press="w|kaifeng")
    assert "记下了：开封市" in answered.text()
    assert answered.clause_ids() and all(c.startswith("kaifeng/") for c in answered.clause_ids())
    assert conv.state.city == "kaifeng" and conv.state.waiting is None


def test_every_clause_card_carries_its_citation_and_a_full_text_choice() -> None:
    conv = Conversation(ConversationState(city="liuzhou"), "telegram")
    reply = turn(conv, "每个月的扶助金有多少")
    cards = [p for p in reply.parts if isinstance(p, ClauseCard)]
    assert cards and "柳政规〔2018〕41号" in cards[0].lines[1]
    full = turn(conv, press=cards[0].full_text.id)
    assert full.parts[0].kind == "full_text" and full.clause_ids() == [cards[0].clause_id]


def test_the_state_survives_json_and_junk_starts_afresh() -> None:
    conv = Conversation(ConversationState(city="linyi"), "terminal")
    turn(conv, "查看待遇")
    copy = ConversationState.from_json(conv.state.to_json())
    assert copy.to_json() == conv.state.to_json()
    for junk in (None, [], {"city": "beijing", "token": "'; drop", "distress": True, "interview": {"x": 1}}):
        fresh = ConversationState.from_json(junk)  # type: ignore[arg-type]
        assert fresh.city is None and fresh.interview is None and fresh.distress == 0


def test_an_older_interviews_button_is_refused_and_changes_nothing() -> None:
    conv = Conversation(ConversationState(city="kaifeng"), "web")
    first = turn(conv, "查看待遇")
    old = first.choices[0].id
    turn(conv, press="e|fresh")  # a new interview, a new token
    before = conv.state.to_json()
    replayed = turn(conv, press=old)
    assert replayed.refusal and not replayed.parts and conv.state.to_json() == before


def test_typed_words_answer_the_interview_and_despair_mid_interview_keeps_the_question() -> None:
    conv = Conversation(ConversationState(city="kaifeng"), "telegram")
    turn(conv, "查看待遇")
    reply = turn(conv, "孩子已经离世")
    assert isinstance(reply.parts[0], Step) and "夫妻两人" in [c.label for c in reply.choices]
    care = turn(conv, "我不想活了")
    assert isinstance(care.parts[0], Care) and ("12356", "心理援助热线") in care.parts[0].calls
    assert any(isinstance(p, Step) for p in care.parts)  # the question is still there under the care
    again = turn(conv, "活着没意思")
    assert "12356" in again.text() and len(again.parts[0].lines) < len(care.parts[0].lines)  # shorter


def test_a_whole_interview_ends_in_a_result_with_section_choices() -> None:
    conv = Conversation(ConversationState(city="kaifeng"), "web")
    reply = turn(conv, "查看待遇")
    for words in ("孩子已经离世", "夫妻两人", "两人都在本地（城镇户口）", "没有"):
        reply = turn(conv, words)
    while not any(isinstance(p, Review) for p in reply.parts):
        reply = turn(conv, press=reply.choices[0].id)  # the first option of each remaining question
    confirmed = turn(conv, press=reply.choices[0].id)
    result = next(p for p in confirmed.parts if isinstance(p, Result))
    assert "依据：开封市的文件" in result.view.summary and "e|cash" in [c.id for c in confirmed.choices]
    assert conv.state.interview is None and conv.state.last_result is not None
    section = turn(conv, press="e|cash")
    assert section.parts[0].kind == "section" and section.text().startswith("现金（") and "一次性救助" in section.text()


class SavedFamily(Household):
    def __init__(self, private: bool) -> None:
        self.private = private

    async def saved_answers(self) -> SavedAnswers | None:
        return SavedAnswers("kaifeng", {"child_status": "deceased", "household": "mother"}, "2026-11-01")


def test_the_saved_situation_shapes_the_lead_only_in_a_private_chat() -> None:
    now = dt.datetime(2026, 12, 5, tzinfo=dt.UTC)
    private = turn(Conversation(ConversationState(city="kaifeng"), "telegram", SavedFamily(True), now),
                   "特别扶助金每月多少钱")
    group = turn(Conversation(ConversationState(city="kaifeng"), "telegram", SavedFamily(False), now),
                 "特别扶助金每月多少钱")
    assert "按您填的情况" in private.text() and "按您填的情况" not in group.text()
    offer = turn(Conversation(ConversationState(city="kaifeng"), "telegram", SavedFamily(True), now), "查看待遇")
    assert [c.id for c in offer.choices] == ["e|last", "e|fresh"]
