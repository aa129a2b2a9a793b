"""WeCom's answers and failures against the outbox: a token that expires mid-day is fetched
again once and the message goes once; an unknown user is unreachable and escalated like on
Telegram; a timeout after the request left is never resent; a refused connection is tried
next round; other error codes are counted for the admin and not repeated every round."""

from __future__ import annotations

import asyncio

import httpx

from bot.reminders import templates as rt
from bot.reminders.delivery import Dispatch, tick
from bot.storage import ReminderStatus
from bot.wecom.api import WeComApi
from bot.wecom.sender import WeComSender
from tests.bot.wecom.conftest import ADMIN, BOSS, CADRE, World, today_at, wecom_settings
from tests.fake_wecom import closed_base_url


async def _another_reminder(world: World, kind: str = "home_visit") -> int:
    await world.storage.reminders.add([(world.family, world.cadre, kind, today_at(10).date(), today_at(9))])
    return max(r.id for r in await world.storage.reminders.all())


async def test_a_token_expired_mid_day_is_fetched_again_once_and_the_card_goes_once(world: World) -> None:
    assert (await world.tick()).sent == 1
    assert world.fake.token_fetches == 1
    await _another_reminder(world)
    assert (await world.tick(today_at(11))).sent == 1
    assert world.fake.token_fetches == 1  # the shared token is reused, not fetched per message
    world.fake.expire_tokens()  # WeCom ends the token early (another server fetched one, or it ran out)
    await _another_reminder(world, "follow_up")
    report = await world.tick(today_at(14))
    assert report.sent == 1 and not report.errors
    assert world.fake.token_fetches == 2
    assert [c.card["main_title"]["title"] for c in world.fake.cards()][-1].endswith("王家")
    assert len(world.fake.cards()) == 3  # once each: the one refused with 42001 was not doubled
    errors = await world.storage.platform_tokens.errors()
    assert [(p, code, count) for p, code, count, _ in errors] == [("wecom", 42001, 1)]


async def test_concurrent_sends_fetch_one_token(world: World) -> None:
    api = WeComApi(world.storage, world.settings)
    tokens = await asyncio.gather(*(api.token() for _ in range(20)))
    assert len(set(tokens)) == 1 and world.fake.token_fetches == 1
    await api.close()


async def test_a_user_wecom_does_not_know_is_unreachable_and_escalated_to_the_supervisor(world: World) -> None:
    world.fake.members = {BOSS}  # the cadre is not in the app's visible range
    report = await world.tick()
    assert report.sent == 0 and report.escalated == 1
    assert world.fake.cards(CADRE) == []
    contact = next(c for c in await world.storage.registry.list_contacts() if c["id"] == world.cadre)
    assert contact["blocked"] == 1
    reminder = await world.storage.reminders.get(world.reminder)
    assert reminder.undeliverable and reminder.status == ReminderStatus.ESCALATED
    [told] = world.fake.texts(BOSS)
    assert "王家" in told.body["text"]["content"] and rt.REASON_UNREACHABLE_WECOM in told.body["text"]["content"]
    assert "<b>" not in told.body["text"]["content"]
    assert ("wecom", 81013) in [(p, code) for p, code, _, _ in await world.storage.platform_tokens.errors()]
    assert (await world.tick(today_at(11))).sent == 0 and len(world.fake.refused) == 1  # not tried again


async def test_a_timeout_after_the_request_left_counts_as_sent_and_is_never_resent(world: World) -> None:
    world.fake.slow = 1.0
    api = WeComApi(world.storage, world.settings, client=httpx.AsyncClient(timeout=0.3))
    report = await tick(world.storage, Dispatch(None, WeComSender(api)), today_at(10), (ADMIN,))
    assert report.maybe_delivered == 1 and report.sent == 0
    await asyncio.sleep(1.2)  # WeCom did deliver it, late
    world.fake.slow = 0
    report = await tick(world.storage, Dispatch(None, WeComSender(api)), today_at(11), (ADMIN,))
    assert report.sent == 0 and len(world.fake.cards()) == 1
    await api.close()


async def test_a_refused_connection_is_tried_next_round(world: World) -> None:
    down = WeComApi(world.storage, wecom_settings(world.path, closed_base_url()))
    report = await tick(world.storage, Dispatch(None, WeComSender(down)), today_at(10), (ADMIN,))
    assert report.sent == 0 and len(report.errors) == 1
    assert (await world.storage.reminders.get(world.reminder)).status == ReminderStatus.PENDING
    await down.close()
    assert (await world.tick(today_at(11))).sent == 1  # WeCom is back: sent, once
    assert len(world.fake.cards()) == 1


async def test_wecom_busy_is_tried_next_round_and_other_codes_are_not_repeated(world: World) -> None:
    world.fake.errcodes = [45009]  # over the call limit
    report = await world.tick()
    assert report.sent == 0 and report.errors
    assert (await world.tick(today_at(11))).sent == 1
    second = await _another_reminder(world)
    world.fake.errcodes = [40058]  # a parameter WeCom does not accept: retrying every minute would not mend it
    report = await world.tick(today_at(12))
    assert report.rejected == 1 and report.sent == 0
    assert (await world.storage.reminders.get(second)).undeliverable
    assert (await world.tick(today_at(13))).sent == 0 and len(world.fake.refused) == 2
    codes = {code for p, code, _, _ in await world.storage.platform_tokens.errors()}
    assert codes == {45009, 40058}


async def test_a_wecom_supervisor_is_told_by_wecom_when_two_reminders_go_unanswered(world: World) -> None:
    assert (await world.tick()).sent == 1
    assert (await world.tick(today_at(10, days=2))).again == 1  # re-reminded once after 48 hours
    report = await world.tick(today_at(10, days=4))
    assert report.escalated == 1
    [told] = world.fake.texts(BOSS)
    assert rt.REASON_UNACKED in told.body["text"]["content"]


class TelegramStandIn:
    """What reached Telegram (the real TelegramSender is covered by the Telegram tests)."""

    def __init__(self) -> None:
        self.sent: list[tuple[int, int]] = []

    async def reminder(self, chat_id: int, reminder: object, late: bool, again: bool) -> None:
        self.sent.append((chat_id, reminder.id))  # type: ignore[attr-defined]

    async def escalation(self, chat_id: int, reminder: object, reason: str) -> None:
        self.sent.append((chat_id, -1))


async def test_one_outbox_wecom_contacts_by_wecom_the_others_by_telegram(world: World) -> None:
    telegram_only = await world.storage.registry.add_contact("李镇长", "township_leader", telegram_id=801)
    both = await world.storage.registry.add_contact("王医生", "health_cadre", telegram_id=802, wecom_user_id="wangys")
    day = today_at(10).date()
    await world.storage.reminders.add([(world.family, telegram_only, "festival:spring", day, today_at(8)),
                                       (world.family, both, "home_visit", day, today_at(8))])
    telegram = TelegramStandIn()
    report = await tick(world.storage, Dispatch(telegram, WeComSender(WeComApi(world.storage, world.settings))),
                        today_at(10), (ADMIN,))
    assert report.sent == 3
    assert [chat for chat, _ in telegram.sent] == [801]
    assert sorted(c.touser for c in world.fake.cards()) == sorted([CADRE, "wangys"])


async def test_a_process_without_wecom_reminds_a_bound_contact_on_telegram_if_it_can(world: World) -> None:
    both = await world.storage.registry.add_contact("王医生", "health_cadre", telegram_id=802, wecom_user_id="wangys")
    await world.storage.reminders.add([(world.family, both, "home_visit", today_at(10).date(), today_at(8))])
    telegram = TelegramStandIn()
    report = await tick(world.storage, Dispatch(telegram, None), today_at(10), (ADMIN,))
    assert [chat for chat, rid in telegram.sent if rid > 0] == [802]
    assert report.sent == 1 and report.escalated == 1  # the WeCom-only cadre cannot be reached: escalated
    assert world.fake.sends == []
