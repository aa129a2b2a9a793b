"""The JSON API, `/api/v1/...`: exactly the CLI's JSON contracts over HTTP.

Each endpoint calls the same function in `bot.contracts` as its `python -m bot ... --json`
twin, and refuses bad input with the CLI's one-line message (as `{"error": ...}`, 4xx)."""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot import contracts
from bot.web.limits import BodyTooLarge, read_body
from bot.web.openapi import OPENAPI
from knowledge.catalogue import UnknownJurisdiction, resolve_jurisdiction

MAX_TOP = 20


class ApiError(Exception):
    """A request we refuse: one line for the caller, and the HTTP status."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def _json(data: Any, status: int = 200) -> JSONResponse:
    return JSONResponse(data, status_code=status)


def error_response(message: str, status: int, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status, headers=headers)


def _jurisdiction(value: Any, command: str) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ApiError(f"{command}: 'jurisdiction' must be a string (a code or a Chinese name)")
    try:
        return resolve_jurisdiction(value)
    except UnknownJurisdiction as exc:
        raise ApiError(str(exc)) from None


async def _body_json(request: Request, command: str) -> Any:
    if "json" not in request.headers.get("content-type", "application/json"):
        raise ApiError(f"{command}: send the body as application/json", 415)
    try:
        body = await read_body(request)
    except BodyTooLarge:
        raise ApiError(f"{command}: the body is larger than 64 KB", 413) from None
    try:
        return json.loads(body.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise ApiError(f"{command}: the body is not UTF-8 text (byte {exc.start})") from None
    except RecursionError:
        raise ApiError(f"{command}: the body is not valid JSON (nested too deeply)") from None
    except json.JSONDecodeError as exc:
        raise ApiError(f"{command}: the body is not valid JSON ({exc.msg}, line {exc.lineno})") from None
    except ValueError as exc:
        raise ApiError(f"{command}: the body is not valid JSON ({exc})") from None


async def ask(request: Request) -> Response:
    from knowledge.clause_search import search

    data = await _body_json(request, "ask")
    if not isinstance(data, dict):
        raise ApiError("ask: expected a JSON object {\"question\": ..., \"jurisdiction\"?: ..., \"top\"?: ...}")
    question = data.get("question")
    if not isinstance(question, str) or not question.strip():
        raise ApiError("ask: 'question' must be a non-empty string, e.g. 特别扶助金每月多少")
    top = data.get("top", 3)
    if not isinstance(top, int) or isinstance(top, bool) or not 1 <= top <= MAX_TOP:
        raise ApiError(f"ask: 'top' must be a whole number from 1 to {MAX_TOP}")
    jurisdiction = _jurisdiction(data.get("jurisdiction"), "ask")
    return _json(contracts.search_json(search(question.strip(), jurisdiction, top)))


async def check(request: Request) -> Response:
    from knowledge.eligibility import assess
    from knowledge.facts import ProfileError, parse_profile

    data = await _body_json(request, "check")
    try:
        result = assess(parse_profile(data))
    except ProfileError as exc:  # also a city whose rules are still under review
        raise ApiError(f"check: {exc}") from None
    return _json(contracts.assessment_json(result))


async def rules(request: Request) -> Response:
    return _json(contracts.rules_json(_jurisdiction(request.query_params.get("jurisdiction"), "rules")))


async def clauses(request: Request) -> Response:
    return _json(contracts.clauses_json(_jurisdiction(request.query_params.get("jurisdiction"), "clauses")))


async def compare(request: Request) -> Response:
    from knowledge.comparison import UnknownTopic, resolve_topic

    raw = request.query_params.get("topic", "").strip()
    if not raw:
        raise ApiError("compare: give a topic, e.g. ?topic=monthly_allowance or ?topic=每月扶助金")
    try:
        topic = resolve_topic(raw)
    except UnknownTopic as exc:
        raise ApiError(f"compare: {exc}") from None
    return _json(contracts.compare_json(topic))


async def openapi(request: Request) -> Response:
    return _json(OPENAPI)


def _answered(handler: Any) -> Any:
    """The handler with ApiError turned into its answer. The per-client rate limit is the one
    every public route shares (`bot.web.middleware.RateLimit`)."""

    async def endpoint(request: Request) -> Response:
        try:
            return await handler(request)
        except ApiError as exc:
            return error_response(str(exc), exc.status)

    return endpoint


def api_routes() -> list[Route]:
    return [
        Route("/api/v1/ask", _answered(ask), methods=["POST"]),
        Route("/api/v1/check", _answered(check), methods=["POST"]),
        Route("/api/v1/rules", _answered(rules), methods=["GET"]),
        Route("/api/v1/clauses", _answered(clauses), methods=["GET"]),
        Route("/api/v1/compare", _answered(compare), methods=["GET"]),
        Route("/api/v1/openapi.json", openapi, methods=["GET"]),
    ]
