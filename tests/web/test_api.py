"""The JSON API over HTTP: the same shapes `../shared/contracts/check.py` checks on the CLI,
and byte-for-byte the CLI's JSON (one implementation behind both), with the CLI's one-line
messages as 4xx errors, a body size limit and a per-client rate limit."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import httpx
import pytest

from bot.web.app import create_app
from bot.web.limits import RateLimiter

DOCS = {"ankang", "linyi", "jiangyan", "kaifeng", "liuzhou"}
PROFILE = {"jurisdiction": "kaifeng", "child_status": "deceased", "later_child": False,
           "mother_age": 55, "father_age": 57, "hukou": "both", "residence": "urban"}


def cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot", *args], input=stdin, capture_output=True, text=True,
                          timeout=120)


def client(app: Any = None, address: str = "203.0.113.7") -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app or create_app(), client=(address, 40000))
    return httpx.AsyncClient(transport=transport, base_url="http://lianxin.test")


async def test_ask_is_the_cli_json_and_has_the_contract_shape() -> None:
    async with client() as c:
        r = await c.post("/api/v1/ask", json={"question": "特别扶助金每月多少", "jurisdiction": "开封"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    out = r.json()
    p = cli("ask", "--json", "--jurisdiction", "开封", "特别扶助金每月多少")
    assert p.returncode == 0 and out == json.loads(p.stdout)
    assert isinstance(out["answered"], bool) and out["results"]
    first = out["results"][0]
    for key, typ in [("doc", str), ("clause", str), ("path", str), ("text", str), ("score", (int, float))]:
        assert isinstance(first[key], typ), key
    assert "number" in first and first["doc"] in DOCS and first["doc"] == "kaifeng"


async def test_ask_declines_what_the_documents_do_not_cover_and_honours_top() -> None:
    async with client() as c:
        weather = (await c.post("/api/v1/ask", json={"question": "明天天气怎么样"})).json()
        one = (await c.post("/api/v1/ask", json={"question": "体检免费吗", "jurisdiction": "liuzhou", "top": 1})).json()
    assert weather["answered"] is False
    assert one["answered"] is True and len(one["results"]) == 1 and one["results"][0]["doc"] == "liuzhou"


async def test_check_rules_clauses_compare_are_the_cli_json() -> None:
    async with client() as c:
        check = await c.post("/api/v1/check", json=PROFILE)
        rules = await c.get("/api/v1/rules", params={"jurisdiction": "柳州"})
        clauses = await c.get("/api/v1/clauses", params={"jurisdiction": "kaifeng"})
        every_clause = await c.get("/api/v1/clauses")
        compare = await c.get("/api/v1/compare", params={"topic": "每月扶助金"})
    assert all(r.status_code == 200 for r in (check, rules, clauses, every_clause, compare))
    assert check.json() == json.loads(cli("check", "--json", "-", stdin=json.dumps(PROFILE)).stdout)
    assert rules.json() == json.loads(cli("rules", "--json", "-j", "柳州").stdout)
    assert clauses.json() == json.loads(cli("clauses", "--json", "-j", "kaifeng").stdout)
    assert compare.json() == json.loads(cli("compare", "--json", "每月扶助金").stdout)
    out = check.json()
    assert out["jurisdiction"] == "kaifeng" and "monthly_total" in out and out["benefits"]
    for b in out["benefits"]:
        assert {"id", "title", "category", "status", "amount", "reasons", "missing", "citation"} <= set(b)
        assert b["citation"]["clause"] and b["citation"]["quote"]
    data = every_clause.json()
    assert {c["doc"] for c in data} == DOCS and len({c["id"] for c in data}) == len(data) > 50
    assert all(r["jurisdiction"] == "liuzhou" and r["citation"]["clause"] for r in rules.json())


def _cli_error(*args: str, stdin: str | None = None) -> str:
    p = cli(*args, stdin=stdin)
    assert p.returncode == 2
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1
    return lines[0]


async def test_errors_are_4xx_with_the_cli_one_line_message() -> None:
    async with client() as c:
        city = await c.post("/api/v1/ask", json={"question": "扶助金", "jurisdiction": "北京"})
        grade = await c.post("/api/v1/check", json=dict(PROFILE, disability_grade=7))
        topic = await c.get("/api/v1/compare", params={"topic": "火星补贴"})
        rules_city = await c.get("/api/v1/rules", params={"jurisdiction": "北京"})
    assert city.status_code == 400 and city.json()["error"] == _cli_error("ask", "--json", "-j", "北京", "扶助金")
    assert grade.status_code == 400
    assert grade.json()["error"] == _cli_error("check", "--json", "-", stdin=json.dumps(dict(PROFILE, disability_grade=7)))
    assert topic.status_code == 400 and topic.json()["error"] == _cli_error("compare", "火星补贴")
    assert rules_city.status_code == 400 and "北京" in rules_city.json()["error"]


@pytest.mark.parametrize(("body", "headers", "status", "says"), [
    ("{not json", {}, 400, "ask: the body is not valid JSON"),
    ("[1, 2]", {}, 400, "ask: expected a JSON object"),
    ('{"question": ""}', {}, 400, "ask: 'question' must be a non-empty string"),
    ('{"question": 5}', {}, 400, "ask: 'question' must be a non-empty string"),
    ('{"question": "体检", "top": 0}', {}, 400, "ask: 'top' must be a whole number from 1 to 20"),
    ('{"question": "体检", "top": "3"}', {}, 400, "ask: 'top' must be a whole number"),
    ('{"question": "体检", "jurisdiction": 7}', {}, 400, "ask: 'jurisdiction' must be a string"),
    ("[" * 50_000, {}, 400, "ask: the body is not valid JSON"),
    ('{"question": "体检"}', {"content-type": "text/plain"}, 415, "ask: send the body as application/json"),
    (json.dumps({"question": "体" * 40_000}), {}, 413, "ask: the body is larger than 64 KB"),
])
async def test_bad_ask_bodies_get_one_precise_line(body: str, headers: dict[str, str], status: int, says: str) -> None:
    async with client() as c:
        r = await c.post("/api/v1/ask", content=body.encode(), headers={"content-type": "application/json", **headers})
    assert r.status_code == status
    error = r.json()["error"]
    assert error.startswith(says) and "\n" not in error and "Traceback" not in error


async def test_a_gbk_body_and_a_profile_that_is_not_an_object_are_refused_politely() -> None:
    async with client() as c:
        gbk = await c.post("/api/v1/ask", content='{"question": "体检"}'.encode("gbk"),
                           headers={"content-type": "application/json"})
        listed = await c.post("/api/v1/check", json=[PROFILE])
    assert gbk.status_code == 400 and gbk.json()["error"].startswith("ask: the body is not UTF-8 text")
    assert listed.status_code == 400 and listed.json()["error"].startswith("check: ")


async def test_unknown_endpoints_and_methods_answer_json() -> None:
    async with client() as c:
        missing = await c.get("/api/v1/nothing")
        wrong = await c.get("/api/v1/ask")
    assert missing.status_code == 404 and "no such endpoint" in missing.json()["error"]
    assert wrong.status_code == 405 and "GET" in wrong.json()["error"]


async def test_each_client_is_rate_limited_on_its_own() -> None:
    app = create_app(limiter=RateLimiter(per_minute=60, burst=3))
    async with client(app, "198.51.100.1") as busy, client(app, "198.51.100.2") as other:
        codes = [(await busy.get("/api/v1/rules", params={"jurisdiction": "kaifeng"})).status_code for _ in range(4)]
        refused = await busy.post("/api/v1/ask", json={"question": "体检"})
        calm = await other.post("/api/v1/ask", json={"question": "体检"})
    assert codes == [200, 200, 200, 429]
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
    assert "too many requests" in refused.json()["error"]
    assert calm.status_code == 200


def test_the_bucket_refills_with_time() -> None:
    limiter = RateLimiter(per_minute=60, burst=2)
    assert [limiter.allow("a", now=0.0) for _ in range(3)] == [0.0, 0.0, pytest.approx(1.0)]
    assert limiter.allow("a", now=1.0) == 0.0  # one request a second comes back


async def test_the_openapi_description_lists_every_endpoint() -> None:
    async with client() as c:
        doc = (await c.get("/api/v1/openapi.json")).json()
    assert doc["openapi"].startswith("3.")
    assert {"/api/v1/ask", "/api/v1/check", "/api/v1/rules", "/api/v1/clauses", "/api/v1/compare"} <= set(doc["paths"])
    assert doc["paths"]["/api/v1/ask"]["post"]["requestBody"]["content"]["application/json"]["schema"]["required"] == \
        ["question"]
