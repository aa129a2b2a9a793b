"""A document put in from the CLI reaches a running `python -m bot web` without a restart:
the API answers from it at once as clauses only, and from its rules once another editor
publishes them (the web process notices the change within its 10-second check)."""

from __future__ import annotations

import json
import time
from importlib import resources
from pathlib import Path

import httpx

from tests.bot.documents.samples import as_new_city, new_city_text
from tests.bot.documents.test_documents_cli import cli
from tests.web.web_server import running_web, web_env

PROFILE = {"jurisdiction": "xincheng", "child_status": "deceased", "later_child": False, "mother_age": 60,
           "father_age": 62, "hukou": "both"}


def _eventually(check: object, seconds: float = 30.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            return True
        time.sleep(0.5)
    return False


def test_the_web_process_answers_from_a_document_added_and_published_elsewhere(tmp_path: Path) -> None:
    database = tmp_path / "db.sqlite3"
    assert cli(tmp_path, "documents", "list").returncode == 0  # the database exists, shipped documents in
    with running_web(web_env(database)) as base:
        (tmp_path / "xincheng.txt").write_text(new_city_text(), encoding="utf-8")
        added = cli(tmp_path, "documents", "add", "xincheng.txt", "--city", "新城市", "--number", "新政办〔2026〕1号",
                    "--issued", "2026-11-01")
        assert added.returncode == 0, added.stderr

        def answers_from_new_city() -> bool:
            hits = httpx.post(base + "/api/v1/ask", json={"question": "新城每月特别扶助金多少"}).json()["results"]
            return bool(hits) and hits[0]["clause"].startswith("xincheng/")

        assert _eventually(answers_from_new_city)
        refused = httpx.post(base + "/api/v1/check", json=PROFILE)
        assert refused.status_code == 400 and "under review" in refused.text  # the API's refusal status
        reviewed = as_new_city(resources.files("knowledge").joinpath("rules", "kaifeng.yaml").read_text("utf-8"))
        (tmp_path / "reviewed.yaml").write_text(reviewed, encoding="utf-8")
        for user in ("7", "8"):
            assert cli(tmp_path, "admin", "grant", user, "admin").returncode == 0
        assert cli(tmp_path, "documents", "import-rules", "xincheng", "reviewed.yaml", "--by", "7").returncode == 0
        assert cli(tmp_path, "documents", "publish", "xincheng", "--by", "8").returncode == 0

        def checks() -> bool:
            response = httpx.post(base + "/api/v1/check", json=PROFILE)
            return response.status_code == 200 and any(
                b["id"] == "xincheng.special_allowance_deceased" and b["status"] == "eligible"
                for b in json.loads(response.text)["benefits"])

        assert _eventually(checks)
