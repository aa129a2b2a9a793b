"""Regenerate knowledge/lexicon/jieba_dict.txt, the compact main dictionary for jieba.

jieba's full dictionary (349k words) takes about a second to load, which alone would eat
the 1.5 s cold-start budget of `python -m bot ask`. Matching only needs the words that can
occur in the documents or in everyday questions, so we keep: every word of the full
dictionary with frequency >= MIN_FREQ, every full-dictionary word found in the five
documents, and the lexicon's own words. Run after changing the sources or the lexicon:
    python tools/make_jieba_dict.py
"""

from __future__ import annotations

from pathlib import Path

import jieba

from knowledge.clauses import load_clauses

MIN_FREQ = 50


def main() -> None:
    full = Path(jieba.__file__).with_name("dict.txt")
    rows = [ln.split() for ln in full.read_text(encoding="utf-8").splitlines() if ln.strip()]
    corpus = "\n".join(c.text + (c.title or "") for c in load_clauses())
    keep = [r for r in rows if int(r[1]) >= MIN_FREQ or (len(r[0]) > 1 and r[0] in corpus)]
    out = Path(__file__).resolve().parent.parent / "knowledge" / "lexicon" / "jieba_dict.txt"
    out.write_text("".join(" ".join(r) + "\n" for r in keep), encoding="utf-8")
    print(f"{out}: {len(keep)} of {len(rows)} words")


if __name__ == "__main__":
    main()
