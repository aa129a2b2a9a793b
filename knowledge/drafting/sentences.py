"""A clause's text cut into sentences (at 。 ； and line ends), with their offsets, and a
sentence cut into its comma phrases (outside parentheses)."""

from __future__ import annotations

import re
from dataclasses import dataclass

_STOP = re.compile(r"[。；;\n]")
_UNITS_NOTE = re.compile(r"^（(?:牵头单位|责任单位)")


@dataclass(frozen=True)
class Sentence:
    text: str
    start: int  # offset in the clause text


@dataclass(frozen=True)
class Phrase:
    text: str
    start: int  # offset in the sentence
    end: int


def sentences(text: str) -> list[Sentence]:
    """The sentences of a clause text; responsibility notes （责任单位：…） are left out."""
    out: list[Sentence] = []
    start = 0
    for m in [*_STOP.finditer(text), None]:
        end = m.start() if m else len(text)
        piece = text[start:end]
        stripped = piece.strip()
        if stripped and not _UNITS_NOTE.match(stripped):
            lead = len(piece) - len(piece.lstrip())
            out.append(Sentence(stripped, start + lead))
        if m:
            start = m.end()
    return out


def phrases(sentence: str) -> list[Phrase]:
    """The comma phrases of a sentence; commas inside parentheses do not cut."""
    out: list[Phrase] = []
    depth, start = 0, 0
    for i, ch in enumerate(sentence):
        if ch in "（(":
            depth += 1
        elif ch in "）)":
            depth = max(0, depth - 1)
        elif ch in "，," and depth == 0:
            out.append(Phrase(sentence[start:i], start, i))
            start = i + 1
    out.append(Phrase(sentence[start:], start, len(sentence)))
    return out


def split_list(text: str) -> list[str]:
    """A 、-separated list, outside parentheses: 分散安置、集中安置（占天占地、一户一宅）、楼房化安置."""
    items, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch in "（(":
            depth += 1
        elif ch in "）)":
            depth = max(0, depth - 1)
        elif ch == "、" and depth == 0:
            items.append(text[start:i])
            start = i + 1
    items.append(text[start:])
    return items
