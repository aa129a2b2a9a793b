"""The rules engine: which benefits of a jurisdiction apply to a family, and how much.

Three-valued logic over what is still possible for each fact: a condition is true when it
holds for every value a fact can still take, false when it holds for none, and open
otherwise. So an unknown fact can never produce `not_eligible` for a rule that depends on
it, and the facts named in `missing` are exactly those whose answer could still change
the outcome (the interview asks only those).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from knowledge.catalogue import Document, get_document
from knowledge.clauses import clauses_by_id
from knowledge.condition_text import actual, requirement
from knowledge.facts import AGE_MAX, AGE_MIN, FACTS, Profile, Span
from knowledge.rules_schema import Rule, RuleSet, Variant, load_rules

Tri = bool | None  # True, False, or None for "still open"
SPOUSES = ("mother", "father")
AGE_OF = {"mother": "mother_age", "father": "father_age"}
STATUS_ORDER = {"eligible": 0, "unknown": 1, "not_eligible": 2}


@dataclass
class Trace:
    """Which leaves held, failed or stayed open while evaluating one condition tree."""

    held: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    open: list[str] = field(default_factory=list)
    missing: set[str] = field(default_factory=set)
    spouses: list[str] = field(default_factory=list)  # spouses who certainly qualify
    satisfied: int = 0  # leaves that held anywhere below, explaining or not (how close a branch came)


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _leaf(profile: Profile, name: str, test: Any, spouse: str | None) -> tuple[Tri, str]:
    """Evaluate one leaf; returns (value, the profile fact it read)."""
    fact = AGE_OF[spouse] if name in ("age", "born_on_or_after") and spouse else name
    possible = profile.possible(fact)
    if name == "born_on_or_after":
        assert isinstance(possible, Span)
        earliest = _years_before(profile.as_of, possible.high + 1) + dt.timedelta(days=1)
        latest = _years_before(profile.as_of, possible.low)
        if earliest >= test:
            return True, fact
        return (False if latest < test else None), fact
    if isinstance(test, dict):
        assert isinstance(possible, Span)
        low, high = test.get("min", -10**6), test.get("max", 10**6)
        if low <= possible.low and possible.high <= high:
            return True, fact
        return (False if possible.high < low or possible.low > high else None), fact
    allowed = set(test) if isinstance(test, list) else {test}
    values = set(range(possible.low, possible.high + 1)) if isinstance(possible, Span) else set(possible)
    if values <= allowed:
        return True, fact
    return (False if not values & allowed else None), fact


def evaluate(node: Any, profile: Profile, trace: Trace, spouse: str | None = None) -> Tri:
    """Kleene evaluation of a condition tree, recording reasons and open facts in `trace`."""
    if isinstance(node, list):
        node = {"all": node}
    (key, value), = node.items()
    if key in ("all", "any"):
        sub = [(evaluate(child, profile, t := Trace(), spouse), t) for child in value]
        results = [r for r, _ in sub]
        decisive = key != "all"
        if decisive in results:
            outcome: Tri = decisive
        elif all(r is (not decisive) for r in results):
            outcome = not decisive
        else:
            outcome = None
        if key == "any" and outcome is False:
            # name the condition that actually fails: of the alternatives, the ones the family
            # comes closest to (a grade-4 child fails 三级以上, not 独生子女死亡)
            closest = max(t.satisfied for _, t in sub)
            sub = [(r, t) for r, t in sub if t.satisfied == closest]
        trace.satisfied += sum(t.satisfied for _, t in sub)
        for r, t in sub:
            if outcome is None and r is not None:
                continue  # settled children do not explain an open node, open ones do
            if outcome is not None and r is not outcome:
                continue  # only the children that decided the outcome explain it
            trace.held += t.held
            trace.failed += t.failed
            trace.open += t.open
            if outcome is None:
                trace.missing |= t.missing
        return outcome
    if key == "not":
        inner = Trace()
        r = evaluate(value, profile, inner, spouse)
        trace.held += inner.failed
        trace.failed += inner.held
        trace.open += inner.open
        trace.missing |= inner.missing
        return None if r is None else not r
    result, fact = _leaf(profile, key, value, spouse)
    words = requirement({key: value})
    if result is True:
        trace.satisfied += 1
        trace.held.append(words)
    elif result is False:
        trace.failed.append(f"{words}（您家：{actual(fact, profile.possible(fact))}）")
    else:
        trace.open.append(words)
        trace.missing.add(fact)
    return result


@dataclass
class Outcome:
    """The engine's answer for one rule and one family."""

    rule: Rule
    status: str  # eligible | not_eligible | unknown
    value: float | None = None  # the amount that applies to this family (per `amount.per`)
    persons: int | None = None  # for per-person amounts: how many spouses receive it
    spouses: list[str] = field(default_factory=list)  # which ones, when we know (mother / father)
    reasons: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    options: list[Variant] = field(default_factory=list)  # amounts the document lists but we cannot choose

    @property
    def household_value(self) -> float | None:
        if self.value is None:
            return None
        return self.value * (self.persons or 0) if self.rule.amount and self.rule.amount.per == "person" else self.value

    @property
    def settled(self) -> bool:
        return not self.missing

    def key(self) -> tuple[Any, ...]:
        """What a user would notice: status, amount, number of people."""
        return (self.rule.id, self.status, self.value, self.persons)


@dataclass
class Assessment:
    """Everything the engine says about one family in one jurisdiction."""

    profile: Profile
    document: Document
    covered: bool | None  # False: no local household registration; None: not yet known
    outcomes: list[Outcome]

    def _cash_total(self, period: str) -> float | None:
        """The parents' cash of one period from the benefits they certainly get; None if none.

        A disabled child's own allowance (Liuzhou's college allowance) belongs to the child
        and is not counted here (see `child_cash`)."""
        values = [o.household_value for o in self.outcomes
                  if _cash(o, period) and o.status == "eligible" and o.rule.beneficiary != "child"]
        known = [v for v in values if v is not None]
        return sum(known) if known else None

    def monthly_total(self) -> float | None:
        return self._cash_total("month")

    def once_total(self) -> float | None:
        return self._cash_total("once")

    def child_cash(self) -> list[Outcome]:
        """Monthly cash the child itself receives (kept out of the parents' total)."""
        return [o for o in self.outcomes
                if _monthly_cash(o) and o.status == "eligible" and o.rule.beneficiary == "child"]

    def on_top_of(self) -> list[str]:
        """What the counted monthly sums are paid on top of (allowances this document does
        not state, so the total cannot include them): Liuzhou's 除国家、自治区按照规定给予的扶助外."""
        return list(dict.fromkeys(
            o.rule.amount.basis_text for o in self.outcomes
            if _monthly_cash(o) and o.status == "eligible" and o.rule.amount and o.rule.amount.basis == "on_top"
            and o.rule.amount.basis_text))

    def spouses_without_rate(self) -> list[str]:
        """Spouses (both local) for whom no counted monthly sum is stated: Ankang pays each spouse
        aged 60+, and says nothing of a younger spouse, who must be named, not counted as 0."""
        if self.profile.value("hukou") != "both":
            return []
        monthly = [o for o in self.outcomes if _monthly_cash(o) and o.status == "eligible"
                   and o.rule.beneficiary == "each_spouse"]
        if not monthly or any(not o.spouses for o in monthly):
            return []
        paid = {s for o in monthly for s in o.spouses}
        return [s for s in SPOUSES if s not in paid]

    def monthly_total_complete(self) -> bool:
        """False while some monthly cash is still open (status, amount or number of people)."""
        return all(o.settled for o in self.outcomes if _monthly_cash(o) and o.status != "not_eligible")

    @property
    def settled(self) -> bool:
        if not all(o.settled for o in self.outcomes):
            return False
        # where the hukou is need not be known when nothing would apply anyway
        return self.covered is not None or all(o.status == "not_eligible" for o in self.outcomes)

    def missing(self) -> set[str]:
        out: set[str] = set()
        for o in self.outcomes:
            out.update(o.missing)
        return out


def _cash(o: Outcome, period: str) -> bool:
    a = o.rule.amount
    return a is not None and a.paid_as == "cash" and a.period == period


def _monthly_cash(o: Outcome) -> bool:
    return _cash(o, "month")


def _cite(ruleset: RuleSet, clause_id: str) -> str:
    doc = get_document(ruleset.jurisdiction)
    clause = clauses_by_id()[clause_id]
    return f"{doc.citation_label} {clause.path}"


def _spouses(profile: Profile) -> tuple[tuple[str, ...], int, bool]:
    """(spouses who may be covered, how many at most, whether `local_spouse` decides).

    A widowed or divorced parent alone (`household` mother / father) is one person: per-person
    amounts count the living spouses only (a Kaifeng widow gets 1,430 a month, not 2,860)."""
    household = profile.value("household")
    if household in SPOUSES:
        return (household,), 1, False
    hukou = profile.value("hukou")
    if hukou == "one":
        local = profile.value("local_spouse")
        if local is not None:
            return (local,), 1, False
        return SPOUSES, 1, True
    return SPOUSES, 2, False


def _person_part(rule: Rule, ruleset: RuleSet, profile: Profile, trace: Trace) -> tuple[int, int]:
    """Per-spouse conditions: (spouses certainly covered, spouses possibly covered)."""
    conditions = [*rule.each_person, *(ruleset.scope.each_person if rule.in_scope else [])]
    spouses, cap, local_decides = _spouses(profile)
    results: dict[str, Tri] = {}
    for spouse in spouses:
        t = Trace()
        results[spouse] = evaluate(conditions, profile, t, spouse) if conditions else True
        who = "女方" if spouse == "mother" else "男方"
        trace.held += [w.replace("本人", who) for w in t.held]
        trace.failed += [w.replace("本人", who) for w in t.failed]
        trace.open += [w.replace("本人", who) for w in t.open]
        trace.missing |= t.missing
    sure = sum(1 for r in results.values() if r is True)
    maybe = sum(1 for r in results.values() if r is not False)
    trace.spouses = [s for s, r in results.items() if r is True]
    if local_decides:
        # exactly one spouse is covered and we do not know which: settled only if both agree
        if sure == 2:
            return 1, 1
        if maybe == 0:
            return 0, 0
        trace.missing.add("local_spouse")
        trace.open.append("户口在本地的是哪一方")
        return 0, 1
    single = ruleset.scope.single_person_when if rule.in_scope else None
    if single is not None:
        single_trace = Trace()
        one_only = evaluate(single, profile, single_trace)
        if one_only is True:
            cap = 1
        elif one_only is None and sure >= 2:
            trace.missing |= single_trace.missing  # one or two people: still open
            trace.open += single_trace.open
            return 1, min(maybe, cap)
    return min(sure, cap), min(maybe, cap)


def _choose_amount(rule: Rule, profile: Profile, trace: Trace) -> tuple[float | None, list[Variant]]:
    amount = rule.amount
    if amount is None:
        return None, []
    if amount.value is not None:
        return amount.value, []
    decidable = [v for v in amount.variants if v.when is not None]
    if not decidable:
        return None, list(amount.variants)
    for variant in decidable:
        t = Trace()
        r = evaluate(variant.when, profile, t)
        if r is True:
            return variant.value, []
        if r is None:
            trace.missing |= t.missing
    return None, decidable


def assess_rule(rule: Rule, ruleset: RuleSet, profile: Profile) -> Outcome:
    cite_rule = _cite(ruleset, rule.citation.clause)
    cite_scope = _cite(ruleset, ruleset.scope.citation.clause)
    scope_trace, rule_trace, person_trace = Trace(), Trace(), Trace()
    scope = evaluate(ruleset.scope.conditions, profile, scope_trace) if rule.in_scope else True
    own = evaluate(rule.conditions, profile, rule_trace)
    needs_people = rule.beneficiary == "each_spouse" or (rule.in_scope and ruleset.scope.each_person)
    sure, maybe = _person_part(rule, ruleset, profile, person_trace) if needs_people else (1, 1)
    people: Tri = True if sure > 0 else (False if maybe == 0 else None)
    if scope is False or own is False or people is False:
        reasons = []
        if scope is False:
            reasons += [f"不符合：{w}（见{cite_scope}）" for w in scope_trace.failed]
        if own is False:
            reasons += [f"不符合：{w}（见{cite_rule}）" for w in rule_trace.failed]
        if people is False:
            reasons += [f"不符合：{w}（见{cite_rule}）" for w in person_trace.failed]
        return Outcome(rule, "not_eligible", reasons=list(dict.fromkeys(reasons)))
    held = scope_trace.held + rule_trace.held + person_trace.held
    if scope is None or own is None or people is None:
        # a settled person part (who and how many) cannot change the outcome: its open
        # leaves (the other spouse's age when one is enough) are not missing
        person_missing = person_trace.missing if people is None or sure != maybe else set()
        missing = scope_trace.missing | rule_trace.missing | person_missing
        opened = scope_trace.open + rule_trace.open + person_trace.open
        reasons = [f"还需确认：{w}" for w in dict.fromkeys(opened)]
        if held:
            reasons.append("已符合：" + "、".join(dict.fromkeys(held)))
        return Outcome(rule, "unknown", reasons=reasons, missing=_ordered(missing))
    amount_trace = Trace()
    value, options = _choose_amount(rule, profile, amount_trace)
    missing = set(amount_trace.missing)
    per_spouse = rule.beneficiary == "each_spouse"
    if per_spouse and sure != maybe:  # how many spouses receive it is still open
        missing |= person_trace.missing
    reasons = [f"符合：{'、'.join(dict.fromkeys(held))}（见{cite_rule}）"] if held else [f"见{cite_rule}"]
    if per_spouse and sure != maybe:
        reasons.append("另一方是否也能领取还需确认：" + "、".join(dict.fromkeys(person_trace.open)))
    persons = sure if per_spouse else None
    spouses = person_trace.spouses if per_spouse and len(person_trace.spouses) == sure else []
    return Outcome(rule, "eligible", value=value, persons=persons, spouses=spouses, reasons=reasons,
                   missing=_ordered(missing), options=options)


def _ordered(facts: set[str]) -> list[str]:
    return [name for name in FACTS if name in facts]


def assess(profile: Profile, ruleset: RuleSet | None = None) -> Assessment:
    """Evaluate every rule of the profile's jurisdiction: its published rules, or `ruleset`
    when given (a draft previewed in the office console before it is published)."""
    if ruleset is None:
        ruleset = load_rules(profile.jurisdiction)
    document = get_document(profile.jurisdiction)
    hukou = profile.possible("hukou")
    if hukou == frozenset({"none"}):
        return Assessment(profile, document, False, [])
    covered = None if isinstance(hukou, frozenset) and "none" in hukou else True  # hukou is a set fact
    outcomes = [assess_rule(rule, ruleset, profile) for rule in ruleset.rules]
    if covered is None:
        for o in outcomes:
            if o.status != "not_eligible":
                o.status = "unknown"
                o.missing = _ordered({*o.missing, "hukou"})
                o.reasons.insert(0, "还需确认：夫妻是否有一方是本地户籍（这些待遇由户籍所在地负责）")
    outcomes.sort(key=lambda o: STATUS_ORDER[o.status])
    return Assessment(profile, document, covered, outcomes)


def leaves(node: Any) -> list[dict[str, Any]]:
    if isinstance(node, list):
        return [leaf for child in node for leaf in leaves(child)]
    (key, value), = node.items()
    if key in ("any", "all", "not"):
        return leaves(value)
    return [node]


def age_bands(code: str, fact: str, as_of: dt.date) -> list[tuple[int, int]]:
    """Age ranges within which no rule of the jurisdiction can tell two ages apart.

    Interview buttons offer these bands, so picking a band settles exactly what the exact
    age would settle (48 and 49 fall in different bands where 女方年满49周岁 matters)."""
    ruleset = load_rules(code)
    spouse = "mother" if fact == "mother_age" else "father"
    trees: list[tuple[Any, str | None]] = [(ruleset.scope.conditions, None), (ruleset.scope.each_person, spouse)]
    for rule in ruleset.rules:
        trees += [(rule.conditions, None), (rule.each_person, spouse)]
        if rule.amount:
            trees += [(v.when, None) for v in rule.amount.variants if v.when is not None]
    found = [(leaf, who) for tree, who in trees for leaf in leaves(tree)]
    relevant = [(leaf, who) for leaf, who in found
                if next(iter(leaf)) == fact or (who and next(iter(leaf)) in ("age", "born_on_or_after"))]

    def signature(age: int) -> tuple[Tri, ...]:
        profile = Profile(code, {fact: Span(age, age)}, as_of)
        return tuple(_leaf(profile, *next(iter(leaf.items())), who)[0] for leaf, who in relevant)

    bands: list[tuple[int, int]] = []
    start, current = AGE_MIN, signature(AGE_MIN)
    for age in range(AGE_MIN + 1, AGE_MAX + 1):
        sig = signature(age)
        if sig != current:
            bands.append((start, age - 1))
            start, current = age, sig
    bands.append((start, AGE_MAX))
    return bands
