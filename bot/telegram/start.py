"""/start (role, city, consent), /help, /privacy, /forget, /join."""

from __future__ import annotations

from telegram import BotCommandScopeChat, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot.telegram import templates as t
from bot.telegram.callbacks import Callback, Kind, button, encode
from bot.telegram.contacts import contact_forget_note, contact_help, contact_start
from bot.telegram.context import known_user, role_of, storage
from bot.telegram.render import escape
from dialogs import conversation_templates as ct
from dialogs.small_talk import other_city_text
from knowledge.catalogue import documents, get_document

OTHER_PLACE = "other"


def city_keyboard() -> InlineKeyboardMarkup:
    rows = [[InlineKeyboardButton(d.name, callback_data=encode(Kind.CITY, code))] for code, d in documents().items()]
    rows.append([InlineKeyboardButton(ct.BTN_OTHER_PLACE, callback_data=encode(Kind.CITY, OTHER_PLACE))])
    return InlineKeyboardMarkup(rows)


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_user and update.effective_message
    await storage(context).users.ensure(update.effective_user.id)
    if await contact_start(update, context):  # a registry contact: no invite, no family consent text
        return
    keyboard = InlineKeyboardMarkup([
        [InlineKeyboardButton(t.ROLE_FAMILY, callback_data=encode(Kind.ROLE, "family"))],
        [InlineKeyboardButton(t.ROLE_VOLUNTEER, callback_data=encode(Kind.ROLE, "volunteer"))],
        [InlineKeyboardButton(t.ROLE_STAFF, callback_data=encode(Kind.ROLE, "staff"))],
    ])
    await update.effective_message.reply_text(t.WELCOME, reply_markup=keyboard)


@button(Kind.ROLE, ("family", "volunteer", "staff"))
async def on_role(update: Update, context: ContextTypes.DEFAULT_TYPE, cb: Callback) -> None:
    query = update.callback_query
    assert query and update.effective_user
    await query.answer()
    role = await role_of(update, context)
    text = t.ASK_CITY
    if cb.fields[0] != "family" and role not in ("volunteer", "staff", "admin"):
        text = t.NEEDS_INVITE + "\n\n" + t.ASK_CITY
    await query.edit_message_text(text, reply_markup=city_keyboard())


@button(Kind.CITY, lambda: [*documents(), OTHER_PLACE])
async def on_city(update: Update, context: ContextTypes.DEFAULT_TYPE, cb: Callback) -> None:
    query = update.callback_query
    assert query and update.effective_user
    await query.answer()
    code = cb.fields[0]
    if code == OTHER_PLACE:  # none of the five: say what we know and whom to ask locally
        await query.edit_message_text(escape(other_city_text(ct.YOUR_PLACE, None)) + "\n\n" + t.READY)
        return
    await storage(context).users.set_jurisdiction(update.effective_user.id, code)
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton(t.CONSENT_YES, callback_data=encode(Kind.CONSENT, "y"))],
                                     [InlineKeyboardButton(t.CONSENT_NO, callback_data=encode(Kind.CONSENT, "n"))]])
    await query.edit_message_text(t.CITY_SET.format(city=get_document(code).name) + "\n\n" + t.ASK_CONSENT,
                                  reply_markup=keyboard)


@button(Kind.CONSENT, ("y", "n"))
async def on_consent(update: Update, context: ContextTypes.DEFAULT_TYPE, cb: Callback) -> None:
    query = update.callback_query
    assert query and update.effective_user
    await query.answer()
    agreed = cb.fields[0] == "y"
    await storage(context).users.set_consent(update.effective_user.id, agreed)
    await query.edit_message_text((t.CONSENT_GIVEN if agreed else t.CONSENT_REFUSED) + "\n\n" + t.READY)


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message
    role = await role_of(update, context)
    if role in ("family", "volunteer") and await contact_help(update, context):
        return
    text = {"family": t.HELP_FAMILY, "volunteer": t.HELP_VOLUNTEER, "staff": t.HELP_STAFF,
            "admin": t.HELP_ADMIN}[role]
    await update.effective_message.reply_text(text.replace("{bot}", context.bot.username or "bot"))


async def privacy(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message
    await update.effective_message.reply_text(t.PRIVACY)


async def forget(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton(t.FORGET_YES, callback_data=encode(Kind.FORGET, "y"))],
                                     [InlineKeyboardButton(t.FORGET_NO, callback_data=encode(Kind.FORGET, "n"))]])
    await update.effective_message.reply_text(t.FORGET_CONFIRM + await contact_forget_note(update, context),
                                              reply_markup=keyboard)


@button(Kind.FORGET, ("y", "n"))
async def on_forget(update: Update, context: ContextTypes.DEFAULT_TYPE, cb: Callback) -> None:
    query = update.callback_query
    assert query and update.effective_user
    await query.answer()
    if cb.fields[0] == "n":
        await query.edit_message_text(t.FORGET_KEPT)
        return
    note = await contact_forget_note(update, context)  # what a contact's deletion keeps, and why
    await storage(context).users.forget(update.effective_user.id)
    if context.user_data is not None:
        context.user_data.clear()
    await query.edit_message_text(t.FORGOTTEN + note)


async def set_commands_for(context: ContextTypes.DEFAULT_TYPE, chat_id: int, role: str) -> None:
    """Register the commands this role can use, in this chat (Telegram shows them in the menu)."""
    commands = {"volunteer": t.COMMANDS_VOLUNTEER, "staff": t.COMMANDS_STAFF,
                "admin": t.COMMANDS_ADMIN}.get(role, t.COMMANDS_FAMILY)
    await context.bot.set_my_commands(commands, scope=BotCommandScopeChat(chat_id))


async def join(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message and update.effective_user and update.effective_chat
    if not context.args or len(context.args) != 1:
        await update.effective_message.reply_text(t.JOIN_USAGE)
        return
    await known_user(update, context)
    await storage(context).users.ensure(update.effective_user.id)
    role = await storage(context).users.redeem_invite(context.args[0].strip(), update.effective_user.id)
    if role is None:
        await update.effective_message.reply_text(t.JOIN_BAD)
        return
    await set_commands_for(context, update.effective_chat.id, role)
    await update.effective_message.reply_text(t.JOIN_OK.format(role=t.ROLE_NAMES[role]))
