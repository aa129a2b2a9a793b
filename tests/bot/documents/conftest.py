"""A new city's document for the library tests: Kaifeng's text under another name (新城市),
so its places do not collide with the shipped Kaifeng, and every test leaves the process's
knowledge as shipped (the library is process-wide state)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from importlib import resources
from pathlib import Path

import pytest

from bot.storage import Storage
from knowledge import library


def new_city_text() -> str:
    raw = resources.files("knowledge").joinpath("sources", "kaifeng.txt").read_text(encoding="utf-8")
    return raw.replace("开封市", "新城市").replace("开封", "新城").replace("汴政办", "新政办")


def as_new_city(yaml_text: str, code: str = "xincheng") -> str:
    """Kaifeng's reviewed rules with the new code (ids, clause references, jurisdiction)."""
    return (yaml_text.replace("kaifeng.", f"{code}.").replace("kaifeng/", f"{code}/")
            .replace("jurisdiction: kaifeng", f"jurisdiction: {code}").replace("开封", "新城"))


@pytest.fixture(autouse=True)
def shipped_knowledge() -> Iterator[None]:
    yield
    library.install([])
    library.clear_caches(("dialogs.", "bot."))


@pytest.fixture
async def storage(tmp_path: Path) -> AsyncIterator[Storage]:
    s = await Storage.open(tmp_path / "lianxin.sqlite3")
    yield s
    await s.close()
