"""The office console's registry changes beyond assigning: create and edit families and
contacts, forget a family, back up the database and apply the retention settings.

Admins only, every form CSRF-checked and every change audited. Each change goes through the
operation the CLI uses (`bot.operations`: `registry.checked_*`, `maintenance.backup_to`,
`maintenance.apply_retention`), so a family typed into the form is checked exactly as a row of
the families CSV is."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from bot.ids import parse_id
from bot.operations.refusals import EditConflict, Refused
from bot.reminders.registry_csv import CsvProblems
from bot.storage import Role, Storage
from bot.storage.office_sessions import Session
from bot.web.office_common import (
    Signed,
    checked_form,
    chinese,
    page,
    refusal_text,
    refused_audited,
    refused_page,
    signed_in,
)
from dialogs import web_copy as w
from knowledge.catalogue import load_catalogue

FAMILY_CELLS = ("alias", "jurisdiction", "township", "village", "contact_note", "old_sick", "lives_alone",
                "telegram_id")
CONTACT_CELLS = ("name", "role", "township", "telegram_id", "wecom_user_id")


async def _admin(request: Request) -> Signed | Response:
    """The signed-in admin, or the refusal to answer with (not signed in, or staff)."""
    signed = await signed_in(request)
    if signed is None:
        return refused_page(request, w.CONSOLE_SIGN_IN_FIRST, 401)
    if signed[2].role != Role.ADMIN:  # staff opening an edit form or deleting: refused, and audited
        return await refused_audited(request, signed[2].user_id, "not admin", w.CONSOLE_ADMIN_ONLY)
    return signed


async def _admin_form(request: Request) -> tuple[Signed, dict[str, str]] | Response:
    signed = await _admin(request)
    if isinstance(signed, Response):
        return signed
    form = await checked_form(request, signed[1])
    return form if isinstance(form, Response) else (signed, form)


def _cities() -> list[tuple[str, str]]:
    return [(d.code, d.name) for d in load_catalogue()]


def _as_cells(record: dict[str, Any], names: tuple[str, ...]) -> dict[str, str]:
    """A stored family or contact as the form's text cells (flags as "1" or "")."""
    cells = {n: "" if record.get(n) is None else str(record[n]) for n in names}
    for flag in ("old_sick", "lives_alone"):
        if flag in cells:
            cells[flag] = "1" if record.get(flag) else ""
    return cells


def _family_form(request: Request, session: Session, cells: dict[str, str], family_id: int | None,
                 problems: list[str] | None = None, status: int = 200, version: int | None = None) -> Response:
    """The family form; `version` is the stored version the edit started from, posted back so a
    save over someone else's newer one is noticed."""
    return page(request, "family_form.html", {"csrf": session.csrf, "cells": cells, "family_id": family_id,
                                               "cities": _cities(), "problems": problems or [],
                                               "version": version}, status)


def _conflict_page(request: Request, session: Session, family_id: int, mine: dict[str, str],
                   current: dict[str, Any]) -> Response:
    """Both versions side by side, the differing rows marked; 用我填的覆盖 posts the admin's
    cells again with the version now stored, 保留 leads back to the family's page."""
    names = dict(_cities())
    theirs = _as_cells(current, FAMILY_CELLS)

    def shown(field: str, value: str) -> str:
        if field in ("old_sick", "lives_alone"):
            return w.CONSOLE_YES if value else ""
        return names.get(value, value) if field == "jurisdiction" else value

    rows = [{"name": w.CONSOLE_FIELD_NAMES[f], "mine": shown(f, mine.get(f, "")), "theirs": shown(f, theirs[f]),
             "differs": shown(f, mine.get(f, "")) != shown(f, theirs[f])} for f in FAMILY_CELLS]
    return page(request, "family_conflict.html", {"csrf": session.csrf, "family_id": family_id, "rows": rows,
                                                   "mine": mine, "version": current["version"]}, 409)


def _contact_form(request: Request, session: Session, cells: dict[str, str], contact_id: int | None,
                  problems: list[str] | None = None, status: int = 200) -> Response:
    return page(request, "contact_form.html", {"csrf": session.csrf, "cells": cells, "contact_id": contact_id,
                                                "roles": list(w.CONSOLE_ROLE_NAMES.items()),
                                                "problems": problems or []}, status)


async def family_form(request: Request) -> Response:
    """GET: the empty form for a new family, or a family's fields to edit."""
    signed = await _admin(request)
    if isinstance(signed, Response):
        return signed
    storage, session, _ = signed
    if "family" not in request.path_params:
        return _family_form(request, session, dict.fromkeys(FAMILY_CELLS, ""), None)
    family_id = parse_id(request.path_params["family"])
    family = await storage.registry.family(family_id) if family_id is not None else None
    if family_id is None or family is None:
        return await refused_audited(request, signed[2].user_id, "unknown", w.CONSOLE_NO_SUCH_FAMILY, 404)
    await signed[0].audit.record(signed[2].user_id, "read_care_family", None,
                                 f"{family['jurisdiction']} #{family_id}")  # the form shows the record
    return _family_form(request, session, _as_cells(family, FAMILY_CELLS), family_id, version=family["version"])


async def family_save(request: Request) -> Response:
    """POST: create or edit a family through `checked_family` (the families CSV's validation);
    each problem is shown in Chinese with what was typed kept in the form."""
    from bot.operations.registry import checked_family

    answer = await _admin_form(request)
    if isinstance(answer, Response):
        return answer
    (storage, session, user), form = answer
    family_id: int | None = None
    if "family" in request.path_params:
        family_id = parse_id(request.path_params["family"])
        if family_id is None:
            return await refused_audited(request, user.user_id, "unknown", w.CONSOLE_NO_SUCH_FAMILY, 404)
    cells = {n: form.get(n, "") for n in FAMILY_CELLS}
    version = parse_id(form.get("version", "")) if family_id is not None else None
    try:
        saved = await checked_family(storage, cells, family_id, version)
    except CsvProblems as exc:
        return _family_form(request, session, cells, family_id, [chinese(p) for p in exc.items], 400,
                            version=version)
    except EditConflict as exc:  # another admin saved meanwhile: both versions, the admin chooses
        await storage.audit.record(user.user_id, "console_edit_conflict", None, f"family #{family_id}")
        assert family_id is not None
        return _conflict_page(request, session, family_id, cells, exc.current)
    except Refused as exc:
        return await refused_audited(request, user.user_id, "unknown", refusal_text(exc), 404)
    action = "console_create_family" if family_id is None else "console_edit_family"
    await storage.audit.record(user.user_id, action, None, f"{saved['jurisdiction']} #{saved['id']}")
    return RedirectResponse(f"/console/family/{saved['id']}", status_code=303)


async def contact_form(request: Request) -> Response:
    signed = await _admin(request)
    if isinstance(signed, Response):
        return signed
    storage, session, _ = signed
    if "contact" not in request.path_params:
        return _contact_form(request, session, dict.fromkeys(CONTACT_CELLS, ""), None)
    contact_id = parse_id(request.path_params["contact"])
    contact = await storage.registry.contact(contact_id) if contact_id is not None else None
    if contact_id is None or contact is None:
        return await refused_audited(request, signed[2].user_id, "unknown",
                                     w.CONSOLE_PROBLEMS["contact_unknown"].format(contact=contact_id or "?"), 404)
    return _contact_form(request, session, _as_cells(contact, CONTACT_CELLS), contact_id)


async def contact_save(request: Request) -> Response:
    """POST: create or edit a contact through `checked_contact` (the contacts CSV's validation)."""
    from bot.operations.registry import checked_contact

    answer = await _admin_form(request)
    if isinstance(answer, Response):
        return answer
    (storage, session, user), form = answer
    contact_id: int | None = None
    if "contact" in request.path_params:
        contact_id = parse_id(request.path_params["contact"])
        if contact_id is None:
            return await refused_audited(request, user.user_id, "unknown",
                                         w.CONSOLE_PROBLEMS["contact_unknown"].format(contact="?"), 404)
    cells = {n: form.get(n, "") for n in CONTACT_CELLS}
    try:
        saved = await checked_contact(storage, cells, contact_id)
    except CsvProblems as exc:
        return _contact_form(request, session, cells, contact_id, [chinese(p) for p in exc.items], 400)
    except Refused as exc:
        return await refused_audited(request, user.user_id, "unknown", refusal_text(exc), 404)
    action = "console_create_contact" if contact_id is None else "console_edit_contact"
    await storage.audit.record(user.user_id, action, None, f"contact {saved['id']}")
    return RedirectResponse("/console/contacts", status_code=303)


async def forget(request: Request) -> Response:
    """POST: delete a family and everything about it, as `admin forget-family`, once the
    family's alias has been typed to confirm (a click alone never deletes a family)."""
    from bot.operations.registry import checked_forget_family

    answer = await _admin_form(request)
    if isinstance(answer, Response):
        return answer
    (storage, _, user), form = answer
    family_id = parse_id(form.get("family", ""))
    family = await storage.registry.family(family_id) if family_id is not None else None
    if family_id is None or family is None:
        return await refused_audited(request, user.user_id, f"forget unknown #{form.get('family', '')[:20]}",
                                     w.CONSOLE_NO_SUCH_FAMILY, 404)
    if form.get("confirm", "").strip() != family["alias"]:
        return await refused_audited(request, user.user_id, f"forget alias mismatch #{family_id}",
                                     w.CONSOLE_FORGET_MISMATCH, 400)
    try:
        await checked_forget_family(storage, family_id, actor=user.user_id)  # audited as forget_family
    except Refused as exc:  # deleted meanwhile by someone else
        return await refused_audited(request, user.user_id, f"forget gone #{family_id}", refusal_text(exc), 404)
    return page(request, "refused.html", {"message": w.CONSOLE_FORGOTTEN})


def backup_folder(request: Request, storage: Storage) -> Path:
    """BOT_BACKUP_DIR, or a `backups` folder beside the database."""
    configured: Path | None = request.app.state.settings.bot_backup_dir
    return configured or storage.path.parent / "backups"


async def _maintenance(request: Request, signed: Signed, message: str = "", status: int = 200) -> Response:
    from bot.settings import retention_days

    storage, session, _ = signed
    figures = await storage.ops.status()  # as `admin status`
    figures["size_bytes"] = _size(int(figures["size_bytes"]))
    shown = [(label, "—" if figures.get(key) is None else figures[key]) for key, label in w.CONSOLE_STATUS_ROWS.items()]
    days = retention_days(request.app.state.settings)
    why = w.CONSOLE_RETENTION_WHY.format(notes=days["notes_days"], dialogs=days["dialog_days"],
                                         reminders=days["reminder_days"], audit=days["audit_days"])
    return page(request, "maintenance.html", {
        "csrf": session.csrf, "message": message, "retention_why": why, "status": shown,
        "backup_why": w.CONSOLE_BACKUP_WHY.format(folder=backup_folder(request, storage))}, status)


async def maintenance(request: Request) -> Response:
    signed = await _admin(request)
    return signed if isinstance(signed, Response) else await _maintenance(request, signed)


def _size(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB" if size >= 1024 * 1024 else f"{max(1, round(size / 1024))} KB"


async def backup(request: Request) -> Response:
    """POST: an online backup into the server's backup folder, as `admin backup` (never a
    download: the file would leave the server's protection)."""
    from bot.operations.maintenance import backup_to
    from bot.reminders.planner import SHANGHAI

    answer = await _admin_form(request)
    if isinstance(answer, Response):
        return answer
    signed, _ = answer
    storage, _, user = signed
    try:
        async with request.app.state.backup_lock:  # pressed twice: the second waits for the first
            target = _new_backup_name(backup_folder(request, storage), dt.datetime.now(SHANGHAI))
            size = await backup_to(storage, target)
    except OSError:
        return await _maintenance(request, signed, w.CONSOLE_BACKUP_FAILED, 503)
    await storage.audit.record(user.user_id, "console_backup", None, f"{target.name} {size} bytes")
    return await _maintenance(request, signed, w.CONSOLE_BACKUP_DONE.format(name=target.name, size=_size(size)))


def _new_backup_name(folder: Path, now: dt.datetime) -> Path:
    """lianxin-2026-03-01-101500.sqlite3, or -2, -3... when a backup of that second exists
    (two presses within one second must not write one file, or share its temporary file)."""
    stamp = now.strftime("%Y-%m-%d-%H%M%S")
    target = folder / f"lianxin-{stamp}.sqlite3"
    number = 1
    while target.exists() or target.with_name(target.name + ".partial").exists():
        number += 1
        target = folder / f"lianxin-{stamp}-{number}.sqlite3"
    return target


async def retention(request: Request) -> Response:
    """POST: the retention settings applied now, as `admin retention`; what was removed is shown."""
    from bot.operations.maintenance import apply_retention
    from bot.reminders.planner import SHANGHAI

    answer = await _admin_form(request)
    if isinstance(answer, Response):
        return answer
    signed, _ = answer
    storage, _, user = signed
    counts = await apply_retention(storage, request.app.state.settings, dt.datetime.now(SHANGHAI))
    await storage.audit.record(user.user_id, "console_retention", None,
                               ", ".join(f"{k}: {v}" for k, v in counts.items()))
    return await _maintenance(request, signed, w.CONSOLE_RETENTION_DONE.format(**counts))


def registry_routes() -> list[BaseRoute]:
    """Listed before the console's own routes, so /console/family/new is not read as a family id."""
    return [
        Route("/console/family/new", family_form, methods=["GET"]),
        Route("/console/family/new", family_save, methods=["POST"]),
        Route("/console/family/{family}/edit", family_form, methods=["GET"]),
        Route("/console/family/{family}/edit", family_save, methods=["POST"]),
        Route("/console/contact/new", contact_form, methods=["GET"]),
        Route("/console/contact/new", contact_save, methods=["POST"]),
        Route("/console/contact/{contact}/edit", contact_form, methods=["GET"]),
        Route("/console/contact/{contact}/edit", contact_save, methods=["POST"]),
        Route("/console/forget", forget, methods=["POST"]),
        Route("/console/maintenance", maintenance, methods=["GET"]),
        Route("/console/backup", backup, methods=["POST"]),
        Route("/console/retention", retention, methods=["POST"]),
    ]
