"""Validate API responses against the OpenAPI document.

The response schema for (path, method, status) is looked up in the document and
validated with jsonschema's Draft 2020-12 validator (OpenAPI 3.1's dialect) through a
`referencing` registry that holds the whole document, so `#/components/...`
references resolve as they would for any client.
"""

import json
import re
from urllib.parse import urlsplit

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from werkzeug.exceptions import MethodNotAllowed, NotFound

from desk.api.openapi import build_document

DOCUMENT_URI = "urn:desk:openapi"
API_PREFIX = "/api/v1"
_CONVERTER = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


def rule_to_path(rule):
    """/api/v1/sessions/<int:session_id> -> /sessions/{session_id}"""
    return _CONVERTER.sub(r"{\1}", rule[len(API_PREFIX):])


def _escape(part):
    return part.replace("~", "~0").replace("/", "~1")


class ApiDocument:
    def __init__(self, app):
        # through JSON, so the document is exactly what clients get
        self.document = json.loads(json.dumps(build_document(app.config["DESK_PUBLIC_URL"])))
        resource = Resource.from_contents(self.document, default_specification=DRAFT202012)
        self.registry = Registry().with_resource(DOCUMENT_URI, resource)
        self.adapter = app.url_map.bind("localhost")

    def operation(self, method, url):
        """(document path, operation) for a request, or None when no route takes it."""
        path = urlsplit(url).path
        try:
            rule, _args = self.adapter.match(path, method=method, return_rule=True)
        except (NotFound, MethodNotAllowed):
            return None
        if not rule.rule.startswith(API_PREFIX):
            return None
        doc_path = rule_to_path(rule.rule)
        return doc_path, self.document["paths"][doc_path][method.lower()]

    def response_pointer(self, method, url, status):
        found = self.operation(method, url)
        if found is None:
            return "/components/schemas/Error"
        doc_path, operation = found
        responses = operation["responses"]
        assert str(status) in responses, (
            f"{method} {doc_path} answered {status}, which the document does not list")
        pointer = f"/paths/{_escape(doc_path)}/{method.lower()}/responses/{status}"
        response = responses[str(status)]
        if "$ref" in response:
            pointer = response["$ref"][1:]
        return pointer + "/content/application~1json/schema"

    def validator(self, pointer):
        return Draft202012Validator({"$ref": f"{DOCUMENT_URI}#{pointer}"},
                                    registry=self.registry,
                                    format_checker=Draft202012Validator.FORMAT_CHECKER)

    def validate_response(self, method, url, response):
        assert response.mimetype == "application/json", (
            f"{method} {url}: {response.status_code} {response.mimetype}")
        pointer = self.response_pointer(method, url, response.status_code)
        self.validator(pointer).validate(response.get_json())

    def schema_validator(self, name):
        return self.validator(f"/components/schemas/{name}")
