"""The deployment files send the web and the webhook to the one process: nginx proxies every
location to the port the container and the unit listen on, with the body limit of the app."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from bot.web.limits import MAX_BODY_BYTES

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def test_nginx_sends_webhook_pages_and_api_to_the_one_upstream() -> None:
    conf = (DEPLOY / "nginx-lianxin.conf").read_text(encoding="utf-8")
    upstream = re.search(r"upstream lianxin \{\s*server 127\.0\.0\.1:(\d+);", conf)
    assert upstream
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
    assert f"127.0.0.1:{upstream.group(1)}:{upstream.group(1)}" in compose["services"]["lianxin"]["ports"]
    assert f"EXPOSE {upstream.group(1)}" in (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    locations = dict(re.findall(r"location (=? ?/\S*) \{([^}]*)\}", conf))
    for path in ("/telegram/", "/api/", "/desk", "/", "= /healthz"):
        assert "proxy_pass http://lianxin;" in locations[path], path
    assert "deny all" in locations["= /healthz"]
    assert f"client_max_body_size {MAX_BODY_BYTES // 1024}k;" in conf
    assert "X-Forwarded-For" in conf  # the per-client rate limit sees the family's address, not nginx's


def test_the_unit_and_the_container_run_the_one_process() -> None:
    unit = (DEPLOY / "lianxin.service").read_text(encoding="utf-8")
    assert unit.count("ExecStart=") == 1 and "-m bot run" in unit
    assert "nginx-lianxin.conf" in (DEPLOY / "README.md").read_text(encoding="utf-8")
