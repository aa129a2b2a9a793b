"""The package data (sources, catalogue, lexicon) must ship in a wheel, not only in a checkout."""

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_wheel_contains_the_documents_and_lexicon(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(tmp_path), str(ROOT)],
        check=True, capture_output=True, timeout=600,
    )
    wheel = next(tmp_path.glob("lianxin-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for code in ("ankang", "linyi", "jiangyan", "kaifeng", "liuzhou"):
        assert f"knowledge/sources/{code}.txt" in names
        assert f"knowledge/rules/{code}.yaml" in names
        assert f"knowledge/schedules/{code}.yaml" in names
    for data in ("catalogue.yaml", "errata.yaml", "lexicon/jieba_dict.txt", "lexicon/synonyms.yaml",
                 "lexicon/pinyin.txt", "lexicon/stopwords.txt", "lexicon/domain_terms.txt"):
        assert f"knowledge/{data}" in names
    assert "bot/__main__.py" in names and "dialogs/templates.py" in names
    assert "dialogs/check_templates.py" in names and "bot/terminal_chat.py" in names
    assert not any(n.startswith("tests/") for n in names)
    # the shipped sources are byte-identical to the checkout's
    with zipfile.ZipFile(wheel) as zf:
        assert zf.read("knowledge/sources/linyi.txt") == (ROOT / "knowledge/sources/linyi.txt").read_bytes()
