"""kill -9 of the real bot process in the middle of a late batch of reminders, then a restart:
every contact gets exactly one copy (the reminder caught in flight is not sent again, and
none of the others is lost)."""

from __future__ import annotations

import asyncio
import collections
import datetime as dt
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from bot.reminders.planner import SHANGHAI
from bot.storage import Storage
from tests.fake_bot_api import TOKEN, Call, FakeBotApi

CONTACTS = list(range(70_001, 70_013))


async def seed_late_batch(path: Path) -> None:
    """Twelve reminders that fell due three days ago, while the bot was down."""
    s = await Storage.open(path)
    due = dt.datetime.now(SHANGHAI) - dt.timedelta(days=3)
    for uid in CONTACTS:
        family = await s.registry.add_family(f"家庭{uid}", "kaifeng")
        contact = await s.registry.add_contact(f"联系人{uid}", "village_cadre", telegram_id=uid)
        await s.reminders.add([(family, contact, "phone_call", due.date(), due)])
    await s.close()


def start_bot(tmp_path: Path, api: FakeBotApi, database: Path) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "BOT_"))}
    env.update(TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=api.base_url, BOT_DATABASE=str(database),
               BOT_QUIET_HOURS="0-0", BOT_REMINDER_INTERVAL="0.3", BOT_POLL_INTERVAL="0.1")
    return subprocess.Popen([sys.executable, "-m", "bot", "run"], cwd=tmp_path, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, text=True)


def reminders_received(api: FakeBotApi) -> collections.Counter[int]:
    return collections.Counter(c.chat_id for c in list(api.calls)
                               if c.method == "sendMessage" and c.chat_id in CONTACTS)


def test_kill_9_during_a_late_batch_neither_repeats_nor_loses(tmp_path: Path) -> None:
    database = tmp_path / "bot.sqlite3"
    asyncio.run(seed_late_batch(database))
    api = FakeBotApi().start()
    in_flight, killed = threading.Event(), threading.Event()

    def hold_the_fifth(call: Call) -> None:  # Telegram has the 5th request when the process dies
        if call.method == "sendMessage" and call.chat_id in CONTACTS and sum(reminders_received(api).values()) == 5:
            in_flight.set()
            killed.wait(30)

    api.on_call = hold_the_fifth
    first = start_bot(tmp_path, api, database)
    try:
        assert in_flight.wait(60), "the bot never started sending"
        os.kill(first.pid, signal.SIGKILL)
        first.wait(10)
    finally:
        killed.set()
        if first.poll() is None:
            first.kill()
    assert sum(reminders_received(api).values()) == 5
    second = start_bot(tmp_path, api, database)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len(reminders_received(api)) < len(CONTACTS):
            time.sleep(0.1)
        time.sleep(3)  # several more rounds of the loop: nothing may come twice
    finally:
        second.send_signal(signal.SIGTERM)
        try:
            second.wait(20)
        except subprocess.TimeoutExpired:
            second.kill()
        api.stop()
    received = reminders_received(api)
    assert sorted(received) == CONTACTS  # none lost
    assert set(received.values()) == {1}  # none twice
