"""WeChat text: under 2,048 bytes a piece, in order, numbered, at most five pieces; numbers
typed back mean the choices shown."""

from __future__ import annotations

from bot.wechat.render import MAX_PIECES, Numbered, split_text
from dialogs import wechat_copy as wc


def test_pieces_fit_wechat_and_keep_their_order() -> None:
    text = "\n\n".join(f"第{n}段：" + "开封市特别扶助金每人每月1430元。" * 20 for n in range(6))
    pieces = split_text(text)
    assert 1 < len(pieces) <= MAX_PIECES
    assert all(len(p.encode()) <= 2048 for p in pieces)
    assert [p[:5] for p in pieces[:2]] == [wc.PART_OF.format(n=1, total=len(pieces))[:5],
                                           wc.PART_OF.format(n=2, total=len(pieces))[:5]]
    joined = "".join(pieces)
    assert joined.index("第0段") < joined.index("第1段") < joined.index("第2段")


def test_a_very_long_reply_is_cut_with_a_word_not_lost_in_silence() -> None:
    pieces = split_text("字" * 20_000)
    assert len(pieces) == MAX_PIECES and pieces[-1].endswith(wc.CUT_SHORT)
    assert all(len(p.encode()) <= 2048 for p in pieces)


def test_a_short_reply_is_one_piece_without_numbering() -> None:
    assert split_text("您好") == ["您好"]


def test_numbers_mean_the_choices_shown() -> None:
    menu = Numbered(["c|ab12cd|a|child.d", "c|ab12cd|a|child.g1"])
    assert menu.press_for("2") == "c|ab12cd|a|child.g1"
    assert menu.press_for("２") == "c|ab12cd|a|child.g1"  # a full-width digit from a phone keyboard
    assert menu.press_for("3") is None and menu.press_for("62") is None
    checklist = Numbered([], "c|ab12cd|d", ["pension", "medical", "housing"])
    assert checklist.press_for("1 3") == "c|ab12cd|d|pension.housing"
    assert checklist.press_for("1，1") == "c|ab12cd|d|pension"
    assert checklist.press_for("0") == "c|ab12cd|d|"
    assert checklist.press_for("4") is None
    assert Numbered.from_json({"ids": ["x" * 65, 3, "e|cash"], "done": None}).ids == ["e|cash"]
