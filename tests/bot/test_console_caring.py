"""The terminal chat, driven through standard input: distress, everyday sentences, another
city, and a question with no city (issue 14)."""

from __future__ import annotations

import io
import subprocess
import sys

from bot.terminal_chat import run_console
from dialogs import conversation_templates as ct


def chat(*lines: str) -> str:
    out = io.StringIO()
    assert run_console(io.StringIO("".join(f"{x}\n" for x in lines)), out) == 0
    return out.getvalue()


def test_distress_through_real_stdin_gets_12356_and_the_city_clause() -> None:
    p = subprocess.run([sys.executable, "-m", "bot"], input="我是柳州的\n儿子走了三年了，我有时候真不想活了\n",
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    assert "12356" in p.stdout and "120" in p.stdout and "110" in p.stdout
    assert "柳政规〔2018〕41号" in p.stdout and "心理援助行动" in p.stdout
    assert "没有找到" not in p.stdout
    assert "不想活" not in p.stderr  # not in any log line


def test_distress_without_a_city_still_gets_the_hotline() -> None:
    out = chat("活着没意思")
    assert "12356" in out and "哪个城市" in out


def test_everyday_sentences() -> None:
    out = chat("你好", "谢谢你", "😭😭", "怎么用", "你是谁")
    for expected in (ct.GREETING, ct.THANKS, ct.FEELINGS, ct.WHO_AM_I, "查看待遇"):
        assert expected in out
    assert "写成一句话" not in out and "没有找到" not in out


def test_i_am_from_kaifeng_sets_the_city_for_later_questions() -> None:
    out = chat("我是开封的", "住院护理补贴每天多少钱")
    assert "记下了：开封市" in out
    assert "汴政办〔2023〕24号" in out and "柳政规" not in out


def test_a_question_with_no_city_asks_for_the_city_then_answers_it() -> None:
    out = chat("住院有人护理吗", "柳州")
    asked = out.index("您家的户口在哪个城市")
    answered = out.index("问题：住院有人护理吗（柳州市）")
    assert asked < answered
    assert "汴政办" not in out and "临政办发" not in out  # no mixing of cities


def test_elderly_worry_gets_elderly_care_clauses() -> None:
    out = chat("我是开封的", "我老了以后谁管我")
    assert ct.ELDERLY_CARE_LEAD in out and "养老" in out and "汴政办〔2023〕24号" in out


def test_zhengzhou_family_is_told_what_is_known_and_whom_to_ask() -> None:
    out = chat("我户口在郑州，住在开封")
    assert "郑州" in out and "安康市、临沂市、泰州市姜堰区、开封市、柳州市" in out
    assert "特别扶助" in out and "乡镇" in out and "只能供您参考" in out
    assert "汴政办〔2023〕24号" not in out  # no Kaifeng benefit shown as theirs


def test_a_widow_in_kaifeng_in_the_terminal_interview() -> None:
    # child died (1); only the mother (2); local urban (1); no later child (1); 68 typed; self-care: no (1); y
    out = chat("我是开封的", "查看待遇", "1", "2", "1", "1", "68", "1", "y", "退出")
    assert "您的户口在开封市" in out
    assert "孩子爸爸今年" not in out
    assert "每月现金合计：1,430元" in out and "2人共" not in out


def test_a_jiangyan_family_not_yet_in_the_scheme_in_the_terminal() -> None:
    out = chat("我是姜堰的", "查看待遇", "1", "1", "2", "2", "1", "1", "n", "y", "看不适用", "退出")
    result = out[out.rindex("输入 y 看结果"):]  # the result, after the last look at the answers
    assert "还没有领国家的计划生育特别扶助金" in result and "乡镇（街道）卫生健康办公室" in result
    assert "这不是泰州市姜堰区文件里的内容" in result
    summary_end = result.index("（输入编号：")  # the sections, one number away, before the refusals are shown
    assert "不适用的（33项）" in result[summary_end:]
    assert "不符合" not in result[:summary_end]  # 33 refusals collapsed to a count
    assert "不符合" in result[summary_end:]  # and shown on request


def test_the_terminal_result_starts_with_the_summary_and_headings() -> None:
    out = chat("我是开封的", "查看待遇", "1", "1", "1", "1", "2", "1", "1", "y", "退出")
    result = out[out.index("每月现金合计"):]
    lines = result.splitlines()
    assert lines[0] == "每月现金合计：2,860元" and lines[1].startswith("包括：特别扶助金")  # the money first
    assert lines[3].startswith("依据：开封市的文件")
    assert "\n现金（" in result and "\n医疗（" in result and "\n身后事安排（" in result
    assert result.index("身后事安排（") > result.index("医疗（")
    assert "再生育" not in result[:result.index("现金（")].replace("再要孩子或收养", "")


def test_the_terminal_interview_offers_other_places() -> None:
    out = chat("查看待遇", "6", "退出")
    assert "6. 其他地方" in out
    assert "安康市、临沂市、泰州市姜堰区、开封市、柳州市" in out and "乡镇" in out
    out = chat("查看待遇", "其他地方", "退出")
    assert "特别扶助制度全国都有" in out


def test_terminal_options_typed_as_text_and_unknown_typed() -> None:
    out = chat("我是开封的", "查看待遇", "孩子已经离世", "夫妻两人", "不清楚", "退出")
    assert out.count("没看懂您的选择") == 0
    assert "（第4个问题，共" in out  # three answers accepted: two by their text, one 不清楚


def test_distress_in_the_middle_of_the_terminal_interview() -> None:
    out = chat("我是临沂的", "查看待遇", "1", "活着真没意思", "1", "退出")
    assert "12356" in out and "心理辅导专业队伍" in out
    assert "没看懂您的选择" not in out
    assert out.count("家里现在是夫妻两人") == 2  # the question is asked again after the reply


def test_terminal_options_typed_as_part_of_their_text() -> None:
    out = chat("查看待遇", "开封", "离世", "只有孩子妈妈", "退出")
    assert out.count("没看懂您的选择") == 0
    assert "您的户口在开封市" in out  # city, child and household all understood
    ambiguous = chat("我是开封的", "查看待遇", "1", "1", "农村", "退出")
    assert "没看懂您的选择" in ambiguous  # several hukou buttons say 农村: ask again rather than guess


def test_terminal_answers_without_a_city_say_they_are_other_places_rules() -> None:
    out = chat("连心家园是什么")  # only Jiangyan's draft speaks of it: answered, with the note first
    assert ct.NO_CITY_NOTE in out and out.index(ct.NO_CITY_NOTE) < out.index("问题：连心家园是什么")
    assert "征求意见稿" in out
    known = chat("我是姜堰的", "连心家园是什么")
    assert ct.NO_CITY_NOTE not in known


def test_the_standalone_check_command_shows_the_collapsed_parts_at_the_end() -> None:
    p = subprocess.run([sys.executable, "-m", "bot", "check", "-j", "开封"], input="1\n1\n1\n1\n2\n1\n1\ny\n",
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    out = p.stdout
    assert out.index("每月现金合计") < out.index("现金（") < out.index("不适用的（")
    assert "看不适用" not in out  # no chat follows, so no hint to type anything


def test_a_question_naming_a_place_we_do_not_cover_is_told_so_at_once() -> None:
    out = chat("郑州 每个月扶助金多少")
    assert "郑州不在我们收录的地方" in out and "您家的户口在哪个城市" not in out
    assert "1,430" not in out.split("1.")[0]  # no Kaifeng figure as the answer for Zhengzhou
