"""Races through the fake Bot API against the real application: many people tapping at the
same moment must not lose a write, double one, or let two people through one invite."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections.abc import Callable
from pathlib import Path

from bot.reminders import templates as rt
from bot.reminders.planner import SHANGHAI
from bot.telegram import templates as t
from tests.bot.telegram_harness import ADMIN_ID, Harness
from tests.fake_bot_api import Call, FakeBotApi

NOON = dt.datetime(2027, 3, 10, 12, tzinfo=SHANGHAI)


async def started(api: FakeBotApi, path: Path | str, **settings: object) -> Harness:
    """The bot, once its reminder loop's first round is over (planning runs in a thread; a
    reminder seeded during that round would be sent by the loop, not by the test)."""
    harness = Harness(api, path, **settings)
    harness.clock = lambda: NOON
    await harness.start()
    await wait_for(lambda: harness.storage.ops.get_meta("planned_on"))
    await asyncio.sleep(0.3)
    return harness


async def seed_sent_reminders(bot: Harness, contacts: list[int]) -> list[int]:
    """One family and one reminder per contact, already sent and waiting for the contact's tap."""
    ids = []
    for uid in contacts:
        family = await bot.storage.registry.add_family(f"家庭{uid}", "kaifeng")
        contact = await bot.storage.registry.add_contact(f"联系人{uid}", "village_cadre", telegram_id=uid)
        await bot.storage.reminders.add([(family, contact, "phone_call", NOON.date(), NOON)])
        reminder = next(r for r in await bot.storage.reminders.all() if r.contact_id == contact)
        assert await bot.storage.reminders.claim(reminder.id)
        await bot.storage.reminders.mark_sent(reminder.id, NOON, late=False)
        ids.append(reminder.id)
    return ids


async def wait_for(condition: Callable[[], object], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if asyncio.iscoroutine(value):
            value = await value
        if value:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("timed out")


def error_replies(api: FakeBotApi) -> list[Call]:
    return [c for c in api.calls if c.method == "sendMessage" and c.text == t.ERROR]


async def test_60_simultaneous_visit_logs_beside_60_other_writers_are_all_logged(api: FakeBotApi,
                                                                                db_location: Path | str) -> None:
    bot = await started(api, db_location, BOT_REMINDER_INTERVAL=3600)
    try:
        contacts = list(range(20_000, 20_060))
        others = list(range(30_000, 30_060))
        reminders = await seed_sent_reminders(bot, contacts)
        for uid, reminder_id in zip(contacts, reminders, strict=True):  # the final tap of the visit log
            api.tap(uid, f"v|{reminder_id}|f|ok|0")
            api.send_text(others[contacts.index(uid)], "/start")  # another writer at the same moment

        async def all_logged() -> bool:
            return len(await bot.storage.registry.visits()) >= 60
        await wait_for(all_logged)
        await wait_for(lambda: len({c.chat_id for c in api.calls if c.chat_id in others}) == 60)
        await asyncio.sleep(0.5)
        assert len(await bot.storage.registry.visits()) == 60
        assert [await bot.storage.registry.visit_count(r) for r in reminders] == [1] * 60
        assert error_replies(api) == []
        assert len([u for u in others if await bot.storage.users.get(u) is not None]) == 60
    finally:
        await bot.stop()


async def test_ten_invite_codes_each_redeemed_by_three_at_once_make_one_staff_each(api: FakeBotApi,
                                                                                  db_location: Path | str) -> None:
    bot = await started(api, db_location, BOT_REMINDER_INTERVAL=3600)
    try:
        codes = [await bot.storage.users.create_invite("staff", ADMIN_ID) for _ in range(10)]
        people = {code: [40_000 + 10 * i + k for k in range(3)] for i, code in enumerate(codes)}
        for k in range(3):
            for code in codes:
                api.send_text(people[code][k], f"/join {code}")
        everyone = [uid for group in people.values() for uid in group]
        await wait_for(lambda: all(any(c.chat_id == uid and c.method == "sendMessage" for c in api.calls)
                                   for uid in everyone))
        await asyncio.sleep(0.3)
        for code in codes:
            roles = [(await bot.storage.users.get(uid)) for uid in people[code]]
            assert sorted(str(u.role) if u else "none" for u in roles).count("staff") == 1, code
        welcomed = [c for c in api.calls if c.method == "sendMessage" and c.chat_id in everyone
                    and c.text == t.JOIN_OK.format(role=t.ROLE_NAMES["staff"])]
        assert len(welcomed) == 10
        assert error_replies(api) == []
    finally:
        await bot.stop()


async def test_a_reminder_whose_send_timed_out_is_not_sent_again(api: FakeBotApi, tmp_path: Path) -> None:
    """Telegram answered after the read timeout but delivered: one copy, not one per round."""
    contact_chat = 50_001
    slowed: list[int] = []

    def slow_first_send(call: Call) -> None:  # runs in the server's thread for this request only
        if call.method == "sendMessage" and call.chat_id == contact_chat and not slowed:
            slowed.append(1)
            time.sleep(6.5)  # longer than PTB's 5 s read timeout

    api.on_call = slow_first_send
    bot = Harness(api, tmp_path / "slow.sqlite3", BOT_REMINDER_INTERVAL=0.2)
    bot.clock = lambda: NOON
    family_db = await _seed_pending(tmp_path / "slow.sqlite3", contact_chat)
    await bot.start()
    try:
        await wait_for(lambda: slowed, timeout=10)
        await asyncio.sleep(9)  # the timeout, then many rounds of the loop
        copies = [c for c in api.calls if c.method == "sendMessage" and c.chat_id == contact_chat]
        assert len(copies) == 1
        reminder = (await bot.storage.reminders.all())[0]
        assert (reminder.status, reminder.sent_count, reminder.family_id) == ("sent", 1, family_db)
    finally:
        await bot.stop()


async def _seed_pending(path: Path, telegram_id: int) -> int:
    from bot.storage import Storage

    s = await Storage.open(path)
    family = await s.registry.add_family("王家", "kaifeng")
    contact = await s.registry.add_contact("赵主任", "village_cadre", telegram_id=telegram_id)
    await s.reminders.add([(family, contact, "phone_call", NOON.date(), NOON - dt.timedelta(hours=1))])
    await s.close()
    return family


async def test_a_finished_reminder_is_final_replayed_buttons_change_nothing(api: FakeBotApi,
                                                                          tmp_path: Path) -> None:
    bot = await started(api, tmp_path / "final.sqlite3", BOT_REMINDER_INTERVAL=3600)
    try:
        uid = 60_001
        (reminder_id,) = await seed_sent_reminders(bot, [uid])
        replies = await bot.tap(uid, f"v|{reminder_id}|f|ok|0")
        assert any("已记录" in c.text for c in replies)
        since = len(api.calls)
        for data in (f"v|{reminder_id}|f|need|7", f"h|{reminder_id}", f"p|{reminder_id}|3", f"v|{reminder_id}"):
            replies = await bot.tap(uid, data)
            answers = [c for c in replies if c.method == "answerCallbackQuery"]
            assert answers and answers[-1].params.get("text") == rt.ALREADY_FINISHED, data
        reminder = await bot.storage.reminders.get(reminder_id)
        assert reminder is not None and reminder.status == "done"
        assert await bot.storage.registry.visit_count(reminder_id) == 1
        assert not [c for c in api.calls[since:] if c.method == "sendMessage" and c.chat_id == ADMIN_ID]
        assert not [c for c in api.calls[since:] if c.method == "editMessageText"]  # no buttons come back
    finally:
        await bot.stop()


async def test_help_twice_escalates_once(api: FakeBotApi, tmp_path: Path) -> None:
    bot = await started(api, tmp_path / "help.sqlite3", BOT_REMINDER_INTERVAL=3600)
    try:
        uid = 60_002
        (reminder_id,) = await seed_sent_reminders(bot, [uid])
        since = len(api.calls)
        await bot.tap(uid, f"h|{reminder_id}")
        replies = await bot.tap(uid, f"h|{reminder_id}")
        assert [c for c in replies if c.method == "answerCallbackQuery"][-1].params.get("text") == rt.HELP_ALREADY
        to_admin = [c for c in api.calls[since:] if c.method == "sendMessage" and c.chat_id == ADMIN_ID]
        assert len(to_admin) == 1
    finally:
        await bot.stop()


async def test_handlers_get_storage_settings_and_the_clock_from_the_context(api: FakeBotApi, tmp_path: Path) -> None:
    """/overdue asks the application's clock, not the wall clock (which says 2026 here)."""
    from bot.telegram.context import BotContext

    bot = await started(api, tmp_path / "clock.sqlite3", BOT_REMINDER_INTERVAL=3600)
    try:
        assert bot.app.context_types.context is BotContext
        (reminder_id,) = await seed_sent_reminders(bot, [60_003])
        assert (await bot.storage.reminders.get(reminder_id)).due_date == NOON.date()
        replies = await bot.say(ADMIN_ID, "/overdue")
        assert replies[-1].text == t.OVERDUE_NONE  # due today by the bot's clock: not overdue yet
        bot.app.bot_data["clock"] = lambda: NOON + dt.timedelta(days=3)
        replies = await bot.say(ADMIN_ID, "/overdue")
        assert "家庭60003" in replies[-1].text
    finally:
        await bot.stop()
