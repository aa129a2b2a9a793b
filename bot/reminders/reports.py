"""What a city office shows an inspection: visits per quarter, festival visits per family and
the monthly report. One implementation behind the console's pages and
`python -m bot admin report`: the figures come from here, the SQL from `storage.reports`.

Counting rules (said on the pages too):
- an in-person visit is every logged visit that is not a phone call (home visit, festival,
  follow-up, urgent); one whose outcome is 没联系上 (nobody found) does not count as visited;
- a festival visit is done when a visit was logged for that festival's reminder of the year,
  or any in-person visit was logged inside the festival's window (from the schedule's lead
  days before the festival to two weeks after it, as the planner plans it);
- "due" in a month is a reminder falling due in it; "done" means closed before the end of
  the month (or before now, for the current month), so a past month's figures stay put."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from bot.reminders.planner import CATCH_UP, SHANGHAI
from bot.reminders.schedule import FESTIVAL_NAMES, festival_date, load_schedule
from bot.storage import Storage
from knowledge.catalogue import get_document
from knowledge.clauses import clauses_by_id

QUARTERS = (1, 2, 3, 4)
ALL_TOWNSHIPS = "*"  # the total row's township


class ReportRefused(ValueError):
    """A period the report cannot cover (not begun yet, out of range): one line for the caller."""


def quarter_bounds(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    start = dt.date(year, 3 * quarter - 2, 1)
    end = dt.date(year + (quarter == 4), 1 if quarter == 4 else 3 * quarter + 1, 1) - dt.timedelta(days=1)
    return start, end


def month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    start = dt.date(year, month, 1)
    end = dt.date(year + (month == 12), 1 if month == 12 else month + 1, 1) - dt.timedelta(days=1)
    return start, end


def parse_month(text: str) -> tuple[int, int]:
    """'2026-11' -> (2026, 11); ReportRefused with the reason otherwise."""
    try:
        year_text, month_text = text.strip().split("-")
        year, month = int(year_text), int(month_text)
        if len(year_text) == 4 and len(month_text) == 2 and 2000 <= year <= 2100 and 1 <= month <= 12:
            return year, month
    except ValueError:
        pass
    raise ReportRefused(f"{text!r} is not a month like 2026-11")


def percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "—"


def _utc_text(day: dt.date) -> str:
    """Midnight at the start of `day` in Shanghai, as the UTC text `acked_at` is stored in."""
    moment = dt.datetime.combine(day, dt.time(0), SHANGHAI).astimezone(dt.UTC)
    return moment.isoformat(timespec="seconds")


async def _contacts_by_family(storage: Storage, city: str) -> dict[int, list[tuple[str, bool]]]:
    out: dict[int, list[tuple[str, bool]]] = defaultdict(list)
    for family_id, name, active in await storage.reports.contacts_of_families(city):
        out[family_id].append((name, active))
    return out


# --- visits per quarter ----------------------------------------------------------------------

@dataclass(frozen=True)
class QuarterRow:
    township: str  # ALL_TOWNSHIPS for the total
    families: int
    visited: tuple[int, int, int, int]
    calls: tuple[int, int, int, int]

    def coverage(self, quarter: int) -> str:
        return percent(self.visited[quarter - 1], self.families)


@dataclass(frozen=True)
class NotVisited:
    alias: str
    township: str
    village: str
    contacts: tuple[tuple[str, bool], ...]  # (name, still active)


@dataclass(frozen=True)
class QuarterReport:
    city: str
    year: int
    quarter: int  # the quarter whose unvisited families are listed
    begun: tuple[int, ...]  # the quarters that have begun by today (the others show no figures)
    rows: list[QuarterRow]
    total: QuarterRow
    not_visited: list[NotVisited]


def _four(values: list[int]) -> tuple[int, int, int, int]:
    return values[0], values[1], values[2], values[3]


async def quarter_report(storage: Storage, city: str, year: int, quarter: int, today: dt.date) -> QuarterReport:
    """Per township and quarter: families, families visited in person, calls, coverage; and
    the families not visited in `quarter`, with their contacts, so the office can act."""
    if quarter_bounds(year, quarter)[0] > today:
        raise ReportRefused(f"{year} Q{quarter} has not begun")
    families = await storage.reports.families(city)
    counted: dict[str, int] = defaultdict(int)
    for f in families:
        counted[f["township"]] += 1
    visited: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    calls: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for township, q, seen, called in await storage.reports.quarter_counts(city, year):
        visited[township][q - 1] += seen
        calls[township][q - 1] += called
    rows = [QuarterRow(t, counted[t], _four(visited[t]), _four(calls[t]))
            for t in sorted(set(counted) | set(visited) | set(calls))]
    total = QuarterRow(ALL_TOWNSHIPS, sum(r.families for r in rows),
                       _four([sum(r.visited[i] for r in rows) for i in range(4)]),
                       _four([sum(r.calls[i] for r in rows) for i in range(4)]))
    seen_in = await storage.reports.visited_families(city, *quarter_bounds(year, quarter))
    contacts = await _contacts_by_family(storage, city)
    missing = [NotVisited(f["alias"], f["township"], f["village"], tuple(contacts.get(f["id"], [])))
               for f in families if f["id"] not in seen_in]
    begun = tuple(q for q in QUARTERS if quarter_bounds(year, q)[0] <= today)
    return QuarterReport(city, year, quarter, begun, rows, total, missing)


# --- festival visits per family --------------------------------------------------------------

@dataclass(frozen=True)
class FestivalWindow:
    name: str  # spring | mid_autumn | double_ninth
    day: dt.date
    opens: dt.date
    closes: dt.date

    @property
    def title(self) -> str:
        return FESTIVAL_NAMES[self.name]


@dataclass(frozen=True)
class FestivalCell:
    state: str  # done | open (window open, not yet done) | missed | not_yet
    day: dt.date | None = None
    contact: str = ""


@dataclass(frozen=True)
class FestivalFamily:
    alias: str
    township: str
    village: str
    cells: tuple[FestivalCell, ...]  # one per window, in the report's order


@dataclass
class FestivalTotal:
    township: str
    families: int = 0
    done: list[int] = field(default_factory=list)  # per window
    due: list[int] = field(default_factory=list)  # per window: families whose window has opened


@dataclass(frozen=True)
class FestivalReport:
    city: str
    year: int
    windows: tuple[FestivalWindow, ...]
    families: list[FestivalFamily]
    totals: list[FestivalTotal]
    total: FestivalTotal


def festival_windows(city: str, year: int) -> tuple[FestivalWindow, ...]:
    """The festival visits the city's schedule requires in `year`, each once (Ankang's schedule
    names the Spring Festival twice, for the cadre and for volunteers), with the window the
    planner reminds in."""
    leads: dict[str, int] = {}
    for fest in load_schedule(city).festivals:
        leads[fest.name] = max(leads.get(fest.name, 0), fest.lead_days)
    out = []
    for name, lead in leads.items():
        day = festival_date(name, year)
        out.append(FestivalWindow(name, day, day - dt.timedelta(days=lead), day + CATCH_UP))
    return tuple(sorted(out, key=lambda w: w.day))


def _festival_cell(window: FestivalWindow, visits: list[dict[str, object]], today: dt.date) -> FestivalCell:
    reminder_kind = f"festival:{window.name}"
    visits = [v for v in visits if str(v["day"]) <= today.isoformat()]  # as the report's day saw them
    for v in visits:  # a visit logged for this festival's reminder of the year, wherever it falls
        if v["reminder_kind"] == reminder_kind and v["reminder_due"] == window.day.isoformat():
            return FestivalCell("done", dt.date.fromisoformat(str(v["day"])), str(v["contact"] or ""))
    for v in visits:  # else any in-person visit inside the window
        day = dt.date.fromisoformat(str(v["day"]))
        if window.opens <= day <= window.closes:
            return FestivalCell("done", day, str(v["contact"] or ""))
    if today < window.opens:
        return FestivalCell("not_yet")
    return FestivalCell("open" if today <= window.closes else "missed")


async def festival_report(storage: Storage, city: str, year: int, today: dt.date) -> FestivalReport:
    """Per family, whether each festival visit of the year was done (date and contact), and
    the totals per township."""
    if dt.date(year, 1, 1) > today:
        raise ReportRefused(f"{year} has not begun")
    windows = festival_windows(city, year)
    by_family: dict[int, list[dict[str, object]]] = defaultdict(list)
    for v in await storage.reports.festival_visits(city, year):
        by_family[int(v["family_id"])].append(v)
    families = []
    totals: dict[str, FestivalTotal] = {}
    total = FestivalTotal(ALL_TOWNSHIPS, 0, [0] * len(windows), [0] * len(windows))
    for f in await storage.reports.families(city):
        cells = tuple(_festival_cell(w, by_family.get(f["id"], []), today) for w in windows)
        families.append(FestivalFamily(f["alias"], f["township"], f["village"], cells))
        row = totals.setdefault(f["township"], FestivalTotal(f["township"], 0, [0] * len(windows),
                                                             [0] * len(windows)))
        for bucket in (row, total):
            bucket.families += 1
            for i, cell in enumerate(cells):
                bucket.done[i] += cell.state == "done"
                bucket.due[i] += cell.state != "not_yet"
    return FestivalReport(city, year, windows, families, [totals[t] for t in sorted(totals)], total)


# --- the monthly report ----------------------------------------------------------------------

@dataclass(frozen=True)
class Basis:
    """One clause the city's schedule rests on, quoted verbatim."""

    number: str | None  # None: the draft without a document number (Jiangyan)
    title: str
    path: str
    quote: str
    draft: bool
    date: str


@dataclass
class MonthlyRow:
    township: str
    families: int = 0
    visits_due: int = 0
    visits_done: int = 0
    visits_logged: int = 0
    calls_due: int = 0
    calls_done: int = 0
    calls_logged: int = 0
    overdue: int = 0
    escalations: int = 0
    urgent_raised: int = 0
    urgent_done: int = 0
    undeliverable: int = 0

    FIGURES = ("families", "visits_due", "visits_done", "visits_logged", "calls_due", "calls_done", "calls_logged",
               "overdue", "escalations", "urgent_raised", "urgent_done", "undeliverable")


@dataclass(frozen=True)
class MonthlyReport:
    city: str
    city_name: str
    year: int
    month: int
    as_of: dt.date  # overdue counted on this day: the day after the month, or today for the current month
    month_over: bool  # False for the current month: "done" then means done by the time of the report
    basis: tuple[Basis, ...]
    note: str | None
    rows: list[MonthlyRow]
    total: MonthlyRow
    generated_at: dt.datetime  # Asia/Shanghai
    generated_by: str


def schedule_basis(city: str) -> tuple[Basis, ...]:
    """The clauses cited by knowledge/schedules/<city>.yaml, with document number and path."""
    clauses = clauses_by_id()
    out = []
    for citation in load_schedule(city).citations:
        clause = clauses[citation.clause]
        doc = get_document(clause.doc)
        out.append(Basis(doc.number, doc.title, clause.path, citation.quote, doc.status == "draft", doc.date_label))
    return tuple(out)


async def monthly_report(storage: Storage, city: str, year: int, month: int, now: dt.datetime,
                         generated_by: str) -> MonthlyReport:
    """The month's figures per township: visits and calls due and done, overdue reminders,
    escalations, urgent visits raised and done, contacts reminders cannot reach."""
    now = now.astimezone(SHANGHAI)
    start, end = month_bounds(year, month)
    if start > now.date():
        raise ReportRefused(f"{year}-{month:02d} has not begun")
    as_of = min(end + dt.timedelta(days=1), now.date())
    cutoff = _utc_text(end + dt.timedelta(days=1)) if as_of > end else now.astimezone(dt.UTC).isoformat(
        timespec="seconds")
    reports = storage.reports
    rows: dict[str, MonthlyRow] = {}

    def row(township: str) -> MonthlyRow:
        return rows.setdefault(township, MonthlyRow(township))

    for township, count in await reports.township_families(city):
        row(township).families += count
    start_utc = _utc_text(start)
    for c in await reports.month_reminders(city, start, end, as_of, start_utc, cutoff):
        r = row(c.township)
        r.calls_due, r.calls_done, r.visits_due, r.visits_done = c.calls_due, c.calls_done, c.visits_due, c.visits_done
        r.overdue, r.escalations, r.undeliverable = c.overdue, c.escalations, c.undeliverable
    for township, is_call, logged in await reports.month_logged(city, start, min(end, now.date())):
        if is_call:
            row(township).calls_logged += logged
        else:
            row(township).visits_logged += logged
    for township, _family, done in await reports.month_urgent(city, start, end, cutoff):
        row(township).urgent_raised += 1
        row(township).urgent_done += done
    ordered = [rows[t] for t in sorted(rows)]
    total = MonthlyRow(ALL_TOWNSHIPS)
    for name in MonthlyRow.FIGURES:
        setattr(total, name, sum(getattr(r, name) for r in ordered))
    schedule = load_schedule(city)
    return MonthlyReport(city, get_document(city).name, year, month, as_of, as_of > end, schedule_basis(city),
                         schedule.note, ordered, total, now, generated_by)
