"""The one plain line that leads a money question: computed from the rules, never guessed.

The search finds the clause; the rules already know who gets what from it. For a question
asking "how much", the rules cited by the best clause are evaluated against what the
question says about the family (or against a saved profile), and only figures a rule
quotes are used. When the clause states sums only for other situations, the lead says
this document has none for this family, gives the rule that does apply, and names the
cities whose documents state a sum for it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from knowledge.clause_search import SearchResult
from knowledge.eligibility import Trace, assess_rule, evaluate, leaves
from knowledge.facts import Profile, parse_profile
from knowledge.key_sentence import asked_period
from knowledge.rules_schema import Rule, RuleSet, Variant, all_rulesets, load_rules


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
        status = _child_status(rule)
        if rule.amount.value is not None:
            items.append(LeadItem(rule, rule.amount.value, status))
            continue
        for variant in _variants(rule, profile):
            items.append(LeadItem(rule, variant.value, status, variant.label or _when_label(variant)))
    return items


def _when_label(variant: Variant) -> str | None:
    from knowledge.condition_text import requirement

    when = variant.when
    return requirement(when) if isinstance(when, dict) and len(when) == 1 else None


def _of_period(items: list[LeadItem], period: str | None) -> list[LeadItem]:
    """Only the sums of the period asked about, when the clause has some of it."""
    matching = [i for i in items if i.rule.amount is not None and i.rule.amount.period == period]
    return matching or items


def question_profile(code: str, facts: dict[str, object]) -> Profile:
    return parse_profile({"jurisdiction": code, **facts})


def money_lead(result: SearchResult, profile: Profile | None = None) -> MoneyLead | None:
    """The lead for a money question answered by a clause whose rules state sums; else None."""
    if not result.answered or not result.hits or not result.query.wants_amount:
        return None
    clause = result.hits[0].clause
    ruleset = load_rules(clause.doc)
    rules = [r for r in ruleset.rules if r.citation.clause == clause.id]
    if not any(r.amount for r in rules):
        return None
    facts = result.query.situation.to_facts()
    use_profile = profile is not None and profile.jurisdiction == clause.doc
    family = profile if use_profile and profile is not None else question_profile(clause.doc, facts)
    period = asked_period(result.query.normalized)
    lead = MoneyLead(clause.doc, _of_period(_items(rules, ruleset, family), period), from_profile=use_profile)
    child = family.value("child_status")
    lead.child_status = child if isinstance(child, str) else None
    if lead.items:
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
