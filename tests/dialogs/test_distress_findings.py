"""The crisis reply as a mother in despair met it (issue 23): her second message got the same
nine lines again, clause and all, and her slips (活着没意恩, 想si) got no reply at all. A
later reply is shorter and warmer and keeps 12356, 120 and 110, also after the bot restarts;
the search's character repair (its pinyin table, and never rewriting a known word) applies
to the distress check, and the near misses stay what they were."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from bot.terminal_chat import run_console
from dialogs.distress import ConversationDistress, distress_reply, is_distress
from tests.bot.telegram_harness import Harness
from tests.fake_bot_api import FakeBotApi

# slips of a pinyin keyboard, pinyin typed in letters, a look-alike character
SLIPS = [
    "活着没意恩",  # 恩 for 思: a look-alike
    "活着没意恩了，天天就这样",
    "活着没意si",  # the pinyin of 思, left in letters
    "想si",  # 想死, the keyboard not switched
    "我真的好想si",
    "不想活le",
    "孩子走了，我不想获了",  # 获 (huo) for 活
    "我不想或了",
]
# what is_distress decided before the repair, and still decides: everyday words with the same sounds
NEAR_MISSES = [
    "活着真有意思",
    "笑死我了",
    "累死了",
    "今天干活累死了，腰疼",
    "热死了，空调能补贴吗",
    "这个政策有意思",
    "这是什么意思",
    "我想去四川看看亲戚",
    "想四川的老家了",
    "想私下问问扶助金的事",
    "我很想念孩子",
    "一直想着他",
    "活动中心在哪",
    "我想住养老院",
    "事情还没了结",
    "想了想还是问问",
]


@pytest.mark.parametrize("text", SLIPS)
def test_sound_alike_and_look_alike_despair_is_recognised(text: str) -> None:
    assert is_distress(text)


@pytest.mark.parametrize("text", NEAR_MISSES)
def test_near_misses_are_not_distress(text: str) -> None:
    assert not is_distress(text)


def test_a_second_reply_is_shorter_warmer_and_keeps_the_numbers() -> None:
    first = distress_reply("kaifeng")
    later = [distress_reply("kaifeng", n) for n in (2, 3, 4)]
    for reply in later:
        assert "12356" in reply and "120" in reply and "110" in reply
        assert "出处" not in reply and "汴政办" not in reply  # the clause was quoted the first time
        assert len(reply) < len(first) / 2 and len(reply.splitlines()) <= 3
    assert later[0] != first and later[1] != later[0]  # never the same block twice in a row
    assert "汴政办〔2023〕24号" in first  # the first keeps everything


def test_the_terminal_counts_per_conversation_across_the_interview() -> None:
    out = io.StringIO()
    lines = ["我是开封的", "我不想活了", "查看待遇", "活着没意恩", "q", "想si", "退出"]
    assert run_console(io.StringIO("".join(f"{x}\n" for x in lines)), out) == 0
    text = out.getvalue()
    assert text.count("心理援助热线 12356") == 1  # the full reply once
    assert text.count("汴政办〔2023〕24号，三、（四）9.") == 1
    assert text.count("12356") == 3 and text.count("120 或 110") == 2  # then two short ones, numbers kept


def test_a_fresh_terminal_conversation_starts_over() -> None:
    first, second = ConversationDistress(), ConversationDistress()
    assert first.reply(None) == distress_reply(None)
    assert first.reply(None) != distress_reply(None)
    assert second.reply(None) == distress_reply(None)


async def test_telegram_second_despair_after_a_restart_gets_the_short_reply(tmp_path: Path) -> None:
    api = FakeBotApi().start()
    database = tmp_path / "data" / "bot.sqlite3"
    try:
        bot = await Harness(api, database).start()
        replies = await bot.say(701, "我不想活了")
        first = [r.text for r in replies if r.method == "sendMessage"]
        await bot.stop()
        bot = await Harness(api, database).start()  # the bot restarts between her two messages
        try:
            replies = await bot.say(701, "活着没意恩")
            second = [r.text for r in replies if r.method == "sendMessage"]
        finally:
            await bot.stop()
    finally:
        api.stop()
    assert len(first) == 1 and len(second) == 1
    assert "心理援助热线 12356" in first[0]
    assert second[0] != first[0] and len(second[0]) < len(first[0]) / 2
    assert "12356" in second[0] and "120" in second[0] and "110" in second[0]


async def test_a_new_conversation_hours_later_gets_the_full_reply_again(tmp_path: Path) -> None:
    import datetime as dt

    from bot.storage import Storage

    storage = await Storage.open(tmp_path / "s.sqlite3")
    try:
        morning = dt.datetime(2026, 11, 23, 8, 0, tzinfo=dt.UTC)
        turns = storage.conversations
        assert await turns.distress_turn(5, morning) == 1
        assert await turns.distress_turn(5, morning + dt.timedelta(minutes=5)) == 2
        assert await turns.distress_turn(5, morning + dt.timedelta(hours=1)) == 3
        assert await turns.distress_turn(5, morning + dt.timedelta(hours=12)) == 1  # another day's talk
        assert await turns.distress_turn(6, morning) == 1  # per person
    finally:
        await storage.close()
