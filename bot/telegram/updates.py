"""Reading updates from Telegram when one of them cannot be read.

PTB decodes a whole getUpdates batch at once: one update it cannot decode (a new Bot API
field of the wrong shape, a broken proxy) raised for the batch, the offset never moved,
and polling stopped for every user while the library logged the raw update (names, text)
at CRITICAL hundreds of times a second. Here each update is decoded on its own; one that
fails is replaced by a bare update with the same id (so the offset moves past it and no
handler runs) and logged once, by id and error type only.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import Bot, Update
from telegram.request import HTTPXRequest

log = logging.getLogger("lianxin.bot")


def decode_update(data: Any, bot: Bot | None) -> Update | None:
    """The update, or None (logged by id and error type, never its content)."""
    try:
        return Update.de_json(data, bot)
    except Exception as exc:
        update_id = data.get("update_id") if isinstance(data, dict) else None
        log.warning("update %s could not be read (%s); skipped", update_id if isinstance(update_id, int) else "?",
                    type(exc).__name__)
        return None


def readable_or_bare(item: Any) -> dict[str, Any] | None:
    """`item` if PTB can decode it; otherwise just its update id (None if it has none)."""
    if decode_update(item, None) is not None:
        return item
    update_id = item.get("update_id") if isinstance(item, dict) else None
    return {"update_id": update_id} if isinstance(update_id, int) and not isinstance(update_id, bool) else None


class SkippingUndecodableRequest(HTTPXRequest):
    """The getUpdates connection (PTB uses it for nothing else): hands PTB only updates it
    can decode (see the module doc)."""

    @staticmethod
    def parse_json_payload(payload: bytes) -> dict[str, Any]:
        data = HTTPXRequest.parse_json_payload(payload)
        if isinstance(data, dict) and isinstance(data.get("result"), list):
            data["result"] = [kept for kept in map(readable_or_bare, data["result"]) if kept is not None]
        return data
