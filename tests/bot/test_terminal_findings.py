"""The terminal interview as a volunteer at a family's kitchen table met it (issue 23):
a changed answer jumped to the end of the summary so the next number changed another
item, the checklist said to press a "选好了" button the terminal does not have, and the
progress line gave no total. Driven through stdin like a person typing."""

from __future__ import annotations

import io
import re
import subprocess
import sys

from bot.terminal_chat import run_check_console


def typed(*lines: str) -> str:
    out = io.StringIO()
    assert run_check_console(io.StringIO("".join(f"{x}\n" for x in lines)), out) == 0
    return out.getvalue()


def summaries(out: str) -> list[list[str]]:
    """Each summary the terminal printed, as its numbered lines."""
    blocks = out.split("您填的情况如下，请看看对不对：")[1:]
    return [[line for line in block.splitlines() if re.match(r"\d+\. ", line)]
            for block in (b.split("输入 y 看结果")[0] for b in blocks)]


# Kaifeng, child died, a couple both local in town, no later child, both 60 or over, both can look after themselves
KAIFENG = ("4", "孩子已经离世", "夫妻两人", "两人都在本地（城镇户口）", "没有", "2", "2", "没有")
# Ankang, the same family under 60: the last question is a checklist of two items
ANKANG = ("1", "孩子已经离世", "夫妻两人", "两人都在本地（城镇户口）", "没有", "1", "1")


def test_a_changed_answer_keeps_its_place_and_the_next_number_changes_what_was_shown() -> None:
    """Change 户口 (number 4) to rural, then number 5 must still be the later-child answer:
    before, 户口 moved to the end and number 5 became the mother's age."""
    out = typed(*KAIFENG, "4", "两人都在本地（农村户口）", "5", "不清楚", "y")
    first, second, third = summaries(out)[:3]
    assert [line.split("　")[0] for line in second] == [line.split("　")[0] for line in first]  # same order
    assert second[3].startswith("4. 户口是否在本地") and "农村户口" in second[3]
    assert second[4].startswith("5. 后来是否再生育或收养")
    assert third[4] == "5. 后来是否再生育或收养　不清楚"  # the 5 typed changed what the family saw as 5
    assert all("农村户口" in line for line in third if line.startswith("4. "))
    assert len(third) == len(first)


def test_the_checklist_says_what_to_type_not_which_button_to_press() -> None:
    out = typed(*ANKANG, "q")
    checklist = out.split("下面这些情况，您家有哪些？")[1].split("\n")[0]
    assert "选好了" not in out.split("（第8个问题")[1]
    assert "输入 n" in checklist and "编号" in checklist


def test_typing_the_button_words_in_the_terminal_is_understood_too() -> None:
    out = typed(*ANKANG, "选好了", "y")
    assert "没看懂" not in out
    assert "其他情况　都没有" in out and "依据：安康市的文件" in out


def test_the_progress_line_gives_the_total_and_never_rises() -> None:
    out = typed(*KAIFENG, "y")
    lines = re.findall(r"（第(\d+)个问题，共(\d+)(?:到(\d+))?个）", out)
    numbers = [int(n) for n, _, _ in lines]
    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) == len(KAIFENG)
    assert lines[0][2]  # before the city is known: a range over the cities
    totals = [int(total) for _, total, high in lines[1:]]
    assert totals == sorted(totals, reverse=True)  # an answer can shorten the path, never lengthen it
    assert all(total >= len(KAIFENG) for total in totals) and totals[-1] == len(KAIFENG)


def test_a_healthy_child_ends_early_after_the_total_said_more() -> None:
    """The total is what may still come; a family whose answers close the rest sees the
    result sooner, never more questions than announced."""
    out = typed("4", "孩子健在，没有残疾", "y")
    first_total = int(re.findall(r"（第2个问题，共(\d+)个）", out)[0])
    assert first_total >= 2
    assert "（第3个问题" not in out


def test_the_whole_terminal_through_python_m_bot() -> None:
    """`python -m bot`, 查看待遇, the interview with a changed answer, and the result."""
    script = "\n".join(["查看待遇", *KAIFENG, "4", "两人都在本地（农村户口）", "y", "退出"]) + "\n"
    p = subprocess.run([sys.executable, "-m", "bot"], input=script, capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    second = summaries(p.stdout)[1]
    assert second[3].startswith("4. 户口是否在本地") and "农村户口" in second[3]
    assert "每月现金合计" in p.stdout and "（第2个问题，共" in p.stdout


def test_b_on_the_first_question_says_it_is_the_first_not_that_it_was_not_understood() -> None:
    from dialogs import check_templates as ct
    from dialogs import conversation_templates as cc

    out = io.StringIO()
    run_check_console(io.StringIO("b\n"), out, "kaifeng")
    shown = out.getvalue()
    assert ct.FIRST_QUESTION in shown and cc.BAD_CHOICE["terminal"] not in shown
