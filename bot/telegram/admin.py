"""Staff and admin commands. Refused to everyone else; every read of a family is audited.
Registry changes, roles and sign-in links go through `bot.operations`, as in the admin CLI
and the office console; this module only words their outcome."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot.ids import parse_id
from bot.operations.access import grant_role
from bot.telegram import templates as t
from bot.telegram.callbacks import Callback, Kind, button
from bot.telegram.care import record_text
from bot.telegram.context import STAFF_ROLES, clock, known_user, role_of, settings, storage
from bot.telegram.render import escape, split_text
from bot.telegram.staff import city_name, require, shanghai
from bot.telegram.start import set_commands_for
from knowledge.catalogue import get_document


async def family_record(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/family USER_ID (a family who saved their interview) or /family ALIAS (a registry family):
    only families of the staff member's own city; readable (the family result rendering, not
    raw facts), in Beijing time; every read audited with what was read."""
    from bot.reminders import templates as rt

    message = update.effective_message
    assert message and update.effective_user
    if not await require(update, context, STAFF_ROLES, t.STAFF_ONLY):
        return
    reader = await known_user(update, context)
    city = reader.jurisdiction if reader else None
    is_admin = reader is not None and reader.role == "admin"
    query = " ".join(context.args or []).strip()
    if not query or (query.isdigit() and parse_id(query) is None):  # "١١٢" is neither user 112 nor an alias
        await message.reply_text(rt.FAMILY_USAGE_ALIAS)
        return
    if city is None and not is_admin:
        await message.reply_text(rt.FAMILY_NEEDS_CITY)
        return
    subject = parse_id(query)
    if subject is None:  # a registry family by its alias, in the reader's city
        registry = storage(context).registry
        code = city or ""
        family_id = await registry.family_id(code, query[:40]) if code else None
        # the registry family goes in the detail: `subject` holds Telegram user ids (forget clears those)
        await storage(context).audit.record(update.effective_user.id, "read_care_family", None,
                                            f"{code}/{query[:40]}" + (f" #{family_id}" if family_id else ""))
        if family_id is None:
            await message.reply_text(rt.FAMILY_NOT_FOUND.format(city=escape(city_name(code)),
                                                                alias=escape(query[:40])))
            return
        record = await registry.family_record(family_id)
        text = (record_text(query[:40], record) if record else rt.MY_FAMILIES_NONE) + "\n\n" + rt.FAMILY_AUDITED
        for chunk in split_text(text):
            await message.reply_text(chunk)
        return
    record = await storage(context).conversations.read_profile(subject, reader=update.effective_user.id)
    if record is None:
        await message.reply_text(t.FAMILY_NONE.format(user=subject))
        return
    if not is_admin and record["jurisdiction"] != city:
        await message.reply_text(rt.FAMILY_OTHER_CITY.format(city=escape(city_name(city or ""))))
        return
    updated = shanghai(record["updated_at"])
    body = record_text(str(subject), {"jurisdiction": record["jurisdiction"], "answers": record["answers"],
                                      "day": updated[:10]})
    header = rt.FAMILY_PROFILE_HEADER.format(user=subject, city=escape(city_name(record["jurisdiction"])),
                                             updated=updated)
    for chunk in split_text(header + "\n\n" + body + "\n\n" + rt.FAMILY_AUDITED):
        await message.reply_text(chunk)


async def invite(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message and update.effective_user
    if not await require(update, context, ("admin",), t.ADMIN_ONLY):
        return
    if not context.args or context.args[0] not in ("volunteer", "staff"):
        await update.effective_message.reply_text(t.INVITE_USAGE)
        return
    code = await storage(context).users.create_invite(context.args[0], update.effective_user.id)
    await update.effective_message.reply_text(t.INVITE_OK.format(code=code, role=t.ROLE_NAMES[context.args[0]]))


async def grant(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message and update.effective_user
    if not await require(update, context, ("admin",), t.ADMIN_ONLY):
        return
    args = context.args or []
    subject = parse_id(args[0]) if len(args) == 2 else None  # "١١٢" is not user 112
    if subject is None or args[1] not in ("family", "volunteer", "staff"):
        await update.effective_message.reply_text(t.GRANT_USAGE)
        return
    role = args[1]
    await grant_role(storage(context), subject, role, actor=update.effective_user.id)
    await set_commands_for(context, subject, role)
    await update.effective_message.reply_text(t.GRANT_OK.format(user=subject, role=t.ROLE_NAMES[role]))


async def console_link(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/console: a one-time sign-in link to the office console (admins and staff). Sent with
    the link preview off: Telegram's preview would open the link first. The link page itself
    signs in only when its button is pressed, so no preview or scanner can use it up."""
    from telegram import LinkPreviewOptions

    from bot.operations.access import sign_in_path
    from bot.storage.office_sessions import LINK_VALID

    assert update.effective_message and update.effective_user
    if not await require(update, context, ("admin", "staff"), t.STAFF_ONLY):
        return
    base = settings(context).console_base_url()
    user_id = update.effective_user.id
    if base is None:
        await update.effective_message.reply_text(t.CONSOLE_NO_ADDRESS.format(user=user_id))
        return
    url = base + await sign_in_path(storage(context), user_id)
    await update.effective_message.reply_text(
        t.CONSOLE_LINK.format(minutes=int(LINK_VALID.total_seconds() // 60), url=escape(url)),
        link_preview_options=LinkPreviewOptions(is_disabled=True), protect_content=True)


async def audit_log(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message and update.effective_user
    if not await require(update, context, ("admin",), t.ADMIN_ONLY):
        return
    entries = await storage(context).audit.entries(20)
    await storage(context).audit.record(update.effective_user.id, "read_audit_log", None)
    if not entries:
        await update.effective_message.reply_text(t.AUDIT_EMPTY)
        return
    from bot.reminders import templates as rt

    lines = [t.AUDIT_HEADER] + [  # what was read, in Beijing time
        escape(rt.AUDIT_ROW.format(
            at=shanghai(e["at"]), actor=e["actor"], action=rt.AUDIT_ACTIONS.get(e["action"], e["action"]),
            what=" ".join(x for x in (rt.AUDIT_SUBJECT.format(subject=e["subject"]) if e["subject"] is not None
                                      else "", e["detail"] or "") if x)))
        for e in entries]
    for chunk in split_text("\n".join(lines)):
        await update.effective_message.reply_text(chunk)


async def urgent(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/urgent FAMILY_ID (admins), or /urgent alone (a contact picks one of their families):
    every contact of the family is reminded at once (accident, serious illness, disaster)."""
    from telegram import InlineKeyboardButton, InlineKeyboardMarkup

    from bot.telegram.callbacks import encode

    assert update.effective_message and update.effective_user
    if await role_of(update, context) == "admin" and context.args:
        family_id = parse_id(context.args[0])
        if family_id is None:
            await update.effective_message.reply_text(t.URGENT_USAGE)
            return
        await _raise_urgent(update, context, family_id)
        return
    contact = await storage(context).registry.contact_by_telegram(update.effective_user.id)
    families = await storage(context).registry.families_of(contact[0]) if contact else []
    if not families:
        await update.effective_message.reply_text(t.URGENT_USAGE if await role_of(update, context) == "admin"
                                                  else t.STAFF_ONLY)
        return
    rows = [[InlineKeyboardButton(alias, callback_data=encode(Kind.URGENT, fid))] for fid, alias in families]
    await update.effective_message.reply_text(t.URGENT_CHOOSE, reply_markup=InlineKeyboardMarkup(rows))


@button(Kind.URGENT)
async def on_urgent(update: Update, context: ContextTypes.DEFAULT_TYPE, cb: Callback) -> None:
    query = update.callback_query
    assert query and update.effective_user
    contact = await storage(context).registry.contact_by_telegram(update.effective_user.id)
    mine = {fid for fid, _ in await storage(context).registry.families_of(contact[0])} if contact else set()
    if parse_id(cb.fields[0]) not in mine:
        await query.answer(t.EXPIRED, show_alert=True)
        return
    await query.answer()
    await _raise_urgent(update, context, int(cb.fields[0]))


async def _raise_urgent(update: Update, context: ContextTypes.DEFAULT_TYPE, family_id: int) -> None:


    assert update.effective_user and update.effective_chat
    created = await storage(context).reminders.raise_urgent(family_id, clock(context)())
    await storage(context).audit.record(update.effective_user.id, "raise_urgent", None, str(family_id))
    await context.bot.send_message(update.effective_chat.id, t.URGENT_OK.format(n=created) if created
                                   else t.URGENT_NONE)


async def assign(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/assign FAMILY_ID CONTACT_ID (admins), through `operations.registry.checked_assign`:
    an unknown family or contact is answered with the usage, a role the city's schedule sends
    nothing to with what the schedule does send."""
    from bot.operations.refusals import Refused
    from bot.operations.registry import checked_assign
    from bot.reminders import templates as rt
    from bot.reminders.planner import SHANGHAI
    from bot.reminders.schedule import load_schedule, needed_roles

    assert update.effective_message and update.effective_user
    if not await require(update, context, ("admin",), t.ADMIN_ONLY):
        return
    args = context.args or []
    family_id, contact_id = (parse_id(args[0]), parse_id(args[1])) if len(args) == 2 else (None, None)
    if family_id is None or contact_id is None:
        await update.effective_message.reply_text(t.ASSIGN_USAGE)
        return
    today = clock(context)().astimezone(SHANGHAI).date()
    try:
        outcome = await checked_assign(storage(context), family_id, contact_id, today, today)
    except Refused as exc:
        if exc.problem.code != "assign_refused":  # assign_unknown
            await update.effective_message.reply_text(t.ASSIGN_USAGE)
            return
        code, refused_role = exc.problem.params["city"], exc.problem.params["role"]
        schedule = load_schedule(code)
        roles = "、".join(rt.CONTACT_ROLE_NAMES.get(r, rt.ROLE_ANY if r == "any" else r)
                         for r in sorted(needed_roles(schedule)))
        await update.effective_message.reply_text(rt.ASSIGN_REFUSED.format(
            role=rt.CONTACT_ROLE_NAMES.get(refused_role, refused_role), position=exc.problem.params["position"],
            city=escape(get_document(code).name), roles=roles,
            volunteers=escape(schedule.volunteers) if refused_role == "volunteer" else ""))
        return
    await storage(context).audit.record(update.effective_user.id, "assign", None, f"{args[0]}->{args[1]}")
    reach = outcome.reach
    lines = [t.ASSIGN_OK.format(family=args[0], contact=args[1], position=outcome.position),
             rt.describe_reach(reach.total, reach.reachable, reach.not_opened, reach.blocked, reach.no_telegram)]
    if outcome.planned:
        lines.append(rt.ASSIGN_PLANNED.format(n=outcome.planned))
    if outcome.missing:
        lines.append(rt.ASSIGN_MISSING.format(roles="、".join(
            rt.CONTACT_ROLE_NAMES.get(r, rt.ROLE_ANY if r == "any" else r) for r in outcome.missing)))
    await update.effective_message.reply_text("\n".join(lines))
