"""The JSON shapes of the public CLI (`python -m bot ask/clauses`).

Hotline scripts and acceptance checks parse these; keys are only ever added, never
renamed or removed. `../shared/contracts/check.py` checks the shape.
"""

from __future__ import annotations

from typing import Any

from knowledge.catalogue import get_document
from knowledge.clause_search import Hit, SearchResult
from knowledge.clauses import Clause


def hit_json(hit: Hit) -> dict[str, Any]:
    clause = hit.clause
    doc = get_document(clause.doc)
    return {
        "doc": clause.doc,
        "number": doc.number,
        "clause": clause.id,
        "path": clause.path,
        "text": clause.text,
        "score": hit.score,
        "title": clause.title,
        "sentence": hit.sentence,
        "highlight": hit.highlight,
        "coverage": hit.coverage,
        "lead_units": clause.lead_units,
        "units": clause.units,
        "doc_name": doc.name,
        "doc_date": doc.issued.isoformat() if doc.issued else None,
        "doc_status": doc.status,
        "fits_situation": hit.fits,
        "none_for_situation": hit.none_for_situation,
        "sentences": [{"situation": f"{a.dimension}={a.value}", "sentence": a.sentence} for a in hit.alternatives],
    }


def search_json(result: SearchResult) -> dict[str, Any]:
    from dialogs.answer_text import answer_lead

    return {
        "answered": result.answered,
        "lead": answer_lead(result),
        "situation": dict(result.query.situation.values)
        | ({"grade": result.query.situation.grade} if result.query.situation.grade else {}),
        "jurisdiction": result.jurisdiction,
        "excluded_by_scope": result.excluded,
        "results": [hit_json(h) for h in result.hits],
        "elsewhere": [hit_json(h) for h in result.elsewhere],
    }


def clause_json(clause: Clause) -> dict[str, Any]:
    return {
        "id": clause.id,
        "doc": clause.doc,
        "path": clause.path,
        "text": clause.text,
        "title": clause.title,
        "kind": clause.kind,
        "answerable": clause.answerable,
        "parent": clause.parent,
        "lead_units": clause.lead_units,
        "units": clause.units,
        "lines": [clause.first_line, clause.last_line],
    }


# --- eligibility (`python -m bot check` / `rules` / `compare`) ------------------------


def _number(value: float | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if value == int(value) else value


def _citation_json(rule: Any) -> dict[str, Any]:
    from knowledge.clauses import clauses_by_id

    clause = clauses_by_id()[rule.citation.clause]
    doc = get_document(clause.doc)
    return {"clause": clause.id, "quote": rule.citation.quote, "path": clause.path, "number": doc.number,
            "doc_date": doc.issued.isoformat() if doc.issued else None, "doc_status": doc.status}


def _amount_json(rule: Any, value: float | None, persons: int | None) -> dict[str, Any] | None:
    a = rule.amount
    if a is None or value is None:
        return None
    out: dict[str, Any] = {"value": _number(value), "unit": a.unit, "period": a.period, "per": a.per,
                           "paid_as": a.paid_as, "up_to": a.up_to, "at_least": a.at_least, "limit": a.limit}
    if a.per == "person":
        out["persons"] = persons
        out["household_value"] = _number(value * (persons or 0))
    return out


def outcome_json(outcome: Any) -> dict[str, Any]:
    rule = outcome.rule
    out = {
        "id": rule.id,
        "title": rule.title,
        "category": rule.category,
        "status": outcome.status,
        "amount": _amount_json(rule, outcome.value, outcome.persons) if outcome.status == "eligible" else None,
        "reasons": outcome.reasons,
        "missing": outcome.missing,
        "citation": _citation_json(rule),
        "beneficiary": rule.beneficiary,
        "spouses": outcome.spouses,
        "provisos": list(rule.provisos),
        "units": list(rule.units),
        "note": rule.note,
    }
    if outcome.status != "not_eligible" and rule.amount is not None and outcome.value is None:
        options = outcome.options or list(rule.amount.variants)
        out["amount_options"] = [{"label": v.label, "value": _number(v.value)} for v in options]
    return out


def assessment_json(assessment: Any) -> dict[str, Any]:
    doc = assessment.document
    return {
        "jurisdiction": doc.code,
        "covered": assessment.covered,
        "benefits": [outcome_json(o) for o in assessment.outcomes],
        "monthly_total": _number(assessment.monthly_total()),
        "monthly_total_complete": assessment.monthly_total_complete(),
        "monthly_total_excludes": {
            "on_top_of": assessment.on_top_of(),
            "child_allowances": [o.rule.id for o in assessment.child_cash()],
            "spouses_without_rate": assessment.spouses_without_rate(),
        },
        "once_total": _number(assessment.once_total()),
        "document": {"number": doc.number, "title": doc.title, "date": doc.issued.isoformat() if doc.issued else None,
                     "status": doc.status},
        "notice": None if assessment.covered is not False else "not_covered_no_local_hukou",
    }


def rule_json(ruleset: Any, rule: Any) -> dict[str, Any]:
    return {
        "jurisdiction": ruleset.jurisdiction,
        **rule.model_dump(mode="json", exclude={"citation"}),
        "citation": _citation_json(rule),
    }


# --- whole answers, shared by the CLI and the web API (one implementation behind both) ----


def clauses_json(jurisdiction: str | None) -> list[dict[str, Any]]:
    """`python -m bot clauses --json` and GET /api/v1/clauses."""
    from knowledge.clauses import load_clauses

    return [clause_json(c) for c in load_clauses() if jurisdiction is None or c.doc == jurisdiction]


def rules_json(jurisdiction: str | None) -> list[dict[str, Any]]:
    """`python -m bot rules --json` and GET /api/v1/rules."""
    from knowledge.catalogue import get_document
    from knowledge.rules_schema import all_rulesets, load_rules

    if jurisdiction and not get_document(jurisdiction).rules_published:
        return []  # under review: no rule is published yet
    rulesets = [load_rules(jurisdiction)] if jurisdiction else all_rulesets()
    return [rule_json(rs, r) for rs in rulesets for r in rs.rules]


def compare_json(topic: str) -> dict[str, Any]:
    """`python -m bot compare --json` and GET /api/v1/compare (`topic` already resolved)."""
    from knowledge.comparison import compare
    from knowledge.rules_schema import TOPICS, load_rules

    rows = [{"jurisdiction": row.document.code,
             "rules": [rule_json(load_rules(row.document.code), r) for r in row.rules]} for row in compare(topic)]
    return {"topic": topic, "label": TOPICS[topic], "jurisdictions": rows}
