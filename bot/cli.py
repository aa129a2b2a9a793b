"""`python -m bot`: the command line of 连心助手.

Subcommands are public contracts (see README): `ask` answers a question from the policy
clauses, `clauses` lists the clause tree. With no subcommand the assistant runs as a
terminal chat. Bad input ends with exit code 2 and one precise line on stderr.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from bot.cli_input import InputError, database_path, os_error_line
from knowledge.catalogue import UnknownJurisdiction, resolve_jurisdiction

EXIT_USAGE = 2


class UsageError(Exception):
    """Bad input from the command line: reported as one line, exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: {message} (see --help)")


def _jurisdiction(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return resolve_jurisdiction(value)
    except UnknownJurisdiction as exc:
        raise UsageError(str(exc)) from None


def _open_batch(path: str, command: str) -> Any:
    """A batch file, or standard input for "-"; an unreadable file, or one that is not UTF-8
    text (GBK, a binary file), is a usage error before any line is answered."""
    if path == "-":
        return sys.stdin
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as exc:
        raise UsageError(f"{command}: cannot read batch file {path!r}: {exc.strerror}") from None
    return io.StringIO(_utf8_text(data, path, command), newline=None)


def _utf8_text(data: bytes, path: str, command: str) -> str:
    """The file's text; GBK or binary content is refused with the offset of the first bad byte."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UsageError(f"{command}: {path} is not UTF-8 text (byte {exc.start}); save it as UTF-8") from None
    if "\x00" in text:
        raise UsageError(f"{command}: {path} is a binary file, not JSON lines")
    return text


def _loads(text: str) -> Any:
    """json.loads, with the inputs it cannot take (a 100,000-deep nesting, a 5,000-digit
    number) reported as ValueError like any other bad JSON."""
    try:
        return json.loads(text)
    except RecursionError:
        raise ValueError("nested too deeply") from None
    except json.JSONDecodeError:
        raise
    except ValueError:  # int() refuses numbers of more than 4,300 digits
        raise ValueError("a number has thousands of digits") from None


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")


def cmd_ask(args: argparse.Namespace) -> int:
    from bot.contracts import search_json
    from dialogs.answer_text import render_result
    from knowledge.clause_search import search

    jurisdiction = _jurisdiction(args.jurisdiction)
    if args.top < 1:
        raise UsageError("ask: --top must be at least 1")
    if args.batch:
        return _ask_batch(args.batch, jurisdiction, args.top)
    question = " ".join(args.question).strip()
    if not question:
        raise UsageError("ask: give a question, e.g. python -m bot ask 特别扶助金每月多少")
    result = search(question, jurisdiction, args.top)
    if args.json:
        _print_json(search_json(result))
    else:
        print(render_result(question, result))
    return 0


def _ask_batch(path: str, default_jurisdiction: str | None, top: int) -> int:
    """One JSON result line per input line, in order; a bad line gets an error object."""
    from bot.contracts import search_json
    from knowledge.clause_search import search

    with _open_batch(path, "ask") as stream:
        for number, line in enumerate(stream, start=1):
            _print_json(_batch_line(number, line, default_jurisdiction, top, search, search_json))
            sys.stdout.flush()
    return 0


def _batch_line(number: int, line: str, default_jurisdiction: str | None, top: int, search: Any,
                search_json: Any) -> dict[str, Any]:
    try:
        row = _loads(line)
    except json.JSONDecodeError as exc:
        return {"id": None, "line": number, "error": f"line {number}: not valid JSON ({exc.msg})"}
    except ValueError as exc:
        return {"id": None, "line": number, "error": f"line {number}: not valid JSON ({exc})"}
    if not isinstance(row, dict):
        return {"id": None, "line": number, "error": f"line {number}: expected a JSON object"}
    row_id = row.get("id")
    question = row.get("question")
    if not isinstance(question, str) or not question.strip():
        return {"id": row_id, "line": number, "error": f"line {number}: 'question' must be a non-empty string"}
    jurisdiction = default_jurisdiction
    if row.get("jurisdiction") is not None:
        try:
            jurisdiction = resolve_jurisdiction(str(row["jurisdiction"]))
        except UnknownJurisdiction as exc:
            return {"id": row_id, "line": number, "error": f"line {number}: {exc}"}
    return {"id": row_id, **search_json(search(question, jurisdiction, top))}


def cmd_clauses(args: argparse.Namespace) -> int:
    from bot.contracts import clause_json
    from knowledge.clauses import load_clauses

    jurisdiction = _jurisdiction(args.jurisdiction)
    clauses = [c for c in load_clauses() if jurisdiction is None or c.doc == jurisdiction]
    if args.json:
        _print_json([clause_json(c) for c in clauses])
    else:
        for c in clauses:
            marker = "" if c.answerable else "  [文头文尾/标题]" if c.kind != "heading" else "  [标题]"
            print(f"{c.id}\t{c.path}\t{(c.title or c.text)[:40]}{marker}")
    return 0


def _read_json_input(path: str) -> Any:
    try:
        if path == "-":
            text = sys.stdin.read()
        else:
            with open(path, "rb") as f:
                text = _utf8_text(f.read(), path, "check")
    except OSError as exc:
        raise UsageError(f"check: cannot read {path!r}: {exc.strerror}") from None
    try:
        return _loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(f"check: {path} is not valid JSON ({exc.msg}, line {exc.lineno})") from None
    except ValueError as exc:
        raise UsageError(f"check: {path} is not valid JSON ({exc})") from None


def cmd_check(args: argparse.Namespace) -> int:
    from bot.contracts import assessment_json
    from dialogs.eligibility_text import render_assessment
    from knowledge.eligibility import assess
    from knowledge.facts import ProfileError, parse_profile

    if args.batch:
        return _check_batch(args.batch)
    if args.profile is None:
        if args.json:
            raise UsageError("check: --json needs a profile file (or - for stdin)")
        from bot.terminal_chat import run_check_console

        return run_check_console(sys.stdin, sys.stdout, _jurisdiction(args.jurisdiction))
    data = _read_json_input(args.profile)
    if args.jurisdiction and isinstance(data, dict):
        data.setdefault("jurisdiction", args.jurisdiction)
    try:
        profile = parse_profile(data)
        result = assess(profile)
    except ProfileError as exc:
        raise UsageError(f"check: {exc}") from None
    if args.json:
        _print_json(assessment_json(result))
    else:
        print(render_assessment(result))
    return 0


def _check_batch(path: str) -> int:
    """One result line per profile line, in order; a bad line gets {"error": ...}."""
    from bot.contracts import assessment_json
    from knowledge.eligibility import assess
    from knowledge.facts import ProfileError, parse_profile

    with _open_batch(path, "check") as stream:
        for number, line in enumerate(stream, start=1):
            if not line.strip():
                continue
            data: Any = None
            try:
                data = _loads(line)
                row_id = data.get("id") if isinstance(data, dict) else None
                out = {"id": row_id, **assessment_json(assess(parse_profile(data)))}
            except json.JSONDecodeError as exc:
                out = {"id": None, "line": number, "error": f"line {number}: not valid JSON ({exc.msg})"}
            except ProfileError as exc:
                out = {"id": data.get("id") if isinstance(data, dict) else None, "line": number,
                       "error": f"line {number}: {exc}"}
            except ValueError as exc:
                out = {"id": None, "line": number, "error": f"line {number}: not valid JSON ({exc})"}
            _print_json(out)
            sys.stdout.flush()
    return 0


def cmd_rules(args: argparse.Namespace) -> int:
    from bot.contracts import rules_json

    rows = rules_json(_jurisdiction(args.jurisdiction))
    if args.json:
        _print_json(rows)
    else:
        for row in rows:
            print(f"{row['id']}\t{row['citation']['clause']}\t{row['title']}")
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    from bot.contracts import compare_json
    from dialogs.eligibility_text import render_comparison
    from knowledge.comparison import UnknownTopic, resolve_topic

    try:
        topic = resolve_topic(" ".join(args.topic))
    except UnknownTopic as exc:
        raise UsageError(f"compare: {exc}") from None
    if args.json:
        _print_json(compare_json(topic))
    else:
        print(render_comparison(topic))
    return 0


def _settings() -> Any:
    from bot.settings import SettingsError, load_settings

    try:
        settings = load_settings()
        database_path(settings.bot_database)
        return settings
    except (SettingsError, InputError) as exc:
        raise UsageError(str(exc)) from None


def cmd_run(args: argparse.Namespace) -> int:
    """The Telegram bot; needs a token (without one, `python -m bot` chats in the terminal)."""
    settings = _settings()
    if not settings.telegram_bot_token:
        raise UsageError("setting TELEGRAM_BOT_TOKEN: required to run on Telegram "
                         "(without a token, `python -m bot` chats in the terminal)")
    from bot.settings import SettingsError
    from bot.storage import StorageError, probe
    from bot.telegram.app import run

    try:  # an unusable database is one line and exit 2 here, not a hang inside the application
        asyncio.run(probe(settings.database))
    except StorageError as exc:
        raise UsageError(f"run: {exc}") from None
    try:
        run(settings)
    except SettingsError as exc:
        raise UsageError(str(exc)) from None
    return 0


def cmd_default(args: argparse.Namespace) -> int:
    """No subcommand: Telegram when a token is configured, otherwise the terminal chat."""
    settings = _settings()
    if settings.telegram_bot_token:
        return cmd_run(args)
    return cmd_console(args)


def _date(value: str) -> Any:
    import datetime as dt

    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date like 2027-02-06") from None


def cmd_admin(args: argparse.Namespace) -> int:
    from bot.admin_cli import AdminError, run_admin

    try:
        settings = _settings()
        return run_admin(args, settings.database, settings)
    except AdminError as exc:
        raise UsageError(f"admin: {exc}") from None


def cmd_documents(args: argparse.Namespace) -> int:
    from bot.documents.cli import DocumentsError, run_documents

    try:
        return run_documents(args, _settings().database)
    except DocumentsError as exc:
        raise UsageError(f"documents: {exc}") from None


def cmd_reminders(args: argparse.Namespace) -> int:
    from bot.admin_cli import AdminError, run_reminders

    try:
        return run_reminders(args, _settings().database)
    except AdminError as exc:
        raise UsageError(f"reminders: {exc}") from None


def cmd_web(args: argparse.Namespace) -> int:
    """The phone page, the desk console and the JSON API; no Telegram token needed."""
    from bot.web.serve import serve_web

    if not 1 <= args.port <= 65535:
        raise UsageError(f"web: --port must be from 1 to 65535, not {args.port}")
    workers = args.workers
    if workers < 1:
        raise UsageError(f"web: --workers must be at least 1, not {workers}")
    if workers > 1:
        from bot.storage import is_postgres
        from bot.web.serve import serve_workers

        if not is_postgres(_settings().database):
            raise UsageError("web: --workers N needs PostgreSQL (BOT_DATABASE_URL); the SQLite file serves one process")
        try:
            return serve_workers(args.host, args.port, workers)
        except OSError as exc:
            reason = os.strerror(exc.errno) if exc.errno else str(exc)
            raise UsageError(f"web: cannot listen on {args.host}:{args.port}: {reason}") from None
    try:
        asyncio.run(serve_web(args.host, args.port))
    except OSError as exc:
        reason = os.strerror(exc.errno) if exc.errno else str(exc)
        raise UsageError(f"web: cannot listen on {args.host}:{args.port}: {reason}") from None
    except KeyboardInterrupt:
        pass
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    """Create the database (file, or tables in PostgreSQL) or apply the migrations it lacks."""
    from bot.storage import SCHEMA_VERSION, Storage, StorageError

    database = _settings().database

    async def migrate() -> list[int]:
        storage = await Storage.open(database)  # opening migrates, under the write lock
        try:
            return await storage.migrate()
        finally:
            await storage.close()

    try:
        before = asyncio.run(_schema_of(database))
        asyncio.run(migrate())
    except StorageError as exc:
        raise UsageError(f"migrate: {exc}") from None
    applied = list(range(before + 1, SCHEMA_VERSION + 1))
    print(f"applied migrations {applied[0]}-{applied[-1]}; schema {SCHEMA_VERSION}" if applied
          else f"schema {SCHEMA_VERSION}: nothing to apply")
    return 0


async def _schema_of(database: Any) -> int:
    """The schema version before migrating (0 for a database not created yet)."""
    from bot.storage import is_postgres
    from bot.storage.db import connect
    from bot.storage.migrations import schema_version

    if not is_postgres(database) and not Path(database).is_file():
        return 0
    db = await connect(database, create=False)
    try:
        return await schema_version(db)
    finally:
        await db.close()


def cmd_data(args: argparse.Namespace) -> int:
    from bot.storage import StorageError, is_postgres
    from bot.storage.move import MoveRefused, move_to_postgres

    if not is_postgres(args.to):
        raise UsageError("data move: --to must be a postgresql:// URL")
    source = Path(args.source) if args.source else _settings().bot_database
    try:
        counts = move_to_postgres(source, args.to)
    except MoveRefused as exc:
        raise UsageError(f"data move: {exc}") from None
    except StorageError as exc:
        raise UsageError(f"data move: {exc}") from None
    width = max(len(t) for t, _, _ in counts)
    print(f"{'table':<{width}}  {'sqlite':>9}  {'postgresql':>10}")
    for table, before, after in counts:
        print(f"{table:<{width}}  {before:>9}  {after:>10}")
    print(f"moved {sum(a for _, _, a in counts)} rows in {len(counts)} tables from {source}")
    return 0


def cmd_console(args: argparse.Namespace) -> int:
    from bot.terminal_chat import run_console

    return run_console(sys.stdin, sys.stdout)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m bot", description="连心助手：计划生育特殊家庭政策问答")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)

    ask = sub.add_parser("ask", help="answer a question from the policy clauses")
    ask.add_argument("question", nargs="*", help="the question, in Chinese")
    ask.add_argument("--jurisdiction", "-j", help="code or Chinese name: kaifeng, 开封, 开封市, ...")
    ask.add_argument("--top", type=int, default=3, help="how many clauses at most (default 3)")
    ask.add_argument("--json", action="store_true", help="print JSON (the stable contract)")
    ask.add_argument("--batch", metavar="FILE", help="JSON lines {id, question, jurisdiction?}; - for stdin")
    ask.set_defaults(func=cmd_ask)

    clauses = sub.add_parser("clauses", help="list every clause of the five documents")
    clauses.add_argument("--jurisdiction", "-j")
    clauses.add_argument("--json", action="store_true")
    clauses.set_defaults(func=cmd_clauses)

    check = sub.add_parser("check", help="what a family is entitled to: the interview, or a JSON profile")
    check.add_argument("profile", nargs="?", help="profile JSON file, - for stdin; omit to run the interview")
    check.add_argument("--json", action="store_true", help="print JSON (the stable contract)")
    check.add_argument("--batch", metavar="FILE", help="JSON lines of profiles; - for stdin")
    check.add_argument("--jurisdiction", "-j", help="city for the interview (or default for a profile)")
    check.set_defaults(func=cmd_check)

    rules = sub.add_parser("rules", help="list every eligibility rule with its citation")
    rules.add_argument("--jurisdiction", "-j")
    rules.add_argument("--json", action="store_true")
    rules.set_defaults(func=cmd_rules)

    comp = sub.add_parser("compare", help="one kind of benefit across the five jurisdictions")
    comp.add_argument("topic", nargs="+", help="e.g. monthly_allowance, 每月扶助金, one_off_grant, 一次性")
    comp.add_argument("--json", action="store_true")
    comp.set_defaults(func=cmd_compare)

    from bot.admin_cli import add_parsers

    add_parsers(sub, _date)
    sub.choices["admin"].set_defaults(func=cmd_admin)
    sub.choices["reminders"].set_defaults(func=cmd_reminders)
    from bot.documents.cli import add_parser as add_documents_parser

    add_documents_parser(sub, _date)
    sub.choices["documents"].set_defaults(func=cmd_documents)

    run = sub.add_parser("run", help="run the Telegram bot (needs TELEGRAM_BOT_TOKEN)")
    run.set_defaults(func=cmd_run)

    web = sub.add_parser("web", help="serve the phone page, the desk console and the JSON API (no token needed)")
    web.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    web.add_argument("--port", type=int, default=8080, help="port (default 8080)")
    web.add_argument("--workers", type=int, default=1,
                     help="processes serving the one port (more than 1 needs PostgreSQL, BOT_DATABASE_URL)")
    web.set_defaults(func=cmd_web)

    migrate = sub.add_parser("migrate", help="create the database or bring it to this version's schema")
    migrate.set_defaults(func=cmd_migrate)
    data = sub.add_parser("data", help="move a SQLite deployment's data to PostgreSQL")
    dsub = data.add_subparsers(dest="data_command", required=True, parser_class=_Parser)
    move = dsub.add_parser("move", help="copy every table of the SQLite file into an empty PostgreSQL database")
    move.add_argument("--to", required=True, metavar="URL", help="postgresql://user:password@host:5432/lianxin")
    move.add_argument("--from", dest="source", metavar="FILE",
                      help="the SQLite file (default: BOT_DATABASE)")
    data.set_defaults(func=cmd_data)

    console = sub.add_parser("console", help="chat in the terminal (the default without a subcommand)")
    console.set_defaults(func=cmd_console)
    return parser


# Commands that answer from the documents: they also answer from the documents a city's staff
# put in (stored in BOT_DATABASE), when that database exists.
# (and the registry commands: `admin grant --city 新城市`, a CSV row of a new city, read as they are parsed)
_KNOWLEDGE_COMMANDS = ("ask", "clauses", "check", "rules", "compare", "console", "admin", "reminders", None)


def _install_library(quiet: bool = False) -> None:
    """Install the stored documents (issue 26) into knowledge; a missing database means only
    the shipped documents, and an unreadable one is said on stderr, not fatal to an answer."""
    from bot.settings import SettingsError, load_settings

    try:
        database = load_settings().database
    except SettingsError:
        return
    if isinstance(database, Path) and (str(database) == ":memory:" or not database.is_file()):
        return  # (a str is a postgresql:// URL)
    from bot.documents.library import install_from_storage
    from bot.storage import Storage, StorageError

    async def install() -> None:
        storage = await Storage.open(database, create=False)
        try:
            await install_from_storage(storage)
        finally:
            await storage.close()

    try:
        asyncio.run(install())
    except (StorageError, ValueError, OSError) as exc:
        if not quiet:  # (the admin commands open the database themselves and say what is wrong with it)
            print(f"python -m bot: the city documents in {database} were not loaded: {exc}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        words = list(sys.argv[1:] if argv is None else argv)
        first = next((w for w in words if not w.startswith("-")), None)
        if first in _KNOWLEDGE_COMMANDS and "-h" not in words and "--help" not in words:
            # before parsing: a city argument may be a city put in by its staff
            _install_library(quiet=first in ("admin", "reminders") or (first is None and bool(
                os.environ.get("TELEGRAM_BOT_TOKEN"))))  # (`run` reports an unusable database itself)
        args = parser.parse_args(argv)
        if args.command is None:
            return cmd_default(args)
        return int(args.func(args))
    except (UsageError, InputError) as exc:
        print(str(exc).replace("\n", " "), file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        return 0
    except UnicodeDecodeError as exc:  # standard input in GBK or binary
        print(f"python -m bot: input is not UTF-8 text (byte {exc.start}); save it as UTF-8", file=sys.stderr)
        return EXIT_USAGE
    except OSError as exc:  # a full disk, a folder where a file should be: one line, not a traceback
        print(f"python -m bot: {os_error_line(exc)}", file=sys.stderr)
        return EXIT_USAGE
