"""Everyday sentences get everyday answers: greetings, thanks, an emoji, "who are you",
"how do I use this", "I'm from Kaifeng" (sets the city), "my hukou is in Zhengzhou" (a
place whose document we do not have), "who will look after me when I'm old" (elderly care).

Checked after distress and before the clause search, so none of these ever gets the
search's "please write your question as a sentence". Transport-independent: the caller
sends `text`, remembers `jurisdiction` when set, and follows with the clauses for
`search_query` when set.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from dialogs import conversation_templates as ct
from dialogs.feelings import feelings_reply
from knowledge.catalogue import documents, load_catalogue
from knowledge.places import find_places, read_places
from knowledge.spoken import sentences, standardize
from knowledge.text_normalize import normalize

_PARTICLES = "啊呀吗呢吧哈嘛哦噢喔了的"
GREETINGS = {"你好", "您好", "在吗", "在", "有人", "在不在", "有人吗", "哈喽", "hello", "hi", "早上好", "上午好",
             "中午好", "下午好", "晚上好", "早安", "晚安", "喂", "大家好", "你好你好", "您好您好"}
THANKS = ("谢谢", "多谢", "感谢", "谢了", "辛苦你", "辛苦了")
WHO = {"你是谁", "您是谁", "你是什么", "你是机器人", "你是真人", "你是人", "你叫什么", "你叫什么名字", "你是干什么",
       "你是做什么"}
HOW = {"怎么用", "怎么使用", "如何使用", "怎么弄", "怎么问", "怎么操作", "能做什么", "你能做什么", "你能干什么",
       "你会什么", "有什么用", "帮助", "使用说明", "说明", "help", "不会用", "我不会用", "这个怎么用"}
_ELDERLY = re.compile(r"(?:老了|动不了|走不动|病了).*(?:谁|怎么办)|(?:以后|将来).*谁(?:来)?(?:管|养|照顾)"
                      r"|谁(?:来)?(?:管|养|照顾|照看|伺候|送终)我|谁(?:来)?(?:给|帮)我养老")
ELDERLY_QUERY = "养老 照料 养老机构 优先入住"
# a message that says where the family is from and also asks something
_ASKS_SOMETHING = re.compile(r"[?？]|吗|多少|怎么|能不能|可不可以|是不是|有没有|给不给|要不要|还能|什么|哪|谁|咋|啥|几"
                            r"|还是")
# "户口在郑州" / "户籍是郑州市的"; "住在开封"; "我是开封的" / "我是郑州人" / "我在柳州".
_HUKOU = re.compile(r"户[口籍](?:是|在|落在|还在)([\u4e00-\u9fff]{2,8}?)(?:的|，|,|。|！|$|但|住|现在|人)")
_LIVES = re.compile(r"住在([\u4e00-\u9fff]{2,8}?)(?:的|，|,|。|！|$|但|户)")
_FROM = re.compile(r"^(?:我|我们|我家)(?:是|在|家在|住在|来自)([\u4e00-\u9fff]{2,8}?)(?:的|人|这边|那边)?$")
_PLACE_SUFFIXES = ("市", "县", "区", "省", "州", "旗", "盟")
_NOT_PLACES = {"农村", "城里", "城镇", "本地", "外地", "乡下", "老家", "这里", "那里", "家里", "孩子妈妈", "孩子爸爸",
               "孩子他妈", "孩子他爸", "本人", "家属", "家里人", "志愿者", "村里", "镇上"}


@dataclass(frozen=True)
class EverydayReply:
    kind: str  # greeting | thanks | feelings | who | how | city | other_city | elderly
    text: str
    jurisdiction: str | None = None  # a known city the user just told us: remember it
    search_query: str | None = None  # then show the clauses for this, in the user's city


def _core(norm: str) -> str:
    """The message without punctuation, symbols and trailing particles."""
    kept = "".join(ch for ch in norm if unicodedata.category(ch)[0] in "LN")
    return kept.rstrip(_PARTICLES) or kept


def known_city(place: str) -> str | None:
    """The code of a jurisdiction named `place` (开封, 开封市, 河南开封), else None."""
    for doc in load_catalogue():
        if place == doc.name or place in doc.aliases or place.rstrip("市县区") in doc.aliases:
            return doc.code
    return None


def _looks_like_place(place: str) -> bool:
    return place not in _NOT_PLACES and place.endswith(_PLACE_SUFFIXES) and len(place) >= 2


def _plausible_place(place: str) -> bool:
    """"户口在外地算不算" asks a condition; it names no place (郑州, without 市, does)."""
    return not any(place.startswith(w) for w in _NOT_PLACES) and not re.search(r"[算吗能可不么行]", place)


def other_city_text(place: str, lives_in: str | None) -> str:
    known = "、".join(d.name for d in documents().values())
    text = ct.OTHER_CITY.format(known=known, place=place)
    if lives_in:
        text += "\n" + ct.OTHER_CITY_LIVES_IN.format(city=documents()[lives_in].name)
    return text


def _asks_more(norm: str, statement: str) -> bool:
    """Does the message ask something besides saying where the family is from?"""
    rest = [norm[s.start:s.end] for s in sentences(norm) if statement not in norm[s.start:s.end]]
    # a short asking part ("找谁？") asks about what the sentences before it say
    return any(_ASKS_SOMETHING.search(r) for r in rest) and len(_core("".join(rest))) > 3


def _place_reply(norm: str) -> EverydayReply | None:
    hukou = _HUKOU.search(norm)
    lives = _LIVES.search(norm)
    places = read_places(standardize(norm))
    lives_code = known_city(lives.group(1)) if lives else None
    # a hukou in a county of one of our cities ("户口在三江" ... 柳州) is ours: read_places
    # governs; only a place none of the five includes is "elsewhere"
    hukou_elsewhere = hukou is not None and _plausible_place(hukou.group(1)) and not find_places(hukou.group(1)) \
        and not any(m.start >= hukou.start(1) and m.end <= hukou.end(1) for m in places.mentions)
    if places.governing and not hukou_elsewhere and (hukou or len(places.codes) > 1 or _FROM.match(_core(norm))):
        # one of ours (a county, a city one sound off, or the hukou city of two): remember
        # it, and when the message also asks something, answer that too
        ours = places.governing
        ask = norm if _asks_more(norm, hukou.group(0) if hukou else places.mentions[0].text) else None
        return EverydayReply("city", ct.CITY_SET.format(city=documents()[ours].name), jurisdiction=ours,
                             search_query=ask)
    if hukou and _plausible_place(hukou.group(1)):
        place = hukou.group(1)
        code = known_city(place)
        if code:
            return EverydayReply("city", ct.CITY_SET.format(city=documents()[code].name), jurisdiction=code)
        return EverydayReply("other_city", other_city_text(place, lives_code))
    found = _FROM.match(_core(norm) if not norm.endswith(("的", "人")) else "".join(
        ch for ch in norm if unicodedata.category(ch)[0] in "LN"))
    if found:
        place = found.group(1)
        code = known_city(place)
        if code:
            return EverydayReply("city", ct.CITY_SET.format(city=documents()[code].name), jurisdiction=code)
        if _looks_like_place(place):
            return EverydayReply("other_city", other_city_text(place, None))
    return None


def _hint(channel: str) -> str:
    return ct.CHECK_HINT_CONSOLE if channel == "console" else ct.CHECK_HINT_TELEGRAM


def everyday_reply(text: str, channel: str = "telegram", city: str | None = None) -> EverydayReply | None:
    """The fitting short reply to an everyday sentence, or None for a real question.
    `city` is the one the conversation already knows (for the help that fits a feeling)."""
    norm = normalize(text)
    core = _core(norm)
    if not core:
        if not norm:
            return None
        if all(unicodedata.category(ch)[0] == "P" for ch in norm):  # "？？？": not sure what to do
            return EverydayReply("how", ct.HOW_TO_USE.format(check_hint=_hint(channel)))
        return EverydayReply("feelings", ct.FEELINGS)  # 😭😭, 🙏: someone is there, not a query
    if core in GREETINGS or (len(core) <= 6 and core.rstrip(_PARTICLES) in GREETINGS):
        return EverydayReply("greeting", ct.GREETING)
    if any(w in core for w in THANKS) and len(re.sub("|".join(THANKS), "", core)) <= 3:
        return EverydayReply("thanks", ct.THANKS)
    if core in WHO:
        return EverydayReply("who", ct.WHO_AM_I)
    if core in HOW:
        return EverydayReply("how", ct.HOW_TO_USE.format(check_hint=_hint(channel)))
    feeling = feelings_reply(text, city)
    if feeling is not None:
        named = read_places(standardize(norm)).governing
        return EverydayReply("feelings", feeling.text, jurisdiction=named, search_query=feeling.search_query)
    place = _place_reply(norm)
    if place:
        return place
    if len(core) <= 20 and _ELDERLY.search(core):
        return EverydayReply("elderly", ct.ELDERLY_CARE_LEAD, search_query=ELDERLY_QUERY)
    return None
