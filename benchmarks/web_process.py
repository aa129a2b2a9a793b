"""A real `python -m bot web` process for the load benchmarks, on a free port, ready when
/healthz answers; its stderr goes to a file (a pipe nobody reads could fill and stall it)."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class WebProcess:
    base: str
    stderr_path: Path

    def stderr(self) -> str:
        return self.stderr_path.read_text(encoding="utf-8", errors="replace")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def web_process(env: dict[str, str]) -> Iterator[WebProcess]:
    """`env` is added to this process's environment; the server is stopped on exit."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as tmp:
        stderr_path = Path(tmp) / "stderr.log"
        with stderr_path.open("wb") as err:
            server = subprocess.Popen([sys.executable, "-m", "bot", "web", "--port", str(port)], cwd=ROOT,
                                      env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=err)
            try:
                for _ in range(300):
                    try:
                        if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                            break
                    except httpx.HTTPError:
                        time.sleep(0.1)
                yield WebProcess(base, stderr_path)
            finally:
                server.terminate()
                server.wait(timeout=30)
