"""`python -m bot admin ...` and `python -m bot reminders --due`: the registry and the
database from a terminal, one function per subcommand.

Uses the same SQLite file as the bot (BOT_DATABASE); safe while the bot runs (WAL, and
every write in short serialised transactions). Every problem is one line and exit 2."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx

from bot.cli_input import atomic_output, record_id, writable_file
from bot.operations import access, imports, maintenance
from bot.operations import registry as ops
from bot.operations.refusals import Refused
from bot.reminders import templates as t
from bot.reminders.coverage import gaps as find_gaps
from bot.reminders.planner import SHANGHAI, plan_day
from bot.reminders.registry_csv import (
    CONTACT_COLUMNS,
    FAMILY_COLUMNS,
    CsvProblems,
    Problem,
    accepted_headings,
    chinese_problem,
)
from bot.storage import CONTACT_ROLES, Storage, StorageError, restore
from bot.storage.db import shown_url
from bot.storage.pg_backup import pg_restore_backup
from bot.storage.registry import Reach

Clock = Callable[[], dt.datetime]
Command = Callable[[argparse.Namespace, Storage, "AdminEnv"], Awaitable[int]]


class AdminError(Exception):
    """One line for the user; exit code 2. An operation's refusal (`bot.operations.refusals.Refused`)
    becomes one, its `Problem` printed by `cli_line`."""

    def __init__(self, refusal: Problem | str) -> None:
        super().__init__(cli_line(refusal) if isinstance(refusal, Problem) else refusal)


def cli_line(item: Problem) -> str:
    """A refusal as the CLI prints it: the English line scripts read, its code in brackets,
    then the same in Chinese for the office (第 2 行：…)."""
    return f"{item} [{item.code}] {chinese_problem(item)}"


class AdminEnv:
    """What a subcommand needs besides its arguments: settings and the clock."""

    def __init__(self, settings: Any = None, clock: Clock | None = None) -> None:
        self.settings = settings
        self.clock: Clock = clock or (lambda: dt.datetime.now(SHANGHAI))

    def today(self) -> dt.date:
        return self.clock().astimezone(SHANGHAI).date()


def _read(path: str) -> str:
    try:
        text = sys.stdin.read() if path == "-" else imports.decoded_csv(Path(path).read_bytes())
    except OSError as exc:
        raise AdminError(f"cannot read {path!r}: {exc.strerror}") from None
    except UnicodeDecodeError:
        text = None
    if text is None:
        raise AdminError(f"{path}: neither UTF-8 nor GBK text (save the CSV as UTF-8)")
    return text


async def _with_storage(database: Path | str, create: bool, action: Callable[[Storage], Awaitable[int]]) -> int:
    """The database opened, then `action`. With `create` a missing file is created with every
    migration (the first admin is made on a fresh server with `admin grant`), but only in a
    folder that exists: a mistyped BOT_DATABASE folder creates nothing. A new file is said
    on stderr after the command, so it is noticed."""
    memory = str(database) == ":memory:"
    # PostgreSQL (BOT_DATABASE_URL, a str): opening creates the tables
    database_file = None if isinstance(database, str) and not memory else Path(database)
    create = create and (memory or database_file is None or database_file.parent.is_dir())
    new = create and not memory and database_file is not None and not database_file.exists()
    try:
        storage = await Storage.open(database, create=create)
    except StorageError as exc:
        raise AdminError(str(exc)) from None
    try:
        code = int(await action(storage))
    finally:
        await storage.close()
    if new and code == 0:  # a refusal stays its one line
        print(f"created a new database at {database} (check BOT_DATABASE if you expected an existing one)"
              f" / 已新建数据库 {database}", file=sys.stderr)
    return code


# --- one function per subcommand -----------------------------------------------------------

async def backup(args: argparse.Namespace, s: Storage, env: AdminEnv) -> int:
    writable_file(args.file)  # a folder or a missing folder is one line, not a traceback
    size = await maintenance.backup_to(s, Path(args.file))
    print(f"backed up {s.path} to {args.file} ({size} bytes)")
    return 0


async def status(args: argparse.Namespace, s: Storage, env: AdminEnv) -> int:
    report = await s.ops.status()
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
    else:
        for key, value in report.items():
            print(f"{key}: {value if value is not None else '-'}")
    return 0


async def wechat_menu(args: argparse.Namespace, s: Storage, env: AdminEnv) -> int:
    """Create the Service Account's menu (查待遇 / 问政策 / 联系我们): clicks reach the same
    conversation as the typed words (bot/wechat/channel.py)."""
    from bot.wechat.api import WeChatApi, WeChatError
    from bot.wechat.menu import service_menu

    settings = env.settings
    if settings is None or not settings.wechat_enabled() or settings.wechat_app_secret is None:
        raise AdminError("wechat-menu: WeChat is not configured (set WECHAT_TOKEN, WECHAT_APP_ID, WECHAT_APP_SECRET)")
    api = WeChatApi.from_settings(settings, s)
    try:
        await api.create_menu(service_menu())
    except WeChatError as exc:
        raise AdminError(f"wechat-menu: WeChat refused the menu (errcode {exc.code})") from None
    except httpx.HTTPError as exc:
        raise AdminError(f"wechat-menu: cannot reach WeChat ({type(exc).__name__})") from None
    finally:
        await api.close()
    print("menu created: " + " / ".join(b["name"] for b in service_menu()["button"]))
    return 0


async def retention(args: argparse.Namespace, s: Storage, env: AdminEnv) -> int:
    counts = await maintenance.apply_retention(s, env.settings, env.clock())
    print(", ".join(f"{k}: {v}" for k, v in counts.items()))
    return 0


async def forget_family(args: argparse.Namespace, s: Storage, env: AdminEnv) -> int:
    await ops.checked_forget_family(s, args.family, actor=0)
    print(f"family {args.family} and its assignments, visits and reminders are deleted")
    return 0


def _report_problems(exc: CsvProblems, file: str) -> int:
    """Each problem on its line, English (for scripts, with its code) then Chinese."""
    from dialogs.web_copy import CONSOLE_CLI_NOTHING_IMPORTED

    for item in exc.items:
        print(cli_line(item), file=sys.stderr)
    print(f"nothing imported: {len(exc.items)} problem(s) in {file} / "
          + CONSOLE_CLI_NOTHING_IMPORTED.format(file=file, count=len(exc.items)), file=sys.stderr)
    return 2


async def import_families(args: argparse.Namespace, s: Storage, env: AdminEnv) -> int:
    try:
        count = await imports.import_families_csv(s, _read(args.file))
    except CsvProblems as exc:
        return _report_problems(exc, args.file)
    print(f"imported {count} families")
    return 0


async def import_contacts(args: argparse.Namespace, s: Storage, env: AdminEnv) -> int:
    try:
        count, reach = await imports.import_contacts_csv(s, _read(args.file))
    except CsvProblems as exc:
        return _report_problems(exc, args.file)
    print(f"imported {count} contacts")
    print(_reach_line(reach))
    return 0


def _reach_line(reach: Reach) -> str:
    """'3 contacts: 1 can receive reminders, 2 have not opened the bot yet' (a bot can only
    write to someone who has opened it), then the same in Chinese for the township office."""
    parts = [f"{reach.reachable} can receive reminders"]
    for count, words in ((reach.not_opened, "have not opened the bot yet"), (reach.blocked, "blocked the bot"),
                         (reach.no_telegram, "have no telegram_id")):
        if count:
            parts.append(f"{count} {words}")
    return (f"{reach.total} contact(s): {', '.join(parts)} -- "
            + t.describe_reach(reach.total, reach.reachable, reach.not_opened, reach.blocked, reach.no_telegram))


async def unassign(args: argparse.Namespace, s: Storage, env: AdminEnv) -> int:
    cancelled = await ops.checked_unassign(s, args.family, args.contact)
    print(f"contact {args.contact} no longer looks after family {args.family}; {cancelled} open reminder(s)"
          " cancelled")
    return 0


async def assign(args: argparse.Namespace, s: Storage, env: AdminEnv) -> int:
    since = args.since or env.today()
    outcome = await ops.checked_assign(s, args.family, args.contact, since, env.today())
    if not outcome.new:
        print(f"family {args.family} -> contact {args.contact} was already assigned (position {outcome.position});"
              " nothing changed")
    else:
        print(f"family {args.family} -> contact {args.contact} (position {outcome.position}, since {since});"
              f" {outcome.planned} reminder(s) planned now")
    if outcome.unscheduled:
        print(f"note: family {args.family}'s city has no published contact schedule yet (its document is under"
              " review): no reminder is planned until one is published", file=sys.stderr)
    if outcome.missing:
        print(f"warning: family {args.family} has no {' / '.join(outcome.missing)}: its schedule's reminders for"
              " that role go to nobody (see python -m bot admin gaps)", file=sys.stderr)
    print(_reach_line(outcome.reach))
    return 0


async def gaps(args: argparse.Namespace, s: Storage, env: AdminEnv) -> int:
    """Every family lacking a role its city's schedule needs."""
    found = await find_gaps(s)
    for gap in found:
        print(f"{gap.family_id}\t{gap.jurisdiction}\t{gap.alias}\tmissing={','.join(gap.missing)}")
    print(f"{len(found)} family(ies) lack a role their schedule needs", file=sys.stderr)
    return 0


async def urgent(args: argparse.Namespace, s: Storage, env: AdminEnv) -> int:
    if not await s.registry.family_exists(args.family):
        raise AdminError(f"urgent: unknown family {args.family}")
    created = await s.reminders.raise_urgent(args.family, env.clock())
    print(f"urgent visit raised for family {args.family}: {created} contact(s) will be reminded at once")
    return 0


async def contact_left(args: argparse.Namespace, s: Storage, env: AdminEnv) -> int:
    await ops.checked_contact_left(s, args.contact)
    print(f"contact {args.contact} marked as left; their reminders will escalate until reassigned")
    return 0


async def contact_wecom(args: argparse.Namespace, s: Storage, env: AdminEnv) -> int:
    """Bind a contact to a WeCom member account (their reminders then go by WeCom), or --clear."""
    if args.clear == (args.wecom_user_id is not None):
        raise AdminError("contact-wecom: give either a WeCom user id or --clear")
    old = await ops.checked_contact_wecom(s, args.contact, None if args.clear else args.wecom_user_id)
    if args.clear:
        print(f"contact {args.contact} is no longer bound to WeCom" + ("" if old else " (was not bound)"))
    else:
        print(f"contact {args.contact} is bound to WeCom user {args.wecom_user_id.strip()}; reminders go by WeCom")
    return 0


async def supervisor(args: argparse.Namespace, s: Storage, env: AdminEnv) -> int:
    await ops.checked_supervisor(s, args.contact, args.supervisor)
    print(f"contact {args.contact} reports to {args.supervisor}")
    return 0


async def families(args: argparse.Namespace, s: Storage, env: AdminEnv) -> int:
    for f in await s.registry.list_families():
        print(f"{f['id']}\t{f['jurisdiction']}\t{f['alias']}\t{f['township']}{f['village']}\t"
              f"{'年老多病' if f['old_sick'] else ''}\tcontacts={f['contacts'] or '-'}")
    return 0


async def contacts(args: argparse.Namespace, s: Storage, env: AdminEnv) -> int:
    rows = await s.registry.list_contacts()
    for c in rows:
        if c["wecom_user_id"] is not None:
            state = ("LEFT" if not c["active"] else "WECOM-UNREACHABLE (not in the app's range?)" if c["blocked"]
                     else "reachable by WeCom")
        else:
            state = ("LEFT" if not c["active"] else "NO-TELEGRAM" if c["telegram_id"] is None else "BLOCKED"
                     if c["blocked"] else "reachable" if c["opened"] else "NOT-OPENED (has not opened the bot)")
        print(f"{c['id']}\t{c['name']}\t{c['role']}\t{c['township']}\ttelegram={c['telegram_id'] or '-'}\t"
              f"wecom={c['wecom_user_id'] or '-'}\tsupervisor={c['supervisor_id'] or '-'}\t{state}")
    print(_reach_line(await s.registry.reach()), file=sys.stderr)
    return 0


async def overdue(args: argparse.Namespace, s: Storage, env: AdminEnv) -> int:
    day = args.date or env.today()
    rows = await s.reminders.overdue(day)
    for r in rows:
        print(f"{r.due_date}\t{t.KIND_NAMES.get(r.kind, r.kind)}\t{r.alias}\t{r.contact_name}\t{r.shown_status}")
    print(f"{len(rows)} overdue on {day}", file=sys.stderr)
    return 0


async def console_link(args: argparse.Namespace, s: Storage, env: AdminEnv) -> int:
    """A one-time sign-in link for an admin or staff member (the whole address when WEB_PUBLIC_URL
    or BOT_WEBHOOK_URL is set, else the path to put after the server's); it works once, within
    ten minutes."""
    user = await s.users.get(args.user)
    if user is None or not access.may_use_office(user):
        raise AdminError(f"user {args.user} is not an admin or staff member (give the role first: python -m bot"
                         f" admin grant {args.user} admin|staff [--city CODE])")
    base = env.settings.console_base_url() if env.settings is not None else None
    print((base or "") + await access.sign_in_path(s, user.user_id))
    print("valid for 10 minutes, once / 10 分钟内有效，只能用一次", file=sys.stderr)
    if base is None:
        print("this is only the path: set WEB_PUBLIC_URL (e.g. https://lianxin.example.cn) for the whole address"
              " / 这只是路径：设置 WEB_PUBLIC_URL（例如 https://lianxin.example.cn）后会打印完整地址", file=sys.stderr)
    elif base.startswith("http://") and not access.is_local_host(base) and env.settings.web_console_secure_cookie:
        print(f"warning: {base} is plain http: browsers drop the console's Secure cookie there; serve it over"
              " https (or set WEB_CONSOLE_SECURE_COOKIE=false on a test machine only)"
              " / 控制台必须通过 HTTPS 打开", file=sys.stderr)
    return 0


async def grant(args: argparse.Namespace, s: Storage, env: AdminEnv) -> int:
    """Give a Telegram user the admin or staff role (and a city), audited: how the first admin
    of a fresh server is made, before anyone can use the bot's /grant or the console."""
    user = await access.grant_role(s, args.user, args.role, actor=0, city=args.city, unblock=True,
                                   via="command line")
    city = user.jurisdiction or "-"
    print(f"user {args.user} is now {args.role} (city {city}); sign in to the console with"
          f" python -m bot admin console-link {args.user}")
    if args.role == "staff" and not user.jurisdiction:
        print(f"warning: staff member {args.user} has no city and sees no family until one is given"
              f" (admin grant {args.user} staff --city CODE) / 这位工作人员还没有所属城市，看不到任何家庭",
              file=sys.stderr)
    return 0


async def export_visits(args: argparse.Namespace, s: Storage, env: AdminEnv) -> int:
    """The visit log as CSV; a file is written whole or not at all, 0600 (it holds visit notes),
    and no cell runs as a spreadsheet formula (notes and aliases are free text)."""
    rows = await maintenance.visit_export_rows(s)
    if args.file == "-":
        maintenance.write_visits_csv(sys.stdout, rows)
    else:
        with atomic_output(args.file, encoding="utf-8-sig", newline="") as out:
            maintenance.write_visits_csv(out, rows)
        print(f"exported {len(rows)} visits to {args.file}")
    return 0


async def report(args: argparse.Namespace, s: Storage, env: AdminEnv) -> int:
    """The monthly inspection report as text: the figures of the console's printable page,
    from the same function (`bot.reminders.reports.monthly_report`); every city with
    families in the registry, or the one asked for."""
    from bot.reminders import reports as rp
    from knowledge.catalogue import load_catalogue

    year, month = args.month
    cities = [args.city] if args.city else [d.code for d in load_catalogue() if await s.reports.families(d.code)]
    if not cities:
        raise AdminError("the registry has no families (import-families first)")
    for number, city in enumerate(cities):
        try:
            figures = await rp.monthly_report(s, city, year, month, env.clock(), "the command line")
        except rp.ReportRefused as exc:
            raise AdminError(f"report: {exc}") from None
        if number:
            print()
        for line in report_lines(figures):
            print(line)
    return 0


def report_lines(r: Any) -> list[str]:
    """A MonthlyReport as tab-separated lines (the township table as on the printed page)."""
    lines = [f"monthly report {r.city} ({r.city_name}) {r.year}-{r.month:02d}; generated "
             f"{r.generated_at:%Y-%m-%d %H:%M} Asia/Shanghai by {r.generated_by}"]
    for b in r.basis:
        source = f"{b.number} ({b.date})" if b.number else f"《{b.title}》 (draft for consultation, no number, undated)"
        lines.append(f"basis: {source} {b.path}: “{b.quote}”")
    if r.note:
        lines.append(f"schedule note: {r.note}")
    lines.append("\t".join(("township", *r.total.FIGURES)))
    for row in [*r.rows, r.total]:
        name = "TOTAL" if row is r.total else row.township or "(no township)"
        lines.append("\t".join((name, *(str(getattr(row, f)) for f in row.FIGURES))))
    by = f"before {r.as_of}" if r.month_over else "by the time of this report"
    lines.append(f"done = closed {by}; overdue = due before {r.as_of} and not done {by}")
    return lines


def month_arg(text: str) -> tuple[int, int]:
    from bot.reminders.reports import ReportRefused, parse_month

    try:
        return parse_month(text)
    except ReportRefused as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def city_arg(text: str) -> str:
    from knowledge.catalogue import UnknownJurisdiction, resolve_jurisdiction

    try:
        return resolve_jurisdiction(text)
    except UnknownJurisdiction as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


COMMANDS: dict[str, Command] = {
    "backup": backup, "status": status, "retention": retention, "forget-family": forget_family,
    "import-families": import_families, "import-contacts": import_contacts, "assign": assign, "unassign": unassign,
    "urgent": urgent,
    "contact-left": contact_left, "contact-wecom": contact_wecom,
    "supervisor": supervisor, "families": families, "contacts": contacts, "gaps": gaps,
    "overdue": overdue, "export-visits": export_visits, "console-link": console_link,
    "report": report, "grant": grant, "wechat-menu": wechat_menu,
}


def run_restore(args: argparse.Namespace, database: Path | str) -> int:
    """Refused while the bot runs (it holds the database's lock); then migrates an older backup."""
    try:
        if isinstance(database, str):  # PostgreSQL: pg_restore of a pg_dump -Fc backup
            pg_restore_backup(Path(args.file), database)
            kept = None
        else:
            kept = restore(args.file, database)
    except StorageError as exc:
        raise AdminError(f"restore: {exc}") from None
    shown = shown_url(database) if isinstance(database, str) else database
    print(f"restored {shown} from {args.file}" + (f"; the previous file is kept as {kept}" if kept else ""))

    async def migrate(storage: Storage) -> int:  # an older backup is brought up to this schema
        applied = await storage.migrate()
        if applied:
            print(f"applied schema migrations {applied}")
        return 0

    return asyncio.run(_with_storage(database, False, migrate))


def run_admin(args: argparse.Namespace, database: Path | str, settings: Any = None, clock: Clock | None = None) -> int:
    if args.admin_command == "restore":
        return run_restore(args, database)
    command = COMMANDS[args.admin_command]
    env = AdminEnv(settings, clock)

    async def refusals_as_lines(s: Storage) -> int:  # an operation's refusal: its one line, exit 2
        try:
            return await command(args, s, env)
        except Refused as exc:
            raise AdminError(exc.problem) from None

    return asyncio.run(_with_storage(database, True, refusals_as_lines))


def run_reminders(args: argparse.Namespace, database: Path | str) -> int:
    return asyncio.run(_with_storage(database, True, lambda s: due(args, s, AdminEnv())))


async def due(args: argparse.Namespace, s: Storage, env: AdminEnv) -> int:
    """What would be sent on a day (a dry run: nothing is written)."""
    day = args.date or env.today()
    end = dt.datetime.combine(day, dt.time(23, 59), SHANGHAI)
    waiting = await s.reminders.waiting_until(end)
    known = {(r.family_id, r.contact_id, r.kind, r.due_date) for r in await s.reminders.all()}
    registry = s.registry
    planned = [p for p in plan_day(day, await registry.assignments(), await registry.last_visits(),
                                   await registry.follow_ups())
               if (p.family_id, p.contact_id, p.kind, p.due) not in known]
    family_names = {f["id"]: f["alias"] for f in await registry.list_families()}
    contact_names = {c["id"]: c["name"] for c in await registry.list_contacts()}
    lines = [(r.due_date, r.kind, r.alias, r.contact_name) for r in waiting]
    lines += [(p.due, p.kind, family_names.get(p.family_id, "?"), contact_names.get(p.contact_id, "?"))
              for p in planned]
    for due_day, kind, alias, contact in sorted(lines):
        late = "（逾期）" if due_day < day else ""
        print(f"{due_day}\t{t.KIND_NAMES.get(kind, kind)}{late}\t{alias}\t{contact}")
    print(f"{len(lines)} reminder(s) due on {day}", file=sys.stderr)
    return 0


def add_parsers(sub: Any, date_type: Any) -> None:
    admin = sub.add_parser("admin", help="the care registry: import, assign, overdue, export")
    asub = admin.add_subparsers(dest="admin_command", required=True, parser_class=type(admin))
    said = ("CSV with the columns (any of the headings in brackets; 代称 and 城市 required): "
            f"{accepted_headings(FAMILY_COLUMNS)}")
    p = asub.add_parser("import-families", help=said, description=said)
    p.add_argument("file")
    said = f"CSV with the columns (姓名 and 角色 required): {accepted_headings(CONTACT_COLUMNS)}; roles {CONTACT_ROLES}"
    p = asub.add_parser("import-contacts", help=said, description=said)
    p.add_argument("file")
    p = asub.add_parser("assign", help="assign a contact to a family")
    p.add_argument("family", type=record_id)
    p.add_argument("contact", type=record_id)
    p.add_argument("--since", type=date_type)
    p = asub.add_parser("unassign", help="take a contact off a family (their open reminders for it are cancelled)")
    p.add_argument("family", type=record_id)
    p.add_argument("contact", type=record_id)
    p = asub.add_parser("urgent", help="raise an urgent visit (accident, serious illness) for a family")
    p.add_argument("family", type=record_id)
    p = asub.add_parser("contact-left", help="a contact who left: their families' reminders escalate")
    p.add_argument("contact", type=record_id)
    p = asub.add_parser("contact-wecom", help="bind a contact to a WeCom (企业微信) user id: reminders go by WeCom")
    p.add_argument("contact", type=record_id)
    p.add_argument("wecom_user_id", nargs="?", help="the member's account (UserID) in the WeCom address book")
    p.add_argument("--clear", action="store_true", help="unbind: reminders go by Telegram again, if any")
    p = asub.add_parser("supervisor", help="who a contact's unanswered reminders escalate to")
    p.add_argument("contact", type=record_id)
    p.add_argument("supervisor", type=record_id)
    asub.add_parser("families")
    asub.add_parser("contacts", help="contacts, and whether a reminder can reach them (opened the bot?)")
    asub.add_parser("gaps", help="families lacking a role their city's schedule needs")
    p = asub.add_parser("overdue", help="reminders past their due date and not done")
    p.add_argument("--date", type=date_type)
    p = asub.add_parser("export-visits", help="the visit log as CSV (for inspections); the file is 0600")
    p.add_argument("file", nargs="?", default="-")
    p = asub.add_parser("console-link", help="a one-time sign-in link to the office console (10 minutes)")
    p.add_argument("user", type=record_id)
    p = asub.add_parser("grant", help="give a Telegram user the admin or staff role (the first admin too); audited")
    p.add_argument("user", type=record_id, help="the person's Telegram user id")
    p.add_argument("role", choices=access.GRANTABLE)
    p.add_argument("--city", type=city_arg, help="their city (code or name); staff see only its families")
    p = asub.add_parser("report", help="the monthly inspection report (the console's printable page) as text")
    p.add_argument("--month", type=month_arg, required=True, help="YYYY-MM")
    p.add_argument("--city", type=city_arg, help="one city (code or name); default: every city with families")
    p = asub.add_parser("backup", help="online backup of the database (safe while the bot runs); 0600")
    p.add_argument("file")
    p = asub.add_parser("restore", help="replace the database with a backup (refused while the bot runs)")
    p.add_argument("file")
    p = asub.add_parser("status", help="database size, pending reminders, last successful send")
    p.add_argument("--json", action="store_true")
    asub.add_parser("retention", help="apply the data-retention settings now")
    asub.add_parser("wechat-menu", help="create the WeChat Service Account's menu (查待遇 / 问政策 / 联系我们)")
    p = asub.add_parser("forget-family", help="delete a family and everything about it")
    p.add_argument("family", type=record_id)
    rem = sub.add_parser("reminders", help="what would be sent (dry run)")
    rem.add_argument("--due", action="store_true", required=True)
    rem.add_argument("--date", type=date_type)
