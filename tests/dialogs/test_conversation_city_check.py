"""A family that says where it is from and asks to check in one message gets the interview
for that city at once (every channel: the conversation core decides)."""

from __future__ import annotations

import pytest

from dialogs.conversation import Conversation, ConversationState


@pytest.mark.parametrize(("text", "city"), [("我是开封的，查待遇", "kaifeng"), ("柳州 查看待遇", "liuzhou"),
                                            ("你好，查待遇", None)])
async def test_city_and_check_in_one_message(text: str, city: str | None) -> None:
    talk = Conversation(ConversationState(), "wechat")
    reply = await talk.on_text(text)
    assert talk.state.interview is not None and talk.state.city == city
    step = reply.parts[-1]
    assert step.kind == "question" and (step.question.key == "jurisdiction") == (city is None)  # type: ignore[union-attr]


async def test_a_question_ending_in_check_words_is_not_taken_for_one() -> None:
    talk = Conversation(ConversationState(city="kaifeng"), "wechat")
    await talk.on_text("住院有没有补贴")
    assert talk.state.interview is None
