"""The role matrix: every route of app.url_map against anonymous, volunteer,
coordinator and admin, each with its expected status.

A route that nobody classified fails the test: a new page must join this table.
"""

import pytest
from flask import url_for

from desk.auth.models import Role
from desk.extensions import db

ROLES = ("anonymous", "volunteer", "coordinator", "admin")

PUBLIC = dict.fromkeys(ROLES, 200)
STAFF = {"anonymous": 302, "volunteer": 403, "coordinator": 200, "admin": 200}
STAFF_ACTION = {"anonymous": 302, "volunteer": 403, "coordinator": 302, "admin": 302}
ADMIN = {"anonymous": 302, "volunteer": 403, "coordinator": 403, "admin": 200}
ADMIN_ACTION = {"anonymous": 302, "volunteer": 403, "coordinator": 403, "admin": 302}
LOGGED_IN = {"anonymous": 302, "volunteer": 200, "coordinator": 200, "admin": 200}
REDIRECT = dict.fromkeys(ROLES, 302)
LOGIN_PAGE = {"anonymous": 200, "volunteer": 302, "coordinator": 302, "admin": 302}
# Writing API routes need a bearer token: a browser session (cookie) is never enough.
API_WRITE = dict.fromkeys(ROLES, 401)

# endpoint -> (method, expected statuses)
MATRIX = {
    "static": ("GET", PUBLIC),
    "core.set_locale": ("GET", REDIRECT),
    "core.health": ("GET", PUBLIC),
    "auth.login": ("GET", LOGIN_PAGE),
    "auth.logout": ("POST", REDIRECT),
    "auth.account": ("GET", LOGGED_IN),
    "public.schedule": ("GET", PUBLIC),
    "public.session": ("GET", PUBLIC),
    "public.venues": ("GET", PUBLIC),
    "staff.home": ("GET", {**STAFF, "coordinator": 302, "admin": 302}),
    "staff.sessions": ("GET", STAFF),
    "staff.session_new": ("GET", STAFF),
    "staff.session_edit": ("GET", STAFF),
    "staff.session_cancel": ("GET", STAFF),
    "staff.session_reinstate": ("POST", STAFF_ACTION),
    "staff.session_complete": ("POST", STAFF_ACTION),
    "staff.series_list": ("GET", STAFF),
    "staff.series_new": ("GET", STAFF),
    "staff.series_edit": ("GET", STAFF),
    "staff.series_cancel": ("GET", STAFF),
    "staff.venues": ("GET", STAFF),
    "staff.venue_new": ("GET", STAFF),
    "staff.venue_edit": ("GET", STAFF),
    "staff.programs": ("GET", STAFF),
    "staff.program_new": ("GET", STAFF),
    "staff.program_edit": ("GET", STAFF),
    "staff.districts": ("GET", STAFF),
    "staff.district_edit": ("GET", STAFF),
    "admin.users": ("GET", ADMIN),
    "admin.user_new": ("GET", ADMIN),
    "admin.user_edit": ("GET", ADMIN),
    "admin.user_unlock": ("POST", ADMIN_ACTION),
    "admin.tokens": ("GET", ADMIN),
    "admin.token_revoke": ("POST", ADMIN_ACTION),
    "admin.audit": ("GET", ADMIN),
    "api.sessions": ("GET", PUBLIC),
    "api.session": ("GET", PUBLIC),
    "api.venues": ("GET", PUBLIC),
    "api.openapi": ("GET", PUBLIC),
    "api.session_create": ("POST", API_WRITE),
    "api.session_update": ("PATCH", API_WRITE),
    "api.series_create": ("POST", API_WRITE),
}


@pytest.fixture
def matrix_objects(ctx, create_user, create_session, create_series, create_district):
    from desk.auth.services import create_token

    users = {role.value: create_user(role) for role in Role}
    session = create_session()
    series = create_series()
    token, _plaintext = create_token(users["coordinator"], name="matrix", actor="test")
    db.session.commit()
    ids = {
        "session_id": session.id,
        "series_id": series.id,
        "venue_id": session.venue_id,
        "program_id": session.program_id,
        "district_id": create_district().id,
        "user_id": users["volunteer"].id,
        "token_id": token.id,
        "code": "en",
        "filename": "css/desk.css",
    }
    return users, ids


def _url(app, rule, ids):
    with app.test_request_context():
        return url_for(rule.endpoint, **{name: ids[name] for name in rule.arguments})


def test_role_matrix_classifies_every_route(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    unclassified = sorted(endpoints - set(MATRIX))
    assert not unclassified, f"routes nobody classified in the role matrix: {unclassified}"
    stale = sorted(set(MATRIX) - endpoints)
    assert not stale, f"role matrix entries for routes that no longer exist: {stale}"


@pytest.mark.parametrize("role", ROLES)
def test_role_matrix_statuses(app, matrix_objects, login, role):
    users, ids = matrix_objects
    failures = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda item: item.rule):
        method, expected = MATRIX[rule.endpoint]
        assert method in rule.methods, (rule.endpoint, method, rule.methods)
        client = app.test_client()
        if role != "anonymous":
            login(client, users[role])
        url = _url(app, rule, ids)
        response = client.open(url, method=method)
        if response.status_code != expected[role]:
            failures.append(f"{method} {url} as {role}: {response.status_code}, "
                            f"expected {expected[role]}")
        if role == "anonymous" and expected[role] == 302 and rule.endpoint not in {
                "core.set_locale", "auth.logout"}:
            assert "/login" in response.headers["Location"], url
    assert not failures, "\n".join(failures)
