"""The phone page renders the conversation core (issue 24): what a family notices when the
page only lays out `dialogs.conversation`'s replies. A question with no city asks for the
city with a button per city and then answers the question; despair gets the numbers as
buttons, and the open question again; 原文 shows the whole clause; the interview goes
forward, back, changes one answer, ticks a checklist and reaches the result and its print
view; a replayed button, an edited or foreign state is refused politely, never trusted."""

from __future__ import annotations

import base64
import html
import json
import re

import httpx

from bot.web.app import create_app
from bot.web.signing import StateSigner
from dialogs import check_templates as ct
from dialogs import conversation_templates as cc
from dialogs import web_copy as w
from knowledge.catalogue import documents, get_document
from knowledge.clauses import clauses_by_id
from tests.web.phone_forms import choice_of, labels, press, shown, state_of


def client(key: bytes = b"k" * 32) -> httpx.AsyncClient:
    app = create_app(signer=StateSigner(key))
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://lianxin.test")


def carried(page: str) -> dict[str, object]:
    """The conversation state the page carries (signed, not secret: readable, not editable)."""
    data: dict[str, object] = json.loads(base64.urlsafe_b64decode(state_of(page).rsplit(".", 1)[0]))
    return data


def edited(page: str, **changes: object) -> str:
    """The page's state with some fields changed and its old signature kept."""
    mac = state_of(page).rsplit(".", 1)[1]
    return base64.urlsafe_b64encode(json.dumps({**carried(page), **changes}).encode()).decode() + "." + mac


def question_of(page: str) -> str:
    found = re.search(r'<h1 class="question">([^<]*)</h1>', page)
    assert found, "no interview question on the page"
    return html.unescape(found.group(1))


def calls_of(page: str) -> list[str]:
    return re.findall(r'<a class="call-button" href="tel:(\d+)">', page)


async def ask(c: httpx.AsyncClient, q: str, city: str = "", page: str | None = None) -> str:
    data = {"q": q, "city": city, **({"state": state_of(page)} if page else {})}
    r = await c.post("/ask", data=data)
    assert r.status_code == 200 and r.headers["cache-control"] == "no-store"
    return r.text


# --- questions -------------------------------------------------------------------------------

async def test_a_question_without_a_city_asks_for_it_with_a_button_per_city_then_answers_it() -> None:
    async with client() as c:
        asked = await ask(c, "住院有人护理吗")
        assert cc.ASK_CITY.split("{")[0] in shown(asked) and "出处：" not in shown(asked)  # no other city's rules
        # one big button per city, and one for a family from none of them
        assert labels(asked) == [*(d.name for d in documents().values()), cc.BTN_CITY_OTHER]
        assert choice_of(asked, "开封市") == "w|kaifeng"
        answered = await press(c, asked, "开封市", "/ask")
    text = shown(answered)
    assert "记下了：开封市" in text and "问题：住院有人护理吗（开封市）" in text  # the question first asked
    cards = re.findall(r'name="choice" value="o\|([^"]+)"', answered)
    assert cards and all(clause.startswith("kaifeng/") for clause in cards)
    assert "汴政办〔2023〕24号" in text and "出处：" in text and "原文：" in text
    assert '<option value="kaifeng" selected>' in answered  # the city is the page's from now on
    assert 'value="住院有人护理吗"' in answered  # the question shown back in its box (a POST body, no URL)
    assert carried(answered)["city"] == "kaifeng" and carried(answered)["waiting"] is None


async def test_a_family_from_none_of_the_cities_gets_other_cities_rules_said_to_be_only_that() -> None:
    async with client() as c:
        asked = await ask(c, "住院有人护理吗")
        answered = shown(await press(c, asked, cc.BTN_CITY_OTHER, "/ask"))
    assert answered.index(cc.NO_CITY_NOTE) < answered.index("出处：") and cc.ASK_CITY.split("{")[0] not in answered


async def test_the_full_text_button_shows_the_whole_clause_with_its_document_and_date() -> None:
    async with client() as c:
        page = await ask(c, "每个月的扶助金有多少", "kaifeng")
        first = choice_of(page, cc.BTN_FULL_TEXT.format(n=1))
        whole = await press(c, page, cc.BTN_FULL_TEXT.format(n=1), "/ask")
    clause = clauses_by_id()[first.removeprefix("o|")]
    doc = get_document(clause.doc)
    full = whole[whole.index('id="full-text"'):]
    text = shown(whole)
    assert f"{doc.name}《{doc.title}》" in text and f"{doc.number} {clause.path}" in text
    assert cc.ISSUED_STATUS.format(date=doc.date_label) in text
    body = [line for line in clause.text.splitlines() if line.strip()]
    assert len("".join(body)) > 60 and all(html.escape(line, quote=False) in full for line in body)  # every line
    assert 'value="每个月的扶助金有多少"' in whole  # the question is still in its box, to see the answer again


async def test_a_question_about_what_the_family_can_get_offers_the_check_for_the_pages_city() -> None:
    async with client() as c:
        page = await ask(c, "我家能享受什么待遇", "kaifeng")
        assert cc.OFFER_CHECK in shown(page) and choice_of(page, cc.BTN_START_CHECK) == "x|check"
        started = await press(c, page, cc.BTN_START_CHECK, "/ask")
    assert question_of(started).startswith("请问孩子现在的情况是")  # 开封 is known: no city question
    assert ct.INTRO in shown(started) and 'action="/check"' in started


async def test_every_form_posts_and_no_page_puts_a_question_or_a_state_in_a_link() -> None:
    async with client() as c:
        pages = [await ask(c, "住院有人护理吗"), await ask(c, "活着没意思", "kaifeng"),
                 (await c.get("/check")).text]
    for page in pages:
        forms = re.findall(r"<form[^>]*>", page)
        assert forms and all('method="post"' in f for f in forms), forms
        assert not re.search(r'href="[^"]*(\?|choice|state)', page)


# --- despair -----------------------------------------------------------------------------------

async def _interview_for(c: httpx.AsyncClient, city: str) -> str:
    """The interview started from the question page's offer, with the page's city."""
    page = await ask(c, "我家能享受什么待遇", city)
    return await press(c, page, cc.BTN_START_CHECK, "/ask")


async def test_despair_gets_the_care_with_call_buttons_and_mid_interview_the_question_again() -> None:
    async with client() as c:
        care = await ask(c, "我不想活了", "kaifeng")
        assert calls_of(care) == ["12356", "120", "110"] and "心理干预服务" in shown(care)
        assert '<h1 class="question">' not in care  # nothing else asked of them
        page = await _interview_for(c, "kaifeng")
        question = question_of(page)
        progress = re.findall(r'<p class="progress">([^<]*)</p>', page)
        r = await c.post("/check", data={"state": state_of(page), "q": "孩子走了，我也不想活了"})
        mid = r.text
        # the numbers first, as big buttons; the warmth and the city's clause; then the same question
        assert calls_of(mid) == ["12356", "120", "110"]
        assert mid.index('class="call-button"') < mid.index('class="card lead care"') < mid.index('class="question"')
        assert cc.DISTRESS_OPENING in shown(mid) and "心理干预服务" in shown(mid)
        assert cc.BAD_CHOICE["default"] not in shown(mid)  # never "没看懂" to someone in despair
        assert question_of(mid) == question and re.findall(r'<p class="progress">([^<]*)</p>', mid) == progress
        assert "孩子已经离世" in labels(mid)
        on = await press(c, mid, "孩子已经离世")  # and the interview goes on from there
        assert "夫妻两人" in labels(on) and carried(on)["distress"] == 1
        # begun on the interview page itself (its city a button there), the same: care, then the question
        page = await press(c, (await c.get("/check")).text, "柳州市")
        r = await c.post("/check", data={"state": state_of(page), "q": "活着没意思"})
    assert calls_of(r.text) == ["12356", "120", "110"] and cc.DISTRESS_OPENING in shown(r.text)
    assert question_of(r.text) == question_of(page)


# --- the interview -----------------------------------------------------------------------------

async def _answer_age(c: httpx.AsyncClient, page: str, age: str) -> str:
    r = await c.post("/check", data={"state": state_of(page), "choice": choice_of(page, w.CHECK_AGE_SUBMIT),
                                     "age": age})
    assert r.status_code == 200
    return r.text


async def test_a_whole_interview_with_back_a_changed_answer_and_the_checklist_reaches_the_result() -> None:
    async with client() as c:
        page = await press(c, (await c.get("/check")).text, "临沂市")
        page = await press(c, page, "孩子已经离世")
        household = question_of(page)
        page = await press(c, page, "只有孩子妈妈")
        assert question_of(page).startswith("您的户口在临沂市吗")  # asked of her alone
        page = await press(c, page, cc.BTN_BACK)  # back: the household question again, the answer undone
        assert question_of(page) == household
        for label in ("夫妻两人", "两人都在本地", "没有", "已经在领"):
            page = await press(c, page, label)
        assert 'id="age"' in page
        wrong = await _answer_age(c, page, "很大了")
        assert cc.BAD_AGE in shown(wrong) and question_of(wrong) == question_of(page)  # asked again politely
        page = await _answer_age(c, wrong, "62")
        page = await press(c, page, "60岁及以上")
        # the checklist: rows to tick, posted with 选好了
        assert re.findall(r'name="ticked" value="([^"]+)"', page) == ["c1", "c2"]
        r = await c.post("/check", data={"state": state_of(page), "choice": choice_of(page, cc.BTN_DONE),
                                         "ticked": ["c1", "c2"]})
        review = r.text
        rows = shown(review[review.index('class="summary"'):])
        assert "家里享受低保、是五保（特困）供养对象" in rows and "夫妻两人" in rows and "62岁" in rows
        assert "只有孩子妈妈" not in rows
        # change one answer: only that question, then the answers again, in their places
        page = await press(c, review, "改：孩子妈妈的年龄")
        assert "孩子妈妈" in question_of(page)
        review = await _answer_age(c, page, "70")
        items = re.findall(r"<li>(.*?)</li>", review, re.S)
        assert "70岁" in shown("<main>" + items[6] + "</main>") and "60岁及以上" in shown("<main>" + items[7] + "</main>")
        result = await press(c, review, cc.BTN_CONFIRM)
        text = shown(result)
        assert "依据：临沂市的文件" in text and 'class="topic cash"' in result
        assert not re.search(r'value="e\|', result)  # the topics are shown to open, not as section buttons
        assert carried(result)["interview"] is None and carried(result)["last_result"]
        # 改一改: the answers again, all kept; confirmed again, the same result
        again = await press(c, result, w.CHECK_CHANGE)
        assert "70岁" in shown(again[again.index('class="summary"'):])
        assert shown(await press(c, again, cc.BTN_CONFIRM)).count("依据：临沂市的文件") == 1
        printed = await c.post("/check/print", data={"state": state_of(result)})
    assert printed.status_code == 200 and w.PRINT_TITLE in printed.text
    situation = shown(printed.text)
    assert "孩子妈妈的年龄：70岁" in situation and "其他情况：家里享受低保、是五保（特困）供养对象" in situation
    assert "您家的户口在哪个地方：临沂市" in situation


async def test_a_question_typed_mid_interview_is_answered_and_the_interview_goes_on() -> None:
    async with client() as c:
        page = await press(c, await _interview_for(c, "liuzhou"), "孩子已经离世")
        question = question_of(page)
        r = await c.post("/check", data={"state": state_of(page), "q": "体检免费吗"})
        answered = r.text
        assert "柳政规〔2018〕41号" in shown(answered) and cc.MID_INTERVIEW in shown(answered)
        assert question_of(answered) == question
        whole = await press(c, answered, cc.BTN_FULL_TEXT.format(n=1))  # the whole clause, on this page
        assert 'id="full-text"' in whole and '<h1 class="question">' not in whole
        back = await press(c, whole, w.CHECK_GO_ON)
    assert question_of(back) == question and cc.CHECK_RESUMED in shown(back)


# --- refusals ----------------------------------------------------------------------------------

async def test_a_button_of_another_interview_is_refused_politely_and_changes_nothing() -> None:
    async with client() as c:
        mine = await press(c, (await c.get("/check")).text, "开封市")
        other = await press(c, (await c.get("/check")).text, "柳州市")
        theirs = choice_of(other, "孩子已经离世")
        assert theirs != choice_of(mine, "孩子已经离世")  # each interview its own token
        r = await c.post("/check", data={"state": state_of(mine), "choice": theirs})
    page = r.text
    assert r.status_code == 200 and cc.EXPIRED["default"] in shown(page)
    assert question_of(page) == question_of(mine) and "孩子已经离世" in labels(page)
    assert carried(page)["interview"] == carried(mine)["interview"]  # nothing was answered


async def test_an_edited_or_foreign_state_is_refused_and_the_family_starts_again() -> None:
    async with client() as c:
        page = await press(c, (await c.get("/check")).text, "开封市")
        died = choice_of(page, "孩子已经离世")
        interview = dict(carried(page)["interview"])  # type: ignore[call-overload]
        interview["jurisdiction"] = "liuzhou"
        tampered = await c.post("/check", data={"state": edited(page, interview=interview), "choice": died})
        printed = await c.post("/check/print", data={"state": edited(page, last_result=interview)})
        missing = await c.post("/check", data={"choice": died})
    async with client(b"x" * 32) as other:  # another key: another deployment, or before a restart
        foreign = await other.post("/check", data={"state": state_of(page), "choice": died})
    for r in (tampered, printed, missing, foreign):
        assert r.status_code == 200 and w.CHECK_EXPIRED in r.text
        assert question_of(r.text) == ct.Q_JURISDICTION and "开封市" in labels(r.text)  # from the start
        assert carried(r.text)["interview"] is not None and carried(r.text)["interview"]["steps"] == []  # type: ignore[index]


async def test_an_edited_state_on_the_question_page_is_refused_not_answered() -> None:
    async with client() as c:
        asked = await ask(c, "住院有人护理吗")
        forged = edited(asked, waiting=["每个月的扶助金有多少", "每个月的扶助金有多少"])
        r = await c.post("/ask", data={"state": forged, "choice": "w|kaifeng"})
        typed = await c.post("/ask", data={"state": forged, "q": "活着没意思", "city": "kaifeng"})
    assert w.CHECK_EXPIRED in r.text and "出处：" not in shown(r.text) and "扶助金" not in shown(r.text)
    # a typed message is still answered (despair above all), from a fresh conversation
    assert calls_of(typed.text) == ["12356", "120", "110"] and carried(typed.text)["waiting"] is None
