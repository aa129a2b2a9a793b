"""The key sentence fits the family who asked (issue 12).

One clause often holds sentences for different situations: the deceased child's figure
and the disabled child's, rural and urban, one or both spouses local. For every question
here the first result's key sentence must be for the situation asked, never the other
family's figure, or the answer must say that this city has nothing for that situation.
Expectations are written from the documents (knowledge/sources), not from the engine.
"""

from __future__ import annotations

import pytest

from dialogs.answer_text import render_result
from knowledge.clause_search import search

DISABLED = [
    "女儿三级残疾，每个月能领多少钱", "儿子伤残了，每月扶助金多少", "孩子病残，每个月给多少钱",
    "独生子女伤残家庭每月扶助金标准", "孩子是二级残疾，每月补多少钱", "孩子残疾了特别扶助金每月多少",
    "闺女一级伤残，每个月有多少钱", "儿子残疾，扶助金一个月多少", "孩子伤病残，每人每月多少钱",
    "我们是伤残家庭，每月特别扶助金多少",
]
DECEASED = [
    "孩子去世了每月给多少钱", "儿子走了，每个月的扶助金有多少", "独生女没了，每月能领多少钱",
    "失独家庭扶助金每月多少", "孩子过世了一个月给多少钱", "独生子女死亡家庭特别扶助金每月多少",
    "我家孩子不在了，每个月有多少扶助金", "女儿去世多年，每月的钱是多少", "儿子病故了，每月扶助金标准",
    "孩子离世了特别扶助金每个月多少",
]
# city -> (a text the disabled answer must hold, or None: the city states no sum for them), deceased text
MONTHLY = {
    "liuzhou": ("600元", "650元"),
    "linyi": ("300元", "500元"),
    "kaifeng": (None, "1430元"),
    "ankang": (None, "元"),
}
OTHER = {"liuzhou": ("650元", "600元"), "linyi": ("500元", "300元"), "kaifeng": ("1430", None),
         "ankang": ("800元", None)}

CASES: list[tuple[str, str, str | None, str | None]] = []
for city, (disabled_text, deceased_text) in MONTHLY.items():
    CASES += [(city, q, disabled_text, OTHER[city][0]) for q in DISABLED]
    CASES += [(city, q, deceased_text, OTHER[city][1]) for q in DECEASED]
# other dimensions: rural / urban, one / both spouses local, resettlement, adoption / re-birth
CASES += [
    ("ankang", "农村的，孩子没了，每个月能拿多少", "800元", "1000元"),
    ("ankang", "我们是城镇户口，孩子走了，每月扶助多少钱", "1000元", "800元"),
    ("ankang", "农村失独家庭一次性补助多少钱", "2万元", "3万元"),
    ("ankang", "城里的失独家庭一次性补助给多少", "3万元", "2万元"),
    ("ankang", "搬迁住四层以上的楼房，建房补助多少", "四层", None),
    ("kaifeng", "夫妻一方是开封户籍，一次性救助多少钱", "0.5万元", "1万元"),
    ("kaifeng", "夫妻双方都是本地户籍，一次性救助多少", "1万元", "0.5万元"),
    ("linyi", "想领养一个孩子，政府帮不帮忙", "收养", None),
    ("linyi", "还想再生一个孩子，有什么帮助", "生育", "收养信息"),
    ("liuzhou", "农村的特殊家庭房子破了怎么办", "农村危房改造", "城镇计划生育特殊家庭符合保障性住房"),
    ("liuzhou", "城镇的特殊家庭住房困难怎么办", "保障性住房", "农村危房改造范围"),
    ("jiangyan", "孩子残疾了，想收养一个孩子可以吗", "收养", None),
    # the clause's sums are only for deceased-child families: its title sentence is no answer
    ("kaifeng", "孩子残疾，住院护理补贴多少", None, "建立完善住院护理补贴保险制度"),
    ("kaifeng", "女儿伤残了，住院护理补贴每天多少钱", None, "900元"),
    ("kaifeng", "孩子去世了，住院护理补贴每天多少钱", "300元", None),
    ("linyi", "女儿二级伤残，一次性救助多少", "伤残等级", "1万"),
    ("linyi", "孩子没了，一次性救助多少钱", "1万元", "5000元、4000元"),
]


def test_the_set_is_large_and_covers_every_city():
    assert len(CASES) >= 80
    assert {c for c, *_ in CASES} == {"ankang", "linyi", "jiangyan", "kaifeng", "liuzhou"}


@pytest.mark.parametrize(("city", "question", "expected", "forbidden"), CASES, ids=lambda x: str(x)[:16])
def test_key_sentence_fits_the_situation_asked(city, question, expected, forbidden):
    result = search(question, city)
    assert result.answered, question
    first = result.hits[0]
    if forbidden:
        assert forbidden not in first.sentence, (question, first.clause.id, first.sentence)
    if expected is None:
        # this city has no sum for the family: said so, and never the other family's figure
        assert first.none_for_situation or not first.fits, (question, first.clause.id, first.sentence)
        assert "本文件没有为" in render_result(question, result)
    else:
        assert first.fits and expected in first.sentence, (question, first.clause.id, first.sentence)


def test_no_situation_stated_shows_each_situation_with_its_condition():
    result = search("柳州每个月的扶助金有多少")
    text = render_result("柳州每个月的扶助金有多少", result)
    assert "独生子女死亡的家庭：" in text and "独生子女伤残的家庭：" in text
    assert "650元" in text and "600元" in text


def test_a_city_with_nothing_for_the_situation_names_the_cities_that_do():
    result = search("女儿三级残疾，每个月能领多少钱", "kaifeng")
    text = render_result("女儿三级残疾，每个月能领多少钱", result)
    assert "纳入计划生育特别扶助范围" in text
    assert "柳州" in text and "600元" in text and "临沂" in text and "300元" in text
    assert "1430" not in text.split("\n1.")[0]  # the lead never quotes the other family's sum


def test_grade_outside_the_document_is_named_not_hidden():
    result = search("女儿四级残疾，每个月能领多少钱", "kaifeng")
    assert result.excluded and not result.hits[0].fits and "1430" not in result.hits[0].sentence
    second_line = render_result("女儿四级残疾，每个月能领多少钱", result).splitlines()[1]
    assert "残疾等级三级以上" in second_line and "您说的情况不在其中" in second_line
    assert not search("女儿三级残疾，每个月能领多少钱", "kaifeng").excluded


def test_heading_sentence_gives_way_to_substance():
    result = search("住院护理补贴保险怎么给", "kaifeng")
    assert "300元" in result.hits[0].sentence or "900元" in result.hits[0].sentence


@pytest.mark.parametrize(("question", "city", "words"), [
    ("开封这个文件什么时候开始执行", "kaifeng", "自2023年8月1日起实施；现行有效；同时废止：汴政办〔2015〕159号、汴政办〔2017〕80号"),
    ("柳州的方案现在还有效吗", "liuzhou", "自2018年7月1日起实施"),
    ("安康这个文件哪天生效的", "ankang", "文件没有写实施日期"),
    ("姜堰这个意见什么时候实施", "jiangyan", "不是正式生效文件"),
])
def test_a_question_about_the_document_is_answered_from_the_catalogue(question, city, words):
    text = render_result(question, search(question, city))
    assert words in text.splitlines()[1]
