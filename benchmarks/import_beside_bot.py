"""How long the running bot's writes wait while an operator imports a big CSV.

    python benchmarks/import_beside_bot.py [ROWS]   (default 150000)

The import runs as `python -m bot admin import-families` in its own process, as an operator
would run it; this process plays the bot, writing one row every 50 ms on its own connection,
and prints the import time and how long those writes waited (before chunking, one 20 s
transaction made replies wait up to 19 s).
"""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.storage import Storage


async def main(rows: int) -> None:
    folder = Path(tempfile.mkdtemp())
    database = folder / "bench.sqlite3"
    csv_path = folder / "families.csv"
    csv_path.write_text("alias,jurisdiction,township,village\n" + "".join(
        f"家庭{i},kaifeng,城关镇,村{i % 300}\n" for i in range(rows)), encoding="utf-8")
    bot = await Storage.open(database)
    env = {**os.environ, "BOT_DATABASE": str(database)}
    started = time.perf_counter()
    importer = subprocess.Popen([sys.executable, "-m", "bot", "admin", "import-families", str(csv_path)], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    waits: list[float] = []
    uid = 0
    while importer.poll() is None:
        uid += 1
        t0 = time.perf_counter()
        await bot.users.ensure(uid)  # a family taps a button
        waits.append(time.perf_counter() - t0)
        await asyncio.sleep(0.05)
    elapsed = time.perf_counter() - started
    out, err = importer.communicate()
    await bot.close()
    print(f"import of {rows} rows: {elapsed:.1f} s ({out.strip() or err.strip()})")
    if waits:
        waits.sort()
        print(f"bot writes during the import: {len(waits)}, p50 {statistics.median(waits) * 1000:.0f} ms, "
              f"p95 {waits[int(len(waits) * 0.95) - 1] * 1000:.0f} ms, max {waits[-1] * 1000:.0f} ms")


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 150_000))
