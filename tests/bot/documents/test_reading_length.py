"""A text longer than any policy document is refused when it is read (issue 26 review, finding B):
at most MAX_TEXT_CHARS characters and MAX_TEXT_LINES paragraphs, refused with the code `too_long`
and a polite line saying to upload only the body or split the file. A long PDF paragraph is
joined in one pass."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.documents.reading import (
    ERROR_CODES,
    MAX_TEXT_CHARS,
    MAX_TEXT_LINES,
    DocumentReadError,
    join_pdf_lines,
    read_document,
)

ROOT = Path(__file__).resolve().parents[3]
KAIFENG = (ROOT / "knowledge" / "sources" / "kaifeng.txt").read_text(encoding="utf-8")
SENTENCE = "各地要按照规定做好扶助对象的走访慰问和帮扶联系工作，确保各项政策落实到位。"


def refused(data: bytes, filename: str = "long.txt") -> DocumentReadError:
    with pytest.raises(DocumentReadError) as info:
        read_document(data, filename)
    return info.value


def test_the_limits_fit_a_policy_document_many_times_over() -> None:
    assert "too_long" in ERROR_CODES
    assert len(KAIFENG) * 50 < MAX_TEXT_CHARS and KAIFENG.count("\n") * 50 < MAX_TEXT_LINES
    assert read_document(KAIFENG.encode(), "kaifeng.txt").text.startswith("开封市人民政府办公室文件")


def test_too_many_characters_is_too_long_with_what_to_do() -> None:
    lines = MAX_TEXT_CHARS // len(SENTENCE) + 10  # well under the line limit
    error = refused("\n".join([KAIFENG, *[SENTENCE] * lines]).encode())
    assert error.code == "too_long"
    assert "正文" in error.message_zh and "拆开" in error.message_zh and "40 万字" in error.message_zh
    assert f"limit is {MAX_TEXT_CHARS} characters" in str(error)


def test_too_many_lines_is_too_long_even_when_short() -> None:
    text = "\n".join([KAIFENG, *["第一条。"] * MAX_TEXT_LINES])  # 100,000 characters, 20,114 lines
    assert len(text) < MAX_TEXT_CHARS
    error = refused(text.encode("gb18030"), "many.txt")
    assert error.code == "too_long" and "段" in error.message_zh
    assert f"{MAX_TEXT_LINES} lines" in str(error)


def test_just_under_both_limits_is_read() -> None:
    filler = MAX_TEXT_LINES - KAIFENG.count("\n") - 50
    line = SENTENCE[:(MAX_TEXT_CHARS - len(KAIFENG)) // filler - 1]
    text = "\n".join([KAIFENG, *[line] * filler])
    assert MAX_TEXT_CHARS * 0.9 < len(text) <= MAX_TEXT_CHARS
    assert read_document(text.encode(), "big-but-fine.txt").text.count("\n") + 1 <= MAX_TEXT_LINES


def test_the_limits_apply_to_docx_and_pdf_alike_after_extraction() -> None:
    # every kind goes through the same check on the extracted text; a text file stands in here
    error = refused(("\r\n".join([KAIFENG, *["第一条。"] * MAX_TEXT_LINES])).encode("utf-16"), "u16.txt")
    assert error.code == "too_long"


def test_a_long_pdf_paragraph_is_joined_whole() -> None:
    """20,000 full-width lines with no sentence end: one paragraph, the lines in order."""
    # no two lines alike, even with their digits masked (else they would be dropped as running headers)
    lines = [f"{chr(0x4E00 + i % 2000)}{chr(0x5E00 + i // 2000)}的内容，继续写下去，没有句号的一整行文字，继续写下去，没有句号"
             for i in range(20_000)]
    pages = ["\n".join(lines[i:i + 40]) for i in range(0, len(lines), 40)]
    joined = join_pdf_lines(pages)
    assert joined == "".join(lines)
