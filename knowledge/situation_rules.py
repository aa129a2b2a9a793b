"""What the rules say about a situation stated in a question, for the search.

The search reads a question's situation (knowledge/situation.py); the rules know whom a
document covers and who certainly gets a sum. Both answers are cached per (city,
situation): the same few situations recur in every search.
"""

from __future__ import annotations

from functools import lru_cache

from knowledge.eligibility import Trace, evaluate
from knowledge.facts import parse_profile
from knowledge.rules_schema import load_rules, rules_published
from knowledge.situation import Situation


@lru_cache(maxsize=1024)
def granting_clauses(code: str, situation: Situation) -> frozenset[str]:
    """Clauses cited by a rule with a sum whose own conditions hold for this situation."""
    if not rules_published(code):  # a document under review grants nothing we may state
        return frozenset()
    profile = parse_profile({"jurisdiction": code, **situation.to_facts()})
    return frozenset(rule.citation.clause for rule in load_rules(code).rules
                     if rule.amount is not None and evaluate(rule.conditions, profile, Trace()) is True)


@lru_cache(maxsize=1024)
def document_excludes(code: str, situation: Situation) -> bool:
    """The document's own scope leaves this family out (Ankang's covers 失独 families only)."""
    if not rules_published(code):
        return False
    profile = parse_profile({"jurisdiction": code, **situation.to_facts()})
    return evaluate(load_rules(code).scope.conditions, profile, Trace()) is False
