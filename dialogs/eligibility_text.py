"""Render the engine's answer as plain text: what the family gets, what may apply, what not.

Order matters for a grieving reader: what they can have first, with the money and the
household total; then what to ask the township office about; then what does not apply and
why. Every item carries its citation (document number, clause path, verbatim sentence) and
responsible units; the document's date and status close the header, and the last line says
that the local health commission decides.
"""

from __future__ import annotations

import re

from dialogs import check_templates as t
from dialogs.validity import result_validity
from knowledge.catalogue import Document, get_document
from knowledge.clauses import clauses_by_id
from knowledge.comparison import compare, resolve_topic
from knowledge.condition_text import phrase, requirement
from knowledge.eligibility import Assessment, Outcome, leaves
from knowledge.rules_schema import TOPICS, Amount, Rule, load_rules


def stated_date(doc: Document) -> str:
    """What "as stated in the document of <date>" says: the date, or that it is an undated draft."""
    return t.DRAFT_DATE_LABEL if doc.is_draft or doc.issued is None else doc.date_label


def money_text(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,.2f}"


def amount_text(amount: Amount, value: float, persons: int | None = None) -> str:
    """每人每月1430元 / 一次性每户10,000元（由政府代缴，不发到手上）."""
    bound = t.UP_TO if amount.up_to else t.AT_LEAST if amount.at_least else ""
    if amount.period == "once":
        head = t.PERIOD["once"] + ("" if amount.per == "household" else t.PER[amount.per])
    else:
        head = t.PER[amount.per] + t.PERIOD[amount.period]
    text = f"{head}{bound}{money_text(value)}元"
    if amount.limit:
        text += f"，{amount.limit}"
    if amount.per == "person" and persons and persons > 1 and amount.period != "day":
        text += t.PERSONS.format(persons=persons, total=money_text(value * persons))
    return text + t.PAID_AS[amount.paid_as]


# A sum as a rule title states it: "每人每月600元", "1万元", "每户至少3万至5万元", "最多减免200元".
_FIGURE = r"\d+(?:\.\d+)?万?"
_TITLE_SUM = re.compile(rf"(?:每[人户年月天]|一次性|最多|至少|减免)*{_FIGURE}(?:(?:至|到|、){_FIGURE}元?)*元")
_TITLE_BRACKETS = re.compile(r"（([^（）]*)）")


def bare_title(title: str) -> str:
    """The title without the sum it states, for a line that says the sum itself: Liuzhou's
    "市级扶助金（独生子女伤病残）每人每月600元" next to "每人每月600元" said it twice.
    A bracket that only lists sums goes ("（农村800元、城镇1000元）"); a bracket that also
    names the family keeps that part ("（独生子女伤残，按等级…）" -> "（独生子女伤残）")."""
    def keep_family(match: re.Match[str]) -> str:
        parts = [p for p in match.group(1).split("，") if not _TITLE_SUM.search(p)]
        return f"（{'，'.join(parts)}）" if parts else ""

    bare = _TITLE_BRACKETS.sub(keep_family, title)
    bare = _TITLE_SUM.sub("", bare).strip("，、 ")
    return bare or title


def _citation(rule: Rule) -> str:
    clause = clauses_by_id()[rule.citation.clause]
    doc = get_document(clause.doc)
    return t.ITEM_CITATION.format(number=doc.number or t.NO_NUMBER, path=clause.path, quote=rule.citation.quote)


def _units(rule: Rule) -> list[str]:
    units = list(rule.units)
    if not units:
        clause = clauses_by_id()[rule.citation.clause]
        units = [*clause.lead_units, *(u for u in clause.units if u not in clause.lead_units)]
    return [t.ITEM_UNITS.format(units="、".join(units))] if units else []


# Words about the *child's* situation (not a parent's own death: "父母去世后" is no child's).
_CHILD_BOTH = re.compile(r"(?:伤残|残疾|伤病残|病残)或死亡|死亡或(?:伤残|残疾|伤病残)")
_CHILD_SITUATION = {
    "deceased": re.compile(r"子女(?:发生)?(?:死亡|去世)|死亡家庭|失独"),
    "disabled": re.compile(r"(?:残疾|伤残|伤病残|病残)(?:的)?(?:独生)?(?:子女|儿童|孩子)|残疾儿童"
                           r"|子女(?:发生)?(?:[一二三四]级以上)?(?:伤残|伤病残|病残|残疾|伤、病残)"
                           r"|(?:伤残|伤病残|残疾)家庭|伤残程度|残疾等级"),
}


def other_child_situation(text: str, child: str | None) -> bool:
    """True when the text speaks only of the other kind of family (a disabled child's, when
    the family's child died, or the reverse): such a sentence does not describe this family."""
    if child not in _CHILD_SITUATION or _CHILD_BOTH.search(text):
        return False
    return any(pattern.search(text) for value, pattern in _CHILD_SITUATION.items() if value != child) \
        and not _CHILD_SITUATION[child].search(text)


def note_parts(note: str | None, child: str | None) -> tuple[str, bool]:
    """(the note's sentences that fit the family, whether a sentence for another family was left out)."""
    if not note:
        return "", False
    sentences = [s for s in re.split(r"(?<=[；。])", note) if s]
    kept = [s for s in sentences if not other_child_situation(s, child)]
    text = "".join(kept)
    if kept and text.endswith("；"):
        text = text[:-1] + "。"
    return text, len(kept) < len(sentences)


def render_outcome(n: int, outcome: Outcome, date: str, with_reasons: bool = True,
                   child: str | None = None) -> list[str]:
    """One item's lines. `child` is the family's known child situation (deceased / disabled):
    a note's sentence about the other kind of family is then left out."""
    rule = outcome.rule
    says_sum = outcome.status != "not_eligible" and rule.amount is not None  # the amount line follows
    lines = [t.ITEM.format(n=n, title=bare_title(rule.title) if says_sum else rule.title)]
    if outcome.status == "eligible" and len(outcome.spouses) == 1:
        lines[0] += t.ITEM_WHO.format(who=t.SPOUSE[outcome.spouses[0]])
    if outcome.status != "not_eligible" and rule.amount is not None:
        if outcome.value is not None:
            lines.append(t.ITEM_AMOUNT.format(amount=amount_text(rule.amount, outcome.value, outcome.persons),
                                              date=date))
        elif rule.amount.value is not None:  # still open for this family: the sum the document states
            lines.append(t.ITEM_AMOUNT.format(amount=amount_text(rule.amount, rule.amount.value), date=date))
        else:
            options = outcome.options or list(rule.amount.variants)
            listed = "；".join(f"{v.label or ''}{amount_text(rule.amount, v.value)}" for v in options)
            lines.append(t.ITEM_AMOUNT_OPTIONS.format(options=listed))
    if rule.provisos and outcome.status != "not_eligible":
        lines.append(t.ITEM_PROVISO.format(provisos="；".join(rule.provisos)))
    if with_reasons:
        lines += [t.ITEM_REASON.format(reason=r) for r in outcome.reasons]
    if outcome.missing:
        lines.append(t.ITEM_ASK.format(facts="、".join(t.MISSING_LABELS[f] for f in outcome.missing)))
    lines.append(_citation(rule))
    lines += _units(rule)
    note, _ = note_parts(rule.note, child)
    if note and outcome.status != "not_eligible":
        lines.append(t.ITEM_NOTE.format(note=note))
    return lines


def render_assessment(assessment: Assessment) -> str:
    doc = assessment.document
    lines = [t.RESULT_HEADER.format(city=doc.name),
             t.DOC_LINE_DRAFT.format(title=doc.title) if doc.is_draft else
             t.DOC_LINE.format(title=doc.title, number=doc.number or t.NO_NUMBER, date=stated_date(doc)),
             *result_validity(doc)]
    if assessment.covered is False:
        lines += ["", t.NOT_COVERED.format(city=doc.name), "", t.DECIDES]
        return "\n".join(lines)
    groups = {s: [o for o in assessment.outcomes if o.status == s] for s in ("eligible", "unknown", "not_eligible")}
    lines += ["", t.SECTION_ELIGIBLE.format(n=len(groups["eligible"]))]
    for n, o in enumerate(groups["eligible"], start=1):
        lines += render_outcome(n, o, stated_date(doc), with_reasons=False)
    if not groups["eligible"]:
        lines.append(t.SECTION_NONE)
    total = assessment.monthly_total()
    if total is not None:
        lines += ["", t.TOTAL_MONTHLY.format(total=money_text(total), date=stated_date(doc))]
        if not assessment.monthly_total_complete():
            lines.append(t.TOTAL_MONTHLY_OPEN)
        lines += total_notes(assessment)
    once = assessment.once_total()
    if once is not None:
        lines.append(t.TOTAL_ONCE.format(total=money_text(once)))
    lines += ["", t.SECTION_UNKNOWN.format(n=len(groups["unknown"]))]
    if groups["unknown"]:
        lines.append(t.SECTION_UNKNOWN_HINT)
    for n, o in enumerate(groups["unknown"], start=1):
        lines += render_outcome(n, o, stated_date(doc))
    if not groups["unknown"]:
        lines.append(t.SECTION_NONE)
    lines += ["", t.SECTION_NOT.format(n=len(groups["not_eligible"]))]
    for n, o in enumerate(groups["not_eligible"], start=1):
        lines += render_outcome(n, o, stated_date(doc))
    if not groups["not_eligible"]:
        lines.append(t.SECTION_NONE)
    lines += ["", t.DECIDES]
    return "\n".join(lines)


def total_notes(assessment: Assessment) -> list[str]:
    """What the monthly total includes and cannot: sums paid on top of allowances the
    document does not state, the child's own allowance, a spouse with no stated rate."""
    notes = [t.TOTAL_ON_TOP.format(basis=basis) for basis in assessment.on_top_of()]
    child = assessment.child_cash()
    if child:
        notes.append(t.TOTAL_CHILD.format(items="、".join(o.rule.title for o in child)))
    for spouse in assessment.spouses_without_rate():
        notes.append(t.TOTAL_SPOUSE_NO_RATE.format(who=t.SPOUSE[spouse]))
    return notes


def _who(rule: Rule) -> str:
    """A short statement of whom the rule names, from its conditions' wording."""
    trees = [tree for tree in (rule.conditions, rule.each_person) if tree]
    context = "all" if len(trees) + len(rule.provisos) > 1 else None
    parts = [*(phrase(tree, context) for tree in trees), *rule.provisos]
    return "、".join(dict.fromkeys(p for p in parts if p)) or "本文件所指的特殊家庭"


def _requirements(*trees: object) -> list[str]:
    """Every leaf of these condition trees, in plain words."""
    return [requirement(leaf) for tree in trees for leaf in leaves(tree)]


def render_comparison(topic: str) -> str:
    code = resolve_topic(topic)
    lines = [t.COMPARE_HEADER.format(topic=TOPICS[code])]
    for row in compare(code):
        doc = row.document
        lines.append(t.COMPARE_CITY.format(city=doc.name, number=doc.number or t.NO_NUMBER, date=doc.date_label,
                                           draft=t.COMPARE_DRAFT if doc.is_draft else ""))
        lines.append(t.COMPARE_SCOPE.format(who=scope_words(doc.code)))
        if not row.rules:
            lines.append(t.COMPARE_NONE)
        for rule in row.rules:
            if rule.amount is None:
                amount = t.COMPARE_NO_AMOUNT
            elif rule.amount.value is not None:
                amount = amount_text(rule.amount, rule.amount.value)
            else:
                variants = rule.amount.variants
                amount = "；".join(f"{v.label or who_variant(v.when)}{amount_text(rule.amount, v.value)}"
                                  for v in variants)
            title = rule.title if rule.amount is None else bare_title(rule.title)
            lines.append(t.COMPARE_ITEM.format(title=title, amount=amount + amount_basis(rule)))
            lines.append(t.COMPARE_WHO.format(who=_who(rule)))
            clause = clauses_by_id()[rule.citation.clause]
            lines.append(t.COMPARE_CITE.format(path=clause.path, quote=rule.citation.quote))
    return "\n".join(lines)


def amount_basis(rule: Rule) -> str:
    """Whether a sum is paid on top of allowances the document does not state, or is the
    raised total: 柳州 650 and 开封 1430 are not comparable as they stand."""
    amount = rule.amount
    if amount is None or amount.basis is None:
        return ""
    return t.COMPARE_BASIS[amount.basis].format(text=amount.basis_text or "")


def scope_words(code: str) -> str:
    """Whom a document covers, in words (its scope conditions with their logic)."""
    scope = load_rules(code).scope
    context = "all" if scope.conditions and scope.each_person else None
    return "、".join(p for p in (phrase(scope.conditions, context), phrase(scope.each_person, context)) if p)


def who_variant(when: object) -> str:
    return "、".join(_requirements(when)) + "："
