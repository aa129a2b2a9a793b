"""A registry contact (a cadre or volunteer the office registered by Telegram id) on /start,
/help and /forget: recognised without an invite, shown their own commands and help, and told
what deleting their data keeps."""

from __future__ import annotations

from telegram import BotCommandScopeChat, Update
from telegram.ext import ContextTypes

from bot.reminders import templates as rt
from bot.telegram.context import storage
from bot.telegram.render import escape


async def contact_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """/start from a registry contact: recognised by Telegram id (no invite code), their own
    help and commands, not the family consent text. False for everyone else."""
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None:
        return False
    contact = await storage(context).registry.contact_by_telegram(user.id)
    if contact is None:
        return False
    role = await storage(context).registry.contact_role(contact[0]) or ""
    await context.bot.set_my_commands(rt.COMMANDS_CONTACT, scope=BotCommandScopeChat(user.id))
    await message.reply_text(rt.CONTACT_WELCOME.format(name=escape(contact[1]),
                                                       role=rt.CONTACT_ROLE_NAMES.get(role, role)) + rt.HELP_CONTACT)
    return True


async def contact_forget_note(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    """For a registry contact, /forget says honestly what stays (registration, visit logs) and why."""
    user = update.effective_user
    if user is None or await storage(context).registry.contact_by_telegram(user.id) is None:
        return ""
    return rt.CONTACT_FORGET_NOTE


async def contact_help(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """/help from a registry contact lists the contact commands."""
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None or await storage(context).registry.contact_by_telegram(user.id) is None:
        return False
    await message.reply_text(rt.HELP_CONTACT)
    return True
