"""`python -m bot admin ...` and `python -m bot reminders --due`: the registry from a terminal.

Uses the same SQLite file as the bot (BOT_DATABASE); safe while the bot runs (WAL)."""

from __future__ import annotations

import argparse
import asyncio
import csv
import datetime as dt
import sys
from pathlib import Path
from typing import Any

from bot.cli_input import atomic_output, record_id, writable_file
from bot.csv_safe import neutralise_row
from bot.reminders import templates as t
from bot.reminders.planner import SHANGHAI, plan_day
from bot.reminders.registry_csv import CsvProblems, parse_contacts, parse_families
from bot.storage import CONTACT_ROLES, Storage


class AdminError(Exception):
    """One line for the user; exit code 2."""


def _read(path: str) -> str:
    try:
        return sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise AdminError(f"cannot read {path!r}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise AdminError(f"{path}: not UTF-8 text (save the CSV as UTF-8)") from None


async def _with_storage(database: Path, action: Any) -> int:
    storage = await Storage.open(database)
    try:
        return int(await action(storage))
    finally:
        await storage.close()


def run_admin(args: argparse.Namespace, database: Path, settings: Any = None) -> int:
    if args.admin_command == "restore":
        return _restore(args, database)
    return asyncio.run(_with_storage(database, lambda s: _admin(args, s, settings)))


def _restore(args: argparse.Namespace, database: Path) -> int:
    """Refuses while the bot looks alive (a reminder round in the last 3 minutes)."""
    from bot.storage import restore

    if database.exists() and not args.force:
        import sqlite3

        con = sqlite3.connect(database)
        try:
            row = con.execute("SELECT value FROM meta WHERE key = 'last_tick'").fetchone()
        except sqlite3.OperationalError:
            row = None
        con.close()
        if row and dt.datetime.now(dt.UTC) - dt.datetime.fromisoformat(row[0]) < dt.timedelta(minutes=3):
            raise AdminError(f"restore: the bot seems to be running (last round {row[0]}); stop it first "
                             "or pass --force")
    try:
        kept = restore(args.file, database)
    except ValueError as exc:
        raise AdminError(f"restore: {exc}") from None
    print(f"restored {database} from {args.file}" + (f"; the previous file is kept as {kept}" if kept else ""))
    async def migrate(storage: Storage) -> int:  # an older backup is brought up to this schema
        applied = await storage.migrate()
        if applied:
            print(f"applied schema migrations {applied}")
        return 0

    return asyncio.run(_with_storage(database, migrate))


async def _admin(args: argparse.Namespace, s: Storage, settings: Any = None) -> int:
    care = s.care
    if args.admin_command == "backup":
        writable_file(args.file)  # issue13e: a folder or a missing folder is one line, not a traceback
        await s.backup(args.file)
        print(f"backed up {s.path} to {args.file} ({Path(args.file).stat().st_size} bytes)")
    elif args.admin_command == "status":
        status = await s.status()
        if args.json:
            import json

            print(json.dumps(status, ensure_ascii=False))
        else:
            for key, value in status.items():
                print(f"{key}: {value if value is not None else '-'}")
    elif args.admin_command == "retention":
        from bot.settings import retention_days

        counts = await s.apply_retention(dt.datetime.now(dt.UTC), **retention_days(settings))
        print(", ".join(f"{k}: {v}" for k, v in counts.items()))
    elif args.admin_command == "forget-family":
        if not await s.forget_family(args.family, actor=0):
            raise AdminError(f"forget-family: unknown family {args.family}")
        print(f"family {args.family} and its assignments, visits and reminders are deleted")
    elif args.admin_command in ("import-families", "import-contacts"):
        families = args.admin_command == "import-families"
        try:
            rows = (parse_families(_read(args.file), await care.family_keys()) if families
                    else parse_contacts(_read(args.file), await care.telegram_ids()))
        except CsvProblems as exc:
            for p in exc.problems:
                print(p, file=sys.stderr)
            print(f"nothing imported: {len(exc.problems)} problem(s) in {args.file}", file=sys.stderr)
            return 2
        table, noun = ("care_families", "families") if families else ("care_contacts", "contacts")
        print(f"imported {await care.import_rows(table, rows)} {noun}")
    elif args.admin_command == "assign":
        families = {f["id"] for f in await care.list_families()}
        contacts = {c["id"] for c in await care.list_contacts()}
        if args.family not in families or args.contact not in contacts:
            raise AdminError(f"assign: unknown family {args.family} or contact {args.contact} "
                             "(see python -m bot admin families / contacts)")
        since = args.since or dt.datetime.now(SHANGHAI).date()
        position = await care.assign(args.family, args.contact, since)
        print(f"family {args.family} -> contact {args.contact} (position {position}, since {since})")
    elif args.admin_command == "urgent":
        if args.family not in {f["id"] for f in await care.list_families()}:
            raise AdminError(f"urgent: unknown family {args.family}")
        created = await care.raise_urgent(args.family, dt.datetime.now(SHANGHAI))
        print(f"urgent visit raised for family {args.family}: {created} contact(s) will be reminded at once")
    elif args.admin_command == "contact-left":
        await care.deactivate_contact(args.contact)
        print(f"contact {args.contact} marked as left; their reminders will escalate until reassigned")
    elif args.admin_command == "supervisor":
        known = {c["id"] for c in await care.list_contacts()}  # issue13e: no foreign-key traceback
        for role, contact_id in (("contact", args.contact), ("supervisor", args.supervisor)):
            if contact_id not in known:
                raise AdminError(f"supervisor: unknown {role} {contact_id} (see python -m bot admin contacts)")
        if args.contact == args.supervisor:
            raise AdminError(f"supervisor: contact {args.contact} cannot supervise itself")
        await care.set_supervisor(args.contact, args.supervisor)
        print(f"contact {args.contact} reports to {args.supervisor}")
    elif args.admin_command == "families":
        for f in await care.list_families():
            print(f"{f['id']}\t{f['jurisdiction']}\t{f['alias']}\t{f['township']}{f['village']}\t"
                  f"{'年老多病' if f['old_sick'] else ''}\tcontacts={f['contacts'] or '-'}")
    elif args.admin_command == "contacts":
        for c in await care.list_contacts():
            blocked = "\tBLOCKED" if c["blocked"] else ""
            print(f"{c['id']}\t{c['name']}\t{c['role']}\t{c['township']}\ttelegram={c['telegram_id'] or '-'}\t"
                  f"supervisor={c['supervisor_id'] or '-'}{blocked}")
    elif args.admin_command == "overdue":
        day = args.date or dt.datetime.now(SHANGHAI).date()
        rows = await care.reminders("r.status != 'done' AND r.due_date < ?", (day.isoformat(),))
        for r in rows:
            print(f"{r.due_date}\t{t.KIND_NAMES.get(r.kind, r.kind)}\t{r.alias}\t{r.contact_name}\t{r.status}")
        print(f"{len(rows)} overdue on {day}", file=sys.stderr)
    elif args.admin_command == "export-visits":
        visits = await care.visits()
        fields = ["day", "jurisdiction", "alias", "contact", "kind", "outcome", "notes", "follow_up_days"]
        rows = [neutralise_row(v) for v in visits]  # issue13e: notes and aliases never run as formulas
        if args.file == "-":
            writer = csv.DictWriter(sys.stdout, fieldnames=fields)
            writer.writeheader()
            writer.writerows(rows)
        else:
            with atomic_output(args.file, encoding="utf-8-sig", newline="") as out:
                writer = csv.DictWriter(out, fieldnames=fields)
                writer.writeheader()
                writer.writerows(rows)
            print(f"exported {len(visits)} visits to {args.file}")
    return 0


def run_reminders(args: argparse.Namespace, database: Path) -> int:
    return asyncio.run(_with_storage(database, lambda s: _due(args, s)))


async def _due(args: argparse.Namespace, s: Storage) -> int:
    """What would be sent on a day (a dry run: nothing is written)."""
    day = args.date or dt.datetime.now(SHANGHAI).date()
    care = s.care
    end = dt.datetime.combine(day, dt.time(23, 59), SHANGHAI)
    waiting = await care.reminders("r.status = 'pending' AND r.send_after <= ?", (end.isoformat(),))
    known = {(r.family_id, r.contact_id, r.kind, r.due_date) for r in await care.reminders()}
    planned = [p for p in plan_day(day, await care.assignments(), await care.last_visits(), await care.follow_ups())
               if (p.family_id, p.contact_id, p.kind, p.due) not in known]
    families = {f["id"]: f["alias"] for f in await care.list_families()}
    contacts = {c["id"]: c["name"] for c in await care.list_contacts()}
    lines = [(r.due_date, r.kind, r.alias, r.contact_name) for r in waiting]
    lines += [(p.due, p.kind, families.get(p.family_id, "?"), contacts.get(p.contact_id, "?")) for p in planned]
    for due, kind, alias, contact in sorted(lines):
        late = "（逾期）" if due < day else ""
        print(f"{due}\t{t.KIND_NAMES.get(kind, kind)}{late}\t{alias}\t{contact}")
    print(f"{len(lines)} reminder(s) due on {day}", file=sys.stderr)
    return 0


def add_parsers(sub: Any, date_type: Any) -> None:
    admin = sub.add_parser("admin", help="the care registry: import, assign, overdue, export")
    asub = admin.add_subparsers(dest="admin_command", required=True, parser_class=type(admin))
    p = asub.add_parser("import-families", help="CSV: alias,jurisdiction[,township,village,contact_note,old_sick,"
                                               "lives_alone]")
    p.add_argument("file")
    p = asub.add_parser("import-contacts", help=f"CSV: name,role[,township,telegram_id]; roles {CONTACT_ROLES}")
    p.add_argument("file")
    p = asub.add_parser("assign", help="assign a contact to a family")
    p.add_argument("family", type=record_id)
    p.add_argument("contact", type=record_id)
    p.add_argument("--since", type=date_type)
    p = asub.add_parser("urgent", help="raise an urgent visit (accident, serious illness) for a family")
    p.add_argument("family", type=record_id)
    p = asub.add_parser("contact-left", help="a contact who left: their families' reminders escalate")
    p.add_argument("contact", type=record_id)
    p = asub.add_parser("supervisor", help="who a contact's unanswered reminders escalate to")
    p.add_argument("contact", type=record_id)
    p.add_argument("supervisor", type=record_id)
    asub.add_parser("families")
    asub.add_parser("contacts")
    p = asub.add_parser("overdue", help="reminders past their due date and not done")
    p.add_argument("--date", type=date_type)
    p = asub.add_parser("export-visits", help="the visit log as CSV (for inspections)")
    p.add_argument("file", nargs="?", default="-")
    p = asub.add_parser("backup", help="online backup of the database (safe while the bot runs)")
    p.add_argument("file")
    p = asub.add_parser("restore", help="replace the database with a backup (stop the bot first)")
    p.add_argument("file")
    p.add_argument("--force", action="store_true", help="even if the bot seems to be running")
    p = asub.add_parser("status", help="database size, pending reminders, last successful send")
    p.add_argument("--json", action="store_true")
    asub.add_parser("retention", help="apply the data-retention settings now")
    p = asub.add_parser("forget-family", help="delete a family and everything about it")
    p.add_argument("family", type=record_id)
    rem = sub.add_parser("reminders", help="what would be sent (dry run)")
    rem.add_argument("--due", action="store_true", required=True)
    rem.add_argument("--date", type=date_type)
