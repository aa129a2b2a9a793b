"""A 50-80-year-old parent typing in WeChat the way such parents type: answering the consent
question "可以保存吗？" in words, copying the menu's "4. 开封市" as "4.", Chinese numerals,
WeChat's own sticker codes ("[强]", "[抱拳]") that arrive as text."""

from __future__ import annotations

import pytest

from bot.storage import Storage
from tests.bot.wechat.test_wechat_channel import MOTHER, Phone, client_for


@pytest.mark.parametrize("typed", ["可以", "好的", "同意", "可以的"])
async def test_the_consent_question_answered_in_everyday_words(storage: Storage, typed: str) -> None:
    async with client_for(storage) as c:
        mother = Phone(c, MOTHER)
        assert "可以保存吗" in await mother.event("subscribe")
        answer = await mother.say(typed)
        user = await storage.wechat_users.get(MOTHER)
        assert user is not None and user.consent, answer
        assert "问题：" not in answer  # not searched in the regulations as a question


@pytest.mark.parametrize("typed", ["4.", "4。", "4、", "４．", "4 。"])
async def test_a_number_typed_the_way_the_menu_shows_it(storage: Storage, typed: str) -> None:
    """The menu reads "4. 开封市"; she answers "4." (or with a Chinese full stop)."""
    async with client_for(storage) as c:
        mother = Phone(c, MOTHER)
        assert "4. 开封市" in await mother.say("查待遇")
        assert "孩子现在的情况" in await mother.say(typed)


@pytest.mark.parametrize("typed", ["1.", "1。"])
async def test_the_consent_number_typed_with_a_full_stop(storage: Storage, typed: str) -> None:
    async with client_for(storage) as c:
        mother = Phone(c, MOTHER)
        assert "1. 可以保存" in await mother.event("subscribe")
        await mother.say(typed)
        user = await storage.wechat_users.get(MOTHER)
        assert user is not None and user.consent


@pytest.mark.parametrize("typed", ["四", "第四个", "④", "选4"])
async def test_a_choice_typed_as_a_chinese_numeral(storage: Storage, typed: str) -> None:
    async with client_for(storage) as c:
        mother = Phone(c, MOTHER)
        assert "4. 开封市" in await mother.say("查待遇")
        assert "孩子现在的情况" in await mother.say(typed)


@pytest.mark.parametrize("typed", ["[强]", "[抱拳]", "[OK]", "[玫瑰][玫瑰]谢谢"])
async def test_a_wechat_sticker_code_is_not_searched_as_a_policy_question(storage: Storage, typed: str) -> None:
    """WeChat sends its built-in emoticons as text codes; a thumbs-up after an answer is a
    thank-you, answered kindly like "👍" or "谢谢", not "抱歉，文件里没有找到…"."""
    async with client_for(storage) as c:
        answer = await Phone(c, MOTHER).say(typed)
        assert "没有找到" not in answer and "问题：" not in answer, answer


async def test_stickers_voice_and_pictures_in_the_middle_of_the_interview_keep_the_place(storage: Storage) -> None:
    """Held up: a picture, an emoji, a voice message without recognised text mid-interview
    answer without losing the question she is on; full-width digits and spaces still count."""
    async with client_for(storage) as c:
        mother = Phone(c, MOTHER)
        await mother.say("查待遇")
        assert "孩子现在的情况" in await mother.say(" ４ ")
        picture = mother.read(await mother.post(mother.xml("image", "<PicUrl>http://x/p</PicUrl>", 9_100)))
        assert "只能看懂文字" in picture
        voice = mother.read(await mother.post(mother.xml("voice", "<MediaId>m</MediaId><Format>amr</Format>", 9_101)))
        assert "12356" in voice
        await mother.say("😭😭")
        assert "家里现在是夫妻两人" in await mother.say("1")  # still the second question: 孩子已经离世
