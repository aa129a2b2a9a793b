"""Money answers fit the family who asked, everywhere a family can ask (issue 12).

The same question — a parent of a disabled child asking for the monthly money — through
the command line (`ask` and `ask --json`), the terminal chat and Telegram (the real
application against the fake Bot API server). The answer leads with the figure the rules
give for a disabled child's family, never the deceased child's figure.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.bot.telegram_harness import Harness

QUESTION = "女儿三级残疾，每个月能领多少钱"
# city -> the lead line's opening, and the other family's figure that must not lead
EXPECTED = {
    "liuzhou": ("柳州：孩子伤残的家庭，夫妻每人每月600元（柳政规〔2018〕41号 三、（一））", "650"),
    "linyi": ("临沂：孩子伤残的家庭，夫妻每人每月300元（临政办发〔2014〕42号 二、（二））", "500"),
    "kaifeng": ("开封：本文件没有为孩子伤残的家庭写本地金额；对您适用的是“纳入国家和省计划生育家庭特别扶助”："
                "「将符合条件的计划生育特殊家庭成员纳入计划生育特别扶助范围」", "1430"),
}


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot", *args], input=stdin, capture_output=True, text=True,
                          timeout=120)


def _before_clauses(text: str) -> str:
    """The lead: everything above the first numbered clause."""
    return text.split("\n1. ", 1)[0]


@pytest.mark.parametrize("city", EXPECTED)
def test_cli_ask_leads_with_the_figure_for_a_disabled_child(city: str) -> None:
    lead, other = EXPECTED[city]
    p = run("ask", "-j", city, QUESTION)
    assert p.returncode == 0
    lines = p.stdout.splitlines()
    assert lines[1].startswith(lead)  # the line right under the question
    assert other not in _before_clauses(p.stdout)


@pytest.mark.parametrize("city", EXPECTED)
def test_cli_ask_json_sentence_and_lead_fit(city: str) -> None:
    lead, other = EXPECTED[city]
    out = json.loads(run("ask", "--json", "-j", city, QUESTION).stdout)
    first = out["results"][0]
    assert out["lead"][0].startswith(lead)
    assert other not in first["sentence"]
    assert out["situation"] == {"child": "disabled", "grade": 3}
    if city == "kaifeng":
        assert first["none_for_situation"] is True
        assert {"linyi", "liuzhou"} <= {e["doc"] for e in out["elsewhere"]}  # the cities that state a sum
    else:
        assert {"liuzhou": "每月600元", "linyi": "每月300元"}[city] in first["sentence"]


def test_terminal_chat_leads_with_the_fitting_figure() -> None:
    p = run(stdin=f"柳州 {QUESTION}\n临沂 {QUESTION}\n开封 {QUESTION}\n")
    assert p.returncode == 0
    answers = p.stdout.split("问题：")[1:]
    for answer, city in zip(answers, EXPECTED, strict=True):
        lead, other = EXPECTED[city]
        assert answer.splitlines()[1].startswith(lead)
        assert other not in _before_clauses(answer)


async def onboard(bot: Harness, uid: int, city: str, consent: bool = True) -> None:
    replies = await bot.say(uid, "/start")
    replies = await bot.tap(uid, "r|family", replies[-1].message_id)
    replies = await bot.tap(uid, f"j|{city}", replies[-1].message_id if replies[-1].message_id else None)
    await bot.tap(uid, "k|y" if consent else "k|n")


@pytest.mark.parametrize(("uid", "city"), [(701, "liuzhou"), (702, "linyi"), (703, "kaifeng")])
async def test_telegram_free_text_leads_with_the_fitting_figure(bot: Harness, uid: int, city: str) -> None:
    await onboard(bot, uid, city)
    replies = await bot.say(uid, QUESTION)
    answer = next(r for r in replies if r.method == "sendMessage" and "问题：" in r.text)
    lead, other = EXPECTED[city]
    assert answer.text.splitlines()[1].startswith(lead)
    assert other not in _before_clauses(answer.text)


async def test_telegram_uses_the_saved_profile_only_with_consent(bot: Harness) -> None:
    answers = {"child_status": "disabled", "disability_grade": 2, "later_child": False, "hukou": "both"}
    await onboard(bot, 711, "liuzhou", consent=True)
    assert await bot.storage.conversations.save_profile(711, "liuzhou", answers, "summary")
    replies = await bot.say(711, "每个月能领多少钱")
    answer = next(r for r in replies if r.method == "sendMessage" and "问题：" in r.text)
    assert answer.text.splitlines()[1].startswith("按您填的情况：柳州：孩子伤残的家庭，夫妻每人每月600元")
    assert "650" not in _before_clauses(answer.text)

    await onboard(bot, 712, "liuzhou", consent=False)
    assert not await bot.storage.conversations.save_profile(712, "liuzhou", answers, "summary")  # nothing kept
    replies = await bot.say(712, "每个月能领多少钱")
    answer = next(r for r in replies if r.method == "sendMessage" and "问题：" in r.text)
    assert "按您填的情况" not in answer.text
    # no situation stated and none saved: both families' figures, each with its condition
    assert "孩子去世的家庭，夫妻每人每月650元" in answer.text and "孩子伤残的家庭，夫妻每人每月600元" in answer.text


async def test_inline_mode_shows_the_substance_not_the_heading(bot: Harness) -> None:
    await bot.storage.users.ensure(720)
    await bot.storage.users.set_role(720, "staff")
    since = len(bot.api.calls)
    bot.api.inline(720, "开封 住院护理补贴保险")
    staff = await bot.replies(720, since, methods=("answerInlineQuery",))
    first = staff[-1].params["results"][0]
    assert "三、（三）6." in first["title"]
    assert "900元" in first["description"] and "300元" in first["input_message_content"]["message_text"]
    assert not first["description"].startswith("建立完善住院护理补贴保险制度")
