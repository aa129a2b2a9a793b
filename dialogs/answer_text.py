"""Render clause-search results as plain text for the terminal (and, later, chat).

Every statement carries its citation: document number, printed clause path, the verbatim
sentence, and the document's date and status (a draft is always called a draft).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from dialogs import spoken_templates as st
from dialogs import templates as t
from dialogs.check_templates import PER
from dialogs.eligibility_text import amount_text, scope_words
from dialogs.overview import no_city_lines, overview_lines
from dialogs.validity import validity_lines
from knowledge.catalogue import get_document, load_catalogue
from knowledge.clause_search import Hit, SearchResult, search
from knowledge.clauses import clauses_by_id
from knowledge.facts import Profile
from knowledge.money_lead import LeadItem, MoneyLead, money_lead, other_place
from knowledge.places import read_places
from knowledge.situation import NEGATED_CONDITION
from knowledge.spoken import standardize
from knowledge.text_normalize import normalize


def city_name(code: str) -> str:
    """柳州市 -> 柳州, 泰州市姜堰区 -> 姜堰区: how people name their own city."""
    name = get_document(code).name
    if name.endswith("区") and "市" in name:
        return name.split("市", 1)[1]
    return name.removesuffix("市")


def _cite(code: str, clause_id: str) -> str:
    return f"{get_document(code).citation_label} {clauses_by_id()[clause_id].path}"


def _lead_amount(item: LeadItem, alone: bool = False) -> str:
    assert item.rule.amount is not None
    text = amount_text(item.rule.amount, item.value)
    if item.rule.amount.per == "person":
        text = t.LEAD_YOU + text.removeprefix(PER["person"]) if alone else t.SPOUSES_EACH + text
    return f"{item.label}：{text}" if item.label else text


def _on_top(item: LeadItem) -> str:
    amount = item.rule.amount
    return t.LEAD_ON_TOP.format(text=amount.basis_text) if amount and amount.basis == "on_top" else ""


def _elsewhere_basis(item: LeadItem) -> str:
    """In the list of other cities, a sum paid on top of others says so before its citation."""
    amount = item.rule.amount
    return t.LEAD_ON_TOP_SHORT.format(text=amount.basis_text) if amount and amount.basis == "on_top" else ""


def _conditions(lead: MoneyLead, item: LeadItem) -> str:
    """The rule's own open conditions, when the question leaves them unknown."""
    words = lead.conditions.get(item.rule.id)
    return t.LEAD_CONDITIONS.format(conditions=words) if words else ""


def _who(item: LeadItem, stated: str | None) -> str:
    return t.LEAD_WHO.get(item.child_status or stated or "", t.LEAD_WHO_ANY)


def lead_lines(lead: MoneyLead) -> list[str]:
    """「柳州：孩子伤残的家庭，夫妻每人每月600元（柳政规〔2018〕41号 三、（一））」, or, when the
    document states sums only for other families, that it has none for this one."""
    if lead.other_place is not None:
        return [t.LEAD_OTHER_PLACE.format(place=lead.other_place, known="、".join(d.name for d in load_catalogue()))]
    city = city_name(lead.jurisdiction)
    prefix = t.LEAD_PROFILE if lead.from_profile else ""
    not_met = [prefix + t.LEAD_NOT_MET.format(city=city, reading=t.LEAD_READING[reading], condition=condition,
                                              title=rule.title, cite=_cite(lead.jurisdiction, rule.citation.clause))
               for rule, condition, reading in lead.not_met]
    unstated = [prefix + t.LEAD_PERIOD_UNSTATED.format(city=city, quote=rule.citation.quote,
                                                       cite=_cite(lead.jurisdiction, rule.citation.clause))
                for rule in lead.period_unstated]
    if not lead.none_here:
        return [prefix + t.LEAD_ITEM.format(city=city, who=_who(item, lead.child_status),
                                            amount=_lead_amount(item, lead.alone),
                                            cite=_cite(lead.jurisdiction, item.rule.citation.clause),
                                            basis=_on_top(item) + _conditions(lead, item))
                for item in lead.items] + not_met + unstated
    who = t.LEAD_WHO.get(lead.child_status or "", t.LEAD_WHO_ANY)
    lines = []
    if lead.applies_instead:
        rule = lead.applies_instead[0]
        lines.append(prefix + t.LEAD_NONE.format(city=city, who=who, title=rule.title, quote=rule.citation.quote,
                                                 cite=_cite(lead.jurisdiction, rule.citation.clause)))
    else:
        lines.append(prefix + t.LEAD_NONE_BARE.format(city=city, who=who))
    if lead.elsewhere:
        cities = "；".join(
            t.LEAD_ELSEWHERE_ITEM.format(city=city_name(code), amounts="、".join(
                f"{_lead_amount(i)}（{_elsewhere_basis(i)}{_cite(code, i.rule.citation.clause)}）" for i in items))
            for code, items in lead.elsewhere)
        lines.append(t.LEAD_ELSEWHERE.format(cities=cities))
    return lines


def document_lines(result: SearchResult) -> list[str]:
    """For a question about the document itself (哪天生效, 还有效吗, 废止了哪个): its number,
    dates, status and what it repealed, from the catalogue."""
    aspects = {a for a, _, _ in result.query.aspects} & {"effective", "in_force", "replaced"}
    code = result.jurisdiction or (result.hits[0].clause.doc if result.hits else None)
    if not aspects or code is None:
        return []
    doc = get_document(code)
    issued = t.DOC_ISSUED.format(date=doc.date_label) if doc.issued else t.DOC_NOT_DATED
    effective = doc.effective
    when = t.DOC_EFFECTIVE.format(date=f"{effective.year}年{effective.month}月{effective.day}日") if effective \
        else t.DOC_NO_EFFECTIVE
    repeals = t.DOC_REPEALS.format(numbers="、".join(doc.repeals)) if doc.repeals else ""
    return [t.DOC_FACTS.format(city=city_name(code), number=doc.number or t.DOC_DRAFT_NUMBER, issued=issued,
                               effective=when, status=doc.status_note, repeals=repeals)]


def answer_lead(result: SearchResult, profile: Profile | None = None) -> list[str]:
    """The lead lines of an answer: the document's own facts for a question about it, and
    the computed line for a money question the rules can answer (else nothing)."""
    lead = money_lead(result, profile)
    return document_lines(result) + (lead_lines(lead) if lead else [])

# Clauses on re-birth, IVF, adoption and funerals: never the first thing a grieving parent
# reads unless they asked about it.
SENSITIVE_CLAUSE_WORDS = ("再生育", "辅助生殖", "收养", "复通", "取环", "输卵", "丧葬", "殡葬", "公墓", "墓穴", "安葬",
                          "骨灰")
SENSITIVE_QUESTION_WORDS = ("再生育", "生育", "生孩子", "要孩子", "要个孩子", "试管", "辅助生殖", "收养", "领养",
                            "复通", "取环", "丧", "葬", "墓", "殡", "骨灰", "后事", "死后", "去世后", "走了以后",
                            # as parents say it: "还想再要一个", "再生个", "火化"
                            "再要一个", "再要个", "再生一个", "再生个", "火化")
# no 【】 highlight around death and funeral words
_GENTLE_MARK = re.compile(r"【([^】]*[死亡丧葬墓逝殡][^】]*)】")


def _sensitive(hit: Hit) -> bool:
    """Is the clause about re-birth, adoption or funerals? "未再生育或收养" is a condition of
    the ordinary allowance, not such an item."""
    text = NEGATED_CONDITION.sub("", f"{hit.clause.title or ''}{hit.sentence}")
    return any(w in text for w in SENSITIVE_CLAUSE_WORDS)


def presentable(question: str, result: SearchResult) -> SearchResult:
    """The result as it should be shown: re-birth, adoption and funeral clauses left out
    when the question is not about them (kept only if nothing else was found, or when it
    covers the question better than the first other clause: leaving it out must not put a
    clause the search ranked lower and that covers less first), and no 【】 around words of
    death. Transports use this for the text and its buttons alike."""
    asked = any(w in question for w in SENSITIVE_QUESTION_WORDS)

    def gentle(hits: list[Hit]) -> list[Hit]:
        plain = [h for h in hits if not _sensitive(h)]
        if not asked and plain:
            hits = [h for h in hits if not _sensitive(h) or h.coverage > plain[0].coverage]
        return [replace(h, highlight=_GENTLE_MARK.sub(r"\1", h.highlight)) for h in hits]

    return replace(result, hits=gentle(result.hits), elsewhere=gentle(result.elsewhere))


def find_answer(question: str, city: str | None, query: str | None = None) -> SearchResult:
    """Search as a conversation should: a city the question names ("临沂 扶助金多少") wins over
    the one remembered for the user; otherwise the user's city; shown gently (`presentable`)."""
    if query and query != question:  # a city the message names still wins over the user's
        city = read_places(standardize(normalize(question))).governing or city
    query = query or question
    named = search(query)
    result = named if named.jurisdiction is not None or city is None else search(query, city)
    return presentable(question, result)


def place_lines(result: SearchResult) -> list[str]:
    """Which city's document answers and why, when the message named a county, a city one
    sound off, or two cities (the hukou city governs: knowledge/places.py)."""
    places = result.query.places
    if not places.mentions or result.jurisdiction != places.governing:
        return []
    city = get_document(places.governing).name if places.governing else ""
    if places.others and places.reason:
        cities = "、".join(get_document(c).name for c in places.codes)
        others = "、".join(get_document(c).name for c in places.others)
        return [st.PLACE_NOTE[places.reason].format(cities=cities, city=city, others=others)]
    first = places.mentions[0]
    elsewhere = other_place(result.query.text)
    if elsewhere is not None:
        return [st.OUTSIDE_NOTE.format(place=elsewhere, city=city)]
    if first.kind == "parent":
        return [st.PARENT_NOTE.format(place=first.text, district=city_name(places.governing or ""))]
    if first.kind == "county":
        return [st.COUNTY_NOTE.format(place=first.text, city=city)]
    if first.kind == "near":
        return [st.NEAR_NOTE.format(place=first.text, city=city)]
    return []


def render_hit(rank: int, hit: Hit) -> list[str]:
    clause = hit.clause
    doc = get_document(clause.doc)
    title = f" {clause.title}" if clause.title else ""
    lines = [
        t.HIT_TITLE.format(rank=rank, city=doc.name, doc_title=doc.title, path=clause.path, title=title),
        t.HIT_CITATION.format(number=doc.number or t.NO_NUMBER, path=clause.path),
    ]
    lines.extend(_sentence_lines(hit))
    units = [*clause.lead_units, *(u for u in clause.units if u not in clause.lead_units)]
    if units:
        lines.append(t.HIT_UNITS.format(units="、".join(units)))
    lines.append(t.HIT_DATED_DRAFT if doc.is_draft else t.HIT_DATED.format(date=doc.date_label))
    lines.extend(validity_lines(doc))
    return lines



def _sentence_lines(hit: Hit) -> list[str]:
    """The key sentence for this family; per situation when the question states none."""
    if not hit.fits:
        return [t.HIT_NOTHING_FOR_SITUATION]
    if hit.alternatives:
        return [t.HIT_SENTENCE.format(sentence=""), *(
            t.HIT_ALTERNATIVE.format(label=t.SITUATION_LABEL.get((a.dimension, a.value), a.value), sentence=a.sentence)
            for a in hit.alternatives)]
    lines = [t.HIT_SENTENCE.format(sentence=hit.highlight)]
    if hit.none_for_situation:
        lines.append(t.HIT_NONE_FOR_SITUATION)
    return lines


@dataclass(frozen=True)
class AnswerBlock:
    """One block of an answer, as data for every channel: the opening lines (question,
    place note, money lead or "not found"), a heading over other cities' clauses, or one
    clause card (its lines: title, citation, verbatim sentence, units, date and status)."""

    kind: str  # head | elsewhere | clause
    lines: tuple[str, ...]
    clause_id: str | None = None
    rank: int = 0

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def _cards(hits: list[Hit]) -> list[AnswerBlock]:
    return [AnswerBlock("clause", tuple(render_hit(rank, hit)), hit.clause.id, rank)
            for rank, hit in enumerate(hits, start=1)]


def _elsewhere(hits: list[Hit]) -> list[AnswerBlock]:
    return [AnswerBlock("elsewhere", (t.FOUND_ELSEWHERE,)), *_cards(hits)] if hits else []


def answer_blocks(question: str, result: SearchResult, profile: Profile | None = None) -> list[AnswerBlock]:
    """The whole answer: a lead line for money questions, one card per clause, or an honest
    'not found'; when this city has nothing for the family's situation, the cities that do."""
    city = get_document(result.jurisdiction).name if result.jurisdiction else None
    header = t.HEADER_CITY.format(question=question, city=city) if city else t.HEADER.format(question=question)
    lines = [header, *place_lines(result)]
    outside = other_place(result.query.text) if result.jurisdiction is None else None
    if outside is not None:  # a place we have no document for: say so; other cities only under a heading
        lines.append(t.LEAD_OTHER_PLACE.format(place=outside, known="、".join(d.name for d in load_catalogue())))
        return [AnswerBlock("head", tuple(lines)), *_elsewhere(result.hits if result.answered else result.elsewhere)]
    if result.reason == "broad":  # what the city grants, money first; then its sources
        if result.jurisdiction is None:
            return [AnswerBlock("head", (*lines, *no_city_lines()))]
        lines.extend(overview_lines(result.jurisdiction, result.query.situation.get("child")))
        return [AnswerBlock("head", tuple(lines)), *_cards(result.hits)]
    if result.excluded and result.jurisdiction:
        lines.append(t.SCOPE_EXCLUDES.format(city=city_name(result.jurisdiction), who=scope_words(result.jurisdiction)))
    if result.answered:
        lead = answer_lead(result, profile)
        lines.extend(lead)
        return [AnswerBlock("head", tuple(lines)), *_cards(result.hits),
                *(_elsewhere(result.elsewhere) if not lead else [])]
    if result.reason == "empty":
        lines.append(t.EMPTY_QUESTION)
        return [AnswerBlock("head", tuple(lines))]
    lines.extend(document_lines(result))
    if result.reason in ("unknown_benefit", "not_in_city") and city:
        lines.append(st.CITY_GRANTS_NONE.format(city=city))  # an answer, not a failure to understand
    else:
        lines.append(t.NOT_FOUND_IN_CITY.format(city=city) if city else t.NOT_FOUND)
    if not result.elsewhere:
        lines.append(st.NOBODY_GRANTS if result.reason == "unknown_benefit" else t.SUGGEST)
    return [AnswerBlock("head", tuple(lines)), *_elsewhere(result.elsewhere)]


def render_result(question: str, result: SearchResult, profile: Profile | None = None) -> str:
    """The answer as plain text (the CLI and the terminal): its blocks a blank line apart,
    so that no clause is ever cut across two messages."""
    return "\n\n".join(block.text for block in answer_blocks(question, result, profile))
