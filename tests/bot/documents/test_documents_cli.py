"""`python -m bot documents ...` as a city's office would run it: add, see it answered as
clauses only, review, publish by a second editor, and every refusal one line with exit 2."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib import resources
from pathlib import Path

from tests.bot.documents.samples import as_new_city, new_city_text


def cli(tmp: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "BOT_"))}
    env["BOT_DATABASE"] = str(tmp / "db.sqlite3")
    return subprocess.run([sys.executable, "-m", "bot", *args], env=env, cwd=tmp, capture_output=True, text=True,
                          timeout=120, input=stdin)


def test_add_review_publish_and_the_city_answers_from_its_rules(tmp_path: Path) -> None:
    (tmp_path / "xincheng.txt").write_text(new_city_text(), encoding="utf-8")
    added = cli(tmp_path, "documents", "add", "xincheng.txt", "--city", "新城市", "--number", "新政办〔2026〕1号",
                "--issued", "2026-11-01", "--effective", "2026-12-01")
    assert added.returncode == 0, added.stderr
    assert added.stdout.startswith("added xincheng: 关于进一步做好计划生育特殊家庭扶助关怀工作的实施意见")
    assert "2031-11-30" in added.stdout  # five years from taking effect, said as assumed
    # searchable at once from another command, clauses only
    asked = cli(tmp_path, "ask", "新城每月特别扶助金多少")
    assert "新城市" in asked.stdout and "本市待遇规则尚在核对中" in asked.stdout
    profile = json.dumps({"jurisdiction": "xincheng", "child_status": "deceased", "mother_age": 60})
    checked = cli(tmp_path, "check", "-", stdin=profile)
    assert checked.returncode == 2 and "under review" in checked.stderr and len(checked.stderr.splitlines()) == 1
    listed = cli(tmp_path, "documents", "list").stdout.splitlines()
    rows = {line.split("\t")[0]: line for line in listed}
    assert sorted(rows) == ["ankang", "jiangyan", "kaifeng", "linyi", "liuzhou", "xincheng"]
    assert "under review" in rows["xincheng"] and "version 1" in rows["kaifeng"]
    # two editors: an admin, and a staff member granted 新城市; a stranger is refused
    assert cli(tmp_path, "admin", "grant", "7", "admin").returncode == 0
    assert cli(tmp_path, "admin", "grant", "8", "staff").returncode == 0
    stranger = cli(tmp_path, "documents", "publish", "xincheng", "--by", "8")
    assert stranger.returncode == 2 and "[not_editor]" in stranger.stderr
    assert cli(tmp_path, "documents", "editor", "8", "新城").returncode == 0  # filed under 新城市
    assert cli(tmp_path, "admin", "grant", "9", "staff", "--city", "新城市").returncode == 0  # a city put in by staff
    # the reviewed Kaifeng rules, renamed, as the draft; the one who put them in cannot publish
    reviewed = as_new_city(resources.files("knowledge").joinpath("rules", "kaifeng.yaml").read_text("utf-8"))
    (tmp_path / "reviewed.yaml").write_text(reviewed, encoding="utf-8")
    assert cli(tmp_path, "documents", "import-rules", "xincheng", "reviewed.yaml", "--by", "7").returncode == 0
    same = cli(tmp_path, "documents", "publish", "xincheng", "--by", "7")
    assert same.returncode == 2 and "[same_editor]" in same.stderr and "另一位编辑" in same.stderr
    published = cli(tmp_path, "documents", "publish", "xincheng", "--by", "8")
    assert published.returncode == 0 and "published version 1" in published.stdout
    checked = cli(tmp_path, "check", "--json", "-", stdin=profile)
    benefits = {b["id"]: b for b in json.loads(checked.stdout)["benefits"]}
    assert benefits["xincheng.special_allowance_deceased"]["status"] == "unknown"  # hukou and later child unsaid
    assert benefits["xincheng.special_allowance_deceased"]["citation"]["clause"] == "xincheng/3.1.1"
    exported = cli(tmp_path, "documents", "export", "xincheng")
    assert "xincheng.special_allowance_deceased" in exported.stdout


def test_refusals_are_one_line_and_exit_2(tmp_path: Path) -> None:
    (tmp_path / "letter.txt").write_text("这是一封信。" * 100, encoding="utf-8")
    p = cli(tmp_path, "documents", "add", "letter.txt", "--city", "新城市", "--issued", "2026-11-01")
    assert p.returncode == 2 and len(p.stderr.splitlines()) == 1 and "[number]" in p.stderr and "文号" in p.stderr
    p = cli(tmp_path, "documents", "add", "letter.txt", "--city", "新城市", "--issued", "2026-11-01", "--draft")
    assert p.returncode == 2 and len(p.stderr.splitlines()) == 1 and "[no_clause_tree]" in p.stderr
    p = cli(tmp_path, "documents", "add", "missing.txt", "--city", "新城市", "--issued", "2026-11-01")
    assert p.returncode == 2 and len(p.stderr.splitlines()) == 1
    p = cli(tmp_path, "documents", "add", "letter.txt", "--city", "新城市", "--issued", "2026-13-01")
    assert p.returncode == 2 and "2026-13-01" in p.stderr
    p = cli(tmp_path, "documents", "publish", "nosuch", "--by", "1")
    assert p.returncode == 2 and "[unknown_document]" in p.stderr
    assert cli(tmp_path, "admin", "grant", "5", "admin").returncode == 0
    p = cli(tmp_path, "documents", "restore", "kaifeng", "9", "--by", "5")
    assert p.returncode == 2 and "[no_version]" in p.stderr
    p = cli(tmp_path, "documents", "review", "kaifeng", "--by", "5", "--accept", "scope", "--reject", "scope")
    assert p.returncode == 2 and "[conflict]" in p.stderr
    p = cli(tmp_path, "documents", "show", "x" * 100_000)
    assert p.returncode == 2 and len(p.stderr) < 300


def test_a_gbk_file_goes_in_like_its_utf8_twin_and_a_binary_one_is_refused(tmp_path: Path) -> None:
    (tmp_path / "gbk.txt").write_bytes(new_city_text().encode("gbk"))
    added = cli(tmp_path, "documents", "add", "gbk.txt", "--city", "新城市", "--issued", "2026-11-01", "--draft")
    assert added.returncode == 0, added.stderr
    asked = cli(tmp_path, "ask", "--json", "新城每月特别扶助金多少")
    assert json.loads(asked.stdout)["results"][0]["clause"] == "xincheng/3.1.1"
    (tmp_path / "utf8.txt").write_text(new_city_text(), encoding="utf-8")
    again = cli(tmp_path, "documents", "add", "utf8.txt", "--city", "新城二市", "--issued", "2026-11-01", "--draft")
    assert again.returncode == 2 and "[duplicate_file]" in again.stderr  # other bytes, the same document
    (tmp_path / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40)
    refused = cli(tmp_path, "documents", "add", "photo.png", "--city", "新城二市", "--issued", "2026-11-01", "--draft")
    assert refused.returncode == 2 and len(refused.stderr.splitlines()) == 1 and "[unsupported]" in refused.stderr


def test_a_shipped_document_set_lapsed_is_answered_as_lapsed(tmp_path: Path) -> None:
    p = cli(tmp_path, "documents", "set", "kaifeng", "--expires", "2010-01-01")
    assert p.returncode == 2 and "[dates]" in p.stderr
    assert cli(tmp_path, "documents", "set", "kaifeng", "--lapsed").returncode == 0
    asked = cli(tmp_path, "ask", "开封每月特别扶助金多少")
    assert "这份文件已于" in asked.stdout and "到期失效" in asked.stdout
    listed = {line.split("\t")[0]: line for line in cli(tmp_path, "documents", "list").stdout.splitlines()}
    assert "\tlapsed\t" in listed["kaifeng"] and "\tin_force\t" in listed["linyi"]


def test_a_successor_waits_in_the_list_while_the_old_document_answers(tmp_path: Path) -> None:
    text = resources.files("knowledge").joinpath("sources", "kaifeng.txt").read_text("utf-8").replace(
        "1430元", "1600元")
    (tmp_path / "kf2027.txt").write_text(text, encoding="utf-8")
    added = cli(tmp_path, "documents", "add", "kf2027.txt", "--city", "开封市", "--number", "汴政办〔2027〕5号",
                "--issued", "2027-03-01", "--replaces", "kaifeng")
    assert added.returncode == 0, added.stderr
    rows = {line.split("\t")[0]: line for line in cli(tmp_path, "documents", "list").stdout.splitlines()}
    successor = next(code for code in rows if code.startswith("kaifeng") and code != "kaifeng")
    assert "waits to replace kaifeng" in rows[successor] and "\tin_force\t" in rows["kaifeng"]
    assert "1,430元" in cli(tmp_path, "ask", "开封每月特别扶助金多少").stdout


def test_contacts_are_assigned_ahead_of_a_published_schedule_and_nothing_is_planned(tmp_path: Path) -> None:
    (tmp_path / "xincheng.txt").write_text(new_city_text(), encoding="utf-8")
    assert cli(tmp_path, "documents", "add", "xincheng.txt", "--city", "新城市", "--number", "新政办〔2026〕1号",
               "--issued", "2026-11-01").returncode == 0
    (tmp_path / "f.csv").write_text("alias,jurisdiction,township,village\n钱家,新城市,城关镇,东村\n", encoding="utf-8")
    (tmp_path / "c.csv").write_text("name,role,telegram_id\n孙干部,村干部,901\n", encoding="utf-8")
    assert cli(tmp_path, "admin", "import-families", "f.csv").returncode == 0
    assert cli(tmp_path, "admin", "import-contacts", "c.csv").returncode == 0
    assigned = cli(tmp_path, "admin", "assign", "1", "1", "--since", "2027-01-01")
    assert assigned.returncode == 0 and "0 reminder(s) planned now" in assigned.stdout
    assert "no published contact schedule yet" in assigned.stderr
    due = cli(tmp_path, "reminders", "--due", "--date", "2027-02-03")
    assert "钱家" not in due.stdout and "0 reminder(s) due" in due.stderr
