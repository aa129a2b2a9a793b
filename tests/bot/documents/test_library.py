"""A city's own document through the library (issue 26): added and searchable at once but
answered as clauses only, reviewed by one editor and published by another, results equal to
the shipped rules, races, restore, replacement, lapse, and the shipped five the same way in."""

from __future__ import annotations

import asyncio
import datetime as dt
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.documents import library as lib
from bot.documents.expiry import expiry_text, send_expiry_notice
from bot.documents.reading import read_document
from bot.storage import Storage
from dialogs.answer_text import find_answer, render_result
from knowledge import library
from knowledge.catalogue import get_document, load_catalogue
from knowledge.eligibility import assess
from knowledge.facts import ProfileError, parse_profile
from knowledge.rules_schema import load_rules
from tests.bot.documents.samples import as_new_city, new_city_text, no_money_text

EDITOR_A, EDITOR_B = 101, 202
NEW = lib.NewDocument(city="新城市", number="新政办〔2026〕1号", issued=dt.date(2026, 11, 1),
                      effective=dt.date(2026, 12, 1))


def _upload(text: str, name: str = "xincheng.txt") -> Any:
    return read_document(text.encode("utf-8"), name)


async def _add(storage: Storage, text: str | None = None, new: lib.NewDocument = NEW) -> lib.Added:
    return await lib.add_document(storage, _upload(text or new_city_text()), "xincheng.txt", new, actor=EDITOR_A)


async def _review_all(storage: Storage, code: str, editor: int = EDITOR_A) -> int:
    draft = await storage.documents.draft(code)
    assert draft is not None
    ids = [r["id"] for r in yaml.safe_load(draft.rules_yaml)["rules"]] + ["scope"]
    return await storage.documents.save_draft(code, draft.rules_yaml, draft.schedule_yaml,
                                              dict.fromkeys(ids, "accepted"), editor, draft.revision)


async def _import_reviewed(storage: Storage, code: str, editor: int = EDITOR_A) -> int:
    """The shipped Kaifeng rules, renamed, put in as the draft (a reviewed change through git)."""
    text = as_new_city(resources.files("knowledge").joinpath("rules", "kaifeng.yaml").read_text(encoding="utf-8"))
    lib.check_rules(code, text)
    draft = await storage.documents.draft(code)
    assert draft is not None
    ids = [r["id"] for r in yaml.safe_load(text)["rules"]] + ["scope"]
    schedule = as_new_city(resources.files("knowledge").joinpath("schedules", "kaifeng.yaml").read_text("utf-8"))
    return await storage.documents.save_draft(code, text, schedule, dict.fromkeys(ids, "edited"), editor,
                                              draft.revision)


async def test_an_added_document_is_searchable_at_once_but_answered_as_clauses_only(storage: Storage) -> None:
    added = await _add(storage)
    assert added.code == "xincheng" and added.rules >= 3
    assert added.title.startswith("关于")  # not the letterhead 新城市人民政府办公室文件
    question = "新城每月的特别扶助金有多少"
    result = find_answer(question, None)
    assert result.jurisdiction == "xincheng" and result.hits[0].clause.doc == "xincheng"
    text = render_result(question, result)
    assert "1430元" in text  # the clause's own words are quoted
    assert "本市待遇规则尚在核对中" in text
    assert "1,430元" not in text  # but no computed sum is led with as the family's entitlement
    with pytest.raises(ProfileError, match="under review"):
        assess(parse_profile({"jurisdiction": "xincheng", "child_status": "deceased", "mother_age": 60}))
    # the shipped cities answer as before
    assert "本市待遇规则尚在核对中" not in render_result("开封每月扶助金多少", find_answer("开封每月扶助金多少", None))


async def test_one_editor_reviews_another_publishes_and_results_equal_the_shipped_rules(storage: Storage) -> None:
    await _add(storage)
    revision = await _import_reviewed(storage, "xincheng", EDITOR_A)
    with pytest.raises(lib.DocumentRefused) as refused:
        await lib.publish(storage, "xincheng", EDITOR_A, revision)
    assert refused.value.reason == "same_editor" and "另一位编辑" in refused.value.message_zh
    assert not get_document("xincheng").rules_published
    version = await lib.publish(storage, "xincheng", EDITOR_B, revision)
    assert version == 1 and get_document("xincheng").rules_published
    golden = yaml.safe_load(resources.files("tests").joinpath("knowledge", "golden", "kaifeng.yaml").read_text("utf-8"))
    for case in golden["cases"]:
        shipped = assess(parse_profile({"jurisdiction": "kaifeng", **case["profile"]}))
        new = assess(parse_profile({"jurisdiction": "xincheng", **case["profile"]}))
        assert [(o.rule.id.split(".")[1], o.status, o.value, o.persons) for o in shipped.outcomes] == \
            [(o.rule.id.split(".")[1], o.status, o.value, o.persons) for o in new.outcomes], case["name"]
    text = render_result("新城每月扶助金多少", find_answer("新城每月扶助金多少", None))
    assert "1,430元" in text and "本市待遇规则尚在核对中" not in text


async def test_two_editors_publishing_at_once_make_exactly_one_version(storage: Storage) -> None:
    await _add(storage)
    revision = await _review_all(storage, "xincheng", EDITOR_A)
    outcomes = await asyncio.gather(lib.publish(storage, "xincheng", EDITOR_B, revision),
                                    lib.publish(storage, "xincheng", 303, revision), return_exceptions=True)
    assert sorted(type(o).__name__ for o in outcomes) == ["DocumentRefused", "int"]
    refusal = next(o for o in outcomes if isinstance(o, lib.DocumentRefused))
    assert refusal.reason in ("no_draft", "stale_draft") and "刷新" in refusal.message_zh + "刚刚"
    assert [v.version for v in await storage.documents.versions("xincheng")] == [1]


async def test_publishing_needs_every_drafted_rule_decided(storage: Storage) -> None:
    await _add(storage)
    draft = await storage.documents.draft("xincheng")
    assert draft is not None
    first = yaml.safe_load(draft.rules_yaml)["rules"][0]["id"]
    revision = await storage.documents.save_draft("xincheng", draft.rules_yaml, draft.schedule_yaml,
                                                  {first: "accepted"}, EDITOR_A, draft.revision)
    with pytest.raises(lib.DocumentRefused) as refused:
        await lib.publish(storage, "xincheng", EDITOR_B, revision)
    assert refused.value.reason == "undecided" and "还没有核对" in refused.value.message_zh
    assert await storage.documents.versions("xincheng") == []


async def test_a_rejected_rule_is_not_published(storage: Storage) -> None:
    await _add(storage)
    draft = await storage.documents.draft("xincheng")
    assert draft is not None
    ids = [r["id"] for r in yaml.safe_load(draft.rules_yaml)["rules"]]
    decisions = dict.fromkeys([*ids, "scope"], "accepted") | {ids[0]: "rejected"}
    revision = await storage.documents.save_draft("xincheng", draft.rules_yaml, draft.schedule_yaml, decisions,
                                                  EDITOR_A, draft.revision)
    await lib.publish(storage, "xincheng", EDITOR_B, revision)
    published = {r.id for r in load_rules("xincheng").rules}
    assert ids[0] not in published and set(ids[1:]) <= published
    assert not any("草拟待核对" in (r.note or "") for r in load_rules("xincheng").rules)


async def test_the_same_file_twice_and_a_file_with_no_clauses_are_refused_with_nothing_stored(
        storage: Storage) -> None:
    await _add(storage)
    with pytest.raises(lib.DocumentRefused) as refused:
        await _add(storage, new=lib.NewDocument(city="别的市", number="别政发〔2026〕2号", issued=dt.date(2026, 1, 1)))
    assert refused.value.reason == "duplicate_file" and "已经录入过了" in refused.value.message_zh
    with pytest.raises(lib.DocumentRefused) as refused:
        await _add(storage, "这是一封信，没有条款。" * 50,
                   new=lib.NewDocument(city="别的市", number="别政发〔2026〕3号", issued=dt.date(2026, 1, 1)))
    assert refused.value.reason == "no_clause_tree"
    assert [d.code for d in await storage.documents.all()] == ["xincheng"]


async def test_a_document_with_no_money_sentences_is_added_and_says_so(storage: Storage) -> None:
    text = no_money_text()
    added = await _add(storage, text)
    assert added.rules == 0 and any("没有找到写有金额的句子" in line for line in added.lines)
    result = find_answer("新城有没有人上门走访慰问我们", None)
    assert result.hits and result.hits[0].clause.doc == "xincheng"


async def test_an_amount_not_in_its_quote_is_not_published_and_restore_brings_a_version_back(
        storage: Storage) -> None:
    await _add(storage)
    await lib.publish(storage, "xincheng", EDITOR_B, await _import_reviewed(storage, "xincheng"))
    version = (await storage.documents.versions("xincheng"))[0]
    await storage.documents.start_draft("xincheng", version, EDITOR_A)
    draft = await storage.documents.draft("xincheng")
    assert draft is not None
    typed = draft.rules_yaml.replace("value: 1430", "value: 1500", 1)  # a sum the document never states
    ids = [r["id"] for r in yaml.safe_load(typed)["rules"]] + ["scope"]
    revision = await storage.documents.save_draft("xincheng", typed, draft.schedule_yaml,
                                                  dict.fromkeys(ids, "edited"), EDITOR_A, draft.revision)
    with pytest.raises(lib.DocumentRefused) as refused:
        await lib.publish(storage, "xincheng", EDITOR_B, revision)
    assert refused.value.reason == "amount_not_quoted" and "1500元" in refused.value.message_zh
    assert "1430元" in refused.value.message_zh  # what the document says
    # a second version without the hospital-care allowance (rejected on review)
    data = yaml.safe_load(draft.rules_yaml)
    data["rules"] = [r for r in data["rules"] if r["id"] != "xincheng.hospital_care_allowance"]
    smaller = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    revision = await storage.documents.save_draft("xincheng", smaller, draft.schedule_yaml,
                                                  dict.fromkeys(ids, "edited"), EDITOR_A, revision)
    assert await lib.publish(storage, "xincheng", EDITOR_B, revision) == 2
    profile = parse_profile({"jurisdiction": "xincheng", "child_status": "deceased", "later_child": False,
                             "mother_age": 60, "father_age": 62, "hukou": "both"})
    assert "xincheng.hospital_care_allowance" not in {o.rule.id for o in assess(profile).outcomes}
    await lib.restore(storage, "xincheng", 1, EDITOR_B)
    amounts = {o.rule.id: o.value for o in assess(profile).outcomes}
    assert amounts["xincheng.hospital_care_allowance"] == 300


async def test_rules_that_break_the_schema_are_refused_with_the_line(storage: Storage) -> None:
    await _add(storage)
    with pytest.raises(lib.DocumentRefused) as refused:
        lib.check_rules("xincheng", "jurisdiction: xincheng\nrules: [unclosed\n")
    assert refused.value.reason == "invalid_rules" and "draft:xincheng:" in str(refused.value)
    with pytest.raises(lib.DocumentRefused):  # a quote that is not in the document
        lib.check_rules("xincheng", as_new_city(resources.files("knowledge").joinpath("rules", "kaifeng.yaml")
                                                .read_text("utf-8")).replace("每人每月1430元\n", "每人每月9999元\n", 1))


async def _publish_successor(storage: Storage, code: str, sum_now: str) -> None:
    """The reviewed Kaifeng rules under the successor's code, with its new sum, published."""
    text = as_new_city(resources.files("knowledge").joinpath("rules", "kaifeng.yaml").read_text("utf-8"), code)
    draft = await storage.documents.draft(code)
    assert draft is not None
    text = text.replace("1430", sum_now)
    ids = [r["id"] for r in yaml.safe_load(text)["rules"]] + ["scope"]
    revision = await storage.documents.save_draft(code, text, None, dict.fromkeys(ids, "edited"), EDITOR_A,
                                                  draft.revision)
    await lib.publish(storage, code, EDITOR_B, revision)


def _deceased_allowance(code: str) -> float | None:
    profile = parse_profile({"jurisdiction": code, "child_status": "deceased", "later_child": False,
                             "mother_age": 60, "father_age": 62, "hukou": "both"})
    return {o.rule.id.split(".")[1]: o.value for o in assess(profile).outcomes}["special_allowance_deceased"]


async def test_a_successor_takes_over_only_once_published_and_in_force(storage: Storage) -> None:
    await _add(storage)
    await lib.publish(storage, "xincheng", EDITOR_B, await _import_reviewed(storage, "xincheng"))
    newer = new_city_text().replace("1430元", "1600元")
    await lib.add_document(storage, _upload(newer, "xincheng2026.txt"), "xincheng2026.txt",
                           lib.NewDocument(city="新城市", number="新政办〔2026〕9号", issued=dt.date(2026, 3, 1),
                                           replaces="xincheng", code="xinchengb"), actor=EDITOR_A)
    # put in, not yet reviewed: the old document and its reviewed rules still answer
    assert "xinchengb" not in {d.code for d in load_catalogue()} and _deceased_allowance("xincheng") == 1430
    assert "1,430元" in render_result("新城每月特别扶助金多少", find_answer("新城每月特别扶助金多少", None))
    await _publish_successor(storage, "xinchengb", "1600")  # published and in force since March: it takes over
    codes = {d.code for d in load_catalogue()}
    assert "xincheng" not in codes and "xinchengb" in codes
    assert get_document("xinchengb").repeals == ("新政办〔2026〕1号",)
    assert _deceased_allowance("xincheng") == 1600  # a family saved under the old code: the new rules
    result = find_answer("新城每月特别扶助金多少", None)
    assert result.hits[0].clause.doc == "xinchengb" and "1,600元" in render_result("q", result)


async def test_a_successor_taking_effect_later_waits_for_its_day(storage: Storage) -> None:
    await _add(storage)
    await lib.publish(storage, "xincheng", EDITOR_B, await _import_reviewed(storage, "xincheng"))
    newer = new_city_text().replace("1430元", "1600元")
    await lib.add_document(storage, _upload(newer, "later.txt"), "later.txt", lib.NewDocument(
        city="新城市", number="新政办〔2026〕9号", issued=dt.date(2026, 11, 1), effective=dt.date(2099, 1, 1),
        replaces="xincheng", code="xinchengb"), actor=EDITOR_A)
    await _publish_successor(storage, "xinchengb", "1600")
    assert _deceased_allowance("xincheng") == 1430  # published, but not in force until 2099
    library.install(await lib.library_documents(storage, day=dt.date(2099, 1, 1)))
    assert _deceased_allowance("xincheng") == 1600 and get_document("xincheng").code == "xinchengb"


async def test_a_lapsed_document_is_said_to_have_lapsed_and_admins_are_warned_once_a_day(storage: Storage) -> None:
    await _add(storage, new=lib.NewDocument(city="新城市", number="新政办〔2020〕1号", issued=dt.date(2020, 1, 1),
                                            expires=dt.date(2027, 2, 1)))
    doc = get_document("xincheng")
    assert doc.status_on(dt.date(2027, 1, 1)) == "in_force" and doc.status_on(dt.date(2027, 2, 2)) == "lapsed"
    notice = expiry_text(dt.date(2026, 12, 1))
    assert notice is not None and "新城市" in notice and "2027年2月1日" in notice and "还有62天" in notice
    assert expiry_text(dt.date(2026, 10, 1)) is None  # more than 90 days ahead
    sent: list[tuple[int, str]] = []

    async def send(chat: int, text: str) -> None:
        sent.append((chat, text))

    assert await send_expiry_notice(storage, [1, 2], send, dt.date(2026, 12, 1))
    assert not await send_expiry_notice(storage, [1, 2], send, dt.date(2026, 12, 1))  # once a day
    assert await send_expiry_notice(storage, [1, 2], send, dt.date(2026, 12, 2))
    assert [chat for chat, _ in sent] == [1, 2, 1, 2]
    from dialogs.validity import validity_lines

    assert any("已于2027年2月1日到期失效" in line for line in validity_lines(doc, dt.date(2027, 3, 1)))


async def test_the_shipped_documents_come_in_the_same_way_and_change_nothing(storage: Storage) -> None:
    first = await lib.import_shipped(storage)
    assert sorted(first) == [f"{c}@1" for c in sorted(d.code for d in load_catalogue())]
    assert await lib.import_shipped(storage) == []  # idempotent
    assert not await lib.install_from_storage(storage)  # exactly as shipped: nothing to override
    assert library.installed() == {}
    exported = (await storage.documents.versions("kaifeng"))[0].rules_yaml
    assert exported == resources.files("knowledge").joinpath("rules", "kaifeng.yaml").read_text(encoding="utf-8")


async def test_another_process_sees_a_publish_through_the_watcher(storage: Storage, db_location: Path | str) -> None:
    other = await Storage.open(db_location)
    try:
        watcher = lib.LibraryWatcher(other, every=0)
        await watcher.start()
        await _add(storage)
        library.install([])  # this process forgets: the watcher must bring it back from storage
        assert "xincheng" not in {d.code for d in load_catalogue()}
        assert await watcher.refresh()
        assert "xincheng" in {d.code for d in load_catalogue()}
        assert not await watcher.refresh()  # nothing new
    finally:
        await other.close()


async def test_a_result_from_a_lapsed_document_says_it_has_lapsed(storage: Storage) -> None:
    from dialogs.eligibility_text import render_assessment
    from dialogs.result_summary import build_view

    await _add(storage, new=lib.NewDocument(city="新城市", number="新政办〔2019〕1号", issued=dt.date(2019, 1, 1),
                                            expires=dt.date(2024, 12, 31)))
    await lib.publish(storage, "xincheng", EDITOR_B, await _import_reviewed(storage, "xincheng"))
    assessment = assess(parse_profile({"jurisdiction": "xincheng", "child_status": "deceased", "mother_age": 60}))
    for text in (render_assessment(assessment), build_view(assessment).summary):
        assert "这份文件已于2024年12月31日到期失效" in text
    answer = render_result("新城每月扶助金多少", find_answer("新城每月扶助金多少", None))
    assert "已于2024年12月31日到期失效" in answer


async def test_reminders_wait_for_a_published_schedule(storage: Storage) -> None:
    from bot.reminders.schedule import load_schedule

    await _add(storage)
    assert load_schedule("xincheng").recurring == () and "尚在核对中" in (load_schedule("xincheng").note or "")
    draft = await storage.documents.draft("xincheng")
    assert draft is not None and lib.schedule_problem("xincheng", draft.schedule_yaml) is not None  # as drafted
    await lib.publish(storage, "xincheng", EDITOR_B, await _import_reviewed(storage, "xincheng"))
    schedule = load_schedule("xincheng")  # the reviewed schedule published with the rules
    shipped = load_schedule("kaifeng")
    assert [(r.kind, r.every_days) for r in schedule.recurring] == [(r.kind, r.every_days) for r in shipped.recurring]
    assert [f.name for f in schedule.festivals] == [f.name for f in shipped.festivals]


async def test_a_shipped_city_keeps_answering_while_its_successor_is_reviewed(storage: Storage) -> None:
    """Kaifeng's 2023 measures and a (made-up) 2027 successor: until the successor's rules are
    published the city answers, checks and plans reminders by its reviewed 2023 rules."""
    from bot.reminders.schedule import load_schedule
    from knowledge.catalogue import resolve_jurisdiction

    text = resources.files("knowledge").joinpath("sources", "kaifeng.txt").read_text("utf-8").replace(
        "1430元", "1600元").replace("汴政办〔2023〕24号", "汴政办〔2027〕5号")
    with pytest.raises(lib.DocumentRefused) as refused:  # a second document for a city must say what it replaces
        await lib.add_document(storage, _upload(text, "kf.txt"), "kf.txt", lib.NewDocument(
            city="开封市", number="汴政办〔2027〕5号", issued=dt.date(2027, 3, 1)), actor=EDITOR_A)
    assert refused.value.reason == "city_has_document" and "替代" in refused.value.message_zh
    added = await lib.add_document(storage, _upload(text, "kf.txt"), "kf.txt", lib.NewDocument(
        city="开封市", number="汴政办〔2027〕5号", issued=dt.date(2027, 3, 1), replaces="kaifeng"), actor=EDITOR_A)
    assert added.code != "kaifeng" and resolve_jurisdiction("开封") == "kaifeng"
    answer = render_result("开封每月特别扶助金多少", find_answer("开封每月特别扶助金多少", None))
    assert "1,430元" in answer and "本市待遇规则尚在核对中" not in answer
    assert _deceased_allowance("kaifeng") == 1430 and load_schedule("kaifeng").recurring  # reminders go on
    # its own rules are checked against its own text while it waits
    with pytest.raises(lib.DocumentRefused, match="quote is not verbatim"):
        lib.check_rules(added.code, as_new_city(resources.files("knowledge").joinpath("rules", "kaifeng.yaml")
                                                .read_text("utf-8"), added.code))


@pytest.mark.parametrize("question", ["我家孩子没了，我今年50岁，能领多少钱", "能领多少钱", "新城能领什么钱"])
async def test_a_broad_money_question_about_a_city_under_review_is_answered_without_sums(
        storage: Storage, question: str) -> None:
    await _add(storage)
    text = render_result(question, find_answer(question, "xincheng"))
    assert "新城市的待遇规则还在核对中" in text
    assert "每月现金" not in text and "1,430元" not in text


@pytest.mark.parametrize("city", ["开封市", "开封", "河南省开封市", "开封县", "祥符区", "临沂市区"])
async def test_a_city_or_county_we_already_answer_for_must_say_what_it_replaces(storage: Storage, city: str) -> None:
    with pytest.raises(lib.DocumentRefused) as refused:
        await lib.add_document(storage, _upload(new_city_text()), "x.txt",
                               lib.NewDocument(city=city, number="新政办〔2026〕1号", issued=dt.date(2026, 11, 1)),
                               actor=EDITOR_A)
    assert refused.value.reason == "city_has_document" and "替代" in refused.value.message_zh
    assert [d.code for d in await storage.documents.all() if not d.shipped] == []


async def test_a_repeated_heading_is_named_not_called_missing(storage: Storage) -> None:
    text = new_city_text().replace("四、", "三、", 1)
    with pytest.raises(lib.DocumentRefused) as refused:
        await _add(storage, text)
    assert refused.value.reason == "repeated_heading" and "“三、”这个编号出现了两次" in refused.value.message_zh
    assert lib.printed_path("3.2.1") == "三、（二）1." and lib.printed_path("12") == "十二、"


async def test_a_document_put_in_by_mistake_is_removed_but_a_published_or_shipped_one_is_not(
        storage: Storage) -> None:
    await _add(storage)
    await lib.remove(storage, "xincheng", EDITOR_A)
    assert await storage.documents.get("xincheng") is None and "xincheng" not in {d.code for d in load_catalogue()}
    await _add(storage)  # the same file may go in again once removed
    await lib.publish(storage, "xincheng", EDITOR_B, await _import_reviewed(storage, "xincheng"))
    for code, reason in (("xincheng", "published"), ("kaifeng", "shipped"), ("nosuch", "unknown_document")):
        await lib.import_shipped(storage)
        with pytest.raises(lib.DocumentRefused) as refused:
            await lib.remove(storage, code, EDITOR_A)
        assert refused.value.reason == reason


async def test_publishing_twice_by_the_same_editor_says_it_is_already_published(storage: Storage) -> None:
    await _add(storage)
    revision = await _review_all(storage, "xincheng", EDITOR_A)
    outcomes = await asyncio.gather(lib.publish(storage, "xincheng", EDITOR_B, revision),
                                    lib.publish(storage, "xincheng", EDITOR_B, revision), return_exceptions=True)
    refused = next(o for o in outcomes if isinstance(o, lib.DocumentRefused))
    assert refused.reason == "already_published" and refused.version == 1 and "已经发布了（第 1 版）" in refused.message_zh
    with pytest.raises(lib.DocumentRefused) as again:  # the command run again later: the same answer
        await lib.publish(storage, "xincheng", EDITOR_B, revision)
    assert again.value.reason == "already_published"
