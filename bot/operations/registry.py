"""Changes to the care registry, each checked before it is written: families and contacts
(created or edited with exactly the families / contacts CSV's row validation), assigning and
unassigning a contact, supervisors, a contact who left, forgetting a family.

A refusal is `Refused` with its code (`assign_unknown`, `assign_refused`, `unassign_unknown`,
`unassign_not_assigned`, `family_unknown`, `contact_unknown`, `left_unknown`,
`supervisor_self`, `supervisor_unknown_contact`, `supervisor_unknown_supervisor`,
`forget_unknown`, and binding a contact to WeCom: `contact_unknown`, `wecom_not_id`, `wecom_taken`);
a bad cell is `CsvProblems`; an edit over a newer save is `EditConflict`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from bot.operations.refusals import EditConflict, Refused, refused
from bot.reminders.coverage import AssignOutcome, assign_contact, refusal_reason
from bot.reminders.registry_csv import (
    WECOM_ID_LIMIT,
    CsvProblems,
    Problem,
    check_contact_row,
    check_family_row,
    check_wecom_user_id,
    control_characters,
)
from bot.storage import Storage


async def checked_family(s: Storage, cells: dict[str, str], family_id: int | None = None,
                         version: int | None = None) -> dict[str, Any]:
    """Create (`family_id` None) or edit a family with exactly the families CSV's row validation
    (`check_family_row`); CsvProblems lists what is wrong. The stored fields are returned.
    With `version` (the one the edit form was opened at), EditConflict when the stored family
    is newer: a later save never silently overwrites an earlier one."""
    async with s.registry.checking:
        keys = await s.registry.family_keys()
        telegram = await s.registry.family_telegram_ids()
        if family_id is not None:
            old = await s.registry.family(family_id)
            if old is None:
                raise refused("family_unknown", f"unknown family {family_id}", family=family_id)
            if version is not None and old["version"] != version:
                raise EditConflict(old)
            keys.discard((old["jurisdiction"], old["alias"]))
            telegram.discard(old["telegram_id"])
        problems: list[Problem] = control_cells(cells)
        row = check_family_row({k: v.strip() for k, v in cells.items()}, None, keys, telegram, problems)
        if problems or row is None:
            raise CsvProblems(problems)
        if family_id is None:
            row["id"] = await s.registry.add_family(**row)
        else:
            if not await s.registry.update_family(family_id, row, version):  # another process saved first
                current = await s.registry.family(family_id)
                if current is None:
                    raise refused("family_unknown", f"unknown family {family_id}", family=family_id)
                raise EditConflict(current)
            row["id"] = family_id
        return row


async def checked_contact(s: Storage, cells: dict[str, str], contact_id: int | None = None) -> dict[str, Any]:
    """Create or edit a contact with exactly the contacts CSV's row validation."""
    async with s.registry.checking:
        telegram = await s.registry.telegram_ids()
        unlinked = await s.registry.contact_keys()
        wecom = {key for key, owner in (await s.registry.wecom_ids()).items() if owner != contact_id}
        if contact_id is not None:
            old = await s.registry.contact(contact_id)
            if old is None:
                raise refused("contact_unknown", f"unknown contact {contact_id}", contact=contact_id)
            telegram.discard(old["telegram_id"])
            unlinked.discard((old["name"], old["role"], old["township"]))
        problems: list[Problem] = control_cells(cells)
        row = check_contact_row({k: v.strip() for k, v in cells.items()}, None, telegram, unlinked, problems, wecom)
        if problems:
            raise CsvProblems(problems)
        if contact_id is None:
            row["id"] = await s.registry.add_contact(**row)
        else:
            await s.registry.update_contact(contact_id, row)
            row["id"] = contact_id
        return row


def control_cells(cells: dict[str, str]) -> list[Problem]:
    """Control characters refused in a form as in a file (checked before cells are stripped)."""
    return control_characters(cells, None)


async def checked_assign(s: Storage, family: int, contact: int, since: dt.date, today: dt.date) -> AssignOutcome:
    """Assign with the registry's validation (both exist, the city's schedule allows it);
    Refused otherwise (`assign_unknown`; `assign_refused` with the city, the refused role and
    the position it would have taken)."""
    if not await s.registry.family_exists(family) or not await s.registry.contact_exists(contact):
        raise refused("assign_unknown", f"assign: unknown family {family} or contact {contact} "
                      "(see python -m bot admin families / contacts)", family=family, contact=contact)
    outcome = await assign_contact(s, family, contact, since, today)
    if outcome.refused is not None:
        code = await s.registry.family_jurisdiction(family)
        raise refused("assign_refused", f"assign: refused: {refusal_reason(code, outcome.refused, outcome.position)}",
                      city=code, role=outcome.refused, position=outcome.position)
    return outcome


async def checked_unassign(s: Storage, family: int, contact: int) -> int:
    """Take a contact off a family and cancel their open reminders for it (how many);
    Refused if either is unknown or they were not assigned."""
    if not await s.registry.family_exists(family) or not await s.registry.contact_exists(contact):
        raise refused("unassign_unknown", f"unassign: unknown family {family} or contact {contact} "
                      "(see python -m bot admin families / contacts)", family=family, contact=contact)
    cancelled = await s.registry.unassign(family, contact)
    if cancelled is None:
        raise refused("unassign_not_assigned", f"unassign: contact {contact} is not assigned to family {family}",
                      family=family, contact=contact)
    return cancelled


async def checked_contact_left(s: Storage, contact: int) -> None:
    """Mark a contact as left (their families' reminders escalate); Refused if unknown."""
    if not await s.registry.deactivate_contact(contact):
        raise refused("left_unknown", f"contact-left: unknown contact {contact} (see python -m bot admin contacts)",
                      contact=contact)


async def checked_supervisor(s: Storage, contact: int, supervisor_id: int) -> None:
    """Who a contact's unanswered reminders escalate to: both must exist and differ."""
    if contact == supervisor_id:
        raise refused("supervisor_self", f"supervisor: contact {contact} cannot supervise themselves",
                      contact=contact)
    for role, who in (("contact", contact), ("supervisor", supervisor_id)):
        if not await s.registry.contact_exists(who):
            raise refused(f"supervisor_unknown_{role}",
                          f"supervisor: unknown {role} {who} (see python -m bot admin contacts)", who=who)
    await s.registry.set_supervisor(contact, supervisor_id)


async def checked_forget_family(s: Storage, family: int, actor: int) -> None:
    """Delete a family and everything about it (audited as `actor`'s); Refused if unknown."""
    if not await s.ops.forget_family(family, actor=actor):
        raise refused("forget_unknown", f"forget-family: unknown family {family}", family=family)


async def checked_contact_wecom(s: Storage, contact: int, wecom_user_id: str | None) -> str | None:
    """Bind a contact to a WeCom member account (None: unbind; their reminders then go by
    Telegram, if any): the same check as the contacts CSV's wecom_user_id column. Refused
    (`contact_unknown`, `wecom_not_id`, `wecom_taken`). Returns the previous binding."""
    async with s.registry.checking:
        old = await s.registry.contact(contact)
        if old is None:
            raise refused("contact_unknown", f"contact-wecom: unknown contact {contact} (see python -m bot admin"
                          " contacts)", contact=contact)
        if wecom_user_id is not None:
            problems: list[Problem] = control_cells({"wecom_user_id": wecom_user_id})
            taken = {key for key, owner in (await s.registry.wecom_ids()).items() if owner != contact}
            check_wecom_user_id(wecom_user_id.strip(), None, problems, taken)
            if problems or not wecom_user_id.strip():
                raise Refused(problems[0]) if problems else refused(
                    "wecom_not_id", "wecom_user_id: empty (use --clear to unbind)", value="", limit=WECOM_ID_LIMIT)
            wecom_user_id = wecom_user_id.strip()
        await s.registry.set_contact_wecom(contact, wecom_user_id)
        return old.get("wecom_user_id")
