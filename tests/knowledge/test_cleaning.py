import re

import pytest

from knowledge.catalogue import get_document, load_catalogue
from knowledge.cleaning import clean_document, clean_line, continues

# Every sentence the raw files break across a page (blank line mid-sentence), reviewed by
# reading the sources: (document, text before the break, text after it).
EXPECTED_JOINS = {
    "ankang": [("失独家庭生活困难", "为基础，注重心理"), ("作医疗报销住院诊", "医疗费用的基础上"),
               ("、公安、妇联、共", "青团等部门要相互")],
    "linyi": [("作，帮助其解决面", "面临的实际困难和"), ("做好全市计划生育", "特殊困难家庭普查"),
              ("合理确定并适时调", "整特别扶助金金额"), ("作为担保人签字办", "理相关手续。探索"),
              ("责，相互支持，密", "切协作配合，确保")],
    "jiangyan": [],
    "kaifeng": [("、养老、医疗服务", "以及精神慰藉和心"), ("可结合实际，逐步", "提高缴费标准和补"),
                ("，对行动不便的特", "殊家庭老人提供上"), ("干部、定一名卫生", "计生干部、定一名"),
                ("引导其积极面对生", "活，重新融入社会"), ("复救助条件的，根", "据相关政策和救助"),
                ("县区要按照有关法", "律法规和政策的要")],
    "liuzhou": [],
}


def cleaned(code):
    return clean_document(code, get_document(code).raw_text())


@pytest.mark.parametrize("code", sorted(EXPECTED_JOINS))
def test_every_page_break_is_joined_and_nothing_else(code):
    joins = [(j.before, j.after) for j in cleaned(code).joins]
    assert joins == EXPECTED_JOINS[code]


def test_joined_sentences_read_through():
    text = "\n".join(p.text for p in cleaned("kaifeng").paragraphs)
    assert "对行动不便的特殊家庭老人提供上门服务" in text
    assert "定一名卫生计生干部" in text
    ankang = "\n".join(p.text for p in cleaned("ankang").paragraphs)
    assert "以扶助失独家庭生活困难为基础，注重心理安慰和亲情关怀" in ankang


def test_linyi_doubled_character_fixed_by_reviewed_erratum():
    doc = cleaned("linyi")
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "帮助其解决面临的实际困难和问题" in text
    assert "面面临" not in text
    assert [e.find for e in doc.errata] == ["帮助其解决面面临的实际困难"]
    # the raw text stays as received, for audit
    assert "解决面\n\n面临" in get_document("linyi").raw_text()


def test_erratum_that_no_longer_matches_fails_loudly():
    with pytest.raises(ValueError, match=r"errata\.yaml"):
        clean_document("linyi", "为做好救助工作，帮助其解决困难。\n")


@pytest.mark.parametrize("doc", load_catalogue(), ids=lambda d: d.code)
def test_no_layout_artefact_survives(doc):
    text = "\n".join(p.text for p in cleaned(doc.code).paragraphs)
    assert "[bookmark" not in text and "_GoBack" not in text
    assert not re.search(r"[¹²³⁴⁵⁶⁷⁸⁹⁰]", text)
    assert not re.search(r"[\u4e00-\u9fff] +[\u4e00-\u9fff]", text), "space between Chinese characters"
    assert "  " not in text


def test_footnote_mark_and_spaced_letterheads():
    assert "2015年实现对失独家庭的生活帮扶" in "".join(p.text for p in cleaned("ankang").paragraphs)
    assert cleaned("liuzhou").paragraphs[0].text == "柳州市"
    assert "通知" in [p.text for p in cleaned("linyi").paragraphs]
    # signature and date printed on one line with a wide gap become two paragraphs
    tail = [p.text for p in cleaned("liuzhou").paragraphs][-2:]
    assert tail == ["柳州市人民政府办公室", "2018年8月2日印发"]


def test_clean_line_keeps_spaces_between_latin_words_only():
    assert clean_line("每人每月 500 元") == ["每人每月500元"]
    assert clean_line("通 知") == ["通知"]
    assert clean_line("[bookmark: _GoBack]（一）加强") == ["（一）加强"]


@pytest.mark.parametrize(
    ("paragraph", "expected"),
    [("3. 坚持原则。以扶助失独家庭生活困难", True), ("一、指导思想", False), ("1.继续实施特别扶助金制度，动态调整扶助金标准", False),
     ("主办：市卫生健康委", False), ("各县区人民政府，市政府各工作部门：", False), ("2014年12月10日", False)],
)
def test_page_break_rule(paragraph, expected):
    assert continues(paragraph) is expected
