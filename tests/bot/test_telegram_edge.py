"""Issue 13, the bot's edge: edited and repeated updates, group chats, webhook secrets, the
token, updates the library cannot read, double taps and per-user memory, typed ids.

Every test drives the real application through the fake Bot API on 127.0.0.1."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.telegram import guards
from bot.telegram import templates as t
from dialogs import conversation_templates as cc
from tests.bot.telegram_harness import ADMIN_ID, Harness, last_with_buttons
from tests.bot.test_telegram_e2e import onboard
from tests.fake_bot_api import TOKEN, FakeBotApi

GROUP = -100500
SECRET = "webhook-secret-0123456789-abcdefgh"


def command(uid: int, text: str, update_id: int, chat: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"update_id": update_id, "message": {
        "message_id": update_id + 10_000, "date": int(time.time()), "chat": chat or {"id": uid, "type": "private"},
        "from": {"id": uid, "is_bot": False, "first_name": f"U{uid}"}, "text": text,
        "entities": [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]}}


async def quiet_calls(api: FakeBotApi, since: int, chat_id: int, wait: float = 1.5, at_least: int = 0) -> list[Any]:
    """What the bot sent to `chat_id` after `since`: once `at_least` calls came (10 s at most),
    and `wait` seconds more for any that should not come."""

    def calls() -> list[Any]:
        return [c for c in api.calls[since:] if c.chat_id == chat_id and c.method in ("sendMessage", "editMessageText")]

    deadline = time.monotonic() + 10
    while len(calls()) < at_least and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    await asyncio.sleep(wait)
    return calls()


def codes(calls: list[Any]) -> list[str]:
    return [c.text for c in calls if "邀请码" in c.text]


# --- 8: edited messages and repeated update ids -----------------------------------------------

async def test_an_edited_message_never_runs_a_command(bot: Harness, api: FakeBotApi) -> None:
    replies = await bot.say(ADMIN_ID, "你好")
    since = len(api.calls)
    api.edit_text(ADMIN_ID, 100, "/invite staff")  # the admin edits an earlier message into a command
    api.edit_text(ADMIN_ID, 100, "/grant 777 staff")
    assert await quiet_calls(api, since, ADMIN_ID) == []
    assert (await bot.storage.users.get(777)) is None
    assert codes(await bot.say(ADMIN_ID, "/invite staff"))  # a new message still works
    assert replies


async def test_a_repeated_update_is_handled_once_even_after_a_restart(api: FakeBotApi, tmp_path: Path) -> None:
    first = await Harness(api, tmp_path / "bot.sqlite3").start()
    try:
        update_id = api.next_update_id()
        since = len(api.calls)
        api.push_raw(command(ADMIN_ID, "/invite staff", update_id), command(ADMIN_ID, "/invite staff", update_id))
        assert len(codes(await quiet_calls(api, since, ADMIN_ID, at_least=1))) == 1
    finally:
        await first.stop()
    second = await Harness(api, tmp_path / "bot.sqlite3").start()
    try:
        since = len(api.calls)
        api.push_raw(command(ADMIN_ID, "/invite staff", update_id))  # redelivered after the restart
        assert codes(await quiet_calls(api, since, ADMIN_ID)) == []
        assert len(codes(await second.say(ADMIN_ID, "/invite staff"))) == 1  # a new update is answered
    finally:
        await second.stop()


# --- 11: staff, admin and contact work only in private chats ----------------------------------

async def test_staff_admin_and_contact_commands_refused_in_groups(bot: Harness, api: FakeBotApi) -> None:
    group = {"id": GROUP, "type": "group", "title": "村委会"}
    await bot.storage.users.ensure(501)
    await bot.storage.conversations.save_profile(501, "kaifeng", {"child.status": "died"}, "秘密摘要")
    contact = await bot.storage.registry.add_contact("赵主任", "village_cadre", telegram_id=ADMIN_ID)
    family = await bot.storage.registry.add_family("王家", "kaifeng")
    import datetime as dt

    await bot.storage.registry.assign(family, contact, dt.date(2027, 1, 1))
    for text in ("/family 501", "/invite staff", "/grant 778 staff", "/audit", "/myfamilies", "/visitcheck",
                 "/urgent", "/urgent 1", "/overdue", "/assign 1 1", "/join abcdef", "/invite@lianxin_test_bot staff"):
        since = len(api.calls)
        api.send_text(ADMIN_ID, text, chat=group)
        replies = await bot.replies(GROUP, since)
        assert [r.text for r in replies if r.method == "sendMessage"] == [t.PRIVATE_ONLY], text
    assert (await bot.storage.users.get(778)) is None
    assert not [c for c in api.calls if c.chat_id == GROUP and ("王家" in c.text or "邀请码" in c.text
                                                                 or "秘密" in c.text)]
    since = len(api.calls)
    api.push_raw({"update_id": api.next_update_id(), "callback_query": {
        "id": "77", "from": {"id": ADMIN_ID, "is_bot": False, "first_name": "A"}, "chat_instance": "g",
        "data": f"u|{family}", "message": {"message_id": 3, "date": 0, "chat": group, "text": "…"}}})
    answers = await bot.replies(GROUP, since, methods=("answerCallbackQuery",))
    assert answers[-1].params.get("text") == t.PRIVATE_ONLY
    assert not [c for c in api.calls[since:] if c.method == "sendMessage"]  # no urgent visit raised
    # the same admin in a private chat still works
    assert codes(await bot.say(ADMIN_ID, "/invite staff"))


# --- 10: webhook mode needs a secret, checked in constant time, on an unguessable path -----------

def run_bot(tmp: Path, api: FakeBotApi, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "BOT_"))}
    clean.update(TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=api.base_url, BOT_DATABASE=str(tmp / "b.sqlite3"),
                 **env)
    return subprocess.run([sys.executable, "-m", "bot", "run"], env=clean, cwd=tmp, capture_output=True, text=True,
                          timeout=60)


def test_webhook_mode_refuses_to_start_without_a_real_secret(tmp_path: Path, api: FakeBotApi) -> None:
    for secret in ({}, {"BOT_WEBHOOK_SECRET": "short"}, {"BOT_WEBHOOK_SECRET": "has spaces " * 4}):
        p = run_bot(tmp_path, api, BOT_WEBHOOK_URL="https://lianxin.example.cn/telegram", **secret)
        assert p.returncode == 2 and len(p.stderr.strip().splitlines()) == 1, p.stderr
        assert p.stderr.startswith("setting BOT_WEBHOOK_SECRET:") and "Traceback" not in p.stderr
    assert not [c for c in api.calls if c.method == "setWebhook"]


def test_the_webhook_path_is_derived_from_the_secret() -> None:
    from bot.settings import load_settings
    from bot.telegram.webhook import webhook_path

    def path(secret: str) -> str:
        return webhook_path(load_settings(BOT_WEBHOOK_URL="https://x.cn/telegram/", BOT_WEBHOOK_SECRET=secret))

    one, other = path(SECRET), path(SECRET[::-1])
    assert one.startswith("/telegram/") and len(one) == len("/telegram/") + 32 and one != other
    assert SECRET not in one and path(SECRET) == one  # stable across restarts


async def test_webhook_redelivery_and_forgery(api: FakeBotApi, tmp_path: Path) -> None:
    from bot.settings import load_settings
    from bot.telegram.app import build_application
    from bot.telegram.webhook import start_webhook, webhook_url

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings = load_settings(TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=api.base_url,
                             BOT_DATABASE=tmp_path / "w.sqlite3", BOT_WEBHOOK_URL=f"http://127.0.0.1:{port}/tg",
                             BOT_WEBHOOK_PORT=port, BOT_WEBHOOK_SECRET=SECRET, BOT_ADMIN_IDS=str(ADMIN_ID))
    app = build_application(settings)
    await app.initialize()
    await app.post_init(app)
    await app.start()
    server = await start_webhook(app, settings)
    try:
        body = json.dumps(command(ADMIN_ID, "/invite staff", 42))
        good = {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": SECRET}
        async with httpx.AsyncClient() as client:
            guessed = await client.post(f"http://127.0.0.1:{port}/tg", content=body, headers=good)
            assert guessed.status_code == 404  # the configured prefix alone is not the webhook
            forged = await client.post(webhook_url(settings), content=body,
                                       headers={**good, "X-Telegram-Bot-Api-Secret-Token": SECRET[:-1] + "x"})
            assert forged.status_code == 403
            since = len(api.calls)
            for _ in range(2):  # Telegram redelivers when our answer was slow
                assert (await client.post(webhook_url(settings), content=body, headers=good)).status_code == 200
            unreadable = json.dumps({"update_id": 43, "message": {"message_id": "x", "chat": "y", "text": "秘密"}})
            assert (await client.post(webhook_url(settings), content=unreadable, headers=good)).status_code == 200
            assert len(codes(await quiet_calls(api, since, ADMIN_ID, at_least=1))) == 1
    finally:
        server.stop()
        await app.stop()
        await app.post_shutdown(app)
        await app.shutdown()


# --- 14: a rejected token never reaches the log -------------------------------------------------

def test_a_rejected_token_is_one_line_without_the_token(tmp_path: Path, api: FakeBotApi) -> None:
    api.reject_token = True
    p = run_bot(tmp_path, api)
    assert p.returncode == 2, p.stderr
    assert TOKEN.split(":")[1] not in p.stdout + p.stderr
    assert p.stderr.strip().splitlines() == [
        "setting TELEGRAM_BOT_TOKEN: Telegram rejected this token (copy it again from @BotFather)"]


def test_the_log_blanks_the_token_whatever_prints_it(capsys: pytest.CaptureFixture[str]) -> None:
    from bot.logs import configure_logging

    configure_logging("json", secrets=(TOKEN,))
    try:
        raise RuntimeError(f"The token `{TOKEN}` was rejected; url .../bot{TOKEN}/getMe")
    except RuntimeError:
        logging.getLogger("telegram.ext").exception("failed")
    logging.getLogger("x").warning("secret part %s", TOKEN.split(":")[1])
    err = capsys.readouterr().err
    assert TOKEN.split(":")[1] not in err and err.count("<redacted>") >= 1
    logging.getLogger().handlers.clear()


# --- 16: an update the library cannot read ------------------------------------------------------

async def test_an_unreadable_update_stops_nobody_and_is_not_logged(bot: Harness, api: FakeBotApi,
                                                                   caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    bad = {"update_id": api.next_update_id(), "message": {"message_id": 9, "date": "soon", "text": "我的秘密病情",
                                                          "chat": {"id": 540, "type": "private"},
                                                          "from": {"id": 540, "is_bot": False, "first_name": "张三"}}}
    api.push_raw(bad)
    replies = await bot.say(541, "开封每月扶助金多少")  # another family, right after
    assert any("1430" in r.text for r in replies)
    await asyncio.sleep(1.0)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not [r for r in caplog.records if "我的秘密病情" in r.getMessage() or "张三" in r.getMessage()]
    skipped = [r for r in caplog.records if "could not be read" in r.getMessage()]
    assert len(skipped) == 1 and str(bad["update_id"]) in skipped[0].getMessage()


# --- 20: double taps, and memory per user -------------------------------------------------------

async def test_a_double_tap_is_not_an_error(bot: Harness, api: FakeBotApi, caplog: pytest.LogCaptureFixture) -> None:
    menu = last_with_buttons(await bot.say(560, "/doc"))
    data = menu.buttons()[0][1]
    first = await bot.tap(560, data, menu.message_id)
    assert any(r.method == "editMessageText" for r in first)
    since = len(api.calls)
    api.tap(560, data, menu.message_id)  # the same button again: Telegram says "message is not modified"
    await bot.replies(560, since, methods=("answerCallbackQuery", "editMessageText"))
    await asyncio.sleep(4.0)  # long enough for any retry of the refused edit (0.5 + 1 + 2 s) to end
    assert any(c.method == "editMessageText" for c in api.calls[since:])  # the no-op edit was made
    assert not [c for c in api.calls[since:] if c.method == "sendMessage" and t.ERROR in c.text]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_the_rate_window_forgets_idle_users() -> None:
    limiter = guards.UserRateLimit(per_minute=3)
    for uid in range(1000):
        assert limiter.allow(uid, now=0.0)
    assert limiter.allow(5, now=guards.IDLE_SECONDS - 1)
    assert sorted(limiter.prune(now=guards.IDLE_SECONDS + 1)) == [u for u in range(1000) if u != 5]
    assert len(limiter) == 1


async def test_per_user_memory_is_bounded(bot: Harness, api: FakeBotApi) -> None:
    for uid in range(700, 740):
        api.send_text(uid, "/check")
    await bot.replies(739, 0, quiet=0.5)
    app = bot.app
    for _ in range(200):  # until every user's update is done
        if len(app.update_processor) == 0 and len(app.bot_data["user_rate"]) >= 40:
            break
        await asyncio.sleep(0.05)
    assert len(app.update_processor) == 0  # no lock left behind per user
    assert len(app.user_data) >= 1 and len(app.bot_data["user_rate"]) >= 40
    gone = guards.prune_idle_users(app, now=time.monotonic() + guards.IDLE_SECONDS + 1)
    assert gone >= 40 and len(app.user_data) == 0 and len(app.bot_data["user_rate"]) == 0
    assert await bot.say(700, "每月扶助金多少")  # a pruned user is served as before


# --- 17: ids are ASCII digits of bounded length -------------------------------------------------

async def test_grant_refuses_ids_that_are_not_ascii_digits(bot: Harness) -> None:
    for text in ("/grant ١١٢ staff", "/grant ² staff", "/grant 99999999999999999999 staff", "/family ١١٢"):
        replies = await bot.say(ADMIN_ID, text)
        assert any(t.GRANT_USAGE in r.text or t.FAMILY_USAGE in r.text for r in replies), text
    assert (await bot.storage.users.get(112)) is None and (await bot.storage.users.get(2)) is None
    assert any("112" in r.text for r in await bot.say(ADMIN_ID, "/grant 112 staff"))
    assert (await bot.storage.users.get(112)).role == "staff"


# --- callback kinds: one StrEnum gives the handler patterns and the decode rules ----------------

def test_every_button_kind_has_one_handler_and_one_shape() -> None:
    from bot.telegram.app import BUTTON_HANDLERS
    from bot.telegram.callbacks import SHAPES, Kind, decode, encode

    assert sorted(h.kind for h in BUTTON_HANDLERS) == sorted(Kind) and set(SHAPES) == set(Kind)
    for kind in Kind:
        fields = ["7"] * kind.shape.min_fields
        data = encode(kind, *fields)
        assert decode(data) is not None and decode(data).kind is kind  # type: ignore[union-attr]
        assert decode(encode(kind, *["7"] * (kind.shape.max_fields + 1))) is None


async def test_malformed_buttons_of_known_kinds_are_expired(bot: Harness) -> None:
    for data in ("p|1", "v|abc", "h|١", "u|1|2", "x|nope", "k|maybe", "g|", "c|tok"):
        replies = await bot.tap(590, data)
        assert any(r.method == "answerCallbackQuery" and r.params.get("text") == t.EXPIRED
                   and r.params.get("show_alert") for r in replies), data


async def test_a_typed_age_in_odd_digits_is_not_an_error(bot: Harness, api: FakeBotApi) -> None:
    from tests.bot.test_telegram_e2e import onboard

    await onboard(bot, 595)
    question = last_with_buttons(await bot.say(595, "/check"))
    for _ in range(8):  # first option until the mother's age is asked
        if "岁数" in question.text:
            break
        await bot.tap(595, question.buttons()[0][1], question.message_id)
        question = last_with_buttons(api.calls_to(595))
    assert "岁数" in question.text
    for typed in ("²", "9" * 5000, "٥٨岁"):
        replies = await bot.say(595, typed)
        said = [r.text for r in replies if r.method == "sendMessage"]
        # one message: the polite "not an age", and the question asked again under it
        assert len(said) == 1 and said[0].startswith(cc.BAD_AGE) and "岁数" in said[0], typed
    assert "岁数" in last_with_buttons(api.calls_to(595)).text  # still at the age question


async def test_a_familys_own_flow_stays_out_of_groups(bot: Harness, api: FakeBotApi) -> None:
    """/start, /check, /forget and their buttons would show a family's situation to the whole
    group; a question in a group is answered without the asker's saved answers."""
    group = {"id": GROUP, "type": "supergroup", "title": "亲友群"}
    await onboard(bot, 530, "liuzhou")
    answers = {"child_status": "disabled", "disability_grade": 2, "later_child": False, "hukou": "both"}
    assert await bot.storage.conversations.save_profile(530, "liuzhou", answers, "summary")
    for text in ("/start", "/check", "/forget", "/check@lianxin_test_bot"):
        since = len(api.calls)
        api.send_text(530, text, chat=group)
        replies = await bot.replies(GROUP, since)
        assert [r.text for r in replies if r.method == "sendMessage"] == [t.PRIVATE_ONLY], text
    since = len(api.calls)
    api.push_raw({"update_id": api.next_update_id(), "callback_query": {
        "id": "78", "from": {"id": 530, "is_bot": False, "first_name": "A"}, "chat_instance": "g",
        "data": "k|y", "message": {"message_id": 3, "date": 0, "chat": group, "text": "…"}}})
    answers_cb = await bot.replies(GROUP, since, methods=("answerCallbackQuery",))
    assert answers_cb[-1].params.get("text") == t.PRIVATE_ONLY
    since = len(api.calls)
    api.send_text(530, "每个月能领多少钱", chat=group)
    replies = [r.text for r in await bot.replies(GROUP, since) if r.method == "sendMessage"]
    assert replies and not any("按您填的情况" in r for r in replies)
    # in the private chat the same question uses the saved answers
    assert any("按您填的情况" in r.text for r in await bot.say(530, "每个月能领多少钱"))
