"""uvicorn's HTTP/1.1 protocol with the two limits it lacks: a deadline for the request line
and headers, and a cap on the connections one address may hold open.

Why: uvicorn times out only idle keep-alive connections. A client that opens a connection
and sends half a request line was kept for ever, so one address holding 1,100 of them used
up the process's 1,024 file descriptors and nobody else could connect. Now such a
connection is closed after HEADER_TIMEOUT_SECONDS, and an address past
MAX_CONNECTIONS_PER_ADDRESS has its new connections closed at once. A trusted proxy (nginx,
uvicorn's `forwarded_allow_ips`) is not capped: it carries everybody's requests, and
nginx's own `limit_conn` counts the real addresses.
"""

from __future__ import annotations

import asyncio
import ipaddress
from collections import Counter
from typing import Any, ClassVar

from uvicorn.protocols.http.h11_impl import H11Protocol

from bot.web import limits


def _trusted(config: Any) -> tuple[bool, set[str], list[ipaddress.IPv4Network | ipaddress.IPv6Network]]:
    """uvicorn's `forwarded_allow_ips` as (everyone trusted, addresses, networks)."""
    raw = config.forwarded_allow_ips
    items = [item.strip() for item in (raw.split(",") if isinstance(raw, str) else raw or [])]
    networks = []
    for item in items:
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            continue  # a unix socket path or a name: compared as text below
    return "*" in items, set(items), networks


class GuardedH11Protocol(H11Protocol):
    """One connection. `_open` counts the open connections per peer address, shared by every
    connection of the process (one server per process)."""

    _open: ClassVar[Counter[str]] = Counter()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._peer: str | None = None
        self._header_timer: asyncio.TimerHandle | None = None
        self._requests_seen = 0

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        peer = self.client[0] if self.client else None
        if peer is not None and not self._is_trusted(peer):
            if self._open[peer] >= limits.MAX_CONNECTIONS_PER_ADDRESS:
                transport.close()  # connection_lost follows and forgets it in uvicorn's set
                return
            self._peer = peer
            self._open[peer] += 1
        self._arm_header_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        if self._peer is not None:
            self._open[self._peer] -= 1
            if self._open[self._peer] <= 0:
                del self._open[self._peer]
            self._peer = None
        self._cancel_header_timer()
        super().connection_lost(exc)

    def handle_events(self) -> None:
        cycle = self.cycle
        super().handle_events()
        if self.cycle is not cycle:  # a whole request line and headers arrived
            self._requests_seen += 1
            self._cancel_header_timer()

    def on_response_complete(self) -> None:
        seen = self._requests_seen
        super().on_response_complete()
        if self._requests_seen == seen:  # waiting for the next request on this connection
            self._arm_header_timer()

    def _is_trusted(self, peer: str) -> bool:
        everyone, names, networks = _trusted(self.config)
        if everyone or peer in names:
            return True
        try:
            address = ipaddress.ip_address(peer)
        except ValueError:
            return False
        return any(address in network for network in networks)

    def _arm_header_timer(self) -> None:
        self._cancel_header_timer()
        self._header_timer = self.loop.call_later(limits.HEADER_TIMEOUT_SECONDS, self._headers_too_slow,
                                                  self._requests_seen)

    def _cancel_header_timer(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _headers_too_slow(self, seen: int) -> None:
        """No whole request since the timer was armed: close (nginx does the same, with 408)."""
        self._header_timer = None
        if self._requests_seen == seen and not self.transport.is_closing():
            self.transport.close()
