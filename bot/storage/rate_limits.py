"""Request budgets shared by every process on the database (`storage.rate_limits`): the web's
per-address rate and the console's sign-in tries when the web runs as several workers or on
several machines (PostgreSQL). One process on the SQLite file keeps its budgets in memory
(`bot.web.limits.RateLimiter`) and never comes here.

A token bucket per (scope, key), the same arithmetic as the in-memory one: `burst` tokens,
refilled at `per_minute` a minute, one taken per request. A check is ONE statement, `INSERT
... ON CONFLICT DO UPDATE ... RETURNING`: the row is created full, or refilled and taken from
under its row lock, so two workers checking the same address at the same moment are
serialised by the database and the allowance is one budget, never one per worker. The
statement runs outside the write discipline's global lock (`Database.atomic_one`): it touches
one row of a table no other write reads, so it neither waits behind a planning transaction
nor makes the other writes wait behind the web's traffic.

Privacy: the key is an HMAC of the scope and the address (keyed with WEB_STATE_KEY's
derivation when the web has one), never the address; nothing else is stored. A row is
deleted (`prune`) once its bucket would be full again, so an address that stops asking is
gone within a minute or two.

Times are the callers' wall clock (`time.time()`; a monotonic clock means nothing in another
process). Clocks of several machines that disagree cannot mint tokens: the elapsed time is
never negative and the row's time never goes back.
"""

from __future__ import annotations

import hashlib
import hmac

from bot.storage.db import Database

KEY_BYTES = 16  # 128 bits of the HMAC: no two addresses share a bucket by accident


def client_key(scope: str, client: str, secret: bytes = b"") -> str:
    """What is stored for `client` (an address) in `scope`: a keyed hash, never the address."""
    return hmac.new(b"lianxin-rate-limits\0" + secret, f"{scope}\0{client}".encode(),
                    hashlib.sha256).hexdigest()[: 2 * KEY_BYTES]


class RateLimits:
    def __init__(self, db: Database) -> None:
        self._db = db
        least, greatest = ("LEAST", "GREATEST") if db.dialect == "postgresql" else ("min", "max")
        # the bucket refilled from its last use to now (SET expressions read the row before the update)
        refill = f"{least}(?, rate_limits.tokens + {greatest}(0.0, ? - rate_limits.at) * ?)"
        self._take = (
            "INSERT INTO rate_limits (scope, key, tokens, at, ok) VALUES (?, ?, ?, ?, 1)"
            " ON CONFLICT (scope, key) DO UPDATE SET"
            f" ok = CASE WHEN {refill} >= 1 THEN 1 ELSE 0 END,"
            f" tokens = CASE WHEN {refill} >= 1 THEN {refill} - 1 ELSE {refill} END,"
            f" at = {greatest}(rate_limits.at, ?)"
            " RETURNING tokens, ok")

    async def take(self, scope: str, client: str, *, per_minute: float, burst: float, now: float,
                   secret: bytes = b"") -> float:
        """One request of `client` in `scope`: 0 when it may go ahead, else the seconds until it
        may (for Retry-After). Atomic across processes (see the module docstring)."""
        rate = float(per_minute) / 60.0
        burst = float(burst)
        now = float(now)
        refill = (burst, now, rate)
        row = await self._db.atomic_one(
            self._take, (scope, client_key(scope, client, secret), burst - 1.0, now, *(refill * 4), now))
        tokens, ok = float(row[0]), int(row[1])
        return 0.0 if ok else (1.0 - tokens) / rate

    async def prune(self, scope: str, *, per_minute: float, burst: float, now: float) -> int:
        """Forget the buckets of `scope` that would be full again by now (the same as no row):
        the table holds only the addresses of the last minute or two. Returns rows deleted."""
        full_after = float(burst) / (float(per_minute) / 60.0)
        return await self._db.atomic_write("DELETE FROM rate_limits WHERE scope = ? AND at < ?",
                                           (scope, float(now) - full_after))

    async def count(self, scope: str | None = None) -> int:
        """Rows held (all scopes, or one): for the tests and `admin status`."""
        if scope is None:
            return int(await self._db.scalar("SELECT COUNT(*) FROM rate_limits") or 0)
        return int(await self._db.scalar("SELECT COUNT(*) FROM rate_limits WHERE scope = ?", (scope,)) or 0)
