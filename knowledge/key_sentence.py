"""Which sentence of a clause answers this family (the `sentence` / highlighted 原文).

A clause often holds one sentence per situation (Linyi 二、（二）: 失独 500 元; 伤残 300 元),
opens with a title sentence (建立完善住院护理补贴保险制度。), or lists sums per situation in
one comma-separated sentence (夫妻双方…1万元，夫妻一方…0.5万元). Counting matched words
alone would show a disabled child's family the deceased child's figure; here a sentence
naming only another situation is never chosen, substance beats a title, and with no
situation stated each situation's sentence is offered with its condition.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from knowledge.situation import (
    DIMENSIONS,
    SentenceSituation,
    Situation,
    conflicts,
    document_pattern,
    exclusive_value,
    names_several,
    read_sentence,
    specific_matches,
)
from knowledge.text_normalize import normalize

SENTENCE_END = re.compile(r"(?<=[。；！？])|\n")
AMOUNT_STATED = re.compile(r"\d+(?:\.\d+)?万?元")
_PERIODS_ASKED = (("month", re.compile(r"每月|每个月|一个月|月月|按月|月")), ("year", re.compile(r"每年|一年")),
                  ("once", re.compile(r"一次性|一次")), ("day", re.compile(r"每天|一天|每日")))
PERIOD_WORDS = {"month": re.compile(r"每月|月"), "year": re.compile(r"每年|年"), "once": re.compile(r"一次"),
                "day": re.compile(r"每日|每天|日")}
_NUMBERING = re.compile(r"^\s*(?:[（(][一二三四五六七八九十]+[)）]|[一二三四五六七八九十]+、|\d+[.．、])\s*")
# a sentence naming exactly the family's situation counts this much more than a neutral one
SPECIFIC_BONUS = 0.5


def asked_period(question: str) -> str | None:
    """The period a money question asks about (每个月 -> month), if it names one."""
    return next((period for period, pattern in _PERIODS_ASKED if pattern.search(question)), None)


@lru_cache(maxsize=8192)
def doc_norm(text: str) -> str:
    """Normalised document text (cached: the same clauses and sentences recur in every search)."""
    return normalize(text)


@dataclass(frozen=True)
class Alternative:
    """A clause's sentence for one situation (dimension=value), shown when the question
    states none, so each family reads the figure with its own condition."""

    dimension: str
    value: str
    sentence: str


@dataclass(frozen=True)
class KeySentence:
    sentence: str  # "" when the clause has nothing for the family's situation
    fits: bool
    none_for_situation: bool
    alternatives: tuple[Alternative, ...]


@dataclass
class _Unit:
    """One sentence (or ；-part) of a clause, read for situation and relevance."""

    text: str
    situation: SentenceSituation
    index: int
    value: float = 0.0
    heading: bool = False


def choose(text: str, situation: Situation, wants_amount: bool, value: Callable[[str], float]) -> KeySentence:
    """The sentence that answers this family: fitting its situation, with substance.

    `value` scores a sentence's relevance to the question (matched words, a sum of the
    period asked about). A sentence naming only another situation is never chosen; a title
    sentence gives way to one with the amount, service or condition.
    """
    units = [_Unit(t, read, i, value(t), heading) for t, read, i, heading in _sentences(text)]
    related = [u for u in units if u.value > 0 and not u.heading] or [u for u in units if u.value > 0] or units
    fitting = [u for u in units if not conflicts(situation, u.situation)]
    if not fitting or (all(u.heading for u in fitting) and len(fitting) < len(units)):
        # nothing for this family, or only a title sentence while the substance is for others
        return KeySentence("", False, True, ())
    candidates = [u for u in fitting if u.value > 0 and not u.heading]
    if not candidates and situation and any(u.value > 0 and not u.heading for u in units):
        # the clause's substance is all for other families; its title sentence is no answer
        return KeySentence("", False, True, ())
    candidates = candidates or [u for u in fitting if u.value > 0] or fitting
    best = max(candidates, key=lambda u: (u.value * (1 + SPECIFIC_BONUS * specific_matches(situation, u.situation)),
                                          -u.index))
    sentence = _narrow(best.text, situation, best.situation)
    none_here = bool(situation) and wants_amount and not AMOUNT_STATED.search(doc_norm(sentence)) and any(
        conflicts(situation, u.situation) and AMOUNT_STATED.search(doc_norm(u.text)) for u in related)
    alternatives = () if none_here else _alternatives(situation, related, best)
    return KeySentence(sentence, True, none_here, alternatives)


@lru_cache(maxsize=4096)
def _sentences(text: str) -> tuple[tuple[str, SentenceSituation, int, bool], ...]:
    """A clause's sentences, each with its situation, position and whether it is the
    clause's title (cached: the same clauses are read in every search)."""
    parts = [(s.strip(), read_sentence(s), i) for i, s in enumerate(SENTENCE_END.split(text)) if s.strip()]
    if not parts:
        parts = [(text.strip(), read_sentence(text), 0)]
    return tuple((t, read, i, i == 0 and len(parts) > 1 and _is_heading(t)) for t, read, i in parts)


def _is_heading(sentence: str) -> bool:
    """A clause's opening title sentence (建立完善住院护理补贴保险制度。): short, no substance."""
    body = _NUMBERING.sub("", sentence).strip()
    return len(body) <= 24 and not re.search(r"\d|元", body)


def _narrow(sentence: str, situation: Situation, read: SentenceSituation) -> str:
    """Within a sentence that lists several situations' figures with commas (夫妻双方…1万元，
    夫妻一方…0.5万元), keep the part for the question's situation, with the shared opening."""
    for name in names_several(situation, read):
        pattern = document_pattern(name, situation.get(name) or "")
        parts = re.split(r"(?<=，)", sentence)
        starts = [i for i, p in enumerate(parts) if any(document_pattern(name, v).search(doc_norm(p))
                                                        for v in read.named[name])]
        if len(starts) < 2:
            continue
        mine = [i for i in starts if pattern.search(doc_norm(parts[i]))]
        if not mine:
            continue
        begin = mine[0]
        end = next((i for i in starts if i > begin), len(parts))
        chosen = "".join(parts[begin:end]).rstrip("，")
        prefix = "".join(parts[:starts[0]])
        if prefix and starts[0] == begin:
            return (prefix + chosen).strip()
        return (prefix + "……" + chosen).strip() if prefix else chosen.strip()
    return sentence


def _alternatives(situation: Situation, related: list[_Unit], best: _Unit) -> tuple[Alternative, ...]:
    """When the question leaves a dimension open and the clause answers it per situation
    (the best sentence is for one value only), one sentence per value, each with its value."""
    for dim in DIMENSIONS:
        if situation.get(dim.name) or exclusive_value(best.situation, dim.name) is None:
            continue
        per_value: dict[str, _Unit] = {}
        for unit in sorted(related, key=lambda u: -u.value):
            value = exclusive_value(unit.situation, dim.name)
            if value and not conflicts(situation, unit.situation):
                per_value.setdefault(value, unit)
        if len(per_value) >= 2:
            ordered = [v for v in dim.document if v in per_value]
            return tuple(Alternative(dim.name, v, per_value[v].text) for v in ordered)
    return ()
