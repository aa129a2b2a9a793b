"""Eligibility rules as reviewed data: one YAML file per jurisdiction, validated at load.

The files under `knowledge/rules/` are written from the documents and reviewed like law,
so the schema is strict (unknown keys refused) and every rule must quote its clause
verbatim; a broken file fails loudly with the file name and line of the offending rule.

Conditions are a small tree: a list means "all of", `{any: [...]}` "any of",
`{all: [...]}` "all of", and a leaf tests one fact: `{child_status: deceased}` (equals),
`{child_status: [deceased, disabled]}` (one of), `{mother_age: {min: 49}}` (range).
`each_person` conditions are tested per spouse: `{age: {min: 60}}` and
`{born_on_or_after: 1933-01-01}` (age and birth date of that spouse), mixed freely with
household facts (`{any: [{age: {min: 60}}, {chronic_disease: true}]}`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from knowledge.catalogue import load_catalogue
from knowledge.clauses import Clause, clauses_by_id
from knowledge.facts import FACTS, ProfileError
from knowledge.yaml_data import compose_yaml, load_yaml

Category = Literal[
    "cash", "medical", "elderly_care", "social_assistance", "housing", "reproduction", "adoption",
    "employment", "education", "care", "funeral", "legal_aid", "other",
]
Beneficiary = Literal["each_spouse", "household", "child"]
Period = Literal["once", "month", "year", "day"]
Per = Literal["person", "household", "child"]
PaidAs = Literal["cash", "premium", "insurance", "fee_waiver", "subsidy"]
PERSON_FACTS = ("age", "born_on_or_after")

CATEGORY_LABELS: dict[str, str] = {
    "cash": "经济扶助", "medical": "医疗", "elderly_care": "养老", "social_assistance": "低保五保救助",
    "housing": "住房", "reproduction": "再生育", "adoption": "收养", "employment": "就业",
    "education": "教育", "care": "关怀走访", "funeral": "殡葬", "legal_aid": "法律援助", "other": "其他",
}


# No benefit of these documents comes near ten million yuan; a larger figure (or infinity, from
# a hand-edited YAML) is a typing mistake, refused before it reaches any family's answer.
MAX_AMOUNT = 10_000_000


class RuleFileError(ValueError):
    """A rules file is broken; the message names the file and line."""


def _check_leaf(node: dict[str, Any], person: bool) -> None:
    (name, test), = node.items()
    allowed = (*PERSON_FACTS, *FACTS) if person else tuple(FACTS)
    if name not in allowed:
        raise ValueError(f"unknown fact {name!r} in a condition; allowed: {', '.join(allowed)}")
    if name == "born_on_or_after":
        if not isinstance(test, dt.date):
            raise ValueError("born_on_or_after needs a date like 1933-01-01")
        return
    if isinstance(test, dict):
        if not test or set(test) - {"min", "max"} or not all(isinstance(v, int) for v in test.values()):
            raise ValueError(f"{name}: a range is {{min: N, max: N}}")
        return
    values = test if isinstance(test, list) else [test]
    fact = FACTS.get(name)
    domain = fact.values if fact and fact.kind != "int" else None
    for v in values:
        if domain is not None and v not in domain:
            raise ValueError(f"{name}: {v!r} is not one of {list(domain)}")
        if domain is None and not isinstance(v, int):
            raise ValueError(f"{name}: {v!r} should be a number")


def check_condition(node: Any, person: bool = False) -> None:
    """Raise ValueError if `node` is not a well-formed condition tree."""
    if isinstance(node, list):
        for child in node:
            check_condition(child, person)
        return
    if not isinstance(node, dict) or len(node) != 1:
        raise ValueError(f"a condition is a one-key mapping or a list, got {node!r}")
    (key, value), = node.items()
    if key in ("any", "all"):
        if not isinstance(value, list) or not value:
            raise ValueError(f"{key}: needs a non-empty list")
        check_condition(value, person)
    elif key == "not":
        check_condition(value, person)
    else:
        _check_leaf(node, person)


def condition_facts(node: Any) -> set[str]:
    """Every fact a condition tree mentions."""
    if isinstance(node, list):
        return set().union(*(condition_facts(c) for c in node)) if node else set()
    (key, value), = node.items()
    if key in ("any", "all", "not"):
        return condition_facts(value)
    return {key}


class Citation(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    clause: str
    quote: str = Field(min_length=4)


class Variant(BaseModel):
    """One amount of a benefit that varies: chosen by a condition over profile facts, or,
    when the document varies it by something we do not ask (`label` only), listed."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    value: float = Field(ge=0, le=MAX_AMOUNT, allow_inf_nan=False)
    when: Any = None
    label: str | None = None

    @model_validator(mode="after")
    def _when_or_label(self) -> Variant:
        if self.when is None and not self.label:
            raise ValueError("a variant needs `when` (a condition) or `label`")
        if self.when is not None:
            check_condition(self.when)
        return self


class Amount(BaseModel):
    """What the document states, in CNY: never an amount the document does not give."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    value: float | None = Field(default=None, ge=0, le=MAX_AMOUNT, allow_inf_nan=False)
    variants: tuple[Variant, ...] = ()
    unit: Literal["CNY"] = "CNY"
    period: Period
    per: Per
    paid_as: PaidAs = "cash"
    up_to: bool = False  # "不高于" / "最高": the value is a ceiling
    at_least: bool = False  # "至少": the value is a floor
    limit: str | None = None  # a cap in words, e.g. "每年最长不超过90天"
    max_days_per_year: int | None = None
    # what the sum is measured against: paid on top of allowances the document does not
    # state (柳州 650 元 comes on top of the national and 自治区 ones), or a total the
    # allowance is raised to (开封 提高到1430元); staff must not compare the two as equals
    basis: Literal["on_top", "raised_to"] | None = None
    basis_text: str | None = None  # the document's words for it: 除国家、自治区按照规定给予的扶助外

    @model_validator(mode="after")
    def _value_or_variants(self) -> Amount:
        if (self.value is None) == (not self.variants):
            raise ValueError("an amount has either `value` or `variants`, not both and not neither")
        return self


class Rule(BaseModel):
    """One benefit granted by one sentence of a document."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(pattern=r"^[a-z]+\.[a-z0-9_]+$")
    title: str
    category: Category
    beneficiary: Beneficiary
    in_scope: bool = True  # False: the rule states its own target group (the scope does not apply)
    conditions: Any = Field(default_factory=list)
    each_person: Any = Field(default_factory=list)
    provisos: tuple[str, ...] = ()  # conditions the family judges for itself (wish, need)
    amount: Amount | None = None
    units: tuple[str, ...] = ()
    citation: Citation
    note: str | None = None  # how an ambiguity was read; shown to the user
    compare: tuple[str, ...] = ()  # comparison topics this rule belongs to

    @field_validator("conditions", "each_person")
    @classmethod
    def _conditions(cls, v: Any, info: Any) -> Any:
        check_condition(v, person=info.field_name == "each_person")
        return v

    @model_validator(mode="after")
    def _person_rules(self) -> Rule:
        if self.each_person and self.beneficiary != "each_spouse":
            raise ValueError("each_person conditions only make sense for beneficiary each_spouse")
        if self.amount and self.amount.per == "person" and self.beneficiary != "each_spouse":
            raise ValueError("an amount per person needs beneficiary each_spouse")
        return self


class Scope(BaseModel):
    """Who the whole document is for (its definition of a special family)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    conditions: Any
    each_person: Any = Field(default_factory=list)
    # when this holds, per-person benefits go to one spouse only (e.g. a family covered
    # only because one spouse has a surgery complication)
    single_person_when: Any = None
    citation: Citation
    note: str | None = None

    @field_validator("single_person_when")
    @classmethod
    def _single(cls, v: Any) -> Any:
        if v is not None:
            check_condition(v)
        return v

    @field_validator("conditions", "each_person")
    @classmethod
    def _conditions(cls, v: Any, info: Any) -> Any:
        check_condition(v, person=info.field_name == "each_person")
        return v


class RuleSet(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    jurisdiction: str
    reviewed: str  # who read it against the document, and when
    scope: Scope
    rules: tuple[Rule, ...]


TOPICS: dict[str, str] = {
    "monthly_allowance": "每月扶助金",
    "one_off_grant": "一次性救助/补助",
    "medical_insurance": "医保缴费补贴",
    "hospital_care": "住院护理保险/补贴",
    "health_check": "免费体检",
    "green_channel": "就医绿色通道",
    "elderly_home": "优先入住养老机构",
    "home_care": "居家养老服务",
    "pension_subsidy": "养老保险缴费补贴",
    "housing": "住房保障",
    "rebirth": "再生育服务",
    "adoption": "优先收养",
    "funeral": "殡葬费用减免",
    "contacts": "联系人和走访慰问",
    "legal_aid": "法律援助",
    "employment": "就业帮扶",
    "education": "残疾子女上学资助",
}


def _line_of(root: yaml.Node, loc: tuple[Any, ...]) -> int:
    """Follow a pydantic error location through the YAML node tree to a line number."""
    node, line = root, root.start_mark.line + 1
    for part in loc:
        if isinstance(node, yaml.MappingNode) and isinstance(part, str):
            match = next((v for k, v in node.value if k.value == part), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            match = node.value[part]
        else:
            match = None
        if match is None:
            break
        node, line = match, match.start_mark.line + 1
    return line


def _cross_checks(ruleset: RuleSet, expected_code: str,
                  clauses: Mapping[str, Clause] | None = None) -> list[tuple[tuple[Any, ...], str]]:
    """Checks that need the documents: codes, clause ids, verbatim quotes, unique ids."""
    problems: list[tuple[tuple[Any, ...], str]] = []
    if ruleset.jurisdiction != expected_code:
        problems.append((("jurisdiction",), f"jurisdiction {ruleset.jurisdiction!r} != file name {expected_code!r}"))
    clauses = clauses_by_id() if clauses is None else clauses
    cites: list[tuple[tuple[Any, ...], Citation]] = [(("scope", "citation"), ruleset.scope.citation)]
    cites += [(("rules", i, "citation"), r.citation) for i, r in enumerate(ruleset.rules)]
    for loc, cite in cites:
        clause = clauses.get(cite.clause)
        if clause is None or clause.doc != expected_code:
            problems.append((loc, f"clause {cite.clause!r} is not a clause of {expected_code}"))
        elif cite.quote not in clause.text:
            problems.append((loc, f"quote is not verbatim in {cite.clause}: {cite.quote[:30]}..."))
    seen: set[str] = set()
    for i, rule in enumerate(ruleset.rules):
        if not rule.id.startswith(expected_code + "."):
            problems.append((("rules", i, "id"), f"rule id {rule.id!r} must start with {expected_code}."))
        if rule.id in seen:
            problems.append((("rules", i, "id"), f"duplicate rule id {rule.id!r}"))
        seen.add(rule.id)
        for topic in rule.compare:
            if topic not in TOPICS:
                problems.append((("rules", i, "compare"), f"unknown topic {topic!r}; one of {', '.join(TOPICS)}"))
    return problems


def parse_rules(text: str, filename: str, code: str, clauses: Mapping[str, Clause] | None = None) -> RuleSet:
    """Validate one rules file; any problem raises RuleFileError naming file and line.

    `clauses` is the clause tree the quotes are checked against: the five shipped documents
    by default, or a new document's own tree (a drafted rule set for a city not yet shipped)."""
    try:
        root = compose_yaml(text)
        data = load_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 0
        raise RuleFileError(f"{filename}:{line}: not valid YAML: {getattr(exc, 'problem', exc)}") from None
    if root is None:
        raise RuleFileError(f"{filename}:1: empty rules file")
    try:
        ruleset = RuleSet.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        line = _line_of(root, tuple(err["loc"]))
        where = ".".join(str(p) for p in err["loc"])
        raise RuleFileError(f"{filename}:{line}: {where}: {err['msg']}") from None
    problems = _cross_checks(ruleset, code, clauses)
    if problems:
        loc, msg = problems[0]
        raise RuleFileError(f"{filename}:{_line_of(root, loc)}: {msg}")
    return ruleset


class RulesUnderReview(ProfileError):
    """The city's document was put in by its staff and no rule set is published yet: it is
    answered as clauses only, never with an amount as the family's entitlement. A profile of
    that city cannot be assessed, so this is a ProfileError (one line, exit 2, HTTP 422)."""

    def __init__(self, code: str) -> None:
        super().__init__(f"jurisdiction {code}: its rules are still under review (none published), so no result")
        self.code = code


def rules_published(code: str) -> bool:
    """Does this city have a published (reviewed) rule set to compute results from?"""
    from knowledge.catalogue import get_document

    return get_document(code).rules_published


@cache
def load_rules(code: str) -> RuleSet:
    """The city's published rule set: the version installed in the library (put in and
    published by the city's staff) or the reviewed file shipped in knowledge/rules/.
    Raises RulesUnderReview for a document with nothing published."""
    from knowledge.catalogue import current_code, installed_documents

    code = current_code(code)
    added = installed_documents().get(code)
    if added is not None:
        if added.rules_yaml is None:
            raise RulesUnderReview(code)
        return parse_rules(added.rules_yaml, f"published:{code}@{added.version}", code, clauses=clauses_by_id())
    name = f"{code}.yaml"
    text = resources.files("knowledge").joinpath("rules", name).read_text(encoding="utf-8")
    return parse_rules(text, f"knowledge/rules/{name}", code)


def all_rulesets() -> list[RuleSet]:
    """The published rule sets of every city that has one (a city under review has none)."""
    return [load_rules(doc.code) for doc in load_catalogue() if doc.rules_published]
