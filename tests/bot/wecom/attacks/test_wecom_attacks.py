"""Attacks on /wecom and the reminder cards: a cadre's two quick taps on different buttons, a
group of cadres pressing one card at once, a key naming someone else's reminder, a TaskId
that does not match the key. What held up is kept here as coverage."""

from __future__ import annotations

import asyncio

import httpx

from bot.reminders import templates as rt
from bot.storage import ReminderStatus
from bot.wecom.sender import button_key
from tests.bot.wecom.conftest import BOSS, CADRE, World, today_at
from tests.fake_wecom import CallbackClient


def _signed(callbacks: CallbackClient, user: str, key: str, task_id: str) -> tuple[str, bytes]:
    return callbacks.signed(callbacks.card_event(user, key, task_id))


async def _post_all(world: World, requests: list[tuple[str, bytes]]) -> list[httpx.Response]:
    async with world.client() as c:
        return list(await asyncio.gather(*(c.post(f"/wecom?{q}", content=b) for q, b in requests)))


async def test_two_buttons_tapped_at_once_record_one_visit(world: World) -> None:
    """The cadre taps 已电话联系 and 已上门 (and 稍后提醒) in the same instant: one visit,
    the reminder done, not postponed afterwards."""
    await world.tick()
    card = world.fake.cards()[-1]
    keys = dict(card.buttons())
    callbacks = CallbackClient()
    requests = [_signed(callbacks, CADRE, keys[label], card.card["task_id"])
                for label in ("已电话联系", "已上门", "稍后提醒", "已上门")]
    answers = await _post_all(world, requests)
    assert {a.status_code for a in answers} == {200}
    visits = await world.visits()
    reminder = await world.storage.reminders.get(world.reminder)
    assert reminder is not None and len(visits) <= 1
    if visits:
        assert reminder.status == ReminderStatus.DONE
    else:
        assert reminder.status == ReminderStatus.PENDING and reminder.postponed


async def test_a_group_of_cadres_pressing_one_card_records_only_the_owner(world: World) -> None:
    await world.tick()
    card = world.fake.cards()[-1]
    key = dict(card.buttons())["已上门"]
    callbacks = CallbackClient()
    strangers = [BOSS, "wangwu", "lisi", "zhaozhuren2", CADRE.upper() + "X"]
    answers = await _post_all(world, [_signed(callbacks, u, key, card.card["task_id"]) for u in strangers])
    assert {a.status_code for a in answers} == {200}
    assert await world.visits() == []
    reminder = await world.storage.reminders.get(world.reminder)
    assert reminder is not None and reminder.status == ReminderStatus.SENT


async def test_a_key_for_another_reminder_or_a_mismatched_task_records_nothing(world: World) -> None:
    """The owner's own card, but the key names a reminder that is not theirs (another contact's),
    or the TaskId names another reminder than the key: nothing recorded."""
    other = await world.storage.registry.add_contact("钱会计", "village_cadre", "城关镇", wecom_user_id="qianhuiji")
    mine_reminder = await world.storage.reminders.get(world.reminder)
    assert mine_reminder is not None
    await world.storage.registry.assign(world.family, other, mine_reminder.due_date)
    await world.storage.reminders.add([(world.family, other, "phone_call", mine_reminder.due_date, today_at(8))])
    theirs = max(r.id for r in await world.storage.reminders.all())
    await world.tick()
    mine = [c for c in world.fake.cards() if c.touser == CADRE][-1]
    callbacks = CallbackClient()
    answers = await _post_all(world, [
        _signed(callbacks, CADRE, button_key("visit", theirs), mine.card["task_id"]),
        _signed(callbacks, CADRE, button_key("visit", theirs), f"lx-{theirs}-1"),
        _signed(callbacks, CADRE, button_key("visit", world.reminder), f"lx-{theirs}-1"),
        _signed(callbacks, CADRE, button_key("visit", 999_999), mine.card["task_id"]),
    ])
    assert {a.status_code for a in answers} == {200}
    assert await world.visits() == []
    assert all(u.body["button"]["replace_name"] == rt.WECOM_NOT_YOURS for u in world.fake.updates)
