"""The console's inspection reports: visits per quarter, festival visits per family and the
printable monthly report (figures from `bot.reminders.reports`, shared with
`python -m bot admin report`).

Choices travel as query parameters that hold no family data (city code, year, quarter,
month). Staff get their own city only: asking for another one, even by editing the address,
is refused. Every report shown is audited with who, which report, which city and period."""

from __future__ import annotations

import datetime as dt
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from bot.reminders import reports as rp
from bot.reminders.planner import SHANGHAI
from bot.storage import Role, Storage, User
from bot.storage.office_sessions import Session
from bot.web.office_common import page, refused_audited, refused_page, signed_in
from dialogs import web_copy as w
from knowledge.catalogue import UnknownJurisdiction, load_catalogue, resolve_jurisdiction

REPORTS = "/console/reports"


class _Refusal(Exception):
    """A choice the page cannot show: the message and HTTP status for the answer."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def now() -> dt.datetime:
    """The report's clock (Asia/Shanghai); tests set it to a fixed moment."""
    return dt.datetime.now(SHANGHAI)


def _cities() -> list[tuple[str, str]]:
    return [(d.code, d.name) for d in load_catalogue()]


def _city_name(code: str) -> str:
    return dict(_cities()).get(code, code)


def _chosen_city(request: Request, user: User) -> str | None:
    """The city the report is about: staff always their own (another one asked for is refused),
    admins the one chosen (None until they choose)."""
    asked = request.query_params.get("city", "").strip()
    code = None
    if asked:
        try:
            code = resolve_jurisdiction(asked)
        except UnknownJurisdiction:
            raise _Refusal(w.REPORT_BAD_CITY) from None
    if user.role == Role.ADMIN:
        return code
    if not user.jurisdiction:
        raise _Refusal(w.CONSOLE_NO_CITY, 403)
    if code is not None and code != user.jurisdiction:
        raise _Refusal(w.REPORT_NOT_YOUR_CITY.format(city=_city_name(user.jurisdiction)), 403)
    return user.jurisdiction


def _year(request: Request, today: dt.date) -> int:
    text = request.query_params.get("year", "").strip() or str(today.year)
    if not (text.isascii() and text.isdigit() and len(text) == 4 and 2000 <= int(text) <= 2100):
        raise _Refusal(w.REPORT_BAD_YEAR)
    return int(text)


def _quarter(request: Request, year: int, today: dt.date) -> int:
    text = request.query_params.get("quarter", "").strip()
    if not text:
        return (today.month + 2) // 3 if year == today.year else 4
    if text not in ("1", "2", "3", "4"):
        raise _Refusal(w.REPORT_BAD_QUARTER)
    return int(text)


def _month(request: Request, today: dt.date) -> tuple[int, int]:
    text = request.query_params.get("month", "").strip() or f"{today.year:04d}-{today.month:02d}"
    try:
        return rp.parse_month(text)
    except rp.ReportRefused:
        raise _Refusal(w.REPORT_BAD_MONTH) from None


def _township(name: str) -> str:
    return w.REPORT_NO_TOWNSHIP if name == "" else w.REPORT_TOTAL if name == rp.ALL_TOWNSHIPS else name


def _by(user: User) -> str:
    return w.REPORT_BY_USER.format(user=user.user_id, role=w.REPORT_ROLES.get(user.role.value, user.role.value))


def _context(request: Request, session: Session, user: User, city: str | None, **choices: Any) -> dict[str, Any]:
    return {"csrf": session.csrf, "city": city, "city_name": _city_name(city) if city else "",
            "cities": _cities() if user.role == Role.ADMIN else [], "tw": _township, **choices}


async def index(request: Request) -> Response:
    signed = await signed_in(request)
    if signed is None:
        return refused_page(request, w.CONSOLE_SIGN_IN_FIRST, 401)
    _storage, session, user = signed
    today = now().date()
    city = user.jurisdiction if user.role != Role.ADMIN else None
    if user.role != Role.ADMIN and not city:
        return await refused_audited(request, user.user_id, "no city", w.CONSOLE_NO_CITY)
    return page(request, "reports.html", _context(request, session, user, city, year=today.year,
                                                   quarter=(today.month + 2) // 3,
                                                   month=f"{today.year:04d}-{today.month:02d}"))


async def _report(request: Request, template: str, build: Any) -> Response:
    """Signed in, choices read and checked, figures built, the read audited, the page shown."""
    signed = await signed_in(request)
    if signed is None:
        return refused_page(request, w.CONSOLE_SIGN_IN_FIRST, 401)
    storage, session, user = signed
    try:
        city = _chosen_city(request, user)
        choices, action, period, figures = await build(request, storage, user, city, now())
    except _Refusal as exc:
        if exc.status == 403:  # someone asked for a city not theirs: worth a line in the audit log
            asked = request.query_params.get("city", "")[:20]
            await storage.audit.record(user.user_id, "console_report_refused", None, f"{template} city={asked}")
        return page(request, "report_refused.html", {"message": exc.message}, exc.status)
    except rp.ReportRefused:
        return page(request, "report_refused.html", {"message": w.REPORT_NOT_BEGUN}, 400)
    context = _context(request, session, user, city, **choices)
    if city is None:
        return page(request, template, {**context, "need_city": True})
    await storage.audit.record(user.user_id, action, None, f"{city} {period}")
    return page(request, template, {**context, **figures})


async def _quarter_figures(request: Request, storage: Storage, user: User, city: str | None,
                           moment: dt.datetime) -> tuple[dict[str, Any], str, str, dict[str, Any]]:
    year = _year(request, moment.date())
    quarter = _quarter(request, year, moment.date())
    choices = {"year": year, "quarter": quarter}
    if city is None:
        return choices, "", "", {}
    report = await rp.quarter_report(storage, city, year, quarter, moment.date())
    return choices, "console_report_quarter", f"{year} Q{quarter}", {"report": report}


async def _festival_figures(request: Request, storage: Storage, user: User, city: str | None,
                            moment: dt.datetime) -> tuple[dict[str, Any], str, str, dict[str, Any]]:
    year = _year(request, moment.date())
    choices = {"year": year}
    if city is None:
        return choices, "", "", {}
    report = await rp.festival_report(storage, city, year, moment.date())
    lead = max((f.lead_days for f in rp.load_schedule(city).festivals), default=0)
    return choices, "console_report_festivals", str(year), {"report": report, "lead": lead}


async def _monthly_figures(request: Request, storage: Storage, user: User, city: str | None,
                           moment: dt.datetime) -> tuple[dict[str, Any], str, str, dict[str, Any]]:
    year, month = _month(request, moment.date())
    choices = {"month": f"{year:04d}-{month:02d}"}
    if city is None:
        return choices, "", "", {}
    report = await rp.monthly_report(storage, city, year, month, moment, _by(user))
    return choices, "console_report_monthly", f"{year:04d}-{month:02d}", {"report": report}


async def quarter(request: Request) -> Response:
    return await _report(request, "report_quarter.html", _quarter_figures)


async def festivals(request: Request) -> Response:
    return await _report(request, "report_festival.html", _festival_figures)


async def monthly(request: Request) -> Response:
    return await _report(request, "report_monthly.html", _monthly_figures)


def report_routes() -> list[BaseRoute]:
    return [
        Route(REPORTS, index, methods=["GET"]),
        Route(f"{REPORTS}/quarter", quarter, methods=["GET"]),
        Route(f"{REPORTS}/festivals", festivals, methods=["GET"]),
        Route(f"{REPORTS}/monthly", monthly, methods=["GET"]),
    ]
