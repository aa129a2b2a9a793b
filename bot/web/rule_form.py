"""A drafted rule edited through the office console's form, never as YAML typed (issue 26).

A rule of the reviewed schema (`knowledge/rules/README.md`) is read into the form's cells
(the amount, its period and whom it is per, and the conditions the form knows: the child's
situation with a disability grade range, the mother's lowest age, no later birth or adoption,
local household registration) and built back from them. Conditions the form does not know
are kept as they are, each with a box to leave it out; the schema's check
(`bot.documents.library.check_rules`) runs on the result before it is saved.
"""

from __future__ import annotations

import re
from typing import Any

from dialogs import web_copy as w

PERIODS = ("month", "year", "once", "day")
PERS = ("person", "household", "child")
CHILD_CHOICES = ("", "deceased", "disabled", "either")
HUKOU_CHOICES = ("", "both", "one", "local")
CONDITION_CELLS = ("child", "grade_min", "grade_max", "mother_age_min", "no_later_child", "hukou")
ADDABLE = ("child_deceased", "child_disabled", "mother_age", "no_later_child", "local_hukou", "both_hukou")
# a sum beyond these is a typing slip (an extra zero or two): a monthly, yearly or daily payment
# of more than a million yuan, a one-off of more than ten million; nothing is paid as 0 yuan
MAX_AMOUNT = 10_000_000
MAX_PERIODIC_AMOUNT = 1_000_000
_HUKOU = {"both": "both", "one": "one"}


class FormProblem(ValueError):
    """A cell the form cannot accept; `message_zh` is shown above the form."""

    def __init__(self, message_zh: str) -> None:
        super().__init__(message_zh)
        self.message_zh = message_zh


def nodes(conditions: Any) -> list[Any]:
    """A condition tree's top-level parts ("all of" a list)."""
    if not conditions:
        return []
    return list(conditions) if isinstance(conditions, list) else [conditions]


def _either_with_grade(node: Any) -> dict[str, int] | None:
    """{any: [{child_status: deceased}, {all: [{child_status: disabled}, {disability_grade: R}]}]}
    (the usual definition: 独生子女三级以上残疾或死亡) -> R."""
    if not (isinstance(node, dict) and list(node) == ["any"] and isinstance(node["any"], list)
            and len(node["any"]) == 2):
        return None
    rest = [n for n in node["any"] if n != {"child_status": "deceased"}]
    if len(rest) != 1 or not isinstance(rest[0], (dict, list)):
        return None
    inner = rest[0]["all"] if isinstance(rest[0], dict) and list(rest[0]) == ["all"] else rest[0]
    if not isinstance(inner, list) or len(inner) != 2 or {"child_status": "disabled"} not in inner:
        return None
    grade = next(n for n in inner if n != {"child_status": "disabled"})
    if isinstance(grade, dict) and list(grade) == ["disability_grade"] and isinstance(grade["disability_grade"], dict):
        return dict(grade["disability_grade"])
    return None


def read_conditions(conditions: Any) -> tuple[dict[str, str], list[Any]]:
    """The form's cells for a condition tree, and the parts the form does not know (kept)."""
    cells = dict.fromkeys(CONDITION_CELLS, "")
    others: list[Any] = []
    for node in nodes(conditions):
        grade = _either_with_grade(node)
        if grade is not None and not cells["child"]:
            cells["child"] = "either"
            cells["grade_min"], cells["grade_max"] = str(grade.get("min", "")), str(grade.get("max", ""))
        elif node == {"child_status": "deceased"} and not cells["child"]:
            cells["child"] = "deceased"
        elif node == {"child_status": "disabled"} and not cells["child"]:
            cells["child"] = "disabled"
        elif (isinstance(node, dict) and isinstance(node.get("child_status"), list)
              and sorted(node["child_status"]) == ["deceased", "disabled"] and not cells["child"]):
            cells["child"] = "either"
        elif (isinstance(node, dict) and list(node) == ["disability_grade"]
              and isinstance(node["disability_grade"], dict) and not (cells["grade_min"] or cells["grade_max"])):
            grade = node["disability_grade"]
            cells["grade_min"], cells["grade_max"] = str(grade.get("min", "")), str(grade.get("max", ""))
        elif (isinstance(node, dict) and list(node) == ["mother_age"] and isinstance(node["mother_age"], dict)
              and list(node["mother_age"]) == ["min"] and not cells["mother_age_min"]):
            cells["mother_age_min"] = str(node["mother_age"]["min"])
        elif node == {"later_child": False}:
            cells["no_later_child"] = "1"
        elif node in ({"hukou": "both"}, {"hukou": "one"}) and not cells["hukou"]:
            cells["hukou"] = node["hukou"]
        elif (isinstance(node, dict) and isinstance(node.get("hukou"), list)
              and sorted(node["hukou"]) == ["both", "one"] and not cells["hukou"]):
            cells["hukou"] = "local"
        else:
            others.append(node)
    return cells, others


def _number(text: str, low: int, high: int, message: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    if not re.fullmatch(r"\d{1,3}", text) or not low <= int(text) <= high:
        raise FormProblem(message)
    return int(text)


def build_conditions(cells: dict[str, str], others: list[Any]) -> list[Any]:
    """The condition list from the form's cells, then the kept parts it does not know."""
    out: list[Any] = []
    low = _number(cells.get("grade_min", ""), 1, 4, w.DOCS_BAD_GRADE) or 1
    high = _number(cells.get("grade_max", ""), 1, 4, w.DOCS_BAD_GRADE) or 4
    if low > high:
        raise FormProblem(w.DOCS_BAD_GRADE)
    grade = {**({"min": low} if low > 1 else {}), **({"max": high} if high < 4 else {})}
    child = cells.get("child", "")
    if child not in CHILD_CHOICES:
        raise FormProblem(w.DOCS_BAD_CHOICE)
    if child == "deceased":
        out.append({"child_status": "deceased"})
    elif child == "disabled":
        out.append({"child_status": "disabled"})
        if grade:
            out.append({"disability_grade": grade})
    elif child == "either":
        out.append({"any": [{"child_status": "deceased"},
                            {"all": [{"child_status": "disabled"}, {"disability_grade": grade}]}]}
                   if grade else {"child_status": ["deceased", "disabled"]})
    elif grade:
        out.append({"disability_grade": grade})
    age = _number(cells.get("mother_age_min", ""), 1, 120, w.DOCS_BAD_AGE)
    if age is not None:
        out.append({"mother_age": {"min": age}})
    if cells.get("no_later_child"):
        out.append({"later_child": False})
    hukou = cells.get("hukou", "")
    if hukou not in HUKOU_CHOICES:
        raise FormProblem(w.DOCS_BAD_CHOICE)
    if hukou in _HUKOU:
        out.append({"hukou": _HUKOU[hukou]})
    elif hukou == "local":
        out.append({"hukou": ["both", "one"]})
    return out + others


def money(text: str, period: str = "once") -> float | int:
    """A sum as typed (1430, 1,430, 1430元, 0.5万元) in yuan: more than 0 and at most the
    period's limit (`amount_limit`); the range is said when it is outside."""
    raw = re.sub(r"[,，\s]|元$", "", text.strip()).replace("－", "-")
    scale = 1
    if raw.endswith("万"):
        raw, scale = raw[:-1], 10_000
    if not re.fullmatch(r"-?\d{1,15}(?:\.\d{1,2})?", raw):
        raise FormProblem(w.DOCS_BAD_AMOUNT)
    value = float(raw) * scale
    limit = amount_limit(period)
    if not 0 < value <= limit:
        raise FormProblem(w.DOCS_AMOUNT_RANGE.format(period=w.DOCS_PERIODS.get(period, ""), limit=f"{limit:,}",
                                                     typed=text.strip()[:20]))
    return int(value) if value == int(value) else value


def amount_limit(period: str) -> int:
    """The largest sum the form takes for a period, in yuan."""
    return MAX_AMOUNT if period == "once" else MAX_PERIODIC_AMOUNT


def read_amount(amount: Any) -> dict[str, str]:
    """The form's cells for an amount (a single value or one per variant)."""
    cells = {"value": "", "period": "month", "per": "person"}
    if not isinstance(amount, dict):
        return cells
    cells["period"], cells["per"] = str(amount.get("period", "month")), str(amount.get("per", "person"))
    if amount.get("value") is not None:
        cells["value"] = _shown(amount["value"])
    for i, variant in enumerate(amount.get("variants") or []):
        cells[f"variant_{i}"] = _shown(variant.get("value", ""))
    return cells


def _shown(value: Any) -> str:
    return str(int(value)) if isinstance(value, float) and value == int(value) else str(value)


def build_amount(current: Any, cells: dict[str, str]) -> dict[str, Any] | None:
    """The amount from the cells: the same keys as before (paid as, limits, basis) with the
    sum(s), period and per changed; no sum typed (and no variants) means no amount."""
    period, per = cells.get("period", ""), cells.get("per", "")
    if period not in PERIODS or per not in PERS:
        raise FormProblem(w.DOCS_BAD_CHOICE)
    current = dict(current) if isinstance(current, dict) else {}
    variants = current.get("variants") or []
    if variants:
        values = [money(cells.get(f"variant_{i}", ""), period) for i in range(len(variants))]
        return {**current, "variants": [{**v, "value": value} for v, value in zip(variants, values, strict=True)],
                "period": period, "per": per}
    if not cells.get("value", "").strip():
        return None
    current.pop("variants", None)
    return {**current, "value": money(cells["value"], period), "period": period, "per": per}


def apply_edit(rule: dict[str, Any], cells: dict[str, str]) -> dict[str, Any]:
    """The rule with the form's amount and conditions; who it is paid to follows the amount
    (a sum per person is paid to each spouse)."""
    _, others = read_conditions(rule.get("conditions"))
    kept = [node for i, node in enumerate(others) if not cells.get(f"drop_{i}")]
    new = {**rule, "conditions": build_conditions(cells, kept)}
    amount = build_amount(rule.get("amount"), cells)
    if amount is None:
        new.pop("amount", None)
        return new
    new["amount"] = amount
    if amount["per"] == "person":
        new["beneficiary"] = "each_spouse"
    elif new.get("beneficiary") == "each_spouse" and not new.get("each_person"):
        new["beneficiary"] = "household" if amount["per"] == "household" else "child"
    elif amount["per"] == "child" and not new.get("each_person"):
        new["beneficiary"] = "child"
    return new


def edit_scope(scope: dict[str, Any], cells: dict[str, str]) -> dict[str, Any]:
    """The document's scope (who it covers) with the form's conditions."""
    _, others = read_conditions(scope.get("conditions"))
    kept = [node for i, node in enumerate(others) if not cells.get(f"drop_{i}")]
    return {**scope, "conditions": build_conditions(cells, kept)}


def added_condition(kind: str, number: str) -> list[Any]:
    """The condition(s) the 添加条件 form adds."""
    if kind == "child_deceased":
        return [{"child_status": "deceased"}]
    if kind == "child_disabled":
        high = _number(number, 1, 4, w.DOCS_BAD_GRADE)
        return [{"child_status": "disabled"}, *([{"disability_grade": {"max": high}}] if high and high < 4 else [])]
    if kind == "mother_age":
        age = _number(number, 1, 120, w.DOCS_BAD_AGE)
        if age is None:
            raise FormProblem(w.DOCS_BAD_AGE)
        return [{"mother_age": {"min": age}}]
    if kind == "no_later_child":
        return [{"later_child": False}]
    if kind == "local_hukou":
        return [{"hukou": ["both", "one"]}]
    if kind == "both_hukou":
        return [{"hukou": "both"}]
    raise FormProblem(w.DOCS_BAD_CHOICE)


def with_condition(target: dict[str, Any], kind: str, number: str) -> dict[str, Any]:
    """A rule (or the scope) with one more condition, all of which must hold."""
    return {**target, "conditions": [*nodes(target.get("conditions")), *added_condition(kind, number)]}
