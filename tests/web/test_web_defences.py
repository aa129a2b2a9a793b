"""The web's defences, at the application: every body bounded as it arrives (a chunked
megabyte to /check is refused after 64 KB, not read), Starlette's form parser held to what
our pages send and refusing in Chinese, a body that does not arrive given up, one rate limit
for every public route (the sign-in links stricter), the security headers on every response
with a policy the pages' own inline code passes, a hang-up logged in one line, and the
shipped nginx file's limits.

The same over real sockets and uvicorn (slow clients, header timeouts): test_web_defences_server.py."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import logging
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.operations.access import link_path
from bot.settings import Settings
from bot.storage import Storage
from bot.web import middleware
from bot.web.app import create_app
from bot.web.limits import RateLimiter
from dialogs import web_copy as w

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "bot" / "web" / "templates"
NGINX = ROOT / "deploy" / "nginx-lianxin.conf"
CHUNK = 16 * 1024
ENGLISH = ("Too many", "exceeded", "maximum", "larger than", "Internal Server Error")


def _app(**kwargs: Any) -> Any:
    return create_app(settings=Settings(_env_file=None), announce_random_key=False, **kwargs)


def client(app: Any = None, address: str = "203.0.113.7") -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app or _app(), client=(address, 40000))
    return httpx.AsyncClient(transport=transport, base_url="https://lianxin.test")


class _Streamed:
    """A client sending `total` bytes in 16 KB chunks without a Content-Length (chunked), to
    the ASGI app directly: it counts what the app actually took, and keeps what was answered."""

    def __init__(self, total: int, stall_after: int | None = None, hang_up_after: int | None = None) -> None:
        self.total = total
        self.stall_after = stall_after
        self.hang_up_after = hang_up_after
        self.taken = 0
        self.sent: list[dict[str, Any]] = []

    async def receive(self) -> dict[str, Any]:
        if self.hang_up_after is not None and self.taken >= self.hang_up_after:
            return {"type": "http.disconnect"}
        if self.stall_after is not None and self.taken >= self.stall_after:
            await asyncio.sleep(3600)  # the rest never comes
        size = min(CHUNK, self.total - self.taken)
        self.taken += size
        body = b"state=x&" + b"a" * (size - 8) if self.taken == size else b"a" * size
        return {"type": "http.request", "body": body, "more_body": self.taken < self.total}

    async def send(self, message: dict[str, Any]) -> None:
        self.sent.append(message)

    @property
    def status(self) -> int:
        return int(next(m["status"] for m in self.sent if m["type"] == "http.response.start"))

    @property
    def text(self) -> str:
        return b"".join(m.get("body", b"") for m in self.sent if m["type"] == "http.response.body").decode()

    async def post(self, app: Any, path: str, content_type: bytes = b"application/x-www-form-urlencoded") -> None:
        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
                 "scheme": "https", "path": path, "raw_path": path.encode(), "root_path": "", "query_string": b"",
                 "headers": [(b"host", b"lianxin.test"), (b"content-type", content_type),
                             (b"transfer-encoding", b"chunked")],
                 "client": ("203.0.113.9", 40000), "server": ("lianxin.test", 443), "state": {}}
        await asyncio.wait_for(app(scope, self.receive, self.send), 10)


# --- 1. every body bounded, forms limited, refusals in Chinese ---------------------------

@pytest.mark.parametrize("path", ["/check", "/check/print"])
async def test_a_chunked_megabyte_to_the_interview_is_refused_after_64_kb_without_being_read(path: str) -> None:
    """Starlette read a chunked form whole (150 MB added 148 MB to the server's memory): now
    the app stops taking the body just past 64 KB and says so in Chinese."""
    body = _Streamed(1_200_000)
    await body.post(_app(), path)
    assert body.status == 413 and w.WEB_BODY_TOO_BIG in body.text
    assert body.taken <= 64 * 1024 + CHUNK, f"{body.taken} bytes of 1.2 MB were read"


async def test_a_declared_oversized_form_gets_the_chinese_page_not_an_english_json_line() -> None:
    async with client() as c:
        r = await c.post("/check", content=b"state=" + b"x" * 70_000,
                         headers={"content-type": "application/x-www-form-urlencoded"})
    assert r.status_code == 413 and r.headers["content-type"].startswith("text/html")
    assert w.WEB_BODY_TOO_BIG in r.text and not any(e in r.text for e in ENGLISH)
    assert r.headers["connection"] == "close"  # the rest of the body is not waited for


@pytest.mark.parametrize("path", ["/check", "/check/print"])
async def test_a_file_part_to_the_interview_is_refused_in_chinese(path: str) -> None:
    """A 200 MB file part went to a temporary file on disk: the pages take no files at all."""
    async with client() as c:
        r = await c.post(path, data={"state": "x", "action": "answer"},
                         files={"upload": ("big.bin", b"\x00" * 50_000, "application/octet-stream")})
    assert r.status_code == 400 and w.WEB_FORM_NO_FILES in r.text
    assert not any(e in r.text for e in ENGLISH)


async def test_a_form_with_more_fields_than_any_page_has_is_refused_in_chinese() -> None:
    async with client() as c:
        r = await c.post("/check", content="&".join(f"f{i}=1" for i in range(500)).encode(),
                         headers={"content-type": "application/x-www-form-urlencoded"})
    assert r.status_code == 400 and w.WEB_FORM_NOT_READ in r.text
    assert not any(e in r.text for e in ENGLISH)


async def test_the_interview_still_takes_its_own_forms() -> None:
    async with client() as c:
        first = await c.get("/check")
        token = re.search(r'name="state" value="([^"]+)"', first.text)
        choice = re.search(r'name="choice" value="([^"]+)">开封市<', first.text)
        assert token and choice
        r = await c.post("/check", data={"state": token.group(1), "choice": choice.group(1)})
    assert r.status_code == 200 and w.CHECK_EXPIRED not in r.text and "请问孩子现在的情况是" in r.text


async def test_a_body_that_stops_arriving_is_given_up_with_408(monkeypatch: pytest.MonkeyPatch) -> None:
    """Half a body, then nothing: the request used to wait for ever (a task and a connection
    held per such client); now it ends after the deadline, in Chinese."""
    monkeypatch.setattr(middleware, "BODY_TIMEOUT_SECONDS", 0.3)
    body = _Streamed(40_000, stall_after=CHUNK)
    await body.post(_app(), "/check")
    assert body.status == 408 and w.WEB_BODY_TOO_SLOW in body.text


async def test_the_api_is_bounded_the_same_way_and_answers_json() -> None:
    body = _Streamed(1_200_000)
    await body.post(_app(), "/api/v1/ask", content_type=b"application/json")
    assert body.status == 413 and '"error"' in body.text
    assert body.taken <= 64 * 1024 + CHUNK


# --- 6. a client hanging up mid-body --------------------------------------------------------

async def test_a_hang_up_mid_body_is_one_short_info_line_not_an_error_traceback(
        caplog: pytest.LogCaptureFixture) -> None:
    body = _Streamed(40_000, hang_up_after=CHUNK)
    with caplog.at_level(logging.DEBUG):
        await body.post(_app(), "/check")  # raised ClientDisconnect out of the app (logged by uvicorn at ERROR)
    errors = [r for r in caplog.records if r.levelno >= logging.WARNING]
    said = [r for r in caplog.records if "hung up" in r.getMessage()]
    assert errors == [] and len(said) == 1
    assert said[0].levelno == logging.INFO and said[0].exc_info is None and len(said[0].getMessage()) < 120


# --- 3. one rate limit for every public route --------------------------------------------

ROUTES = [("GET", "/", "html"), ("GET", "/ask?q=体检", "html"), ("GET", "/check", "html"),
          ("POST", "/check", "html"), ("GET", "/desk", "html"), ("GET", "/desk/search?q=扶助金", "json"),
          ("GET", "/desk/compare", "html"), ("GET", "/desk/doc/kaifeng", "html"),
          ("GET", "/console", "html"), ("GET", "/api/v1/rules", "api"), ("POST", "/api/v1/ask", "api")]


@pytest.mark.parametrize(("method", "path", "kind"), ROUTES)
async def test_every_public_route_shares_one_per_address_limit(method: str, path: str, kind: str) -> None:
    """`/desk/search` and `/ask` served 500 of 500 searches a minute while the API allowed 120:
    now the fourth request in a burst of three is refused on every route, politely, with
    Retry-After; another address is not affected."""
    app = _app(limiter=RateLimiter(per_minute=60, burst=3))
    body = {"json": {"question": "体检"}} if path.startswith("/api/") else {}
    async with client(app, "198.51.100.1") as busy, client(app, "198.51.100.2") as other:
        for _ in range(3):
            assert (await busy.get("/desk")).status_code == 200
        refused = await busy.request(method, path, **body)
        calm = await other.request(method, path, **body)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
    assert calm.status_code != 429
    if kind == "html":
        assert refused.headers["content-type"].startswith("text/html")
        assert w.WEB_TOO_MANY.format(seconds=refused.headers["Retry-After"]) in refused.text
    elif kind == "json":  # the desk's script reads JSON: an error it can show, no results
        assert refused.json()["results"] == [] and "太快" in refused.json()["error"]
    else:
        assert "too many requests" in refused.json()["error"]


async def test_static_files_and_the_monitor_are_not_counted() -> None:
    app = _app(limiter=RateLimiter(per_minute=60, burst=3))
    async with client(app) as c:
        codes = {(await c.get(p)).status_code for p in ["/static/app.css", "/healthz"] * 10}
    assert codes == {200}


@pytest.fixture
async def storage(tmp_path: Path) -> AsyncIterator[Storage]:
    s = await Storage.open(tmp_path / "db.sqlite3")
    yield s
    await s.close()


async def test_sign_in_link_guesses_are_limited_much_sooner(storage: Storage) -> None:
    """Guessing one-time links: ten tries, then 429 for this address (the general limit would
    allow thirty), said in Chinese; a real link from another address still signs in."""
    app = _app(storage=storage)
    async with client(app, "198.51.100.5") as guesser, client(app, "198.51.100.6") as clerk:
        codes = [(await guesser.get(link_path(f"guess{i:04d}"))).status_code for i in range(10)]
        refused = await guesser.post(link_path("guess9999"))
        await storage.users.ensure(11)
        from bot.storage import Role
        await storage.users.set_role(11, Role.ADMIN)
        real = await clerk.post(link_path(await storage.office_sessions.create_link(11)))
    assert 429 not in codes and refused.status_code == 429
    assert w.WEB_TOO_MANY_SIGN_IN.format(seconds=refused.headers["Retry-After"]) in refused.text
    assert real.status_code == 303


# --- 4. security headers ----------------------------------------------------------------------

HEADERS = {"x-frame-options": "DENY", "x-content-type-options": "nosniff", "referrer-policy": "no-referrer"}


@pytest.mark.parametrize(("method", "path"), [("GET", "/"), ("GET", "/ask?q=体检"), ("GET", "/check"),
                                              ("GET", "/desk"), ("GET", "/desk/search?q=体检"),
                                              ("GET", "/api/v1/rules"), ("GET", "/static/app.css"),
                                              ("GET", "/nowhere"), ("POST", "/check/print"), ("GET", "/console")])
async def test_every_response_carries_the_security_headers(method: str, path: str) -> None:
    async with client() as c:
        r = await c.request(method, path)
    for name, value in HEADERS.items():
        assert r.headers.get(name) == value, (path, name)
    policy = r.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    assert "'unsafe-inline'" not in policy


async def test_the_sign_in_page_keeps_its_own_referrer_policy(storage: Storage) -> None:
    """The link page needs `same-origin` (no-referrer would make the browser post Origin: null,
    which the sign-in refuses): a route's own header is kept."""
    from bot.storage import Role
    await storage.users.ensure(11)
    await storage.users.set_role(11, Role.ADMIN)
    async with client(_app(storage=storage)) as c:
        r = await c.get(link_path(await storage.office_sessions.create_link(11)))
    assert r.status_code == 200 and r.headers["referrer-policy"] == "same-origin"
    assert r.headers["x-frame-options"] == "DENY"


def _allowed_hashes() -> set[str]:
    return set(re.findall(r"'(sha256-[^']+)'", middleware.CONTENT_SECURITY_POLICY))


def test_every_inline_handler_in_the_templates_is_allowed_by_the_policy_and_nothing_else_is_inline() -> None:
    """The policy has no 'unsafe-inline': an inline <script>, <style> or style= in a template
    would silently stop working in the browser; an inline handler (the print buttons'
    onclick) must be listed by its hash."""
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), f"{template}: inline <script>; move it to /static"
        assert not re.search(r"<style|\sstyle=", text), f"{template}: inline style; move it to /static/*.css"
        for code in re.findall(r'\son[a-z]+="([^"]*)"', text):
            digest = "sha256-" + base64.b64encode(hashlib.sha256(code.encode()).digest()).decode()
            assert digest in _allowed_hashes(), f"{template}: inline handler {code!r} is not in the policy"


# --- 5. the shipped nginx file ------------------------------------------------------------------

def _locations(conf: str) -> dict[str, str]:
    """Each `location ... { ... }` block's text by its match (one level of braces)."""
    return {m.group(1).strip(): m.group(2) for m in re.finditer(r"location\s+([^{]+)\{([^{}]*)\}", conf)}


def _size(value: str) -> int:
    units = {"k": 1024, "m": 1024 * 1024}
    return int(value[:-1]) * units[value[-1].lower()] if value[-1].isalpha() else int(value)


def test_nginx_lets_the_csv_import_through_and_nothing_else_past_64_kb() -> None:
    """README promises a 5 MB import; nginx refused anything over 64 KB (~1,000 families)."""
    conf = NGINX.read_text(encoding="utf-8")
    server = conf.split("listen 443", 1)[1]
    default = re.search(r"^\s*client_max_body_size\s+(\w+);", server, re.MULTILINE)
    assert default and _size(default.group(1)) == 64 * 1024
    imports = _locations(conf)["= /console/import"]
    size = re.search(r"client_max_body_size\s+(\w+);", imports)
    assert size and _size(size.group(1)) >= 5 * 1024 * 1024 + 100 * 1024  # 5 MB of CSV plus the form around it
    assert "proxy_pass http://lianxin;" in imports


def test_nginx_limits_requests_per_address_on_every_proxied_location_and_sends_hsts() -> None:
    conf = NGINX.read_text(encoding="utf-8")
    zones = set(re.findall(r"limit_req_zone\s+\$binary_remote_addr\s+zone=(\w+):", conf))
    assert {"lianxin", "lianxin_sign_in"} <= zones
    for where, block in _locations(conf).items():
        # the platforms' callbacks (Telegram, WeChat, WeCom) come from their own few addresses and are
        # authenticated by signatures: a per-address limit would refuse 1,000 families writing at once
        if "proxy_pass" in block and where not in ("/telegram/", "= /wechat", "= /wecom", "= /healthz", "/static/"):
            assert re.search(r"limit_req\s+zone=lianxin\w*", block), f"location {where} has no limit_req"
    assert re.search(r"location\s+/console/link/\s*\{[^}]*limit_req\s+zone=lianxin_sign_in", conf)
    hsts = re.search(r'add_header\s+Strict-Transport-Security\s+"max-age=(\d+)[^"]*"\s+always;', conf)
    assert hsts and int(hsts.group(1)) >= 180 * 86400
    assert re.search(r"limit_conn\s+\w+\s+\d+;", conf) and "client_header_timeout" in conf


def test_the_systemd_unit_allows_far_more_open_files_than_the_application_caps() -> None:
    """The unit kept the default 1,024 open files: 1,100 half-open connections locked everyone out."""
    from bot.web import limits

    unit = (ROOT / "deploy" / "lianxin.service").read_text(encoding="utf-8")
    found = re.search(r"^LimitNOFILE=(\d+)$", unit, re.MULTILINE)
    assert found and int(found.group(1)) > 4 * limits.LIMIT_CONCURRENCY
