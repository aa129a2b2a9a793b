"""What a Liuzhou father, a Linyi widow and a Kaifeng mother saw on the result screen
(issue 23): a sum said twice in one line, a cash line about the other kind of family, and
the citation before the money. Checked over every rule of every city and over the family
situations the interview produces (Telegram, the terminal and the phone page all render
`dialogs/result_summary.py` and `render_outcome`)."""

from __future__ import annotations

import datetime as dt
import random
import re
from collections import Counter
from functools import cache
from typing import Any

import pytest

from dialogs.eligibility_text import render_comparison, render_outcome
from dialogs.interview import UNKNOWN_ID, answer, finish_checklist, next_question, person_bands, progress, start
from dialogs.result_summary import ResultView, build_view, render_full
from knowledge.catalogue import load_catalogue
from knowledge.eligibility import Assessment, Outcome, assess
from knowledge.facts import parse_profile
from knowledge.rules_schema import TOPICS, load_rules
from tests.dialogs.interview_driver import BOOLS, TYPICAL, play

DAY = dt.date(2026, 11, 23)
CODES = [d.code for d in load_catalogue()]
# "600元", "1,430元", "1万元", "0.5万元": a sum of money as a line says it
MONEY = re.compile(r"(\d[\d,]*(?:\.\d+)?)(万)?元")
CHILDREN: list[dict[str, Any]] = [{"child_status": "deceased"},
                                  *({"child_status": "disabled", "disability_grade": g} for g in (1, 2, 3, 4))]
# (household, hukou, local spouse): a couple both local, a couple with one local, a parent on their own
HOUSEHOLDS = [("both", "both", None), ("both", "one", "mother"), ("both", "one", "father"),
              ("mother", "one", "mother"), ("father", "one", "father")]


def figures(text: str) -> list[float]:
    return [float(n.replace(",", "")) * (10000 if wan else 1) for n, wan in MONEY.findall(text)]


def repeated(text: str) -> list[float]:
    return [f for f, n in Counter(figures(text)).items() if n > 1]


@cache
def situations(code: str) -> list[tuple[str, Assessment]]:
    """Families as the interview records them: every child situation and grade, every
    household and hukou split, urban and rural, in the scheme or not yet, each age band the
    age buttons offer (youngest, a middle one, oldest), and no / every checklist item."""
    out = []
    mothers, _ = person_bands(code, "mother_age", DAY)
    fathers, _ = person_bands(code, "father_age", DAY)
    picks = sorted({0, len(mothers) // 2, len(mothers) - 1})
    for child in CHILDREN:
        for household, hukou, local in HOUSEHOLDS:
            for residence in ("urban", "rural"):
                for special in (True, False):
                    for i in picks:
                        for ticked in ((False, True) if special else (False,)):
                            facts: dict[str, Any] = {
                                "jurisdiction": code, **child, "later_child": False, "household": household,
                                "hukou": hukou, "residence": residence, "special_assistance": special,
                                "low_income": ticked, "wubao": ticked, "self_care_lost": ticked,
                                "chronic_disease": ticked, "surgery_complication": ticked,
                                "child_in_higher_education": ticked, "child_under_7": ticked}
                            if local:
                                facts["local_spouse"] = local
                            if household in ("both", "mother"):
                                facts["mother_age"] = mothers[i][0]
                            if household in ("both", "father"):
                                facts["father_age"] = fathers[min(i, len(fathers) - 1)][0]
                            label = f"{code} {child} {household}/{hukou}/{local} {residence} 扶助{special} " \
                                    f"年龄档{i} 勾选{ticked}"
                            out.append((label, assess(parse_profile(facts, as_of=DAY))))
    return out


@cache
def view(code: str, i: int) -> ResultView:
    return build_view(situations(code)[i][1])


def item_blocks(v: ResultView) -> list[str]:
    """Every item as a block of lines (a block starts "N. "), from every section."""
    return [b for s in v.sections for b in s.text.split("\n\n") if re.match(r"\d+\. ", b)]


def title_and_amount(block: str) -> str:
    """The item's title line and its amount line: what the family reads as the item's sum
    (the citation quotes the document verbatim and may well say the sum again)."""
    lines = block.splitlines()
    return "\n".join([lines[0], *(line for line in lines[1:] if line.strip().startswith("金额"))])


# --- the same sum twice ------------------------------------------------------------------

def test_liuzhou_and_linyi_say_the_monthly_sum_once() -> None:
    """The line the families read: "市级扶助金（独生子女伤病残）每人每月600元每人每月600元"."""
    liuzhou = build_view(assess(parse_profile({
        "jurisdiction": "liuzhou", "child_status": "disabled", "disability_grade": 2, "later_child": False,
        "household": "both", "mother_age": 58, "father_age": 61, "hukou": "both", "residence": "rural",
        "special_assistance": True}, as_of=DAY)))
    assert "每人每月600元每人每月600元" not in liuzhou.summary
    assert "市级扶助金（独生子女伤病残）每人每月600元" in liuzhou.summary
    cash = liuzhou.section("cash")
    assert cash is not None and "1. 市级扶助金（独生子女伤病残）\n   金额：每人每月600元，2人共1,200元" in cash.text
    linyi = build_view(assess(parse_profile({
        "jurisdiction": "linyi", "child_status": "deceased", "later_child": False, "household": "mother",
        "mother_age": 66, "hukou": "one", "local_spouse": "mother", "residence": "urban",
        "special_assistance": True}, as_of=DAY)))
    assert "每人每月500元每人每月500元" not in linyi.summary
    assert all(line.count("500元") <= 1 for line in linyi.summary.splitlines())


@pytest.mark.parametrize("code", CODES)
def test_no_sum_is_said_twice_in_any_summary_line_or_item(code: str) -> None:
    for i, (label, _) in enumerate(situations(code)):
        v = view(code, i)
        for line in v.summary.splitlines():
            assert not repeated(line), (label, line)
        for block in item_blocks(v):
            shown = title_and_amount(block)
            assert not repeated(shown), (label, shown)
        assert not any(repeated(line) for line in render_full(v).splitlines() if "出处" not in line), label


@pytest.mark.parametrize("code", CODES)
def test_every_rule_with_a_sum_names_it_once_whatever_its_value_and_persons(code: str) -> None:
    """Each rule's title with each sum it can take (its value or every variant), for one
    parent and for two, eligible and still open: the item's title and amount lines."""
    for rule in load_rules(code).rules:
        if rule.amount is None:
            continue
        values = [rule.amount.value] if rule.amount.value is not None else [v.value for v in rule.amount.variants]
        for value in values:
            for persons in (1, 2):
                for status in ("eligible", "unknown"):
                    outcome = Outcome(rule, status, value, persons if rule.amount.per == "person" else None)
                    shown = title_and_amount("\n".join(render_outcome(1, outcome, "2018年8月1日")))
                    assert not repeated(shown), (rule.id, shown)
        open_outcome = Outcome(rule, "unknown", None, None)
        shown = title_and_amount("\n".join(render_outcome(1, open_outcome, "2018年8月1日")))
        assert not repeated(shown), (rule.id, shown)


def test_the_comparison_says_each_sum_once() -> None:
    """Each rule's title and amount on the hotline comparison (the basis that follows in
    brackets may quote the document's "提高到…" and is not the item's own sum)."""
    for topic in TOPICS:
        for line in render_comparison(topic).splitlines():
            if line.strip().startswith("·"):
                title_amount = re.sub(r"（(?:提高后的总额|[^（）]*另发的部分).*$", "", line)
                assert not repeated(title_amount), (topic, line)


# --- lines about the other kind of family --------------------------------------------------

# words about a disabled child, and about a child who died, as notes, conditions and titles use them
ABOUT_DISABLED = re.compile(r"伤残家庭|伤病残家庭|残疾家庭|残疾(?:的)?独生子女|残疾儿童|伤残程度|子女(?:伤残|伤病残|残疾)")
ABOUT_DECEASED = re.compile(r"死亡家庭|子女死亡|子女去世|失独")
ABOUT_BOTH = re.compile(r"(?:伤残|残疾|伤病残)或死亡|死亡或(?:伤残|残疾|伤病残)")


def contradicts(text: str, child: str) -> bool:
    """A sentence only about the other kind of family than this one."""
    if ABOUT_BOTH.search(text):
        return False
    disabled, deceased = bool(ABOUT_DISABLED.search(text)), bool(ABOUT_DECEASED.search(text))
    return (disabled and not deceased) if child == "deceased" else (deceased and not disabled)


def test_kaifeng_child_died_cash_list_has_no_line_about_disabled_children() -> None:
    """The Kaifeng mother's cash list: the enrolment line whose note spoke of 伤残家庭 is
    not listed among what she gets; it is explained under 可能还有, without that sentence."""
    v = build_view(assess(parse_profile({
        "jurisdiction": "kaifeng", "child_status": "deceased", "later_child": False, "household": "both",
        "mother_age": 68, "father_age": 70, "hukou": "both", "residence": "urban", "special_assistance": True,
        "self_care_lost": False}, as_of=DAY)))
    cash = v.section("cash")
    assert cash is not None
    listed, _, maybe = cash.text.partition("可能还有")
    assert "伤残" not in cash.text
    assert "纳入国家和省计划生育家庭特别扶助" not in listed
    assert "纳入国家和省计划生育家庭特别扶助" in maybe and "对各种情况的家庭一起写的" in maybe
    assert "特别扶助金（独生子女死亡）" in listed


@pytest.mark.parametrize("code", CODES)
def test_no_listed_line_speaks_only_of_the_other_kind_of_family(code: str) -> None:
    """Every item a family is shown (each topic, the open ones, the re-birth and adoption
    ones): its title, conditions (前提) and note (说明) never speak only of the other kind of
    family; a note's sentence is read on its own."""
    for i, (label, assessment) in enumerate(situations(code)):
        child = assessment.profile.value("child_status")
        v = view(code, i)
        for section in v.sections:
            if section.key == "not":
                continue  # what does not apply says why: naming the other family is the reason
            for block in (b for b in section.text.split("\n\n") if re.match(r"\d+\. ", b)):
                lines = block.splitlines()
                shown = [lines[0], *(line for line in lines[1:] if line.strip().startswith(("前提", "说明")))]
                sentences = [s for line in shown for s in re.split(r"[；。]", line) if s]
                bad = [s for s in sentences if contradicts(s, child)]
                assert not bad, (label, section.key, bad)


# --- the money first -----------------------------------------------------------------------

@pytest.mark.parametrize("code", CODES)
def test_the_summary_opens_with_the_monthly_total_and_cites_after(code: str) -> None:
    """The first line is the total alone (the phone page shows `headline` large, Telegram in
    bold); the document's number comes after the money, never first."""
    with_total = 0
    for i, (label, assessment) in enumerate(situations(code)):
        v = view(code, i)
        lines = v.summary.splitlines()
        source = next(n for n, line in enumerate(lines) if line.startswith("依据："))
        if assessment.monthly_total() is not None and v.headline is not None:
            with_total += 1
            assert re.fullmatch(r"每月现金合计：[\d,.]+元", lines[0]), (label, lines[0])
            assert v.headline == lines[0]
            assert lines[1].startswith("包括："), label
        else:
            assert v.headline is None
        assert all(not line.startswith("依据：") for line in lines[:source]), label
        money = [n for n, line in enumerate(lines) if line.startswith(("每月现金合计", "包括", "一次性的钱"))]
        assert all(n < source for n in money), (label, lines)
    if code != "jiangyan":  # the draft states no monthly cash for the family itself
        assert with_total, code


# --- the progress line ---------------------------------------------------------------------

@pytest.mark.parametrize("code", CODES)
def test_the_progress_total_never_rises_and_never_falls_below_what_is_asked(code: str) -> None:
    """Random families (every option, 不清楚 and checklist picks included) in each city: the
    "共N个" said at each question never grows and is never fewer than the questions the
    family ends up answering (a fall is only ever a path that became shorter)."""
    rng = random.Random(23)
    for _ in range(40):
        state = start(code, DAY)
        said: list[int] = []
        while (question := next_question(state)) is not None:
            line = progress(state)
            match = re.fullmatch(r"（第(\d+)个问题，共(\d+)个）", line)
            assert match and int(match.group(1)) == len(state.steps) + 1, line
            said.append(int(match.group(2)))
            if question.multi:
                items = [o.id for o in question.options if o.id != UNKNOWN_ID]
                assert finish_checklist(state, question, [i for i in items if rng.random() < 0.4]) \
                    if rng.random() < 0.8 else answer(state, question, UNKNOWN_ID)
            else:
                assert answer(state, question, rng.choice(question.options).id)
        asked = len(state.steps)
        assert said == sorted(said, reverse=True), (code, said, [s.key for s in state.steps])
        assert all(n >= asked for n in said), (code, said, asked)


def test_before_the_city_the_progress_line_gives_the_range_over_the_cities() -> None:
    line = progress(start(None, DAY))
    low, high = map(int, re.fullmatch(r"（第1个问题，共(\d+)到(\d+)个）", line).groups())  # type: ignore[union-attr]
    typical = [len(play({"jurisdiction": code, **BOOLS, **family})[1]) + 1 for code in CODES
               for family in TYPICAL.values()]
    assert 1 < low <= high and max(typical) <= high  # no family is asked more than the range said
