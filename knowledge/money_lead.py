"""The one plain line that leads a money question: computed from the rules, never guessed.

The search finds the clause; the rules already know who gets what from it. For a question
asking "how much", the rules cited by the best clause are evaluated against what the
question says about the family (or against a saved profile), and only figures a rule
quotes are used. When the clause states sums only for other situations, the lead says
this document has none for this family, gives the rule that does apply, and names the
cities whose documents state a sum for it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from knowledge.clause_search import SearchResult
from knowledge.condition_text import requirement
from knowledge.eligibility import Trace, assess_rule, evaluate, leaves
from knowledge.facts import Profile, parse_profile
from knowledge.key_sentence import asked_period
from knowledge.places import other_place
from knowledge.rules_schema import Rule, RuleSet, Variant, all_rulesets, load_rules, rules_published
from knowledge.situation import stated_family_facts


@dataclass(frozen=True)
class LeadItem:
    """One sum a rule grants to this family (or to one situation, when none is stated)."""

    rule: Rule
    value: float
    child_status: str | None  # the situation the rule is for, when it says
    label: str | None = None  # the variant's own wording (农村居民), when the sum varies


@dataclass
class MoneyLead:
    jurisdiction: str
    items: list[LeadItem] = field(default_factory=list)
    # the clause states sums only for other situations: this family's document has none
    none_here: bool = False
    child_status: str | None = None
    applies_instead: list[Rule] = field(default_factory=list)
    elsewhere: list[tuple[str, list[LeadItem]]] = field(default_factory=list)
    from_profile: bool = False
    # sums of this clause whose condition the facts the question states rule out: (rule,
    # the failed condition in words, the reading of who spoke it applies to: "" / mother / father)
    not_met: list[tuple[Rule, str, str]] = field(default_factory=list)
    # the document's own sentence when it states no sum of the period asked (由各县（区）规定)
    period_unstated: list[Rule] = field(default_factory=list)
    period: str | None = None
    # a place the question names that is none of the five: no figure, say what we know
    other_place: str | None = None
    # the saved profile is one parent alone: 「您每月…」, not 「夫妻每人」
    alone: bool = False
    # key conditions (from the rule data) of each lead item, when the facts are open
    conditions: dict[str, str] = field(default_factory=dict)


def _child_status(rule: Rule) -> str | None:
    values = [leaf["child_status"] for leaf in leaves(rule.conditions) if "child_status" in leaf]
    return values[0] if len(values) == 1 and isinstance(values[0], str) else None


def _variants(rule: Rule, profile: Profile) -> list[Variant]:
    """The variants that may still apply; one when the profile decides it."""
    assert rule.amount is not None
    possible = []
    for variant in rule.amount.variants:
        if variant.when is None:
            possible.append(variant)
            continue
        held = evaluate(variant.when, profile, Trace())
        if held is True:
            return [variant]
        if held is None:
            possible.append(variant)
    return possible


def _items(rules: list[Rule], ruleset: RuleSet, profile: Profile) -> list[LeadItem]:
    items: list[LeadItem] = []
    for rule in rules:
        if rule.amount is None or assess_rule(rule, ruleset, profile).status == "not_eligible":
            continue
        items.extend(_rule_items(rule, profile))
    return items


def _rule_items(rule: Rule, profile: Profile) -> list[LeadItem]:
    assert rule.amount is not None
    status = _child_status(rule)
    if rule.amount.value is not None:
        # a sum paid only in a stated case says the case (入住统规统建单体四层及以上楼房：5,000元):
        # it is not the family's general entitlement
        return [LeadItem(rule, rule.amount.value, status, rule.provisos[-1] if rule.provisos else None)]
    return [LeadItem(rule, variant.value, status, variant.label or _when_label(variant))
            for variant in _variants(rule, profile)]


def _when_label(variant: Variant) -> str | None:
    when = variant.when
    return requirement(when) if isinstance(when, dict) and len(when) == 1 else None


def _of_period(items: list[LeadItem], period: str | None) -> list[LeadItem]:
    """Only the sums of the period asked about (all of them when none is asked): a once-off
    question is never answered with a monthly sum, nor a monthly one with a once-off."""
    if period is None:
        return items
    return [i for i in items if i.rule.amount is not None and i.rule.amount.period == period]


# the period a sum without a stated amount is for, from the kind of benefit it is
PERIOD_OF_TOPIC = {"one_off_grant": "once", "monthly_allowance": "month"}
# a child's own allowance (Liuzhou's college allowance) answers only a question about schooling
_SCHOOLING = re.compile(r"上学|上大学|大学|读书|念书|学费|教育|高校|升学|入学|学校|学生|大专|本科|助学")
_REASON = re.compile(r"^不符合：(.*?)（见.*）$")


def _rule_period(rule: Rule) -> str | None:
    if rule.amount is not None:
        return rule.amount.period
    return next((PERIOD_OF_TOPIC[t] for t in rule.compare if t in PERIOD_OF_TOPIC), None)


def _failed_words(reasons: list[str]) -> str:
    words = [m.group(1) for r in reasons if (m := _REASON.match(r))]
    return "、".join(dict.fromkeys(words))


# the conditions a question most often leaves open and a family most often fails
KEY_CONDITION_FACTS = {"mother_age": ("mother_age",), "father_age": ("father_age",),
                       "age": ("mother_age", "father_age"), "later_child": ("later_child",)}


def _key_conditions(rule: Rule, ruleset: RuleSet, families: list[Profile]) -> str:
    """The rule's key conditions (age, no later child) the family has not yet stated, in the
    rule data's own words: 「女方年满49周岁、之后未再生育或收养子女」. "我55岁" leaves the
    mother's age open if the speaker is the father, so open in any reading counts."""
    nodes = [rule.conditions, rule.each_person]
    if rule.in_scope:
        nodes += [ruleset.scope.conditions, ruleset.scope.each_person]
    # a per-person condition holds for each spouse on their own: 领取人年满60周岁
    words = [requirement(leaf).replace("本人", "领取人") for node in nodes for leaf in leaves(node)
             for name in leaf if name in KEY_CONDITION_FACTS
             and any(family.is_open(f) for family in families for f in KEY_CONDITION_FACTS[name])]
    return "、".join(dict.fromkeys(words))


def question_profile(code: str, facts: dict[str, object]) -> Profile:
    return parse_profile({"jurisdiction": code, **facts})


def _families(code: str, question: str, facts: dict[str, object]) -> list[tuple[str, Profile]]:
    """The family as the question states it, one profile per reading of who is speaking."""
    return [(reading, question_profile(code, {**facts, **stated}))
            for reading, stated in stated_family_facts(question)]


def money_lead(result: SearchResult, profile: Profile | None = None) -> MoneyLead | None:
    """The lead for a money question answered by a clause whose rules state sums; else None."""
    if result.reason == "other_place" and result.query.wants_amount:
        # declined for a place we do not cover: the lead says so, and gives no figure of ours
        return MoneyLead("", other_place=other_place(result.query.text))
    if not result.answered or not result.hits or not result.query.wants_amount:
        return None
    question = result.query.text
    place = other_place(question)
    if place is not None and result.query.places.governing is None:
        # a place of ours named too (户口在杞县，住在郑州) governs: the other is where they live
        return MoneyLead("", other_place=place)
    if result.jurisdiction is None:  # no city: one city's figure is not the answer
        return None
    clause = result.hits[0].clause
    if not rules_published(clause.doc):  # under review: clauses only, no sum as an entitlement
        return None
    ruleset = load_rules(clause.doc)
    rules = [r for r in ruleset.rules if r.citation.clause == clause.id]
    if not _SCHOOLING.search(question):
        rules = [r for r in rules if r.beneficiary != "child"]
    if not any(r.amount for r in rules):
        return None
    facts = result.query.situation.to_facts()
    use_profile = profile is not None and profile.jurisdiction == clause.doc
    families = [("", profile)] if use_profile and profile is not None else _families(clause.doc, question, facts)
    family = families[0][1]
    period = asked_period(result.query.normalized)
    lead = MoneyLead(clause.doc, from_profile=use_profile, period=period)
    lead.alone = family.value("household") in ("mother", "father")
    child = family.value("child_status")
    lead.child_status = child if isinstance(child, str) else None
    situation_only = question_profile(clause.doc, facts) if not use_profile else family
    items: list[LeadItem] = []
    for rule in rules:
        if rule.amount is None:
            continue
        outcomes = [(reading, assess_rule(rule, ruleset, f)) for reading, f in families]
        failed = [(reading, o) for reading, o in outcomes if o.status == "not_eligible"]
        if failed:
            # said plainly when the facts the question adds (ages, a later child) rule it out,
            # or when it is for this very situation (a grade-4 child and a grade 1-3 one-off)
            if (assess_rule(rule, ruleset, situation_only).status != "not_eligible"
                    or (lead.child_status is not None and _child_status(rule) == lead.child_status)):
                reading = failed[0][0] if len(failed) < len(outcomes) else ""
                lead.not_met.append((rule, _failed_words(failed[0][1].reasons), reading))
            continue
        open_words = _key_conditions(rule, ruleset, [f for _, f in families])
        if open_words:
            lead.conditions[rule.id] = open_words
        items.extend(_rule_items(rule, family))
    if period is not None and not any(_rule_period(r) == period for r in rules):
        return None  # the clause states nothing of the period asked: no other period's sum leads
    lead.items = _of_period(items, period)
    if period is not None:
        lead.not_met = [n for n in lead.not_met if _rule_period(n[0]) == period]
    if lead.items:
        return lead
    if period == "once":
        lead.period_unstated = [r for r in rules if r.amount is None and _rule_period(r) == "once"
                                and assess_rule(r, ruleset, family).status != "not_eligible"]
        if lead.period_unstated or lead.not_met:
            return lead
    if lead.not_met:
        return lead
    lead.none_here = True
    lead.applies_instead = [r for r in rules if r.amount is None
                            and assess_rule(r, ruleset, family).status != "not_eligible"]
    topics = {t for r in rules if r.amount for t in r.compare}
    lead.elsewhere = _elsewhere(clause.doc, topics, family, period)
    return lead


def _elsewhere(code: str, topics: set[str], family: Profile,
               period: str | None) -> list[tuple[str, list[LeadItem]]]:
    """Other cities whose documents state a sum of the same kind for this family's situation."""
    facts = {k: v for k, v in family.to_json().items() if k in ("child_status", "disability_grade", "residence")}
    out = []
    for other in all_rulesets():
        if other.jurisdiction == code or not topics:
            continue
        rules = [r for r in other.rules if topics.intersection(r.compare)]
        items = _of_period(_items(rules, other, question_profile(other.jurisdiction, facts)), period)
        if items:
            out.append((other.jurisdiction, items))
    return out
