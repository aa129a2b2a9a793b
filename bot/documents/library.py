"""A city's own document, put in and kept current by its staff (issue 26): add, draft, review,
publish with a second editor, restore, lapse; and the published set installed into the
knowledge package of every process.

Each step is one storage transaction (nothing half-added, nothing half-published). The
knowledge package never reads storage: `install_from_storage` reads the documents and their
answering versions and installs them (`knowledge.library.install`); a process notices
another's change through the storage generation (`LibraryWatcher`).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import logging
import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml
from pydantic import ValidationError

from bot.documents.reading import ReadDocument
from bot.storage import Storage
from bot.storage.documents import DocumentConflict, RuleDraft, StoredDocument
from dialogs.web_copy import DOCS_ALREADY_PUBLISHED
from knowledge import library
from knowledge.catalogue import Document, get_document, load_catalogue, shipped_catalogue
from knowledge.clauses import segment_text
from knowledge.drafting import draft_text, draft_yaml, find_figures, schedule_yaml
from knowledge.facts import today_in_china
from knowledge.lexicon import load_lexicon
from knowledge.places import read_places
from knowledge.rules_schema import RuleFileError, RuleSet, parse_rules
from knowledge.yaml_data import dump_yaml

CITY_NAME = re.compile(r"[\u4e00-\u9fff（）]{2,20}")
log = logging.getLogger("lianxin.documents")
NORMATIVE_YEARS = 5  # a normative document lapses after five years unless it says otherwise
TRIAL_YEARS = 2  # two when marked 试行
EXPIRY_WARNING_DAYS = 90
SHIPPED_NOTE = "随程序发布的已审核规则（knowledge/rules，经 git 审核）"
DOUBT = "【草拟待核对】"
DECISIONS = ("accepted", "edited", "rejected")


class DocumentRefused(ValueError):
    """A document or a review step refused: `reason` is stable (tests, API), `message_zh` is
    the polite line for office staff, str(exc) one precise English line for the CLI;
    `version` for "already_published"."""

    def __init__(self, reason: str, message: str, message_zh: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message_zh = message_zh
        self.version: int | None = None


@dataclass(frozen=True)
class NewDocument:
    """What the person adding a document states about it (the CLI flags, the upload form)."""

    city: str
    number: str | None
    issued: dt.date
    effective: dt.date | None = None
    expires: dt.date | None = None
    draft: bool = False  # 征求意见稿: answered with that caveat, never as in force
    replaces: str | None = None  # the code of the document this one repeals
    code: str | None = None
    province: str = ""
    title: str | None = None


@dataclass(frozen=True)
class Added:
    code: str
    title: str
    rules: int
    to_review: int
    expires: dt.date | None
    expires_assumed: bool
    lines: list[str]  # what the person sees: the draft's summary


# --- codes and metadata --------------------------------------------------------------------

def city_code(city: str, taken: Sequence[str]) -> str:
    """A document code from the city's name in pinyin (新城市 -> xincheng), made unique with
    a letter suffix; the name's 市/区/县 suffix is left out."""
    base = re.sub(r"(市|区|县|自治州|地区)$", "", city.strip())
    pinyin = load_lexicon().pinyin
    letters = "".join(pinyin[ch][0] if ch in pinyin else "" for ch in base)
    letters = re.sub(r"[^a-z]", "", letters.lower()) or "city"
    code, n = letters, 0
    while code in taken:
        n += 1
        code = letters + "abcdefghijklmnopqrstuvwxyz"[(n - 1) % 26] * ((n - 1) // 26 + 1)
    return code


_TITLE = re.compile(r"关于|意见|方案|办法|通知|规定|细则|措施")
_QUOTED_TITLE = re.compile(r"《([^》]{6,80})》")


def _title_of(text: str) -> str:
    """The document's title: among its first lines, the first that reads like one (关于…的
    实施意见, …方案, …办法), not the issuer's letterhead (…人民政府办公室文件). A covering
    notice (关于印发…的通知) gives way to the document it transmits, quoted 《…》 below it.
    The person adding it may correct it."""
    lines = [re.sub(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])", "", line.strip())
             for line in text.splitlines() if line.strip()][:12]
    for i, line in enumerate(lines):
        if _TITLE.search(line) and not line.endswith("文件") and len(line) <= 120 and not line.endswith("："):
            if "印发" in line:
                for later in lines[i:]:
                    quoted = _QUOTED_TITLE.search(later)
                    if quoted and _TITLE.search(quoted.group(1)):
                        return quoted.group(1)
            return line[line.index("关于"):] if "关于" in line else line
    return lines[0][:120] if lines else ""


_DIGITS = "零一二三四五六七八九"


def _chinese(n: int) -> str:
    """1..99 as written in headings: 三, 十二, 二十."""
    tens, ones = divmod(n, 10)
    return (("" if tens == 1 else _DIGITS[tens]) + "十" if tens else "") + (_DIGITS[ones] if ones else "")


def printed_path(clause_path: str) -> str:
    """A clause id's numbers as the document prints them: 3 -> 三、, 3.2 -> 三、（二）, 3.2.1 -> 三、（二）1."""
    parts = [int(p) for p in clause_path.split(".")]
    out = [f"{_chinese(parts[0])}、"]
    if len(parts) > 1:
        out.append(f"（{_chinese(parts[1])}）")
    if len(parts) > 2:
        out.append(f"{parts[2]}.")
    return "".join(out)


def default_expiry(issued: dt.date, effective: dt.date | None, title: str) -> dt.date:
    """The last day in force when the document does not say: five years from taking effect
    (two when 试行), the usual term of a normative document. Shown as assumed, to be corrected."""
    start = effective or issued
    years = TRIAL_YEARS if "试行" in title else NORMATIVE_YEARS
    try:
        end = start.replace(year=start.year + years)
    except ValueError:  # 29 February
        end = start.replace(year=start.year + years, day=28)
    return end - dt.timedelta(days=1)


def document_meta(code: str, new: NewDocument, title: str, source_name: str, sha256: str,
                  expires: dt.date | None) -> dict[str, Any]:
    """The catalogue entry of an added document, validated as the catalogue validates."""
    name = new.city.strip()
    short = re.sub(r"(市|区|县)$", "", name)
    meta = Document(
        code=code, name=name, aliases=tuple(dict.fromkeys(a for a in (short, name) if a)),
        province=new.province, issuer=None, title=title, number=new.number, issued=new.issued,
        effective=new.effective, status="draft" if new.draft else "in_force",
        status_note="征求意见稿：不是正式生效文件，引用时须说明" if new.draft else "由本市工作人员录入",
        repeals=(), source_file="", original_file=source_name, sha256=sha256, expires=expires,
        rules_published=False,
    )
    return meta.model_dump(mode="json")


def _document_of(stored: StoredDocument, published: bool) -> Document:
    return Document.model_validate({**stored.meta, "rules_published": published})


# --- adding --------------------------------------------------------------------------------

async def add_document(storage: Storage, read: ReadDocument, source_name: str, new: NewDocument,
                       actor: int) -> Added:
    """Put a document in: checked, split into its clause tree, its rules drafted (not
    published), stored in one transaction, and installed so it is searchable at once."""
    city = new.city.strip()
    if not CITY_NAME.fullmatch(city):
        raise DocumentRefused("city", f"city name must be 2-20 Chinese characters, got {new.city[:40]!r}",
                              "请填写文件适用的城市或区县名称（2到20个汉字），例如：新城市、白水县。")
    if new.number is None and not new.draft:
        raise DocumentRefused("number", "a document in force needs its number (--number); a draft may have none",
                              "请填写文号；只有征求意见稿可以没有文号（请勾选“征求意见稿”）。")
    if new.number is not None and not 2 <= len(new.number.strip()) <= 60:
        raise DocumentRefused("number", "document number must be 2-60 characters",
                              "文号请填写2到60个字，例如：新政办〔2026〕1号。")
    if new.effective and new.effective < new.issued - dt.timedelta(days=366):
        raise DocumentRefused("dates", "effective date is more than a year before the issue date",
                              "生效日期比印发日期早一年以上，请核对。")
    if new.expires and new.expires <= (new.effective or new.issued):
        raise DocumentRefused("dates", "expiry date is not after the date it takes effect",
                              "有效期截止日不晚于生效日期，请核对。")
    existing = await storage.documents.by_sha256(read.sha256)
    if existing is not None:
        raise DocumentRefused("duplicate_file", f"this file is already in as document {existing.code}",
                              f"这份文件已经录入过了（{existing.city}，代码 {existing.code}），不用再传。")
    stored = await storage.documents.all()
    same_text = next((d for d in stored if d.text == read.text), None)
    if same_text is not None:  # the same document saved in another encoding or format
        raise DocumentRefused("duplicate_file", f"this text is already in as document {same_text.code}",
                              f"这份文件的内容已经录入过了（{same_text.city}，代码 {same_text.code}），不用再传。")
    taken = [d.code for d in stored] + [d.code for d in shipped_catalogue()]
    if new.code is not None:
        if not re.fullmatch(r"[a-z]{2,20}", new.code):
            raise DocumentRefused("code", f"document code must be 2-20 lower-case letters, got {new.code!r}",
                                  "文件代码只能是2到20个小写英文字母。")
        if new.code in taken:
            raise DocumentRefused("duplicate_code", f"document code {new.code!r} is in use",
                                  f"文件代码 {new.code} 已经有文件在用，请换一个。")
        code = new.code
    else:
        code = city_code(new.city, taken)
    try:  # CPU work (a long document takes a while) off the event loop: other people keep being answered
        draft = await asyncio.to_thread(draft_text, code, read.text)
    except ValueError as exc:
        repeated = re.search(rf"duplicate clause id {code}/([\d.]+)", str(exc))
        if repeated:  # a numbering slip in the document (two 三、): say which, not "no headings"
            where = printed_path(repeated.group(1))
            raise DocumentRefused(
                "repeated_heading", f"clause {where} appears twice: the document's numbering repeats",
                f"文件里“{where}”这个编号出现了两次，无法分清条款。请核对原文的编号（常见是把“四、”打成了“三、”），"
                "改正后再上传。") from None
        raise DocumentRefused(
            "no_clause_tree", "no top-level heading 一、 found: not a policy document's clause structure",
            "没有找到“一、”这样的条款标题，无法分出条款。请确认上传的是政策文件正文。") from None
    governing = next((d for d in load_catalogue() if city in (d.name, *d.aliases)), None)
    if governing is None:  # a county or district of a city we answer for (开封县, 祥符区, 河南省开封市)
        within = read_places(city).governing
        governing = get_document(within) if within else None
    if governing is not None and new.replaces is None:
        which = governing.number or governing.title
        same = city in (governing.name, *governing.aliases)
        part_of = "" if same else f"（{city}的家庭由{governing.name}的文件回答）"
        raise DocumentRefused(
            "city_has_document", f"{city} already has document {governing.code} ({which});"
            f" use --replaces {governing.code} for a new version",
            f"{city}已经有现行文件{part_of}：{which}。新文件请选择“替代”这份旧文件后再录入；"
            "区县自己的文件暂时不能和所属市的文件同时使用。")
    replaced: StoredDocument | None = None
    if new.replaces is not None:
        await import_shipped(storage)
        replaced = await storage.documents.get(new.replaces)
        if replaced is None:
            raise DocumentRefused("replaces", f"no document with code {new.replaces!r} to replace",
                                  f"没有代码为 {new.replaces} 的文件，无法替代。")
    title = new.title or _title_of(read.text)
    expires, assumed = new.expires, False
    if expires is None and not new.draft:
        expires, assumed = default_expiry(new.issued, new.effective, title), True
    meta = document_meta(code, new, title, source_name, read.sha256, expires)
    if replaced is not None:  # the old document answers until this one is published and in force
        meta["name"], meta["aliases"] = replaced.meta["name"], replaced.meta["aliases"]
        meta["repeals"] = [replaced.meta.get("number") or replaced.meta["title"]]
        meta["takes_over"] = replaced.code
    doc = StoredDocument(code, meta["name"], meta, read.text, read.sha256, source_name, False, "", None)
    try:
        await storage.documents.add(doc, draft_yaml(draft), schedule_yaml(draft), actor)
    except DocumentConflict as exc:  # lost a race with the same file or code
        raise DocumentRefused(exc.code, f"refused: {exc}", "这份文件刚刚已由别人录入，请刷新后查看。") from None
    await install_from_storage(storage)
    return Added(code, title, len(draft.rules), len(draft.to_review), expires, assumed, draft.summary())


# --- shipped documents: the same way in ----------------------------------------------------

def _shipped_rules(code: str) -> str:
    return resources.files("knowledge").joinpath("rules", f"{code}.yaml").read_text(encoding="utf-8")


def _shipped_schedule(code: str) -> str | None:
    path = resources.files("knowledge").joinpath("schedules", f"{code}.yaml")
    return path.read_text(encoding="utf-8") if path.is_file() else None


async def import_shipped(storage: Storage) -> list[str]:
    """The five shipped documents as documents with published versions (their reviewed YAML),
    so every city has one way in. A release whose reviewed YAML changed publishes it as a new
    version; it answers unless the city's staff have published a version of their own since.
    Returns the codes imported or updated."""
    changed = []
    for doc in shipped_catalogue():
        rules, schedule = _shipped_rules(doc.code), _shipped_schedule(doc.code)
        stored = await storage.documents.get(doc.code)
        if stored is None:
            meta = doc.model_dump(mode="json")
            row = StoredDocument(doc.code, doc.name, meta, doc.raw_text(), doc.sha256, doc.source_file, True, "", None)
            try:
                await storage.documents.add(row, rules, schedule, 0)
            except DocumentConflict:
                continue  # another process imported it a moment ago
        versions = await storage.documents.versions(doc.code)
        if any(v.rules_yaml == rules and v.schedule_yaml == schedule for v in versions):
            continue
        current = next((v for v in versions if v.version == (stored.current_version if stored else None)), None)
        if versions and await storage.documents.draft(doc.code) is None:
            await storage.documents.start_draft(doc.code, versions[0], 0)
        try:
            version = await storage.documents.publish(doc.code, rules, schedule, None, None, SHIPPED_NOTE,
                                                      require_other_editor=False)
        except DocumentConflict:
            continue
        if current is not None and current.note != SHIPPED_NOTE:  # staff's own version keeps answering
            await storage.documents.restore(doc.code, current.version, 0)
        changed.append(f"{doc.code}@{version}")
    return changed


# --- installing into knowledge -------------------------------------------------------------

def _same_as_shipped(doc: Document, text: str, rules: str | None, schedule: str | None) -> bool:
    shipped = {d.code: d for d in shipped_catalogue()}.get(doc.code)
    return (shipped is not None and doc.model_dump(exclude={"rules_published"}) == shipped.model_dump(
        exclude={"rules_published"}) and text == shipped.raw_text() and rules == _shipped_rules(doc.code)
        and schedule == _shipped_schedule(doc.code))


def takes_over(doc: Document, published: bool, day: dt.date) -> bool:
    """Has a successor taken over its city? Once its rules are published and it is in force:
    until then the document it replaces answers, with its reviewed rules."""
    start = doc.effective or doc.issued
    return published and (start is None or start <= day)


async def library_documents(storage: Storage, day: dt.date | None = None) -> list[library.LibraryDocument]:
    """What knowledge should answer from, beyond the shipped files: every stored document with
    its answering version, except a shipped one that is exactly as shipped. A successor that
    has taken over marks the document it replaces repealed; one that has not yet is installed
    as not answering (its text kept for its review)."""
    day = day or today_in_china()
    stored_docs = await storage.documents.published()
    repealed: dict[str, Document] = {}
    waiting: set[str] = set()
    for stored, version in stored_docs:
        doc = _document_of(stored, version is not None)
        if doc.takes_over is None:
            continue
        if takes_over(doc, version is not None, day):
            repealed[doc.takes_over] = doc
        else:
            waiting.add(doc.code)
    out = []
    for stored, version in stored_docs:
        rules = version.rules_yaml if version else None
        schedule = version.schedule_yaml if version else None
        doc = _document_of(stored, version is not None)
        successor = repealed.get(doc.code)
        if successor is not None and doc.status != "repealed":
            doc = doc.model_copy(update={"status": "repealed", "successor": successor.code,
                                         "replaced_by": successor.number or successor.title})
        if _same_as_shipped(doc, stored.text, rules, schedule):
            continue
        out.append(library.LibraryDocument(doc, stored.text, rules, schedule, version.version if version else None,
                                           answering=doc.code not in waiting))
    return out


def _fingerprint(docs: Sequence[library.LibraryDocument]) -> tuple[Any, ...]:
    return tuple((d.document.model_dump_json(), hashlib.sha256(d.text.encode()).hexdigest(), d.rules_yaml,
                  d.schedule_yaml, d.version) for d in docs)


async def install_from_storage(storage: Storage) -> bool:
    """Install the stored documents into this process's knowledge; True if anything changed.
    Caches of the layers above knowledge are dropped too (they are built from it)."""
    docs = await library_documents(storage)
    if _fingerprint(docs) == _fingerprint(list(library.installed().values())):
        return False
    try:
        await asyncio.to_thread(library.install, docs)
    except Exception:  # one broken document must not keep every other city's out
        log.exception("library: installing every document failed; installing them one by one")
        good: list[library.LibraryDocument] = []
        for doc in docs:
            try:
                library.install([*good, doc])
                good.append(doc)
            except Exception:
                log.exception("library: document %s left out", doc.document.code)
        library.install(good)
    library.clear_caches(("dialogs.", "bot."))
    return True


class LibraryWatcher:
    """Keeps a process's knowledge in step with the stored documents: at most once every
    `every` seconds it reads the generation counter (one indexed row) and reinstalls when
    another process changed it."""

    def __init__(self, storage: Storage, every: float = 10.0) -> None:
        self._storage = storage
        self._every = every
        self._checked = 0.0
        self._generation: int | None = None
        self._day: dt.date | None = None

    async def start(self) -> None:
        await import_shipped(self._storage)
        self._generation = await self._storage.documents.generation()
        await install_from_storage(self._storage)
        self._checked, self._day = time.monotonic(), today_in_china()

    async def refresh(self, force: bool = False) -> bool:
        now = time.monotonic()
        if not force and now - self._checked < self._every:
            return False
        self._checked = now
        generation = await self._storage.documents.generation()
        day = today_in_china()  # a new day: a successor may have taken effect
        if generation == self._generation and day == self._day:
            return False
        self._generation, self._day = generation, day
        return await install_from_storage(self._storage)


# --- review --------------------------------------------------------------------------------

def rules_data(rules_yaml: str, strict: bool = True) -> dict[str, Any]:
    """A rules draft as plain data; one that is not a mapping is refused (`strict`) or read
    as having no rules (the console shows the page and says what blocks publishing)."""
    data = yaml.safe_load(rules_yaml)
    if isinstance(data, dict):
        return data
    if not strict:
        return {"rules": []}
    raise DocumentRefused("bad_draft", "the draft is not a rules mapping", "草稿格式不对，请重新草拟。")


def reviewed_rules(draft: RuleDraft) -> tuple[str, list[str]]:
    """The draft as it would be published: rejected rules left out, accepted and edited ones
    without the drafter's doubt marks; plus what still blocks publishing (Chinese lines)."""
    data = rules_data(draft.rules_yaml)
    blocking = []
    kept = []
    for rule in data.get("rules") or []:
        decision = draft.decisions.get(rule["id"])
        if decision == "rejected":
            continue
        if decision not in ("accepted", "edited"):
            blocking.append(f"规则 {rule['id']}（{rule.get('title', '')}）还没有核对：请接受、修改或删除。")
            kept.append(rule)
            continue
        if isinstance(rule.get("note"), str) and DOUBT in rule["note"]:
            rule = {k: v for k, v in rule.items() if k != "note"}
        kept.append(rule)
    scope = data.get("scope") or {}
    if isinstance(scope.get("note"), str) and DOUBT in scope["note"]:
        if draft.decisions.get("scope") not in ("accepted", "edited"):
            blocking.append("适用范围（扶助对象）还没有核对。")
        else:
            scope = {k: v for k, v in scope.items() if k != "note"}
    reviewed = {**data, "scope": scope, "rules": kept,
                "reviewed": f"已核对：{dt.date.today().isoformat()} 在办公台逐条核对后发布"}
    return dump_yaml(reviewed), blocking


def document_clauses(code: str) -> Mapping[str, Any]:
    """The clause tree a document's rules quote: the answering documents' tree, or, for a
    successor still waiting to take over its city, its own."""
    from knowledge.clauses import clauses_by_id

    waiting = library.installed().get(code)
    if waiting is not None and not waiting.answering:
        return {c.id: c for c in segment_text(code, waiting.text)}
    return clauses_by_id()


def check_rules(code: str, rules_yaml: str) -> RuleSet:
    """The rules as the reviewed schema reads them, quotes checked against this document's
    clauses; a problem is refused with the schema's precise line."""
    try:
        return parse_rules(rules_yaml, f"draft:{code}", code, clauses=document_clauses(code))
    except RuleFileError as exc:
        raise DocumentRefused("invalid_rules", str(exc), f"规则有误，不能发布：{exc}") from None


def schedule_problem(code: str, schedule_yaml: str | None) -> str | None:
    """Why the drafted contact schedule cannot be published (Chinese, for the reviewer), or None."""
    from bot.reminders.schedule import Schedule

    if schedule_yaml is None:
        return "文件里没有读出联系走访安排，需要人工录入后再发布。"
    try:
        schedule = Schedule.model_validate(yaml.safe_load(schedule_yaml), context={"clauses": document_clauses(code)})
    except ValidationError as exc:
        why = exc.errors()[0]["msg"].removeprefix("Value error, ")
        return f"联系走访安排不完整，暂不发布（待遇规则照常发布）：{why}"
    except (ValueError, yaml.YAMLError):
        return "联系走访安排的格式不对，暂不发布（待遇规则照常发布）。"
    if schedule.jurisdiction != code:
        return f"联系走访安排写的是 {schedule.jurisdiction}，不是 {code}。"
    return None


def amounts_not_quoted(ruleset: RuleSet) -> list[str]:
    """Rules whose amount is not a figure of the sentence they quote (Chinese, for the
    reviewer): an edited sum must still be the document's own, never a typed-in one."""
    problems = []
    for rule in ruleset.rules:
        if rule.amount is None:
            continue
        values = [rule.amount.value] if rule.amount.value is not None else [v.value for v in rule.amount.variants]
        # the sentence's benefit figures: not a sum it was raised from (1180 in 由1180元提高到1430元)
        # nor a funding share, which are the document's figures but nobody's entitlement
        figures = [f for f in find_figures(rule.citation.quote) if f.set_aside is None]
        said = {f.value for f in figures if f.value is not None} | {f.upper for f in figures if f.upper is not None}
        missing = [v for v in values if v not in said]
        if missing:
            written = "、".join(f.text for f in figures if f.kind == "yuan") or "没有金额"
            typed = "、".join(f"{v:g}元" for v in missing)
            problems.append(f"规则 {rule.id}（{rule.title}）的金额 {typed} 在它引用的原文里"
                            f"找不到（原文写的是：{written}）。请改回原文的金额，或改引写有这个金额的句子。")
    return problems


async def _done_by(storage: Storage, code: str, publisher: int) -> DocumentRefused | None:
    """A publish that finds no draft, or a changed one, because this same person just published
    it (a double click, two windows, the command run twice): "already published", not "someone
    else changed it"."""
    versions = await storage.documents.versions(code)
    if not versions or versions[0].published_by != publisher or await storage.documents.draft(code) is not None:
        return None
    refused = DocumentRefused("already_published", f"{code}: version {versions[0].version} is already published",
                              DOCS_ALREADY_PUBLISHED.format(version=versions[0].version))
    refused.version = versions[0].version
    return refused


async def publish(storage: Storage, code: str, publisher: int, revision: int, note: str | None = None) -> int:
    """Publish the reviewed draft as the next version: every rule decided, the result valid in
    the reviewed schema, the publisher not one of its editors, the draft the one they saw.
    A contact schedule that is not complete is left out (no reminders are planned for the
    city until one is published); the rules still go out."""
    draft = await storage.documents.draft(code)
    if draft is None:
        raise await _done_by(storage, code, publisher) or DocumentRefused(
            "no_draft", f"{code}: nothing to publish (no draft)", "没有待发布的草稿（可能刚刚已由别人发布）。")
    if draft.revision != revision:
        raise DocumentRefused("stale_draft", f"{code}: the draft changed since it was opened",
                              "草稿在您查看之后被别人改过了，请刷新后再核对一遍。")
    if publisher in draft.editors or not draft.editors:
        raise DocumentRefused("same_editor", f"{code}: the publisher must not be an editor of the draft",
                              "发布需要另一位编辑：核对修改草稿的人不能自己发布。")
    rules_yaml, blocking = reviewed_rules(draft)
    if blocking:
        raise DocumentRefused("undecided", f"{code}: {len(blocking)} item(s) not reviewed", "；".join(blocking))
    unquoted = amounts_not_quoted(check_rules(code, rules_yaml))
    if unquoted:
        raise DocumentRefused("amount_not_quoted", f"{code}: {len(unquoted)} amount(s) not in their quotes",
                              "；".join(unquoted))
    schedule = None if schedule_problem(code, draft.schedule_yaml) else draft.schedule_yaml
    try:
        version = await storage.documents.publish(code, rules_yaml, schedule, publisher, revision, note)
    except DocumentConflict as exc:
        raise await _done_by(storage, code, publisher) or DocumentRefused(
            exc.code, f"{code}: {exc}", "刚刚已由别人发布或修改，请刷新后查看。") from None
    await install_from_storage(storage)
    return version


async def remove(storage: Storage, code: str, actor: int) -> None:
    """Take out a document put in by mistake: only one never published (a published version
    answered families and stays on record), and never a shipped one."""
    try:
        await storage.documents.remove(code, actor)
    except DocumentConflict as exc:
        words = {"unknown_document": "没有这个文件。", "shipped": "随程序发布的文件不能删除。",
                 "published": ("这份文件已经发布过规则，不能删除；如果不再使用，"
                               "请录入新文件替代它，或把有效期改为今天。")}
        raise DocumentRefused(exc.code, f"{code}: cannot remove ({exc.code})", words.get(exc.code, str(exc))) from None
    await install_from_storage(storage)


async def restore(storage: Storage, code: str, version: int, actor: int) -> None:
    try:
        await storage.documents.restore(code, version, actor)
    except DocumentConflict:
        raise DocumentRefused("no_version", f"{code}: no published version {version}",
                              f"没有第 {version} 版。") from None
    await install_from_storage(storage)


async def set_validity(storage: Storage, code: str, actor: int, *, expires: dt.date | None = None,
                       clear_expires: bool = False, amended_by: str | None = None, clear_amended: bool = False,
                       lapsed_today: dt.date | None = None) -> Document:
    """Correct a document's validity: its last day in force, or a later document that amended
    part of it (both said in answers). `lapsed_today` ends it now (its last day is yesterday).
    A repealed document is changed by adding its successor, not here."""
    stored = await storage.documents.get(code)
    if stored is None:
        raise DocumentRefused("unknown_document", f"no document with code {code!r}", "没有这个文件。")
    meta = dict(stored.meta)
    if meta.get("status") == "repealed":
        raise DocumentRefused("repealed", f"{code} is repealed; its successor answers for the city",
                              "这份文件已被新文件替代，不能再修改有效期。")
    start = dt.date.fromisoformat(meta["effective"] or meta["issued"]) if (meta.get("effective") or meta.get(
        "issued")) else None
    if lapsed_today is not None:
        expires = lapsed_today - dt.timedelta(days=1)
    if expires is not None:
        if start is not None and expires <= start:
            raise DocumentRefused("dates", "expiry date is not after the date it takes effect",
                                  "有效期截止日不晚于生效日期，请核对。")
        meta["expires"] = expires.isoformat()
    elif clear_expires:
        meta["expires"] = None
    if amended_by is not None:
        if not 2 <= len(amended_by.strip()) <= 80:
            raise DocumentRefused("amended_by", "the amending document must be named in 2-80 characters",
                                  "请填写修改它的文件（文号或标题，2到80个字）。")
        meta["amended_by"] = amended_by.strip()
    elif clear_amended:
        meta["amended_by"] = None
    document = Document.model_validate({**meta, "rules_published": stored.current_version is not None})
    await storage.documents.set_meta(code, meta, actor, "document_validity_changed")
    await install_from_storage(storage)
    return document


def effective_document(stored: StoredDocument, published: bool) -> tuple[Document, str | None]:
    """The document as answers see it now (a replaced one repealed, from the installed view),
    and a note for a successor still waiting to take over its city."""
    installed = library.installed().get(stored.code)
    doc = installed.document if installed is not None else _document_of(stored, published)
    if doc.takes_over and installed is not None and not installed.answering:
        return doc, doc.takes_over
    return doc, None


def expiring(day: dt.date, days: int = EXPIRY_WARNING_DAYS) -> list[Document]:
    """Documents in force on `day` that lapse within `days` days (the admin's daily warning)."""
    from knowledge.catalogue import load_catalogue

    return [d for d in load_catalogue() if d.expires_within(day, days)]
