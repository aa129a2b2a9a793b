"""A deployment with WeCom and no Telegram bot: `python -m bot web`'s process runs the
reminder loop (holding the database's lock, so a second process does not run another)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.storage import Storage
from bot.wecom.runner import runs_here, start_wecom_loop
from tests.bot.wecom.conftest import CADRE, today_at, wecom_settings
from tests.fake_wecom import FakeWeCom


async def test_the_web_process_sends_wecom_reminders_when_there_is_no_telegram_bot(tmp_path: Path,
                                                                                   fake: FakeWeCom) -> None:
    path = tmp_path / "db.sqlite3"
    s = await Storage.open(path)
    cadre = await s.registry.add_contact("赵主任", "village_cadre", wecom_user_id=CADRE)
    family = await s.registry.add_family("王家", "kaifeng")
    await s.registry.assign(family, cadre, today_at(10).date())
    await s.reminders.add([(family, cadre, "phone_call", today_at(10).date(), today_at(8))])
    await s.close()
    settings = wecom_settings(path, fake.base_url, BOT_REMINDER_INTERVAL=0.05)
    assert runs_here(settings)
    assert not runs_here(wecom_settings(path, fake.base_url, TELEGRAM_BOT_TOKEN="123456:" + "A" * 35))
    loop = await start_wecom_loop(settings, clock=lambda: today_at(10))
    assert loop is not None
    try:
        assert await start_wecom_loop(settings) is None  # the database's lock: one loop per database
        for _ in range(100):
            if fake.cards():
                break
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.3)  # several more rounds
        assert [c.touser for c in fake.cards()] == [CADRE]
    finally:
        await loop.stop()
