"""The OpenAPI description served at /api/v1/openapi.json (written by hand: the shapes are the
CLI contracts documented in README, and a description generated from code would drift)."""

from __future__ import annotations

from typing import Any

from knowledge.rules_schema import TOPICS

_ERROR = {"description": "refused: one line saying why (the CLI's message)",
          "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
_LIMITS = {"413": {"description": "body larger than 64 KB"},
           "429": {"description": "too many requests from this client; see Retry-After"}}
_JURISDICTION = {"name": "jurisdiction", "in": "query", "required": False,
                 "description": "code or Chinese name: kaifeng, 开封, 开封市, ...", "schema": {"type": "string"}}


def _ok(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


OPENAPI: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "连心助手 API", "version": "1",
             "description": "The JSON contracts of `python -m bot ask/check/rules/clauses/compare --json`, over HTTP. "
                            "Every policy statement carries its citation: document number, clause path, verbatim "
                            "text; amounts are as stated in the document of its date."},
    "paths": {
        "/api/v1/ask": {"post": {
            "summary": "answer a question from the policy clauses (= python -m bot ask --json)",
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "object", "required": ["question"],
                "properties": {"question": {"type": "string", "minLength": 1},
                               "jurisdiction": {"type": "string"},
                               "top": {"type": "integer", "minimum": 1, "maximum": 20, "default": 3}}}}}},
            "responses": {"200": _ok("the search result", {"$ref": "#/components/schemas/AskResult"}),
                          "400": _ERROR, "415": _ERROR, **_LIMITS}}},
        "/api/v1/check": {"post": {
            "summary": "what a family is entitled to, from a profile (= python -m bot check --json)",
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "object", "required": ["jurisdiction"],
                "description": "a profile: jurisdiction, child_status, later_child, mother_age, father_age, hukou, "
                               "residence, ... (see README, `check`)"}}}},
            "responses": {"200": _ok("the assessment", {"$ref": "#/components/schemas/Assessment"}),
                          "400": _ERROR, "415": _ERROR, **_LIMITS}}},
        "/api/v1/rules": {"get": {
            "summary": "every eligibility rule with its citation (= python -m bot rules --json)",
            "parameters": [_JURISDICTION],
            "responses": {"200": _ok("rules", {"type": "array", "items": {"type": "object"}}), "400": _ERROR}}},
        "/api/v1/clauses": {"get": {
            "summary": "every clause of the five documents (= python -m bot clauses --json)",
            "parameters": [_JURISDICTION],
            "responses": {"200": _ok("clauses", {"type": "array", "items": {"$ref": "#/components/schemas/Clause"}}),
                          "400": _ERROR}}},
        "/api/v1/compare": {"get": {
            "summary": "one kind of benefit across the five jurisdictions (= python -m bot compare --json)",
            "parameters": [{"name": "topic", "in": "query", "required": True,
                            "schema": {"type": "string", "examples": list(TOPICS)}}],
            "responses": {"200": _ok("comparison", {"type": "object", "required": ["topic", "label", "jurisdictions"]}),
                          "400": _ERROR}}},
    },
    "components": {"schemas": {
        "Error": {"type": "object", "required": ["error"], "properties": {"error": {"type": "string"}}},
        "AskResult": {"type": "object", "required": ["answered", "results"], "properties": {
            "answered": {"type": "boolean"}, "lead": {"type": "array", "items": {"type": "string"}},
            "jurisdiction": {"type": ["string", "null"]},
            "results": {"type": "array", "items": {"type": "object", "required": ["doc", "clause", "path", "text",
                                                                                 "score", "number"]}},
            "elsewhere": {"type": "array", "items": {"type": "object"}}}},
        "Assessment": {"type": "object", "required": ["jurisdiction", "benefits", "monthly_total"]},
        "Clause": {"type": "object", "required": ["id", "doc", "path", "text"]},
    }},
}
