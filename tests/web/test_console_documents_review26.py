"""The console's document pages after the issue-26 attacker review (findings C to F): heavy
work off the event loop, the assumed expiry said, the summary in plain words and only while
there is a draft, amounts refused outside a sensible range and warned when they differ from
the quote, the documents pages' own refusal page, a double click on 发布, and export of a
version that does not exist."""

from __future__ import annotations

import asyncio
import re
import threading
from typing import Any

import httpx
import pytest

from bot.documents import reading
from bot.storage import Storage
from bot.web import office_documents
from dialogs import web_copy as w
from knowledge.rules_schema import Rule
from tests.web import test_console_documents as base
from tests.web.test_console_documents import (
    ADMIN,
    EDITOR_A,
    EDITOR_B,
    STAFF,
    Person,
    card,
    review_all,
    revision,
    text_of,
    xincheng_text,
)

# the fixtures of the console's document tests: a store with editors, and one browser each
shipped_library_only = base.shipped_library_only
storage = base.storage
people = base.people

XINCHENG = "/console/documents/xincheng"


async def upload(a: Person, **cells: str) -> httpx.Response:
    r = await a.upload(xincheng_text().encode(), **cells)
    assert r.status_code == 303, r.text
    return r


async def published_once(people: dict[int, Person], uploaded: bool = False) -> httpx.Response:
    """A reviews (A edits the first rule), B publishes version 1; B's page after publishing."""
    if not uploaded:
        await upload(people[EDITOR_A])
    await review_all(people[EDITOR_A])
    page = await people[EDITOR_B].get(XINCHENG)
    done = await people[EDITOR_B].post(f"{XINCHENG}/publish", {"revision": revision(page)})
    assert done.status_code == 200 and w.DOCS_PUBLISHED.format(version=1) in done.text
    return done


def summary(page: httpx.Response) -> str:
    found = re.search(r'<section id="summary">(.*?)</section>', page.text, re.S)
    return text_of(found.group(1)) if found else ""


def title(page: httpx.Response) -> str:
    found = re.search(r"<title>(.*?)</title>", page.text, re.S)
    assert found
    return found.group(1).strip()


# --- C: CPU-heavy work off the event loop ----------------------------------------------------

async def served_while_blocked(monkeypatch: pytest.MonkeyPatch, target: Any, name: str, slow_call: Any,
                               other: Any) -> list[str]:
    """Replace `target.name` by a call that blocks its thread until another request has been
    served (at most 3 s); returns the order things happened in. On the event loop the block
    would hold the other request up, so the read would finish (timed out) first."""
    real = getattr(target, name)
    started, release = threading.Event(), threading.Event()
    order: list[str] = []

    def blocking(*args: Any, **kwargs: Any) -> Any:
        started.set()
        order.append("work released" if release.wait(3) else "work timed out")
        return real(*args, **kwargs)

    monkeypatch.setattr(target, name, blocking)
    task = asyncio.create_task(slow_call())
    assert await asyncio.to_thread(started.wait, 10)
    answer = await other()
    assert answer.status_code == 200
    order.append("other served")
    release.set()
    await task
    return order


async def test_reading_an_upload_does_not_hold_up_other_requests(monkeypatch: pytest.MonkeyPatch,
                                                                 people: dict[int, Person]) -> None:
    async def slow() -> None:
        r = await people[EDITOR_A].upload(xincheng_text().encode())
        assert r.status_code == 303, r.text

    order = await served_while_blocked(monkeypatch, reading, "read_document", slow,
                                       lambda: people[EDITOR_B].get("/console/documents"))
    assert order == ["other served", "work released"]


async def test_the_review_page_and_the_preview_draft_and_assess_off_the_event_loop(
        monkeypatch: pytest.MonkeyPatch, people: dict[int, Person]) -> None:
    await upload(people[EDITOR_A])

    async def review() -> None:
        assert (await people[EDITOR_A].get(XINCHENG)).status_code == 200

    order = await served_while_blocked(monkeypatch, office_documents, "draft_text", review,
                                       lambda: people[ADMIN].get("/console/documents"))
    assert order == ["other served", "work released"]

    async def preview() -> None:
        assert (await people[EDITOR_A].get(f"{XINCHENG}/preview")).status_code == 200

    order = await served_while_blocked(monkeypatch, office_documents, "preview", preview,
                                       lambda: people[ADMIN].get("/console/documents"))
    assert order == ["other served", "work released"]


async def test_a_text_longer_than_any_policy_document_is_refused_politely(storage: Storage,
                                                                         people: dict[int, Person]) -> None:
    """An 11 MB .txt of 100,000 lines took minutes to segment; it is refused when read."""
    line = "各地要按照规定做好扶助对象的走访慰问和帮扶联系工作，确保各项政策落实到位。"
    huge = "\n".join([xincheng_text(), *[line] * 100_000]).encode()
    r = await people[EDITOR_A].upload(huge, name="huge.txt")
    assert r.status_code == 400 and "文件里读出的文字太多" in r.text and "拆开" in r.text
    assert [d.code for d in await storage.documents.all() if not d.shipped] == []


# --- D: what the console says ----------------------------------------------------------------

async def test_an_assumed_expiry_is_said_after_the_upload_and_a_typed_one_is_not(people: dict[int, Person]) -> None:
    r = await upload(people[EDITOR_A])
    assert r.headers["location"] == f"{XINCHENG}?added=1&assumed=1"
    page = await people[EDITOR_A].get(r.headers["location"])
    assert w.DOCS_EXPIRES_ASSUMED.format(date="2028-07-31") in page.text  # five years from 2023-08-01
    assert "有效期未填写" in page.text and "改正" in page.text
    later = await people[EDITOR_A].get(XINCHENG)  # said once, after the upload
    assert 'id="expires-assumed"' not in later.text
    corrected = await people[EDITOR_A].post(f"{XINCHENG}/validity", {"expires": "2030-06-30"})
    assert corrected.status_code == 200
    back = await people[EDITOR_A].get(r.headers["location"])  # the browser's back button: no longer assumed
    assert 'id="expires-assumed"' not in back.text
    typed = await people[EDITOR_A].upload(xincheng_text().replace("2023", "2024").encode(), name="b.txt",
                                          number="新政办〔2024〕1号", issued="2024-01-05", effective="",
                                          expires="2026-12-31", replaces="xincheng")
    assert typed.status_code == 303 and typed.headers["location"].endswith("?added=1")
    page = await people[EDITOR_A].get(typed.headers["location"])
    assert 'id="expires-assumed"' not in page.text and 'id="added"' in page.text


async def test_the_summary_is_in_plain_words_and_only_while_a_draft_exists(people: dict[int, Person]) -> None:
    await upload(people[EDITOR_A])
    said = summary(await people[EDITOR_A].get(XINCHENG))
    assert w.DOCS_SUMMARY.format(rules=4, to_review=0, set_aside=1) in said
    assert "xincheng" not in said and "排班规则" not in said and "contact_roles" not in said
    assert w.DOCS_SCHEDULE_PROBLEMS["没有一条安排发给志愿者"] in said
    done = await published_once(people, uploaded=True)
    assert 'id="summary"' not in done.text and "草拟" not in summary(done) and "排班规则" not in done.text
    started = await people[EDITOR_B].post(f"{XINCHENG}/draft")  # a draft from version 1: not "drafted 4"
    assert started.status_code == 303
    again = await people[EDITOR_B].get(XINCHENG)
    assert 'id="no-draft"' not in again.text and 'id="summary"' not in again.text


def test_schedule_notes_lose_their_field_names() -> None:
    assert office_documents.plain_schedule_problem("没有读出联系人是谁（contact_roles 为空）") == \
        w.DOCS_SCHEDULE_PROBLEMS["没有读出联系人是谁"]
    assert office_documents.plain_schedule_problem("节日慰问没有写对象（festivals.to 为空）") == "节日慰问没有写对象"


async def test_refusals_on_the_documents_pages_are_titled_and_lead_back_to_them(
        storage: Storage, people: dict[int, Person]) -> None:
    await upload(people[EDITOR_A])
    expired = await people[EDITOR_A].c.post(f"{XINCHENG}/decide", data={"csrf": "old", "rule": "scope",
                                                                          "decision": "accepted"})
    assert expired.status_code == 403 and w.DOCS_FORM_EXPIRED in expired.text
    assert title(expired) == w.DOCS_REFUSED_TITLE and "名册" not in text_of(expired.text)
    assert 'href="/console/documents"' in expired.text and "文件页面" in expired.text
    upload_expired = await people[EDITOR_A].c.post("/console/documents/upload", data={"csrf": "old"},
                                                   files={"file": ("a.txt", b"x", "text/plain")})
    assert upload_expired.status_code == 403 and title(upload_expired) == w.DOCS_REFUSED_TITLE
    not_editor = await people[STAFF].get("/console/documents")
    assert not_editor.status_code == 403 and title(not_editor) == w.DOCS_REFUSED_TITLE
    assert w.DOCS_EDITORS_ONLY in not_editor.text and "名册" not in text_of(not_editor.text)
    grant = await people[EDITOR_A].post("/console/documents/editors", {"user": str(EDITOR_A), "city": "开封市"})
    assert grant.status_code == 403 and w.DOCS_ADMINS_ONLY in grant.text and "名册" not in text_of(grant.text)
    missing = await people[EDITOR_A].get("/console/documents/nosuch")
    assert missing.status_code == 404 and title(missing) == w.DOCS_REFUSED_TITLE
    refusals = [detail for _, action, detail in await base.audits(storage) if action == "console_refused"]
    assert f"POST {XINCHENG}/decide csrf" in refusals  # still audited


async def test_a_double_click_on_publish_says_it_is_published(storage: Storage, people: dict[int, Person]) -> None:
    await upload(people[EDITOR_A])
    await review_all(people[EDITOR_A])
    b = people[EDITOR_B]
    page = await b.get(XINCHENG)
    first = await b.post(f"{XINCHENG}/publish", {"revision": revision(page)})
    second = await b.post(f"{XINCHENG}/publish", {"revision": revision(page)})  # the same form, again
    assert first.status_code == 200 and second.status_code == 200
    said = text_of(second.text)
    assert w.DOCS_ALREADY_PUBLISHED.format(version=1) in said and "别人" not in said
    assert [v.version for v in await storage.documents.versions("xincheng")] == [1]
    other = await people[EDITOR_A].post(f"{XINCHENG}/publish", {"revision": revision(page)})  # someone else
    assert other.status_code == 409 and w.DOCS_ALREADY_PUBLISHED.format(version=1) not in other.text


async def test_a_double_click_arriving_together_makes_one_version_and_no_blame(
        storage: Storage, people: dict[int, Person]) -> None:
    await upload(people[EDITOR_A])
    await review_all(people[EDITOR_A])
    b = people[EDITOR_B]
    page = await b.get(XINCHENG)
    both = await asyncio.gather(*(b.post(f"{XINCHENG}/publish", {"revision": revision(page)}) for _ in range(2)))
    assert [r.status_code for r in both] == [200, 200]
    assert "别人" not in text_of(both[0].text) + text_of(both[1].text)
    assert [v.version for v in await storage.documents.versions("xincheng")] == [1]


# --- E: export of a version that does not exist ----------------------------------------------

@pytest.mark.parametrize(("asked", "said"), ids=["20 digits", "-1", "abc", "1.0", "2", "0"], argvalues=[
    ("99999999999999999999", w.DOCS_BAD_VERSION), ("-1", w.DOCS_BAD_VERSION), ("abc", w.DOCS_BAD_VERSION),
    ("1.0", w.DOCS_BAD_VERSION), ("2", w.DOCS_NO_SUCH_VERSION.format(version=2)),
    ("0", w.DOCS_NO_SUCH_VERSION.format(version=0)),
])
async def test_export_of_a_version_that_does_not_exist_is_404(people: dict[int, Person], asked: str,
                                                              said: str) -> None:
    await published_once(people)
    r = await people[EDITOR_A].c.get(f"{XINCHENG}/export.yaml", params={"version": asked})
    assert r.status_code == 404 and said in r.text and "jurisdiction: xincheng" not in r.text
    assert r.headers["content-type"].startswith("text/html")


async def test_export_of_a_version_that_exists(people: dict[int, Person]) -> None:
    await published_once(people)
    for query in ({"version": "1"}, {}, {"version": ""}):
        r = await people[EDITOR_A].c.get(f"{XINCHENG}/export.yaml", params=query)
        assert r.status_code == 200 and "jurisdiction: xincheng" in r.text, query


# --- F: amounts out of range, and amounts that differ from the quote --------------------------

async def edit(a: Person, rule: str, value: str, period: str, **more: str) -> httpx.Response:
    form = await a.get(f"{XINCHENG}/rule/{rule}")
    return await a.post(f"{XINCHENG}/rule/{rule}", {"revision": revision(form), "value": value, "period": period,
                                                     "per": "person", **more})


@pytest.mark.parametrize(("typed", "period", "limit"), ids=lambda v: str(v).encode("unicode_escape").decode(),
                         argvalues=[
    ("-5", "month", "1,000,000"), ("－5", "month", "1,000,000"), ("0", "month", "1,000,000"),
    ("0元", "year", "1,000,000"), ("99999999", "month", "1,000,000"), ("9,999,999", "month", "1,000,000"),
    ("1000001", "day", "1,000,000"), ("123456789", "once", "10,000,000"), ("1001万", "once", "10,000,000"),
])
async def test_an_amount_out_of_range_says_the_range(people: dict[int, Person], typed: str, period: str,
                                                     limit: str) -> None:
    a = people[EDITOR_A]
    await upload(a)
    r = await edit(a, "xincheng.draft_3", typed, period, child="deceased")
    said = text_of(r.text)
    assert r.status_code == 400 and w.DOCS_BAD_AMOUNT not in said, said
    assert w.DOCS_AMOUNT_RANGE.format(period=w.DOCS_PERIODS[period], limit=limit, typed=typed) in said
    assert f'value="{typed}"' in r.text  # what was typed is kept


async def test_amounts_in_range_are_taken(people: dict[int, Person], storage: Storage) -> None:
    a = people[EDITOR_A]
    await upload(a)
    assert (await edit(a, "xincheng.draft_3", "1,000,000", "month", child="deceased")).status_code == 303
    assert (await edit(a, "xincheng.draft_3", "9,999,999", "once", child="deceased")).status_code == 303
    assert (await edit(a, "xincheng.draft_3", "0.5万", "year", child="deceased")).status_code == 303
    bad = await edit(a, "xincheng.draft_3", "九百", "year", child="deceased")
    assert bad.status_code == 400 and w.DOCS_BAD_AMOUNT in bad.text  # not a number: said so


async def test_an_accepted_or_edited_amount_unlike_its_quote_is_warned(people: dict[int, Person]) -> None:
    a = people[EDITOR_A]
    await upload(a)
    page = await a.get(XINCHENG)
    assert 'class="mismatch"' not in page.text  # nothing decided yet
    assert (await edit(a, "xincheng.draft_1", "1500", "month", child="deceased", mother_age_min="49")).status_code == 303
    assert (await edit(a, "xincheng.draft_3", "900", "year", child="deceased")).status_code == 303  # as the quote
    page = await a.get(XINCHENG)
    first = text_of(card(page, "xincheng.draft_1"))
    assert w.DOCS_AMOUNT_MISMATCH.format(figures="1430元", amount="1,500元") in first
    assert 'id="mismatch-xincheng.draft_1"' in page.text and "has-mismatch" in page.text
    assert 'id="mismatch-xincheng.draft_3"' not in page.text
    # the old rate the quote raises from is not the amount either
    assert (await edit(a, "xincheng.draft_1", "1180", "month", child="deceased", mother_age_min="49")).status_code == 303
    page = await a.get(XINCHENG)
    assert w.DOCS_AMOUNT_MISMATCH.format(figures="1430元", amount="1,180元") in text_of(card(page, "xincheng.draft_1"))
    accepted = await a.post(f"{XINCHENG}/decide", {"revision": revision(page), "rule": "xincheng.draft_2",
                                                    "decision": "accepted"})
    assert accepted.status_code == 303
    page = await a.get(XINCHENG)
    assert 'id="mismatch-xincheng.draft_2"' not in page.text  # 1万元 and 0.5万元 read as 10,000 and 5,000


def rule(amount: dict[str, Any], quote: str) -> Rule:
    return Rule.model_validate({"id": "x.r", "title": "t", "category": "cash", "beneficiary": "each_spouse",
                                "amount": amount, "citation": {"clause": "x/1", "quote": quote}})


def test_amount_mismatch_reads_variants_ranges_and_quotes_without_money() -> None:
    quote = "夫妻双方为我市户籍的，一次性救助1万元，夫妻一方为我市户籍的，一次性救助0.5万元"
    both = {"variants": [{"value": 10000, "when": {"hukou": "both"}}, {"value": 500, "when": {"hukou": "one"}}],
            "period": "once", "per": "household"}
    said = office_documents.amount_mismatch(rule(both, quote))
    assert said == w.DOCS_AMOUNT_MISMATCH.format(figures="1万元、0.5万元", amount="500元")
    ranged = {"value": 5000, "period": "once", "per": "household"}
    assert office_documents.amount_mismatch(rule(ranged, "给予3000—5000元的一次性救助")) == ""
    none = office_documents.amount_mismatch(rule(ranged, "给予一次性救助"))
    assert none == w.DOCS_AMOUNT_NOT_IN_QUOTE.format(amount="5,000元")
