"""End to end through the fake Bot API: a distressed message, everyday sentences, a family
from a city whose document we do not have (issue 14)."""

from __future__ import annotations

import logging
import re

import pytest

from bot.telegram import templates as t
from dialogs import check_templates as ct_check
from dialogs import conversation_templates as ct
from tests.bot.telegram_harness import Harness


async def onboard(bot: Harness, uid: int, city: str = "kaifeng") -> None:
    replies = await bot.say(uid, "/start")
    replies = await bot.tap(uid, "r|family", replies[-1].message_id)
    await bot.tap(uid, f"j|{city}", replies[-1].message_id)
    await bot.tap(uid, "k|y")


def sent(replies: list) -> list[str]:
    return [r.text for r in replies if r.method == "sendMessage"]


async def test_distress_gets_warmth_hotline_and_the_city_clause_and_is_not_logged(
        bot: Harness, caplog: pytest.LogCaptureFixture) -> None:
    await onboard(bot, 601, "kaifeng")
    caplog.set_level(logging.INFO)
    words = "儿子走了三年了，我有时候真不想活了"
    texts = sent(await bot.say(601, words))
    assert len(texts) == 1
    reply = texts[0]
    assert reply.index("理解") < reply.index("12356")  # warmth first
    assert "120" in reply and "110" in reply
    assert "汴政办〔2023〕24号" in reply and "三、（四）9." in reply and "心理干预服务" in reply
    assert "没有找到" not in reply and "换个说法" not in reply
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "不想活" not in logged and "儿子走了" not in logged
    assert "distress message answered" in logged
    # nothing of what they wrote is stored either: the conversation keeps a count and a time
    kept = await bot.storage.chat_states.load("telegram", "601")
    assert kept is None or ("不想活" not in str(kept.state) and "儿子" not in str(kept.state))


async def test_distress_in_a_draft_city_quotes_the_draft_as_a_draft(bot: Harness) -> None:
    await onboard(bot, 602, "jiangyan")
    reply = sent(await bot.say(602, "活着没意思，想随孩子去"))[0]
    assert "专业心理援助团队" in reply and "征求意见稿" in reply and "12356" in reply


async def test_false_alarm_is_still_a_policy_answer(bot: Harness) -> None:
    await onboard(bot, 603, "kaifeng")
    texts = sent(await bot.say(603, "生活不能自理有什么补助"))
    assert "12356" not in "\n".join(texts)
    assert "出处" in "\n".join(texts)


@pytest.mark.parametrize(("words", "expected"), [
    ("你好", ct.GREETING), ("谢谢你", ct.THANKS), ("😭😭", ct.FEELINGS), ("你是谁", ct.WHO_AM_I),
    ("怎么用", "/check"),
])
async def test_everyday_sentences_get_short_fitting_replies(bot: Harness, words: str, expected: str) -> None:
    await onboard(bot, 604, "liuzhou")
    texts = sent(await bot.say(604, words))
    assert len(texts) == 1 and expected in texts[0]
    assert "写成一句话" not in texts[0] and "没有找到" not in texts[0]


async def test_i_am_from_kaifeng_sets_the_city(bot: Harness) -> None:
    await bot.say(605, "/start")
    texts = sent(await bot.say(605, "我是开封的"))
    assert "开封市" in texts[0]
    user = await bot.storage.users.get(605)
    assert user.jurisdiction == "kaifeng"
    texts = sent(await bot.say(605, "住院护理补贴每天多少钱"))
    assert "汴政办〔2023〕24号" in "\n".join(texts)


async def test_who_looks_after_me_when_old_answers_with_elderly_care(bot: Harness) -> None:
    await onboard(bot, 606, "kaifeng")
    texts = sent(await bot.say(606, "我老了以后谁管我"))
    joined = "\n".join(texts)
    assert texts[0].startswith(ct.ELDERLY_CARE_LEAD + "\n\n")  # the lead, then the clauses
    assert "养老" in joined and "汴政办〔2023〕24号" in joined
    assert "写成一句话" not in joined


async def test_a_family_from_zhengzhou_living_in_kaifeng(bot: Harness) -> None:
    await onboard(bot, 607, "kaifeng")
    texts = sent(await bot.say(607, "我户口在郑州，住在开封"))
    reply = texts[0]
    for name in ("安康市", "临沂市", "泰州市姜堰区", "开封市", "柳州市"):
        assert name in reply
    assert "郑州" in reply and "特别扶助" in reply and "卫生健康" in reply
    assert "只能供您参考" in reply  # Kaifeng's benefits are not presented as theirs
    user = await bot.storage.users.get(607)
    assert user.jurisdiction == "kaifeng"  # not silently switched


async def test_start_offers_other_places(bot: Harness) -> None:
    replies = await bot.say(608, "/start")
    replies = await bot.tap(608, "r|family", replies[-1].message_id)
    labels = [b[0] for b in replies[-1].buttons()]
    assert ct.BTN_OTHER_PLACE in labels
    replies = await bot.tap_label(608, replies[-1], ct.BTN_OTHER_PLACE)
    edited = [r.text for r in replies if r.method == "editMessageText"][-1]
    assert "开封市" in edited and "特别扶助" in edited and "/check" in edited
    assert t.ASK_CONSENT not in edited


async def test_a_widow_in_kaifeng_gets_1430_for_one_person(bot: Harness) -> None:
    await onboard(bot, 610, "kaifeng")
    question = [r for r in await bot.say(610, "/check") if r.buttons()][-1]
    asked = []
    for label in ("孩子已经离世", "只有孩子妈妈", "在本地（城镇户口）", "没有", "60岁及以上", "没有"):
        asked.append(question.text)
        replies = await bot.tap_label(610, question, label)
        question = [r for r in replies if r.method == "editMessageText" and r.buttons()][-1]
    assert "您填的情况如下" in question.text
    assert any(re.match(r"（第3个问题，共\d+个）您的户口在开封市", q) for q in asked)
    assert not any("孩子爸爸" in q for q in asked)
    replies = await bot.tap_label(610, question, "看结果")
    joined = "\n".join(r.text for r in replies if r.method == "sendMessage")
    assert "每月现金合计：1,430元" in joined
    assert "2人共" not in joined and "2,860" not in joined


async def test_a_jiangyan_family_not_yet_in_the_scheme_is_told_how_to_apply(bot: Harness) -> None:
    await onboard(bot, 611, "jiangyan")
    question = [r for r in await bot.say(611, "/check") if r.buttons()][-1]
    for label in ("孩子已经离世", "夫妻两人", "两人都在本地（农村户口）", "还没有领", "不到60岁", "不到60岁"):
        replies = await bot.tap_label(611, question, label)
        question = [r for r in replies if r.method == "editMessageText" and r.buttons()][-1]
    if "您填的情况如下" not in question.text:  # the checklist, when asked
        question = [r for r in await bot.tap_label(611, question, "选好了")
                    if r.method == "editMessageText" and r.buttons()][-1]
    assert "您填的情况如下" in question.text
    replies = await bot.tap_label(611, question, "看结果")
    summary = next(r for r in replies if r.method == "sendMessage")
    assert "还没有领国家的计划生育特别扶助金" in summary.text
    assert "乡镇（街道）卫生健康办公室" in summary.text
    assert "这不是泰州市姜堰区文件里的内容" in summary.text
    assert "征求意见稿" in summary.text
    labels = [b[0] for b in summary.buttons()]
    assert any(label.startswith("不适用的") for label in labels)  # refusals collapsed behind one button
    refusals = [r.text for r in await bot.tap_label(611, summary, "不适用的") if r.method == "sendMessage"]
    assert refusals and all(len(x) <= 4096 for x in refusals)
    # no item is cut across two messages: every message starts with a heading or a numbered item
    assert all(x.startswith(("不适用的", *(f"{n}. " for n in range(1, 60)))) for x in refusals)


async def test_the_first_result_message_is_the_summary(bot: Harness) -> None:
    await onboard(bot, 612, "liuzhou")
    question = [r for r in await bot.say(612, "/check") if r.buttons()][-1]
    steps = 0
    while "您填的情况如下" not in question.text and steps < 12:
        labels = [b[0] for b in question.buttons()]
        pick = next((x for x in ("孩子已经离世", "夫妻两人", "两人都在本地（城镇户口）", "已经在领", "选好了")
                     if x in labels), None)
        pick = pick or ("没有" if "没有" in labels else labels[-3 if "选好了" not in labels else -1])
        replies = await bot.tap_label(612, question, pick)
        question = [r for r in replies if r.method == "editMessageText" and r.buttons()][-1]
        steps += 1
    replies = await bot.tap_label(612, question, "看结果")
    sent_texts = [r for r in replies if r.method == "sendMessage"]
    edited = [r.text for r in replies if r.method == "editMessageText"]
    assert "内容较多" not in "\n".join(edited)
    assert len(sent_texts) == 1
    first = sent_texts[0]
    head = first.text.splitlines()
    assert head[0].startswith(("<b>每月现金合计", "按您填的情况，文件里没有能确定的每月现金"))  # the money first
    assert any(line.startswith("依据：柳州市的文件（柳政规〔2018〕41号") for line in head[1:5])
    labels = [b[0] for b in first.buttons()]
    assert labels[0].startswith("现金")
    assert not any("身后事" in line for line in first.text.splitlines())


async def test_a_second_check_offers_the_saved_answers(bot: Harness) -> None:
    await onboard(bot, 613, "kaifeng")
    question = [r for r in await bot.say(613, "/check") if r.buttons()][-1]
    for label in ("孩子已经离世", "只有孩子妈妈", "在本地（城镇户口）", "没有", "60岁及以上", "没有"):
        replies = await bot.tap_label(613, question, label)
        question = [r for r in replies if r.method == "editMessageText" and r.buttons()][-1]
    await bot.tap_label(613, question, "看结果")
    offer = [r for r in await bot.say(613, "/check") if r.buttons()][-1]
    assert [b[0] for b in offer.buttons()] == [ct_check.BTN_USE_SAVED, ct_check.BTN_START_OVER]
    summary = next(r for r in await bot.tap_label(613, offer, ct_check.BTN_USE_SAVED) if r.method == "sendMessage")
    assert "每月现金合计：1,430元" in summary.text  # the widow's saved answers, not a couple's
    cash = [r.text for r in await bot.tap_label(613, summary, "现金") if r.method == "sendMessage"]
    assert "三、（一）1." in "\n".join(cash)
    again = [r for r in await bot.tap_label(613, offer, ct_check.BTN_START_OVER) if r.buttons()][-1]
    assert "孩子现在的情况" in again.text


async def test_the_interview_offers_other_places(bot: Harness) -> None:
    await bot.say(614, "/start")
    question = [r for r in await bot.say(614, "/check") if r.buttons()][-1]
    assert "户口在哪个地方" in question.text
    assert ct.BTN_OTHER_PLACE in [b[0] for b in question.buttons()]
    replies = await bot.tap_label(614, question, ct.BTN_OTHER_PLACE)
    edited = [r.text for r in replies if r.method == "editMessageText"][-1]
    assert "安康市、临沂市、泰州市姜堰区、开封市、柳州市" in edited and "特别扶助" in edited
    assert await bot.storage.conversations.load(614) is None  # the interview ended


async def test_back_on_the_first_question_is_not_an_expired_button(bot: Harness) -> None:
    await onboard(bot, 615, "kaifeng")
    question = [r for r in await bot.say(615, "/check") if r.buttons()][-1]
    assert not [label for label, _ in question.buttons() if "返回" in label]  # nothing to go back to: no button
    replies = await bot.say(615, "返回上一步")  # typed anyway: a kind word, not "expired"
    assert [r.text for r in replies if r.method == "sendMessage"] == [ct_check.FIRST_QUESTION]


async def test_a_family_from_another_place_is_told_answers_are_other_places_rules(bot: Harness) -> None:
    replies = await bot.say(616, "/start")
    replies = await bot.tap(616, "r|family", replies[-1].message_id)
    await bot.tap_label(616, replies[-1], ct.BTN_OTHER_PLACE)
    asked = await bot.say(616, "住院护理补贴每天多少钱")
    assert any("哪个城市" in r.text for r in asked)  # the city first, never another city's figure unasked
    texts = sent(await bot.tap_label(616, [r for r in asked if r.buttons()][-1], ct.BTN_CITY_OTHER))
    assert texts[0].startswith(ct.NO_CITY_NOTE) and "住院护理" in "\n".join(texts)


def test_split_blocks_never_cuts_an_item_in_two() -> None:
    from bot.telegram.render import split_blocks

    items = [f"{n}. 条目{n}\n" + "   出处：" + "文" * 300 for n in range(1, 40)]
    chunks = split_blocks("\n\n".join(items), limit=1000)
    assert len(chunks) > 5 and all(len(c) <= 1000 for c in chunks)
    assert sorted(block for c in chunks for block in c.split("\n\n")) == sorted(items)
