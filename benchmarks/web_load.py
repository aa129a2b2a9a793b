"""Load benchmark of the web API: requests per second and latency percentiles for
POST /api/v1/ask, through a real `python -m bot web` process over HTTP.

Why it exists: a city's hotline platform may send many questions at once; this shows what
one process sustains on this machine. The server's per-client rate limit is raised for the
run (WEB_API_RATE_PER_MINUTE), since all requests come from one address.

    python benchmarks/web_load.py [--seconds 10] [--concurrency 8]

It reports and never asserts (exit code 0). It is not a pytest test.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import statistics
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from web_process import web_process

QUESTIONS = [("特别扶助金每月多少", "开封"), ("体检免费吗", "liuzhou"), ("孩子走了每个月能领多少钱", None),
             ("住院有没有护理补贴", "临沂"), ("养老院能不能优先入住", None), ("一次性救助金多少", "kaifeng")]


async def _worker(client: httpx.AsyncClient, until: float, questions: itertools.cycle, latencies: list[float],
                  errors: list[int]) -> None:
    while time.perf_counter() < until:
        question, city = next(questions)
        body = {"question": question, **({"jurisdiction": city} if city else {})}
        start = time.perf_counter()
        r = await client.post("/api/v1/ask", json=body)
        latencies.append(time.perf_counter() - start)
        if r.status_code != 200:
            errors.append(r.status_code)


async def _load(base: str, seconds: float, concurrency: int) -> tuple[list[float], list[int], float]:
    latencies: list[float] = []
    errors: list[int] = []
    questions = itertools.cycle(QUESTIONS)
    # no keep-alive: httpx on a reused loopback connection adds a 40 ms delayed-ACK stall per request
    # (the server answers in a few ms, as curl shows), which would measure the client, not the server
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=0)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:
        for _ in range(20):  # warm up: the search index, jieba's dictionary
            await client.post("/api/v1/ask", json={"question": "扶助金"})
        start = time.perf_counter()
        until = start + seconds
        await asyncio.gather(*(_worker(client, until, questions, latencies, errors) for _ in range(concurrency)))
        elapsed = time.perf_counter() - start
    return latencies, errors, elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    with web_process({"WEB_API_RATE_PER_MINUTE": "100000000"}) as server:
        latencies, errors, elapsed = asyncio.run(_load(server.base, args.seconds, args.concurrency))
        typed = _desk_typing(server.base)
    ms = sorted(x * 1000 for x in latencies)
    p95 = ms[int(0.95 * (len(ms) - 1))]
    print(f"POST /api/v1/ask, {args.concurrency} concurrent clients, {elapsed:.1f} s, one server process")
    print(f"requests: {len(ms)}  errors: {len(errors)}")
    print(f"requests/s: {len(ms) / elapsed:.1f}")
    print(f"latency ms: median {statistics.median(ms):.1f}  p95 {p95:.1f}  max {ms[-1]:.1f}")
    typed.sort()
    print(f"desk search as you type ({len(typed)} prefixes, one at a time): median {statistics.median(typed):.1f} ms"
          f"  p95 {typed[int(0.95 * (len(typed) - 1))]:.1f} ms (goal: under 100 ms)")
    return 0


def _desk_typing(base: str) -> list[float]:
    """Each prefix of a few questions, as a hotline worker types them: GET /desk/search."""
    out = []
    with httpx.Client(base_url=base, timeout=30, limits=httpx.Limits(max_keepalive_connections=0)) as client:
        for question, _city in QUESTIONS:
            for end in range(1, len(question) + 1):
                start = time.perf_counter()
                client.get("/desk/search", params={"q": question[:end]})
                out.append((time.perf_counter() - start) * 1000)
    return out


if __name__ == "__main__":
    sys.exit(main())
