"""Reminders on Telegram: the sender, the background loop, and the contact's buttons.

The loop runs beside the bot (no PTB JobQueue: its jobs are not persisted; ours live in
SQLite). Contacts act only on their own reminders; /myfamilies lists only their families.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, Forbidden, TimedOut
from telegram.ext import Application, ContextTypes

from bot.ids import parse_id
from bot.operations.maintenance import apply_retention
from bot.reminders import actions
from bot.reminders import templates as rt
from bot.reminders.delivery import Dispatch, MaybeDelivered, Unreachable, escalate
from bot.reminders.loop import run_reminder_loop
from bot.reminders.planner import SHANGHAI
from bot.storage import Reminder, Storage
from bot.telegram import templates as t
from bot.telegram.callbacks import Callback, Kind, button, encode
from bot.telegram.context import application_clock, settings, storage
from bot.telegram.flood import outbox_lane
from bot.telegram.overdue import overdue, team_overdue
from bot.telegram.render import escape, split_text
from dialogs.intents import looks_like_question

log = logging.getLogger("lianxin.reminders")
Clock = Callable[[], dt.datetime]


def _kind(reminder: Reminder) -> str:
    return rt.KIND_NAMES.get(reminder.kind, reminder.kind)


def reminder_keyboard(reminder: Reminder, with_help: bool = True) -> InlineKeyboardMarkup:
    """The visit-log buttons of a reminder; after 需要协助 they stay (without the help button)."""
    done = rt.BTN_DONE_CALL if reminder.kind == "phone_call" else rt.BTN_DONE_VISIT
    rows = [[InlineKeyboardButton(done, callback_data=encode(Kind.VISIT, reminder.id))],
            [InlineKeyboardButton(rt.BTN_POSTPONE.format(n=n), callback_data=encode(Kind.POSTPONE, reminder.id, n))
             for n in (1, 3, 7)]]
    if with_help:
        rows.append([InlineKeyboardButton(rt.BTN_HELP, callback_data=encode(Kind.HELP, reminder.id))])
    return InlineKeyboardMarkup(rows)


class TelegramSender:
    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def reminder(self, chat_id: int, reminder: Reminder, late: bool, again: bool) -> None:
        text = rt.REMINDER.format(kind=escape(_kind(reminder)), alias=escape(reminder.alias), due=reminder.due_date)
        if late:
            text += "\n" + rt.REMINDER_LATE
        if again:
            text += "\n" + rt.REMINDER_AGAIN
        keyboard = reminder_keyboard(reminder)
        try:
            with outbox_lane():  # replies first: a reminder goes in the budget they leave (flood.py)
                await self.bot.send_message(chat_id, text, reply_markup=keyboard)
        except TimedOut as exc:  # the request left; Telegram may have delivered it
            raise MaybeDelivered from exc
        except Forbidden as exc:
            raise Unreachable from exc
        except BadRequest as exc:  # chat not found: the contact never started the bot
            raise Unreachable from exc

    async def escalation(self, chat_id: int, reminder: Reminder, reason: str) -> None:
        unreachable = rt.REASON_UNREACHABLE_WECOM if reminder.wecom_user_id else rt.REASON_UNREACHABLE
        words = {"unacked": rt.REASON_UNACKED, "unreachable": unreachable, "help": rt.REASON_HELP}
        base, _, fallback = reason.partition("+")
        why = words.get(base, base)
        if fallback:
            why += rt.REASON_SUPERVISOR_TOO if reminder.supervisor_id is not None else rt.REASON_NO_SUPERVISOR
        text = rt.ESCALATION.format(alias=escape(reminder.alias), kind=escape(_kind(reminder)), due=reminder.due_date,
                                    reason=why, contact=escape(reminder.contact_name))
        keyboard = InlineKeyboardMarkup([[InlineKeyboardButton(rt.BTN_TEAM_OVERDUE,
                                                               callback_data=encode(Kind.VISIT, 0, "t"))]])
        try:
            with outbox_lane():
                await self.bot.send_message(chat_id, text, reply_markup=keyboard)
        except (Forbidden, BadRequest) as exc:
            raise Unreachable from exc


def _clock(application: Application) -> Clock:
    return application_clock(application)


async def reminder_loop(application: Application) -> None:
    """Every BOT_REMINDER_INTERVAL seconds: plan, send, re-remind, escalate. Never dies.
    A contact bound to WeCom is reminded by WeCom when this deployment has a WeCom app."""
    store: Storage = application.bot_data["storage"]
    settings_ = application.bot_data["settings"]
    await run_reminder_loop(store, settings_, reminder_sender(application), _clock(application), apply_retention)


def reminder_sender(application: Application) -> Dispatch:
    """Telegram, and WeCom when it is configured (one WeCom client per database and process)."""
    settings_ = application.bot_data["settings"]
    wecom = None
    if settings_.wecom_enabled():
        from bot.wecom.sender import wecom_sender

        wecom = wecom_sender(application.bot_data["storage"], settings_)
    return Dispatch(TelegramSender(application.bot), wecom)


async def _own_reminder(update: Update, context: ContextTypes.DEFAULT_TYPE, reminder_id: str) -> Reminder | None:
    query = update.callback_query
    assert query and update.effective_user
    reminder = await storage(context).reminders.get(int(reminder_id))
    if reminder is None or reminder.telegram_id != update.effective_user.id:
        await query.answer(rt.NOT_YOURS, show_alert=True)
        return None
    return reminder


@button(Kind.VISIT)
async def on_visit(update: Update, context: ContextTypes.DEFAULT_TYPE, cb: Callback) -> None:
    """已走访 -> outcome -> follow-up -> logged -> 写备注 / 不写了 (buttons only; the note is an
    explicit step, so a later question is never filed as a note)."""
    query = update.callback_query
    assert query
    if cb.fields[1:2] == ("t",):  # the button on an escalation: the team's (or, for admins, all) overdue
        await query.answer()
        if not await team_overdue(update, context):
            await overdue(update, context)
        return
    if cb.fields[1:2] == ("n",) and len(cb.fields) == 4:
        await _note_step(update, context, cb)
        return
    reminder = await _own_reminder(update, context, cb.fields[0])
    if reminder is None:
        return
    if reminder.finished:
        await query.answer(rt.ALREADY_FINISHED, show_alert=True)
        return
    step = cb.fields[1:]
    await query.answer()
    if not step:
        rows = [[InlineKeyboardButton(label, callback_data=encode(Kind.VISIT, reminder.id, "o", key))]
                for key, label in rt.OUTCOMES.items()]
        await query.edit_message_text(rt.ASK_OUTCOME.format(alias=escape(reminder.alias), kind=_kind(reminder)),
                                      reply_markup=InlineKeyboardMarkup(rows))
        return
    if step[0] == "o" and len(step) == 2 and step[1] in rt.OUTCOMES:
        rows = [[InlineKeyboardButton(label, callback_data=encode(Kind.VISIT, reminder.id, "f", step[1], days))]
                for days, label in rt.FOLLOW_UPS.items()]
        await query.edit_message_text(rt.ASK_FOLLOW_UP, reply_markup=InlineKeyboardMarkup(rows))
        return
    if step[0] == "f" and len(step) == 3 and step[1] in rt.OUTCOMES and step[2] in rt.FOLLOW_UPS:
        now = _clock(context.application)()
        today = now.astimezone(SHANGHAI).date()
        days = int(step[2]) or None
        visit_id = await actions.record_visit(storage(context), reminder, now, step[1], days)
        if visit_id is None:  # a replayed tap: the visit is already logged
            await query.edit_message_text(rt.ALREADY_FINISHED)
            return
        nxt = rt.LOGGED_NEXT.format(day=today + dt.timedelta(days=days)) if days else ""
        rows = [[InlineKeyboardButton(label, callback_data=encode(Kind.VISIT, reminder.id, "n", visit_id, choice))
                 for label, choice in ((rt.BTN_NOTE_YES, "y"), (rt.BTN_NOTE_NO, "x"))]]
        await query.edit_message_text(
            rt.LOGGED.format(alias=escape(reminder.alias), kind=_kind(reminder), outcome=rt.OUTCOMES[step[1]],
                             next=nxt) + "\n" + rt.ASK_NOTE, reply_markup=InlineKeyboardMarkup(rows))
        return
    await query.answer(t.EXPIRED, show_alert=True)


NOTE_MINUTES = 10  # the note step ends by itself: a question asked an hour later is not a note


async def _note_step(update: Update, context: ContextTypes.DEFAULT_TYPE, cb: Callback) -> None:
    """写备注: the next text (within NOTE_MINUTES, before any command) is the note; 不写了: none."""
    query = update.callback_query
    assert query
    reminder = await _own_reminder(update, context, cb.fields[0])
    visit_id = parse_id(cb.fields[2])
    if reminder is None:
        return
    if visit_id is None or cb.fields[3] not in ("y", "x", "q"):
        await query.answer(t.EXPIRED, show_alert=True)
        return
    if cb.fields[3] == "q":
        await _keep_question_as_note(update, context, reminder, visit_id)
        return
    await query.answer()
    if cb.fields[3] == "x":
        if context.user_data is not None:
            context.user_data.pop(NOTE_KEY, None)
            context.user_data.pop(NOTE_HELD_KEY, None)
        await query.edit_message_text(rt.NOTE_SKIPPED)
        return
    until = _clock(context.application)() + dt.timedelta(minutes=NOTE_MINUTES)
    if context.user_data is not None:
        context.user_data[NOTE_KEY] = (visit_id, reminder.contact_id, until.isoformat(), reminder.id)
        context.user_data.pop(NOTE_HELD_KEY, None)
    await query.edit_message_text(rt.NOTE_PROMPT.format(minutes=NOTE_MINUTES))


async def _keep_question_as_note(update: Update, context: ContextTypes.DEFAULT_TYPE, reminder: Reminder,
                                 visit_id: int) -> None:
    """把这句记为备注: the sentence that read as a question was the note after all. Only the
    sentence held for this visit, within the note step's time; once, then the step ends."""
    query = update.callback_query
    assert query
    data = context.user_data if context.user_data is not None else {}
    held = data.get(NOTE_HELD_KEY)
    step = data.get(NOTE_KEY)
    if (not held or held[0] != visit_id or not step or step[0] != visit_id
            or _clock(context.application)() > dt.datetime.fromisoformat(step[2])):
        await query.answer(rt.NOTE_EXPIRED, show_alert=True)
        return
    await query.answer()
    data.pop(NOTE_HELD_KEY, None)
    data.pop(NOTE_KEY, None)
    saved = await storage(context).registry.set_visit_note(visit_id, reminder.contact_id, held[1])
    await query.edit_message_text(rt.NOTE_SAVED if saved else rt.NOTE_EXPIRED)


@button(Kind.POSTPONE)
async def on_postpone(update: Update, context: ContextTypes.DEFAULT_TYPE, cb: Callback) -> None:
    query = update.callback_query
    assert query
    if cb.fields[1] not in tuple(map(str, actions.POSTPONE_DAYS)):
        await query.answer(t.EXPIRED, show_alert=True)
        return
    reminder = await _own_reminder(update, context, cb.fields[0])
    if reminder is None:
        return
    days = int(cb.fields[1])
    if not await actions.postpone(storage(context), reminder, _clock(context.application)(), days):
        await query.answer(rt.ALREADY_FINISHED, show_alert=True)
        return
    await query.answer()
    await query.edit_message_text(rt.POSTPONED.format(n=days))


@button(Kind.HELP)
async def on_help(update: Update, context: ContextTypes.DEFAULT_TYPE, cb: Callback) -> None:
    query = update.callback_query
    assert query
    reminder = await _own_reminder(update, context, cb.fields[0])
    if reminder is None:
        return
    now = _clock(context.application)()
    if not await storage(context).reminders.ask_for_help(reminder.id, now):  # finished, or help already asked
        await query.answer(rt.ALREADY_FINISHED if reminder.finished else rt.HELP_ALREADY, show_alert=True)
        return
    await query.answer()
    admins = settings(context).bot_admin_ids
    await escalate(storage(context), reminder_sender(context.application), reminder, "help", now, admins)
    # the visit still has to be logged: the buttons stay
    await query.edit_message_text(rt.HELP_SENT_KEEP, reply_markup=reminder_keyboard(reminder, with_help=False))


async def _families_of_sender(update: Update, context: ContextTypes.DEFAULT_TYPE) -> list[tuple[int, str]]:
    """The writer's own families (the only ones a contact may see); says why when none."""
    message = update.effective_message
    assert message and update.effective_user
    contact = await storage(context).registry.contact_by_telegram(update.effective_user.id)
    if contact is None:
        await message.reply_text(rt.NOT_A_CONTACT)
        return []
    families = await storage(context).registry.families_of(contact[0])
    if not families:
        await message.reply_text(rt.MY_FAMILIES_NONE)
    return families


async def my_families(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Village, last visit and next due date of each of my families."""
    message = update.effective_message
    families = await _families_of_sender(update, context)
    if not families or message is None or update.effective_user is None:
        return
    contact = await storage(context).registry.contact_by_telegram(update.effective_user.id)
    assert contact is not None
    lines = []
    buttons = []
    for family in await storage(context).registry.my_families(contact[0]):
        place = "".join(p for p in (family["township"], family["village"]) if p) or "—"
        lines.append(rt.MY_FAMILY_LINE.format(alias=escape(family["alias"]), place=escape(place),
                                              last=family["last_visit"] or rt.NONE_YET,
                                              next=family["next_due"] or rt.NONE_YET))
        record = await storage(context).registry.family_record(family["id"])
        if record:
            lines.append(rt.RECORD_SHORT.format(day=escape(str(record.get("day", "")))))
            buttons.append([InlineKeyboardButton(rt.BTN_RECORD.format(alias=family["alias"]),
                                                 callback_data=encode(Kind.VISIT_CHECK, family["id"], "r"))])
    chunks = split_text(rt.MY_FAMILIES.format(lines="\n".join(lines)))
    for n, chunk in enumerate(chunks):
        last = n == len(chunks) - 1
        await message.reply_text(chunk, reply_markup=InlineKeyboardMarkup(buttons) if last and buttons else None)


def record_text(alias: str, record: dict[str, object]) -> str:
    """A family's saved interview, shown as the family interview shows its result (grouped,
    amounts with their document's date, each with its citation), recomputed from the answers."""
    from dialogs.eligibility_text import render_assessment
    from knowledge.eligibility import assess
    from knowledge.facts import ProfileError, parse_profile

    answers = record.get("answers")
    day = str(record.get("day", ""))
    try:
        facts = {k: v for k, v in dict(answers).items() if k != "jurisdiction"}  # type: ignore[call-overload]
        profile = parse_profile({"jurisdiction": record["jurisdiction"], **facts}, as_of=dt.date.fromisoformat(day))
    except (ProfileError, KeyError, TypeError, ValueError):
        return rt.RECORD_UNREADABLE
    return rt.RECORD_HEADER.format(alias=escape(alias), day=escape(day)) + "\n\n" + escape(
        render_assessment(assess(profile)))


async def visit_check(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/visitcheck: during a visit, run the interview for one of my families (with its agreement)."""
    message = update.effective_message
    families = await _families_of_sender(update, context)
    if not families or message is None:
        return
    rows = [[InlineKeyboardButton(alias, callback_data=encode(Kind.VISIT_CHECK, fid))] for fid, alias in families]
    await message.reply_text(t.VISIT_CHECK_CHOOSE, reply_markup=InlineKeyboardMarkup(rows))


@button(Kind.VISIT_CHECK)
async def on_visit_check(update: Update, context: ContextTypes.DEFAULT_TYPE, cb: Callback) -> None:
    from bot.telegram.chat import check_command  # chat renders the conversation; it never imports care

    query = update.callback_query
    assert query and update.effective_user
    contact = await storage(context).registry.contact_by_telegram(update.effective_user.id)
    mine = dict(await storage(context).registry.families_of(contact[0])) if contact else {}
    if int(cb.fields[0]) not in mine:
        await query.answer(rt.NOT_YOURS, show_alert=True)
        return
    await query.answer()
    family_id = int(cb.fields[0])
    if cb.fields[1:] == ("r",):  # the saved result, readable
        record = await storage(context).registry.family_record(family_id)
        assert query.message is not None
        for chunk in split_text(record_text(mine[family_id], record) if record else rt.MY_FAMILIES_NONE):
            await context.bot.send_message(query.message.chat.id, chunk)
        return
    if len(cb.fields) == 1:
        rows = [[InlineKeyboardButton(t.VISIT_CHECK_AGREED, callback_data=encode(Kind.VISIT_CHECK, family_id, "y"))],
                [InlineKeyboardButton(t.VISIT_CHECK_DECLINED, callback_data=encode(Kind.VISIT_CHECK, family_id, "n"))]]
        await query.edit_message_text(t.VISIT_CHECK_CONSENT.format(alias=escape(mine[family_id])),
                                      reply_markup=InlineKeyboardMarkup(rows))
        return
    if cb.fields[1] != "y":
        await query.edit_message_text(t.VISIT_CHECK_NOT_SAVED)
        return
    jurisdiction = await storage(context).registry.family_jurisdiction(family_id)
    await check_command(update, context, for_family=(family_id, jurisdiction))


NOTE_KEY = "note_for_visit"
NOTE_HELD_KEY = "note_question_held"  # a sentence that read as a question, kept for 把这句记为备注


async def maybe_visit_note(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """After 写备注, the next text within the time limit is the visit's note, unless it reads
    as a question: then it is answered as one (False), the step stays open for the real note,
    and a button files that sentence as the note if it was one after all."""
    held = (context.user_data or {}).pop(NOTE_KEY, None)
    message = update.effective_message
    if not held or message is None or not message.text or message.text.startswith("/"):
        return False
    visit_id, contact_id, until, reminder_id = held
    if _clock(context.application)() > dt.datetime.fromisoformat(until):
        await message.reply_text(rt.NOTE_EXPIRED)
        return False  # the text is answered as what it is (a question, most likely)
    text = message.text.strip()
    if looks_like_question(text) and context.user_data is not None:
        context.user_data[NOTE_KEY] = held
        context.user_data[NOTE_HELD_KEY] = (visit_id, text)
        keep = InlineKeyboardButton(rt.BTN_NOTE_KEEP_QUESTION,
                                    callback_data=encode(Kind.VISIT, reminder_id, "n", visit_id, "q"))
        await message.reply_text(rt.NOTE_LOOKS_LIKE_QUESTION.format(minutes=NOTE_MINUTES),
                                 reply_markup=InlineKeyboardMarkup([[keep]]))
        return False
    if context.user_data is not None:
        context.user_data.pop(NOTE_HELD_KEY, None)
    if await storage(context).registry.set_visit_note(visit_id, contact_id, text):
        await message.reply_text(rt.NOTE_SAVED)
        return True
    return False


async def on_any_update(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Runs before every handler: a contact who writes is reachable again (clears 'blocked',
    records that they opened the bot), and any command ends a pending note step."""
    user = update.effective_user
    if user is None:
        return
    await storage(context).registry.contact_seen(user.id)
    message = update.effective_message
    if message is not None and (message.text or "").startswith("/") and context.user_data is not None:
        context.user_data.pop(NOTE_KEY, None)
        context.user_data.pop(NOTE_HELD_KEY, None)
