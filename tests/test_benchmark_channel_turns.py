"""benchmarks/channel_turns.py still drives all three channels through their outer interfaces:
two timed turns of each kind, a p50 line for each (channel, kind) and the reference."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_channel_turns_runs_and_prints_a_p50_line_per_channel_and_kind() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("TELEGRAM_BOT_TOKEN", None)
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "channel_turns.py"), "--turns", "2"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    out = done.stdout
    assert re.search(r"^reference: .* p50 \d+\.\d+ ms", out, re.MULTILINE), out
    for channel in ("telegram", "terminal", "phone-page"):
        for kind in ("free text", "interview step"):
            line = re.search(rf"^{channel}\s+{kind}\s+p50\s+(\d+\.\d+) ms \(\s*\d+\.\d+x ref\)\s+p99\s+(\d+\.\d+) ms"
                             r".*n=2\b", out, re.MULTILINE)
            assert line, f"no p50 line for {channel} {kind}:\n{out}"
            assert 0 < float(line.group(1)) <= float(line.group(2)), line.group(0)
    assert re.search(r"\(late\): 0$", out, re.MULTILINE), out  # every Telegram reply fell inside its window
