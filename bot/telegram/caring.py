"""Free text that is not a policy question: distress first, then everyday sentences.

dialogs/ decides (`is_distress`, `everyday_reply`) and writes the words; this module only
sends them, remembers a city the user named, and counts distress messages for operators.
What the person wrote is never logged or stored.
"""

from __future__ import annotations

import logging

from telegram import Message, Update
from telegram.ext import ContextTypes

from bot.telegram.context import known_user, storage
from bot.telegram.render import escape
from dialogs.distress import DISTRESS_COUNTER, distress_reply, is_distress
from dialogs.small_talk import EverydayReply, everyday_reply

log = logging.getLogger("lianxin.caring")


async def answer_distress(update: Update, context: ContextTypes.DEFAULT_TYPE, message: Message, text: str) -> bool:
    """Warmth, 12356, 120 / 110 and the city's clause, before any search; True if sent."""
    if not is_distress(text):
        return False
    count = DISTRESS_COUNTER.record()
    log.info("distress message answered (%d since start)", count)  # a counter, never the text
    user = await known_user(update, context)
    await message.reply_text(escape(distress_reply(user.jurisdiction if user else None)))
    return True


async def answer_everyday(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str) -> EverydayReply | None:
    """Send the everyday reply (and remember a named city); the caller shows clauses for
    `search_query` when there is one."""
    message = update.effective_message
    reply = everyday_reply(text, "telegram")
    if reply is None or message is None or update.effective_user is None:
        return None
    if reply.jurisdiction:
        await storage(context).users.ensure(update.effective_user.id)
        await storage(context).users.set_jurisdiction(update.effective_user.id, reply.jurisdiction)
    await message.reply_text(escape(reply.text))
    return reply
