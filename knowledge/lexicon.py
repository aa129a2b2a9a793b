"""The search vocabulary: domain dictionary, stopwords, colloquial synonyms, pinyin table.

These are reviewed data files in `knowledge/lexicon/`; this module only loads them and
sets up jieba once (quietly, with the domain terms added so 住院护理补贴保险 stays one word).
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from importlib import resources

import jieba

from knowledge.text_normalize import normalize
from knowledge.yaml_data import load_yaml

jieba.setLogLevel(logging.WARNING)


def _read(name: str) -> str:
    return resources.files("knowledge").joinpath("lexicon", name).read_text(encoding="utf-8")


def _lines(name: str) -> list[str]:
    return [ln.strip() for ln in _read(name).splitlines() if ln.strip() and not ln.startswith("#")]


@dataclass(frozen=True)
class Lexicon:
    domain_terms: tuple[str, ...]
    stopwords: frozenset[str]
    # phrases that ask for a kind of answer (多少钱, 免费) and do not count for coverage
    intents: frozenset[str]
    # document terms about the family's situation (死亡, 子女, 夫妻), see situation_words.txt
    situation: frozenset[str]
    # (phrase, document terms), longest phrase first: synonyms.yaml one way, equivalents.yaml both ways
    synonyms: tuple[tuple[str, tuple[str, ...]], ...]
    # character -> toneless pinyin readings, most common first
    pinyin: dict[str, tuple[str, ...]]
    # one-character words the general dictionary tags as something other than a noun (跑 v,
    # 满 a, 当 t): alone in a question they colour it rather than name its topic
    lone_non_nouns: frozenset[str] = frozenset()

    def readings(self, ch: str) -> tuple[str, ...]:
        return self.pinyin.get(ch, (ch,))

    def primary(self, ch: str) -> str:
        return self.readings(ch)[0]

    def sounds_like(self, typed: str, intended: str) -> bool:
        """Could a pinyin IME have produced `typed` when the user meant `intended`?

        The user types the intended character's usual reading and picks a wrong
        character that has that reading among its own (藏 for 葬: zang).
        """
        return typed == intended or self.primary(intended) in self.readings(typed)


@cache
def load_lexicon() -> Lexicon:
    terms = tuple(ln.split()[0] for ln in _lines("domain_terms.txt"))
    stopwords = frozenset(w for ln in _lines("stopwords.txt") for w in ln.split())
    expansions: dict[str, list[str]] = defaultdict(list)
    for canonical, phrases in (load_yaml(_read("synonyms.yaml")) or {}).items():
        for phrase in phrases:
            key = normalize(str(phrase))
            if str(canonical) not in expansions[key]:
                expansions[key].append(str(canonical))
    for group in load_yaml(_read("equivalents.yaml")) or []:
        members = [str(m) for m in group]
        for member in members:
            key = normalize(member)
            for other in members:
                if other != member and other not in expansions[key]:
                    expansions[key].append(other)
    synonyms = tuple(sorted(((k, tuple(v)) for k, v in expansions.items()), key=lambda kv: -len(kv[0])))
    pinyin = {ch: tuple(readings.split(",")) for ch, readings in (ln.split("\t") for ln in _lines("pinyin.txt"))}
    intents = frozenset(normalize(w) for ln in _lines("intent_words.txt") for w in ln.split())
    situation = frozenset(w for ln in _lines("situation_words.txt") for w in ln.split())
    return Lexicon(terms, stopwords, intents, situation, synonyms, pinyin, _lone_non_nouns())


def _lone_non_nouns() -> frozenset[str]:
    """One-character entries of the compact jieba dictionary whose part of speech is not a noun."""
    return frozenset(_LONE_NON_NOUN.findall(_read("jieba_dict.txt")))


@cache
def nouns() -> frozenset[str]:
    """Entries of the compact jieba dictionary tagged as nouns (小吃 n, 椅 ng, 门 n)."""
    return frozenset(_NOUN.findall(_read("jieba_dict.txt")))


_NOUN = re.compile(r"^(\S+) \d+ n\S*$", re.MULTILINE)
# "跑 11414 v": one character, a frequency, a tag not starting with n
_LONE_NON_NOUN = re.compile(r"^(\S) \d+ (?!n)\S+$", re.MULTILINE)


@cache
def tokenizer() -> jieba.Tokenizer:
    """jieba with the compact main dictionary plus the domain terms (loaded once).

    The compact dictionary (tools/make_jieba_dict.py) loads in well under 0.1 s where
    jieba's full one takes about a second, which matters for `python -m bot ask`.
    """
    tk = jieba.Tokenizer(str(resources.files("knowledge").joinpath("lexicon", "jieba_dict.txt")))
    for line in _lines("domain_terms.txt"):
        word, *freq = line.split()
        tk.add_word(word, int(freq[0]) if freq else None)
    for phrase, _ in load_lexicon().synonyms:
        if len(phrase) > 1:
            tk.add_word(phrase, 2000)
    return tk
