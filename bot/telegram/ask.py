"""Free text: the matching clauses with citation and key sentence, a 原文 button each, and
an offer to start /check when the question is about what the family can get."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatType
from telegram.ext import ContextTypes

from bot.telegram import templates as t
from bot.telegram.callbacks import Callback, Kind, button, encode
from bot.telegram.care import maybe_visit_note
from bot.telegram.caring import answer_distress, answer_everyday
from bot.telegram.check import on_age_text
from bot.telegram.context import clock, known_user, storage
from bot.telegram.render import escape, split_blocks, split_text
from dialogs import conversation_templates as cc
from dialogs.answer_text import find_answer, render_result
from dialogs.distress import is_distress
from dialogs.intents import wants_entitlement_check
from knowledge.catalogue import get_document
from knowledge.clauses import clauses_by_id
from knowledge.facts import Profile, ProfileError, parse_profile

MAX_TEXT = 500


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    assert message and message.text is not None
    if await maybe_visit_note(update, context):
        return
    text = message.text.strip()
    nth = await _distress_turn(update, context) if is_distress(text[:MAX_TEXT]) else 1
    if await answer_distress(update, context, message, text[:MAX_TEXT], nth) or await on_age_text(update, context):
        return
    if len(text) > MAX_TEXT:
        await message.reply_text(t.TOO_LONG.format(n=MAX_TEXT))
        text = text[:MAX_TEXT]
    everyday = await answer_everyday(update, context, text)
    if everyday is not None and everyday.search_query is None:
        return
    query = everyday.search_query if everyday is not None and everyday.search_query else text
    user = await known_user(update, context)
    result = find_answer(text, user.jurisdiction if user else None, query)
    rows = [[InlineKeyboardButton(t.BTN_FULL_TEXT.format(n=n), callback_data=encode(Kind.FULL_TEXT, hit.clause.id))]
            for n, hit in enumerate(result.hits if result.answered else result.elsewhere, start=1)]
    entitlement = wants_entitlement_check(text)
    if entitlement:
        rows.append([InlineKeyboardButton(t.BTN_START_CHECK, callback_data=encode(Kind.SHORTCUT, "check"))])
    private = update.effective_chat is not None and update.effective_chat.type == ChatType.PRIVATE
    # the saved answers shape the lead only in a private chat: a group must not learn them
    profile = await _saved_profile(update, context) if private and user is not None and user.consent else None
    chunks = split_blocks(escape(render_result(text, result, profile)))
    if result.answered and result.jurisdiction is None and not (user and user.jurisdiction):
        chunks[0] = escape(cc.NO_CITY_NOTE) + "\n" + chunks[0]  # never another city's rules without saying so
    if entitlement:
        chunks.append(t.OFFER_CHECK)
    for i, chunk in enumerate(chunks):
        last = i == len(chunks) - 1
        await message.reply_text(chunk, reply_markup=InlineKeyboardMarkup(rows) if last and rows else None)


async def _distress_turn(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """Which despairing message of this conversation this is, kept in storage so that a
    restart does not turn the second into a first (only a count and a time, never the text)."""
    if update.effective_user is None:
        return 1
    return await storage(context).conversations.distress_turn(update.effective_user.id, clock(context)())


async def _saved_profile(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Profile | None:
    """The family's own saved answers (kept only with consent), for the "按您填的情况" lead."""
    assert update.effective_user
    record = await storage(context).conversations.read_profile(update.effective_user.id, update.effective_user.id)
    if record is None:
        return None
    try:
        return parse_profile({**record["answers"], "jurisdiction": record["jurisdiction"]})
    except (ProfileError, TypeError):
        return None


@button(Kind.FULL_TEXT)
async def on_full_text(update: Update, context: ContextTypes.DEFAULT_TYPE, cb: Callback) -> None:
    """The 原文 button: the whole clause, with its document, number, path, date and status."""
    query = update.callback_query
    assert query and update.effective_chat
    clause = clauses_by_id().get(cb.fields[0])
    if clause is None or not clause.answerable:
        await query.answer(t.EXPIRED, show_alert=True)
        return
    await query.answer()
    doc = get_document(clause.doc)
    number = doc.number or "征求意见稿，无文号"
    head = f"<b>{escape(doc.name)}《{escape(doc.title)}》</b>\n{escape(number)} {escape(clause.path)}"
    status = "（征求意见稿，不是正式生效文件）" if doc.is_draft else f"（{doc.date_label}印发）"
    for chunk in split_text(f"{head}{escape(status)}\n\n{escape(clause.text)}"):
        await context.bot.send_message(update.effective_chat.id, chunk)
