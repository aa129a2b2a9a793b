"""The public CLI, run as a user would: a subprocess of `python -m bot`."""

import json
import subprocess
import sys

import pytest


def run(*args, stdin=None):
    return subprocess.run([sys.executable, "-m", "bot", *args], input=stdin, capture_output=True, text=True,
                          timeout=120)


def test_ask_json_contract():
    p = run("ask", "--json", "--jurisdiction", "开封", "特别扶助金每月多少")
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert out["answered"] is True
    first = out["results"][0]
    assert first["doc"] == "kaifeng" and first["number"] == "汴政办〔2023〕24号"
    assert first["clause"] == "kaifeng/3.1.1" and first["path"] == "三、（一）1."
    assert "1430元" in first["text"] and isinstance(first["score"], float)
    scores = [r["score"] for r in out["results"]]
    assert scores == sorted(scores, reverse=True)


def test_ask_human_output_cites_document_clause_and_sentence():
    p = run("ask", "-j", "姜堰", "住院护理险")
    assert p.returncode == 0
    assert "三、（二）2." in p.stdout
    assert "征求意见稿" in p.stdout  # the draft is always called a draft
    assert "【住院护理险】" in p.stdout


def test_ask_declines_honestly_and_points_elsewhere():
    p = run("ask", "--json", "-j", "linyi", "墓地免费吗")
    out = json.loads(p.stdout)
    assert out["answered"] is False and out["results"] == []
    assert "kaifeng" in {r["doc"] for r in out["elsewhere"]}
    human = run("ask", "-j", "linyi", "墓地免费吗").stdout
    assert "临沂市的文件里没有找到" in human and "开封市" in human


def test_ask_top_limits_results():
    out = json.loads(run("ask", "--json", "--top", "1", "住院护理 补贴").stdout)
    assert len(out["results"]) == 1


def test_batch_answers_every_line_in_order(tmp_path):
    rows = [
        json.dumps({"id": "q1", "question": "体检免费吗", "jurisdiction": "liuzhou"}, ensure_ascii=False),
        "{not json",
        json.dumps({"id": 7, "question": "明天天气怎么样"}, ensure_ascii=False),
        json.dumps({"id": "q4", "question": "扶助金", "jurisdiction": "北京"}, ensure_ascii=False),
        json.dumps({"id": "q5"}),
        json.dumps({"id": "q6", "question": "五定两包"}, ensure_ascii=False),
    ]
    batch = tmp_path / "questions.jsonl"
    batch.write_text("\n".join(rows) + "\n", encoding="utf-8")
    p = run("ask", "--json", "--batch", str(batch))
    assert p.returncode == 0
    lines = [json.loads(x) for x in p.stdout.splitlines()]
    assert [x.get("id") for x in lines] == ["q1", None, 7, "q4", "q5", "q6"]
    assert lines[0]["answered"] and lines[0]["results"][0]["clause"] == "liuzhou/3.2.3"
    assert "error" in lines[1] and "line 2" in lines[1]["error"]
    assert lines[2]["answered"] is False
    assert "error" in lines[3] and "北京" in lines[3]["error"]
    assert "error" in lines[4]
    assert lines[5]["results"][0]["clause"] == "kaifeng/3.4.8"


def test_batch_from_stdin():
    p = run("ask", "--json", "--batch", "-", stdin='{"id": 1, "question": "雨后阳光联系卡"}\n')
    assert json.loads(p.stdout)["results"][0]["doc"] == "jiangyan"


@pytest.mark.parametrize(
    "args",
    [("ask", "--json", "--jurisdiction", "北京", "扶助金"), ("ask", "--json"), ("ask", "--top", "0", "扶助金"),
     ("ask", "--json", "--batch", "/nonexistent/file.jsonl"), ("clauses", "--jurisdiction", "上海"), ("frobnicate",)],
)
def test_bad_input_exits_2_with_one_line(args):
    p = run(*args)
    assert p.returncode == 2
    assert len(p.stderr.strip().splitlines()) == 1
    assert p.stdout == ""


def test_unknown_jurisdiction_lists_the_five():
    err = run("ask", "-j", "北京", "扶助金").stderr
    assert all(code in err for code in ("ankang", "linyi", "jiangyan", "kaifeng", "liuzhou"))


def test_clauses_json_lists_every_clause():
    data = json.loads(run("clauses", "--json").stdout)
    assert {c["doc"] for c in data} == {"ankang", "linyi", "jiangyan", "kaifeng", "liuzhou"}
    assert len({c["id"] for c in data}) == len(data) > 150
    assert all({"id", "doc", "path", "text"} <= set(c) for c in data)
    only = json.loads(run("clauses", "--json", "-j", "柳州市").stdout)
    assert {c["doc"] for c in only} == {"liuzhou"}


def test_console_answers_piped_questions_and_exits():
    p = run(stdin="开封 扶助金多少\n明天天气怎么样\n")
    assert p.returncode == 0
    assert "汴政办〔2023〕24号" in p.stdout and "1430元" in p.stdout
    assert "没有找到" in p.stdout
    assert p.stdout.rstrip().endswith("再见，祝您平安。")
