"""The interview state travels in the page, signed, so the server stores nothing.

A family's answers (child died, ages, household registration) are sensitive: keeping them
out of any server-side store is the privacy guarantee of the phone page. The signature
(HMAC-SHA256) stops a forged or edited state from reaching the engine as if it were ours;
a state that fails the check is simply refused and the family starts again.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import secrets
from typing import Any

log = logging.getLogger("lianxin.web")


class StateSigner:
    """Signs and verifies the JSON state carried in a hidden form field."""

    def __init__(self, key: bytes | None = None) -> None:
        # a key made at start-up: pages opened before a restart then ask to start again
        self.random_key = not key  # pages will not survive a restart (said in the log)
        self._key = key or secrets.token_bytes(32)

    def _mac(self, payload: bytes) -> str:
        return hmac.new(self._key, payload, hashlib.sha256).hexdigest()

    def sign(self, data: dict[str, Any]) -> str:
        payload = base64.urlsafe_b64encode(json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode())
        return payload.decode() + "." + self._mac(payload)

    def verify(self, token: str) -> dict[str, Any] | None:
        """The state, or None when the token is missing, edited or signed with another key."""
        payload, _, mac = token.rpartition(".")
        if not payload or not hmac.compare_digest(mac.encode(), self._mac(payload.encode()).encode()):
            return None
        try:
            data = json.loads(base64.urlsafe_b64decode(payload.encode()))
        except ValueError:
            return None
        return data if isinstance(data, dict) else None


RANDOM_KEY_WARNING = ("WEB_STATE_KEY is not set: the phone page signs with a random key for this run, "
                      "so interview pages open at a restart will ask families to start again")


def signer_for(key: str | None, announce: bool = True) -> StateSigner:
    """The signer for WEB_STATE_KEY; without one, a random key for this run and (unless the
    caller says it later, once it listens) a log line saying so: an operator should know
    pages will not survive a restart."""
    if key:
        return StateSigner(key.encode())
    if announce:
        log.warning(RANDOM_KEY_WARNING)
    return StateSigner()
