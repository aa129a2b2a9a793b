"""/console in the bot: an admin or staff member gets a one-time sign-in link to the office
console, with the server's public address in front, the link preview off (Telegram's preview
would fetch it) and forwarding blocked; everyone else, and every group chat, gets nothing."""

from __future__ import annotations

import re
from pathlib import Path

from bot.telegram import templates as t
from tests.bot.telegram_harness import ADMIN_ID, Harness
from tests.fake_bot_api import FakeBotApi

LINK = re.compile(r"https://lianxin\.example\.cn/console/link/([A-Za-z0-9_-]{40,})")


async def _links_in_database(bot: Harness) -> int:
    return int((await bot.storage._db.one("SELECT COUNT(*) AS n FROM console_links"))["n"])


async def test_staff_get_a_working_link_others_get_nothing(api: FakeBotApi, tmp_path: Path) -> None:
    bot = await Harness(api, tmp_path / "c.sqlite3", WEB_PUBLIC_URL="https://lianxin.example.cn/").start()
    try:
        sent = [c for c in await bot.say(ADMIN_ID, "/console") if c.method == "sendMessage"]
        assert len(sent) == 1
        found = LINK.search(sent[0].text)
        assert found and "10 分钟" in sent[0].text
        assert sent[0].params["link_preview_options"] == {"is_disabled": True}
        assert sent[0].params["protect_content"] in (True, "true")
        assert await bot.storage.office_sessions.redeem_link(found.group(1)) is not None  # it signs in
        assert await bot.storage.office_sessions.redeem_link(found.group(1)) is None  # once

        await bot.say(ADMIN_ID, "/grant 555 staff")
        staff = [c for c in await bot.say(555, "/console") if c.method == "sendMessage"]
        assert LINK.search(staff[0].text)

        before = await _links_in_database(bot)
        family = [c.text for c in await bot.say(556, "/console") if c.method == "sendMessage"]
        assert family == [t.STAFF_ONLY]
        group = {"id": -1001, "type": "group", "title": "村委会"}
        since = len(api.calls)
        api.send_text(ADMIN_ID, "/console", chat=group)
        assert [c.text for c in await bot.replies(-1001, since) if c.method == "sendMessage"] == [t.PRIVATE_ONLY]
        assert await _links_in_database(bot) == before
    finally:
        await bot.stop()


async def test_without_a_public_address_staff_are_told_whom_to_ask(api: FakeBotApi, tmp_path: Path) -> None:
    bot = await Harness(api, tmp_path / "n.sqlite3").start()
    try:
        sent = [c.text for c in await bot.say(ADMIN_ID, "/console") if c.method == "sendMessage"]
        assert sent == [t.CONSOLE_NO_ADDRESS.format(user=ADMIN_ID)]
        assert await _links_in_database(bot) == 0
    finally:
        await bot.stop()
