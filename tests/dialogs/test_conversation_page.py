"""What the conversation core offers a page that shows one screen at a time (channel "web"):
the choice its "how do I use this" reply names, the way from a result back to its answers,
and the last result with its answers for the print view. The chats are offered the same
choices (the better behaviour for every channel); each names its own way in words."""

from __future__ import annotations

import asyncio

from dialogs import conversation_templates as cc
from dialogs import web_copy as w
from dialogs.conversation import Conversation, ConversationState
from dialogs.replies import Reply, Result, Review


def turn(conv: Conversation, text: str | None = None, press: str | None = None) -> Reply:
    return asyncio.run(conv.on_text(text) if text is not None else conv.on_choice(press or ""))


def test_how_to_use_offers_the_choice_it_names_and_chats_also_say_their_own_way() -> None:
    web = turn(Conversation(ConversationState(), "web"), "怎么用")
    assert f"选“{cc.BTN_START_CHECK}”" in web.text() and [c.id for c in web.choices] == ["x|check"]
    terminal = turn(Conversation(ConversationState(), "terminal"), "怎么用")
    assert cc.CHECK_HINT_CONSOLE in terminal.text() and [c.id for c in terminal.choices] == ["x|check"]
    telegram = turn(Conversation(ConversationState(), "telegram"), "怎么用")
    assert cc.CHECK_HINT_TELEGRAM in telegram.text() and [c.id for c in telegram.choices] == ["x|check"]


def _result(channel: str) -> tuple[Conversation, Reply]:
    conv = Conversation(ConversationState(city="kaifeng"), channel)
    reply = turn(conv, "查看待遇")
    for words in ("孩子已经离世", "夫妻两人", "两人都在本地（城镇户口）", "没有", "62"):
        reply = turn(conv, words)
    while not any(isinstance(p, Review) for p in reply.parts):
        reply = turn(conv, press=reply.choices[0].id)
    return conv, turn(conv, press=reply.choices[0].id)


def test_from_the_result_the_page_goes_back_to_the_answers_kept_and_to_the_result_again() -> None:
    conv, result = _result("web")
    back = next(c for c in result.choices if c.id == "x|review")
    assert back.label == w.CHECK_CHANGE and back.role == "back"
    shown = next(p for p in result.parts if isinstance(p, Result))
    review = turn(conv, press="x|review")
    rows = next(p for p in review.parts if isinstance(p, Review)).rows
    assert [answer for _, _, answer in rows][:2] == ["孩子已经离世", "夫妻两人"] and "62岁" in [a for _, _, a in rows]
    assert conv.state.interview is not None and review.choices[0].id == f"c|{conv.state.token}|y"
    again = turn(conv, press=review.choices[0].id)
    assert next(p for p in again.parts if isinstance(p, Result)).view.summary == shown.view.summary
    assert turn(conv, press="x|review").choices  # and again, as often as the family likes
    assert turn(Conversation(ConversationState(), "web"), press="x|review").refusal  # no result yet: refused


def test_chats_are_offered_the_way_back_too_and_the_print_view_gets_the_result_with_its_answers() -> None:
    conv, telegram = _result("telegram")
    assert "x|review" in [c.id for c in telegram.choices]
    assert any(isinstance(p, Review) for p in turn(conv, press="x|review").parts)
    conv, _ = _result("web")
    answers = conv.last_answers()
    assert answers is not None
    review, result = answers
    assert review.rows[0][2] == "孩子已经离世" and "依据：开封市的文件" in result.view.summary
    assert Conversation(ConversationState(), "web").last_answers() is None
