"""`python -m bot documents ...`: a city's own document from a terminal (issue 26).

    add FILE --city 名称 --number 文号 --issued DATE [--effective D] [--expires D] [--draft] [--replaces CODE]
    list                       every document, its status, dates and answering version
    show CODE                  the draft's rules (each with its quote), what to review, the versions
    review CODE --by USER (--accept ID.. | --accept-all) [--reject ID..]   decide drafted rules
    import-rules CODE FILE --by USER    a reviewed YAML (from git) as the draft
    export CODE [--version N]  the answering (or a given) version as YAML, the reviewed schema
    publish CODE --by USER     publish the reviewed draft (USER must not have edited it)
    restore CODE VERSION --by USER   answer from an earlier version again
    remove CODE --by USER      take out a document put in by mistake (never published)
    set CODE [--expires D | --no-expiry] [--amended-by 文号 | --not-amended] [--lapsed]   validity
    expiring [--date D]        documents lapsing within 90 days
    import-shipped             the five shipped documents as published versions (done at start too)
    editor USER CITY [--remove]   grant a staff member the policy-editor role for a city

Every refusal is one line (English, then Chinese) and exit 2.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

from bot.documents import library as lib
from bot.documents.reading import DocumentReadError, read_document_file
from bot.storage import Storage, StorageError


class DocumentsError(Exception):
    """One line; exit code 2."""


def _refused(exc: lib.DocumentRefused | DocumentReadError) -> DocumentsError:
    zh = exc.message_zh
    return DocumentsError(f"{exc} [{getattr(exc, 'reason', None) or getattr(exc, 'code', '')}] {zh}")


def add_parser(sub: Any, date_type: Any) -> None:
    docs = sub.add_parser("documents", help="a city's own policy document: add, review, publish, expire")
    dsub = docs.add_subparsers(dest="documents_command", required=True, parser_class=type(docs))
    p = dsub.add_parser("add", help="put a document in (text, .docx or PDF with text); its rules are drafted")
    p.add_argument("file")
    p.add_argument("--city", required=True, help="the city or county the document governs, e.g. 新城市")
    p.add_argument("--number", help="文号, e.g. 新政办〔2026〕12号 (none for a draft)")
    p.add_argument("--issued", type=date_type, required=True, help="印发日期 YYYY-MM-DD")
    p.add_argument("--effective", type=date_type, help="施行日期")
    p.add_argument("--expires", type=date_type, help="有效期截止日 (default: five years, two if 试行)")
    p.add_argument("--draft", action="store_true", help="a draft for consultation (征求意见稿)")
    p.add_argument("--replaces", help="the code of the document this one repeals")
    p.add_argument("--code", help="the document's code (letters; default: the city in pinyin)")
    p.add_argument("--province", default="", help="省份")
    dsub.add_parser("list", help="every document with its status and answering version")
    p = dsub.add_parser("show", help="the draft: each rule with its quote, what to review")
    p.add_argument("code")
    p = dsub.add_parser("review", help="accept or reject drafted rules (by rule id)")
    p.add_argument("code")
    p.add_argument("--by", type=int, required=True, help="the editor's user id")
    p.add_argument("--accept", nargs="*", default=[], help="rule ids (or 'scope') to accept as drafted")
    p.add_argument("--accept-all", action="store_true", help="accept every rule not rejected")
    p.add_argument("--reject", nargs="*", default=[], help="rule ids to leave out")
    p = dsub.add_parser("import-rules", help="a reviewed rules YAML as the draft (a change made through git)")
    p.add_argument("code")
    p.add_argument("file")
    p.add_argument("--by", type=int, required=True)
    p = dsub.add_parser("export", help="a published version as YAML (the reviewed schema)")
    p.add_argument("code")
    p.add_argument("--version", type=int)
    p = dsub.add_parser("publish", help="publish the reviewed draft (by someone who did not edit it)")
    p.add_argument("code")
    p.add_argument("--by", type=int, required=True, help="the publishing editor's user id")
    p.add_argument("--note")
    p = dsub.add_parser("restore", help="answer from an earlier published version again")
    p.add_argument("code")
    p.add_argument("version", type=int)
    p.add_argument("--by", type=int, required=True, help="the editor's user id (audited)")
    p = dsub.add_parser("remove", help="take out a document put in by mistake (never published)")
    p.add_argument("code")
    p.add_argument("--by", type=int, required=True, help="the editor's user id (audited)")
    p = dsub.add_parser("set", help="correct a document's validity: expiry date, amended by, lapsed now")
    p.add_argument("code")
    p.add_argument("--expires", type=date_type, help="its last day in force")
    p.add_argument("--no-expiry", action="store_true", help="it states no term")
    p.add_argument("--amended-by", help="the later document that changed part of it (number or title)")
    p.add_argument("--not-amended", action="store_true")
    p.add_argument("--lapsed", action="store_true", help="it is no longer in force from today")
    p = dsub.add_parser("expiring", help="documents that lapse within 90 days")
    p.add_argument("--date", type=date_type)
    dsub.add_parser("import-shipped", help="the shipped documents as published versions")
    p = dsub.add_parser("editor", help="grant (or --remove) the policy-editor role for a city")
    p.add_argument("user", type=int)
    p.add_argument("city")
    p.add_argument("--remove", action="store_true")


def run_documents(args: argparse.Namespace, database: Path | str) -> int:
    async def go() -> int:
        try:
            storage = await Storage.open(database, create=isinstance(database, str) or database.parent.is_dir())
        except StorageError as exc:
            raise DocumentsError(str(exc)) from None
        try:
            await lib.import_shipped(storage)
            await lib.install_from_storage(storage)
            return await COMMANDS[args.documents_command](args, storage)
        except (lib.DocumentRefused, DocumentReadError) as exc:
            raise _refused(exc) from None
        finally:
            await storage.close()

    return asyncio.run(go())


async def add(args: argparse.Namespace, s: Storage) -> int:
    read = read_document_file(Path(args.file))
    new = lib.NewDocument(city=args.city, number=args.number, issued=args.issued, effective=args.effective,
                          expires=args.expires, draft=args.draft, replaces=args.replaces, code=args.code,
                          province=args.province)
    added = await lib.add_document(s, read, Path(args.file).name, new, actor=0)
    print(f"added {added.code}: {added.title}")
    for line in (*read.warnings, *added.lines):
        print(f"  {line}")
    if added.expires_assumed:
        print(f"  有效期未填写：按规范性文件通常的期限推定至 {added.expires}，如文件另有规定请改正")
    print(f"  searchable now; answers say 本市待遇规则尚在核对中 until its rules are published"
          f" (python -m bot documents show {added.code})")
    return 0


async def list_documents(args: argparse.Namespace, s: Storage) -> int:
    today = dt.date.today()

    for stored, version in await s.documents.published():
        doc, waits_for = lib.effective_document(stored, version is not None)
        draft = await s.documents.draft(stored.code)
        status = f"waits to replace {waits_for}" if waits_for else doc.status_on(today)
        print("\t".join([stored.code, stored.city, doc.number or "（无文号）", str(doc.issued or ""),
                         status, f"expires {doc.expires}" if doc.expires else "no expiry",
                         f"version {version.version}" if version else "under review",
                         f"draft r{draft.revision}" if draft else ""]).rstrip())
    return 0


async def show(args: argparse.Namespace, s: Storage) -> int:
    stored = await _document(s, args.code)
    from knowledge.drafting import draft_text

    draft = await s.documents.draft(stored.code)
    drafted = draft_text(stored.code, stored.text)
    for line in drafted.summary():
        print(line)
    if draft is not None:
        rules = lib.rules_data(draft.rules_yaml).get("rules") or []
        print(f"draft revision {draft.revision}, editors {list(draft.editors) or 'none'}")
        for rule in rules:
            decision = draft.decisions.get(rule["id"], "to decide")
            print(f"- {rule['id']} [{decision}] {rule.get('title', '')}")
            print(f"    quote ({rule['citation']['clause']}): {rule['citation']['quote']}")
            if rule.get("note"):
                print(f"    note: {rule['note']}")
        _, blocking = lib.reviewed_rules(draft)
        for line in blocking:
            print(f"  blocking: {line}")
    for item in drafted.to_review:
        print(f"to review ({item.clause}) {item.figure}: {item.reason} | {item.sentence}")
    for version in await s.documents.versions(stored.code):
        mark = " (answering)" if version.version == stored.current_version else ""
        print(f"version {version.version}{mark} published {version.published_at} by {version.published_by}"
              f"{' — ' + version.note if version.note else ''}")
    return 0


async def _editor(s: Storage, user_id: int, stored: Any) -> None:
    """`--by` names a real person who may edit this city's document: an admin or its editor."""
    user = await s.users.get(user_id)
    if user is None or (user.role != "admin" and stored.city not in await s.documents.editor_cities(user_id)):
        raise DocumentsError(f"user {user_id} is not an admin or a policy editor for {stored.city} [not_editor]"
                             f" {user_id} 不是管理员，也不是{stored.city}的政策编辑")


async def review(args: argparse.Namespace, s: Storage) -> int:
    stored = await _document(s, args.code)
    await _editor(s, args.by, stored)
    both = set(args.accept) & set(args.reject)
    if both:
        raise DocumentsError(f"{args.code}: {', '.join(sorted(both))} both accepted and rejected [conflict]"
                             " 同一条规则不能既接受又删除")
    draft = await s.documents.draft(stored.code)
    if draft is None:
        raise DocumentsError(f"{args.code}: no draft to review [no_draft] 没有待核对的草稿")
    ids = {r["id"] for r in lib.rules_data(draft.rules_yaml).get("rules") or []} | {"scope"}
    unknown = [i for i in [*args.accept, *args.reject] if i not in ids]
    if unknown:
        raise DocumentsError(f"{args.code}: unknown rule id(s) {', '.join(unknown)} [unknown_rule] 没有这条规则")
    decisions = dict(draft.decisions)
    for rule_id in (ids - set(args.reject)) if args.accept_all else args.accept:
        if decisions.get(rule_id) != "edited" or rule_id in args.accept:  # accept-all keeps "edited" visible
            decisions[rule_id] = "accepted"
    for rule_id in args.reject:
        decisions[rule_id] = "rejected"
    revision = await s.documents.save_draft(stored.code, draft.rules_yaml, draft.schedule_yaml, decisions,
                                            args.by, draft.revision)
    _, blocking = lib.reviewed_rules(await s.documents.draft(stored.code) or draft)
    print(f"{args.code}: draft revision {revision}; {len(blocking)} item(s) still to decide")
    return 0


async def import_rules(args: argparse.Namespace, s: Storage) -> int:
    stored = await _document(s, args.code)
    await _editor(s, args.by, stored)
    try:
        text = Path(args.file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DocumentsError(f"cannot read {args.file!r}: {exc}") from None
    lib.check_rules(stored.code, text)
    data = lib.rules_data(text)
    decisions = {r["id"]: "edited" for r in data.get("rules") or []} | {"scope": "edited"}
    draft = await s.documents.draft(stored.code)
    if draft is None:
        versions = await s.documents.versions(stored.code)
        if not versions:
            raise DocumentsError(f"{args.code}: no draft and no version [no_draft] 没有草稿")
        await s.documents.start_draft(stored.code, versions[0], args.by)
        draft = await s.documents.draft(stored.code)
        assert draft is not None
    revision = await s.documents.save_draft(stored.code, text, draft.schedule_yaml, decisions, args.by,
                                            draft.revision)
    print(f"{args.code}: draft revision {revision} from {args.file}; publish by another editor")
    return 0


async def export(args: argparse.Namespace, s: Storage) -> int:
    stored = await _document(s, args.code)
    number = args.version or stored.current_version
    version = await s.documents.version(stored.code, number) if number else None
    if version is None:
        raise DocumentsError(f"{args.code}: no published version {args.version or ''} [no_version] 没有已发布的版本")
    sys.stdout.write(version.rules_yaml)
    return 0


async def publish(args: argparse.Namespace, s: Storage) -> int:
    stored = await _document(s, args.code)
    await _editor(s, args.by, stored)
    draft = await s.documents.draft(stored.code)
    problem = lib.schedule_problem(stored.code, draft.schedule_yaml) if draft else None
    version = await lib.publish(s, stored.code, args.by, draft.revision if draft else -1, args.note)
    print(f"{args.code}: published version {version}; answers and results use it now")
    if problem:
        print(f"  {problem}")
    return 0


async def restore(args: argparse.Namespace, s: Storage) -> int:
    await _editor(s, args.by, await _document(s, args.code))
    await lib.restore(s, args.code, args.version, args.by)
    print(f"{args.code}: answering from version {args.version}")
    return 0


async def remove(args: argparse.Namespace, s: Storage) -> int:
    await _editor(s, args.by, await _document(s, args.code))
    await lib.remove(s, args.code, args.by)
    print(f"{args.code}: removed")
    return 0


async def set_validity(args: argparse.Namespace, s: Storage) -> int:
    doc = await lib.set_validity(s, args.code, 0, expires=args.expires, clear_expires=args.no_expiry,
                                 amended_by=args.amended_by, clear_amended=args.not_amended,
                                 lapsed_today=dt.date.today() if args.lapsed else None)
    print(f"{doc.code}: {doc.status_on(dt.date.today())}, expires {doc.expires or 'never stated'}"
          f"{', amended by ' + doc.amended_by if doc.amended_by else ''}")
    return 0


async def expiring(args: argparse.Namespace, s: Storage) -> int:
    day = args.date or dt.date.today()
    docs = lib.expiring(day)
    for doc in docs:
        print(f"{doc.code}\t{doc.name}\t{doc.number or doc.title}\texpires {doc.expires}")
    print(f"{len(docs)} document(s) lapse within {lib.EXPIRY_WARNING_DAYS} days of {day}", file=sys.stderr)
    return 0


async def import_shipped(args: argparse.Namespace, s: Storage) -> int:
    print(json.dumps(await lib.import_shipped(s)))
    return 0


async def editor(args: argparse.Namespace, s: Storage) -> int:
    if await s.users.get(args.user) is None:
        raise DocumentsError(f"no user {args.user} [unknown_user] 没有这个用户")
    if not lib.CITY_NAME.fullmatch(args.city.strip()):
        raise DocumentsError("city must be 2-20 Chinese characters [city] 城市名称请填写2到20个汉字")
    from knowledge.catalogue import UnknownJurisdiction, get_document, resolve_jurisdiction

    try:  # a city we answer for: its document's own name (开封 -> 开封市), as documents are filed
        args.city = get_document(resolve_jurisdiction(args.city.strip())).name
    except UnknownJurisdiction:
        args.city = args.city.strip()
    if args.remove:
        await s.documents.revoke_editor(args.user, args.city, 0)
    else:
        await s.documents.grant_editor(args.user, args.city, 0)
    print(f"user {args.user} {'is no longer' if args.remove else 'is'} a policy editor for {args.city}")
    return 0


async def _document(s: Storage, code: str) -> Any:
    stored = await s.documents.get(code) if len(code) <= 40 else None
    if stored is None:
        raise DocumentsError(f"no document with code {code[:40]!r} [unknown_document] 没有这个文件代码")
    return stored


COMMANDS = {"add": add, "list": list_documents, "show": show, "review": review, "import-rules": import_rules,
            "export": export, "publish": publish, "restore": restore, "remove": remove, "set": set_validity,
            "expiring": expiring, "import-shipped": import_shipped, "editor": editor}
