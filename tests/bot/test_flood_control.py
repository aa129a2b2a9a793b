"""Flood control with two lanes (bot/telegram/flood.py, issue 27): with Telegram's limits on,
a person's reply never waits behind reminders, every reminder still goes out exactly once,
and Telegram's 429 is waited out in both lanes. Against the fake Bot API, through PTB's own
Bot, as in production."""

from __future__ import annotations

import asyncio
import collections
import datetime as dt
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from telegram.ext import AIORateLimiter, BaseRateLimiter, ExtBot

from bot.reminders.delivery import Dispatch, in_turns, recipient, tick
from bot.reminders.planner import festival_send_day, festival_spread_days, plan_rows
from bot.reminders.schedule import festival_date
from bot.storage import Storage
from bot.telegram.care import TelegramSender
from bot.telegram.flood import FloodControl, Lane, outbox_lane
from tests.bot.telegram_harness import Harness
from tests.bot.test_telegram_e2e import onboard
from tests.bot.test_township_e2e import Clock, at, wait_for
from tests.fake_bot_api import TOKEN, Call, FakeBotApi

CONTACTS = list(range(80_001, 80_041))  # forty contacts, one reminder each
FAMILY = 80_900


def reminder_calls(api: FakeBotApi) -> list[Call]:
    return [c for c in list(api.calls) if c.method == "sendMessage" and c.chat_id in CONTACTS]


async def seed_due(storage: Storage, now: dt.datetime, contacts: list[int] = CONTACTS) -> None:
    for uid in contacts:
        family = await storage.registry.add_family(f"家庭{uid}", "kaifeng")
        contact = await storage.registry.add_contact(f"联系人{uid}", "village_cadre", telegram_id=uid)
        await storage.reminders.add([(family, contact, "phone_call", now.date(), now - dt.timedelta(hours=1))])


async def ext_bot(api: FakeBotApi, limiter: BaseRateLimiter[int]) -> ExtBot[int]:
    bot: ExtBot[int] = ExtBot(TOKEN, base_url=api.base_url, rate_limiter=limiter)
    await bot.initialize()
    return bot


# --- the whole bot: a family's question while a festival's worth of reminders goes out ----------


@pytest.fixture
async def slow_bot(api: FakeBotApi, tmp_path: Path) -> AsyncIterator[Harness]:
    """Flood control at 5 messages a second, so forty reminders take eight seconds to go out."""
    harness = Harness(api, tmp_path / "flood.sqlite3", BOT_FLOOD_LIMIT_PER_SECOND=5, BOT_REMINDER_INTERVAL=0.2)
    harness.clock = Clock(at("2027-03-10"))
    await harness.start()
    yield harness
    await harness.stop()


async def test_a_reply_goes_out_before_the_reminders_queued_ahead_of_it(slow_bot: Harness, api: FakeBotApi) -> None:
    await onboard(slow_bot, FAMILY)
    await seed_due(slow_bot.storage, slow_bot.clock.now)
    await wait_for(lambda: len(reminder_calls(api)) >= 3)  # the outbox is sending
    asked = time.monotonic()
    since = len(api.calls)
    api.send_text(FAMILY, "每月扶助金多少")
    await wait_for(lambda: any(c.chat_id == FAMILY and c.method == "sendMessage" for c in api.calls[since:]))
    answer = next(c for c in api.calls[since:] if c.chat_id == FAMILY and c.method == "sendMessage")
    assert "1430" in answer.text
    # answered at once, not after the thirty-odd reminders still waiting (6+ s at 5 a second)
    assert answer.at - asked < 1.5
    assert len(reminder_calls(api)) < len(CONTACTS) - 20
    # and every reminder still goes out, exactly once, in the budget the reply left
    await wait_for(lambda: len(reminder_calls(api)) >= len(CONTACTS), timeout=30)
    await asyncio.sleep(0.6)  # a few more rounds of the loop: nothing comes twice
    assert collections.Counter(c.chat_id for c in reminder_calls(api)) == {uid: 1 for uid in CONTACTS}
    statuses = collections.Counter(r.status for r in await slow_bot.storage.reminders.all())
    assert statuses == {"sent": len(CONTACTS)}


# --- the limiter alone, with PTB's Bot against the fake server --------------------------------------


async def test_queued_reminders_let_a_reply_through_first(api: FakeBotApi) -> None:
    """Twenty reminders waiting in the limiter, then one reply: the reply is sent next (PTB's
    AIORateLimiter, first come first served, sends it after all twenty)."""
    order: list[str] = []
    for limiter, first in ((FloodControl(10), True), (AIORateLimiter(overall_max_rate=10), False)):
        bot = await ext_bot(api, limiter)
        since = len(api.calls)

        async def remind(uid: int, bot: ExtBot[int] = bot) -> None:
            with outbox_lane():
                await bot.send_message(uid, "📋 提醒")

        reminders = [asyncio.create_task(remind(uid)) for uid in CONTACTS[:20]]
        await asyncio.sleep(0.15)  # they are all waiting for the budget now
        asked = time.monotonic()
        await bot.send_message(FAMILY, "回复")
        await asyncio.gather(*reminders)
        calls = [c for c in api.calls[since:] if c.method == "sendMessage"]
        sent = [c.chat_id for c in calls]
        assert sorted(sent) == sorted([*CONTACTS[:20], FAMILY])  # none lost, none doubled
        position = sent.index(FAMILY)
        before = sum(1 for c in calls if c.at < asked)  # reminders already out when the reply was asked for
        order.append(f"{type(limiter).__name__}: reply {position + 1} of {len(sent)}, {before} out before")
        if first:
            assert position == before and before <= 3, order  # next, before every reminder still waiting
        else:
            assert position > 5, order  # the old limiter: the reply waits behind the reminders
        await bot.shutdown()


async def test_reminders_use_the_whole_budget_when_nobody_writes(api: FakeBotApi) -> None:
    limiter = FloodControl(20)
    bot = await ext_bot(api, limiter)
    started = time.monotonic()
    with outbox_lane():
        await asyncio.gather(*(bot.send_message(uid, "📋 提醒") for uid in CONTACTS))
    elapsed = time.monotonic() - started
    # 40 at 20 a second, less the first one: about 1.95 s, never faster than Telegram allows
    assert 1.8 <= elapsed < 4.0
    assert limiter.sent[Lane.OUTBOX] == len(CONTACTS)
    await bot.shutdown()


async def test_a_contact_gets_at_most_one_reminder_a_second(api: FakeBotApi) -> None:
    bot = await ext_bot(api, FloodControl(30))
    with outbox_lane():
        await asyncio.gather(*(bot.send_message(CONTACTS[0], f"📋 提醒{n}") for n in range(3)))
    stamps = [c.at for c in api.calls if c.method == "sendMessage" and c.chat_id == CONTACTS[0]]
    assert len(stamps) == 3 and stamps[2] - stamps[0] >= 1.9
    await bot.shutdown()


async def test_a_group_gets_at_most_twenty_a_minute_in_either_lane(api: FakeBotApi) -> None:
    limiter = FloodControl(30)
    bot = await ext_bot(api, limiter)
    for _ in range(20):
        await bot.send_message(-100_500, "群里的回答")
    late = asyncio.create_task(bot.send_message(-100_500, "第21条"))
    await asyncio.sleep(0.5)
    assert not late.done() and limiter.waiting(Lane.REPLY) == 1
    late.cancel()
    with pytest.raises(asyncio.CancelledError):
        await late
    assert limiter.waiting(Lane.REPLY) == 0
    await bot.shutdown()


# --- Telegram's 429 in both lanes -----------------------------------------------------------------


async def test_a_reminder_refused_with_429_is_sent_once_after_the_wait(api: FakeBotApi, tmp_path: Path) -> None:
    storage = await Storage.open(tmp_path / "r.sqlite3")
    now = at("2027-03-10")
    await seed_due(storage, now, CONTACTS[:3])
    api.flood_once.add(CONTACTS[1])  # Telegram: "retry after 1"
    bot = await ext_bot(api, FloodControl(30))
    started = time.monotonic()
    report = await tick(storage, Dispatch(TelegramSender(bot)), now)
    assert report.sent == 3 and not report.errors
    calls = [c for c in api.calls if c.chat_id == CONTACTS[1]]
    assert len(calls) == 2 and calls[1].at - calls[0].at >= 1.0  # refused, then sent after retry_after
    assert time.monotonic() - started >= 1.0
    assert all(r.status == "sent" and r.sent_count == 1 for r in await storage.reminders.all())
    await bot.shutdown()
    await storage.close()


async def test_a_reminder_still_refused_after_the_retries_stays_in_the_outbox(api: FakeBotApi,
                                                                             tmp_path: Path) -> None:
    storage = await Storage.open(tmp_path / "r.sqlite3")
    now = at("2027-03-10")
    await seed_due(storage, now, CONTACTS[:1])
    api.flood_times[CONTACTS[0]] = 2  # refused twice: more than the one retry allowed here
    bot = await ext_bot(api, FloodControl(30, max_retries=1))
    sender = Dispatch(TelegramSender(bot))
    report = await tick(storage, sender, now)
    assert report.sent == 0 and report.errors and "RetryAfter" in report.errors[0]
    [waiting] = await storage.reminders.all()
    assert waiting.status == "pending" and waiting.sent_count == 0  # released, not lost, not counted
    report = await tick(storage, sender, now + dt.timedelta(minutes=1))  # the next round
    assert report.sent == 1
    delivered = [c for c in api.calls if c.chat_id == CONTACTS[0]]
    assert len(delivered) == 3  # two refusals and the one message the contact sees
    assert (await storage.reminders.all())[0].status == "sent"
    await bot.shutdown()
    await storage.close()


async def test_a_429_holds_every_send_in_both_lanes_until_it_has_passed(api: FakeBotApi) -> None:
    limiter = FloodControl(30)
    bot = await ext_bot(api, limiter)
    api.flood_once.add(CONTACTS[0])

    async def remind() -> None:
        with outbox_lane():
            await bot.send_message(CONTACTS[0], "📋 提醒")

    reminder = asyncio.create_task(remind())
    await wait_for(lambda: any(c.chat_id == CONTACTS[0] for c in api.calls))
    refused_at = next(c.at for c in api.calls if c.chat_id == CONTACTS[0])
    await asyncio.sleep(0.1)
    await bot.send_message(FAMILY, "回复")  # a reply during the wait waits it out too
    await reminder
    reply = next(c for c in api.calls if c.chat_id == FAMILY)
    sent = [c for c in api.calls if c.chat_id == CONTACTS[0]]
    assert reply.at - refused_at >= 1.0 and sent[-1].at - refused_at >= 1.0 and len(sent) == 2
    # and the reply, waiting in its lane, went before the reminder when the wait ended
    assert reply.at <= sent[-1].at
    await bot.shutdown()


# --- how the outbox takes due reminders, and festivals spread over their lead days ----------------


async def test_the_sender_takes_contacts_in_turns(tmp_path: Path) -> None:
    storage = await Storage.open(tmp_path / "t.sqlite3")
    now = at("2027-03-10")
    busy = await storage.registry.add_contact("忙人", "village_cadre", telegram_id=81_000)
    for n in range(5):
        family = await storage.registry.add_family(f"忙家{n}", "kaifeng")
        await storage.reminders.add([(family, busy, "phone_call", now.date(), now)])
    await seed_due(storage, now, CONTACTS[:3])
    order = [recipient(r) for r in in_turns(await storage.reminders.due(now))]
    assert order[:4] == [81_000, *CONTACTS[:3]]  # everyone's first before the busy contact's second
    assert order[4:] == [81_000] * 4
    await storage.close()


def test_festival_reminders_spread_by_contact_over_the_first_lead_days() -> None:
    festival = festival_date("spring", 2027)
    start = festival - dt.timedelta(days=5)
    assignments = [(family, "linyi", 0, 1000 + family % 300, "village_cadre", 1, "2026-01-01")
                   for family in range(3000)]
    rows = plan_rows(start, assignments, {}, [], start - dt.timedelta(days=1))
    sends = collections.Counter(dt.datetime.fromisoformat(r[4]).date() for r in rows if r[2] == "festival:spring")
    assert festival_spread_days(5) == 3
    assert set(sends) == {start, start + dt.timedelta(days=1), start + dt.timedelta(days=2)}
    assert max(sends.values()) <= 1.1 * sum(sends.values()) / 3  # about a third a day
    # each contact's festival visits on one day, at least three days before the festival
    by_contact: dict[int, set[str]] = collections.defaultdict(set)
    for _family, contact, kind, due, send in rows:
        if kind == "festival:spring":
            by_contact[contact].add(send)
            assert due == festival.isoformat()
    assert all(len(days) == 1 for days in by_contact.values())
    assert festival_send_day(start, 3, 1001) == start + dt.timedelta(days=2)
    assert all(festival - festival_send_day(start, 3, c) >= dt.timedelta(days=3) for c in by_contact)
