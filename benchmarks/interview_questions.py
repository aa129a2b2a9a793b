"""How many questions the interview asks typical families, per jurisdiction.

Target (issue 3): at most 6 questions for a complete answer in every jurisdiction (the city
itself is chosen before the interview: /start in the bot, -j on the command line). Also
prints the worst case over a grid of families and the time per interview.

    python benchmarks/interview_questions.py
"""

from __future__ import annotations

import itertools
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.dialogs.interview_driver import BOOLS, TYPICAL, play

CODES = ("ankang", "linyi", "jiangyan", "kaifeng", "liuzhou")
def grid() -> list[dict[str, Any]]:
    families = []
    for child, grade, later, mother, father, hukou, residence in itertools.product(
        ("deceased", "disabled", "healthy"), (1, 4), (False, True), (45, 49, 60, 66), (55, 60, 66),
        ("both", "one", "none"), ("urban", "rural"),
    ):
        families.append(dict(child_status=child, disability_grade=grade, later_child=later, mother_age=mother,
                             father_age=father, hukou=hukou, local_spouse="mother", residence=residence))
    return families


def main() -> None:
    print(f"{'jurisdiction':<10} " + " | ".join(TYPICAL) + " | grid worst / mean | ms per interview")
    worst_typical = 0
    for code in CODES:
        counts = []
        for facts in TYPICAL.values():
            _, asked = play({"jurisdiction": code, **BOOLS, **facts})
            counts.append(len(asked))
        worst_typical = max(worst_typical, *counts)
        sample = grid()[::7]
        started = time.perf_counter()
        grid_counts = [len(play({"jurisdiction": code, **BOOLS, **f})[1]) for f in sample]
        ms = (time.perf_counter() - started) * 1000 / len(sample)
        print(f"{code:<10} " + " | ".join(f"{c:>3}" for c in counts)
              + f" | {max(grid_counts)} / {statistics.mean(grid_counts):.1f} | {ms:.1f}")
    print(f"worst typical family: {worst_typical} questions (target <= 8)")


if __name__ == "__main__":
    main()
