"""A long clause is built in one join (issue 26 review, finding A): an uploaded .txt with
tens of thousands of lines under one heading used to copy the clause's text once per line
(quadratic: an 11.6 MB file took minutes and 400+ MB). Linearity is checked by behaviour,
not by time: the text of each clause is set a bounded number of times, however many
paragraphs it has, and the text is exactly the paragraphs joined. benchmarks/segment_scale.py
has the timings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import pytest

from knowledge import clauses as clauses_module
from knowledge.clauses import segment_text

PARAGRAPHS = 20_000


def long_document(n: int) -> tuple[str, list[str]]:
    body = [f"第{i}段，各地要按照规定做好扶助对象的走访慰问和帮扶联系工作。" for i in range(n)]
    raw = "\n".join([
        "某市人民政府办公室文件", "各县区人民政府，市直有关部门：",
        "为进一步做好计划生育特殊家庭扶助工作，现提出如下意见。", "一、总体要求", *body,
        "二、附则", "各地要认真贯彻落实，确保各项扶助政策落到实处。", "某市人民政府办公室", "2024年1月1日"])
    return raw, body


def test_a_clause_of_20000_paragraphs_is_the_paragraphs_joined() -> None:
    raw, body = long_document(PARAGRAPHS)
    tree = {c.id: c for c in segment_text("bench", raw)}
    first = tree["bench/1"]
    assert first.kind == "section" and first.title == "总体要求"
    assert first.text == "\n".join(body)
    assert tree["bench/2"].text == "各地要认真贯彻落实，确保各项扶助政策落到实处。"
    assert first.last_line == 4 + PARAGRAPHS


@dataclass
class _Counted(clauses_module.Clause):
    """A Clause that counts how often its text is set."""

    sets: ClassVar[int] = 0

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "text":
            _Counted.sets += 1
        object.__setattr__(self, name, value)


def test_each_clause_text_is_set_a_bounded_number_of_times(monkeypatch: pytest.MonkeyPatch) -> None:
    """Appending line by line set (and copied) the text once per paragraph: 20,000 times here."""
    monkeypatch.setattr(clauses_module, "Clause", _Counted)
    _Counted.sets = 0
    raw, _ = long_document(PARAGRAPHS)
    tree = segment_text("bench", raw)
    assert all(isinstance(c, _Counted) for c in tree)
    assert _Counted.sets <= 3 * len(tree), f"{_Counted.sets} text assignments for {len(tree)} clauses"
