"""/check: the guided interview on inline buttons, editing one message as it goes.

The interview state is written to SQLite after every tap (with the family's consent; without
it, only for this session), so killing the bot mid-interview and starting it again resumes at
the same question, and a button from before the restart still works. Buttons carry the
interview's token: a button from an older interview answers politely that it has expired.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot.ids import small_number
from bot.telegram import templates as t
from bot.telegram.callbacks import Callback, Kind, button, encode
from bot.telegram.context import known_user, storage
from bot.telegram.render import escape, question_keyboard, split_blocks, summary_view
from dialogs import check_templates as ct
from dialogs import conversation_templates as cc
from dialogs.conversation import section_choices
from dialogs.interview import (
    InterviewState,
    Step,
    answer,
    answer_age,
    back,
    change,
    finish_checklist,
    is_other_place,
    next_question,
    result,
    start,
    toggle,
)
from dialogs.interview import progress as interview_progress
from dialogs.result_summary import ResultView, build_view
from dialogs.small_talk import other_city_text
from knowledge.facts import ProfileError

KIND = "check"
LAST_RESULT = "last_result"  # the finished interview, in memory only, for the section buttons


@dataclass
class Session:
    token: str
    state: InterviewState
    chat_id: int | None
    message_id: int | None
    for_family: int | None = None  # a contact interviewing on behalf of a registry family

    def to_json(self) -> dict[str, object]:
        return {**self.state.to_json(), "for_family": self.for_family}


async def _load(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Session | None:
    user = await known_user(update, context)
    dialog = await storage(context).conversations.load(user.user_id) if user is not None else None
    if dialog is not None and dialog.kind == KIND:
        return Session(dialog.token, InterviewState.from_json(dialog.state), dialog.chat_id, dialog.message_id,
                       dialog.state.get("for_family"))
    held = (context.user_data or {}).get(KIND)
    if not held:
        return None
    return Session(held["token"], InterviewState.from_json(held["state"]), held["chat_id"], held["message_id"])


async def _save(update: Update, context: ContextTypes.DEFAULT_TYPE, session: Session) -> None:
    assert update.effective_user
    user = await known_user(update, context)
    if user is not None and (user.consent or session.for_family is not None):
        # a family interviewed by its contact agreed in person (asked before the first question)
        await storage(context).conversations.save(user.user_id, KIND, session.token, session.to_json(),
                                           session.chat_id, session.message_id)
    elif context.user_data is not None:
        context.user_data[KIND] = {"token": session.token, "state": session.state.to_json(),
                                   "chat_id": session.chat_id, "message_id": session.message_id}


async def _drop(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_user
    await storage(context).conversations.delete(update.effective_user.id)
    if context.user_data is not None:
        context.user_data.pop(KIND, None)


def _view(session: Session) -> tuple[str, InlineKeyboardMarkup]:
    question = next_question(session.state)
    if question is None:
        return summary_view(session.state, session.token)
    progress = interview_progress(session.state)
    return f"{progress}{escape(question.text)}", question_keyboard(question, session.token, session.state.pending)


async def _saved_state(update: Update, context: ContextTypes.DEFAULT_TYPE) -> tuple[InterviewState, str] | None:
    """The answers this family saved last time (with consent), as a finished interview."""
    assert update.effective_user
    uid = update.effective_user.id
    saved = await storage(context).conversations.read_profile(uid, reader=uid)
    if not saved or not saved["answers"]:
        return None
    state = InterviewState(jurisdiction=saved["jurisdiction"],
                           steps=[Step(key, {key: value}, "") for key, value in saved["answers"].items()])
    try:
        state.profile()
    except ProfileError:  # saved under older rules: start again rather than guess
        return None
    return state, str(saved["updated_at"])[:10]


async def check_command(update: Update, context: ContextTypes.DEFAULT_TYPE, for_family: tuple[int, str] | None = None,
                        fresh: bool = False) -> None:
    """Start a new interview (or continue the one in progress) in a fresh message; a family
    with saved answers is first offered their last result (as /privacy promises)."""
    assert update.effective_user and update.effective_chat
    await storage(context).users.ensure(update.effective_user.id)
    user = await known_user(update, context)
    session = None if for_family else await _load(update, context)
    if session is None and for_family is None and not fresh and user is not None and user.consent:
        saved = await _saved_state(update, context)
        if saved is not None:
            keyboard = InlineKeyboardMarkup([
                [InlineKeyboardButton(ct.BTN_USE_SAVED, callback_data=encode(Kind.RESULT, "last"))],
                [InlineKeyboardButton(ct.BTN_START_OVER, callback_data=encode(Kind.RESULT, "fresh"))]])
            await context.bot.send_message(update.effective_chat.id, ct.SAVED_OFFER.format(day=saved[1]),
                                           reply_markup=keyboard)
            return
    intro = t.CHECK_RESUMED if session and session.state.steps else None
    if session is None:
        city = for_family[1] if for_family else (user.jurisdiction if user else None)
        session = Session(secrets.token_hex(3), start(city), None, None, for_family[0] if for_family else None)
        intro = ct.INTRO
    text, keyboard = _view(session)
    message = await context.bot.send_message(update.effective_chat.id, f"{intro}\n\n{text}" if intro else text,
                                             reply_markup=keyboard)
    session.chat_id, session.message_id = message.chat_id, message.message_id
    await _save(update, context, session)


@button(Kind.INTERVIEW)
async def on_check_button(update: Update, context: ContextTypes.DEFAULT_TYPE, cb: Callback) -> None:
    query = update.callback_query
    assert query
    session = await _load(update, context)
    if session is None or cb.fields[0] != session.token:
        await query.answer(t.EXPIRED, show_alert=True)
        return
    action, *args = cb.fields[1:]
    state = session.state
    question = next_question(state)
    ok = True
    if action == "a" and question is not None and args:
        key, _, option_id = args[0].partition(".")
        if key != question.key:
            await query.answer(t.ALREADY_ANSWERED)
            return
        if is_other_place(question, option_id):
            await query.answer()
            await _drop(update, context)
            await query.edit_message_text(escape(other_city_text(cc.YOUR_PLACE, None)))
            return
        ok = answer(state, question, option_id)
    elif action == "t" and question is not None and args:
        ok = toggle(state, question, args[0])
    elif action == "d" and question is not None:
        ok = finish_checklist(state, question)
    elif action == "b":
        ok = back(state)
        if not ok:  # back on the first question: nothing to undo, the button is fine
            await query.answer(ct.FIRST_QUESTION)
            return
    elif action == "s" and args and args[0].isdigit() and question is None:
        ok = change(state, int(args[0]))
    elif action == "y" and question is not None:
        ok = False
    elif action == "y":
        await query.answer()
        await _finish(update, context, session)
        return
    else:
        ok = False
    if not ok:
        await query.answer(t.EXPIRED, show_alert=True)
        return
    await query.answer()
    await _save(update, context, session)
    text, keyboard = _view(session)
    await query.edit_message_text(text, reply_markup=keyboard)


async def on_age_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """A typed age while an age question is open; True if it was consumed."""
    message = update.effective_message
    if message is None or not message.text:
        return False
    session = await _load(update, context)
    if session is None:
        return False
    question = next_question(session.state)
    if question is None or question.age_fact is None:
        return False
    typed = message.text.strip().removesuffix("岁").removesuffix("周岁")
    if typed.strip().isdigit() and small_number(typed) is None:  # "²", a 5,000-digit "age"
        await message.reply_text(t.NOT_UNDERSTOOD_AGE)
        return True
    if not answer_age(session.state, question, message.text):
        if message.text.strip().rstrip("岁").isdigit():
            await message.reply_text(t.NOT_UNDERSTOOD_AGE)
            return True
        return False
    await _save(update, context, session)
    text, keyboard = _view(session)
    if session.chat_id and session.message_id:
        await context.bot.edit_message_text(text, chat_id=session.chat_id, message_id=session.message_id,
                                            reply_markup=keyboard)
    return True


async def _finish(update: Update, context: ContextTypes.DEFAULT_TYPE, session: Session) -> None:
    """The summary in one message with a button per topic (the sections are rebuilt from
    the answers held in memory); keep the answers only with consent."""
    assert update.effective_user and update.effective_chat
    assessment = result(session.state)
    view = build_view(assessment)
    await context.bot.edit_message_text(ct.RESULT_READY, chat_id=session.chat_id, message_id=session.message_id)
    if context.user_data is not None:
        context.user_data[LAST_RESULT] = session.state.to_json()
    eligible = "、".join(o.rule.title for o in assessment.outcomes if o.status == "eligible")
    answers = {k: v for k, v in session.state.answers.items()}
    if session.for_family is not None:
        unclear = "、".join(o.rule.title for o in assessment.outcomes if o.status == "unknown")
        await storage(context).registry.save_family_record(session.for_family, {
            "jurisdiction": assessment.document.code, "answers": answers, "eligible": eligible, "unclear": unclear,
            "by_contact": update.effective_user.id, "day": session.state.as_of.isoformat()})
        note = t.VISIT_CHECK_SAVED
    else:
        saved = await storage(context).conversations.save_profile(
            update.effective_user.id, assessment.document.code, answers,
            f"可享受：{eligible}" if eligible else "无可享受项目")
        note = t.CHECK_SAVED if saved else ""
    text = _summary_html(view) + (f"\n\n{note}" if note else "")
    await context.bot.send_message(update.effective_chat.id, text, reply_markup=_result_keyboard(view))
    await _drop(update, context)


def _summary_html(view: ResultView) -> str:
    """The summary with its first line, the monthly total, in bold: the money is what a
    parent looks for first (the document's number follows it)."""
    text = escape(view.summary)
    if view.headline and view.summary.startswith(view.headline):
        head = escape(view.headline)
        text = f"<b>{head}</b>{text[len(head):]}"
    return text


def _result_keyboard(view: ResultView) -> InlineKeyboardMarkup | None:
    """One button per topic, then the open items, what does not apply, and (not listed by
    default) the re-birth and adoption items."""
    rows = [[InlineKeyboardButton(c.label, callback_data=c.id)] for c in section_choices(view)]  # e|<section>
    return InlineKeyboardMarkup(rows) if rows else None


@button(Kind.RESULT)
async def on_result_section(update: Update, context: ContextTypes.DEFAULT_TYPE, cb: Callback) -> None:
    """A topic button under the summary: that section, each item whole in one message."""
    query = update.callback_query
    assert query and update.effective_chat
    if cb.fields[0] == "fresh":
        await query.answer()
        await check_command(update, context, fresh=True)
        return
    if cb.fields[0] == "last":
        saved = await _saved_state(update, context)
        if saved is None:
            await query.answer(t.EXPIRED, show_alert=True)
            return
        await query.answer()
        if context.user_data is not None:
            context.user_data[LAST_RESULT] = saved[0].to_json()
        view = build_view(result(saved[0]))
        await context.bot.send_message(update.effective_chat.id, _summary_html(view),
                                       reply_markup=_result_keyboard(view))
        return
    held = (context.user_data or {}).get(LAST_RESULT)
    if held is not None:
        state: InterviewState | None = InterviewState.from_json(held)
    else:  # after a restart (or an idle prune) the saved answers, kept with consent, still serve
        saved = await _saved_state(update, context)
        state = saved[0] if saved else None
    section = build_view(result(state)).section(cb.fields[0]) if state is not None else None
    if section is None:
        await query.answer(t.EXPIRED, show_alert=True)
        return
    await query.answer()
    for chunk in split_blocks(escape(section.text)):
        await context.bot.send_message(update.effective_chat.id, chunk)
