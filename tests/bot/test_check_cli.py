"""`python -m bot check / rules / compare`, run as a user or a hotline script would."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

KAIFENG = {"jurisdiction": "kaifeng", "child_status": "deceased", "later_child": False, "mother_age": 55,
           "father_age": 57, "hukou": "both", "residence": "urban"}


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot", *args], input=stdin, capture_output=True, text=True,
                          timeout=120)


def test_check_json_from_stdin_gives_amounts_total_and_citations() -> None:
    p = run("check", "--json", "-", stdin=json.dumps(KAIFENG))
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert out["jurisdiction"] == "kaifeng" and out["covered"] is True
    assert out["monthly_total"] == 2860
    by_id = {b["id"]: b for b in out["benefits"]}
    allowance = by_id["kaifeng.special_allowance_deceased"]
    assert allowance["status"] == "eligible"
    assert allowance["amount"] == {"value": 1430, "unit": "CNY", "period": "month", "per": "person",
                                   "paid_as": "cash", "up_to": False, "at_least": False, "limit": None,
                                   "persons": 2, "household_value": 2860}
    assert allowance["citation"]["clause"] == "kaifeng/3.1.1"
    assert "每人每月1430元" in allowance["citation"]["quote"]
    assert by_id["kaifeng.one_off_relief"]["amount"]["value"] == 10000
    statuses = [b["status"] for b in out["benefits"]]
    assert statuses == sorted(statuses, key=["eligible", "unknown", "not_eligible"].index)


def test_check_json_from_a_file_with_a_chinese_city_name(tmp_path: Path) -> None:
    f = tmp_path / "p.json"
    f.write_text(json.dumps({**KAIFENG, "jurisdiction": "开封市", "mother_age": "unknown"}, ensure_ascii=False),
                 encoding="utf-8")
    out = json.loads(run("check", "--json", str(f)).stdout)
    allowance = next(b for b in out["benefits"] if b["id"] == "kaifeng.special_allowance_deceased")
    assert allowance["status"] == "unknown" and allowance["missing"] == ["mother_age"]
    assert allowance["amount"] is None


def test_no_local_hukou_says_so_instead_of_listing_benefits() -> None:
    out = json.loads(run("check", "--json", "-", stdin=json.dumps({**KAIFENG, "hukou": "none"})).stdout)
    assert out["covered"] is False and out["benefits"] == [] and out["monthly_total"] is None
    text = run("check", "-", stdin=json.dumps({**KAIFENG, "hukou": "none"})).stdout
    assert "户籍所在地" in text and "一、您家可以享受的" not in text


def test_batch_keeps_order_and_reports_bad_lines(tmp_path: Path) -> None:
    lines = [json.dumps({**KAIFENG, "id": "a"}), "{oops", json.dumps({**KAIFENG, "mother_age": -3, "id": "c"}),
             json.dumps({"jurisdiction": "linyi", "child_status": "disabled", "disability_grade": 3, "id": "d",
                         "later_child": False, "hukou": "both"})]
    f = tmp_path / "batch.jsonl"
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    p = run("check", "--json", "--batch", str(f))
    assert p.returncode == 0
    out = [json.loads(x) for x in p.stdout.splitlines()]
    assert [o.get("id") for o in out] == ["a", None, "c", "d"]
    assert out[0]["monthly_total"] == 2860
    assert "line 2" in out[1]["error"] and "mother_age" in out[2]["error"]
    linyi = {b["id"]: b for b in out[3]["benefits"]}
    grade_grant = [b for b in linyi.values() if b["status"] == "eligible" and b["amount"]
                   and b["amount"]["period"] == "once"]
    assert [b["amount"]["value"] for b in grade_grant] == [3000]


@pytest.mark.parametrize(
    ("change", "field"),
    [({"disability_grade": 7}, "disability_grade"), ({"mother_age": -3}, "mother_age"),
     ({"father_age": 300}, "father_age"), ({"later_child": "yes"}, "later_child"),
     ({"jurisdiction": "北京"}, "jurisdiction"), ({"residence": "city"}, "residence")],
)
def test_invalid_profile_exits_2_with_one_line_naming_the_field(change: dict, field: str) -> None:
    p = run("check", "--json", "-", stdin=json.dumps({**KAIFENG, **change}, ensure_ascii=False))
    assert p.returncode == 2
    assert len(p.stderr.strip().splitlines()) == 1
    assert p.stderr.startswith(f"check: {field}:")
    assert p.stdout == ""


def test_not_json_exits_2() -> None:
    p = run("check", "--json", "-", stdin="{not json")
    assert p.returncode == 2 and "not valid JSON" in p.stderr


def test_rules_json_lists_every_rule_with_its_clause() -> None:
    p = run("rules", "--json")
    rules = json.loads(p.stdout)
    assert {r["jurisdiction"] for r in rules} == {"ankang", "linyi", "jiangyan", "kaifeng", "liuzhou"}
    assert len(rules) > 100
    assert all(r["citation"]["clause"].startswith(r["jurisdiction"] + "/") and r["citation"]["quote"] for r in rules)
    only = json.loads(run("rules", "--json", "-j", "柳州").stdout)
    assert {r["jurisdiction"] for r in only} == {"liuzhou"}


def test_compare_monthly_allowance_across_the_five() -> None:
    p = run("compare", "monthly_allowance")
    assert p.returncode == 0
    for city, amount in [("安康市", "1,000元"), ("临沂市", "500元"), ("开封市", "1,430元"), ("柳州市", "650元")]:
        assert city in p.stdout and amount in p.stdout
    assert "泰州市姜堰区" in p.stdout and "征求意见稿" in p.stdout
    data = json.loads(run("compare", "--json", "一次性").stdout)
    assert data["topic"] == "one_off_grant"
    assert [j["jurisdiction"] for j in data["jurisdictions"]] == ["ankang", "linyi", "jiangyan", "kaifeng", "liuzhou"]


def test_compare_says_when_a_city_grants_nothing_of_the_kind() -> None:
    out = json.loads(run("compare", "--json", "education").stdout)
    empty = [j["jurisdiction"] for j in out["jurisdictions"] if not j["rules"]]
    assert "ankang" in empty  # 安康's document has no education benefit
    assert "本文件没有这一项" in run("compare", "education").stdout


def test_compare_unknown_topic_exits_2() -> None:
    p = run("compare", "彩票")
    assert p.returncode == 2 and len(p.stderr.strip().splitlines()) == 1 and "monthly_allowance" in p.stderr


def test_terminal_interview_to_result_with_a_change() -> None:
    # child died; a couple; both local, urban; no later child; mother 55; father 57; self-care ok;
    # then change hukou (summary line 3)
    answers = ["1", "1", "1", "1", "2", "1", "1", "3", "3", "y"]
    p = run("check", "-j", "开封", stdin="\n".join(answers) + "\n")
    assert p.returncode == 0, p.stderr
    assert "您填的情况如下" in p.stdout
    assert "每月现金合计：1,430元" in p.stdout  # after changing to "only the father is local"
    assert "汴政办〔2023〕24号" in p.stdout and "卫生健康委员会" in p.stdout


def test_terminal_interview_survives_nonsense_and_going_back() -> None:
    answers = ["狗", "99", "1", "b", "1", "1", "1", "1", "58", "1", "1", "y"]
    p = run("check", "-j", "kaifeng", stdin="\n".join(answers) + "\n")
    assert p.returncode == 0
    assert p.stdout.count("没看懂您的选择") == 2
    assert "每月现金合计：2,860元" in p.stdout


def test_terminal_chat_offers_the_interview_and_keeps_the_city() -> None:
    answers = ["开封 我家能享受什么补助", "查看待遇", "1", "1", "1", "1", "2", "1", "1", "y", "退出"]
    p = run(stdin="\n".join(answers) + "\n")
    assert p.returncode == 0
    assert "输入“查看待遇”" in p.stdout
    assert "您家的户口在哪个地方" not in p.stdout  # the city named in the question is kept
    assert "每月现金合计：2,860元" in p.stdout
    assert p.stdout.rstrip().endswith("再见，祝您平安。")
