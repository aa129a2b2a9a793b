"""Telegram renders the conversation core (`dialogs.conversation`); it decides nothing.

A typed message becomes `Conversation.on_text`, a pressed button whose data is one of the
core's choice ids becomes `Conversation.on_choice`, and the `Reply` comes back as HTML
messages under 4,096 characters with one big button per row (不清楚 and 返回 share a row).
An interview step replaces the message whose button was pressed, so the interview stays
one message; everything else is a new message.

Where the state lives (one JSON shape, `ConversationState`):
- a private chat of a person who agreed to keep their answers (or a contact interviewing
  for a registry family, who asked the family first): `storage.chat_states`, so a restart
  or kill -9 loses nothing and an old button still works;
- a private chat without that consent: PTB's user_data, for this session only (we keep
  nothing a family has not agreed to);
- a group chat: the chat's memory, per person, never the person's private conversation
  (a group must not see or answer someone's interview).
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatType
from telegram.ext import ContextTypes

from bot.storage import User
from bot.telegram.callbacks import Callback, DecodedHandler, Kind, button
from bot.telegram.context import clock, known_user, storage
from bot.telegram.render import escape, split_blocks
from dialogs import check_templates as ct
from dialogs import conversation_templates as cc
from dialogs.conversation import Conversation, ConversationState, Household, SavedAnswers
from dialogs.interview import InterviewState
from dialogs.replies import (
    Choice,
    FullText,
    Part,
    Reply,
    Result,
    Review,
    Step,
    part_text,
)

CHANNEL = "telegram"
STATE_KEY = "conversation"  # user_data / chat_data key of a state not kept in storage
log = logging.getLogger("lianxin.telegram")


class TelegramHousehold(Household):
    """What a Telegram conversation may learn or do beyond itself: the family's saved answers
    (with consent), the care registry (ask the contacts to come by), the despair count kept
    across restarts, the city remembered on the account."""

    def __init__(self, update: Update, context: ContextTypes.DEFAULT_TYPE, user: User | None) -> None:
        self.update = update
        self.context = context
        self.user = user
        self.uid = update.effective_user.id if update.effective_user else None
        self.private = update.effective_chat is not None and update.effective_chat.type == ChatType.PRIVATE

    async def saved_answers(self) -> SavedAnswers | None:
        if self.uid is None or self.user is None or not self.user.consent:
            return None
        record = await storage(self.context).conversations.read_profile(self.uid, self.uid)
        if record is None or not isinstance(record.get("answers"), dict):
            return None
        return SavedAnswers(record["jurisdiction"], record["answers"], str(record["updated_at"])[:10])

    async def save_result(self, state: InterviewState, for_family: int | None, eligible: str, unclear: str) -> str:
        if self.uid is None or state.jurisdiction is None:
            return ""
        answers = dict(state.answers)
        if for_family is not None:
            await storage(self.context).registry.save_family_record(for_family, {
                "jurisdiction": state.jurisdiction, "answers": answers, "eligible": eligible, "unclear": unclear,
                "by_contact": self.uid, "day": state.as_of.isoformat()})
            return "family"
        summary = cc.SAVED_SUMMARY.format(eligible=eligible) if eligible else cc.SAVED_SUMMARY_NONE
        saved = await storage(self.context).conversations.save_profile(self.uid, state.jurisdiction, answers, summary)
        return "saved" if saved else ""

    async def distress_turn(self) -> int | None:
        if self.uid is None:
            return None
        return await storage(self.context).conversations.distress_turn(self.uid, clock(self.context)())

    async def offers_visit(self) -> bool:
        return self.uid is not None and await storage(self.context).registry.family_of_telegram(self.uid) is not None

    async def ask_visit(self) -> bool | None:
        if self.uid is None:
            return None
        family_id = await storage(self.context).registry.family_of_telegram(self.uid)
        if family_id is None:  # unlinked or forgotten since
            return None
        created = await storage(self.context).reminders.raise_urgent(family_id, clock(self.context)())
        await storage(self.context).audit.record(self.uid, "family_asked_visit", None, str(family_id))
        return created > 0  # 0: asked already today (one reminder a day per contact)

    async def remember_city(self, code: str) -> None:
        if self.uid is not None:
            await storage(self.context).users.ensure(self.uid)
            await storage(self.context).users.set_jurisdiction(self.uid, code)


class TelegramConversation:
    """The core's conversation for one update, with where its state is loaded from and saved to."""

    def __init__(self, update: Update, context: ContextTypes.DEFAULT_TYPE, user: User | None,
                 state: ConversationState, stored: bool) -> None:
        self.update = update
        self.context = context
        self.user = user
        self.household = TelegramHousehold(update, context, user)
        self.core = Conversation(state, CHANNEL, self.household, clock(context)())
        self._stored = stored  # a row in storage exists (it must follow the state or go)
        self._loaded = state.to_json()  # unchanged after the turn (a greeting, most questions): no write

    @classmethod
    async def open(cls, update: Update, context: ContextTypes.DEFAULT_TYPE) -> TelegramConversation:
        user = await known_user(update, context)
        uid = update.effective_user.id if update.effective_user else None
        private = update.effective_chat is not None and update.effective_chat.type == ChatType.PRIVATE
        data: Any = None
        stored = False
        if uid is not None and private:
            row = await storage(context).chat_states.load(CHANNEL, str(uid))
            stored = row is not None
            if row is None:  # moved from the old table: written to chat_states when saved
                row = await storage(context).chat_states.take_legacy_interview(uid)
            if row is not None:
                data = row.state
            elif context.user_data is not None:
                data = context.user_data.get(STATE_KEY)
        elif uid is not None and context.chat_data is not None:
            data = context.chat_data.get(STATE_KEY, {}).get(uid)
        state = ConversationState.from_json(data)
        if state.city is None and user is not None and user.jurisdiction:
            state.city = user.jurisdiction  # chosen at /start
        return cls(update, context, user, state, stored)

    async def save(self) -> None:
        """Keep the state where this person allows (see the module docstring)."""
        uid = self.household.uid
        if uid is None:
            return
        state = self.core.state.to_json()
        if not self.household.private:
            if self.context.chat_data is not None:
                self.context.chat_data.setdefault(STATE_KEY, {})[uid] = state
            return
        consent = self.user is not None and self.user.consent
        if consent or self.core.state.for_family is not None:
            if state != self._loaded or not self._stored:
                await storage(self.context).chat_states.save(CHANNEL, str(uid), state)
            return
        if self._stored:  # an interview for a registry family has ended: its row goes
            await storage(self.context).chat_states.delete(CHANNEL, str(uid))
        if self.context.user_data is not None:
            self.context.user_data[STATE_KEY] = state


# --- rendering -------------------------------------------------------------------------

def _summary_html(part: Result) -> str:
    """The summary with its first line, the monthly total, in bold: the money is what a
    parent looks for first (the document's number follows it)."""
    view = part.view
    text = escape(view.summary)
    if view.headline and view.summary.startswith(view.headline):
        head = escape(view.headline)
        text = f"<b>{head}</b>{text[len(head):]}"
    return text + (f"\n\n{escape(part.note)}" if part.note else "")


def part_html(part: Part) -> str:
    if isinstance(part, Result):
        return _summary_html(part)
    if isinstance(part, FullText):
        title, _, place = part.head.partition("\n")
        return f"<b>{escape(title)}</b>\n{escape(place)}{escape(part.status)}\n\n{escape(part.text)}"
    if isinstance(part, Review):
        return escape(part_text(part))
    if isinstance(part, Step):
        return escape("\n\n".join(x for x in (part.intro, f"{part.progress}{part.text}") if x))
    return escape(part_text(part))


def keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    """One big button per row; 不清楚 and 返回 side by side under the options; a checklist's
    options show whether they are ticked."""
    step = next((p for p in reply.parts if isinstance(p, Step)), None)
    rows: list[list[InlineKeyboardButton]] = []
    pair: list[InlineKeyboardButton] = []
    for choice in reply.choices:
        button_ = InlineKeyboardButton(_label(choice, step), callback_data=choice.id)
        if choice.role in ("unknown", "back"):
            pair.append(button_)
        else:
            rows.append([button_])
    if pair:
        rows.append(pair)
    return InlineKeyboardMarkup(rows) if rows else None


def _label(choice: Choice, step: Step | None) -> str:
    if step is None or not step.question.multi or choice.role != "main":
        return choice.label
    return ("☑ " if choice.id.rsplit("|", 1)[-1] in step.ticked else "☐ ") + choice.label


def messages(reply: Reply) -> list[tuple[str, InlineKeyboardMarkup | None]]:
    """The reply as messages in order, the buttons under the last."""
    text = "\n\n".join(h for h in (part_html(p) for p in reply.parts) if h.strip())
    if not text and reply.refusal:
        text = escape(reply.refusal)
    chunks = split_blocks(text) if text else []
    markup = keyboard(reply)
    if markup is not None and not chunks:
        chunks = [escape(ct.RESULT_READY)]
    return [(chunk, markup if i == len(chunks) - 1 else None) for i, chunk in enumerate(chunks)]


async def send(context: ContextTypes.DEFAULT_TYPE, chat_id: int, reply: Reply,
               answering: Message | None = None) -> None:
    for text, markup in messages(reply):
        if answering is not None:
            await answering.reply_text(text, reply_markup=markup)
        else:
            await context.bot.send_message(chat_id, text, reply_markup=markup)


# --- handlers ---------------------------------------------------------------------------

async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Every typed message that is not a command: the conversation decides what it is."""
    message = update.effective_message
    assert message is not None and message.text is not None
    talk = await TelegramConversation.open(update, context)
    reply = await talk.core.on_text(message.text)
    await talk.save()
    await send(context, message.chat_id, reply, answering=message)


async def check_command(update: Update, context: ContextTypes.DEFAULT_TYPE, for_family: tuple[int, str] | None = None,
                        fresh: bool = False) -> None:
    """/check: start the interview (or go on with the one open) in a new message; a family
    with saved answers is first offered their last result (as /privacy promises)."""
    assert update.effective_user and update.effective_chat
    await storage(context).users.ensure(update.effective_user.id)
    talk = await TelegramConversation.open(update, context)
    reply = await talk.core.start_check(fresh=fresh, for_family=for_family)
    await talk.save()
    await send(context, update.effective_chat.id, reply)


async def on_choice(update: Update, context: ContextTypes.DEFAULT_TYPE, cb: Callback) -> None:
    """A pressed button of the conversation: interview steps edit the pressed message in
    place; the result, a clause's full text and the rest come as new messages."""
    query = update.callback_query
    assert query is not None and query.data is not None and update.effective_chat is not None
    talk = await TelegramConversation.open(update, context)
    reply = await talk.core.on_choice(query.data)
    await talk.save()
    if reply.refusal and not reply.parts:
        await query.answer(reply.refusal, show_alert=True)
        return
    await query.answer()
    pressed = query.message if isinstance(query.message, Message) else None
    chat_id = update.effective_chat.id
    out = messages(reply)
    if pressed is not None and cb.kind == Kind.INTERVIEW:
        if any(isinstance(p, Result) for p in reply.parts):
            await pressed.edit_text(escape(ct.RESULT_READY))
        elif len(out) == 1 and (reply.step or reply.ended):
            await pressed.edit_text(out[0][0], reply_markup=out[0][1])
            return
    elif pressed is not None and cb.kind in (Kind.COME_BY, Kind.RESULT) and query.data in ("s|go", "e|last",
                                                                                            "e|fresh"):
        await pressed.edit_reply_markup(None)  # asked once: the button goes
    await send(context, chat_id, reply)


def _choice_handler(kind: Kind) -> DecodedHandler:
    @button(kind)
    async def handler(update: Update, context: ContextTypes.DEFAULT_TYPE, cb: Callback) -> None:
        await on_choice(update, context, cb)

    return handler


# the button kinds whose data is a conversation choice id (dialogs.conversation)
CHOICE_HANDLERS: tuple[DecodedHandler, ...] = tuple(
    _choice_handler(k) for k in (Kind.FULL_TEXT, Kind.SHORTCUT, Kind.ANSWER_CITY, Kind.INTERVIEW, Kind.RESULT,
                                 Kind.COME_BY))
