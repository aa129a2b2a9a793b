"""/doc (the clause tree on buttons), /compare (one benefit across the five), inline mode."""

from __future__ import annotations

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InputTextMessageContent,
    Update,
)
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot.telegram import templates as t
from bot.telegram.callbacks import Callback, Kind, button, encode
from bot.telegram.context import role_of
from bot.telegram.render import escape, split_text
from dialogs.eligibility_text import render_comparison
from knowledge.catalogue import documents, get_document
from knowledge.clause_search import search
from knowledge.clauses import clauses_by_id, load_clauses
from knowledge.rules_schema import TOPICS


def _doc_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(d.name, callback_data=encode(Kind.DOC, code))]
                                 for code, d in documents().items()])


async def doc_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message
    await update.effective_message.reply_text(t.CHOOSE_DOC, reply_markup=_doc_keyboard())


def _children(node_id: str) -> list[str]:
    if node_id in documents():
        return [c.id for c in load_clauses() if c.doc == node_id and c.parent is None and c.kind != "front_matter"]
    clause = clauses_by_id()[node_id]
    return list(clause.children)


@button(Kind.DOC)
async def on_doc(update: Update, context: ContextTypes.DEFAULT_TYPE, cb: Callback) -> None:
    query = update.callback_query
    assert query and update.effective_chat
    node = cb.fields[0]
    if node == "_":
        await query.answer()
        await query.edit_message_text(t.CHOOSE_DOC, reply_markup=_doc_keyboard())
        return
    if node not in documents() and node not in clauses_by_id():
        await query.answer(t.EXPIRED, show_alert=True)
        return
    await query.answer()
    children = _children(node)
    if children:
        title = get_document(node).title if node in documents() else clauses_by_id()[node].title or node
        rows = []
        for cid in children:
            c = clauses_by_id()[cid]
            label = f"{c.path} {c.title or c.text[:16]}"[:40]
            rows.append([InlineKeyboardButton(label, callback_data=encode(Kind.DOC, cid))])
        parent = None if node in documents() else (clauses_by_id()[node].parent or clauses_by_id()[node].doc)
        rows.append([InlineKeyboardButton(t.BTN_BACK_UP, callback_data=encode(Kind.DOC, parent or "_"))])
        await query.edit_message_text(t.CHOOSE_CLAUSE.format(title=escape(title)),
                                      reply_markup=InlineKeyboardMarkup(rows))
        return
    clause = clauses_by_id()[node]
    doc = get_document(clause.doc)
    status = "（征求意见稿）" if doc.is_draft else f"（{doc.date_label}）"
    text = f"<b>{escape(doc.number or doc.title)} {escape(clause.path)}</b>{escape(status)}\n{escape(clause.text)}"
    for chunk in split_text(text):
        await context.bot.send_message(update.effective_chat.id, chunk)


async def compare_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message
    rows = [[InlineKeyboardButton(label, callback_data=encode(Kind.COMPARE, code))] for code, label in TOPICS.items()]
    await update.effective_message.reply_text(t.CHOOSE_TOPIC, reply_markup=InlineKeyboardMarkup(rows))


@button(Kind.COMPARE, TOPICS)
async def on_compare(update: Update, context: ContextTypes.DEFAULT_TYPE, cb: Callback) -> None:
    query = update.callback_query
    assert query and update.effective_chat
    await query.answer()
    for chunk in split_text(escape(render_comparison(cb.fields[0]))):
        await context.bot.send_message(update.effective_chat.id, chunk)


async def on_inline(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`@bot 住院护理` in any chat: clauses to paste, each with its citation (staff only)."""
    query = update.inline_query
    assert query
    if await role_of(update, context) not in ("staff", "admin", "volunteer"):
        await query.answer([], button=InlineQueryResultsButton(t.INLINE_STAFF_ONLY, start_parameter="staff"),
                           cache_time=0, is_personal=True)
        return
    text = query.query.strip()[:200]
    result = search(text, None, 5) if text else None
    articles = []
    for hit in (result.hits if result and result.answered else []):
        clause = hit.clause
        doc = get_document(clause.doc)
        body = (f"<b>{escape(doc.name)} {escape(doc.number or '征求意见稿')} {escape(clause.path)}</b>\n"
                f"{escape(hit.sentence)}")
        articles.append(InlineQueryResultArticle(
            id=clause.id.replace("/", "_"), title=f"{doc.name} {clause.path} {clause.title or ''}"[:60],
            description=hit.sentence[:120],
            input_message_content=InputTextMessageContent(body[:4000], parse_mode=ParseMode.HTML)))
    await query.answer(articles, cache_time=0, is_personal=True)
