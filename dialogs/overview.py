"""What a city grants, at a glance: the answer to "我儿子走了，政府给什么补贴".

A broad question names no benefit; it asks what there is. The answer is an overview from
the reviewed rules, never from a guess: the money first (each sum with its own conditions
and its clause), by family situation (only the situation the message states, when it
states one), then the kinds of help the document also gives, then the offer to check the
family's own case. Every sum is "as stated in the document of <date>"; a draft says so.
"""

from __future__ import annotations

import re

from dialogs import spoken_templates as ct
from dialogs.eligibility_text import amount_text, stated_date
from knowledge.catalogue import Document, get_document
from knowledge.clauses import clauses_by_id
from knowledge.condition_text import requirement
from knowledge.eligibility import assess, leaves
from knowledge.facts import parse_profile
from knowledge.rules_schema import Rule, Variant

SITUATIONS = ("deceased", "disabled")
# the condition leaves a line names: who the sum is for is already the section's heading
_SITUATION_FACTS = {"child_status", "hukou", "later_child", "in_national_scheme"}
_STATES_SUM = re.compile(r"\d[\d,.]*万?元")
MAX_SERVICE_TITLES = 3
# re-birth, adoption and funerals are never in an overview a grieving parent did not ask for
_NOT_IN_OVERVIEW = {"reproduction", "adoption", "funeral"}


def _conditions(rule: Rule) -> str:
    words = [requirement(leaf) for leaf in leaves(rule.conditions) if not _SITUATION_FACTS.intersection(leaf)]
    return ct.OVERVIEW_CONDITIONS.format(conditions="、".join(dict.fromkeys(words))) if words else ""


def _cite(rule: Rule) -> str:
    return clauses_by_id()[rule.citation.clause].path


def _variant_label(variant: Variant) -> str:
    when = variant.when
    if variant.label:
        return variant.label
    return requirement(when) + "：" if isinstance(when, dict) and len(when) == 1 else ""


def _money_line(rule: Rule) -> str:
    amount = rule.amount
    if amount is None or (amount.value is None and not amount.variants):
        return ct.OVERVIEW_NO_SUM.format(title=rule.title, cite=_cite(rule))
    if _STATES_SUM.search(rule.title):  # the title already says the sum (每人每月600元): never twice
        return ct.OVERVIEW_MONEY.format(text=rule.title, conditions=_conditions(rule), cite=_cite(rule))
    if amount.value is not None:
        sum_text = amount_text(amount, amount.value)
    else:  # the sum varies (农村 / 城镇): each with the document's own words
        sum_text = "、".join(_variant_label(v) + amount_text(amount, v.value) for v in amount.variants)
    return ct.OVERVIEW_MONEY.format(text=f"{rule.title}：{sum_text}", conditions=_conditions(rule), cite=_cite(rule))


def overview_lines(code: str, child_status: str | None = None) -> list[str]:
    """The overview of what `code`'s document grants, for one situation or for both."""
    doc = get_document(code)
    if not doc.rules_published:  # nobody has reviewed what it grants: its clauses only
        return [ct.OVERVIEW_UNDER_REVIEW.format(city=doc.name)]
    lines = [ct.OVERVIEW_HEAD.format(city=doc.name, number=doc.number or ct.OVERVIEW_DRAFT_NUMBER,
                                     date=_dated(doc))]
    services: dict[str, list[str]] = {}
    for situation in [child_status] if child_status in SITUATIONS else list(SITUATIONS):
        assessment = assess(parse_profile({"jurisdiction": code, "child_status": situation}))
        possible = [o for o in assessment.outcomes if o.status != "not_eligible" and o.rule.beneficiary != "child"]
        money = [o.rule for o in possible if o.rule.category == "cash"]
        lines.append(ct.OVERVIEW_SITUATION[situation])
        lines.extend(_money_line(rule) for rule in money) if money else lines.append(ct.OVERVIEW_NO_MONEY)
        for o in possible:
            if o.rule.category not in ("cash", *_NOT_IN_OVERVIEW):
                titles = services.setdefault(o.rule.category, [])
                if o.rule.title not in titles:
                    titles.append(o.rule.title)
    if services:
        kinds = "；".join(
            ct.OVERVIEW_SERVICE.format(kind=ct.CATEGORY_WORDS.get(category, category),
                                       titles="、".join(titles[:MAX_SERVICE_TITLES]),
                                       more=ct.OVERVIEW_MORE if len(titles) > MAX_SERVICE_TITLES else "")
            for category, titles in services.items())
        lines.append(ct.OVERVIEW_SERVICES.format(kinds=kinds))
    lines.append(ct.OVERVIEW_FOOT.format(date=_dated(doc)))
    lines.append(ct.OVERVIEW_OFFER)
    return lines


def _dated(doc: Document) -> str:
    """2023年7月24日印发, or the draft's own label: amounts are "as stated in the document of <date>"."""
    date = stated_date(doc)
    return ct.OVERVIEW_DATED.format(date=date) if not doc.is_draft and doc.issued else date


def no_city_lines() -> list[str]:
    """A broad question with no city yet: which city, since every city grants differently."""
    from knowledge.catalogue import load_catalogue

    return [ct.OVERVIEW_ASK_CITY.format(cities="、".join(d.name for d in load_catalogue()))]
