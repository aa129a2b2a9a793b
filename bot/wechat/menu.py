"""The Service Account's custom menu: three big entries, each a CLICK whose key the channel
turns into the same conversation turn as the typed words (`channel.WeChatChannel`)."""

from __future__ import annotations

from typing import Any

from dialogs import wechat_copy as wc


def service_menu() -> dict[str, Any]:
    return {"button": [{"type": "click", "name": label, "key": key} for key, label in wc.MENU.items()]}
