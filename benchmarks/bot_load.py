"""200 simulated users in parallel through the fake Bot API server: throughput and latency.

The fake Telegram server and the simulated users run in a child process (as Telegram is
another machine), the real bot in this one. Each user sends /start, taps role, city and
consent (writes), asks a free-text question, runs /check and taps its first answer (a
write of the interview state), and asks for /help. A tap's latency runs to the bot's first
call carrying that user's chat (the edit of the tapped message).
Latency is measured in the server: from the moment an update is queued to the bot's first
call for that user, so it includes PTB's long polling, our
handlers and SQLite writes, but no Telegram network. Target (issue 4): p95 under 100 ms
on this 2-core machine.

Load shapes: "paced" users think 0.5-2 s between messages (200 people chatting at once,
about 100 updates/s); "burst" where all 200 send at the same instant (a worst case:
latency is then mostly queueing). Outgoing flood control is off (BOT_FLOOD_LIMIT_PER_SECOND
=0) on the first two lines; the last two run with production flood control on (30 messages/s,
Telegram's cap), paced and burst.

    python benchmarks/bot_load.py [USERS]
"""

from __future__ import annotations

import asyncio
import multiprocessing as mp
import random
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.bot.telegram_harness import Harness
from tests.fake_bot_api import Call, FakeBotApi

QUESTIONS = ["每月扶助金多少", "住院护理补贴每天多少钱", "养老院能优先住吗", "体检免费吗", "墓地免费吗"]


def telegram_side(conn: object, users: int, paced: bool) -> None:
    """Child process: the fake server and the users; sends back the latencies."""
    api = FakeBotApi().start()
    waiting: dict[int, threading.Event] = {}
    replied_at: dict[int, float] = {}
    with_buttons: dict[int, Call] = {}  # each user's latest message with buttons, to tap

    def on_call(call: Call) -> None:
        uid = call.chat_id
        if uid is not None and call.buttons():
            with_buttons[uid] = call
        if uid in waiting and not waiting[uid].is_set():
            replied_at[uid] = time.perf_counter()
            waiting[uid].set()

    api.on_call = on_call
    conn.send(api.base_url)  # type: ignore[attr-defined]
    conn.recv()  # type: ignore[attr-defined]  # the bot is up
    latencies: list[float] = []
    lock = threading.Lock()

    def tap_first(uid: int, prefix: str) -> None:
        """Tap the first button whose data starts with `prefix` on the user's latest keyboard."""
        call = with_buttons[uid]
        deadline = time.monotonic() + 2
        while call.message_id is None and time.monotonic() < deadline:  # set just after on_call
            time.sleep(0.001)
        data = next(d for _, d in call.buttons() if d.startswith(prefix))
        api.tap(uid, data, call.message_id)

    def user(uid: int) -> None:
        rng = random.Random(uid)
        # the paths that write to SQLite (/start, role, city, consent, an interview answer) and free text
        steps: list[tuple[str, str]] = [("text", "/start"), ("tap", "r|"), ("tap", "j|"), ("tap", "k|y"),
                                        ("text", QUESTIONS[uid % len(QUESTIONS)]), ("text", "/check"),
                                        ("tap", "c|"), ("text", "/help")]
        for how, what in steps:
            if paced:
                time.sleep(rng.uniform(0.5, 2.0))
            waiting[uid] = threading.Event()
            started = time.perf_counter()
            if how == "text":
                api.send_text(uid, what)
            else:
                tap_first(uid, what)
            if not waiting[uid].wait(60):
                raise TimeoutError(f"user {uid}: no reply to {what}")
            with lock:
                latencies.append((replied_at[uid] - started) * 1000)

    started = time.perf_counter()
    threads = [threading.Thread(target=user, args=(10_000 + i,)) for i in range(users)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    conn.send((latencies, time.perf_counter() - started))  # type: ignore[attr-defined]
    conn.recv()  # type: ignore[attr-defined]  # the bot has stopped
    api.stop()


async def run(users: int, flood_limit: float, paced: bool) -> None:
    parent, child = mp.Pipe()
    process = mp.get_context("spawn").Process(target=telegram_side, args=(child, users, paced))
    process.start()
    base_url = parent.recv()
    with tempfile.TemporaryDirectory() as tmp:
        harness = Harness(None, Path(tmp) / "bench.sqlite3", base_url, BOT_FLOOD_LIMIT_PER_SECOND=flood_limit,
                          BOT_USER_RATE_PER_MINUTE=600)
        await harness.start()
        parent.send("go")
        latencies, elapsed = await asyncio.get_running_loop().run_in_executor(None, parent.recv)
        await harness.stop()
    parent.send("stop")
    process.join()
    latencies.sort()

    def pct(q: float) -> float:
        return latencies[min(len(latencies) - 1, int(q * len(latencies)))]

    shape = "paced" if paced else "burst"
    print(f"{shape:<5} flood limit {flood_limit or 'off':>3}: {users} users, {len(latencies)} updates in "
          f"{elapsed:.2f} s = {len(latencies) / elapsed:.0f} updates/s; first reply p50 {pct(0.5):.0f} ms, "
          f"p95 {pct(0.95):.0f} ms, max {latencies[-1]:.0f} ms, mean {statistics.mean(latencies):.0f} ms")


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    asyncio.run(run(n, 0, paced=True))
    asyncio.run(run(n, 0, paced=False))
    asyncio.run(run(n, 30, paced=True))  # production flood control on (Telegram's 30 messages/s)
    asyncio.run(run(n, 30, paced=False))
