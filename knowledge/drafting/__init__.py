"""Drafting a rule set and a contact schedule from a document's clause text (issue 26).

A city's staff add their document; this proposes the rules a reviewer then checks: every
money sentence drafted as a rule in the reviewed schema (`knowledge/rules/README.md`), each
quoting the sentence it came from, figures it could not read listed for review, and the
contact work drafted as a schedule. Nothing drafted is shown to a family until reviewed.

    from knowledge.drafting import draft_document, draft_text, draft_yaml, validate_draft
    d = draft_document("kaifeng")          # a shipped document, from its clause tree
    d = draft_text("newcity", raw_text)    # a new document's text under a new code
    print(draft_yaml(d)); validate_draft(d)
"""

from knowledge.drafting.draft import (
    NO_MONEY,
    Draft,
    DraftScope,
    draft_clauses,
    draft_document,
    draft_rules_data,
    draft_text,
    draft_yaml,
    schedule_yaml,
    validate_draft,
)
from knowledge.drafting.figures import Figure, find_figures, has_money
from knowledge.drafting.rules import DraftRule, SetAside, ToReview
from knowledge.drafting.schedule import DraftSchedule, schedule_items

__all__ = [
    "NO_MONEY", "Draft", "DraftRule", "DraftSchedule", "DraftScope", "Figure", "SetAside", "ToReview",
    "draft_clauses", "draft_document", "draft_rules_data", "draft_text", "draft_yaml", "find_figures",
    "has_money", "schedule_items", "schedule_yaml", "validate_draft",
]
