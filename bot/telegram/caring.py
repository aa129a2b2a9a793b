"""Free text that is not a policy question: distress first, then everyday sentences.

dialogs/ decides (`is_distress`, `everyday_reply`) and writes the words; this module only
sends them, remembers a city the user named, and counts distress messages for operators.
What the person wrote is never logged or stored.
"""

from __future__ import annotations

import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatType
from telegram.ext import ContextTypes

from bot.telegram.callbacks import Callback, Kind, button, encode
from bot.telegram.context import clock, known_user, storage
from bot.telegram.render import escape
from bot.telegram.templates import EXPIRED
from dialogs import conversation_templates as ct
from dialogs.distress import DISTRESS_COUNTER, distress_reply, is_distress
from dialogs.small_talk import EverydayReply, everyday_reply

log = logging.getLogger("lianxin.caring")


async def answer_distress(update: Update, context: ContextTypes.DEFAULT_TYPE, message: Message, text: str,
                         nth: int = 1) -> bool:
    """Warmth, 12356, 120 / 110 and the city's clause, before any search; True if sent.
    `nth`: which despairing message of the conversation (a later one gets a shorter reply)."""
    if not is_distress(text):
        return False
    count = DISTRESS_COUNTER.record()
    log.info("distress message answered (%d since start)", count)  # a counter, never the text
    user = await known_user(update, context)
    text_out, keyboard = escape(distress_reply(user.jurisdiction if user else None, nth)), None
    private = update.effective_chat is not None and update.effective_chat.type == ChatType.PRIVATE
    if private and update.effective_user is not None \
            and await storage(context).registry.family_of_telegram(update.effective_user.id) is not None:
        text_out += "\n\n" + escape(ct.DISTRESS_OFFER_VISIT)
        keyboard = InlineKeyboardMarkup([[InlineKeyboardButton(ct.BTN_ASK_VISIT, callback_data=encode(Kind.COME_BY,
                                                                                                       "go"))]])
    await message.reply_text(text_out, reply_markup=keyboard)
    return True


@button(Kind.COME_BY, ("go",))
async def on_come_by(update: Update, context: ContextTypes.DEFAULT_TYPE, cb: Callback) -> None:
    """The family asked its contacts to come by: an urgent visit for each of them, through the
    reminders system (delivered, escalated and logged like any other). Nothing the family
    wrote goes with it; a second tap the same day asks nobody twice."""
    query = update.callback_query
    assert query and update.effective_user
    family_id = await storage(context).registry.family_of_telegram(update.effective_user.id)
    if family_id is None:  # unlinked or forgotten since
        await query.answer(EXPIRED, show_alert=True)
        return
    await query.answer()
    created = await storage(context).reminders.raise_urgent(family_id, clock(context)())
    await storage(context).audit.record(update.effective_user.id, "family_asked_visit", None, str(family_id))
    await query.edit_message_reply_markup(None)
    await context.bot.send_message(query.message.chat.id if query.message else update.effective_user.id,
                                   ct.DISTRESS_VISIT_ASKED if created else ct.DISTRESS_VISIT_ALREADY)


async def answer_everyday(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str) -> EverydayReply | None:
    """Send the everyday reply (and remember a named city); the caller shows clauses for
    `search_query` when there is one."""
    message = update.effective_message
    user = await known_user(update, context)
    reply = everyday_reply(text, "telegram", user.jurisdiction if user else None)
    if reply is None or message is None or update.effective_user is None:
        return None
    if reply.jurisdiction:
        await storage(context).users.ensure(update.effective_user.id)
        await storage(context).users.set_jurisdiction(update.effective_user.id, reply.jurisdiction)
    await message.reply_text(escape(reply.text))
    return reply
