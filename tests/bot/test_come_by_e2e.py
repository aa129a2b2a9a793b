"""A family in the care registry who writes in despair is offered, beside 12356 and the
city's clause, a button that asks its contacts to come by: an urgent visit through the
reminders system, carrying nothing of what the family wrote (issue 14)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from bot.reminders import templates as rt
from dialogs import conversation_templates as ct
from tests.bot.test_telegram_e2e import onboard
from tests.bot.test_township_e2e import Clock, at, sent_to, started, wait_for
from tests.fake_bot_api import FakeBotApi

FAMILY_UID, CONTACT_UID, STRANGER_UID = 650, 651, 652
WORDS = "孩子走了，我真不想活了"


async def test_a_registered_family_in_distress_can_ask_its_contact_to_come(api: FakeBotApi, tmp_path: Path) -> None:
    clock = Clock(at("2027-03-10"))
    bot = await started(api, tmp_path / "c.sqlite3", clock)
    try:
        registry = bot.storage.registry
        family = await registry.add_family("王家", "kaifeng", "城关镇", "东村", telegram_id=FAMILY_UID)
        contact = await registry.add_contact("赵主任", "village_cadre", telegram_id=CONTACT_UID)
        await bot.say(CONTACT_UID, "/start")
        await registry.assign(family, contact, dt.date(2027, 1, 1))
        await onboard(bot, FAMILY_UID, "kaifeng")

        reply = next(c for c in await bot.say(FAMILY_UID, WORDS) if c.method == "sendMessage")
        assert "12356" in reply.text and "心理干预服务" in reply.text and ct.DISTRESS_OFFER_VISIT in reply.text
        since = len(api.calls)
        answered = [c.text for c in await bot.tap_label(FAMILY_UID, reply, ct.BTN_ASK_VISIT)
                    if c.method == "sendMessage"]
        assert answered == [ct.DISTRESS_VISIT_ASKED]

        def urgent_for_contact() -> list[str]:
            return [c.text for c in sent_to(api, CONTACT_UID, since) if rt.KIND_NAMES["urgent"] in c.text]

        await wait_for(urgent_for_contact)
        message = urgent_for_contact()[0]
        assert "王家" in message and "不想活" not in message and "孩子走了" not in message
        # a replayed tap the same day asks nobody twice
        again = [c.text for c in await bot.tap(FAMILY_UID, "s|go") if c.method == "sendMessage"]
        assert again == [ct.DISTRESS_VISIT_ALREADY]
        assert len([r for r in await bot.storage.reminders.all() if r.kind == "urgent"]) == 1

        # a family the office has not linked gets the same care, without the button
        await onboard(bot, STRANGER_UID, "kaifeng")
        reply = next(c for c in await bot.say(STRANGER_UID, WORDS) if c.method == "sendMessage")
        assert "12356" in reply.text and not reply.buttons() and ct.DISTRESS_OFFER_VISIT not in reply.text

        # /forget removes the link to the family's account; the office's record stays
        forget = next(c for c in await bot.say(FAMILY_UID, "/forget") if c.buttons())
        await bot.tap(FAMILY_UID, forget.buttons()[0][1], forget.message_id)
        assert await registry.family_of_telegram(FAMILY_UID) is None
        assert await registry.family_exists(family)
        expired = await bot.tap(FAMILY_UID, "s|go")
        assert not [c for c in expired if c.method == "sendMessage"]
    finally:
        await bot.stop()


async def test_the_families_csv_takes_an_optional_telegram_id(tmp_path: Path) -> None:
    import pytest

    from bot.reminders.registry_csv import CsvProblems, parse_families

    rows = parse_families("alias,jurisdiction,telegram_id\n王家,开封,650\n李家,开封,\n")
    assert [r["telegram_id"] for r in rows] == [650, None]
    with pytest.raises(CsvProblems) as problems:
        parse_families("alias,jurisdiction,telegram_id\n王家,开封,٦٥٠\n李家,开封,650\n张家,开封,650\n",
                       existing_telegram={650})
    assert [p.split(":")[0] for p in problems.value.problems] == ["line 2", "line 3", "line 4"]
