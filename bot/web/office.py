"""The office console: the office's browser pages for the care registry (for hotline staff
and admins; not the terminal chat, `bot.console`). Sign-in by one-time link, sessions kept
in the database (`bot.storage.office_sessions`), a CSRF token on every form, and the family list
scoped to the signed-in person's role (admins see every city, staff only their own; each
list shown is audited). This module has the sign-in, family, contact, import, overdue and
urgent pages and assembles every route; `office_registry` creates and edits, `office_reports`
shows the inspection reports; what all three need is in `office_common`.

No family data ever goes into a URL or a log: searches are POSTed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from bot.ids import parse_id
from bot.operations.refusals import Refused
from bot.storage import Role, Storage, User
from bot.storage.office_sessions import Session
from bot.storage.records import ReminderStatus
from bot.web import office_documents, office_registry, office_reports
from bot.web.limits import MAX_UPLOAD_BYTES, BodyTooLarge, read_body
from bot.web.office_common import (
    COOKIE,
    checked_form,
    chinese,
    city_names,
    city_of,
    csrf_matches,
    office_storage,
    page,
    refusal_text,
    refused_audited,
    refused_page,
    replayed,
    signed_in,
)
from dialogs import web_copy as w

MAX_SEARCH = 50
PREVIEW_ROWS = 20  # rows shown before 确认导入 (the count says how many there are)


def cookie_would_be_dropped(request: Request) -> bool:
    """The session cookie is Secure, and this request came over plain http from an address
    that is not this machine: the browser would silently drop the cookie, so signing in would
    use up the link and show only "请先登录". Behind the shipped nginx the scheme is in
    X-Forwarded-Proto; a browser keeps Secure cookies for localhost even over http."""
    from bot.operations.access import is_local_host

    if not request.app.state.settings.web_console_secure_cookie:
        return False
    forwarded = request.headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
    if request.url.scheme == "https" or forwarded == "https":
        return False
    return not is_local_host(request.url.hostname or "")


async def link_page(request: Request) -> Response:
    """Opening the link shows one 登录 button; only pressing it (a POST) signs in. A chat app's
    link preview or a mail scanner fetches the link with GET and would otherwise use it up
    before the person opens it."""
    storage = await office_storage(request)
    if cookie_would_be_dropped(request):
        return refused_page(request, w.CONSOLE_NEEDS_HTTPS, 400)
    if not await storage.office_sessions.link_usable(request.path_params["token"]):
        return refused_page(request, w.CONSOLE_LINK_REFUSED)
    response = page(request, "link.html", {"action": request.url.path})
    # the token is in this page's address: never sent to another site (no-referrer would make
    # the browser post `Origin: null`, which the sign-in refuses)
    response.headers["Referrer-Policy"] = "same-origin"
    return response


def _same_site_post(request: Request) -> bool:
    """A browser says where a form came from (Origin); a sign-in posted from another site is
    refused (login CSRF). No Origin at all (older clients, curl) is allowed: the link's own
    secret token is what authorises the sign-in."""
    from urllib.parse import urlparse

    origin = request.headers.get("origin")
    return origin is None or urlparse(origin).netloc == request.headers.get("host", "")


async def redeem(request: Request) -> Response:
    """Pressing 登录 signs in once; a used, expired or unknown link is refused."""
    storage = await office_storage(request)
    if not _same_site_post(request):
        return refused_page(request, w.CONSOLE_FORM_EXPIRED)
    if cookie_would_be_dropped(request):  # the link stays usable for the https address
        return refused_page(request, w.CONSOLE_NEEDS_HTTPS, 400)
    session_token = await storage.office_sessions.redeem_link(request.path_params["token"])
    if session_token is None:
        return refused_page(request, w.CONSOLE_LINK_REFUSED)
    response = RedirectResponse("/console", status_code=303)
    # no Max-Age: the browser would drop the cookie 30 minutes after sign-in however busy the
    # clerk is; the server ends a session after 30 minutes without a page (SESSION_IDLE), and sign-out at once
    response.set_cookie(COOKIE, session_token, path="/console",
                        secure=request.app.state.settings.web_console_secure_cookie, httponly=True,
                        samesite="strict")
    return response


async def _families_page(request: Request, signed: tuple[Storage, Session, User], text: str = "") -> Response:
    storage, session, user = signed
    city = city_of(user)
    names = city_names()  # the city by its name, never its code (kaifeng)
    families = [{**f, "jurisdiction": names.get(f["jurisdiction"], f["jurisdiction"])}
                for f in (await storage.registry.search_families(city, text) if city != "" else [])]
    await storage.audit.record(user.user_id, "console_list_families", None, f"{len(families)} shown")
    return page(request, "families.html", {"families": families, "csrf": session.csrf, "text": text,
                                            "role": user.role.value, "no_city": city == ""})


async def families(request: Request) -> Response:
    signed = await signed_in(request)
    if signed is None:
        return refused_page(request, w.CONSOLE_SIGN_IN_FIRST, 401)
    return await _families_page(request, signed)


async def search(request: Request) -> Response:
    signed = await signed_in(request)
    if signed is None:
        return refused_page(request, w.CONSOLE_SIGN_IN_FIRST, 401)
    form = await checked_form(request, signed[1])
    if isinstance(form, Response):
        return form
    return await _families_page(request, signed, form.get("q", "").strip()[:MAX_SEARCH])


async def sign_out(request: Request) -> Response:
    signed = await signed_in(request)
    if signed is None:
        return refused_page(request, w.CONSOLE_SIGN_IN_FIRST, 401)
    refused = await checked_form(request, signed[1])
    if isinstance(refused, Response):
        return refused
    await signed[0].office_sessions.end_session(request.cookies[COOKIE])
    response = page(request, "refused.html", {"message": w.CONSOLE_SIGNED_OUT})
    response.delete_cookie(COOKIE, path="/console")
    return response


async def import_page(request: Request) -> Response:
    signed = await signed_in(request)
    if signed is None:
        return refused_page(request, w.CONSOLE_SIGN_IN_FIRST, 401)
    if signed[2].role != Role.ADMIN:
        return await refused_audited(request, signed[2].user_id, "not admin", w.CONSOLE_ADMIN_ONLY)
    return page(request, "import.html", {"csrf": signed[1].csrf})


async def import_upload(request: Request) -> Response:
    """An uploaded families or contacts CSV, through the CLI's parser and import: every bad
    row is listed with its line number and nothing is imported from a file with one."""
    from bot.operations.imports import decoded_csv, import_contacts_csv, import_families_csv, previewed_csv
    from bot.reminders.registry_csv import CsvProblems

    signed = await signed_in(request)
    if signed is None:
        return refused_page(request, w.CONSOLE_SIGN_IN_FIRST, 401)
    storage, session, user = signed
    if user.role != Role.ADMIN:
        return await refused_audited(request, user.user_id, "not admin", w.CONSOLE_ADMIN_ONLY)
    context: dict[str, Any] = {"csrf": session.csrf}
    try:  # counted as it arrives (a city's registry may be megabytes; an endless body is cut off)
        body = await read_body(request, MAX_UPLOAD_BYTES)
    except BodyTooLarge:
        too_big = w.CONSOLE_UPLOAD_TOO_BIG.format(limit=f"{MAX_UPLOAD_BYTES // (1024 * 1024)} MB")
        return page(request, "import.html", {**context, "problems": [too_big]}, 413)
    try:
        form = await replayed(request, body).form(max_files=1, max_fields=10, max_part_size=MAX_UPLOAD_BYTES)
    except HTTPException:  # not a form a browser sends: broken multipart, too many parts
        return page(request, "import.html", {**context, "problems": [w.CONSOLE_IMPORT_CHOOSE]}, 400)
    if not csrf_matches(form.get("csrf", ""), session):
        return await refused_audited(request, user.user_id, "csrf", w.CONSOLE_FORM_EXPIRED)
    kind = str(form.get("kind", ""))
    upload = form.get("file")
    confirmed = form.get("confirmed")  # the checked text from the preview page, sent back
    if kind not in ("families", "contacts") or (
            isinstance(confirmed, str) is False and (upload is None or isinstance(upload, str))):
        return page(request, "import.html", {**context, "problems": [w.CONSOLE_IMPORT_CHOOSE]}, 400)
    if isinstance(confirmed, str):
        text: str | None = confirmed
    else:
        assert upload is not None and not isinstance(upload, str)
        data = await upload.read()
        if looks_binary(data):
            return page(request, "import.html", {**context, "problems": [w.CONSOLE_UPLOAD_NOT_CSV]}, 400)
        text = decoded_csv(data)
    if text is None:
        return page(request, "import.html", {**context, "problems": [w.CONSOLE_IMPORT_NOT_UTF8]}, 400)
    try:
        if not isinstance(confirmed, str):  # first the preview: what would be imported, nothing written
            rows = await previewed_csv(storage, kind, text)
            return page(request, "import.html", {**context, **_preview(kind, rows), "text": text})
        # the text is checked again: the registry may have changed since the preview
        count = (await import_families_csv(storage, text) if kind == "families"
                 else (await import_contacts_csv(storage, text))[0])
    except CsvProblems as exc:
        return page(request, "import.html", {**context, "problems": [chinese(p) for p in exc.items]}, 400)
    await storage.audit.record(user.user_id, f"console_import_{kind}", None, f"{count} rows")
    done = (w.CONSOLE_IMPORTED_FAMILIES if kind == "families" else w.CONSOLE_IMPORTED_CONTACTS).format(count=count)
    return page(request, "import.html", {**context, "done": done})


def _preview(kind: str, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The first rows of a checked file in words (city and role names, not codes)."""
    from bot.reminders import templates as rt

    columns = ("alias", "jurisdiction", "township", "village") if kind == "families" else (
        "name", "role", "township", "telegram_id")
    words = {"jurisdiction": city_names(), "role": rt.CONTACT_ROLE_NAMES}
    shown = [[words.get(c, {}).get(str(r.get(c)), "" if r.get(c) is None else str(r.get(c))) for c in columns]
             for r in rows[:PREVIEW_ROWS]]
    said = w.CONSOLE_PREVIEW_FAMILIES if kind == "families" else w.CONSOLE_PREVIEW_CONTACTS
    return {"kind": kind, "preview": shown, "headings": [w.CONSOLE_FIELD_NAMES[c] for c in columns],
            "preview_said": said.format(count=len(rows), shown=len(shown))}


async def export_visits(request: Request) -> Response:
    """The visit log as CSV with the CLI's neutralised cells; staff get their own city's only."""
    from io import StringIO

    from bot.operations.maintenance import visit_export_rows, write_visits_csv

    signed = await signed_in(request)
    if signed is None:
        return refused_page(request, w.CONSOLE_SIGN_IN_FIRST, 401)
    storage, _, user = signed
    if user.role != Role.ADMIN and not user.jurisdiction:
        return await refused_audited(request, user.user_id, "no city", w.CONSOLE_NO_CITY)
    rows = await visit_export_rows(storage, None if user.role == Role.ADMIN else user.jurisdiction)
    await storage.audit.record(user.user_id, "console_export_visits", None, f"{len(rows)} visits")
    out = StringIO()
    out.write("\ufeff")  # Excel opens UTF-8 Chinese correctly only with the BOM
    write_visits_csv(out, rows, chinese=True)
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="visits.csv"', "Cache-Control": "no-store"})


BINARY_STARTS = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8")


def looks_binary(data: bytes) -> bool:
    """An Excel workbook (xlsx is a zip, xls an OLE file), a PDF or a picture chosen by mistake:
    said as such, rather than as a wrong text encoding."""
    return data.startswith(BINARY_STARTS) or b"\x00" in data[:4096]


async def overdue(request: Request) -> Response:
    """Overdue reminders at a glance: how many per township and per contact, and apart from
    them those Telegram could not deliver (someone must phone those contacts)."""
    from collections import Counter

    from bot.reminders import templates as t
    from bot.reminders.planner import SHANGHAI

    signed = await signed_in(request)
    if signed is None:
        return refused_page(request, w.CONSOLE_SIGN_IN_FIRST, 401)
    storage, session, user = signed
    city = city_of(user)
    families = {f["id"]: f for f in await storage.registry.search_families(city)} if city != "" else {}
    today = dt.datetime.now(SHANGHAI).date()
    late = [r for r in await storage.reminders.overdue(today) if r.family_id in families]
    await storage.audit.record(user.user_id, "console_overdue", None, f"{len(late)} shown")
    rows = [{"due": r.due_date.isoformat(), "kind": t.KIND_NAMES.get(r.kind, r.kind), "alias": r.alias,
             "family_id": r.family_id, "contact": r.contact_name,
             "township": families[r.family_id]["township"] or "—",
             "state": w.CONSOLE_STATE_NAMES.get(r.status.value, r.status.value)} for r in late if not r.undeliverable]
    stuck = [{"due": r.due_date.isoformat(), "kind": t.KIND_NAMES.get(r.kind, r.kind), "alias": r.alias,
              "contact": r.contact_name} for r in late if r.undeliverable]
    return page(request, "overdue.html", {
        "csrf": session.csrf, "today": today.isoformat(), "rows": rows, "undeliverable": stuck,
        "escalated": sum(1 for r in late if r.status == ReminderStatus.ESCALATED and not r.undeliverable),
        "by_township": sorted(Counter(r["township"] for r in rows).items(), key=lambda kv: -kv[1]),
        "by_contact": sorted(Counter(r["contact"] for r in rows).items(), key=lambda kv: -kv[1])})


async def urgent(request: Request) -> Response:
    """The urgent-visit button (accident, serious illness): first a page saying what will be
    sent to whom (each contact by name and role, and whether it reaches them); only its 确认
    reminds every contact of the family at once, as `python -m bot admin urgent`. Staff only
    for their own city. A confirmation posted again is not a second alarm (one urgent reminder
    per contact and day), and one from an earlier day is refused."""
    from bot.reminders.planner import SHANGHAI

    signed = await signed_in(request)
    if signed is None:
        return refused_page(request, w.CONSOLE_SIGN_IN_FIRST, 401)
    storage, session, user = signed
    form = await checked_form(request, session)
    if isinstance(form, Response):
        return form
    family_id = parse_id(form.get("family", ""))
    city = city_of(user)
    visible = {f["id"]: f for f in await storage.registry.search_families(city)} if city != "" else {}
    if family_id is None or family_id not in visible:
        return await refused_audited(request, user.user_id, f"urgent not visible #{form.get('family', '')[:20]}",
                                     w.CONSOLE_NO_SUCH_FAMILY, 404)
    today = dt.datetime.now(SHANGHAI).date()
    if form.get("confirm") != "yes":
        await storage.audit.record(user.user_id, "console_urgent_asked", None, f"family {family_id}")
        return await _urgent_confirm_page(request, storage, session, visible[family_id], today)
    if form.get("day") != today.isoformat():
        return page(request, "refused.html", {"message": w.CONSOLE_URGENT_STALE}, 409)
    created = await storage.reminders.raise_urgent(family_id, dt.datetime.now(SHANGHAI))
    await storage.audit.record(user.user_id, "console_urgent", None, f"family {family_id}: {created} reminded")
    if created:
        return page(request, "refused.html", {"message": w.CONSOLE_URGENT_DONE.format(count=created)})
    if await storage.registry.assignments(family_id):  # one urgent reminder per contact and day
        return page(request, "refused.html", {"message": w.CONSOLE_URGENT_ALREADY})
    return page(request, "refused.html", {"message": w.CONSOLE_URGENT_NOBODY}, 409)


async def _urgent_confirm_page(request: Request, storage: Storage, session: Session, family: dict[str, Any],
                               today: dt.date) -> Response:
    """Who would be reminded (name, role, whether it reaches them) and the words they get."""
    import re

    from bot.reminders import templates as t

    assigned = [a.contact_id for a in await storage.registry.assignments(family["id"])]
    if not assigned:
        return page(request, "refused.html", {"message": w.CONSOLE_URGENT_NOBODY}, 409)
    contacts = {c["id"]: c for c in await storage.registry.list_contacts()}
    who = [{"who": w.CONSOLE_URGENT_WHO.format(name=contacts[c]["name"],
                                               role=w.CONSOLE_ROLE_NAMES.get(contacts[c]["role"], contacts[c]["role"])),
            "reach": w.CONSOLE_URGENT_REACH[reach_state(contacts[c])]} for c in assigned if c in contacts]
    text = re.sub(r"<[^>]+>|\n", " ", t.REMINDER.format(kind=t.KIND_NAMES["urgent"], alias=family["alias"],
                                                        due=today.isoformat()))
    said = w.CONSOLE_URGENT_CONFIRM_SAID.format(alias=family["alias"],
                                               city=city_names().get(family["jurisdiction"], ""),
                                               township=family["township"], village=family["village"])
    return page(request, "urgent_confirm.html", {
        "csrf": session.csrf, "family": family, "said": said, "who": who, "day": today.isoformat(),
        "message_text": w.CONSOLE_URGENT_MESSAGE.format(text=" ".join(text.split()))})


async def family_page(request: Request) -> Response:
    """A family's page: its contacts and its timeline of visits and reminders. Staff only for
    their own city; every read audited with which family was read."""
    from bot.reminders import templates as t

    signed = await signed_in(request)
    if signed is None:
        return refused_page(request, w.CONSOLE_SIGN_IN_FIRST, 401)
    storage, session, user = signed
    family_id = parse_id(request.path_params["family"])
    city = city_of(user)
    visible = {f["id"]: f for f in await storage.registry.search_families(city)} if city != "" else {}
    if family_id is None or family_id not in visible:
        return await refused_audited(request, user.user_id, "not visible", w.CONSOLE_NO_SUCH_FAMILY, 404)
    family = visible[family_id]
    await storage.audit.record(user.user_id, "read_care_family", None, f"{family['jurisdiction']} #{family_id}")
    now = dt.datetime.now(dt.UTC)
    timeline = [{**e, "kind": t.KIND_NAMES.get(e["kind"], e["kind"]), "state": timeline_state(e, now)}
                for e in await storage.registry.family_timeline(family_id)]
    contacts = [a.contact_id for a in await storage.registry.assignments(family_id)]
    names = {c["id"]: c for c in await storage.registry.list_contacts()}
    return page(request, "family.html", {"csrf": session.csrf, "family": family, "timeline": timeline,
                                          "contacts": [names[c] for c in contacts if c in names],
                                          "role": user.role.value})


def timeline_state(entry: dict[str, Any], now: dt.datetime) -> str:
    """A visit's outcome or a reminder's state as the office reads it (never a code like `sent`).
    A reminder waiting again after it went out (the contact pressed 推迟, or it is queued to
    be sent again) says so, with the day it comes back: it is not "还没发出"."""
    from bot.reminders import templates as t
    from bot.reminders.planner import SHANGHAI

    if entry["what"] == "visit":
        return t.OUTCOMES.get(entry["state"], entry["state"])
    if entry["state"] == "pending" and entry.get("sent_at"):
        again = dt.datetime.fromisoformat(str(entry["send_after"]))
        again = again if again.tzinfo else again.replace(tzinfo=SHANGHAI)
        if entry.get("postponed") and again > now:
            return w.CONSOLE_STATE_POSTPONED.format(day=again.astimezone(SHANGHAI).date().isoformat())
        return w.CONSOLE_STATE_RESENDING
    return w.CONSOLE_STATE_NAMES.get(entry["state"], entry["state"])


async def contacts_page(request: Request) -> Response:
    """Admins: the contacts, and forms to assign one to a family, mark one as left and set a
    supervisor (the operations layer's checks, `bot.operations.registry`)."""
    signed = await signed_in(request)
    if signed is None:
        return refused_page(request, w.CONSOLE_SIGN_IN_FIRST, 401)
    if signed[2].role != Role.ADMIN:
        return await refused_audited(request, signed[2].user_id, "not admin", w.CONSOLE_ADMIN_ONLY)
    return await _contacts(request, signed)


async def _contacts(request: Request, signed: tuple[Storage, Session, User], message: str = "",
                    status: int = 200, text: str = "") -> Response:
    from bot.reminders.coverage import gaps

    storage, session, _ = signed
    everyone = await storage.registry.list_contacts()
    lacking = [{"alias": g.alias, "id": g.family_id, "city": city_names().get(g.jurisdiction, g.jurisdiction),
                "missing": role_names(g.missing)} for g in await gaps(storage)]
    shown = await storage.registry.search_contacts(text) if text else everyone
    rows = [{**c, "reach": reach_state(c), "channel": channel_of(c)} for c in shown]
    unreachable = sum(1 for c in everyone if reach_state(c) not in ("reachable", "wecom", "left"))
    return page(request, "contacts.html", {"csrf": session.csrf, "contacts": rows, "all_contacts": everyone,
                                            "families": await storage.registry.search_families(None),
                                            "message": message, "text": text, "unreachable": unreachable,
                                            "gaps": lacking}, status)


def role_names(roles: tuple[str, ...]) -> str:
    return "、".join(w.CONSOLE_ROLE_ANY if r == "any" else w.CONSOLE_ROLE_NAMES.get(r, r) for r in roles)


def channel_of(contact: dict[str, Any]) -> str:
    """Which way this contact's reminders go: WeCom when bound, else Telegram, else none."""
    return "wecom" if contact.get("wecom_user_id") else "telegram" if contact["telegram_id"] is not None else "none"


def reach_state(contact: dict[str, Any]) -> str:
    """Whether a reminder reaches this contact, as `python -m bot admin contacts` says it."""
    if not contact["active"]:
        return "left"
    if contact.get("wecom_user_id"):
        return "wecom_blocked" if contact["blocked"] else "wecom"
    if contact["telegram_id"] is None:
        return "no_telegram"
    if contact["blocked"]:
        return "blocked"
    return "reachable" if contact["opened"] else "not_opened"


async def contacts_search(request: Request) -> Response:
    """The contacts whose name or township contains the text (POSTed: no names in URLs)."""
    signed = await signed_in(request)
    if signed is None:
        return refused_page(request, w.CONSOLE_SIGN_IN_FIRST, 401)
    if signed[2].role != Role.ADMIN:
        return await refused_audited(request, signed[2].user_id, "not admin", w.CONSOLE_ADMIN_ONLY)
    form = await checked_form(request, signed[1])
    if isinstance(form, Response):
        return form
    return await _contacts(request, signed, text=form.get("q", "").strip()[:MAX_SEARCH])


async def contact_action(request: Request) -> Response:
    """POST assign / left / supervisor: one change, the CLI's one-line refusal shown as is."""
    from bot.operations.registry import checked_assign, checked_contact_left, checked_supervisor, checked_unassign
    from bot.reminders.planner import SHANGHAI

    signed = await signed_in(request)
    if signed is None:
        return refused_page(request, w.CONSOLE_SIGN_IN_FIRST, 401)
    storage, session, user = signed
    if user.role != Role.ADMIN:
        return await refused_audited(request, user.user_id, "not admin", w.CONSOLE_ADMIN_ONLY)
    form = await checked_form(request, session)
    if isinstance(form, Response):
        return form
    action = request.path_params["action"]
    contact = parse_id(form.get("contact", ""))
    other = parse_id(form.get("family", "") if action in ("assign", "unassign") else form.get("supervisor", ""))
    if contact is None or (action != "left" and other is None):
        return await _contacts(request, signed, w.CONSOLE_CHOOSE_BOTH, 400)
    today = dt.datetime.now(SHANGHAI).date()
    message = w.CONSOLE_SAVED
    try:
        if action == "assign" and other is not None:
            outcome = await checked_assign(storage, other, contact, today, today)
            if outcome.missing:  # as the CLI's warning: some of the schedule's reminders go to nobody
                message += w.CONSOLE_STILL_MISSING.format(roles=role_names(outcome.missing))
        elif action == "unassign" and other is not None:
            cancelled = await checked_unassign(storage, other, contact)
            message = w.CONSOLE_UNASSIGNED.format(count=cancelled)
        elif action == "left":
            await checked_contact_left(storage, contact)
        elif action == "supervisor" and other is not None:
            await checked_supervisor(storage, contact, other)
        else:
            return await refused_audited(request, user.user_id, "unknown action", w.CONSOLE_NO_SUCH_FAMILY, 404)
    except Refused as exc:
        return await _contacts(request, signed, refusal_text(exc), 400)
    await storage.audit.record(user.user_id, f"console_{action}", None,
                               f"contact {contact}" + (f" family {other}" if action in ("assign", "unassign") else ""))
    return await _contacts(request, signed, message)


# the page each POST-only address's form is on: after a search or a button the address bar
# shows the POST's address, and pressing Enter there (a GET) leads back to the page, changing nothing
FORM_PAGES = {"/console/search": "/console", "/console/urgent": "/console", "/console/forget": "/console",
              "/console/signout": "/console", "/console/backup": "/console/maintenance",
              "/console/retention": "/console/maintenance", "/console/contacts/{action}": "/console/contacts"}


def _back_to_form_page(target: str) -> Any:
    async def back(request: Request) -> Response:
        return RedirectResponse(target, status_code=303)
    return back


def office_routes() -> list[BaseRoute]:
    """Every route of the office console (the registry's and the reports' first)."""
    return [
        *office_registry.registry_routes(),
        *office_reports.report_routes(),
        *office_documents.document_routes(),
        *(Route(path, _back_to_form_page(target), methods=["GET"]) for path, target in FORM_PAGES.items()),
        Route("/console/contacts/search", contacts_search, methods=["POST"]),
        Route("/console/contacts", contacts_page, methods=["GET"]),
        Route("/console/contacts/{action}", contact_action, methods=["POST"]),
        Route("/console/family/{family}", family_page, methods=["GET"]),
        Route("/console/overdue", overdue, methods=["GET"]),
        Route("/console/urgent", urgent, methods=["POST"]),
        Route("/console/import", import_page, methods=["GET"]),
        Route("/console/import", import_upload, methods=["POST"]),
        Route("/console/visits.csv", export_visits, methods=["GET"]),
        Route("/console", families, methods=["GET"]),
        Route("/console/search", search, methods=["POST"]),
        Route("/console/signout", sign_out, methods=["POST"]),
        Route("/console/link/{token}", link_page, methods=["GET"]),
        Route("/console/link/{token}", redeem, methods=["POST"]),
    ]


