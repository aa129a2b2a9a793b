"""Every library test leaves the process's knowledge as shipped (the library is process-wide
state); the sample documents are in samples.py."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot.storage import Storage
from knowledge import library


@pytest.fixture(autouse=True)
def shipped_knowledge() -> Iterator[None]:
    yield
    library.install([])
    library.clear_caches(("dialogs.", "bot."))


@pytest.fixture
async def storage(db_location: Path | str) -> AsyncIterator[Storage]:
    """On each backend: the SQLite file, then a PostgreSQL database."""
    s = await Storage.open(db_location)
    yield s
    await s.close()
