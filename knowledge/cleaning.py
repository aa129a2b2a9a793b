"""Turn a raw extracted document into clean paragraphs, keeping an audit trail.

The sources were extracted from PDF and Word files. Page breaks leave blank lines in the
middle of sentences, titles are spaced out for layout, and a few artefacts survive (a Word
bookmark tag, a footnote mark). Answers quote the documents verbatim, so the cleaning must
only undo layout, never edit wording; every join and every erratum is recorded so a
reviewer can check it against the raw text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from knowledge.yaml_data import load_yaml

# Layout artefacts: Word's bookmark tag and superscript footnote marks.
_BOOKMARK = re.compile(r"\[bookmark:[^\]]*\]")
_FOOTNOTE = re.compile(r"[¹²³⁴⁵⁶⁷⁸⁹⁰]+")
# Chinese characters and full-width / Chinese punctuation: spaces next to these are layout.
_CJK = r"\u3000-\u303f\u3400-\u9fff\uff00-\uffef\u2018-\u201d\u2026\u2014"
_SPACE_NEAR_CJK = re.compile(rf"(?<=[{_CJK}]) +| +(?=[{_CJK}])")
_WIDE_GAP = re.compile(r" {3,}")
# Heading markers the documents use: 一、 / （一） / 1. 1． 1、
HEADING = re.compile(r"^(?:([一二三四五六七八九十]+)、|（([一二三四五六七八九十]+)）|(\d{1,2})[.．、](?!\d))")
# A paragraph ending in one of these ends a sentence (or a parenthesised note).
_TERMINAL = set("。；：！？）)”」』")
_SENTENCE_PUNCT = re.compile(r"[。，；、]")


@dataclass(frozen=True)
class Paragraph:
    """A cleaned paragraph and the raw lines (1-based, inclusive) it came from."""

    text: str
    first_line: int
    last_line: int


@dataclass(frozen=True)
class Join:
    """A sentence that a page break had split, joined back: `before` + `after`."""

    doc: str
    line: int
    before: str
    after: str


@dataclass(frozen=True)
class Erratum:
    doc: str
    find: str
    replace: str
    reason: str


@dataclass(frozen=True)
class CleanedDocument:
    doc: str
    paragraphs: tuple[Paragraph, ...]
    joins: tuple[Join, ...]
    errata: tuple[Erratum, ...]


def clean_line(line: str) -> list[str]:
    """Clean one raw line; a wide layout gap (signature + date on one line) splits it."""
    line = _BOOKMARK.sub("", line)
    line = _FOOTNOTE.sub("", line)
    line = line.replace("\u3000", " ").replace("\t", " ").strip()
    parts = [p.strip() for p in _WIDE_GAP.split(line)]
    return [_SPACE_NEAR_CJK.sub("", p) for p in parts if p]


def continues(paragraph: str) -> bool:
    """Does this paragraph stop mid-sentence, so the next one is its continuation?

    A paragraph continues when it ends without closing punctuation and is running prose:
    a numbered item carrying a full sentence (has 。), or unnumbered text with commas or
    full stops. Bare headings (一、指导思想), titles, signatures and dates stand alone.
    """
    if not paragraph or paragraph[-1] in _TERMINAL:
        return False
    marker = HEADING.match(paragraph)
    if marker:
        return "。" in paragraph[marker.end():]
    return bool(_SENTENCE_PUNCT.search(paragraph))


@cache
def load_errata() -> tuple[Erratum, ...]:
    text = resources.files("knowledge").joinpath("errata.yaml").read_text(encoding="utf-8")
    return tuple(Erratum(**row) for row in load_yaml(text) or [])


class _Open:
    """The paragraph being joined across page breaks, kept as parts with what `continues`
    needs (its start, last character, punctuation seen), so a paragraph of many thousand
    lines is joined once at the end instead of copied at every line."""

    def __init__(self, text: str, number: int) -> None:
        self.parts = [text]
        self.first = self.last = number
        self.head = text[:12]
        self.full_stop = "。" in text
        self.punct = bool(_SENTENCE_PUNCT.search(text))

    def add(self, text: str, number: int) -> None:
        self.parts.append(text)
        self.last = number
        if len(self.head) < 12:
            self.head = (self.head + text)[:12]
        self.full_stop = self.full_stop or "。" in text
        self.punct = self.punct or bool(_SENTENCE_PUNCT.search(text))

    def tail(self) -> str:
        return "".join(self.parts[-8:])[-8:]

    def continues(self) -> bool:
        """`continues(text)` on the joined text, without joining it: a heading marker never
        holds a 。, so "。 after the marker" is "a 。 anywhere"."""
        last = next((part[-1] for part in reversed(self.parts) if part), "")
        if not last or last in _TERMINAL:
            return False
        if HEADING.match(self.head):
            return self.full_stop
        return self.punct

    def paragraph(self) -> Paragraph:
        return Paragraph("".join(self.parts), self.first, self.last)


def clean_document(doc: str, raw: str) -> CleanedDocument:
    """Clean a whole document: artefacts, spacing, page-break joins, then errata."""
    pieces: list[tuple[str, int]] = []
    for number, line in enumerate(raw.lstrip("\ufeff").splitlines(), start=1):
        pieces.extend((part, number) for part in clean_line(line))

    paragraphs: list[Paragraph] = []
    joins: list[Join] = []
    current: _Open | None = None
    for text, number in pieces:
        if current is not None and current.continues():
            joins.append(Join(doc, number, current.tail(), text[:8]))
            current.add(text, number)
        else:
            if current is not None:
                paragraphs.append(current.paragraph())
            current = _Open(text, number)
    if current is not None:
        paragraphs.append(current.paragraph())

    applied: list[Erratum] = []
    for erratum in (e for e in load_errata() if e.doc == doc):
        hits = [i for i, p in enumerate(paragraphs) if erratum.find in p.text]
        total = sum(paragraphs[i].text.count(erratum.find) for i in hits)
        if total != 1:
            raise ValueError(f"errata.yaml: {erratum.find!r} found {total} times in {doc}, expected once")
        p = paragraphs[hits[0]]
        paragraphs[hits[0]] = Paragraph(p.text.replace(erratum.find, erratum.replace), p.first_line, p.last_line)
        applied.append(erratum)
    return CleanedDocument(doc, tuple(paragraphs), tuple(joins), tuple(applied))
