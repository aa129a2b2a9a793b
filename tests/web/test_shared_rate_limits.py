"""The web's rate limits shared by several workers (issue 27): on PostgreSQL the per-address
request budget and the sign-in links' budget are rows (`storage.rate_limits`), so two workers
(two processes' storages on one database) allow one budget in all, not one each; on SQLite
(one process, the default) they stay in memory and the database is never asked. The storage
arithmetic runs on both backends; the end-to-end `python -m bot web --workers 2` run is here too.
"""

from __future__ import annotations

import asyncio
import http.client
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.operations.access import link_path
from bot.settings import Settings
from bot.storage import Role, Storage, StorageError
from bot.storage.rate_limits import client_key
from bot.web.app import create_app
from bot.web.limits import SIGN_IN_BURST, SIGN_IN_REFUSED_SECONDS, RateLimiter, SharedRateLimiter
from dialogs import web_copy as w

ROOT = Path(__file__).resolve().parents[2]
ADDRESS = "198.51.100.77"


class Clock:
    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def shared(storage: Storage, clock: Clock, scope: str = "web", burst: float = 10, per_minute: float = 60,
           on_failure: Any = "local") -> SharedRateLimiter:
    async def opened() -> Storage:
        return storage

    return SharedRateLimiter(opened, scope, per_minute=per_minute, burst=burst, on_failure=on_failure, clock=clock)


async def test_two_workers_share_one_budget_not_one_each(new_db: Any) -> None:
    """Two limiters over two storages of one database (two workers), 40 requests of one address
    at once, half through each: 10 go ahead in all (the burst), not 20; the bucket refills at
    its rate for both; another address has its own."""
    location = new_db()
    first, second = await Storage.open(location), await Storage.open(location)
    clock = Clock()
    a, b = shared(first, clock), shared(second, clock)
    waits = await asyncio.gather(*(limiter.check(ADDRESS) for _ in range(20) for limiter in (a, b)))
    assert sum(wait == 0 for wait in waits) == 10
    assert min(wait for wait in waits if wait > 0) == pytest.approx(1.0)  # Retry-After: a token a second
    clock.now += 1.0  # 60 a minute: one more, through either
    assert [await b.check(ADDRESS), await a.check(ADDRESS)] == [0.0, pytest.approx(1.0)]
    assert await a.check("198.51.100.78") == 0.0
    await first.close()
    await second.close()


async def test_no_address_is_stored_and_idle_buckets_are_forgotten(new_db: Any) -> None:
    """The table holds keyed hashes, never the address; a bucket full again is deleted (the same
    as no row), so an address that stopped asking is gone within the refill time."""
    storage = await Storage.open(new_db())
    clock = Clock()
    limiter = shared(storage, clock, burst=10, per_minute=60)
    for _ in range(3):
        await limiter.check(ADDRESS)
    await shared(storage, clock, scope="sign_in").check(ADDRESS)
    keys = [str(r[0]) for r in await storage._db.all("SELECT key FROM rate_limits")]
    assert len(keys) == 2 and all(ADDRESS not in k and len(k) == 32 for k in keys)
    assert client_key("web", ADDRESS) in keys and client_key("web", ADDRESS, b"s") not in keys
    rl = storage.rate_limits
    assert await rl.prune("web", per_minute=60, burst=10, now=clock.now + 5) == 0  # 3 s short of full
    assert await rl.prune("web", per_minute=60, burst=10, now=clock.now + 11) == 1
    assert await rl.count("web") == 0 and await rl.count("sign_in") == 1  # each scope by its own rate
    await storage.close()


def _app(storage: Storage, url: str, **settings: Any) -> Any:
    return create_app(storage=storage, settings=Settings(_env_file=None, BOT_DATABASE_URL=url, **settings),
                      announce_random_key=False)


def client(app: Any, address: str = ADDRESS) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=(address, 40000)),
                             base_url="https://lianxin.test")


async def test_a_sign_in_brute_force_through_two_workers_stops_at_one_limit(pg_url: str) -> None:
    """Guessing sign-in links from one address, alternating between two workers (two apps,
    two storages, one PostgreSQL): the tenth guess in all is the last one answered, then
    both workers say 429 in Chinese (each alone would have allowed ten); a real link from
    another address still signs in."""
    first, second = await Storage.open(pg_url), await Storage.open(pg_url)
    workers = [_app(first, pg_url, WEB_STATE_KEY="k" * 40), _app(second, pg_url, WEB_STATE_KEY="k" * 40)]
    async with client(workers[0]) as one, client(workers[1]) as two, client(workers[1], "198.51.100.9") as clerk:
        codes = [(await (one, two)[i % 2].get(link_path(f"guess{i:04d}"))).status_code
                 for i in range(int(SIGN_IN_BURST) + 4)]
        await first.users.ensure(11)
        await first.users.set_role(11, Role.ADMIN)
        real = await clerk.post(link_path(await first.office_sessions.create_link(11)))
        refused = await one.get(link_path("guess9999"))
    assert 429 not in codes[: int(SIGN_IN_BURST)] and set(codes[int(SIGN_IN_BURST):]) == {429}
    assert w.WEB_TOO_MANY_SIGN_IN.format(seconds=refused.headers["Retry-After"]) in refused.text
    assert real.status_code == 303
    assert await first.rate_limits.count("sign_in") == 2  # the guesser and the clerk, hashed
    await first.close()
    await second.close()


async def test_the_request_limit_through_two_workers_is_one_limit(pg_url: str) -> None:
    """WEB_API_RATE_PER_MINUTE's burst (30) in all from one address across two workers."""
    first, second = await Storage.open(pg_url), await Storage.open(pg_url)
    workers = [_app(first, pg_url, WEB_API_RATE_PER_MINUTE=1), _app(second, pg_url, WEB_API_RATE_PER_MINUTE=1)]
    async with client(workers[0]) as one, client(workers[1]) as two:
        codes = [(await (one, two)[i % 2].get("/")).status_code for i in range(40)]
    assert codes[:30] == [200] * 30 and set(codes[30:]) == {429}
    await first.close()
    await second.close()


async def test_the_single_process_default_keeps_its_budget_in_memory(tmp_path: Path) -> None:
    """SQLite (the default, one process): the in-memory bucket as before; the database is not
    asked (no row, no round trip per request)."""
    storage = await Storage.open(tmp_path / "db.sqlite3")
    app = create_app(storage=storage, settings=Settings(_env_file=None, BOT_DATABASE=str(tmp_path / "db.sqlite3")),
                     announce_random_key=False)
    async with client(app) as c:
        codes = [(await c.get("/")).status_code for _ in range(31)]
        await c.get(link_path("guess"))
    assert codes == [200] * 30 + [429]
    assert await storage.rate_limits.count() == 0
    await storage.close()


async def test_a_database_that_does_not_answer_locks_nobody_out_and_opens_no_sign_in(
        caplog: pytest.LogCaptureFixture) -> None:
    """The database gone: the request limit falls back to this worker's own bucket (its burst,
    then 429: neither everybody refused nor unlimited), the sign-in links are refused with a
    Retry-After (a sign-in needs the database anyway); one log line each, not one per request."""
    async def gone() -> Storage:
        raise StorageError("cannot connect to PostgreSQL at postgresql://x@db/lianxin: connection refused")

    requests = SharedRateLimiter(gone, "web", per_minute=60, burst=3, on_failure="local")
    sign_in = SharedRateLimiter(gone, "sign_in", per_minute=10, burst=10, on_failure="refuse")
    with caplog.at_level(logging.WARNING, logger="lianxin.web"):
        waits = [await requests.check(ADDRESS) for _ in range(5)]
        refused = [await sign_in.check(ADDRESS) for _ in range(3)]
    assert waits[:3] == [0.0] * 3 and all(wait > 0 for wait in waits[3:])
    assert refused == [SIGN_IN_REFUSED_SECONDS] * 3
    lines = [r.getMessage() for r in caplog.records if "rate limit" in r.getMessage()]
    assert len(lines) == 2 and "own limit" in lines[0] and "sign-in links refused" in lines[1]
    assert all(ADDRESS not in line for line in lines)


def test_the_in_memory_limiter_is_unchanged() -> None:
    limiter = RateLimiter(per_minute=60, burst=2)
    assert [limiter.allow("a", now=0.0) for _ in range(3)] == [0.0, 0.0, pytest.approx(1.0)]
    assert asyncio.run(limiter.check("b")) == 0.0


# --- end to end: python -m bot web --workers 2 ------------------------------------------------

def _sockets_of(pid: int) -> set[str]:
    found = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            found.add(target[8:-1])
    return found


def _server_side_owner(port: int, client_port: int, workers: list[int]) -> int | None:
    """Which worker holds the server's end of the connection from `client_port` (/proc/net/tcp)."""
    inode = None
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if int(fields[1].split(":")[1], 16) == port and int(fields[2].split(":")[1], 16) == client_port:
            inode = fields[9]
    return next((pid for pid in workers if inode in _sockets_of(pid)), None)


def test_hammering_one_address_through_two_web_workers_gets_429_after_one_burst(pg_url: str) -> None:
    """`python -m bot web --workers 2` on PostgreSQL, kept-alive connections from one address
    held by each worker (checked in /proc), 60 requests alternately through each: 30 (the
    burst at WEB_API_RATE_PER_MINUTE=1) answered in all, not 30 by each, then 429 from both."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "TELEGRAM_", "WEB_", "WECHAT_", "WECOM_"))}
    environ.update(PYTHONPATH=str(ROOT), BOT_DATABASE_URL=pg_url, WEB_STATE_KEY="k" * 40, WEB_API_RATE_PER_MINUTE="1")
    server = subprocess.Popen([sys.executable, "-m", "bot", "web", "--workers", "2", "--port", str(port)], cwd=ROOT,
                              env=environ, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    children: list[int] = []
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:  # both workers up (the monitor is not counted)
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    pass
                children = [int(p) for p in subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True,
                                                           text=True).stdout.split()]
                if len(children) == 2:
                    break
            except OSError:
                pass
            time.sleep(0.2)
        time.sleep(1.0)  # the second worker listening too
        # one connection at a time, each a race between the two workers' accept (a burst goes
        # to whichever wakes first), until each worker holds three
        held: dict[int, list[http.client.HTTPConnection]] = {pid: [] for pid in children}
        for _ in range(50):
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            c.connect()
            time.sleep(0.05)  # accepted
            owner = _server_side_owner(port, c.sock.getsockname()[1], children)
            if owner is None or len(held[owner]) >= 3:
                c.close()
            else:
                held[owner].append(c)
            if all(len(v) == 3 for v in held.values()):
                break
        assert all(len(v) == 3 for v in held.values()), {pid: len(v) for pid, v in held.items()}
        answers: list[tuple[int, int]] = []
        for i in range(60):  # alternately through each worker: 30 requests each
            owner = children[i % 2]
            c = held[owner][(i // 2) % 3]
            c.request("GET", "/")
            response = c.getresponse()
            response.read()
            answers.append((owner, response.status))
        for connections in held.values():
            for c in connections:
                c.close()
    finally:
        server.send_signal(signal.SIGTERM)
        _out, err = server.communicate(timeout=60)
    assert server.returncode == 0, err
    assert [status for _, status in answers] == [200] * 30 + [429] * 30
    assert {owner for owner, status in answers[30:]} == set(children)  # refused by both


async def test_one_wechat_follower_has_one_budget_across_workers(pg_url: str) -> None:
    """BOT_USER_RATE_PER_MINUTE messages a minute for one WeChat follower in all, not per worker."""
    wechat = dict(WECHAT_TOKEN="token123", WECHAT_APP_ID="wx0123456789abcdef", WECHAT_APP_SECRET="secret",
                  BOT_USER_RATE_PER_MINUTE=5, WEB_STATE_KEY="k" * 40)
    first, second = await Storage.open(pg_url), await Storage.open(pg_url)
    workers = [_app(first, pg_url, **wechat), _app(second, pg_url, **wechat)]
    waits = [await workers[i % 2].state.wechat.limiter.check("oFollower") for i in range(8)]
    assert waits[:5] == [0.0] * 5 and all(w > 0 for w in waits[5:])
    assert await workers[0].state.wechat.limiter.check("oSomeoneElse") == 0.0
    assert await first.rate_limits.count("wechat") == 2  # two followers, hashed
    await first.close()
    await second.close()
