import pytest

from knowledge.clauses import chinese_numeral, clauses_by_id, load_clauses, responsible_units

# The printed numbering of each document's body, read off the sources by hand.
EXPECTED_PATHS = {
    "ankang": "引言 一、 二、1. 二、2. 二、3. 二、4. 二、5. 三、 四、（一） 四、（二） 四、（三） 四、（四） 四、（五） 四、（六） "
              "四、（七） 四、（八） 四、（九） 五、（一） 五、（二） 五、（三） 五、（四）",
    "linyi": "引言 一、 二、（一） 二、（二） 二、（三） 二、（四） 二、（五） 三、（一） 三、（二） 三、（三） 三、（四）",
    "jiangyan": "引言 一、 二、 三、 三、（一）1. 三、（一）2. 三、（一）3. 三、（一）4. 三、（一）5. 三、（二）1. 三、（二）2. "
                "三、（二）3. 三、（二）4. 三、（二）5. 三、（二）6. 三、（三）1. 三、（三）2. 三、（三）3. 三、（三）4. 三、（四） "
                "三、（五）1. 三、（五）2. 三、（五）3. 三、（五）4. 三、（五）5. 三、（五）6. 三、（五）7. 四、（一） 四、（二） "
                "四、（三） 四、（四） 四、（五） 四、（六）",
    "kaifeng": "引言 一、 二、 三、（一）1. 三、（一）2. 三、（二）3. 三、（二）4. 三、（三）5. 三、（三）6. 三、（三）7. "
               "三、（四）8. 三、（四）9. 三、（四）10. 三、（四）11. 三、（四）12. 三、（四）13. 三、（四）14. 三、（四）15. "
               "三、（四）16. 三、（五）17. 三、（六）18. 四、19. 四、20. 四、21. 结尾",
    "liuzhou": "引言 一、 二、 二、（一） 二、（二） 二、（三） 二、（四） 三、（一） 三、（二）1. 三、（二）2. 三、（二）3. "
               "三、（二）4. 三、（二）5. 三、（三）1. 三、（三）2. 三、（三）3. 三、（三）4. 三、（四） 三、（五） 三、（六） "
               "三、（七） 三、（八）1. 三、（八）2. 三、（八）3. 四、（一） 四、（二） 四、（三） 四、（四） 四、（五） 五、",
}


@pytest.mark.parametrize("code", sorted(EXPECTED_PATHS))
def test_answerable_clauses_follow_the_printed_numbering(code):
    paths = [c.path for c in load_clauses() if c.doc == code and c.answerable]
    assert paths == EXPECTED_PATHS[code].split()


def test_ids_are_unique_and_built_from_printed_numbers():
    clauses = load_clauses()
    assert len({c.id for c in clauses}) == len(clauses)
    c = clauses_by_id()["kaifeng/3.3.6"]
    assert c.path == "三、（三）6."
    assert c.title == "建立完善住院护理补贴保险制度"
    assert "每日300元的住院护理补贴，每年最长不超过90天" in c.text
    assert clauses_by_id()["kaifeng/4.19"].path == "四、19."


def test_responsible_units_extracted_including_nested_brackets():
    c = clauses_by_id()["kaifeng/3.4.10"]
    assert c.units == ["县（区）人民政府", "市计生协", "市委宣传部（文明办）", "市民政局", "市总工会", "团市委", "市妇联", "市残联"]
    # a units note printed as its own paragraph belongs to the item above it
    assert clauses_by_id()["kaifeng/3.1.1"].units == ["县（区）人民政府", "市财政局", "市卫生健康委"]
    lz = clauses_by_id()["liuzhou/3.2.1"]
    assert lz.lead_units == ["市人力资源和社会保障局"] and lz.units == ["各县区人民政府"]
    assert responsible_units("无单位的句子。") == ([], [])


def test_paragraph_placement_under_headings():
    by_id = clauses_by_id()
    # 柳州 三、（一） has two paragraphs under one bare heading
    assert "每人每月650元扶助金" in by_id["liuzhou/3.1"].text
    assert "给予一次性补助金" in by_id["liuzhou/3.1"].text
    # the paragraph after 二、（四） belongs to 二、, not to （四）
    assert "注销程序" in by_id["liuzhou/2"].text and "注销程序" not in by_id["liuzhou/2.4"].text
    # 姜堰 titles on their own line, body on the next
    assert by_id["jiangyan/3.1.1"].title == "继续实施特别扶助金制度，动态调整扶助金标准"
    assert by_id["jiangyan/3.1.1"].text.startswith("对全面两孩政策调整前")
    # 开封's closing paragraph is the document's own clause, not part of item 21
    assert by_id["kaifeng/closing"].text.startswith("本实施意见自2023年8月1日起实施")
    assert "2023年8月1日" not in by_id["kaifeng/4.21"].text


def test_front_matter_is_kept_but_not_answerable():
    front = [c for c in load_clauses() if c.kind == "front_matter"]
    texts = {c.text for c in front}
    assert {"安政办发〔2014〕145号", "2014年9月25日", "（征求意见稿）", "主办：市卫生健康委", "公开方式：主动公开"} <= texts
    assert any(t.startswith("抄送：") for t in texts)
    assert not any(c.answerable for c in front)
    assert {c.doc for c in front} == {"ankang", "linyi", "jiangyan", "kaifeng", "liuzhou"}


@pytest.mark.parametrize(("text", "value"), [("一", 1), ("九", 9), ("十", 10), ("十二", 12), ("二十一", 21)])
def test_chinese_numerals(text, value):
    assert chinese_numeral(text) == value
