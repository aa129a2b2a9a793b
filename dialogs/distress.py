"""Recognise despair and thoughts of dying in a user's message, before any search, and
build the warm reply: understanding first, the 12356 hotline, 120 / 110 for danger now,
and the user's city's own clause on psychological help, cited like every other answer.

Explainable patterns, no model: each phrasing family is a regular expression over the
normalised text (simplified, no spaces), after repairing the homophone typos a pinyin
keyboard makes in these words (不想或了 -> 不想活了). False alarms are excluded where the
same characters are everyday words (不想活动, 生活不能自理, 死亡 in a policy question,
想死你们了). What the person wrote is never logged or stored: callers count, never quote.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from dialogs import conversation_templates as ct
from knowledge.catalogue import get_document
from knowledge.clauses import load_clauses
from knowledge.lexicon import load_lexicon, tokenizer
from knowledge.text_normalize import normalize

# Pinyin-keyboard slips seen in these words: same sound, wrong character.
_HOMOPHONES = str.maketrans({"或": "活", "火": "活", "伙": "活", "相": "想", "像": "想", "享": "想",
                             "者": "着", "著": "着", "拉": "了", "啦": "了", "捱": "熬", "思": "死"})
# 思 only counts as 死 inside the fixed phrasings below (想思 / 去思); 意思 is restored first.
_PUNCT = r"[，。！!？?…,.~～、 ]"
_END = rf"(?=$|{_PUNCT}|了(?:$|{_PUNCT})|算了|吧|呀|啊)"
_KIN = r"(?:我的?|我家)?(?:孩子|儿子|女儿|闺女|娃|孩|他|她|宝宝|儿|崽)"
_PATTERNS = tuple(re.compile(p) for p in (
    r"不[想要愿]再?活(?!动|跃|泼|儿|计|到)",
    r"(?:活|过)不下去",
    r"没法(?:再)?活",
    r"活(?:着|下去)?(?:还|又)?(?:有|还有)?(?:什么|啥|个啥)(?:意思|意义|盼头|奔头|用)",
    r"活着?(?:真|也|都)?没(?:有)?(?:意思|意义|劲|盼头|奔头|指望|念想)",
    r"活(?:够|腻)了",
    r"生无可恋|了无生趣|一了百了|寻短见|想不开|轻生|自杀|自尽|寻死|求死|等死",
    r"(?<![笑累热饿困冷气吓忙烦美乐])想(?:去)?死(?![你您亡者因后])",
    r"(?<![笑累热饿困冷气吓忙烦美乐])要(?:去)?死了?" + _END,
    r"不如死|死了(?:算了|好|倒好|也好|拉倒|干净|一了百了)|死了才好|早点死|早死早",
    r"结束(?:自己|我)?的?(?:生命|性命)|了结(?:自己|我)|离开这个世界|不想(?:再)?醒",
    r"(?:随|跟|陪|和)着?" + _KIN + r"(?:一起|一块)?(?:而去|去|走)了?" + _END,
    r"(?:下去|去|想)(?:那边|那头|地下)?(?:陪|找|见)" + _KIN + r"(?:他们|她们|他爸|她爸|他妈|她妈)?" + _END,
    r"(?:去|到)(?:那边|那头|地下|天上)(?:去)?(?:陪|找|见)",
    r"(?:熬|撑|挺|扛)不(?:下去|住了|过去了)",
    r"(?:跳楼|跳河|喝农药|想喝药|吃安眠药|上吊|割腕)",
    r"一死|死了之|活不成|走了算了|死了也没人",
    r"活着(?:太|真|好|很|实在)?(?:累|苦|受罪|煎熬)",
    r"(?:人生|日子|活着|生活)(?:真|也|都)?没(?:有)?(?:意义|盼头|奔头|指望)",
    r"没(?:什么|啥|有)?(?:可)?留恋",
    r"(?:我|人|心|精神)(?:都|快|要|真的?)?崩溃",
    r"不想(?:再)?(?:留|待|呆|活)?在(?:这个)?世上",
    r"(?<![想要愿])不活了|没(?:有)?(?:活头|活路)了?" + _END + r"|没(?:有)?(?:盼头|奔头)了?",
    r"想.{0,3}撞死|一头撞死",
    r"(?:我|俺)(?:也|真)?想走了" + _END + r"|早点走了?(?:好|算了|也好)",
    r"不想(?:再)?(?:熬|撑|挺|扛)(?:了|下去)",
    r"(?:日子|生活)(?:真|也|都|实在)?没法(?:再)?过",
))
_RESTORE = (("意死", "意思"), ("死念", "思念"), ("死考", "思考"), ("心死", "心思"), ("相死", "想死"))


def _prepared(text: str) -> str:
    norm = normalize(text).translate(_HOMOPHONES)
    for wrong, right in _RESTORE:
        norm = norm.replace(wrong, right)
    return norm


# The characters despair is written with, in the order a sound is read as (死 before 思:
# "想si" is 想死; "意死" is put back to 意思 by _RESTORE).
_VOCABULARY = "活死想着了熬撑思"
# Look-alike slips (a handwriting keyboard, poor eyesight): a character that looks like one
# of the words above. Only in this check; the search never sees it.
_LOOKALIKE = str.maketrans({"恩": "思"})
_LATIN = re.compile(r"[a-z]+")


@cache
def _by_sound() -> dict[str, str]:
    """Toneless pinyin -> the vocabulary character read that way (the search's pinyin table)."""
    lexicon = load_lexicon()
    out: dict[str, str] = {}
    for ch in _VOCABULARY:
        for reading in lexicon.readings(ch):
            out.setdefault(reading, ch)
    return out


def _repaired(norm: str) -> str:
    """The message with sound-alike and look-alike slips read as the words of despair they
    stand for: pinyin typed in letters (不想活le, 想si), a character a pinyin keyboard offers
    for the same sound (不想获了), a look-alike (没意恩). The search's own rules apply: its
    pinyin table (`Lexicon.sounds_like`) decides what sounds alike, and a character inside a
    word the dictionary knows is never rewritten (想四川 stays 四川, 快乐 stays 快乐)."""
    sounds = _by_sound()
    text = _LATIN.sub(lambda m: sounds.get(m.group(), m.group()), norm)
    lexicon = load_lexicon()
    chars = list(text)
    for word, start, end in tokenizer().tokenize(text):
        if end - start != 1 or word in _VOCABULARY:
            continue
        looks = word.translate(_LOOKALIKE)
        if looks != word:
            chars[start] = looks
            continue
        heard = next((v for v in _VOCABULARY if lexicon.sounds_like(word, v)), None)
        if heard is not None:
            chars[start] = heard
    repaired = "".join(chars)
    for wrong, right in _RESTORE:
        repaired = repaired.replace(wrong, right)
    return repaired


def is_distress(text: str) -> bool:
    """True when the message expresses despair or thoughts of dying (see the test list),
    as typed or once its sound-alike and look-alike slips are repaired."""
    norm = _prepared(text)
    return any(p.search(norm) for p in _PATTERNS) or any(p.search(_repaired(norm)) for p in _PATTERNS)


# Where each document speaks of psychological help: a locating phrase, not the text. The
# clause and its verbatim sentence are looked up in the clause tree at run time.
PSYCH_HELP_PHRASES = {
    "kaifeng": "心理干预服务", "jiangyan": "专业心理援助团队", "liuzhou": "心理援助行动",
    "linyi": "心理辅导专业队伍", "ankang": "心理健康咨询中心",
}
_SENTENCE = re.compile(r"[^。；]*[。；]?")


@dataclass(frozen=True)
class CitedSentence:
    """One verbatim sentence with everything a citation needs."""

    doc: str
    clause_id: str
    path: str
    sentence: str


@cache
def psych_help_clause(jurisdiction: str) -> CitedSentence | None:
    """The smallest clause of the city's document that contains its psychological-help
    phrase, and the sentence in it that says so (None for an unknown city)."""
    phrase = PSYCH_HELP_PHRASES.get(jurisdiction)
    if phrase is None:
        return None
    found = [c for c in load_clauses() if c.doc == jurisdiction and c.answerable and phrase in c.text]
    if not found:
        return None
    clause = max(found, key=lambda c: (c.level, -len(c.text)))
    sentence = next(s for s in _SENTENCE.findall(clause.text) if phrase in s)
    return CitedSentence(clause.doc, clause.id, clause.path, sentence.strip())


def distress_reply(jurisdiction: str | None, nth: int = 1) -> str:
    """The reply, in a few short paragraphs (plain text; the transport escapes it). `nth`
    is which despairing message of the conversation this is: the first gets everything
    (warmth, 12356, 120 / 110, the city's clause); later ones a few warm lines that keep
    the numbers, rather than the same nine lines again."""
    if nth > 1:
        return ct.DISTRESS_AGAIN[(nth - 2) % len(ct.DISTRESS_AGAIN)]
    parts = [ct.DISTRESS_OPENING, ct.DISTRESS_HOTLINE, ct.DISTRESS_DANGER]
    cited = psych_help_clause(jurisdiction) if jurisdiction else None
    if cited is None:
        parts.append(ct.DISTRESS_NO_CITY)
    else:
        doc = get_document(cited.doc)
        parts.append(ct.DISTRESS_CITY_INTRO.format(city=doc.name) + "\n" + ct.DISTRESS_CITY_CLAUSE.format(
            number=doc.number or ct.NO_NUMBER, path=cited.path, sentence=cited.sentence,
            dated=ct.DATED_DRAFT if doc.is_draft else ct.DATED_IN_FORCE.format(date=doc.date_label)))
    parts.append(ct.DISTRESS_STAY)
    return "\n\n".join(parts)


class DistressCounter:
    """How many distress messages were answered: a number for operators, never the text."""

    def __init__(self) -> None:
        self.count = 0

    def record(self) -> int:
        self.count += 1
        return self.count


DISTRESS_COUNTER = DistressCounter()


class ConversationDistress:
    """Despairing messages in one conversation held in memory (the terminal: it ends with
    the process). Telegram keeps the count in storage (Conversations.distress_turn)."""

    def __init__(self) -> None:
        self.seen = 0

    def reply(self, jurisdiction: str | None) -> str:
        """Count this message and return the reply that fits its place in the conversation."""
        self.seen += 1
        DISTRESS_COUNTER.record()
        return distress_reply(jurisdiction, self.seen)
