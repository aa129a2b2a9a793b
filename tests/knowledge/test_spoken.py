"""Issue 22: families as they really talk. Counties and near-miss city names set the city,
the hukou city governs two places, dialect words reach the documents' terms, the typo
repair leaves correct sentences alone, broad questions get an overview, feelings a warm
reply, and a benefit the city lacks is never answered with a loosely related amount."""

from __future__ import annotations

import glob
from pathlib import Path

import pytest
import yaml

from dialogs.answer_text import answer_lead, find_answer, render_result
from dialogs.small_talk import everyday_reply
from knowledge.clause_search import default_index, search
from knowledge.places import blank_places, read_places
from knowledge.spoken import asking_positions, standardize
from knowledge.text_normalize import normalize

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.mark.parametrize(("message", "code"), [
    ("俺是兰考的，闺女前年没了，一个月能领多少钱", "kaifeng"),
    ("我家在沂水县，孩子没了，一个月给多少钱", "linyi"),
    ("三江县的失独老人住院有补贴吗", "liuzhou"),
    ("开风的失独家庭每月多少钱", "kaifeng"),  # one sound off
    ("临宜的扶助金每月多少", "linyi"),
])
def test_a_county_or_a_near_miss_sets_the_city(message: str, code: str) -> None:
    result = search(message)
    assert result.jurisdiction == code
    text = render_result(message, result)
    assert "不在我们收录的地方" not in text  # a county of ours is never "a place we do not cover"


@pytest.mark.parametrize("message", ["开放时间是几点", "临时救助怎么申请", "一次性给多少", "大家都好", "安排一下"])
def test_ordinary_words_are_not_taken_for_cities(message: str) -> None:
    assert read_places(normalize(message)).mentions == ()


@pytest.mark.parametrize(("message", "code", "reason"), [
    ("我们户口在临沂，现在住在开封，特别扶助金能领多少", "linyi", "hukou"),
    ("我在安康住，户籍还在姜堰，扶助金多少", "jiangyan", "hukou"),
    ("听说开封每个月给八百多，我们柳州有没有这么多", "liuzhou", "ours"),
    ("我们是开封人，现在跟着儿媳住在临沂，扶助金多少", "kaifeng", "not_residence"),
])
def test_two_places_the_hukou_city_governs_and_the_answer_says_why(message: str, code: str, reason: str) -> None:
    places = read_places(standardize(normalize(message)))
    assert (places.governing, places.reason) == (code, reason)
    result = find_answer(message, None)
    assert result.jurisdiction == code
    text = render_result(message, result)
    assert text.splitlines()[1].startswith("您提到了") and "文件回答" in text.splitlines()[1]


def test_a_hukou_message_that_also_asks_is_answered_not_only_remembered() -> None:
    reply = everyday_reply("我们户口在临沂，现在住在开封，特别扶助金能领多少")
    assert reply is not None and reply.jurisdiction == "linyi" and reply.search_query


def test_dialect_words_reach_the_documents_terms() -> None:
    assert standardize("俺家妮儿走咗,几多钱") == "我家女儿去世,多少钱"
    for correct in ("金额是多少", "仔细看看", "联系人是谁", "什么时候发", "好多人说"):
        assert standardize(correct) == correct
    result = search("俺家闺女没了，俺跟孩他爹都六十多了，开封一个月能领多少钱")
    assert result.answered and result.hits[0].clause.id == "kaifeng/3.1.1"


def test_the_asking_sentence_is_found_inside_a_story() -> None:
    norm = "老伴住院那会儿,邻居说政府有补贴。我去银行问了,人家说没到账。护理补贴到底怎么领?"
    focus = asking_positions(norm)
    assert norm.index("护理补贴") in focus and norm.index("邻居") not in focus


def _unrepaired_questions() -> list[tuple[str, str]]:
    rows = []
    for path in sorted(glob.glob(str(DATA / "*_questions.yaml"))):
        if path.endswith(("/spoken_questions.yaml", "/spoken_heldout2_questions.yaml")):
            continue  # the held-out sets are never tuned on
        rows += [(r["id"], r["question"]) for r in yaml.safe_load(Path(path).read_text("utf-8"))
                 if r["style"] != "typo"]
    return rows


def test_typo_repair_leaves_every_correct_sentence_unchanged() -> None:
    """Over 450 questions written without typos (all sets but the held-out one): the repair
    rewrites none of them (it once made 结扎 节扎, 微信 微心, 省里 县里, 听人 因人)."""
    index = default_index()
    changed = []
    for qid, question in _unrepaired_questions():
        spoken = standardize(normalize(question)[:300])
        expected = blank_places(spoken, read_places(spoken).mentions)
        if index.analyse(question).normalized != expected:
            changed.append(qid)
    assert len(_unrepaired_questions()) > 400 and changed == []


@pytest.mark.parametrize(("typed", "meant"), [("特别服助金每月多少", "扶助金"), ("每年能免费体俭吗", "体检"), ("去建康检查要钱吗", "健康")])
def test_real_typos_are_still_repaired(typed: str, meant: str) -> None:
    assert meant in default_index().analyse(typed).normalized


def test_a_broad_question_gets_the_overview_money_first() -> None:
    question = "我儿子走了，开封政府给什么补贴"
    result = find_answer(question, None)
    assert result.reason == "broad" and result.jurisdiction == "kaifeng"
    text = render_result(question, result)
    first = text.split("\n\n")[0]
    assert "1,430元" in first and "孩子去世的家庭" in first
    assert "孩子伤残的家庭" not in first  # only the situation the message states
    assert "印发" in first  # amounts as stated in the document of its date


def test_a_broad_question_without_a_city_asks_for_it_and_shows_no_sum() -> None:
    question = "我儿子走了，政府给什么补贴"
    result = find_answer(question, None)
    text = render_result(question, result)
    assert result.reason == "broad" and "哪个城市" in text and "元" not in text


def test_liuzhou_overview_never_says_a_figure_twice() -> None:
    import re

    text = render_result("柳州 我能领什么钱", find_answer("柳州 我能领什么钱", None)).split("\n\n")[0]
    assert "650元" in text and "600元" in text
    for line in text.splitlines():
        figures = re.findall(r"\d[\d,]*元", line)
        assert len(figures) == len(set(figures)), line


@pytest.mark.parametrize(("message", "city"), [
    ("每天晚上睡不着，想儿子", "kaifeng"), ("我心里难受", "liuzhou"), ("姜堰的，一个人在家，整天对着电视", None),
])
def test_feelings_get_a_warm_reply_then_the_help_of_the_city(message: str, city: str | None) -> None:
    reply = everyday_reply(message, "telegram", city)
    assert reply is not None and reply.kind == "feelings" and "12356" in reply.text
    result = find_answer(message, city, reply.search_query)
    assert result.answered and result.jurisdiction == (city or "jiangyan")
    # psychological care, or (for loneliness) the visits and comfort the contacts give
    assert any(w in result.hits[0].clause.text for w in ("心理", "精神慰藉", "走访", "慰问")), result.hits[0].clause.id


def test_feelings_without_a_city_ask_for_it_and_never_say_not_found() -> None:
    reply = everyday_reply("每天晚上睡不着，想儿子")
    assert reply is not None and reply.search_query is None and "哪个城市" in reply.text and "没有找到" not in reply.text


def test_anger_at_a_late_payment_is_heard_and_told_whom_to_ask() -> None:
    reply = everyday_reply("你们政府就会骗人，钱到底什么时候发", "telegram", "kaifeng")
    assert reply is not None and reply.kind == "feelings"
    assert "联系人" in reply.text and "计生办" in reply.text


@pytest.mark.parametrize("message", ["开封失独家庭冬天有没有取暖补贴？", "冬天的暖气补贴开封给不给"])
def test_a_benefit_no_document_grants_is_declined_without_any_amount(message: str) -> None:
    result = find_answer(message, None)
    assert not result.answered and answer_lead(result) == []
    assert "元" not in render_result(message, result).split("\n")[1]


def test_a_benefit_only_another_city_grants_says_so_and_which_city() -> None:
    message = "临沂的，俺家残疾闺女考上大学了，有助学金吗？"
    result = find_answer(message, None)
    assert result.jurisdiction == "linyi" and not result.answered
    assert "liuzhou" in {h.clause.doc for h in result.elsewhere}
    text = render_result(message, result)
    assert "临沂市" in text and "柳州市" in text


def test_the_hotline_word_for_the_one_off_grant_finds_it() -> None:
    """Issue 23: the desk searched 抚慰金 and found nothing; the documents say 一次性救助."""
    result = search("开封 抚慰金多少")
    assert result.answered and result.hits[0].clause.id == "kaifeng/3.1.2"


def test_taizhou_alone_is_read_as_jiangyan_and_says_the_draft_covers_jiangyan_only() -> None:
    text = render_result("泰州的，孩子没了，能享受什么", find_answer("泰州的，孩子没了，能享受什么", None))
    assert "（泰州市姜堰区）" in text.splitlines()[0] and "只有姜堰区的文件" in text
    outside = find_answer("我们家是泰州市海陵区的，孩子没了，每月多少钱", None)
    shown = render_result("我们家是泰州市海陵区的，孩子没了，每月多少钱", outside)
    assert outside.jurisdiction is None and "海陵区不在我们收录的地方" in shown


def test_a_county_of_ours_governs_over_where_the_family_now_lives() -> None:
    message = "俺跟老伴户口在开封杞县，现在在郑州跟闺女住，儿子没了，每月的钱还能领不"
    result = find_answer(message, None)
    text = render_result(message, result)
    assert result.jurisdiction == "kaifeng" and "1,430元" in text
    assert "郑州不在我们收录的地方" not in text and "按开封市的文件回答" in text


def test_an_age_said_in_dialect_rules_out_a_sum_for_those_sixty_and_over() -> None:
    message = "额们两口子在安康农村，都五十五了，娃没了，现在每月有钱没"
    lead = "\n".join(answer_lead(find_answer(message, None)))
    assert "领不到" in lead and "55岁" in lead


def test_a_sum_paid_only_in_one_case_names_the_case() -> None:
    lead = "\n".join(answer_lead(find_answer("安康搬迁建房补助多少", None)))
    assert "四层及以上楼房：一次性5,000元" in lead


def test_cantonese_reaches_the_city_and_the_money() -> None:
    message = "我哋两公婆喺柳江区，个女十年前冇咗，每个月有几多钱"
    text = render_result(message, find_answer(message, None))
    assert "柳江区属于柳州市" in text and "650元" in text and "600元" not in text.split("\n\n")[0]


def test_a_cry_of_what_now_is_a_feeling_not_a_question() -> None:
    reply = everyday_reply("我老伴走了，孩子也没了，我自己一个人在柳州这嘎达，往后可咋整啊")
    assert reply is not None and reply.kind == "feelings" and "12356" in reply.text
    result = find_answer("我老伴走了，孩子也没了，我自己一个人在柳州这嘎达，往后可咋整啊", None, reply.search_query)
    assert result.jurisdiction == "liuzhou" and "心理" in result.hits[0].clause.text


@pytest.mark.parametrize(("message", "code", "unit"), [
    ("柳州三江 找活", "liuzhou", "三江"), ("姜堰白米的，过节有人来看不", "jiangyan", "白米"),
    ("开封鼓楼的失独家庭每月多少", "kaifeng", "开封鼓楼"),
])
def test_a_units_short_form_right_after_its_city_is_that_unit(message: str, code: str, unit: str) -> None:
    places = read_places(standardize(normalize(message)))
    assert places.governing == code and unit in {m.text for m in places.mentions}
    assert unit[-2:] not in default_index().analyse(message).normalized  # a place, not a topic word


@pytest.mark.parametrize(("message", "doc", "text"), [
    ("柳州职业技术学院补助", "liuzhou", "高等职业院校"),  # the college by its everyday name
    ("安康 试管", "ankang", "再生育技术服务"),  # IVF asked of a city that writes 再生育
    ("柳州三江 找活", "liuzhou", "就业技能培训"),  # a county, and work as people say it
    ("姜堰政策现在算数吗", "jiangyan", "本实施意见自下发之日起执行"),  # "does it still count"
])
def test_new_users_short_questions_find_their_clause(message: str, doc: str, text: str) -> None:
    result = find_answer(message, None)
    assert result.answered and result.hits[0].clause.doc == doc and text in result.hits[0].clause.text


def test_a_story_whose_clause_matches_its_document_terms_strongly_is_answered() -> None:
    # most of the story (the flat, the television) is uncovered, but 连心家园 names the clause
    story = "我是姜堰三水街道的，平时一个人在家里闷得慌，电视开着也看不进去，听社区的人讲有个连心家园，那是做什么的，我能去不？"
    result = search(story)
    assert result.answered and result.hits[0].clause.id == "jiangyan/3.5.3"
    # ... while a story whose best clause matches only weakly still declines
    assert not search("我是柳州的，孩子没了以后一直睡不好，晚上老做梦，想问问政府能不能帮忙出钱买个按摩椅？").answered


def test_leaving_out_a_sensitive_clause_never_puts_a_clause_covering_less_first() -> None:
    from dialogs.answer_text import presentable

    result = search("开封的失独老人死了 火化费免不免", "kaifeng")
    shown = presentable("开封的失独老人死了 火化费免不免", result)
    if shown.hits:
        assert shown.hits[0].coverage >= max(h.coverage for h in shown.hits)


def test_a_benefit_name_the_word_cutter_split_is_judged_whole() -> None:
    # 精神|损失|费能: the clause on property losses in an accident names no 精神损失费
    assert not search("我是姜堰的，儿子出事没了，精神损失费能找政府要不").answered


def test_where_the_family_lives_is_context_and_the_hukou_city_answers() -> None:
    # "户口在临沂费县，住在柳州的养老院里": 养老院 says where they live, the money is asked
    result = search("户口在临沂费县，我现在住在柳州的养老院里，失独的钱该找哪边要？")
    assert result.answered and result.jurisdiction == "linyi"
    assert "500" in result.hits[0].clause.text
    # ... and wanting to move back into a city's elderly home is still the topic
    assert search("户口在开封，这几年在郑州住，想回开封住那个公建民营的养老院，收费咋算").hits[0].clause.doc == "kaifeng"


def test_a_benefit_only_the_named_other_city_grants_is_not_answered_from_ours() -> None:
    result = search("安康每年给失独的免费体检一次，临沂有没有？")
    assert not result.answered and result.reason == "not_in_city" and result.jurisdiction == "linyi"
    assert result.elsewhere[0].clause.doc == "ankang"
    # asked for something similar, the own city's nearest clause answers
    assert search("听说开封给失独父母住院一天300护理补贴，我们柳州有没有类似的？").answered


def test_an_insurance_is_named_only_by_a_clause_about_an_insurance() -> None:
    result = search("安康的 失独家庭 交养老保险有补贴没")
    assert not result.answered and result.reason == "unknown_benefit"
    assert {h.clause.doc for h in result.elsewhere} >= {"kaifeng", "linyi"}


def test_a_work_clause_sharing_one_word_is_no_answer() -> None:
    assert search("修电视机", "kaifeng").reason == "work_only"
    assert search("临沂这边我们家的情况会不会被到处宣传，隐私能保护吗").answered  # asks about that work


def test_a_story_that_asks_what_there_is_gets_the_overview() -> None:
    result = search("我们是开封的，孩子没了以后就没出过几回门，也不懂政策，都有些啥，能不能一样一样给我说说？")
    assert result.reason == "broad" and result.jurisdiction == "kaifeng"
    assert search("我是柳州的，孩子没了以后一直睡不好，想问问政府能不能帮忙出钱买个按摩椅？").reason != "broad"


@pytest.mark.parametrize(("message", "code"), [
    ("俺家在朱仙镇，孩子没了，一个月能领多少钱", "kaifeng"),  # a town of 祥符区
    ("我是拉堡镇的，孩子没了，扶助金每月多少", "liuzhou"),  # a town of 柳江区
])
def test_a_main_town_sets_the_city(message: str, code: str) -> None:
    result = search(message)
    assert result.jurisdiction == code and result.answered
    assert result.hits[0].clause.doc == code


@pytest.mark.parametrize(("message", "city", "clause"), [
    # the cadre who said it is no topic: the question is the condition he spoke of
    ("村干部说要等我老婆满49岁才能领扶助金，是真的吗", "liuzhou", "liuzhou/2.2"),
    ("听社区的人说有个连心家园，都是干什么的，我能去吗", "jiangyan", "jiangyan/3.5.3"),
])
def test_a_cadre_or_an_office_that_said_it_is_not_the_topic(message: str, city: str, clause: str) -> None:
    result = search(message, city)
    assert result.answered and result.hits[0].clause.id == clause


@pytest.mark.parametrize(("message", "clause"), [
    ("我是柳州的，扶助金650，县里那部分谁出的", "liuzhou/3.1"),  # 县里 -> 县区财政承担
    ("我家孩子考上了大专，柳州有没有助学金", "liuzhou/3.7"),  # 考上 -> 考取, 大专 -> 专科
    ("柳州的，我七十了，腿不好，老伴也走了，有没有人能上门帮忙做个饭搞个卫生", "liuzhou/3.3.4"),  # 居家养老
])
def test_plain_words_reach_the_clause_that_grants_it(message: str, clause: str) -> None:
    result = search(message)
    assert result.answered and result.hits[0].clause.id == clause
