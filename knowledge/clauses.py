"""Segment each cleaned document into a clause tree that follows its own numbering.

Ids are built from the printed numbers (`kaifeng/3.3.6` for 三、（三）6.), so they stay
stable as long as the document does, and the printed path is kept for citations. Front and
back matter (letterhead, addressees, signatures, cc lists) is kept, marked `front_matter`,
and never returned as an answer.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from types import MappingProxyType
from typing import Literal

from knowledge.catalogue import load_catalogue
from knowledge.cleaning import HEADING, Paragraph, clean_document

Kind = Literal["front_matter", "preamble", "heading", "section", "closing"]
ANSWERABLE: frozenset[str] = frozenset({"preamble", "section", "closing"})

_NUMERALS = {c: i for i, c in enumerate("一二三四五六七八九", start=1)}
_UNITS_OPEN = re.compile(r"（(?=(?:牵头单位|责任单位)[:：])")
_BACK_MATTER = re.compile(r"^(?:抄送|主办|督办|公开方式|印发)[:：]?")
_CLOSING = re.compile(r"^本(?:实施)?(?:意见|方案|《方案》|通知|办法)")
_NO_PROSE = re.compile(r"^[^。，；、]*$")
_TITLE_MAX = 30


def chinese_numeral(text: str) -> int:
    """一 -> 1, 十 -> 10, 十二 -> 12, 二十一 -> 21 (enough for document headings)."""
    if "十" not in text:
        return _NUMERALS[text]
    tens, _, ones = text.partition("十")
    return (_NUMERALS[tens] if tens else 1) * 10 + (_NUMERALS[ones] if ones else 0)


@dataclass
class Clause:
    """One node of a document's clause tree."""

    id: str
    doc: str
    kind: Kind
    path: str
    level: int
    title: str | None
    text: str
    parent: str | None = None
    children: list[str] = field(default_factory=list)
    lead_units: list[str] = field(default_factory=list)
    units: list[str] = field(default_factory=list)
    first_line: int = 0
    last_line: int = 0

    @property
    def answerable(self) -> bool:
        return self.kind in ANSWERABLE


def _split_top_level(text: str, sep: str) -> list[str]:
    """Split on `sep` outside parentheses: 县（区）人民政府、市财政局 -> two units."""
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    for ch in text:
        if ch in "（(":
            depth += 1
        elif ch in "）)":
            depth -= 1
        if ch == sep and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return [p.strip() for p in parts if p.strip()]


def responsible_units(text: str) -> tuple[list[str], list[str]]:
    """Extract (牵头单位, 责任单位) lists from the document's parenthesised notes."""
    lead: list[str] = []
    responsible: list[str] = []
    for m in _UNITS_OPEN.finditer(text):
        depth, end = 0, m.start()
        for end in range(m.start(), len(text)):
            if text[end] in "（(":
                depth += 1
            elif text[end] in "）)":
                depth -= 1
                if depth == 0:
                    break
        for part in _split_top_level(text[m.end():end], "，"):
            label, _, names = part.replace(":", "：").partition("：")
            target = lead if label.startswith("牵头") else responsible
            target.extend(n for n in _split_top_level(names, "、") if n not in target)
    return lead, responsible


def _title_and_text(body: str) -> tuple[str | None, str]:
    """A heading's own words: a bare title, or a leading short sentence used as title."""
    if "。" not in body:
        return body, ""
    first, _, rest = body.partition("。")
    if rest and len(first) <= _TITLE_MAX:
        return first, body
    return None, body


class _Builder:
    def __init__(self, doc: str) -> None:
        self.doc = doc
        self.clauses: list[Clause] = []
        self.by_id: dict[str, Clause] = {}
        self.stack: list[Clause] = []  # open headings, outermost first
        self.front = 0
        self.back = 0
        self.in_back = False
        self.own_sentence: set[str] = set()  # numbered items whose heading line has text
        # paragraphs attached to a clause, joined once at the end (`finish`): appending to the
        # clause's text each time copied it again, quadratic in a long clause
        self.parts: dict[str, list[str]] = {}

    def add(self, clause: Clause) -> Clause:
        if clause.id in self.by_id:
            raise ValueError(f"{self.doc}: duplicate clause id {clause.id}")
        self.clauses.append(clause)
        self.by_id[clause.id] = clause
        return clause

    def front_matter(self, p: Paragraph, back: bool) -> None:
        if back:
            self.back += 1
            cid, path = f"{self.doc}/back.{self.back}", f"文尾{self.back}"
        else:
            self.front += 1
            cid, path = f"{self.doc}/front.{self.front}", f"文头{self.front}"
        self.add(Clause(cid, self.doc, "front_matter", path, 0, None, p.text,
                        first_line=p.first_line, last_line=p.last_line))

    def heading(self, p: Paragraph, level: int, number: int, marker: str) -> None:
        while self.stack and self.stack[-1].level >= level:
            self.stack.pop()
        parent = self.stack[-1] if self.stack else None
        numbers = [*parent.id.split("/")[1].split("."), str(number)] if parent else [str(number)]
        title, text = _title_and_text(p.text[len(marker):])
        clause = Clause(
            id=f"{self.doc}/{'.'.join(numbers)}", doc=self.doc, kind="section" if text else "heading",
            path=(parent.path if parent else "") + marker, level=level, title=title, text=text,
            parent=parent.id if parent else None, first_line=p.first_line, last_line=p.last_line,
        )
        self.add(clause)
        if text:
            self.own_sentence.add(clause.id)
        if parent:
            parent.children.append(clause.id)
        self.stack.append(clause)

    def body(self, p: Paragraph) -> None:
        """Attach an unnumbered paragraph to the clause it belongs to.

        A bare heading (（一）经济扶助) owns the paragraphs under it. A numbered item that
        carries its own sentence does not: text after it belongs to the level above
        (柳州 二、 ends with a paragraph after its four conditions), unless it is the
        document's closing (开封 "本实施意见自2023年8月1日起实施").
        """
        current = self.stack[-1]
        target = current
        if not p.text.startswith(("（责任单位", "（牵头单位")) and current.id in self.own_sentence:
            if _CLOSING.match(p.text):
                self.stack.clear()
                self.add(Clause(f"{self.doc}/closing", self.doc, "closing", "结尾", 0, None, p.text,
                                first_line=p.first_line, last_line=p.last_line))
                return
            target = next((c for c in reversed(self.stack) if c.id not in self.own_sentence), current)
        parts = self.parts.get(target.id)
        if parts is None:
            parts = self.parts[target.id] = [target.text] if target.text else []
        parts.append(p.text)
        target.kind = "section"
        target.last_line = max(target.last_line, p.last_line)

    def finish(self) -> list[Clause]:
        """Every clause with the paragraphs attached to it joined into its text."""
        for cid, parts in self.parts.items():
            self.by_id[cid].text = "\n".join(parts)
        self.parts.clear()
        return self.clauses


def _segment(doc: str, paragraphs: tuple[Paragraph, ...]) -> list[Clause]:
    b = _Builder(doc)
    first_heading = next(i for i, p in enumerate(paragraphs) if p.text.startswith("一、"))
    for p in paragraphs[: first_heading - 1]:
        b.front_matter(p, back=False)
    pre = paragraphs[first_heading - 1]
    b.add(Clause(f"{doc}/preamble", doc, "preamble", "引言", 0, None, pre.text,
                 first_line=pre.first_line, last_line=pre.last_line))
    for p in paragraphs[first_heading:]:
        m = HEADING.match(p.text)
        if m and not b.in_back:
            level = 1 if m.group(1) else 2 if m.group(2) else 3
            number = chinese_numeral(m.group(1) or m.group(2)) if level < 3 else int(m.group(3))
            b.heading(p, level, number, m.group(0))
            continue
        # Back matter starts at a cc / issuer line, or a bare line (signature, date) that is
        # not a parenthesised note such as （责任单位：市住建局）.
        if _BACK_MATTER.match(p.text) or (_NO_PROSE.match(p.text) and not p.text.startswith("（")):
            b.in_back = True
        if b.in_back:
            b.front_matter(p, back=True)
        else:
            b.body(p)
    clauses = b.finish()
    for c in clauses:
        if c.kind == "heading" and not c.text:
            c.text = c.title or ""
        c.lead_units, c.units = responsible_units(c.text)
    return clauses


def segment_text(doc: str, raw: str) -> list[Clause]:
    """Clean and segment a document that is not in the catalogue (a new city's text, for
    drafting): the same cleaning and clause tree as the five shipped documents."""
    paragraphs = clean_document(doc, raw).paragraphs
    if not any(p.text.startswith("一、") for p in paragraphs[1:]):
        raise ValueError(f"{doc}: no top-level heading 一、 found after the first paragraph, so no clause tree")
    return _segment(doc, paragraphs)


@cache
def load_clauses() -> tuple[Clause, ...]:
    """Every clause of the five documents, in document order."""
    out: list[Clause] = []
    for d in load_catalogue():
        cleaned = clean_document(d.code, d.raw_text())
        out.extend(_segment(d.code, cleaned.paragraphs))
    return tuple(out)


@cache
def clauses_by_id() -> Mapping[str, Clause]:
    """Every clause by id: built once (the chat asks for it several times per message) and
    read-only, so no caller can change what the next one sees."""
    return MappingProxyType({c.id: c for c in load_clauses()})
