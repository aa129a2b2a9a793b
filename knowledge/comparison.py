"""One kind of benefit across the five jurisdictions, for hotline staff.

Rules opt into a topic with `compare:` in their file; a jurisdiction with no rule for the
topic is reported as granting nothing of the kind (never stretched from a related clause).
"""

from __future__ import annotations

from dataclasses import dataclass

from knowledge.catalogue import Document, load_catalogue
from knowledge.rules_schema import TOPICS, Rule, load_rules


class UnknownTopic(ValueError):
    """The message lists the topics."""


@dataclass
class Row:
    document: Document
    rules: list[Rule]


def resolve_topic(value: str) -> str:
    key = value.strip()
    for code, label in TOPICS.items():
        if key in (code, label) or key.replace("-", "_") == code:
            return code
    partial = [code for code, label in TOPICS.items() if key and (key in label or label in key)]
    if len(partial) == 1:
        return partial[0]
    if len(partial) > 1:
        # never silently take the first: "救助" fits 一次性救助 and others alike
        fits = ", ".join(f"{c} ({TOPICS[c]})" for c in partial)
        raise UnknownTopic(f"topic {value!r} fits several topics; choose one of: {fits}")
    choices = ", ".join(f"{c} ({label})" for c, label in TOPICS.items())
    raise UnknownTopic(f"unknown topic {value!r}; choose one of: {choices}")


def compare(topic: str) -> list[Row]:
    code = resolve_topic(topic)
    # a city whose rules are under review is left out: no row would wrongly say "grants none"
    return [Row(doc, [r for r in load_rules(doc.code).rules if code in r.compare])
            for doc in load_catalogue() if doc.rules_published]
