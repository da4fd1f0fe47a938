"""The OpenAPI document: valid OpenAPI 3.1, and the same routes as app.url_map."""

import pytest
from openapi_spec_validator import validate

from desk.api import sessions
from tests.api.schema import API_PREFIX, rule_to_path

HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


def test_openapi_document_validates(api):
    response = api.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.get_json()
    validate(document)
    assert document["openapi"].startswith("3.1")


def test_openapi_routes_match_document(app, document):
    routes = {(method.lower(), rule_to_path(rule.rule))
              for rule in app.url_map.iter_rules() if rule.rule.startswith(API_PREFIX + "/")
              for method in rule.methods - {"HEAD", "OPTIONS"}}
    documented = {(method, path) for path, item in document.document["paths"].items()
                  for method in item if method in HTTP_METHODS}
    assert routes, "no /api/v1 routes registered"
    assert routes - documented == set(), "routes missing from the OpenAPI document"
    assert documented - routes == set(), "documented operations with no route"


def test_openapi_servers_follow_public_url(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "DESK_PUBLIC_URL", "https://desk.city.example.jp")
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["servers"] == [{"url": "https://desk.city.example.jp/api/v1"}]


# Residents book and cancel without an account; the roster shows residents' phones;
# the KPI report is for coordinators.
PUBLIC_WRITES = {"createBooking", "cancelBooking"}
TOKEN_READS = {"getRoster", "getKpiReport"}
# a resident moves their booking with its code and phone; staff with a token, by code
OPTIONAL_TOKEN = {"moveBooking"}


def test_openapi_write_operations_need_bearer_token(document):
    schemes = document.document["components"]["securitySchemes"]
    assert schemes["bearerAuth"] == {**schemes["bearerAuth"], "type": "http",
                                     "scheme": "bearer"}
    for path, item in document.document["paths"].items():
        for method, operation in item.items():
            if method not in HTTP_METHODS:
                continue
            name = operation["operationId"]
            if name in OPTIONAL_TOKEN:
                assert operation["security"] == [{}, {"bearerAuth": []}], (method, path)
                assert "401" in operation["responses"] and "403" in operation["responses"]
                continue
            needs_token = (method != "get" and name not in PUBLIC_WRITES) or name in TOKEN_READS
            if not needs_token:
                assert "security" not in operation, (method, path)
            else:
                assert operation["security"] == [{"bearerAuth": []}], (method, path)
                assert "401" in operation["responses"] and "403" in operation["responses"]


def _json_types(schema, schemas):
    """The JSON types a (possibly referenced) schema allows."""
    if "$ref" in schema:
        return _json_types(schemas[schema["$ref"].rsplit("/", 1)[1]], schemas)
    if "anyOf" in schema:
        return set().union(*(_json_types(part, schemas) for part in schema["anyOf"]))
    kinds = schema["type"]
    return {kinds} if isinstance(kinds, str) else set(kinds)


@pytest.mark.parametrize(("schema_name", "fields"), [
    ("SessionCreate", sessions.SESSION_FIELDS),
    ("SessionUpdate", sessions.SESSION_UPDATE_FIELDS),
    ("SeriesCreate", sessions.SERIES_FIELDS),
])
def test_openapi_request_bodies_match_accepted_fields(document, schema_name, fields):
    schemas = document.document["components"]["schemas"]
    schema = schemas[schema_name]
    assert set(schema["properties"]) == set(fields)
    assert schema["additionalProperties"] is False  # unknown fields are refused (422)
    for name, field in fields.items():
        documented = _json_types(schema["properties"][name], schemas)
        assert documented <= set(field.types), (name, documented, field.types)


def test_openapi_error_schema_matches_every_error(document):
    validator = document.schema_validator("Error")
    validator.validate({"error": {"code": "invalid", "message": "x", "fields": {"a": "b"}}})
    assert not validator.is_valid({"error": {"code": "invalid", "message": "x"}})
    assert not validator.is_valid({"error": {"code": "invalid", "message": "x",
                                             "fields": {"a": 1}}})
