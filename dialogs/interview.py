"""The guided interview: ask only what can still change an answer, then summarise.

Independent of Telegram: a small JSON-serialisable state and pure functions over it. The
next question is the first one, in a fixed gentle order, that sets a fact the engine lists
as `missing` for some still-open rule; so a question whose answer cannot change anything
is never asked (no grade when the child died, no urban/rural where amounts do not depend
on it), and the interview ends as soon as every outcome is settled.

Steps are recorded in order; `back` undoes the last one and `change` re-asks one step from
the summary without starting over (answers that no longer matter are then dropped).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from dialogs import check_templates as t
from knowledge.catalogue import get_document, load_catalogue
from knowledge.eligibility import Assessment, age_bands, assess, leaves
from knowledge.facts import UNKNOWN, Profile, Span, parse_profile, today_in_china
from knowledge.rules_schema import load_rules

# Household registration comes right after the child: with no local hukou the document does
# not apply at all, and the family should hear that before anything else.
# Who is in the household comes before ages and hukou: a widow is asked about herself only.
# Whether they already receive 特别扶助金 is its own question with 不清楚: a checklist box
# left unticked would wrongly count as "no" for a family that simply does not know.
ORDER = ("child", "grade", "household", "hukou", "residence", "local_spouse", "later_child", "special_assistance",
         "mother_age", "mother_age_born", "father_age", "father_age_born", "checklist")
CHECKLIST_FACTS = tuple(f for f in t.CHECKLIST_LABELS if f != "special_assistance")
# facts whose answers depend on how many parents there are: the household is asked first
PER_PARENT_FACTS = frozenset({"hukou", "local_spouse", "mother_age", "father_age"})
SPOUSES = ("mother", "father")
UNKNOWN_ID = "u"
OTHER_PLACE_ID = "x"  # none of the five jurisdictions: the transport says what we know and ends


@dataclass(frozen=True)
class Option:
    """One button. `id` is short and stable: it travels in 64-byte callback data."""

    id: str
    label: str
    facts: dict[str, Any]


@dataclass(frozen=True)
class Question:
    key: str
    text: str
    options: tuple[Option, ...]
    facts: tuple[str, ...]  # every fact this question settles
    multi: bool = False  # a checklist: options toggle facts on
    age_fact: str | None = None  # a typed number answers this age

    def __post_init__(self) -> None:
        """Option ids are unique by construction: a repeated id would hide a button and make
        another answer record the wrong fact (城镇 once shared 不清楚's id)."""
        ids = [o.id for o in self.options]
        repeated = sorted({i for i in ids if ids.count(i) > 1})
        if repeated:
            raise ValueError(f"question {self.key!r}: option ids {repeated} are not unique")

    def option(self, option_id: str) -> Option | None:
        return next((o for o in self.options if o.id == option_id), None)


@dataclass
class Step:
    key: str
    facts: dict[str, Any]
    label: str


@dataclass
class InterviewState:
    """Everything needed to resume an interview after a restart (stored as JSON)."""

    jurisdiction: str | None = None
    steps: list[Step] = field(default_factory=list)
    as_of: dt.date = field(default_factory=today_in_china)
    pending: list[str] = field(default_factory=list)  # checklist items ticked so far
    confirmed: bool = False
    revising: bool = False  # an answer is being changed from the summary
    changing: dict[str, Any] | None = None  # that answer and its place, so that back restores it

    @property
    def answers(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for step in self.steps:
            out.update(step.facts)
        return out

    def profile(self) -> Profile:
        assert self.jurisdiction is not None
        facts = {k: v for k, v in self.answers.items() if k != "jurisdiction"}
        return parse_profile({"jurisdiction": self.jurisdiction, **facts}, as_of=self.as_of)

    def to_json(self) -> dict[str, Any]:
        return {
            "jurisdiction": self.jurisdiction,
            "steps": [{"key": s.key, "facts": s.facts, "label": s.label} for s in self.steps],
            "as_of": self.as_of.isoformat(),
            "pending": list(self.pending),
            "confirmed": self.confirmed,
            "revising": self.revising,
            "changing": self.changing,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> InterviewState:
        return cls(
            jurisdiction=data.get("jurisdiction"),
            steps=[Step(s["key"], dict(s["facts"]), s["label"]) for s in data.get("steps", [])],
            as_of=dt.date.fromisoformat(data["as_of"]),
            pending=list(data.get("pending", [])),
            confirmed=bool(data.get("confirmed", False)),
            revising=bool(data.get("revising", False)),
            changing=data.get("changing"),
        )


def start(jurisdiction: str | None = None, as_of: dt.date | None = None) -> InterviewState:
    return InterviewState(jurisdiction=jurisdiction, as_of=as_of or today_in_china())


def _unknown(facts: tuple[str, ...]) -> Option:
    return Option(UNKNOWN_ID, t.UNKNOWN, {f: UNKNOWN for f in facts})


def _missing_if(profile: Profile, **facts: Any) -> set[str]:
    """What would still be missing after these answers (to shape combined questions)."""
    for name, value in facts.items():
        profile = profile.with_fact(name, frozenset({value}))
    return assess(profile).missing()


def _jurisdiction_question() -> Question:
    # a city whose rules are still under review is not offered: no result can be computed there
    options = (*(Option(d.code, d.name, {}) for d in load_catalogue() if d.rules_published),
               Option(OTHER_PLACE_ID, t.OPT_OTHER_PLACE, {}))
    return Question("jurisdiction", t.Q_JURISDICTION, options, ("jurisdiction",))


def is_other_place(question: Question, option_id: str) -> bool:
    """The family's hukou is in none of the five places: no interview can answer them."""
    return question.key == "jurisdiction" and option_id == OTHER_PLACE_ID


def _child(profile: Profile, missing: set[str]) -> Question | None:
    if "child_status" not in missing:
        return None
    options = [Option("d", t.OPT_CHILD_DECEASED, {"child_status": "deceased"})]
    facts: tuple[str, ...] = ("child_status",)
    if "disability_grade" in _missing_if(profile, child_status="disabled"):
        facts = ("child_status", "disability_grade")
        for grade, name in t.GRADE_NAMES.items():
            options.append(Option(f"g{grade}", t.OPT_CHILD_DISABLED_GRADE.format(grade=name),
                                  {"child_status": "disabled", "disability_grade": grade}))
        options.append(Option("g0", t.OPT_CHILD_DISABLED_GRADE_UNKNOWN,
                              {"child_status": "disabled", "disability_grade": UNKNOWN}))
    else:
        options.append(Option("s", t.OPT_CHILD_DISABLED, {"child_status": "disabled"}))
    options.append(Option("h", t.OPT_CHILD_HEALTHY, {"child_status": "healthy"}))
    options.append(_unknown(facts))
    return Question("child", t.Q_CHILD, tuple(options), facts)


def _grade(profile: Profile, missing: set[str]) -> Question | None:
    if "disability_grade" not in missing:
        return None
    options = [Option(f"g{g}", t.OPT_GRADE.format(grade=n), {"disability_grade": g}) for g, n in t.GRADE_NAMES.items()]
    return Question("grade", t.Q_GRADE, (*options, _unknown(("disability_grade",))), ("disability_grade",))


def _yes_no(key: str, fact: str, text: str) -> Question:
    options = (Option("n", t.OPT_NO, {fact: False}), Option("y", t.OPT_YES, {fact: True}), _unknown((fact,)))
    return Question(key, text, options, (fact,))


def _later_child(profile: Profile, missing: set[str]) -> Question | None:
    if "later_child" not in missing:
        return None
    status = profile.value("child_status")
    text = {"deceased": t.Q_LATER_CHILD_DECEASED, "disabled": t.Q_LATER_CHILD_DISABLED}.get(status, t.Q_LATER_CHILD)
    return _yes_no("later_child", "later_child", text)


def _alone(profile: Profile) -> str | None:
    """The parent on their own (mother / father), or None for a couple or when not known."""
    member = profile.value("household")
    return member if member in SPOUSES else None


def _household(profile: Profile, missing: set[str]) -> Question | None:
    if "household" not in missing:
        return None
    options = (Option("b", t.OPT_HOUSEHOLD_BOTH, {"household": "both"}),
               Option("m", t.OPT_HOUSEHOLD_MOTHER, {"household": "mother"}),
               Option("f", t.OPT_HOUSEHOLD_FATHER, {"household": "father"}), _unknown(("household",)))
    return Question("household", t.Q_HOUSEHOLD, options, ("household",))


def _hukou_alone(profile: Profile, missing: set[str], member: str) -> Question:
    """A parent on their own: is *your* hukou here (one local person: that parent)."""
    city = get_document(profile.jurisdiction).name
    local = {"hukou": "one", "local_spouse": member}
    residence = "residence" not in profile.known and (
        "residence" in missing or "residence" in _missing_if(profile, **local))
    kinds = [("u", t.OPT_URBAN_SUFFIX, {"residence": "urban"}), ("r", t.OPT_RURAL_SUFFIX, {"residence": "rural"})] \
        if residence else [("", "", {})]
    facts = ("hukou", "local_spouse", *(["residence"] if residence else []))
    options = [Option("l" + kid, t.OPT_HUKOU_SELF_LOCAL + klabel, {**local, **kfacts}) for kid, klabel, kfacts in kinds]
    options.append(Option("n", t.OPT_HUKOU_SELF_NONE, {f: ("none" if f == "hukou" else UNKNOWN) for f in facts}))
    options.append(_unknown(facts))
    text = t.Q_HUKOU_SELF_RESIDENCE if residence else t.Q_HUKOU_SELF
    return Question("hukou", text.format(city=city), tuple(options), facts)


def _hukou(profile: Profile, missing: set[str]) -> Question | None:
    """Where the hukou is, folded with urban/rural and which spouse when those can matter,
    so that most families answer all three with one tap."""
    if "hukou" not in missing:
        return None
    member = _alone(profile)
    if member is not None:
        return _hukou_alone(profile, missing, member)
    city = get_document(profile.jurisdiction).name
    residence = "residence" not in profile.known and (
        "residence" in missing or "residence" in _missing_if(profile, hukou="both"))
    spouse = "local_spouse" not in profile.known and "local_spouse" in _missing_if(profile, hukou="one")
    kinds = [("u", t.OPT_URBAN_SUFFIX, {"residence": "urban"}), ("r", t.OPT_RURAL_SUFFIX, {"residence": "rural"})] \
        if residence else [("", "", {})]
    holders = [("b", t.OPT_HUKOU_BOTH, {"hukou": "both"})]
    if spouse:
        holders += [("m", t.OPT_HUKOU_MOTHER, {"hukou": "one", "local_spouse": "mother"}),
                    ("f", t.OPT_HUKOU_FATHER, {"hukou": "one", "local_spouse": "father"})]
    else:
        holders.append(("o", t.OPT_HUKOU_ONE, {"hukou": "one"}))
    options = [Option(hid + kid, hlabel + klabel, {**hfacts, **kfacts})
               for hid, hlabel, hfacts in holders for kid, klabel, kfacts in kinds]
    facts = ("hukou", *(["residence"] if residence else []), *(["local_spouse"] if spouse else []))
    options.append(Option("n", t.OPT_HUKOU_NONE, {f: ("none" if f == "hukou" else UNKNOWN) for f in facts}))
    options.append(_unknown(facts))
    text = t.Q_HUKOU_RESIDENCE if residence else t.Q_HUKOU
    return Question("hukou", text.format(city=city), tuple(options), facts)


def _residence(profile: Profile, missing: set[str]) -> Question | None:
    if "residence" not in missing:
        return None
    options = (Option("t", t.OPT_URBAN, {"residence": "urban"}), Option("r", t.OPT_RURAL, {"residence": "rural"}),
               _unknown(("residence",)))
    return Question("residence", t.Q_RESIDENCE, options, ("residence",))


def _local_spouse(profile: Profile, missing: set[str]) -> Question | None:
    if "local_spouse" not in missing:
        return None
    options = (Option("m", t.OPT_MOTHER, {"local_spouse": "mother"}),
               Option("f", t.OPT_FATHER, {"local_spouse": "father"}), _unknown(("local_spouse",)))
    return Question("local_spouse", t.Q_LOCAL_SPOUSE, options, ("local_spouse",))


def band_label(low: int, high: int, last: bool) -> str:
    if low == 0:
        return t.AGE_BELOW.format(next=high + 1)
    if last:
        return t.AGE_FROM.format(low=low)
    if low == high:
        return t.AGE_EXACT.format(low=low)
    return t.AGE_RANGE.format(low=low, high=high)


OLD_AGE = 90  # above this, age buttons split only by a birth-date rule: asked as yes / no instead


def birth_cutoff(code: str) -> dt.date | None:
    """The date of a "born on or after" rule of the jurisdiction (Liuzhou: 1933-01-01)."""
    ruleset = load_rules(code)
    trees = [ruleset.scope.each_person, *(r.each_person for r in ruleset.rules)]
    dates = [leaf["born_on_or_after"] for tree in trees for leaf in leaves(tree) if "born_on_or_after" in leaf]
    return dates[0] if dates else None


def person_bands(code: str, fact: str, as_of: dt.date) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """(bands a person would choose, the very old bands a birth-date question tells apart).

    "60到92岁 / 93岁 / 94岁及以上" is not how anyone thinks of an age: from OLD_AGE on it
    is one band ("90岁及以上"), and only for that band the birth-date question follows."""
    bands = age_bands(code, fact, as_of)
    old = [b for b in bands if b[0] >= OLD_AGE]
    if not old or birth_cutoff(code) is None or len(old) == len(bands):
        return bands, []
    young = [b for b in bands if b[0] < OLD_AGE]
    low, high = young[-1]
    if high >= OLD_AGE:  # 60到92 -> 60到89 and 90岁及以上
        young[-1] = (low, OLD_AGE - 1)
    return [*young, (OLD_AGE, old[-1][1])], old


def _born(fact: str) -> Any:
    """Was this parent born on or after the cutoff? Asked only when the age given cannot
    tell (a band reaching past 90, or an exact age in the cutoff year)."""
    def build(profile: Profile, missing: set[str]) -> Question | None:
        cutoff = birth_cutoff(profile.jurisdiction)
        span = profile.known.get(fact)
        if cutoff is None or not isinstance(span, Span) or fact not in assess(profile).missing():
            return None
        _, old = person_bands(profile.jurisdiction, fact, profile.as_of)
        if not old or span.high < old[0][0]:
            return None
        first_old, last_old = old[0][0], old[-1][0]
        day = f"{cutoff.year}年{cutoff.month}月{cutoff.day}日"
        who = t.OPT_MOTHER if fact == "mother_age" else t.OPT_FATHER
        options = (
            Option("y", t.OPT_BORN_AFTER.format(day=day),
                   {fact: {"min": min(span.low, first_old - 1), "max": first_old - 1}}),
            Option("n", t.OPT_BORN_BEFORE.format(day=day), {fact: {"min": last_old, "max": max(span.high, last_old)}}),
            Option(UNKNOWN_ID, t.UNKNOWN, {fact: {"min": span.low, "max": span.high}}),  # keep what was said
        )
        return Question(f"{fact}_born", t.Q_BORN.format(who=who, day=day), options, (fact,))

    return build


def _asks_after_absent_parent(profile: Profile, fact: str) -> bool:
    """A parent on their own is never asked the other parent's age: a widower must not be
    asked how old his late wife is. The rule's own condition (女方年满49周岁) stays open in
    the result, for the township office to settle."""
    alone = _alone(profile)
    return alone is not None and fact != f"{alone}_age"


# the age question's words for a parent on their own: "您" for their own age, and why the
# other parent's age is asked at all
_AGE_TEXT_ALONE = {("mother_age", "mother"): t.Q_MOTHER_AGE_ALONE, ("father_age", "father"): t.Q_FATHER_AGE_ALONE,
                   ("mother_age", "father"): t.Q_MOTHER_AGE_FOR_FATHER}


def _age(fact: str, text: str) -> Any:
    def build(profile: Profile, missing: set[str]) -> Question | None:
        if fact not in missing or _asks_after_absent_parent(profile, fact):
            return None
        wording = _AGE_TEXT_ALONE.get((fact, _alone(profile) or ""), text)
        bands, _ = person_bands(profile.jurisdiction, fact, profile.as_of)
        options = tuple(
            Option(f"a{low}", band_label(low, high, i == len(bands) - 1),
                   {fact: low if low == high else {"min": low, "max": high}})
            for i, (low, high) in enumerate(bands)
        )
        return Question(fact, wording, (*options, _unknown((fact,))), (fact,), age_fact=fact)

    return build


def _special_assistance(profile: Profile, missing: set[str]) -> Question | None:
    if "special_assistance" not in missing:
        return None
    options = (Option("y", t.OPT_RECEIVES, {"special_assistance": True}),
               Option("n", t.OPT_NOT_YET, {"special_assistance": False}), _unknown(("special_assistance",)))
    return Question("special_assistance", t.SINGLE_FACT_QUESTIONS["special_assistance"], options,
                    ("special_assistance",))


def _checklist(profile: Profile, missing: set[str]) -> Question | None:
    items = [f for f in CHECKLIST_FACTS if f in missing]
    if not items:
        return None
    alone = _alone(profile) is not None
    if len(items) == 1:
        fact = items[0]
        questions = {**t.SINGLE_FACT_QUESTIONS, **(t.SINGLE_FACT_QUESTIONS_ALONE if alone else {})}
        return _yes_no("checklist", fact, questions[fact])
    labels = {**t.CHECKLIST_LABELS, **(t.CHECKLIST_LABELS_ALONE if alone else {})}
    options = tuple(Option(f"c{CHECKLIST_FACTS.index(f)}", labels[f], {f: True}) for f in items)
    return Question("checklist", t.Q_CHECKLIST, (*options, _unknown(tuple(items))), tuple(items), multi=True)


BUILDERS = {
    "child": _child, "grade": _grade, "household": _household, "later_child": _later_child, "hukou": _hukou,
    "residence": _residence, "special_assistance": _special_assistance,
    "local_spouse": _local_spouse, "mother_age": _age("mother_age", t.Q_MOTHER_AGE),
    "father_age": _age("father_age", t.Q_FATHER_AGE), "checklist": _checklist,
    "mother_age_born": _born("mother_age"), "father_age_born": _born("father_age"),
}


def _open_missing(state: InterviewState) -> tuple[Profile, set[str]]:
    """The facts still missing that nobody has answered yet (不清楚 counts as answered)."""
    profile = state.profile()
    answered = set(state.answers)
    missing = assess(profile).missing()
    if missing & PER_PARENT_FACTS:
        missing.add("household")  # the engine counts parents; it never lists who is alive
    if state.changing is not None:  # the answer being changed is asked again, needed or not
        missing.add(state.changing["key"])
    return profile, missing - answered


def next_question(state: InterviewState) -> Question | None:
    """The next question to ask, or None when every outcome that can be settled is."""
    if state.jurisdiction is None:
        return _jurisdiction_question()
    profile, missing = _open_missing(state)
    asked = {s.key for s in state.steps}
    order: tuple[str, ...] = ORDER
    if _alone(profile) == "father":  # his own age first: a man answering alone thinks of himself
        order = tuple({"mother_age": "father_age", "father_age": "mother_age", "mother_age_born": "father_age_born",
                       "father_age_born": "mother_age_born"}.get(k, k) for k in ORDER)
    for key in order:
        if key.endswith("_born"):
            if key in asked or f"{key.removesuffix('_born')}" not in asked:
                continue  # only right after that age was given, and never twice
        elif not missing:
            continue
        question = BUILDERS[key](profile, missing)
        if question is not None:
            return question
    return None


def _questions_left(state: InterviewState) -> int:
    """How many questions this path can still ask, counting the current one: each question
    whose facts are still open, plus a birth-date question after an age that may need one.
    Answers only close facts, so the count can fall as the family answers, never rise."""
    if state.jurisdiction is None:
        return 0
    profile, missing = _open_missing(state)
    asked = {s.key for s in state.steps}
    left = 0
    covered: set[str] = set()
    for key in ORDER:
        if key in asked:
            continue
        if key.endswith("_born"):  # asked only after some ages: counted while such an age may come
            age = key.removesuffix("_born")
            if age in asked:
                left += _born(age)(profile, missing) is not None
            elif age in missing and birth_cutoff(profile.jurisdiction) is not None:
                left += bool(person_bands(profile.jurisdiction, age, profile.as_of)[1])
        elif (question := BUILDERS[key](profile, missing)) is not None and not set(question.facts) <= covered:
            left += 1  # a question folded into an earlier one (the grade into the child's) is not counted
            covered |= set(question.facts)
    return left


def progress(state: InterviewState) -> str:
    """「（第2个问题，共6个）」: where the family is and how many this path may still ask
    (before the city is known, the range over the cities)."""
    n = len(state.steps) + 1
    if state.jurisdiction is None:
        totals = [1 + _questions_left(start(d.code, state.as_of)) for d in load_catalogue() if d.rules_published]
        return t.PROGRESS_RANGE.format(n=n, low=min(totals), high=max(totals))
    return t.PROGRESS_OF.format(n=n, total=len(state.steps) + _questions_left(state))


def answer(state: InterviewState, question: Question, option_id: str) -> bool:
    """Apply a button press; False if the option does not belong to the question."""
    if question.key == "jurisdiction":
        if question.option(option_id) is None or option_id == OTHER_PLACE_ID:
            return False
        state.jurisdiction = option_id
        state.steps.append(Step("jurisdiction", {}, get_document(option_id).name))
        return True
    option = question.option(option_id)
    if option is None:
        return False
    if question.multi and option.id != UNKNOWN_ID:
        return False  # checklist items are toggled, then finished
    state.steps.append(Step(question.key, dict(option.facts), option.label))
    state.pending = []
    _prune(state)
    return True


def toggle(state: InterviewState, question: Question, option_id: str) -> bool:
    option = question.option(option_id)
    if not question.multi or option is None or option.id == UNKNOWN_ID:
        return False
    if option.id in state.pending:
        state.pending.remove(option.id)
    else:
        state.pending.append(option.id)
    return True


def finish_checklist(state: InterviewState, question: Question, ticked: list[str] | None = None) -> bool:
    """Ticked items are true, the others false (the user looked at each and said no)."""
    chosen = set(state.pending if ticked is None else ticked)
    items = [o for o in question.options if o.id != UNKNOWN_ID]
    if not question.multi or chosen - {o.id for o in items}:
        return False
    facts = {f: (o.id in chosen) for o in items for f in o.facts}
    labels = [o.label for o in items if o.id in chosen]
    state.steps.append(Step(question.key, facts, "、".join(labels) if labels else t.CHECKLIST_NONE))
    state.pending = []
    _prune(state)
    return True


_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
              "九": 9}
_CN_AGE = re.compile(r"(?:([一二两三四五六七八九]?)(十))?([一二三四五六七八九])?"
                     r"|(一百)(?:零([一二三四五六七八九])|一十|(十))?")
_FULL_WIDTH = str.maketrans("０１２３４５６７８９", "0123456789")


def typed_age(text: str) -> int | None:
    """An age as a person types it: "58", "５８", "58岁", "五十八", "六十", "一百零二". None for
    anything else ("²", Arabic-Indic digits and 5,000-digit strings included)."""
    core = text.strip().removesuffix("周岁").removesuffix("岁").strip().translate(_FULL_WIDTH)
    if re.fullmatch(r"[0-9]{1,3}", core):
        return int(core)
    match = _CN_AGE.fullmatch(core)
    if not core or match is None:
        return None
    if match.group(4):  # 一百, 一百零二, 一百一十
        return 100 + (_CN_DIGITS[match.group(5)] if match.group(5) else 10 if match.group(6) or "十" in core else 0)
    tens = (_CN_DIGITS[match.group(1)] if match.group(1) else 1) if match.group(2) else 0
    units = _CN_DIGITS[match.group(3)] if match.group(3) else 0
    return tens * 10 + units


def answer_age(state: InterviewState, question: Question, text: str) -> bool:
    """A typed age ("58", "58岁", "五十八") for an age question; False if it is not a sensible age."""
    age = typed_age(text)
    if question.age_fact is None or age is None or not 18 <= age <= 120:
        return False
    state.steps.append(Step(question.key, {question.age_fact: age}, t.AGE_EXACT.format(low=age)))
    _prune(state)
    return True


def back(state: InterviewState) -> bool:
    """Undo the last answer; False if there is nothing to undo. While an answer is being
    changed from the summary, back puts that answer back (the later ones are kept)."""
    state.pending = []
    state.confirmed = False
    if state.revising and state.changing is not None:
        held = state.changing
        state.steps.insert(held["index"], Step(held["key"], dict(held["facts"]), held["label"]))
        state.revising = False
        state.changing = None
        return True
    if not state.steps:
        return False
    last = state.steps.pop()
    if last.key == "jurisdiction":
        state.jurisdiction = None
    return True


def change(state: InterviewState, index: int) -> bool:
    """Re-ask step `index` (0-based, as listed in the summary) without starting over."""
    if not 0 <= index < len(state.steps):
        return False
    step = state.steps.pop(index)
    state.changing = {"index": index, "key": step.key, "facts": step.facts, "label": step.label}
    if step.key == "jurisdiction":
        state.jurisdiction = None
        state.steps = []
        state.changing = None  # a new city starts over: nothing to put back
    state.confirmed = False
    state.pending = []
    state.revising = True
    return True


def _prune(state: InterviewState) -> None:
    """After a changed answer, drop earlier ones that no longer matter (a grade after 离世).

    Only while revising: during the first pass every answer was relevant when given, and
    the summary should show the family everything they told us."""
    if state.jurisdiction is None or not state.revising:
        return
    state.revising = False
    state.changing = None
    changed = True
    while changed:
        changed = False
        for i, step in enumerate(state.steps):
            if step.key in ("jurisdiction", "household") or i == len(state.steps) - 1:
                continue
            trial = InterviewState(state.jurisdiction, state.steps[:i] + state.steps[i + 1:], state.as_of)
            if not set(step.facts) & assess(trial.profile()).missing():
                state.steps.pop(i)
                changed = True
                break


def summary(state: InterviewState) -> list[tuple[int, str, str]]:
    """(index, what was asked, the answer) for each step, for the change-an-answer screen."""
    rows = []
    for i, step in enumerate(state.steps):
        if step.key == "jurisdiction":
            rows.append((i, t.Q_JURISDICTION, step.label))
            continue
        first = next(iter(step.facts), None)
        many = step.key == "checklist" and len(step.facts) > 1
        what = "其他情况" if many else (t.MISSING_LABELS.get(first, step.key) if first is not None else step.key)
        label = step.label
        rows.append((i, what, label))
    return rows


def finished(state: InterviewState) -> bool:
    return state.jurisdiction is not None and next_question(state) is None


def result(state: InterviewState) -> Assessment:
    return assess(state.profile())


def _check_option_ids() -> None:
    """Build every question with every fact still open, in every jurisdiction, at import:
    a repeated option id (城镇 once shared 不清楚's id, so 城镇户口 vanished from the
    keyboard) then fails when the program starts, never in a family's conversation."""
    _jurisdiction_question()
    for doc in load_catalogue():
        profile = start(doc.code).profile()
        missing = set(assess(profile).missing()) | {"residence", "local_spouse", "disability_grade"}
        for build in BUILDERS.values():
            build(profile, missing)


_check_option_ids()
