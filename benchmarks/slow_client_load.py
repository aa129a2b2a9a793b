"""Other people's latency with and without an attacker: one slow client (many connections,
each sending half a request and never the rest) and one flooding address (requests as fast
as it can), against a real `python -m bot web` process on this machine.

Why it exists: one client holding 1,100 half-open connections once locked everybody out,
and the per-address limits are what keep a flood from one address off other people's
searches. This prints the p95 of ordinary visitors (several addresses on the loopback
network, 127.0.0.10 and up, each asking at a person's pace) in the same run, first alone,
then with the slow client (127.0.0.2) and the flood (127.0.0.3) going.

    python benchmarks/slow_client_load.py [--seconds 8] [--visitors 6] [--slow 1100] [--open-files 1024]

`--open-files` starts the server with that many file descriptors (the old systemd unit's
1,024), so the slow client's 1,100 connections would exceed it without the per-address cap.
127.0.0.1 is not trusted as a proxy in this run (FORWARDED_ALLOW_IPS), as on a public port.
It reports and never asserts (exit code 0). It is not a pytest test.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import resource
import socket
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS = ["特别扶助金每月多少", "体检免费吗", "住院有没有护理补贴", "养老院能不能优先入住", "一次性救助金多少"]
HALF_REQUEST = b"POST /check HTTP/1.1\r\nHost: lianxin.test\r\nContent-Length: 5000\r\n\r\nstate="


@contextlib.contextmanager
def web_process(open_files: int) -> Iterator[int]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "BOT_", "WEB_"))}
    env["FORWARDED_ALLOW_IPS"] = "192.0.2.1"  # nobody here is a trusted proxy

    def limit_files() -> None:
        resource.setrlimit(resource.RLIMIT_NOFILE, (open_files, open_files))

    proc = subprocess.Popen([sys.executable, "-m", "bot", "web", "--port", str(port)], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, preexec_fn=limit_files)
    try:
        for _ in range(300):
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
                break
            time.sleep(0.1)
        else:
            raise SystemExit("slow_client_load: python -m bot web did not start")
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=20)


async def _get(port: int, source: str, path: str, timeout: float) -> int:
    """One request on its own connection from `source`; the status, or 0 for no answer in time."""
    writer = None
    try:
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection("127.0.0.1", port, local_addr=(source, 0)), timeout)
        writer.write(f"GET {path} HTTP/1.1\r\nHost: lianxin.test\r\nConnection: close\r\n\r\n".encode())
        head = await asyncio.wait_for(reader.readline(), timeout)
        await asyncio.wait_for(reader.read(), timeout)
        return int(head.split()[1]) if head.startswith(b"HTTP/") else 0
    except (OSError, TimeoutError, ValueError, IndexError):
        return 0
    finally:
        if writer is not None:
            writer.close()


async def _visitor(port: int, source: str, until: float, latencies: list[float], codes: Counter[int]) -> None:
    """A person: a question, then a pause (the per-address limit is for people, not for this)."""
    from urllib.parse import quote

    i = 0
    while time.perf_counter() < until:
        start = time.perf_counter()
        code = await _get(port, source, "/ask?q=" + quote(QUESTIONS[i % len(QUESTIONS)]), timeout=10)
        latencies.append(time.perf_counter() - start)
        codes[code] += 1
        i += 1
        await asyncio.sleep(0.5)


async def _flood(port: int, until: float, codes: Counter[int]) -> None:
    async def one_lane() -> None:
        while time.perf_counter() < until:
            codes[await _get(port, "127.0.0.3", "/desk/search?q=%E4%BD%93%E6%A3%80", timeout=10)] += 1

    await asyncio.gather(*(one_lane() for _ in range(8)))


async def _slow_client(port: int, count: int, until: float) -> Counter[str]:
    """Opens `count` connections, each with half a request, reopening what the server closes."""
    held: list[asyncio.StreamWriter] = []
    said: Counter[str] = Counter()
    while time.perf_counter() < until:
        held = [wr for wr in held if not wr.is_closing() and not wr.transport.is_closing()]
        while len(held) < count and time.perf_counter() < until:
            try:
                _, writer = await asyncio.wait_for(
                    asyncio.open_connection("127.0.0.1", port, local_addr=("127.0.0.2", 0)), 2)
                writer.write(HALF_REQUEST)
                held.append(writer)
                said["opened"] += 1
            except (OSError, TimeoutError):
                said["failed"] += 1
                await asyncio.sleep(0.05)
                break
        await asyncio.sleep(0.5)
    for writer in held:
        writer.close()
    return said


async def _phase(port: int, seconds: float, visitors: int, attack: bool, slow: int) -> dict[str, object]:
    latencies: list[float] = []
    codes: Counter[int] = Counter()
    flood_codes: Counter[int] = Counter()
    until = time.perf_counter() + seconds
    jobs = [_visitor(port, f"127.0.0.{10 + i}", until, latencies, codes) for i in range(visitors)]
    slow_task = None
    if attack:
        slow_task = asyncio.ensure_future(_slow_client(port, slow, until))
        await asyncio.sleep(1.0)  # the slow client's connections are open before the visitors come
        jobs.append(_flood(port, until, flood_codes))
    await asyncio.gather(*jobs)
    said = await slow_task if slow_task else Counter()
    cut = statistics.quantiles(latencies, n=20) if len(latencies) >= 2 else [float("nan")] * 19
    return {"p50": statistics.median(latencies) * 1000 if latencies else float("nan"), "p95": cut[18] * 1000,
            "requests": len(latencies), "codes": dict(codes), "flood": dict(flood_codes), "slow": dict(said)}


async def _run(args: argparse.Namespace) -> None:
    with web_process(args.open_files) as port:
        for _ in range(3):  # warm up: the search index, jieba's dictionary
            await _get(port, "127.0.0.9", "/ask?q=%E4%BD%93%E6%A3%80", timeout=30)
        alone = await _phase(port, args.seconds, args.visitors, False, args.slow)
        attacked = await _phase(port, args.seconds, args.visitors, True, args.slow)
    print(f"slow client load ({args.visitors} visitors at a person's pace, {args.seconds:.0f} s a phase, "
          f"server with {args.open_files} open files)")
    for name, result in (("alone", alone), ("with one slow client + one flood", attacked)):
        print(f"  {name:34s} p50 {result['p50']:7.1f} ms   p95 {result['p95']:7.1f} ms   "
              f"{result['requests']} requests, answers {result['codes']}")
    print(f"  the flood's answers: {attacked['flood']}   the slow client: {attacked['slow']}")
    print(f"  p95 with the attack / p95 alone: {attacked['p95'] / alone['p95']:.2f} "  # type: ignore[operator]
          "(0 in the answers = no answer within 10 s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--visitors", type=int, default=6)
    parser.add_argument("--slow", type=int, default=1100, help="connections the slow client holds")
    parser.add_argument("--open-files", type=int, default=1024, help="the server's file descriptor limit")
    args = parser.parse_args()
    if args.slow + 64 > resource.getrlimit(resource.RLIMIT_NOFILE)[0]:
        raise SystemExit(f"slow_client_load: this shell allows too few open files for --slow {args.slow}; "
                         "raise it with ulimit -n")
    asyncio.run(_run(args))


if __name__ == "__main__":
    main()
