"""Issue 22 through the fake Bot API: feelings, a broad question and two places, as a family
in Telegram sees them (the same dialogs decide for every channel)."""

from __future__ import annotations

from tests.bot.telegram_harness import Harness
from tests.bot.test_caring_e2e import onboard, sent


async def test_feelings_get_warmth_then_the_saved_citys_psychological_help(bot: Harness) -> None:
    await onboard(bot, 2201, "kaifeng")
    joined = "\n".join(sent(await bot.say(2201, "每天晚上睡不着，想儿子")))
    assert "12356" in joined and "哪个城市" not in joined  # the saved city is used, not asked again
    rest = joined[joined.index("12356"):]  # warmth and the number first, then the city's clause
    assert "心理干预服务" in rest and "汴政办〔2023〕24号" in rest
    assert "没有找到" not in joined


async def test_a_broad_question_gets_the_money_of_the_saved_city_first(bot: Harness) -> None:
    await onboard(bot, 2202, "liuzhou")
    texts = sent(await bot.say(2202, "我儿子走了，政府给什么补贴"))
    first = texts[0]
    assert "650元" in first and first.index("650元") < first.index("出处" if "出处" in first else "除了钱")
    assert "600元" not in first  # the disabled child's figure is another family's


async def test_two_places_answer_for_the_hukou_city_and_say_why(bot: Harness) -> None:
    await onboard(bot, 2203, "kaifeng")
    texts = "\n".join(sent(await bot.say(2203, "我们户口在临沂，现在住在开封，特别扶助金每月能领多少")))
    assert "临沂" in texts and "户口" in texts and "500元" in texts
    assert "1,430元" not in texts  # the city they live in is not the answer
