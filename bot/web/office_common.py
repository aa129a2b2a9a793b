"""What every office console page needs: the database it uses, the signed-in person (a
session cookie checked against the database), a page drawn from its template, the CSRF check
of a posted form, refusals (those of a signed-in person audited), and the city and refusal
wording shared by the pages (`office`, `office_registry`, `office_reports`)."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import hmac
import logging
from collections.abc import AsyncIterator
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from bot.documents.library import LibraryWatcher
from bot.operations.access import may_use_office
from bot.operations.refusals import Refused
from bot.reminders.registry_csv import Problem
from bot.storage import Role, Storage, User
from bot.storage.office_sessions import Session
from bot.web.limits import MAX_BODY_BYTES, BodyTooLarge, read_body
from dialogs import web_copy as w
from knowledge.catalogue import load_catalogue

log = logging.getLogger("lianxin.web")
COOKIE = "lianxin_console"
Signed = tuple[Storage, Session, User]


async def office_storage(request: Request) -> Storage:
    """The registry database, opened on first use (web-only mode never needs it otherwise)."""
    return await state_storage(request.app.state)


async def state_storage(state: Any) -> Storage:
    """The web process's database (opened once), with the cities' own documents installed
    and kept in step with the other processes (checked at most every 10 seconds)."""
    async with state.console_lock:
        if state.console_storage is None:
            # a WeChat or WeCom deployment may start with no database yet: its first message makes it
            channels = state.settings.wechat_enabled() or state.settings.wecom_enabled()
            state.console_storage = await Storage.open(state.settings.database, create=channels)
        storage: Storage = state.console_storage
        if state.library_watcher is None:  # the cities' own documents, kept in step with other processes
            state.library_watcher = LibraryWatcher(storage)
            await state.library_watcher.start()
    await state.library_watcher.refresh()
    return storage


async def opened_storage(state: Any) -> Storage:
    """The process's database for the checks every request makes (`limits.SharedRateLimiter`):
    the open one at once, else opened as `state_storage` does; the opening is shielded, so a
    check that stops waiting does not cut it half-way."""
    storage: Storage | None = state.console_storage
    if storage is not None:
        return storage
    return await asyncio.shield(state_storage(state))


LIBRARY_EVERY = 10.0


async def library_loop(state: Any) -> None:
    """For `python -m bot web` on an existing database: the phone page, the desk and the API
    answer from the documents a city's staff put in, even before anyone opens the console."""
    while True:
        try:
            await state_storage(state)
        except Exception:  # a locked or missing database now: the next round tries again
            log.exception("web: the city documents could not be refreshed")
        await asyncio.sleep(LIBRARY_EVERY)


def page(request: Request, name: str, context: dict[str, Any], status: int = 200) -> Response:
    if name == "import.html":
        context = {**context, "import_help": import_help()}
    response: Response = request.app.state.templates.TemplateResponse(
        request, f"console/{name}", {"w": w, **context}, status_code=status)
    response.headers["Cache-Control"] = "no-store"
    return response


def import_help() -> str:
    """The import page's help: every column by its one Chinese name, with the other headings
    the file may use (the same list as the header's error)."""
    from bot.reminders.registry_csv import CONTACT_COLUMNS, FAMILY_COLUMNS, accepted_headings

    return w.CONSOLE_IMPORT_HELP.format(families=accepted_headings(FAMILY_COLUMNS),
                                        contacts=accepted_headings(CONTACT_COLUMNS))


def refused_page(request: Request, message: str, status: int = 403) -> Response:
    return page(request, "refused.html", {"message": message}, status)


async def signed_in(request: Request) -> tuple[Storage, Session, User] | None:
    token = request.cookies.get(COOKIE)
    if not token:
        return None
    storage = await office_storage(request)
    hours = getattr(request.app.state.settings, "web_console_session_hours", 12)
    session = await storage.office_sessions.session(token, lifetime=dt.timedelta(hours=hours))
    if session is None:
        return None
    user = await storage.users.get(session.user_id)
    if not may_use_office(user):
        return None
    assert user is not None
    return storage, session, user


async def checked_form(request: Request, session: Session) -> dict[str, str] | Response:
    """The posted form if its CSRF token is this session's, else the refusal to answer with:
    403, or 413 for a body over 64 KB (counted as it arrives, so a chunked body without a
    declared length is not read whole either)."""
    try:
        body = await read_body(request, MAX_BODY_BYTES)
        form = await replayed(request, body).form()
    except BodyTooLarge:
        return refused_page(request, w.CONSOLE_FORM_TOO_BIG, 413)
    except HTTPException:  # not a form a browser sends (too many fields, broken encoding)
        return await refused_audited(request, session.user_id, "bad form", w.CONSOLE_FORM_EXPIRED)
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    if not csrf_matches(fields.get("csrf", ""), session):
        return await refused_audited(request, session.user_id, "csrf", w.CONSOLE_FORM_EXPIRED)
    return fields


def csrf_matches(sent: object, session: Session) -> bool:
    """The form's token is this session's: compared as UTF-8 bytes in constant time (a str
    with a non-ASCII character would make `compare_digest` raise, a 500 on every POST)."""
    return isinstance(sent, str) and bool(sent) and hmac.compare_digest(
        sent.encode("utf-8", "surrogatepass"), session.csrf.encode("utf-8"))


async def refused_audited(request: Request, actor: int, why: str, message: str, status: int = 403) -> Response:
    """A refusal of a signed-in person, written to the audit log (who, which address, why and
    the record asked for) as a refused report is: a clerk probing another city's families by
    id leaves a trace."""
    storage = await office_storage(request)
    subject = request.path_params.get("family") or request.path_params.get("contact") or ""
    await storage.audit.record(actor, "console_refused", None,
                               f"{request.method} {request.url.path} {why}{f' #{subject}' if subject else ''}"[:200])
    return refused_page(request, message, status)


def replayed(request: Request, body: bytes) -> Request:
    """The request again with its body already read (and size-checked), for Starlette's form parser."""
    sent = False

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return Request(request.scope, receive)


def chinese(problem: Problem) -> str:
    """A CLI refusal as the Chinese sentence for its code (`registry_csv.chinese_problem`)."""
    from bot.reminders.registry_csv import chinese_problem

    return chinese_problem(problem)


def city_names() -> dict[str, str]:
    return {d.code: d.name for d in load_catalogue()}


def refusal_text(exc: Refused) -> str:
    """An operation's refusal as the Chinese sentence for its code."""
    return chinese(exc.problem)


def city_of(user: User) -> str | None:
    """None: every city (admins); "": none (staff without a city see nothing)."""
    return None if user.role == Role.ADMIN else (user.jurisdiction or "")


def init_state(app_state: Any, settings: Any, storage: Storage | None) -> None:
    app_state.settings = settings
    app_state.console_storage = storage
    app_state.console_owns_storage = storage is None
    app_state.console_lock = asyncio.Lock()
    app_state.library_watcher = None
    app_state.backup_lock = asyncio.Lock()  # 立即备份 pressed twice: one backup after the other


@contextlib.asynccontextmanager
async def lifespan(app: Any) -> AsyncIterator[None]:
    """Closes the database the console opened itself (its worker thread would keep the
    process from exiting on SIGTERM)."""
    yield
    wechat = getattr(app.state, "wechat", None)
    if wechat is not None:
        await wechat.close()
    await close_storage(app.state)


async def close_storage(app_state: Any) -> None:
    """Closes the database the console opened itself, if any (a passed-in one is the caller's)."""
    if app_state.console_owns_storage and app_state.console_storage is not None:
        storage = app_state.console_storage
        app_state.console_storage = None
        await storage.close()
