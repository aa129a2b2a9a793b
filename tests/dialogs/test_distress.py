"""Distress is recognised before any search, across colloquial and typo'd phrasings, and
answered with 12356, 120 / 110 and the city's own clause quoted verbatim; everyday policy
questions with the same characters (死亡, 生活不能自理, 不想活动) are not false alarms."""

from __future__ import annotations

import itertools

import pytest

from dialogs.distress import PSYCH_HELP_PHRASES, distress_reply, is_distress, psych_help_clause
from knowledge.catalogue import documents, get_document
from knowledge.clauses import clauses_by_id

DISTRESS = [
    # phrasings an independent tester found unanswered
    "我不活了", "没有活头了", "真想一头撞死", "我想走了", "这辈子也就这样了，没盼头了", "我想去找我儿子了",
    "我想去陪我女儿了", "我也想走了，去那边陪娃", "不想再熬了，早点走了好", "这日子没法过了", "我想去那边找孩子",
    "我想去找孩子他们",
    "儿子走了三年了，我有时候真不想活了",
    "不想活了",
    "我真的不想再活了",
    "活着没意思",
    "活着真没意思了",
    "活着还有什么意思",
    "活着有啥意思啊",
    "孩子没了，活着还有什么盼头",
    "我想随孩子去",
    "想跟儿子走了算了",
    "真想陪闺女一起去",
    "我想下去陪孩子",
    "熬不下去了",
    "实在撑不下去了",
    "我挺不住了",
    "想死",
    "我好想死",
    "我也想去死",
    "死了算了",
    "还不如死了好",
    "我活够了",
    "生无可恋",
    "一了百了吧",
    "有时候想不开",
    "想自杀",
    "老伴走了，我也不想活",
    "日子过不下去了",
    "这日子没法活了",
    "活下去还有什么意义",
    "每天都在等死",
    "想结束自己的生命",
    "想离开这个世界",
    "晚上睡着了就不想醒过来",
    "想吃安眠药",
    "不想或了",          # pinyin slip: 或 for 活
    "活者没意思",        # 者 for 着
    "不相活了",          # 相 for 想
    "我想思",            # 思 for 死
    "不想活啦",
    "活著沒意思",        # traditional characters
    "我 不 想 活 了",     # spaced out
    "孩子走了我也要死了",
    "真想一死了之",
    "活着太累了",
    "我活不成了",
    "人生没有意义",
    "想去找我儿子",
    "想跟我儿子一起走",
    "想随儿子而去",
    "我快崩溃了",
    "不想在这个世上了",
    "没什么留恋的了",
    "死了也没人知道",
    "我也走了算了",
]

NOT_DISTRESS = [
    "儿子前年被车撞死了，有什么补助", "我们去找孩子的学校了解情况", "户口没法过户怎么办", "走了以后丧葬费怎么报",
    "活头老汉的补助怎么领",
    "生活不能自理有什么补助",
    "孩子死亡后每月能领多少钱",
    "独生子女死亡家庭扶助金多少",
    "死亡证明怎么开",
    "我不想活动了，腿疼",
    "不想活动，有没有上门服务",
    "老人活到多少岁有高龄补贴",
    "想死你们了",
    "孩子走了三年，能领什么",
    "丧葬费怎么申请",
    "公墓能免费吗",
    "笑死我了",
    "今天累死了",
    "天气热死了",
    "跟孩子去医院要带什么",
    "生活困难有补助吗",
    "我们老两口生活怎么办",
    "活动中心在哪里",
    "养老院能优先住吗",
    "住院有人护理吗",
    "扶助金什么意思",
    "孩子去世后能再领养吗",
    "死者的户口怎么注销",
    "你好",
    "谢谢你",
    "怎么用",
    "我很想念孩子",
    "思考一下再说",
    "干活太累了，有没有护理补贴",
    "按时喝药有补助吗",
    "电脑崩溃了怎么办",
    "去找孩子的老师问问",
    "孩子走了以后扶助金怎么领",
    "生活有困难找谁",
    "我想了解一下生育政策",
]


def test_the_list_is_long_enough_and_has_both_kinds() -> None:
    assert len(DISTRESS) + len(NOT_DISTRESS) >= 60
    assert len(DISTRESS) >= 30 and len(NOT_DISTRESS) >= 25


@pytest.mark.parametrize("text", DISTRESS)
def test_distress_is_recognised(text: str) -> None:
    assert is_distress(text), text


@pytest.mark.parametrize("text", NOT_DISTRESS)
def test_no_false_alarm(text: str) -> None:
    assert not is_distress(text), text


@pytest.mark.parametrize("code", sorted(PSYCH_HELP_PHRASES))
def test_each_city_clause_is_found_in_the_tree_and_quoted_verbatim(code: str) -> None:
    cited = psych_help_clause(code)
    assert cited is not None
    clause = clauses_by_id()[cited.clause_id]
    assert cited.sentence in clause.text and PSYCH_HELP_PHRASES[code] in cited.sentence
    assert cited.path == clause.path
    reply = distress_reply(code)
    doc = get_document(code)
    assert cited.sentence in reply and cited.path in reply
    assert (doc.number or "征求意见稿") in reply


def test_every_document_has_a_psychological_help_clause() -> None:
    assert set(PSYCH_HELP_PHRASES) == set(documents())


def test_reply_puts_warmth_first_then_the_numbers() -> None:
    reply = distress_reply("kaifeng")
    first = reply.split("\n\n")[0]
    assert "理解" in first and "12356" not in first
    assert "12356" in reply and "120" in reply and "110" in reply
    assert "汴政办〔2023〕24号" in reply and "三、（四）9." in reply and "心理干预服务" in reply


def test_jiangyan_is_called_a_draft_without_a_date() -> None:
    reply = distress_reply("jiangyan")
    assert "征求意见稿" in reply and "专业心理援助团队" in reply
    assert "依据未注明日期文件" not in reply


def test_without_a_city_the_reply_asks_for_it_and_still_gives_the_hotline() -> None:
    reply = distress_reply(None)
    assert "12356" in reply and "哪个城市" in reply


# --- free-text results are gentle too (issue 14) -------------------------------------------
def test_free_text_does_not_lead_with_re_birth_unless_asked() -> None:
    from dialogs.answer_text import presentable
    from knowledge.clause_search import search

    raw = search("住院有人护理吗", "kaifeng")
    shown = presentable("住院有人护理吗", raw)
    assert shown.hits and all("复通" not in h.sentence and "再生育" not in (h.clause.title or "") for h in shown.hits)
    asked = presentable("试管婴儿有补贴吗", search("试管婴儿有补贴吗", "kaifeng"))
    assert "辅助生殖" in asked.hits[0].sentence


def test_no_brackets_around_death() -> None:
    from dialogs.answer_text import presentable
    from knowledge.clause_search import search

    for question in ("独生子女死亡扶助金每月多少", "丧葬费怎么报", "孩子去世了有什么补助"):
        for code in ("kaifeng", "liuzhou", "linyi", "ankang", "jiangyan"):
            result = presentable(question, search(question, code))
            for hit in result.hits + result.elsewhere:
                assert "【死亡】" not in hit.highlight and "【丧葬" not in hit.highlight, (question, code)


def test_the_allowance_condition_not_to_remarry_is_not_a_re_birth_item() -> None:
    """"未再生育或收养" is a condition of the monthly allowance: hiding it as a re-birth item
    would drop the very clause a money question asks for."""
    from dialogs.answer_text import presentable
    from knowledge.clause_search import search

    for (code, path), question in itertools.product((("liuzhou", "三、（一）"), ("linyi", "二、（二）")),
                                                    ("女儿三级残疾，每个月能领多少钱", "每个月能领多少钱")):
        raw = search(question, code)
        shown = presentable(question, raw)
        assert [h.clause.path for h in shown.hits][:1] == [h.clause.path for h in raw.hits][:1] == [path], code
