"""The fake WeCom on 127.0.0.1, a registry with contacts bound to WeCom, and the app's /wecom."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.reminders.delivery import Dispatch, TickReport, tick
from bot.reminders.planner import SHANGHAI
from bot.settings import Settings
from bot.storage import Storage
from bot.web.app import create_app
from bot.wecom.api import close_shared
from bot.wecom.sender import wecom_sender
from tests.fake_wecom import AES_KEY, AGENT_ID, CORP_ID, SECRET, TOKEN, CallbackClient, FakeWeCom

CADRE = "zhaozhuren"  # the village cadre's WeCom account
BOSS = "zhangkezhang"  # their supervisor's
ADMIN = 900


def today_at(hour: int, days: int = 0) -> dt.datetime:
    day = dt.datetime.now(SHANGHAI).date() + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour), SHANGHAI)


def wecom_settings(path: Path, base: str, **more: Any) -> Settings:
    return Settings(_env_file=None, WECOM_CORP_ID=CORP_ID, WECOM_AGENT_ID=AGENT_ID,  # type: ignore[call-arg]
                    WECOM_SECRET=SECRET, WECOM_TOKEN=TOKEN, WECOM_AES_KEY=AES_KEY, WECOM_API_BASE=base,
                    BOT_DATABASE=path, **more)


@dataclass
class World:
    path: Path
    storage: Storage
    settings: Settings
    fake: FakeWeCom
    family: int
    cadre: int
    boss: int
    reminder: int

    async def tick(self, now: dt.datetime | None = None) -> TickReport:
        sender = Dispatch(None, wecom_sender(self.storage, self.settings))
        return await tick(self.storage, sender, now or today_at(10), (ADMIN,))

    async def restart(self) -> None:
        """The process stops and starts again on the same database."""
        await close_shared(self.storage)
        await self.storage.close()
        self.storage = await Storage.open(self.path)

    def client(self) -> httpx.AsyncClient:
        app = create_app(storage=self.storage, settings=self.settings, announce_random_key=False)
        return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="https://lianxin.test")

    async def visits(self) -> list[dict[str, Any]]:
        return await self.storage.registry.visits()


@pytest.fixture
async def fake() -> AsyncIterator[FakeWeCom]:
    server = FakeWeCom().start()
    yield server
    server.stop()


@pytest.fixture
async def world(tmp_path: Path, fake: FakeWeCom) -> AsyncIterator[World]:
    path = tmp_path / "db.sqlite3"
    s = await Storage.open(path)
    boss = await s.registry.add_contact("张科长", "township_leader", wecom_user_id=BOSS)
    cadre = await s.registry.add_contact("赵主任", "village_cadre", "城关镇", wecom_user_id=CADRE, supervisor_id=boss)
    family = await s.registry.add_family("王家", "kaifeng", "城关镇", "东村")
    today = today_at(10).date()
    await s.registry.assign(family, cadre, today)  # assigned today: the schedule has nothing due yet
    await s.reminders.add([(family, cadre, "phone_call", today, today_at(8))])
    reminder = (await s.reminders.all())[0].id
    w = World(path, s, wecom_settings(path, fake.base_url), fake, family, cadre, boss, reminder)
    yield w
    await close_shared(w.storage)
    await w.storage.close()


async def press(world: World, callbacks: CallbackClient, user: str, action: str, card_index: int = -1,
                created: int | None = None) -> tuple[httpx.Response, tuple[str, bytes]]:
    """The cadre presses a button on the card they got; returns the answer and the signed request
    (to send again as WeCom's retry)."""
    card = world.fake.cards()[card_index]
    key = dict((text, k) for text, k in card.buttons())[action]
    xml = callbacks.card_event(user, key, card.card["task_id"], created=created)
    query, body = callbacks.signed(xml)
    async with world.client() as c:
        return await c.post(f"/wecom?{query}", content=body), (query, body)


async def post_again(world: World, signed: tuple[str, bytes]) -> httpx.Response:
    async with world.client() as c:
        return await c.post(f"/wecom?{signed[0]}", content=signed[1])
