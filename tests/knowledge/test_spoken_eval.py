"""The spoken-message sets of issue 22, scored the way every channel answers (see
benchmarks/spoken_eval.py). spoken_dev was tuned on; spoken (held out, 195 messages by a
writer who had read only the documents) was scored untuned. The floors are what each set
honestly reached on 2026-12-05 (before -> after, held out: top-1 0.342 -> 0.708, false
"nothing found" 83 -> 31, declines right 12/34 -> 25/34): a regression guard, not the
issue's target (0.95), which is not yet met."""

from __future__ import annotations

import pytest

from benchmarks.spoken_eval import SPOKEN_SETS, score_set

FLOORS = {  # set: (top-1 rate, most false "nothing found", fewest declines right, most out-of-scope amounts)
    # tuned on: 0.974 / 1 / 14 / 0 on the final text of search22; 0.983 / 1 / 14 / 0 after search22c
    # (dev-114's expected text corrected like dev2's)
    "spoken_dev": (0.982, 1, 14, 0),
    # tuned on; its writer lengthened 90 stories after the first tuning round: 0.675 / 26 / 20 / 1 on the final text,
    # 0.722 / 22 / 24 / 0 after search22 (courtesy read past, pinyin letters, county short forms, comparisons),
    # 0.751 / 17 / 25 / 0 after search22b (strong document-term match in a story, split benefit names),
    # 0.822 / 9 / 26 / 0 after search22c (3 of the 12 points only from jiangyan 3.1.1's expected text corrected to its body;
    # broad questions, hearsay tellers, a fee named by a broader word, sums said as words, late payments, lexicon),
    # 0.858 / 5 / 29 / 0 after search22d (where the family lives as context, a benefit only the named other city grants,
    # an insurance named by an insurance clause, work-only decline, broad inside a story, 哪天, feelings in other words),
    # 0.899 / 3 / 29 / 0 after search22e (a cadre or an office as hearsay teller, main towns, lexicon)
    "spoken_dev2": (0.899, 3, 29, 0),  # 152/169 = 0.89941
    # held out, measured once after the dev2 tuning: 0.739, 23 not found; after search22 (aggregate only): 0.752 / 23 / 30 / 1;
    # after search22b (aggregate only): 0.820 / 15 / 30 / 1; after search22c (aggregate only): 0.826 / 15 / 30 / 1;
    # after search22d (aggregate only): 0.826 / 15 / 30 / 1; after search22e (aggregate only, one final run): 0.826 / 15 / 30 / 1
    "spoken": (0.826, 15, 30, 1),
    # held out 2, never tuned on, measured once on 2026-12-05: 0.779 / 16 / 21 / 2 at 9ff479d, 0.807 / 12 / 24 / 2 after;
    # after search22 (aggregate only): 0.814 / 12 / 26 / 1; after search22b (aggregate only): 0.829 / 9 / 26 / 1;
    # after search22c (aggregate only): 0.836 / 8 / 26 / 1; after search22d (aggregate only): 0.843 / 8 / 27 / 1;
    # after search22e (aggregate only, one final run): 0.843 / 8 / 27 / 1 (118/140)
    "spoken_heldout2": (0.842, 8, 27, 1),
    # held out 3, never tuned on, written 2026-12-06 by a third writer: 0.771 (108/140) / 14 / 27 of 36 / 0 at be25e24,
    # 0.779 (109/140) / 14 / 27 / 0 after search22e (the only two runs)
    "spoken_heldout3": (0.778, 14, 27, 0),
}


@pytest.mark.parametrize("name", FLOORS)
def test_spoken_set_holds_its_floor(name: str) -> None:
    score = score_set(SPOKEN_SETS[name])
    top1, not_found, declined, oos_amounts = FLOORS[name]
    assert score.in_scope >= 100 and score.out_of_scope >= 15
    assert score.top1 / score.in_scope >= top1, score.misses
    assert score.false_not_found <= not_found
    assert score.declined >= declined
    assert score.out_of_scope_amounts <= oos_amounts
