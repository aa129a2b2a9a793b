"""Import families and contacts from CSV: every bad row reported with its line number, and
nothing imported from a file that has one (a half-imported registry is worse than none)."""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Mapping, Set
from dataclasses import dataclass, field
from typing import Any

from bot.ids import MAX_ID_DIGITS, parse_id
from dialogs import web_copy as w
from dialogs.web_copy import CONSOLE_COLUMN_VARIANTS, CONSOLE_FIELD_NAMES
from knowledge.catalogue import UnknownJurisdiction, jurisdiction_choices, load_catalogue, resolve_jurisdiction

# telegram_id (optional): the family's own Telegram account, given by the family to the office, so
# that the bot can offer a family in distress to ask its contacts to come by
FAMILY_COLUMNS = ("alias", "jurisdiction", "township", "village", "contact_note", "old_sick", "lives_alone",
                  "telegram_id")
# wecom_user_id (optional): the contact's WeCom (企业微信) member account; reminders then go by WeCom
CONTACT_COLUMNS = ("name", "role", "township", "telegram_id", "wecom_user_id")
WECOM_ID_LIMIT = 64  # WeCom: 1-64 bytes of letters, digits and _-@. , starting with a letter or digit
ROLE_WORDS = {
    "township_leader": "township_leader", "乡镇领导": "township_leader", "乡镇干部": "township_leader",
    "health_cadre": "health_cadre", "卫生计生干部": "health_cadre", "卫健干部": "health_cadre",
    "village_cadre": "village_cadre", "村干部": "village_cadre", "村（社区）干部": "village_cadre",
    "volunteer": "volunteer", "志愿者": "volunteer",
}
PLACE_LIMIT = 40  # township and village: the longest real name is far shorter; a page of text is a mistake
TRUE = {"1", "true", "yes", "y", "是", "有"}
FALSE = {"", "0", "false", "no", "n", "否", "无"}


@dataclass(frozen=True)
class Problem:
    """One refusal as a code and its parameters, so each reader gets it in their language:
    the CLI prints `str(problem)` (English, one line), the office console the Chinese sentence
    `dialogs.web_copy.CONSOLE_PROBLEMS[code]` filled with the same parameters."""

    code: str
    english: str
    params: Mapping[str, Any] = field(default_factory=dict)
    line: int | None = None  # the CSV line, or None for a form or a command

    def __str__(self) -> str:
        return f"line {self.line}: {self.english}" if self.line is not None else self.english


def problem(code: str, english: str, line: int | None = None, **params: Any) -> Problem:
    return Problem(code, english, params, line)


class CsvProblems(ValueError):
    """All problems of a file, one per bad cell: 'line 7: jurisdiction: unknown ...'."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(map(str, problems)))
        self.items = problems
        self.problems = [str(p) for p in problems]


def _rows(text: str, columns: tuple[str, ...], required: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    text = text.lstrip("\ufeff")
    reader = csv.DictReader(io.StringIO(text), delimiter=_delimiter(text.split("\n", 1)[0]))
    try:
        return _checked_rows(reader, columns, required)
    except csv.Error as exc:  # e.g. a field over 131,072 characters: one line, nothing imported
        raise CsvProblems([problem("csv_syntax", str(exc), reader.line_num, error=str(exc))]) from None


def _delimiter(header: str) -> str:
    """Commas, unless the header has none but has semicolons (Excel set to a European list
    separator) or tabs (Excel's "文本文件（制表符分隔）")."""
    if "," not in header:
        for other in (";", "\t"):
            if other in header:
                return other
    return ","


def _bare(heading: str) -> str:
    """A heading as compared: full-width forms folded (ＴＧ号, （）), no spaces, no case, no
    trailing required-mark or colon (代称*, 城市：)."""
    return "".join(unicodedata.normalize("NFKC", heading).split()).lower().rstrip("*:")


def heading_names(column: str) -> tuple[str, ...]:
    """Every heading accepted for a column: its Chinese name, its English code, the variants."""
    return (CONSOLE_FIELD_NAMES[column], column, *CONSOLE_COLUMN_VARIANTS.get(column, ()))


def _column(name: str, columns: tuple[str, ...]) -> str:
    """A header cell as its column code (`alias`) when it is any accepted heading of one of
    this file's columns (代称, 化名, alias...), else the cell as written."""
    bare = _bare(name)
    return next((c for c in columns if bare in {_bare(h) for h in heading_names(c)}), name.strip())


def accepted_headings(columns: tuple[str, ...]) -> str:
    """The accepted headings of a file's columns, for the error and the help: 代称（家庭代称、化名…）."""
    return "；".join(w.CONSOLE_COLUMN_ACCEPTED.format(name=CONSOLE_FIELD_NAMES[c], variants="、".join(
        (*CONSOLE_COLUMN_VARIANTS.get(c, ()), c))) for c in columns)


def _checked_rows(reader: csv.DictReader[str], columns: tuple[str, ...], required: tuple[str, ...],
                  ) -> list[tuple[int, dict[str, str]]]:
    if reader.fieldnames:
        reader.fieldnames = [_column(h, columns) for h in reader.fieldnames]
    header = [h.strip() for h in reader.fieldnames or []]
    missing = [c for c in required if c not in header]
    unknown = [h for h in header if h not in columns]
    if missing or unknown:
        english = (f"header must have {', '.join(required)}" + (f"; missing {', '.join(missing)}" if missing else "")
                   + (f"; unknown {', '.join(unknown)}" if unknown else ""))
        names = CONSOLE_FIELD_NAMES
        raise CsvProblems([problem("header", english, 1, required="、".join(names[c] for c in required),
                                   missing="、".join(names[c] for c in missing) or w.CONSOLE_NONE,
                                   unknown="、".join(unknown) or w.CONSOLE_NONE,
                                   accepted=accepted_headings(columns))])
    rows: list[tuple[int, dict[str, str]]] = []
    problems: list[Problem] = []
    for row in reader:
        line = reader.line_num
        extra = row.pop(None, None)  # type: ignore[call-overload,unused-ignore]  # surplus cells are under None
        if not extra and not any((v or "").strip() for v in row.values()):
            continue  # ",,,,,,": a row Excel writes below the data once it had content or formatting
        if extra:
            problems.append(problem("extra_cells", f"{len(extra)} more cell(s) than the header has columns", line,
                                    count=len(extra)))
        problems += control_characters({k: v for k, v in row.items() if k}, line)
        rows.append((line, {k.strip(): (v or "").strip() for k, v in row.items() if k}))
    if problems:
        raise CsvProblems(problems)
    return rows


def control_characters(cells: Mapping[str, str | None], line: int | None) -> list[Problem]:
    """A cell with NUL, a tab, a line break...: refused in a file and in a form alike."""
    return [problem("control_char", f"{key.strip()}: contains a control character (NUL, tab, ...)", line,
                    field=key.strip())
            for key, value in cells.items() if value and any(_invisible(ch) for ch in value)]


def _invisible(ch: str) -> bool:
    """A control character, or a format character (zero-width space, a direction mark or
    override, a BOM inside the text): an alias with one looks like another family's, or is
    shown backwards."""
    return ord(ch) < 32 or ord(ch) == 127 or unicodedata.category(ch) == "Cf"


def _place_length(row: Mapping[str, str], place: str, line: int | None, problems: list[Problem]) -> None:
    """Township and village at most PLACE_LIMIT characters (a pasted page is refused, not stored)."""
    length = len(row.get(place, ""))
    if length > PLACE_LIMIT:
        problems.append(problem(f"{place}_length", f"{place}: at most {PLACE_LIMIT} characters ({length} given)",
                                line, limit=PLACE_LIMIT, length=length))


def chinese_problem(item: Problem, with_line: bool = True) -> str:
    """A refusal as the Chinese sentence for its code, with the same parameters (field, role
    and city shown by their Chinese names): the console shows it, the CLI prints it after the
    English line."""
    cities = {d.code: d.name for d in load_catalogue()}
    params = dict(item.params)
    if "field" in params:
        params["field"] = CONSOLE_FIELD_NAMES.get(params["field"], params["field"])
    if "role" in params:
        params["role"] = w.CONSOLE_ROLE_NAMES.get(params["role"], params["role"])
    if "city" in params:
        params["city"] = cities.get(params["city"], params["city"])
    if "choices" in params:  # the CLI lists codes with names; an office reads the names
        params["choices"] = "、".join(cities.values())
    if params.get("township") == "":
        params["township"] = w.CONSOLE_NO_TOWNSHIP
    text = w.CONSOLE_PROBLEMS[item.code].format(**params)
    return text if item.line is None or not with_line else w.CONSOLE_PROBLEM_LINE.format(line=item.line, text=text)


def _flag(value: str, name: str, problems: list[Problem], line: int | None) -> bool:
    v = value.lower()
    if v in TRUE:
        return True
    if v not in FALSE:
        problems.append(problem("not_yes_no", f"{name}: {value!r} is not yes/no (是/否, 1/0)", line,
                                field=name, value=value))
    return False


def _telegram_id(row: Mapping[str, str], line: int | None, problems: list[Problem], seen: set[int]) -> int | None:
    """The optional telegram_id cell: ASCII digits, not registered before (in the database or
    earlier in this file)."""
    text = row.get("telegram_id", "")
    if not text:
        return None
    parsed = parse_id(text)
    if parsed is None:
        problems.append(problem("telegram_not_id", f"telegram_id: {text[:30]!r} is not an id"
                                f" (1-{MAX_ID_DIGITS} digits 0-9)", line, value=text[:30], digits=MAX_ID_DIGITS))
        return None
    if parsed in seen:
        problems.append(problem("telegram_taken", f"telegram_id: {parsed} is already registered", line,
                                telegram_id=parsed))
    seen.add(parsed)
    return parsed


def wecom_user_id_ok(text: str) -> bool:
    """A WeCom member account as WeCom allows it: 1-64 of ASCII letters, digits and _-@. ,
    the first a letter or digit."""
    return (0 < len(text) <= WECOM_ID_LIMIT and text.isascii() and text[0].isalnum()
            and all(ch.isalnum() or ch in "_-@." for ch in text))


def check_wecom_user_id(text: str, line: int | None, problems: list[Problem], seen: set[str]) -> str | None:
    """The optional wecom_user_id cell (a form, a CSV row or the admin CLI): WeCom's format,
    not bound to another contact (`seen`: the bound ids, lower-cased, as WeCom ignores case;
    grows by this one)."""
    if not text:
        return None
    if not wecom_user_id_ok(text):
        problems.append(problem("wecom_not_id", f"wecom_user_id: {text[:70]!r} is not a WeCom account (1-"
                                f"{WECOM_ID_LIMIT} letters, digits, _-@. , starting with a letter or digit)", line,
                                value=text[:70], limit=WECOM_ID_LIMIT))
        return None
    if text.lower() in seen:
        problems.append(problem("wecom_taken", f"wecom_user_id: {text} is already bound to a contact", line,
                                wecom_user_id=text))
    seen.add(text.lower())
    return text


def check_family_row(row: Mapping[str, str], line: int | None, seen: set[tuple[str, str]],
                     seen_telegram: set[int], problems: list[Problem]) -> dict[str, Any] | None:
    """One family (a CSV row or the console's form, cells already stripped) checked and
    normalised: the one validation behind the import and the console. Problems are appended;
    `seen` and `seen_telegram` (what is registered already) grow by this family's keys.
    None when the jurisdiction is unknown (nothing else can be checked then)."""
    alias = row.get("alias", "")
    if not alias or len(alias) > 40:
        problems.append(problem("alias_length", "alias: required, at most 40 characters", line))
    try:
        code = resolve_jurisdiction(row.get("jurisdiction", ""))
    except UnknownJurisdiction as exc:
        given = row.get("jurisdiction", "")
        problems.append(problem("jurisdiction_unknown" if given else "jurisdiction_missing", f"jurisdiction: {exc}",
                                line, value=given, choices=jurisdiction_choices()))
        return None
    if (code, alias) in seen:
        problems.append(problem("alias_taken", f"alias: {alias!r} already exists in {code}", line,
                                alias=alias, city=code))
    seen.add((code, alias))
    for place in ("township", "village"):
        _place_length(row, place, line, problems)
    return {"alias": alias, "jurisdiction": code, "township": row.get("township", ""),
            "village": row.get("village", ""), "contact_note": row.get("contact_note", "")[:200],
            "old_sick": int(_flag(row.get("old_sick", ""), "old_sick", problems, line)),
            "lives_alone": int(_flag(row.get("lives_alone", ""), "lives_alone", problems, line)),
            "telegram_id": _telegram_id(row, line, problems, seen_telegram)}


def parse_families(text: str, existing: Set[tuple[str, str]] = frozenset(),
                   existing_telegram: Set[int] = frozenset()) -> list[dict[str, Any]]:
    problems: list[Problem] = []
    out: list[dict[str, Any]] = []
    seen = set(existing)
    seen_telegram = set(existing_telegram)
    for line, row in _rows(text, FAMILY_COLUMNS, ("alias", "jurisdiction")):
        family = check_family_row(row, line, seen, seen_telegram, problems)
        if family is not None:
            out.append(family)
    if problems:
        raise CsvProblems(problems)
    return out


def check_contact_row(row: Mapping[str, str], line: int | None, seen: set[int],
                      seen_unlinked: set[tuple[str, str, str]], problems: list[Problem],
                      seen_wecom: set[str] | None = None) -> dict[str, Any]:
    """One contact (a CSV row or the console's form) checked and normalised: the one
    validation behind the import and the console; `seen` holds the Telegram ids registered
    already, `seen_unlinked` (name, role, township) of those without one, `seen_wecom` the
    WeCom user ids bound already (lower-cased)."""
    name = row.get("name", "")
    if not name or len(name) > 40:
        problems.append(problem("name_length", "name: required, at most 40 characters", line))
    _place_length(row, "township", line, problems)
    role = ROLE_WORDS.get(row.get("role", ""))
    if role is None:
        allowed = ", ".join(sorted(set(ROLE_WORDS.values())))
        problems.append(problem("role_unknown", f"role: {row.get('role')!r} is not one of {allowed}", line,
                                value=row.get("role", "")))
    telegram_id = _telegram_id(row, line, problems, seen)
    wecom = check_wecom_user_id(row.get("wecom_user_id", ""), line, problems,
                                set() if seen_wecom is None else seen_wecom)
    if (telegram_id is None and not row.get("telegram_id") and not row.get("wecom_user_id") and role is not None
            and name):
        key = (name, role, row.get("township", ""))
        if key in seen_unlinked:
            problems.append(problem("contact_unlinked_taken", f"{name} ({role}, {key[2] or 'no township'}) is"
                                    " already registered without a telegram_id", line,
                                    name=name, role=role, township=key[2]))
        seen_unlinked.add(key)
    return {"name": name, "role": role, "township": row.get("township", ""), "telegram_id": telegram_id,
            "wecom_user_id": wecom}


def parse_contacts(text: str, existing_telegram: Set[int] = frozenset(),
                   existing_unlinked: Set[tuple[str, str, str]] = frozenset(),
                   existing_wecom: Set[str] = frozenset()) -> list[dict[str, Any]]:
    """`existing_unlinked`: (name, role, township) of contacts without a Telegram id, so
    importing the same file twice does not register them twice; `existing_wecom`: the WeCom
    user ids bound already (lower-cased)."""
    problems: list[Problem] = []
    seen = set(existing_telegram)
    seen_unlinked = set(existing_unlinked)
    seen_wecom = set(existing_wecom)
    out = [check_contact_row(row, line, seen, seen_unlinked, problems, seen_wecom)
           for line, row in _rows(text, CONTACT_COLUMNS, ("name", "role"))]
    if problems:
        raise CsvProblems(problems)
    return out
