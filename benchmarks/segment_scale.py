"""How segmentation scales with a long clause (issue 26 review, finding A).

A synthetic document with N sentence paragraphs under one heading (一、总体要求) is cleaned and
split into its clause tree by `knowledge.clauses.segment_text`, the path an uploaded city
document takes. Before the fix each paragraph was appended by copying the clause's text
(quadratic); the paragraphs are now joined once. The test (tests/knowledge/
test_segmentation_scale.py) checks the behaviour; this prints the time and peak memory.

Run: PYTHONPATH=. python benchmarks/segment_scale.py [N ...]
"""

from __future__ import annotations

import sys
import time
import tracemalloc

from knowledge.clauses import segment_text


def document(n: int) -> str:
    body = "\n".join(f"第{i}段，各地要按照规定做好扶助对象的走访慰问和帮扶联系工作。" for i in range(n))
    return ("某市人民政府办公室文件\n各县区人民政府，市直有关部门：\n"
            "为进一步做好计划生育特殊家庭扶助工作，现提出如下意见。\n"
            f"一、总体要求\n{body}\n二、附则\n各地要认真贯彻落实。\n某市人民政府办公室\n2024年1月1日\n")


def main(sizes: list[int]) -> None:
    print(f"{'paragraphs':>10} {'chars':>10} {'seconds':>8} {'peak MB':>8}")
    for n in sizes:
        raw = document(n)
        tracemalloc.start()
        started = time.perf_counter()
        segment_text("bench", raw)
        took = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        print(f"{n:>10} {len(raw):>10} {took:>8.2f} {peak:>8.1f}")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [20_000, 40_000, 200_000])
