"""The OpenAPI document is generated from the routes: every /api/v1 route is in it with its methods, its
security and its scope, and `studio routes --json` says the same."""
from __future__ import annotations

import json
import re

import pytest
from flask import jsonify

from studio.api import bp
from tests.support.app import make_app

IMPLIED = {"HEAD", "OPTIONS"}


def openapi_path(rule: str) -> str:
    """/api/v1/posts/<int:post_id> as OpenAPI writes it: /api/v1/posts/{post_id}."""
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule)


def api_rules(app) -> dict[str, set[str]]:
    rules: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/"):
            rules.setdefault(openapi_path(rule.rule), set()).update(m.lower() for m in rule.methods - IMPLIED)
    return rules


def undocumented(app, document: dict) -> list[str]:
    """Each method of an /api/v1 rule that the document does not describe, as 'METHOD path'."""
    paths = document["paths"]
    return sorted(f"{method.upper()} {path}" for path, methods in api_rules(app).items()
                  for method in methods if method not in paths.get(path, {}))


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    return make_app(tmp_path_factory.mktemp("openapi"))


@pytest.fixture(scope="module")
def document(app):
    answer = app.test_client().get("/api/v1/openapi.json")  # no token: the description is public
    assert answer.status_code == 200 and answer.mimetype == "application/json"
    return answer.json


def test_every_api_route_is_in_the_document_with_the_same_methods(app, document):
    assert not undocumented(app, document), "routes missing from openapi.json"
    described = {path: {method for method in item if method in {"get", "post", "put", "patch", "delete"}}
                 for path, item in document["paths"].items()}
    assert described == api_rules(app), "openapi.json describes routes the app does not have"
    assert len(described) >= 25


def test_a_route_added_outside_the_typed_blueprint_is_reported_missing(tmp_path):
    app = make_app(tmp_path)
    app.add_url_rule("/api/v1/hand-written", "hand_written", lambda: jsonify([]))
    with app.app_context():
        assert undocumented(app, app.api_doc) == ["GET /api/v1/hand-written"]


def test_each_operation_names_its_scope_and_only_the_signed_webhook_and_the_document_are_public(app, document):
    views = {rule.endpoint: app.view_functions[rule.endpoint] for rule in app.url_map.iter_rules()
             if rule.endpoint.startswith("api.")}
    assert document["components"]["securitySchemes"]["token"]["scheme"] == "bearer"
    public = set()
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if operation["x-public"]:
                public.add(f"{method.upper()} {path}")
                assert "security" not in operation
                continue
            [requirement] = operation["security"]
            scope = operation["x-scope"]
            assert requirement == {"token": [scope] if scope else []}, (method, path)
            assert {"401", "403", "404"} <= set(operation["responses"]), (method, path)
            assert operation["responses"]["403"]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorBody")
    assert public == {"GET /api/v1/openapi.json", "POST /api/v1/brands/{slug}/orders"}
    assert {view.api_scope for view in views.values()} - {None} <= set(document["components"]["securitySchemes"]
                                                                       ["token"]["description"].replace(",", " ")
                                                                       .replace("(", " ").replace(")", " ").split())


def test_request_bodies_are_the_typed_models(document):
    approve = document["paths"]["/api/v1/posts/{post_id}/approve"]["post"]
    assert approve["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("/ApproveBody")
    schema = document["components"]["schemas"]["ApproveBody"]
    assert schema["required"] == ["revision_id"] and schema["properties"]["revision_id"]["type"] == "integer"
    listed = document["paths"]["/api/v1/brands/{slug}/posts"]["get"]
    assert {p["name"] for p in listed["parameters"]} >= {"slug", "limit", "cursor", "status"}


def test_studio_routes_json_and_the_document_agree_on_the_api(app, document):
    result = app.test_cli_runner().invoke(args=["routes", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert {row["endpoint"] for row in rows} >= {"web.dashboard", "health", "static", "api.approve"}
    listed: dict[tuple[str, str], dict] = {}
    for row in rows:
        if row["path"].startswith("/api/v1/"):
            for method in row["methods"]:
                listed[(method.lower(), openapi_path(row["path"]))] = row
    described = {(method, path): operation for path, item in document["paths"].items()
                 for method, operation in item.items()}
    assert listed.keys() == described.keys()
    for key, row in listed.items():
        operation = described[key]
        assert row["scope"] == operation["x-scope"], key
        assert (row["auth"] == "public") == operation["x-public"], key


def test_studio_routes_prints_a_line_per_route_with_api_scopes(app):
    result = app.test_cli_runner().invoke(args=["routes"])
    assert result.exit_code == 0
    line = next(line for line in result.output.splitlines() if "/api/v1/posts/<int:post_id>/approve" in line)
    assert line.split()[0] == "POST" and line.endswith("token review")
    assert len(result.output.splitlines()) == len(list(app.url_map.iter_rules()))


def test_there_is_no_documentation_ui_loading_scripts_from_elsewhere(app):
    assert not [rule.rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/openapi")]
    assert not [name for name in app.blueprints if name.startswith("openapi") or name in ("swagger", "redoc")]
    assert bp.name == "api"
