"""A township's first weeks through the fake Bot API: contacts imported before they opened
the bot, a volunteer in Kaifeng, postpone then act, the note step, 需要协助 and the
supervisor's buttons. The bot's clock is a variable the test moves."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections.abc import Callable
from pathlib import Path

from bot.reminders import templates as rt
from bot.reminders.coverage import plan_family
from bot.reminders.planner import SHANGHAI
from bot.telegram import templates as t
from tests.bot.telegram_harness import ADMIN_ID, Harness
from tests.fake_bot_api import Call, FakeBotApi


class Clock:
    def __init__(self, moment: dt.datetime) -> None:
        self.now = moment

    def __call__(self) -> dt.datetime:
        return self.now


def at(day: str, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour, minute), SHANGHAI)


async def started(api: FakeBotApi, path: Path, clock: Clock, interval: float = 0.2) -> Harness:
    harness = Harness(api, path, BOT_REMINDER_INTERVAL=interval)
    harness.clock = clock
    return await harness.start()


async def wait_for(condition: Callable[[], object], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if asyncio.iscoroutine(value):
            value = await value
        if value:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("timed out")


def sent_to(api: FakeBotApi, chat: int, since: int = 0) -> list[Call]:
    return [c for c in api.calls[since:] if c.method == "sendMessage" and c.chat_id == chat]


def edit_of(calls: list[Call]) -> Call:
    """The edit of the tapped message (a reminder for another visit may arrive meanwhile)."""
    return next(c for c in reversed(calls) if c.method == "editMessageText")


def reminders_to(api: FakeBotApi, chat: int, since: int = 0) -> list[Call]:
    return [c for c in sent_to(api, chat, since) if c.text.startswith("📋")]


async def test_contacts_imported_before_opening_the_bot_are_reached_once_they_open_it(api: FakeBotApi,
                                                                                     tmp_path: Path) -> None:
    clock = Clock(at("2027-02-03"))  # inside the Spring Festival window: Kaifeng's township leader visits
    bot = await started(api, tmp_path / "t.sqlite3", clock)
    try:
        registry = bot.storage.registry
        family = await registry.add_family("王家", "kaifeng", "城关镇", "东村")
        leader = await registry.add_contact("李镇长", "township_leader", telegram_id=801)
        doctor = await registry.add_contact("王医生", "health_cadre", telegram_id=802)
        cadre = await registry.add_contact("赵主任", "village_cadre", telegram_id=803)
        api.blocked.update({801, 802, 803})  # Telegram refuses a bot nobody has opened
        for contact in (doctor, cadre):
            await bot.say(ADMIN_ID, f"/assign {family} {contact}")
        replies = await bot.say(ADMIN_ID, f"/assign {family} {leader}")
        told = next(c.text for c in replies if c.text.startswith(t.ASSIGN_OK.format(family=family, contact=leader,
                                                                                  position=3)))
        assert "3 位中 0 位能收到提醒，3 位还没打开机器人" in told  # not "3 位联系人马上会收到提醒"
        assert rt.ASSIGN_PLANNED.format(n=1) in told  # the festival visit is planned at once, not tomorrow
        # the reminder cannot reach the leader: the admin is told in chat, and why it is them
        await wait_for(lambda: [c for c in sent_to(api, ADMIN_ID) if rt.REASON_UNREACHABLE in c.text])
        escalation = next(c for c in sent_to(api, ADMIN_ID) if rt.REASON_UNREACHABLE in c.text)
        assert "王家" in escalation.text and rt.REASON_NO_SUPERVISOR in escalation.text
        clock.now = at("2027-02-08")
        overdue = await bot.say(ADMIN_ID, "/overdue")
        assert rt.STATUS_WORDS["undeliverable"] in overdue[-1].text and "李镇长" in overdue[-1].text
        # the leader opens the bot: recognised as a contact, no invite code, no family consent text
        api.blocked.discard(801)
        since = len(api.calls)
        welcome = await bot.say(801, "/start")
        assert welcome[0].text.startswith(rt.CONTACT_WELCOME.format(name="李镇长", role="乡镇（街道）领导干部"))
        assert "/myfamilies" in welcome[0].text and "/visitcheck" in welcome[0].text and "/urgent" in welcome[0].text
        assert not any(t.CONSENT_YES in label for c in welcome for label, _ in c.buttons())
        assert not any(t.ROLE_FAMILY in label for c in welcome for label, _ in c.buttons())
        await wait_for(lambda: reminders_to(api, 801, since))  # what Telegram refused now reaches them
        reached = reminders_to(api, 801, since)[0].text
        assert "春节走访慰问" in reached and rt.REMINDER_LATE not in reached and rt.REMINDER_AGAIN not in reached
        reach = await registry.reach([leader, doctor, cadre])
        assert (reach.reachable, reach.not_opened) == (1, 2)
        help_text = (await bot.say(801, "/help"))[-1].text
        assert "/myfamilies" in help_text and "/overdue" in help_text
    finally:
        await bot.stop()


async def test_a_blocked_contact_is_unblocked_by_any_message(api: FakeBotApi, tmp_path: Path) -> None:
    clock = Clock(at("2027-03-10"))
    bot = await started(api, tmp_path / "b.sqlite3", clock, interval=3600)
    try:
        contact = await bot.storage.registry.add_contact("赵主任", "village_cadre", telegram_id=803)
        await bot.storage.registry.set_contact_blocked(contact)
        assert await bot.storage.registry.contact_telegram(contact) is None
        await bot.say(803, "独生子女死亡 补助多少钱")  # a question, not /start: still proof they can be reached
        assert await bot.storage.registry.contact_telegram(contact) == 803
    finally:
        await bot.stop()


async def test_volunteers_kaifeng_gets_phone_calls_and_a_contact_who_would_get_nothing_is_refused(
        api: FakeBotApi, tmp_path: Path) -> None:
    clock = Clock(at("2027-01-01"))
    bot = await started(api, tmp_path / "v.sqlite3", clock)
    try:
        registry = bot.storage.registry
        kaifeng = await registry.add_family("王家", "kaifeng")
        cadre = await registry.add_contact("赵主任", "village_cadre", telegram_id=803)
        volunteer = await registry.add_contact("孙大姐", "volunteer", telegram_id=804)
        for uid in (803, 804):
            await bot.say(uid, "/start")
        told = (await bot.say(ADMIN_ID, f"/assign {kaifeng} {cadre}"))[-1].text
        assert "乡镇（街道）领导干部" in told and "卫生计生干部" in told  # the roles this family still lacks
        told = (await bot.say(ADMIN_ID, f"/assign {kaifeng} {volunteer}"))[-1].text
        assert told.startswith(t.ASSIGN_OK.format(family=kaifeng, contact=volunteer, position=2))
        since = len(api.calls)
        clock.now = at("2027-01-31")
        await wait_for(lambda: reminders_to(api, 804, since))
        assert "电话回访" in reminders_to(api, 804, since)[0].text  # Kaifeng 3.4.10: the volunteer's phone call
        # Ankang's schedule addresses the primary contact and volunteers: a second cadre would get nothing
        ankang = await registry.add_family("陈家", "ankang")
        first = await registry.add_contact("刘书记", "village_cadre", telegram_id=805)
        second = await registry.add_contact("周医生", "health_cadre", telegram_id=806)
        await bot.say(ADMIN_ID, f"/assign {ankang} {first}")
        refused = (await bot.say(ADMIN_ID, f"/assign {ankang} {second}"))[-1].text
        assert refused.startswith("没有分配：卫生计生干部作为这户的第 2 位联系人")
        assert [fid for fid, _ in await registry.families_of(second)] == []
        told = (await bot.say(ADMIN_ID, f"/assign {ankang} {volunteer}"))[-1].text  # festival visits (4.8)
        assert told.startswith(t.ASSIGN_OK.format(family=ankang, contact=volunteer, position=2))
    finally:
        await bot.stop()


async def _sent_reminder(bot: Harness, api: FakeBotApi, uid: int, since: int = 0) -> Call:
    await wait_for(lambda: reminders_to(api, uid, since))
    return reminders_to(api, uid, since)[0]


async def _seed_contact_family(bot: Harness, uid: int, supervisor_uid: int | None = None) -> tuple[int, int]:
    registry = bot.storage.registry
    boss = None
    if supervisor_uid is not None:
        boss = await registry.add_contact("县卫健局张科长", "township_leader", telegram_id=supervisor_uid)
        await bot.say(supervisor_uid, "/start")
    family = await registry.add_family("王家", "linyi", "城关镇", "东村")
    contact = await registry.add_contact("赵主任", "village_cadre", telegram_id=uid, supervisor_id=boss)
    await bot.say(uid, "/start")
    await registry.assign(family, contact, dt.date(2027, 1, 1))
    await plan_family(bot.storage, family, bot.clock().date())  # as /assign and `admin assign` do
    return family, contact


async def test_a_postponed_reminder_comes_back_as_a_normal_one_then_is_acted_on(api: FakeBotApi,
                                                                            tmp_path: Path) -> None:
    clock = Clock(at("2027-01-31"))  # the monthly call falls due today
    bot = await started(api, tmp_path / "p.sqlite3", clock)
    try:
        uid = 803
        await _seed_contact_family(bot, uid)
        reminder = await _sent_reminder(bot, api, uid)
        await bot.tap_label(uid, reminder, rt.BTN_POSTPONE.format(n=7))
        since = len(api.calls)
        clock.now = at("2027-02-07", 9, 30)  # a week later, past the due date, and past the grace period
        back = await _sent_reminder(bot, api, uid, since)
        assert rt.REMINDER_LATE not in back.text and rt.REMINDER_AGAIN not in back.text
        steps = await bot.tap_label(uid, back, rt.BTN_DONE_CALL)
        steps = await bot.tap_label(uid, edit_of(steps), rt.OUTCOMES["ok"])
        steps = await bot.tap_label(uid, edit_of(steps), rt.FOLLOW_UPS["0"])
        assert "已记录" in edit_of(steps).text
        clock.now = at("2027-02-12")  # days later: nothing escalated about it
        await asyncio.sleep(1)
        assert [c for c in sent_to(api, ADMIN_ID) if "⚠️" in c.text] == []
        stored = (await bot.storage.reminders.all())[0]
        assert stored.status == "done"
    finally:
        await bot.stop()


async def test_the_note_is_an_explicit_step(api: FakeBotApi, tmp_path: Path) -> None:
    clock = Clock(at("2027-01-31"))
    bot = await started(api, tmp_path / "n.sqlite3", clock)
    try:
        uid = 803
        _family, _contact = await _seed_contact_family(bot, uid)
        reminder = await _sent_reminder(bot, api, uid)
        steps = await bot.tap_label(uid, reminder, rt.BTN_DONE_CALL)
        steps = await bot.tap_label(uid, edit_of(steps), rt.OUTCOMES["need"])
        logged = edit_of(await bot.tap_label(uid, edit_of(steps), rt.FOLLOW_UPS["7"]))
        assert rt.ASK_NOTE in logged.text
        assert [label for label, _ in logged.buttons()] == [rt.BTN_NOTE_YES, rt.BTN_NOTE_NO]
        # without 写备注, a policy question is answered, not filed as a note
        answer = await bot.say(uid, "失独家庭的扶助金每月多少钱？")
        assert rt.NOTE_SAVED not in [c.text for c in answer]
        assert (await bot.storage.registry.visits())[0]["notes"] == ""
        # 写备注, then a command: the step ends, the next text is not a note
        await bot.tap_label(uid, logged, rt.BTN_NOTE_YES)
        await bot.say(uid, "/myfamilies")
        answer = await bot.say(uid, "扶助金怎么申请")
        assert rt.NOTE_SAVED not in [c.text for c in answer]
        # 写备注, too late: not a note
        await bot.tap_label(uid, logged, rt.BTN_NOTE_YES)
        clock.now += dt.timedelta(minutes=11)
        answer = await bot.say(uid, "住院护理补贴")
        assert answer[0].text == rt.NOTE_EXPIRED
        assert (await bot.storage.registry.visits())[0]["notes"] == ""
        # 写备注, then a policy question: answered as a question, not filed; the step stays open
        prompt = await bot.tap_label(uid, logged, rt.BTN_NOTE_YES)
        assert edit_of(prompt).text == rt.NOTE_PROMPT.format(minutes=10)
        asked = [c for c in await bot.say(uid, "开封失独家庭的扶助金每月多少钱？") if c.method == "sendMessage"]
        assert asked[0].text == rt.NOTE_LOOKS_LIKE_QUESTION.format(minutes=10)
        assert [label for label, _ in asked[0].buttons()] == [rt.BTN_NOTE_KEEP_QUESTION]
        assert any("号" in c.text and "扶助" in c.text for c in asked[1:])  # the cited answer follows
        assert (await bot.storage.registry.visits())[0]["notes"] == ""
        saved = await bot.say(uid, "老人腿脚不便，需要轮椅")
        assert saved[-1].text == rt.NOTE_SAVED
        assert (await bot.storage.registry.visits())[0]["notes"] == "老人腿脚不便，需要轮椅"
        skipped = await bot.tap_label(uid, logged, rt.BTN_NOTE_NO)
        assert edit_of(skipped).text == rt.NOTE_SKIPPED
        # 写备注, a note that reads as a question, and 把这句记为备注: filed once; a replayed tap changes nothing
        await bot.tap_label(uid, logged, rt.BTN_NOTE_YES)
        asked = [c for c in await bot.say(uid, "老人问下个月还要不要去镇上签字？") if c.method == "sendMessage"]
        assert asked[0].text == rt.NOTE_LOOKS_LIKE_QUESTION.format(minutes=10)
        kept = await bot.tap_label(uid, asked[0], rt.BTN_NOTE_KEEP_QUESTION)
        assert edit_of(kept).text == rt.NOTE_SAVED
        assert (await bot.storage.registry.visits())[0]["notes"] == "老人问下个月还要不要去镇上签字？"
        again = await bot.tap_label(uid, asked[0], rt.BTN_NOTE_KEEP_QUESTION)
        assert not any(c.method == "editMessageText" for c in again)
        assert (await bot.storage.registry.visits())[0]["notes"] == "老人问下个月还要不要去镇上签字？"
        assert rt.NOTE_SAVED not in [c.text for c in await bot.say(uid, "谢谢")]  # the step has ended
    finally:
        await bot.stop()


async def test_help_keeps_the_visit_buttons_and_the_supervisor_can_see_the_team(api: FakeBotApi,
                                                                                tmp_path: Path) -> None:
    clock = Clock(at("2027-01-31"))
    bot = await started(api, tmp_path / "h.sqlite3", clock)
    try:
        uid, boss = 803, 800
        await _seed_contact_family(bot, uid, supervisor_uid=boss)
        reminder = await _sent_reminder(bot, api, uid)
        since = len(api.calls)
        after = await bot.tap_label(uid, reminder, rt.BTN_HELP)
        edited = next(c for c in after if c.method == "editMessageText")
        labels = [label for label, _ in edited.buttons()]
        assert rt.BTN_DONE_CALL in labels and rt.BTN_HELP not in labels
        await wait_for(lambda: sent_to(api, boss, since))
        told = sent_to(api, boss, since)[0]
        assert "王家" in told.text and rt.REASON_HELP in told.text and "赵主任" in told.text
        assert [label for label, _ in told.buttons()] == [rt.BTN_TEAM_OVERDUE]
        clock.now = at("2027-02-03")
        team = await bot.tap_label(boss, told, rt.BTN_TEAM_OVERDUE)
        listing = next(c for c in team if c.method == "sendMessage")
        assert listing.text.startswith(rt.TEAM_OVERDUE_HEADER.format(n=1)) and "王家" in listing.text
        assert (await bot.say(boss, "/overdue"))[-1].text == listing.text  # the command says the same
        steps = await bot.tap_label(uid, edited, rt.BTN_DONE_CALL)  # the visit can still be logged
        assert rt.ASK_OUTCOME.format(alias="王家", kind="电话回访") == edit_of(steps).text
    finally:
        await bot.stop()


async def test_my_families_shows_village_last_visit_and_next_due(api: FakeBotApi, tmp_path: Path) -> None:
    clock = Clock(at("2027-01-31"))
    bot = await started(api, tmp_path / "m.sqlite3", clock)
    try:
        uid = 803
        await _seed_contact_family(bot, uid)
        reminder = await _sent_reminder(bot, api, uid)
        listing = (await bot.say(uid, "/myfamilies"))[-1].text
        assert "王家（城关镇东村）" in listing and f"上次走访：{rt.NONE_YET}" in listing
        assert "下次到期：2027-01-31" in listing
        steps = await bot.tap_label(uid, reminder, rt.BTN_DONE_CALL)
        steps = await bot.tap_label(uid, edit_of(steps), rt.OUTCOMES["ok"])
        await bot.tap_label(uid, edit_of(steps), rt.FOLLOW_UPS["0"])
        listing = (await bot.say(uid, "/myfamilies"))[-1].text
        assert "上次走访：2027-01-31" in listing
    finally:
        await bot.stop()


async def test_the_family_record_after_a_visit_check_reads_like_the_family_result(api: FakeBotApi,
                                                                                  tmp_path: Path) -> None:
    """What /visitcheck saved is shown grouped with amounts and citations, not as raw fields."""
    from dialogs import check_templates as ct

    clock = Clock(at("2027-01-31"))
    bot = await started(api, tmp_path / "r.sqlite3", clock, interval=3600)
    try:
        uid = 803
        family, _ = await _seed_contact_family(bot, uid)
        await bot.storage.registry.save_family_record(family, {
            "jurisdiction": "linyi", "answers": {"child_status": "deceased", "mother_age": 58, "father_age": 60,
                                                "hukou": "both"},
            "eligible": "特别扶助金", "unclear": "", "by_contact": uid, "day": "2027-01-20"})
        listing = (await bot.say(uid, "/myfamilies"))[-1]
        assert rt.RECORD_SHORT.format(day="2027-01-20") in listing.text
        shown = await bot.tap_label(uid, listing, rt.BTN_RECORD.format(alias="王家"))
        text = "\n".join(c.text for c in shown if c.method == "sendMessage")
        assert text.startswith(rt.RECORD_HEADER.format(alias="王家", day="2027-01-20"))
        assert ct.SECTION_ELIGIBLE.split("（")[0] in text and "元" in text
        assert "child_status" not in text and "{'" not in text
    finally:
        await bot.stop()


async def test_staff_find_a_family_by_alias_in_their_own_city_readable_and_audited(api: FakeBotApi,
                                                                                  tmp_path: Path) -> None:
    from dialogs import check_templates as ct

    clock = Clock(at("2027-01-31"))
    bot = await started(api, tmp_path / "f.sqlite3", clock, interval=3600)
    try:
        staff = 601
        await bot.storage.users.ensure(staff)
        await bot.storage.users.set_role(staff, "staff")
        assert (await bot.say(staff, "/family 王家"))[-1].text == rt.FAMILY_NEEDS_CITY
        await bot.storage.users.set_jurisdiction(staff, "linyi")
        family = await bot.storage.registry.add_family("王家", "linyi")
        await bot.storage.registry.add_family("王家", "kaifeng")  # the same alias in another city
        await bot.storage.registry.save_family_record(family, {
            "jurisdiction": "linyi", "answers": {"child_status": "deceased", "mother_age": 58, "father_age": 60,
                                                "hukou": "both"}, "day": "2027-01-20"})
        shown = "\n".join(c.text for c in await bot.say(staff, "/family 王家"))
        assert ct.SECTION_ELIGIBLE.split("（")[0] in shown and "mother_age" not in shown and "{'" not in shown
        # a family who saved their own interview in Kaifeng is not this Linyi staff member's to read
        await bot.storage.users.ensure(507)
        await bot.storage.users.set_consent(507, True)
        await bot.storage.conversations.save_profile(507, "kaifeng", {"child_status": "deceased"}, "x")
        refused = (await bot.say(staff, "/family 507"))[-1].text
        assert refused == rt.FAMILY_OTHER_CITY.format(city="临沂市")
        await bot.storage.users.set_jurisdiction(staff, "kaifeng")
        record = (await bot.say(staff, "/family 507"))[0].text
        stamp = (await bot.storage.conversations.read_profile(507, reader=507))["updated_at"]
        beijing = dt.datetime.fromisoformat(stamp).astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
        assert f"更新于 {beijing}，北京时间" in record
        audit = "\n".join(c.text for c in await bot.say(ADMIN_ID, "/audit"))
        assert "查看了登记家庭 linyi/王家" in audit and "查看了家庭记录 用户507" in audit
    finally:
        await bot.stop()


async def test_forget_for_a_contact_says_what_is_kept_and_why(api: FakeBotApi, tmp_path: Path) -> None:
    clock = Clock(at("2027-01-31"))
    bot = await started(api, tmp_path / "g.sqlite3", clock, interval=3600)
    try:
        uid = 803
        await _seed_contact_family(bot, uid)
        confirm = next(c for c in await bot.say(uid, "/forget") if c.buttons())
        assert rt.CONTACT_FORGET_NOTE in confirm.text
        done = edit_of(await bot.tap_label(uid, confirm, t.FORGET_YES))
        assert done.text == t.FORGOTTEN + rt.CONTACT_FORGET_NOTE
        assert (await bot.storage.users.get(uid)) is None
        family_only = 507
        confirm = next(c for c in await bot.say(family_only, "/forget") if c.buttons())
        assert confirm.text == t.FORGET_CONFIRM  # a family is not told about contact records
    finally:
        await bot.stop()
