"""Who may write through the API: a coordinator's or an admin's bearer token, nothing
else (not a browser session, not a volunteer's token)."""

import pytest
from sqlalchemy import select

from desk.auth.models import ApiToken, Role
from desk.extensions import db
from tests.api.helpers import assert_error, row_counts

WRITES = [
    ("POST", "/api/v1/sessions"),
    ("PATCH", "/api/v1/sessions/{session_id}"),
    ("POST", "/api/v1/series"),
]


@pytest.fixture
def target(ctx, create_session):
    return create_session()


def _credentials(kind, token_for, create_user):
    """The Authorization header value for each case of the matrix (None: no header)."""
    if kind == "none":
        return None
    if kind == "invalid":
        return "Bearer desk_not-a-real-token"
    if kind == "not_desk":
        return "Bearer abc"
    if kind == "empty":
        return "Bearer "
    if kind == "basic":
        return "Basic Y29vcmRpbmF0b3I6c2VjcmV0"
    if kind == "revoked":
        return "Bearer " + token_for(Role.COORDINATOR, revoked=True)
    if kind == "disabled":
        user = create_user(Role.COORDINATOR)
        plaintext = token_for(user=user)
        user.is_enabled = False
        db.session.commit()
        return "Bearer " + plaintext
    if kind == "lowercase_scheme":
        return "bearer " + token_for(Role.COORDINATOR)
    return "Bearer " + token_for(Role(kind))


# kind -> (status, error code); writes below are empty bodies, so the authorised ones
# reach the body checks and answer 422 (or 200 for an empty PATCH).
MATRIX = {
    "none": (401, "unauthorized"),
    "invalid": (401, "invalid_token"),
    "not_desk": (401, "invalid_token"),
    "empty": (401, "invalid_token"),
    "basic": (401, "invalid_token"),
    "revoked": (401, "invalid_token"),
    "disabled": (401, "invalid_token"),
    "volunteer": (403, "forbidden"),
    "coordinator": (None, None),
    "admin": (None, None),
    "lowercase_scheme": (None, None),
}


@pytest.mark.parametrize(("method", "url"), WRITES)
@pytest.mark.parametrize("kind", list(MATRIX))
def test_auth_matrix(api, target, token_for, create_user, method, url, kind):
    headers = {}
    credentials = _credentials(kind, token_for, create_user)
    if credentials is not None:
        headers["Authorization"] = credentials
    before = row_counts()
    response = api.open(method, url.format(session_id=target.id), json={}, headers=headers)
    status, code = MATRIX[kind]
    if status is None:
        assert response.status_code == (200 if method == "PATCH" else 422)
        return
    assert_error(response, status, code)
    assert row_counts() == before
    if status == 401:
        challenge = response.headers["WWW-Authenticate"]
        assert challenge.startswith('Bearer realm="desk"')
        assert ('error="invalid_token"' in challenge) == (code == "invalid_token")


@pytest.mark.parametrize(("method", "url"), WRITES)
@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.ADMIN])
def test_auth_cookie_session_never_authorises_writes(api, client, target, create_user,
                                                     login, method, url, role):
    login(client, create_user(role))
    before = row_counts()
    response = api.open(method, url.format(session_id=target.id), json={"capacity": 3})
    assert_error(response, 401, "unauthorized")
    assert row_counts() == before


def test_auth_checked_before_the_session_is_looked_up(api, ctx):
    assert_error(api.patch("/api/v1/sessions/999999", json={}), 401)


def test_auth_reads_need_no_token(api, target):
    assert api.get("/api/v1/sessions", query_string={"from": "2026-12-01"}).status_code == 200
    assert api.get(f"/api/v1/sessions/{target.id}").status_code == 200
    assert api.get("/api/v1/venues").status_code == 200


def test_auth_records_token_use(api, target, token_for):
    plaintext = token_for(Role.COORDINATOR)
    api.patch(f"/api/v1/sessions/{target.id}", token=plaintext, json={"capacity": 0.5})
    db.session.expire_all()
    token = db.session.scalars(select(ApiToken).order_by(ApiToken.id.desc())).first()
    assert token.last_used_dt is not None


@pytest.mark.parametrize("role", [Role.VOLUNTEER, Role.COORDINATOR])
def test_auth_a_refused_request_keeps_the_tokens_last_use_and_nothing_else(api, target,
                                                                             token_for, role):
    plaintext = token_for(role)
    before = row_counts()
    response = api.patch(f"/api/v1/sessions/{target.id}", token=plaintext,
                         json={"capacity": 3, "title": "x" * 1000})
    assert_error(response, 403 if role == Role.VOLUNTEER else 422)
    assert row_counts() == before
    assert db.session.get(type(target), target.id).capacity != 3
    token = db.session.scalars(select(ApiToken).order_by(ApiToken.id.desc())).first()
    assert token.last_used_dt is not None


def test_auth_error_message_in_english(api, ctx):
    error = assert_error(api.post("/api/v1/sessions", json={}, language="en"), 401)
    assert "Authorization: Bearer" in error["message"]
