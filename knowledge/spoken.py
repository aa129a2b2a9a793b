"""Spoken messages: dialect words in standard form, and the asking part of a story.

A real message is mostly story ("老伴住院那会儿，邻居说……，我去银行问……") with the
question in one sentence of it. The search weighs the sentences that ask (吗, 多少, 怎么,
能不能, 是不是, 咋, 啥, a question mark) over the narrative; a message with no asking
sentence asks with its last one. Dialect words (俺, 闺女, 晓得, 几多钱) are first put in
standard form from the reviewed table `lexicon/dialect.yaml`, so the synonyms and the
situation reader see the words they know.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from knowledge.yaml_data import load_yaml


class DialectTableError(ValueError):
    """The dialect table maps one form twice (YAML would silently keep the last)."""


@cache
def _dialect() -> tuple[re.Pattern[str], dict[str, str], tuple[tuple[re.Pattern[str], str], ...]]:
    data = load_yaml(resources.files("knowledge").joinpath("lexicon", "dialect.yaml").read_text("utf-8")) or {}
    plain: dict[str, str] = {}
    guarded: list[tuple[re.Pattern[str], str]] = []
    for standard, forms in data.items():
        for form in forms:
            form = str(form)
            if form.startswith("/") and form.endswith("/") and len(form) > 2:
                guarded.append((re.compile(form[1:-1]), str(standard)))
                continue
            if form in plain:
                raise DialectTableError(f"dialect form {form!r} is listed under {plain[form]!r} and {standard!r}")
            plain[form] = str(standard)
    for standard in data:  # the standard word itself is kept whole: 么时候 is not rewritten inside 什么时候
        plain.setdefault(str(standard), str(standard))
    alternation = re.compile("|".join(re.escape(f) for f in sorted(plain, key=lambda f: (-len(f), f))))
    return alternation, plain, tuple(guarded)


def standardize(norm: str) -> str:
    """Dialect and plain-speech words in their standard form (俺闺女没了 -> 我女儿没了)."""
    alternation, plain, guarded = _dialect()
    out = alternation.sub(lambda m: plain[m.group(0)], norm)
    for pattern, standard in guarded:
        out = pattern.sub(standard, out)
    return out


# Courtesy and hedges around a question: thanks and blessings, an apology for slow typing,
# "we don't want to trouble the government", "everyone in the village says something else,
# I don't know whom to believe", "I asked in several places and nobody could say". They say
# how the family feels about asking, never what it asks: the search reads past them.
_COURTESY = re.compile(
    r"(?:先|提前)?(?:谢谢|多谢|感谢)(?:你|您|你们|大家)?(?:了|啦)?(?:[,，]?好人一生平安)?|好人一生平安|辛苦(?:你|您)了"
    r"|(?:我|俺)?(?:眼睛花了|眼神不好|手抖)[,，]?(?:字|打字)打?得?(?:慢|不好)[,，]?(?:你|您)?(?:多担待|多包涵|别见怪)?"
    r"|(?:你|您)?(?:多担待|多包涵|别见怪|见谅)"
    r"|(?:我们|我|俺们|俺)?也?不想给(?:政府|国家|你们|人家)?添麻烦[,，]?(?:就是|可是|但)?实在没(?:有)?办法了?"
    r"|(?:村里人|别人|大家|人家)说法都不一样[,，]?(?:我|俺)?也?不知道(?:该)?信谁"
    r"|问了好几个地方都说不清楚|(?:我|俺)?也不太会打字[,，]?让[^,，。]{1,4}帮着问的"
    # who said it ("村里人说我们这样的能享受…", "听邻居说…", "村干部说要等…", "听社区的人说有个…"):
    # the hearsay is asked about, never its teller (a cadre or an office is no topic of the question)
    r"|(?:听)?(?:村里人|村里的人|邻居|别人|旁人|亲戚|人家|朋友|老乡|村干部|村里干部|村长|村支书|支书|村主任"
    r"|(?:社区|街道|镇上|镇里|乡里|村委会?|居委会?)(?:里)?的?(?:人|干部|工作人员)|工作人员|网格员|计生专干)"
    r"(?:都|也|又)?说(?=[^,，。?？!！]{4,})")


def courtesy_spans(norm: str) -> list[tuple[int, int]]:
    """Where the message only thanks, apologises or hedges (see _COURTESY)."""
    return [m.span() for m in _COURTESY.finditer(norm) if m.end() > m.start()]


def blank_courtesy(norm: str) -> str:
    """The message with its courtesy and hedges replaced by "|" (same length, like places)."""
    chars = list(norm)
    for start, end in courtesy_spans(norm):
        chars[start:end] = "|" * (end - start)
    return "".join(chars)


# what marks a sentence as the one that asks
# "没怎么回去过", "不怎么出门" say "hardly", and "怕哪天倒了", "万一哪天" say "some day": no question
_ASKING = re.compile(r"[?？]|吗|嘛|么$|呢|多少|(?<![好前这那十头])几[个块千百万岁月年号天]|(?<![没不])怎么|怎样|如何"
                     r"|能不能|可不可以|可以不"
                     r"|是不是|有没有|给不给|要不要|算不算|行不行|会不会|还能|能否|能领|能拿|能给|能享受|能办|能住|什么"
                     r"|(?<![怕万一])哪[里儿个些天]|谁|咨询|请问|问一下|问问|想知道|想问|求问|需要什么|要什么|办理")
_SENTENCE = re.compile(r"[^,，。.;；!！?？\n]+[,，。.;；!！?？\n]*")


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    asking: bool


def sentences(norm: str) -> list[Sentence]:
    """The message cut at punctuation, each part marked asking or not. A part that asks
    takes the part before it in the same sentence along ("孩子是残疾，要残到几级才算":
    the comma only pauses). When no part asks, the last sentence does (a message ends with
    what it wants: "...想问下养老院的事")."""
    parts = [(m.start(), m.end()) for m in _SENTENCE.finditer(norm) if m.group(0).strip(",，。.;；!！?？\n|")]
    if not parts:
        return []
    asking = [bool(_ASKING.search(norm[s:e])) for s, e in parts]
    if not any(asking):
        asking[-1] = True
    asks_itself = list(asking)
    for k in range(1, len(parts)):  # one clause back, never a chain
        if asks_itself[k] and norm[parts[k - 1][1] - 1] in ",，":
            asking[k - 1] = True
    return [Sentence(s, e, a) for (s, e), a in zip(parts, asking, strict=True)]


def asking_positions(norm: str) -> frozenset[int]:
    """The character positions of the asking sentences (all of a one-sentence message)."""
    return frozenset(i for s in sentences(norm) if s.asking for i in range(s.start, s.end))


# A part of a message that only says where the family lives now ("这几年在青岛租房子住", "在广东东莞
# 打工住了好多年", "我现在住在柳州的养老院里"): in a message naming two places it tells which
# city's rule applies (the hukou city's: knowledge/places.py), never what is asked. Where the
# hukou is ("户口在三江") stays a topic: whether the benefit follows the hukou is often the question.
_WHERE_LIVING = re.compile(r"住(?=在|了|着|到|这|那|[,，。.;；!！?？\n]|$)|租房|打工|务工|带孙|待了|呆了")
_AT_PLACE = re.compile(r"(?:在|住在|待在|呆在)$")
_PART = re.compile(r"[^,，。.;；!！?？\n]+[,，。.;；!！?？\n]*")


def where_parts(norm: str, place_spans: list[tuple[int, int]]) -> frozenset[int]:
    """The positions of the parts that only say where the family lives: a part that puts the
    family at one of `place_spans` (在青岛, 住在柳州) and says it lives or works there (住,
    租房, 打工), and does not itself ask."""
    out: set[int] = set()
    for m in _PART.finditer(norm):
        start, end = m.span()
        if not any(start <= s < end and _AT_PLACE.search(norm[start:s]) for s, _ in place_spans):
            continue
        part = m.group(0)
        if not _ASKING.search(part) and _WHERE_LIVING.search(part):
            out.update(range(start, end))
    return frozenset(out)


_REGISTERED = re.compile(r"(?:户口|户籍)(?:本|也|还|都|一直|就)*(?:在|是|落在)")


def registered_parts(norm: str) -> frozenset[int]:
    """The positions of the parts that say where the family's hukou is ("户口在三江"): in a
    message that also says the family lives elsewhere, the rule of the hukou is what the
    question turns on (does the benefit follow the hukou), so these parts are asked."""
    return frozenset(i for m in _PART.finditer(norm) if _REGISTERED.search(m.group(0)) for i in range(*m.span()))

