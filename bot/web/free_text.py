"""What the phone page answers to a typed message, in the same order as Telegram
(`bot/telegram/ask.py`) and the terminal (`bot/console.py`): distress first (warmth, 12356,
120 / 110 and the city's clause), then everyday sentences, then the clauses, searched the
conversation's way (`find_answer`: a city the question names wins; re-birth clauses only
when asked; no 【】 around words of death).

The words all come from `dialogs/`; this module only arranges them for a page. What the
person typed is never logged or stored (the distress counter counts, nothing more).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

from dialogs import conversation_templates as cc
from dialogs import web_copy as w
from dialogs.answer_text import find_answer, render_result
from dialogs.conversation import hotline_calls as core_hotline_calls
from dialogs.distress import DISTRESS_COUNTER, distress_reply, is_distress
from dialogs.intents import wants_entitlement_check
from dialogs.small_talk import everyday_reply

MAX_QUESTION = 200
_HIT_START = re.compile(r"^\d+\. ")
log = logging.getLogger("lianxin.web")


@dataclass
class FreeTextReply:
    kind: str  # distress | everyday | answer
    lines: list[str] = field(default_factory=list)  # the reply before any clause (one <p> a line)
    blocks: list[list[str]] = field(default_factory=list)  # the answer: opening lines, then one card per clause
    jurisdiction: str | None = None  # the city the answer is for (or one the person just named)
    offer_check: bool = False
    calls: list[tuple[str, str]] = field(default_factory=list)  # (number, what it is): one big button each


def hotline_calls(lines: list[str]) -> list[tuple[str, str]]:
    """The numbers a distress reply asks the person to call (the conversation core's scan)."""
    return list(core_hotline_calls(lines))


def answer_blocks(text: str) -> list[list[str]]:
    """An answer as cards: the opening lines, then one card per numbered clause."""
    blocks: list[list[str]] = [[]]
    for line in text.splitlines():
        if _HIT_START.match(line):
            blocks.append([])
        if line.strip():
            blocks[-1].append(line)
    return [b for b in blocks if b]


def free_text_reply(text: str, city: str | None, nth_distress: int = 1) -> FreeTextReply:
    """The reply to one typed message; `city` is the one chosen on the page (if any);
    `nth_distress` is which despairing message of this page's conversation this would be."""
    if is_distress(text):
        count = DISTRESS_COUNTER.record()
        log.info("distress message answered (%d since start)", count)  # a counter, never the text
        care = distress_reply(city, nth_distress).splitlines()
        return FreeTextReply("distress", care, jurisdiction=city, calls=hotline_calls(care))
    everyday = everyday_reply(text, "web", city)
    lines: list[str] = []
    query = text
    if everyday is not None:
        said = cc.HOW_TO_USE.format(check_hint=w.CHECK_HINT_WEB) if everyday.kind == "how" else everyday.text
        lines = said.splitlines()
        city = everyday.jurisdiction or city
        if everyday.search_query is None:
            return FreeTextReply("everyday", lines, jurisdiction=city)
        query = everyday.search_query
    result = find_answer(text, city, query)
    if result.answered and result.jurisdiction is None and city is None:
        lines.append(cc.NO_CITY_NOTE)  # never another city's rules without saying so
    return FreeTextReply("answer", lines, answer_blocks(render_result(text, result)),
                         jurisdiction=result.jurisdiction or city, offer_check=wants_entitlement_check(text))
