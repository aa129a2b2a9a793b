"""1,000 families writing to the WeChat Service Account at once: how long each waits for
the first reply, and for the whole answer, through a real `python -m bot web` process.

WeChat (played by `tests/fake_wechat.py`: signed, safe mode, a 5-second wait and up to
three deliveries, like WeChat) posts every family's message to `/wechat` at the same
moment; the API fake takes the customer-service messages that follow a long answer and
hands out the access token. Printed beside a reference loop timed in the same run, so the
figures compare across machines (which differ several-fold in speed).

    python benchmarks/wechat_load.py [--families 1000] [--timeout 5]

It reports and never asserts (exit code 0). It is not a pytest test.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

from channel_turns import percentile, reference_ms  # noqa: E402
from web_process import web_process  # noqa: E402

from tests.fake_wechat import (  # noqa: E402
    AES_KEY,
    APP_ID,
    APP_SECRET,
    CALLBACK_TOKEN,
    FakeWeChatApi,
    Reply,
    WeChatClient,
    openid,
)

MESSAGES = ["开封一个月能领多少钱", "你好", "住院有没有补贴", "孩子走了，我也不想活了", "柳州 体检免费吗",
            "我是开封的，查待遇", "养老院能不能优先住", "谢谢"]


async def _burst(base: str, api: FakeWeChatApi, families: int, timeout: float) -> tuple[list[Reply], float]:
    async with WeChatClient(base, aes_key=AES_KEY, timeout=timeout, api=api, strict=False) as wechat:
        for n in range(20):  # warm up: the search index, jieba's dictionary, the token
            await wechat.send_text(openid(900_000 + n), MESSAGES[n % len(MESSAGES)])
        start = time.monotonic()
        replies = await asyncio.gather(*(wechat.send_text(openid(n), MESSAGES[n % len(MESSAGES)])
                                         for n in range(families)))
        return list(replies), start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--families", type=int, default=1000)
    parser.add_argument("--timeout", type=float, default=5.0, help="WeChat's wait before it retries (5 s)")
    args = parser.parse_args()
    reference = [reference_ms() for _ in range(30)]
    with FakeWeChatApi() as api, tempfile.TemporaryDirectory() as tmp:
        env = {"WECHAT_TOKEN": CALLBACK_TOKEN, "WECHAT_APP_ID": APP_ID, "WECHAT_APP_SECRET": APP_SECRET,
               "WECHAT_AES_KEY": AES_KEY, "WECHAT_API_BASE": api.base_url,
               "BOT_DATABASE": str(Path(tmp) / "lianxin.sqlite3"), "BOT_USER_RATE_PER_MINUTE": "600"}
        with web_process(env) as server:
            replies, start = asyncio.run(_burst(server.base, api, args.families, args.timeout))
            time.sleep(3)  # the customer-service pieces that follow long answers
            tracebacks = server.stderr().count("Traceback")
        reference += [reference_ms() for _ in range(30)]
        first = [r.elapsed * 1000 for r in replies]
        retried = sum(1 for r in replies if len(r.attempts) > 1)
        unanswered = sum(1 for r in replies if r.timed_out)
        passive = sum(1 for r in replies if r.content)
        ours = {openid(n) for n in range(args.families)}
        follow = [m for m in api.sent if m.touser in ours]
        last_piece: dict[str, float] = {}
        for m in follow:
            last_piece[m.touser] = max(last_piece.get(m.touser, 0.0), m.at)
        whole = [(at - start) * 1000 for at in last_piece.values()]
    ref = statistics.median(reference)
    print(f"WeChat: {args.families} families write at the same moment to one `python -m bot web` process "
          f"(safe mode, WeChat's wait {args.timeout:.0f} s)")
    print(f"reference: a fixed pure-Python loop, p50 {ref:.2f} ms over {len(reference)} runs in this run")
    for name, values in (("first reply", first), ("whole answer (long ones)", whole)):
        if not values:
            continue
        p50, p95, p99 = (percentile(values, p) for p in (50, 95, 99))
        print(f"{name:<26} p50 {p50:8.1f} ms ({p50 / ref:6.1f}x ref)  p95 {p95:8.1f} ms ({p95 / ref:6.1f}x ref)  "
              f"p99 {p99:8.1f} ms  max {max(values):8.1f} ms  n={len(values)}")
    print(f"answered in the passive reply: {passive}; retried by WeChat: {retried}; never answered: {unanswered}; "
          f"customer-service pieces: {len(follow)}; access tokens fetched: {api.token_fetches}; "
          f"API errors: {len(api.errors())}")
    print(f"server tracebacks: {tracebacks}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
