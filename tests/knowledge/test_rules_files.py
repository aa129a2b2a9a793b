"""The rules files: strict validation with file and line, and nothing the documents grant dropped.

The clause and amount lists below were made by hand from the five documents (read in
full): a rule file that stops citing one of these clauses, or loses a stated amount, fails.
"""

from __future__ import annotations

import pytest

from knowledge.clauses import clauses_by_id
from knowledge.rules_schema import RuleFileError, all_rulesets, load_rules, parse_rules

# Every clause that grants something to families (cash, services, care, priority).
BENEFIT_CLAUSES = {
    "ankang": ["4.1", "4.2", "4.3", "4.4", "4.5", "4.6", "4.7", "4.8", "4.9", "5.3"],
    "linyi": ["2.1", "2.2", "2.3", "2.4", "2.5"],
    "jiangyan": ["3.1.1", "3.1.2", "3.1.3", "3.1.4", "3.1.5", "3.2.1", "3.2.2", "3.2.3", "3.2.4", "3.2.5", "3.2.6",
                 "3.3.1", "3.3.2", "3.3.3", "3.3.4", "3.4", "3.5.1", "3.5.2", "3.5.3", "3.5.4", "3.5.5", "3.5.6",
                 "3.5.7"],
    "kaifeng": ["3.1.1", "3.1.2", "3.2.3", "3.2.4", "3.3.5", "3.3.6", "3.3.7", "3.4.8", "3.4.9", "3.4.10", "3.4.11",
                "3.4.12", "3.4.13", "3.4.14", "3.4.15", "3.4.16", "3.5.17"],
    "liuzhou": ["3.1", "3.2.1", "3.2.2", "3.2.3", "3.2.4", "3.2.5", "3.3.1", "3.3.2", "3.3.3", "3.3.4", "3.4", "3.5",
                "3.6", "3.7", "3.8.1", "3.8.2", "3.8.3"],
}

# Every sum of money the documents state for families: (clause, CNY, period, per).
STATED_AMOUNTS = [
    ("ankang/4.1", 20000, "once", "household"), ("ankang/4.1", 30000, "once", "household"),
    ("ankang/4.1", 800, "month", "person"), ("ankang/4.1", 1000, "month", "person"),
    ("ankang/4.4", 30000, "once", "household"), ("ankang/4.4", 40000, "once", "household"),
    ("ankang/4.4", 50000, "once", "household"), ("ankang/4.4", 5000, "once", "household"),
    ("linyi/2.2", 500, "month", "person"), ("linyi/2.2", 300, "month", "person"),
    ("linyi/2.2", 10000, "once", "household"), ("linyi/2.2", 5000, "once", "household"),
    ("linyi/2.2", 4000, "once", "household"), ("linyi/2.2", 3000, "once", "household"),
    ("kaifeng/3.1.1", 1430, "month", "person"), ("kaifeng/3.1.2", 10000, "once", "household"),
    ("kaifeng/3.1.2", 5000, "once", "household"), ("kaifeng/3.3.6", 900, "year", "person"),
    ("kaifeng/3.3.6", 300, "day", "person"),
    ("liuzhou/3.1", 650, "month", "person"), ("liuzhou/3.1", 600, "month", "person"),
    ("liuzhou/3.2.4", 200, "year", "person"), ("liuzhou/3.7", 1000, "once", "child"),
    ("liuzhou/3.7", 200, "month", "child"),
]


def test_all_five_files_load_with_many_rules() -> None:
    sizes = {rs.jurisdiction: len(rs.rules) for rs in all_rulesets()}
    assert set(sizes) == set(BENEFIT_CLAUSES)
    assert all(n >= 15 for n in sizes.values()), sizes


@pytest.mark.parametrize("code", sorted(BENEFIT_CLAUSES))
def test_every_benefit_clause_is_cited(code: str) -> None:
    cited = {r.citation.clause for r in load_rules(code).rules}
    dropped = [c for c in BENEFIT_CLAUSES[code] if f"{code}/{c}" not in cited]
    assert not dropped, f"{code}: no rule cites {dropped}"


@pytest.mark.parametrize(("clause", "value", "period", "per"), STATED_AMOUNTS)
def test_every_stated_amount_is_encoded(clause: str, value: int, period: str, per: str) -> None:
    code = clause.split("/")[0]
    found = []
    for rule in load_rules(code).rules:
        if rule.citation.clause != clause or rule.amount is None:
            continue
        values = [rule.amount.value] if rule.amount.value is not None else [v.value for v in rule.amount.variants]
        if value in values and rule.amount.period == period and rule.amount.per == per:
            found.append(rule.id)
    assert found, f"no rule of {clause} states {value} CNY {period}/{per}"


def test_no_amount_is_invented() -> None:
    """Every amount in the rules is one the documents state (the list above)."""
    stated = {(c, v) for c, v, _, _ in STATED_AMOUNTS}
    for rs in all_rulesets():
        for rule in rs.rules:
            if rule.amount is None:
                continue
            values = [rule.amount.value] if rule.amount.value is not None else [v.value for v in rule.amount.variants]
            for v in values:
                assert (rule.citation.clause, v) in stated, f"{rule.id}: {v} is not a stated amount of its clause"


def test_every_quote_is_verbatim_in_its_clause() -> None:
    clauses = clauses_by_id()
    for rs in all_rulesets():
        assert rs.scope.citation.quote in clauses[rs.scope.citation.clause].text
        for rule in rs.rules:
            clause = clauses[rule.citation.clause]
            assert clause.doc == rs.jurisdiction
            assert rule.citation.quote in clause.text, rule.id


def test_titles_never_say_shidu_to_a_family() -> None:
    for rs in all_rulesets():
        for rule in rs.rules:
            assert "失独" not in rule.title, rule.id


GOOD = """jurisdiction: kaifeng
reviewed: test
scope:
  conditions: [{child_status: deceased}]
  citation: {clause: kaifeng/preamble, quote: 计划生育特殊家庭}
rules:
  - id: kaifeng.x
    title: 测试
    category: cash
    beneficiary: each_spouse
    amount: {value: 1430, period: month, per: person}
    citation: {clause: kaifeng/3.1.1, quote: 每人每月1430元}
"""


def test_a_good_minimal_file_parses() -> None:
    rs = parse_rules(GOOD, "k.yaml", "kaifeng")
    assert rs.rules[0].amount.value == 1430  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("old", "new", "line", "message"),
    [
        ("quote: 每人每月1430元", "quote: 每人每月9999元", 12, "not verbatim"),
        ("clause: kaifeng/3.1.1", "clause: kaifeng/9.9", 12, "not a clause of kaifeng"),
        ("category: cash", "category: money", 9, "category"),
        ("{child_status: deceased}", "{child_status: dead}", 4, "dead"),
        ("{child_status: deceased}", "{child_age: 3}", 4, "unknown fact"),
        ("amount: {value: 1430, period: month, per: person}", "amount: {value: 1430, period: week, per: person}", 11,
         "period"),
        ("id: kaifeng.x", "id: linyi.x", 7, "must start with kaifeng."),
        ("    title: 测试\n", "    title: 测试\n    colour: red\n", 9, "colour"),
        ("beneficiary: each_spouse", "beneficiary: household", 7, "per person"),
    ],
)
def test_a_broken_file_fails_with_file_and_line(old: str, new: str, line: int, message: str) -> None:
    broken = GOOD.replace(old, new)
    assert broken != GOOD
    with pytest.raises(RuleFileError) as err:
        parse_rules(broken, "knowledge/rules/kaifeng.yaml", "kaifeng")
    text = str(err.value)
    assert text.startswith(f"knowledge/rules/kaifeng.yaml:{line}:"), text
    assert message in text, text


def test_invalid_yaml_reports_its_line() -> None:
    with pytest.raises(RuleFileError, match=r"^k\.yaml:2: not valid YAML"):
        parse_rules("jurisdiction: kaifeng\nreviewed: a: b\n", "k.yaml", "kaifeng")


@pytest.mark.parametrize("bad", [".inf", ".nan", "-5", "1000000000000.0"])
def test_an_absurd_amount_is_refused_with_its_line(bad: str) -> None:
    """A hand-edited or imported rules file with infinity, NaN, a negative or a trillion-yuan
    amount never reaches an answer (infinity once crashed every city's comparison)."""
    from importlib import resources

    from knowledge.rules_schema import RuleFileError, parse_rules

    text = resources.files("knowledge").joinpath("rules", "kaifeng.yaml").read_text(encoding="utf-8")
    with pytest.raises(RuleFileError, match=r"^x\.yaml:22: rules\.0\.amount\.value"):
        parse_rules(text.replace("value: 1430", f"value: {bad}", 1), "x.yaml", "kaifeng")
