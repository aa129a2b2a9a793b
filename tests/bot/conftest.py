"""The fake Bot API on 127.0.0.1 and the real bot against it, for every end-to-end test here
(a test file may still define its own `bot` when it needs other settings or a clock)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.bot.telegram_harness import Harness
from tests.fake_bot_api import FakeBotApi


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    server = FakeBotApi().start()
    yield server
    server.stop()


@pytest.fixture
async def bot(api: FakeBotApi, tmp_path: Path) -> AsyncIterator[Harness]:
    harness = await Harness(api, tmp_path / "data" / "bot.sqlite3").start()
    yield harness
    await harness.stop()
