"""Callback data within 64 bytes, forged data refused, long messages split safely."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.telegram.callbacks import decode, encode
from bot.telegram.render import escape, question_keyboard, split_text
from dialogs.interview import UNKNOWN_ID, answer, finish_checklist, next_question, start
from knowledge.clauses import load_clauses


def test_encode_refuses_more_than_64_bytes() -> None:
    with pytest.raises(ValueError):
        encode("o", "x" * 70)


@pytest.mark.parametrize("data", ["", "q|1", "c", "c|a", "o|a|b", "r|fam ily", "j|<script>", "x" * 65, "d|开封",
                                  "c|tok|a|b|c|d"])
def test_forged_or_malformed_data_is_refused(data: str) -> None:
    assert decode(data) is None


def test_every_clause_and_interview_button_fits() -> None:
    for clause in load_clauses():
        assert decode(encode("o", clause.id)) is not None
    rng = random.Random(3)
    for code in ("ankang", "linyi", "jiangyan", "kaifeng", "liuzhou"):
        for _ in range(10):
            state = start(code)
            while (q := next_question(state)) is not None:
                keyboard = question_keyboard(q, "a1b2c3", [])
                for row in keyboard.inline_keyboard:
                    for button in row:
                        assert decode(button.callback_data) is not None, button.callback_data
                options = [o for o in q.options if o.id != UNKNOWN_ID]
                if q.multi:
                    finish_checklist(state, q, [o.id for o in options if rng.random() < 0.5])
                else:
                    answer(state, q, rng.choice(options).id)


def test_split_keeps_every_chunk_under_the_limit_and_entities_whole() -> None:
    text = escape("第一行 <重要> & “引号”\n" * 900 + "很长的一行" + "&" * 5000)
    chunks = split_text(text)
    assert len(chunks) > 2 and all(len(c) <= 4096 for c in chunks)
    assert all(not c.rstrip().endswith(("&amp", "&am", "&a", "&l", "&lt", "&g")) for c in chunks)
    assert "".join(c.replace("\n", "") for c in chunks) == text.replace("\n", "")


async def test_connection_failures_are_retried_but_timeouts_are_not() -> None:
    from telegram.error import NetworkError, TimedOut

    from bot.telegram.flood import FloodControl

    limiter = FloodControl(0, network_retries=2)
    await limiter.initialize()
    attempts = {"n": 0}

    async def flaky(*args: object, **kwargs: object) -> bool:
        attempts["n"] += 1
        if attempts["n"] < 3:
            raise NetworkError("connection refused")
        return True

    assert await limiter.process_request(flaky, (), {}, "sendMessage", {"chat_id": 1}, None) is True
    assert attempts["n"] == 3

    async def slow(*args: object, **kwargs: object) -> bool:
        attempts["n"] += 1
        raise TimedOut()

    attempts["n"] = 0
    with pytest.raises(TimedOut):
        await limiter.process_request(slow, (), {}, "sendMessage", {"chat_id": 1}, None)
    assert attempts["n"] == 1  # may have been delivered: never sent twice


@given(st.lists(st.text(alphabet="ab &amp;中", max_size=400), max_size=30), st.sampled_from([40, 100, 300]))
@settings(max_examples=300, deadline=None)
def test_splitting_keeps_every_character_in_order_and_every_message_under_the_limit(
        lines: list[str], limit: int) -> None:
    from bot.telegram.render import split_blocks

    text = "\n".join(lines)
    for split in (split_text, split_blocks):
        chunks = split(text, limit)
        assert all(0 < len(c) <= limit and c.strip() for c in chunks)
        # nothing lost, doubled or reordered (separators and spaces aside: they are where cuts go)
        assert "".join(chunks).replace("\n", "").replace(" ", "") == text.replace("\n", "").replace(" ", "")
