"""End to end: the real application against a fake Telegram Bot API server on 127.0.0.1."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.telegram import templates as t
from tests.bot.telegram_harness import ADMIN_ID, Harness, last_with_buttons
from tests.fake_bot_api import FakeBotApi

FAMILY = 501
SECRET = "s3cret-token-0123456789-abcdef"


async def onboard(bot: Harness, uid: int, city: str = "kaifeng", consent: bool = True) -> None:
    replies = await bot.say(uid, "/start")
    assert t.ROLE_FAMILY in [b[0] for b in replies[-1].buttons()]
    replies = await bot.tap(uid, "r|family", replies[-1].message_id)
    replies = await bot.tap(uid, f"j|{city}", replies[-1].message_id if replies[-1].message_id else None)
    await bot.tap(uid, "k|y" if consent else "k|n")


async def test_start_role_city_interview_result(bot: Harness) -> None:
    await onboard(bot, FAMILY)
    user = await bot.storage.users.get(FAMILY)
    assert (user.role, user.jurisdiction, user.consent) == ("family", "kaifeng", True)
    replies = await bot.say(FAMILY, "/check")
    question = last_with_buttons(replies)
    assert "孩子现在的情况" in question.text
    for label in ("孩子已经离世", "夫妻两人", "两人都在本地（城镇户口）", "没有", "49到59岁", "不到60岁", "没有"):
        replies = await bot.tap_label(FAMILY, question, label)
        question = last_with_buttons([r for r in replies if r.method == "editMessageText"])
        assert question.message_id == replies[-1].message_id  # one message, edited as it goes
    assert "您填的情况如下" in question.text
    replies = await bot.tap_label(FAMILY, question, "看结果")
    texts = [r.text for r in replies if r.method == "sendMessage"]
    assert len(texts) == 1  # the summary first, the rest one button away
    assert "每月现金合计：2,860元" in texts[0] and "卫生健康委员会" in texts[0]
    summary = next(r for r in replies if r.method == "sendMessage")
    cash = [r.text for r in await bot.tap_label(FAMILY, summary, "现金") if r.method == "sendMessage"]
    assert "汴政办〔2023〕24号 三、（一）1." in "\n".join(cash)
    assert all(len(x) <= 4096 for x in cash)
    saved = await bot.storage.conversations.read_profile(FAMILY, reader=FAMILY)
    assert saved["answers"]["child_status"] == "deceased"
    assert await bot.storage.conversations.load(FAMILY) is None  # the finished interview is not kept


async def test_free_text_answers_with_citation_and_full_text_button(bot: Harness) -> None:
    await onboard(bot, 502)
    replies = await bot.say(502, "住院护理补贴每天多少钱")
    answer = last_with_buttons(replies)
    assert "三、（三）6." in answer.text and "300" in answer.text
    replies = await bot.tap_label(502, answer, "原文 1")
    full = [r for r in replies if r.method == "sendMessage"][-1]
    assert "每年最长不超过90天" in full.text and "汴政办〔2023〕24号" in full.text


async def test_entitlement_question_offers_the_interview(bot: Harness) -> None:
    await onboard(bot, 503)
    replies = await bot.say(503, "我家能享受什么补助")
    offer = last_with_buttons(replies)
    assert t.BTN_START_CHECK in [b[0] for b in offer.buttons()]
    replies = await bot.tap_label(503, offer, t.BTN_START_CHECK)
    assert any("孩子现在的情况" in r.text for r in replies)


async def test_nothing_found_is_said_honestly(bot: Harness) -> None:
    await onboard(bot, 504)
    replies = await bot.say(504, "明天天气怎么样")
    assert any("没有找到" in r.text for r in replies)


async def test_restart_mid_interview_resumes_and_old_buttons_work(api: FakeBotApi, tmp_path: Path) -> None:
    db = tmp_path / "bot.sqlite3"
    first = await Harness(api, db).start()
    await onboard(first, 505)
    question = last_with_buttons(await first.say(505, "/check"))
    question = last_with_buttons(await first.tap_label(505, question, "孩子已经离世"))
    question = last_with_buttons(await first.tap_label(505, question, "夫妻两人"))
    assert "户口" in question.text
    await first.stop()  # killed mid-interview

    second = await Harness(api, db).start()
    try:
        replies = await second.tap_label(505, question, "两人都在本地（城镇户口）")  # a button from before
        assert any("再生育或者收养" in r.text for r in replies)
        replies = await second.say(505, "/check")  # /check resumes rather than restarting
        assert t.CHECK_RESUMED in last_with_buttons(replies).text
        forged = await second.tap(505, "c|abcdef|a|later_child.n")
        assert any(r.method == "answerCallbackQuery" and t.EXPIRED in r.params.get("text", "") for r in forged)
    finally:
        await second.stop()


async def test_without_consent_nothing_about_the_family_is_stored(bot: Harness) -> None:
    await onboard(bot, 506, consent=False)
    question = last_with_buttons(await bot.say(506, "/check"))
    await bot.tap_label(506, question, "孩子已经离世")
    assert await bot.storage.conversations.load(506) is None
    user = await bot.storage.users.get(506)
    assert user.consent is False


async def test_forget_deletes_everything_after_confirmation(bot: Harness) -> None:
    await onboard(bot, 507)
    question = last_with_buttons(await bot.say(507, "/check"))
    await bot.tap_label(507, question, "孩子已经离世")
    assert await bot.storage.users.rows_about(507) > 0
    confirm = last_with_buttons(await bot.say(507, "/forget"))
    await bot.tap_label(507, confirm, t.FORGET_NO)
    assert await bot.storage.users.rows_about(507) > 0
    confirm = last_with_buttons(await bot.say(507, "/forget"))
    replies = await bot.tap_label(507, confirm, t.FORGET_YES)
    assert any(t.FORGOTTEN in r.text for r in replies)
    assert await bot.storage.users.rows_about(507) == 0


async def test_roles_staff_commands_refused_to_families_and_reads_audited(bot: Harness) -> None:
    await onboard(bot, FAMILY)
    question = last_with_buttons(await bot.say(FAMILY, "/check"))
    await bot.tap_label(FAMILY, question, "孩子健在，没有残疾")
    summary = last_with_buttons(bot.api.calls_to(FAMILY))
    await bot.tap_label(FAMILY, summary, "看结果")
    assert any(t.STAFF_ONLY in r.text for r in await bot.say(FAMILY, f"/family {FAMILY}"))
    assert any(t.ADMIN_ONLY in r.text for r in await bot.say(FAMILY, "/invite staff"))
    replies = await bot.say(ADMIN_ID, "/invite staff")
    code = next(r.text for r in replies if "邀请码" in r.text).split("<code>")[1].split("</code>")[0]
    staff = 601
    assert any("工作人员" in r.text for r in await bot.say(staff, f"/join {code}"))
    assert any(t.JOIN_BAD in r.text for r in await bot.say(602, f"/join {code}"))  # used once only
    await bot.tap(staff, "j|kaifeng")  # staff read only their own city's families
    replies = await bot.say(staff, f"/family {FAMILY}")
    assert any(f"用户 {FAMILY} 的记录" in r.text for r in replies)
    entries = await bot.storage.audit.entries(50)
    assert any(e["actor"] == staff and e["action"] == "read_family_record" and e["subject"] == FAMILY
               for e in entries)
    assert any(e["actor"] == FAMILY and e["action"] == "refused_command" for e in entries)
    scoped = [c for c in bot.api.calls if c.method == "setMyCommands" and c.params.get("scope", {}).get("chat_id")
              == staff]
    assert scoped and any(cmd["command"] == "family" for cmd in scoped[-1].params["commands"])


async def test_inline_mode_for_staff_only(bot: Harness) -> None:
    since = len(bot.api.calls)
    bot.api.inline(FAMILY, "住院护理")
    family = await bot.replies(FAMILY, since, methods=("answerInlineQuery",))
    assert family[-1].params["results"] == [] and "button" in family[-1].params
    await bot.storage.users.ensure(610)
    await bot.storage.users.set_role(610, "staff")
    since = len(bot.api.calls)
    bot.api.inline(610, "住院护理")
    staff = await bot.replies(610, since, methods=("answerInlineQuery",))
    results = staff[-1].params["results"]
    assert results and any("三、（三）6." in r["title"] or "三、（三）6." in r["input_message_content"]["message_text"]
                           for r in results)


async def test_garbage_and_forged_input_get_polite_answers(bot: Harness) -> None:
    await onboard(bot, 520)
    since = len(bot.api.calls)
    bot.api.send_other(520, sticker={"file_id": "x", "file_unique_id": "y", "type": "regular", "width": 1,
                                     "height": 1, "is_animated": False, "is_video": False})
    assert any(t.NON_TEXT in r.text for r in await bot.replies(520, since))
    since = len(bot.api.calls)
    bot.api.send_other(520, voice={"file_id": "v", "file_unique_id": "w", "duration": 3})
    assert any(t.NON_TEXT in r.text for r in await bot.replies(520, since))
    replies = await bot.say(520, "扶助金" * 400)
    assert any("有点长" in r.text for r in replies) and all(len(r.text) <= 4096 for r in replies)
    assert await bot.say(520, "😀😀😀")
    assert await bot.say(520, "asdkjh qwe <b>zz</b> &amp;")
    for data in ("c|zzzzzz|a|child.d", "zz|1", "o|kaifeng/99.9", "d|nowhere", "m|lottery", "r|king", "j|beijing",
                 "c|" + "x" * 70):
        replies = await bot.tap(520, data)
        assert any(r.method == "answerCallbackQuery" and r.params.get("show_alert") for r in replies), data
    assert any(t.UNKNOWN_COMMAND in r.text for r in await bot.say(520, "/nonsense"))
    replies = await bot.say(520, "每月扶助金多少")  # still answering after all that
    assert any("1430" in r.text for r in replies)


async def test_a_user_who_blocked_the_bot_is_recorded(bot: Harness, api: FakeBotApi) -> None:
    await onboard(bot, 530)
    api.blocked.add(530)
    since = len(api.calls)
    api.send_text(530, "每月扶助金多少")
    for _ in range(100):
        user = await bot.storage.users.get(530)
        if user.blocked:
            break
        await asyncio.sleep(0.05)
    assert user.blocked
    api.blocked.discard(530)
    assert await bot.say(531, "/start")  # others are still served
    assert since < len(api.calls)


async def test_flooding_user_is_asked_to_slow_down_once(api: FakeBotApi, tmp_path: Path) -> None:
    harness = await Harness(api, tmp_path / "b.sqlite3", BOT_USER_RATE_PER_MINUTE=5).start()
    try:
        since = len(api.calls)
        for _ in range(12):
            api.send_text(540, "扶助金")
        replies = await harness.replies(540, since, quiet=0.6)
        assert sum(t.SLOW_DOWN in r.text for r in replies) == 1
        assert sum(r.method == "sendMessage" and t.SLOW_DOWN not in r.text for r in replies) <= 5 * 2
    finally:
        await harness.stop()


async def test_doc_browsing_compare_help_and_privacy(bot: Harness) -> None:
    await onboard(bot, 550)
    docs = last_with_buttons(await bot.say(550, "/doc"))
    level = last_with_buttons(await bot.tap_label(550, docs, "开封市"))
    level = last_with_buttons(await bot.tap_label(550, level, "三、"))
    level = last_with_buttons(await bot.tap_label(550, level, "（三）"))
    replies = await bot.tap_label(550, level, "6.")
    assert any("每日300元" in r.text and "汴政办〔2023〕24号" in r.text for r in replies)
    topics = last_with_buttons(await bot.say(550, "/compare"))
    replies = await bot.tap_label(550, topics, "每月扶助金")
    joined = "\n".join(r.text for r in replies)
    assert all(city in joined for city in ("安康市", "临沂市", "泰州市姜堰区", "开封市", "柳州市"))
    assert "1,430元" in joined and "征求意见稿" in joined
    assert any("/check" in r.text and "/invite" not in r.text for r in await bot.say(550, "/help"))
    assert any("/invite" in r.text for r in await bot.say(ADMIN_ID, "/help"))
    assert any("/forget" in r.text and "保存" in r.text for r in await bot.say(550, "/privacy"))


async def test_one_failing_update_does_not_stop_the_others(bot: Harness, monkeypatch: pytest.MonkeyPatch,
                                                           caplog: pytest.LogCaptureFixture) -> None:
    import dialogs.conversation as ask_module

    real = ask_module.find_answer

    def flaky(question: str, *args: object, **kwargs: object) -> object:
        if "炸" in question:
            raise RuntimeError(f"boom on {question}")  # the message quotes the user
        return real(question, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(ask_module, "find_answer", flaky)
    await onboard(bot, 560)
    assert any(t.ERROR in r.text for r in await bot.say(560, "炸了我家孩子"))
    logged = "\n".join(r.getMessage() + str(r.exc_text or "") for r in caplog.records)
    assert "RuntimeError" in logged and "孩子" not in logged  # where it failed, never what the user wrote
    assert any("1430" in r.text for r in await bot.say(560, "每月扶助金多少"))
    assert any("1430" in r.text for r in await bot.say(561, "开封 每月扶助金多少"))


async def test_telegram_flood_limit_is_retried_not_lost(bot: Harness, api: FakeBotApi) -> None:
    await onboard(bot, 570)
    api.flood_once.add(570)
    api.send_text(570, "每月扶助金多少")
    for _ in range(100):
        sends = [c for c in api.calls if c.method == "sendMessage" and c.chat_id == 570 and "1430" in c.text]
        if len(sends) >= 2:
            break
        await asyncio.sleep(0.05)
    assert len(sends) == 2  # refused once with 429, sent again after retry_after (1 s)
    assert sends[1].at - sends[0].at >= 1.0


async def test_webhook_mode_with_secret_token_and_healthz(api: FakeBotApi, tmp_path: Path) -> None:
    import json
    import socket

    import httpx

    from bot.settings import load_settings
    from bot.telegram.app import build_application
    from bot.telegram.webhook import start_webhook, webhook_url
    from tests.fake_bot_api import TOKEN

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings = load_settings(TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=api.base_url,
                             BOT_DATABASE=tmp_path / "w.sqlite3", BOT_WEBHOOK_URL=f"http://127.0.0.1:{port}/hook",
                             BOT_WEBHOOK_PORT=port, BOT_WEBHOOK_SECRET=SECRET, BOT_REMINDER_INTERVAL=0.2)
    url = webhook_url(settings)
    assert url.startswith(f"http://127.0.0.1:{port}/hook/") and len(url.rsplit("/", 1)[1]) == 32
    app = build_application(settings)
    await app.initialize()
    await app.post_init(app)
    await app.start()
    server = await start_webhook(app, settings)
    try:
        assert any(c.method == "setWebhook" and c.params.get("url") == url
                   and c.params.get("secret_token") == SECRET for c in api.calls)
        update = {"update_id": 1, "message": {"message_id": 5, "date": 0, "chat": {"id": 580, "type": "private"},
                                             "from": {"id": 580, "is_bot": False, "first_name": "A"},
                                             "text": "/start", "entities": [{"type": "bot_command", "offset": 0,
                                                                              "length": 6}]}}
        headers = {"Content-Type": "application/json"}
        async with httpx.AsyncClient() as client:
            bad = await client.post(url, content=json.dumps(update),
                                    headers={**headers, "X-Telegram-Bot-Api-Secret-Token": "wrong"})
            assert bad.status_code == 403
            garbage = await client.post(url, content="{not json",
                                        headers={**headers, "X-Telegram-Bot-Api-Secret-Token": SECRET})
            assert garbage.status_code == 400
            ok = await client.post(url, content=json.dumps(update),
                                   headers={**headers, "X-Telegram-Bot-Api-Secret-Token": SECRET})
            assert ok.status_code == 200
            for _ in range(100):
                if any(c.method == "sendMessage" and c.chat_id == 580 for c in api.calls):
                    break
                await asyncio.sleep(0.05)
            assert any(c.method == "sendMessage" and c.chat_id == 580 and "连心助手" in c.text for c in api.calls)
            for _ in range(50):
                health = await client.get(f"http://127.0.0.1:{port}/healthz")
                if health.status_code == 200:
                    break
                await asyncio.sleep(0.1)
            body = health.json()
            assert health.status_code == 200 and body["ok"] and body["schema_version"] >= 3
            assert "database" not in body  # no file paths to the outside
            # the office console on the same server signs in with the bot's own database
            storage = app.bot_data["storage"]
            await storage.users.ensure(580)
            await storage.users.set_role(580, "admin")
            signed = await client.post(f"http://127.0.0.1:{port}/console/link/{await storage.office_sessions.create_link(580)}")
            assert signed.status_code == 303 and signed.headers["location"] == "/console"
            assert server.server.config.app.state.console_storage is storage
            await app.bot_data["storage"]._db.close()  # the database goes away: unhealthy
            sick = await client.get(f"http://127.0.0.1:{port}/healthz")
            assert sick.status_code == 503 and sick.json()["ok"] is False
    finally:
        server.stop()
        await app.stop()
        app.bot_data.pop("storage")
        await app.post_shutdown(app)
        await app.shutdown()
