"""Fixtures for the API tests: the OpenAPI document, tokens per role, and `api`, a
test client that validates every response it receives against the document."""

import pytest

from desk.auth.models import Role
from desk.auth.services import create_token, revoke_token
from desk.extensions import db
from tests.api.schema import ApiDocument
from tests.fixtures.factories import NOW


@pytest.fixture
def document(app):
    return ApiDocument(app)


class ApiClient:
    """Requests with an optional bearer token; every answer must match the document."""

    def __init__(self, client, document):
        self.client = client
        self.document = document

    def open(self, method, url, *, token=None, json=None, data=None, content_type=None,
             headers=None, query_string=None, language=None):
        headers = dict(headers or {})
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        if language is not None:
            headers["Accept-Language"] = language
        kwargs = {"headers": headers, "query_string": query_string}
        if json is not None:
            kwargs["json"] = json
        if data is not None:
            kwargs["data"] = data
        if content_type is not None:
            kwargs["content_type"] = content_type
        response = self.client.open(url, method=method, **kwargs)
        self.document.validate_response(method, url, response)
        return response

    def get(self, url, **kwargs):
        return self.open("GET", url, **kwargs)

    def post(self, url, **kwargs):
        return self.open("POST", url, **kwargs)

    def patch(self, url, **kwargs):
        return self.open("PATCH", url, **kwargs)


@pytest.fixture
def api(client, document):
    return ApiClient(client, document)


@pytest.fixture
def token_for(ctx, create_user):
    """token_for(role) -> a bearer token (plaintext) for a new account of that role;
    token_for(role, revoked=True) -> one that was revoked."""

    def factory(role=Role.COORDINATOR, *, revoked=False, user=None):
        user = user or create_user(role)
        token, plaintext = create_token(user, name="api test", actor="test")
        if revoked:
            revoke_token(token.id, now=NOW, actor="test")
        db.session.commit()
        return plaintext

    return factory


@pytest.fixture
def coordinator_token(token_for):
    return token_for(Role.COORDINATOR)
