"""Import families and contacts from CSV: every bad row reported with its line number, and
nothing imported from a file that has one (a half-imported registry is worse than none)."""

from __future__ import annotations

import csv
import io
from collections.abc import Set
from typing import Any

from bot.ids import MAX_ID_DIGITS, parse_id
from knowledge.catalogue import UnknownJurisdiction, resolve_jurisdiction

# telegram_id (optional): the family's own Telegram account, given by the family to the office, so
# that the bot can offer a family in distress to ask its contacts to come by
FAMILY_COLUMNS = ("alias", "jurisdiction", "township", "village", "contact_note", "old_sick", "lives_alone",
                  "telegram_id")
CONTACT_COLUMNS = ("name", "role", "township", "telegram_id")
ROLE_WORDS = {
    "township_leader": "township_leader", "乡镇领导": "township_leader", "乡镇干部": "township_leader",
    "health_cadre": "health_cadre", "卫生计生干部": "health_cadre", "卫健干部": "health_cadre",
    "village_cadre": "village_cadre", "村干部": "village_cadre", "村（社区）干部": "village_cadre",
    "volunteer": "volunteer", "志愿者": "volunteer",
}
TRUE = {"1", "true", "yes", "y", "是", "有"}
FALSE = {"", "0", "false", "no", "n", "否", "无"}


class CsvProblems(ValueError):
    """All problems of a file, one line each: 'line 7: jurisdiction: unknown ...'."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def _rows(text: str, columns: tuple[str, ...], required: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    try:
        return _checked_rows(reader, columns, required)
    except csv.Error as exc:  # e.g. a field over 131,072 characters: one line, nothing imported
        raise CsvProblems([f"line {reader.line_num}: {exc}"]) from None


def _checked_rows(reader: csv.DictReader[str], columns: tuple[str, ...], required: tuple[str, ...],
                  ) -> list[tuple[int, dict[str, str]]]:
    header = [h.strip() for h in reader.fieldnames or []]
    missing = [c for c in required if c not in header]
    unknown = [h for h in header if h not in columns]
    if missing or unknown:
        raise CsvProblems([f"line 1: header must have {', '.join(required)}"
                           + (f"; missing {', '.join(missing)}" if missing else "")
                           + (f"; unknown {', '.join(unknown)}" if unknown else "")])
    rows: list[tuple[int, dict[str, str]]] = []
    problems: list[str] = []
    for row in reader:
        line = reader.line_num
        extra = row.pop(None, None)  # type: ignore[call-overload,unused-ignore]  # surplus cells are under None
        if extra:
            problems.append(f"line {line}: {len(extra)} more cell(s) than the header has columns")
        for key, value in row.items():
            if value and any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
                problems.append(f"line {line}: {key.strip()}: contains a control character (NUL, tab, ...)")
        rows.append((line, {k.strip(): (v or "").strip() for k, v in row.items() if k}))
    if problems:
        raise CsvProblems(problems)
    return rows


def _flag(value: str, name: str, problems: list[str], line: int) -> bool:
    v = value.lower()
    if v in TRUE:
        return True
    if v not in FALSE:
        problems.append(f"line {line}: {name}: {value!r} is not yes/no (是/否, 1/0)")
    return False


def _telegram_id(row: dict[str, str], line: int, problems: list[str], seen: set[int]) -> int | None:
    """The optional telegram_id cell: ASCII digits, not registered before (in the database or
    earlier in this file)."""
    text = row.get("telegram_id", "")
    if not text:
        return None
    parsed = parse_id(text)
    if parsed is None:
        problems.append(f"line {line}: telegram_id: {text[:30]!r} is not an id (1-{MAX_ID_DIGITS} digits 0-9)")
        return None
    if parsed in seen:
        problems.append(f"line {line}: telegram_id: {parsed} is already registered")
    seen.add(parsed)
    return parsed


def parse_families(text: str, existing: Set[tuple[str, str]] = frozenset(),
                   existing_telegram: Set[int] = frozenset()) -> list[dict[str, Any]]:
    problems: list[str] = []
    out: list[dict[str, Any]] = []
    seen = set(existing)
    seen_telegram = set(existing_telegram)
    for line, row in _rows(text, FAMILY_COLUMNS, ("alias", "jurisdiction")):
        alias = row.get("alias", "")
        if not alias or len(alias) > 40:
            problems.append(f"line {line}: alias: required, at most 40 characters")
        try:
            code = resolve_jurisdiction(row.get("jurisdiction", ""))
        except UnknownJurisdiction as exc:
            problems.append(f"line {line}: jurisdiction: {exc}")
            continue
        if (code, alias) in seen:
            problems.append(f"line {line}: alias: {alias!r} already exists in {code}")
        seen.add((code, alias))
        out.append({"alias": alias, "jurisdiction": code, "township": row.get("township", ""),
                    "village": row.get("village", ""), "contact_note": row.get("contact_note", "")[:200],
                    "old_sick": int(_flag(row.get("old_sick", ""), "old_sick", problems, line)),
                    "lives_alone": int(_flag(row.get("lives_alone", ""), "lives_alone", problems, line)),
                    "telegram_id": _telegram_id(row, line, problems, seen_telegram)})
    if problems:
        raise CsvProblems(problems)
    return out


def parse_contacts(text: str, existing_telegram: Set[int] = frozenset(),
                   existing_unlinked: Set[tuple[str, str, str]] = frozenset()) -> list[dict[str, Any]]:
    """`existing_unlinked`: (name, role, township) of contacts without a Telegram id, so
    importing the same file twice does not register them twice."""
    problems: list[str] = []
    out: list[dict[str, Any]] = []
    seen = set(existing_telegram)
    seen_unlinked = set(existing_unlinked)
    for line, row in _rows(text, CONTACT_COLUMNS, ("name", "role")):
        name = row.get("name", "")
        if not name or len(name) > 40:
            problems.append(f"line {line}: name: required, at most 40 characters")
        role = ROLE_WORDS.get(row.get("role", ""))
        if role is None:
            allowed = ", ".join(sorted(set(ROLE_WORDS.values())))
            problems.append(f"line {line}: role: {row.get('role')!r} is not one of {allowed}")
        telegram_id = _telegram_id(row, line, problems, seen)
        if telegram_id is None and not row.get("telegram_id") and role is not None and name:
            key = (name, role, row.get("township", ""))
            if key in seen_unlinked:
                problems.append(f"line {line}: {name} ({role}, {key[2] or 'no township'}) is already registered"
                                " without a telegram_id")
            seen_unlinked.add(key)
        out.append({"name": name, "role": role, "township": row.get("township", ""), "telegram_id": telegram_id})
    if problems:
        raise CsvProblems(problems)
    return out
