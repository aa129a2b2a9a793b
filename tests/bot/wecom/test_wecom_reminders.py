"""A cadre in WeCom: the reminder arrives once as a card, a press records one visit (however
often it is pressed or WeCom retries), the card then shows what was recorded; 稍后提醒
postpones as Telegram's button does; someone else's press records nothing."""

from __future__ import annotations

import datetime as dt

from bot.reminders import actions
from bot.reminders import templates as rt
from bot.storage import ReminderStatus
from tests.bot.wecom.conftest import BOSS, CADRE, World, post_again, press, today_at
from tests.fake_wecom import CallbackClient


async def test_a_due_reminder_is_one_card_to_the_cadre_even_after_ticks_and_a_restart(world: World) -> None:
    report = await world.tick()
    assert report.sent == 1
    cards = world.fake.cards()
    assert len(cards) == 1 and cards[0].touser == CADRE
    card = cards[0].card
    assert card["card_type"] == "button_interaction"
    assert "王家" in card["main_title"]["title"] and rt.KIND_NAMES["phone_call"] in card["main_title"]["title"]
    assert [text for text, _ in cards[0].buttons()] == ["已电话联系", "已上门", "稍后提醒"]
    assert (await world.tick(today_at(11))).sent == 0
    await world.restart()
    await world.storage.reminders.recover_after_crash(today_at(12))
    assert (await world.tick(today_at(12))).sent == 0
    assert len(world.fake.cards()) == 1  # nothing doubled by ticking again or restarting


async def test_pressing_visited_records_one_visit_and_updates_the_card(world: World) -> None:
    await world.tick()
    callbacks = CallbackClient()
    answer, signed = await press(world, callbacks, CADRE, "已上门")
    assert answer.status_code == 200
    visits = await world.visits()
    assert len(visits) == 1
    today = today_at(10).date().isoformat()
    # the same row a Telegram visit makes (the reminder's kind, the outcome, no follow-up), with
    # how the cadre reached the family as its note
    assert {k: visits[0][k] for k in ("day", "alias", "contact", "kind", "outcome", "notes", "follow_up_days")} == {
        "day": today, "alias": "王家", "contact": "赵主任", "kind": "phone_call", "outcome": "ok", "notes": "已上门",
        "follow_up_days": None}
    assert (await world.storage.reminders.get(world.reminder)).status == ReminderStatus.DONE
    assert len(world.fake.updates) == 1
    update = world.fake.updates[0].body
    assert update["userids"] == [CADRE] and update["button"] == {"replace_name": "已记录：已上门"}

    # WeCom retries the same callback; the cadre presses again before the card changed
    assert (await post_again(world, signed)).status_code == 200
    again, _ = await press(world, callbacks, CADRE, "已上门")
    assert again.status_code == 200
    also, _ = await press(world, callbacks, CADRE, "已电话联系")
    assert also.status_code == 200
    assert len(await world.visits()) == 1
    assert [u.body["button"]["replace_name"] for u in world.fake.updates] == [
        "已记录：已上门", rt.WECOM_ALREADY, rt.WECOM_ALREADY]  # the retry changed nothing, not even the card

    await world.restart()  # WeCom's retry after a restart is still seen as the same press
    assert (await post_again(world, signed)).status_code == 200
    assert len(await world.visits()) == 1 and len(world.fake.updates) == 3


async def test_a_press_by_another_wecom_user_records_nothing(world: World) -> None:
    await world.tick()
    callbacks = CallbackClient()
    for stranger in (BOSS, "wangwu"):  # the supervisor (bound to another contact), and someone not bound at all
        answer, _ = await press(world, callbacks, stranger, "已上门")
        assert answer.status_code == 200
    assert await world.visits() == []
    assert (await world.storage.reminders.get(world.reminder)).status == ReminderStatus.SENT
    assert all(u.body["button"]["replace_name"] == rt.WECOM_NOT_YOURS for u in world.fake.updates)
    answer, _ = await press(world, callbacks, CADRE.upper(), "已电话联系")  # WeCom ids ignore case
    assert answer.status_code == 200 and len(await world.visits()) == 1


async def test_later_postpones_like_the_telegram_button_and_the_card_comes_back_tomorrow(world: World) -> None:
    await world.tick()
    answer, _ = await press(world, CallbackClient(), CADRE, "稍后提醒")
    assert answer.status_code == 200
    reminder = await world.storage.reminders.get(world.reminder)
    assert reminder.status == ReminderStatus.PENDING and reminder.postponed
    assert await world.visits() == []
    assert world.fake.updates[-1].body["button"]["replace_name"] == rt.WECOM_POSTPONED
    # the same row Telegram's 推迟 1 天 makes: back at 09:00 tomorrow
    until = actions.postponed_until(dt.datetime.now(actions.SHANGHAI), 1)
    assert (await world.tick(today_at(20))).sent == 0
    assert (await world.tick(until - dt.timedelta(minutes=1))).sent == 0
    report = await world.tick(until)
    assert report.sent == 1 and report.late == 0 and report.again == 0
    cards = world.fake.cards(CADRE)
    assert len(cards) == 2 and cards[0].card["task_id"] != cards[1].card["task_id"]  # WeCom refuses a reused task id
    answer, _ = await press(world, CallbackClient(), CADRE, "已电话联系")  # on the new card
    assert len(await world.visits()) == 1
