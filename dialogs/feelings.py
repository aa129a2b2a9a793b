"""Feelings without a question: missing a child, sleepless nights, loneliness, illness with
nobody near, anger at a late payment. They get a short human reply first, then what may
help in the family's city (its psychological-care, contact or care clause, found by the
search with that clause's own words), with 12356 where it fits; never "not found" and
never an unrelated clause. Despair (is_distress) is answered before this, by distress.py.

A message that feels and also asks ("老伴也走了，就剩我一个人了，钱还能领吗") gets one warm
line and then the answer to what it asks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dialogs import spoken_templates as st
from dialogs.distress import PSYCH_HELP_PHRASES
from knowledge.catalogue import get_document
from knowledge.places import read_places
from knowledge.rules_schema import load_rules
from knowledge.spoken import standardize
from knowledge.text_normalize import normalize

# checked in this order: anger and illness say most about what helps
FEELINGS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("angry", re.compile(r"骗人|骗子|忽悠|气死|窝火|上火|火大|推来推去|踢皮球|没人管我们|没人当回事"
                         r"|不当回事|不管我们|(?:钱|金|补贴|补助).{0,8}(?:还没|没有?|迟迟|拖).{0,4}(?:发|到|给)|拖了?.{0,4}(?:个月|天)|晚了.{0,4}没到")),
    ("ill_alone", re.compile(r"(?:病|不舒服|住院|摔).{0,8}(?:没人管|没人照顾|没人问|没人陪|没个人|没人|递口水)")),
    ("sleepless", re.compile(r"睡不着|失眠|整夜|一夜一夜|睡不好|合不上眼|一闭眼")),
    ("missing", re.compile(r"想(?:念)?(?:我的?|我个)?(?:儿子|女儿|孩子|娃|他|她|儿)|梦见|梦到|忘不了|生日|忌日|照片"
                           r"|要是还在|要活着|(?:孩子|儿子|女儿|娃)要是在")),
    ("lonely", re.compile(r"一个人|孤单|孤独|寂寞|冷清|没人说话|说话的人|不想来往|不理|对着电视|自个儿|就剩我")),
    ("sad", re.compile(r"难受|难过|伤心|掉眼泪|流泪|哭|心里苦|心里堵|心疼|憋屈|走不出来|放不下|寒心|心寒")),
)
# which of the city's clauses helps, per feeling: psychological care for grief, the contact
# people for anger at a payment (they are to help with exactly that), care at home for
# illness alone. The search is sent the clause's own words, so it finds that very clause.
HELPS = {"missing": "psych", "sleepless": "psych", "sad": "psych", "lonely": "psych", "angry": "contacts",
         "ill_alone": "care"}
QUOTE_CHARS = 24
_CONTACT_PEOPLE = re.compile(r"联系人|联系制度")


def help_query(kind: str, code: str) -> str:
    """Words of the city's clause that helps with this feeling (verbatim, from the reviewed
    rules or the psychological-help phrase the distress reply uses)."""
    rules = load_rules(code).rules
    if HELPS[kind] == "contacts":
        # the family's own contact people first (联系人, 一对一干部联系制度): whom to ask about
        # a late payment, before a counselling centre or a volunteer team the city also lists
        chosen = sorted((r for r in rules if "contacts" in r.compare),
                        key=lambda r: 0 if _CONTACT_PEOPLE.search(r.citation.quote) else 1)
    elif HELPS[kind] == "care":
        chosen = [r for r in rules if r.category in ("care", "elderly_care")
                  and any(w in r.citation.quote for w in ("陪护", "照料", "上门", "护理"))]
    else:
        chosen = []
    if chosen:
        return chosen[0].citation.quote[:QUOTE_CHARS]
    return PSYCH_HELP_PHRASES[code]


WITH_HOTLINE = {"missing", "sleepless", "sad", "lonely"}
# the message also asks something: the feeling gets one line, the question its answer
# ("往后可咋整 / 怎么办" is the feeling's own cry, not a question to search)
_ASKS = re.compile(r"[?？]|吗|多少|怎么(?!办|过)|能不能|可不可以|是不是|有没有|给不给|要不要|还能|什么时候|哪里|找谁"
                   r"|咋(?!整|办)|啥")


@dataclass(frozen=True)
class FeelingsReply:
    kind: str
    text: str
    search_query: str | None  # the clause that helps, in `jurisdiction`; None: no city yet
    jurisdiction: str | None
    asks: bool = False  # the message also asks: answer it after the warm line


def feeling_of(text: str) -> str | None:
    """The feeling a message voices, or None."""
    norm = standardize(normalize(text))
    return next((kind for kind, pattern in FEELINGS if pattern.search(norm)), None)


def feelings_reply(text: str, city: str | None = None) -> FeelingsReply | None:
    """The warm reply to a message that voices a feeling, or None. `city` is the one the
    conversation already knows; a city the message names wins."""
    kind = feeling_of(text)
    if kind is None:
        return None
    norm = standardize(normalize(text))
    code = read_places(norm).governing or city
    if _ASKS.search(norm) and kind != "angry":
        return FeelingsReply(kind, st.FEELING_BEFORE_ANSWER, text, code, asks=True)
    lines = [st.FEELING_WORDS[kind]]
    if kind in WITH_HOTLINE:
        lines.append(st.FEELING_HOTLINE)
    if code is None:
        if kind == "angry":
            lines.append(st.FEELING_ANGRY_WHOM)
        lines.append(st.FEELING_ASK_CITY)
        return FeelingsReply(kind, "\n".join(lines), None, None)
    lines.append(st.FEELING_HELP[kind].format(city=get_document(code).name))
    return FeelingsReply(kind, "\n".join(lines), help_query(kind, code), code)
