"""Telegram on the conversation core (issue 24): where the state lives and who can touch it.
A group never sees or moves a family's interview; a restart loses nothing of a consenting
family's conversation; an interview saved before the upgrade goes on; /forget leaves no row."""

from __future__ import annotations

from pathlib import Path

from dialogs import conversation_templates as cc
from tests.bot.telegram_harness import Harness, last_with_buttons
from tests.bot.test_telegram_e2e import onboard
from tests.fake_bot_api import FakeBotApi

GROUP = {"id": -100777, "type": "group", "title": "老伙伴群"}


async def _in_group(bot: Harness, api: FakeBotApi, uid: int, text: str) -> list[str]:
    since = len(api.calls)
    api.send_text(uid, text, chat=GROUP)
    return [r.text for r in await bot.replies(GROUP["id"], since) if r.method == "sendMessage"]


async def test_a_group_never_starts_or_moves_a_familys_interview(bot: Harness, api: FakeBotApi) -> None:
    await onboard(bot, 7401)
    question = last_with_buttons(await bot.say(7401, "/check"))
    before = (await bot.storage.chat_states.load("telegram", "7401")).state["interview"]
    assert await _in_group(bot, api, 7401, "查待遇") == [cc.CHECK_PRIVATE_ONLY]
    said = await _in_group(bot, api, 7401, "不清楚")  # would answer the private question if it could
    assert said and not any("（第" in s and "个问题" in s for s in said)
    assert (await bot.storage.chat_states.load("telegram", "7401")).state["interview"] == before
    # the private interview goes on from the same question
    replies = await bot.tap(7401, question.buttons()[0][1], question.message_id)
    assert any(r.method == "editMessageText" and "个问题" in r.text for r in replies)


async def test_a_consenting_familys_conversation_survives_a_restart(api: FakeBotApi, tmp_path: Path) -> None:
    database = tmp_path / "bot.sqlite3"
    first = await Harness(api, database).start()
    await onboard(first, 7402)
    asked = await first.say(7402, "住院护理补贴每天多少钱")  # the city was given at /start: answered
    assert any("元" in r.text for r in asked)
    question = last_with_buttons(await first.say(7402, "/check"))
    await first.stop()
    second = await Harness(api, database).start()
    try:  # the button drawn before the restart still answers the same interview
        replies = await second.tap(7402, question.buttons()[0][1], question.message_id)
        assert any(r.method == "editMessageText" and "个问题" in r.text for r in replies)
        assert not any(r.method == "answerCallbackQuery" and r.params.get("show_alert") for r in replies)
    finally:
        await second.stop()


async def test_an_interview_saved_before_the_upgrade_goes_on(bot: Harness) -> None:
    await onboard(bot, 7403)
    from dialogs.interview import start

    state = start("kaifeng").to_json()
    await bot.storage.conversations.save(7403, "check", "abc123", {**state, "for_family": None})
    replies = await bot.say(7403, "/check")
    assert any(cc.CHECK_RESUMED in r.text or "个问题" in r.text for r in replies)
    assert await bot.storage.conversations.load(7403) is None  # moved, not copied
    assert await bot.storage.chat_states.load("telegram", "7403") is not None


async def test_forget_leaves_no_conversation_state(bot: Harness) -> None:
    await onboard(bot, 7404)
    await bot.say(7404, "/check")
    assert await bot.storage.chat_states.load("telegram", "7404") is not None
    await bot.storage.users.forget(7404)
    assert await bot.storage.users.rows_about(7404) == 0
    assert await bot.storage.chat_states.load("telegram", "7404") is None


async def test_without_consent_nothing_of_the_conversation_is_stored(bot: Harness) -> None:
    await bot.say(7405, "每月扶助金多少")  # never /start: no consent
    asked = await bot.say(7405, "/check")
    assert asked and await bot.storage.chat_states.load("telegram", "7405") is None
