"""Security headers, CSRF, cookies and the login rate limit."""

import os

import pytest

from desk import create_app, trust_proxies
from desk.cli import apply_migrations
from desk.core.security import CONTENT_SECURITY_POLICY
from tests.conftest import make_database, test_config
from tests.fixtures.factories import PASSWORD


def test_security_headers_on_pages(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert csp == CONTENT_SECURITY_POLICY
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cache-Control"] == "no-store"


def test_security_headers_on_errors_and_json(client):
    for url in ("/no-such-page", "/healthz"):
        assert "Content-Security-Policy" in client.get(url).headers


def test_templates_carry_no_inline_script_or_style():
    from desk import resource_dir

    for path in resource_dir("templates").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert "style=" not in text, path
        assert "<style" not in text, path
        assert "<script>" not in text and "<script " not in text.replace(
            '<script src="', ""), path
        assert "onclick=" not in text.lower() and "javascript:" not in text.lower(), path


def test_csrf_form_post_without_token_is_refused(app, ctx, create_user, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    user = create_user("coordinator")
    client = app.test_client()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/staff/sessions").status_code == 302


def test_csrf_form_post_with_token_is_accepted(app, ctx, create_user, monkeypatch):
    import re

    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    user = create_user("coordinator")
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/login", data={"email": user.email, "password": PASSWORD,
                                           "csrf_token": token})
    assert response.status_code == 302


def test_session_cookie_is_httponly_and_lax(client, ctx, create_user):
    user = create_user("coordinator")
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_cookies_are_secure_behind_https(tmp_path):
    app = create_app({"DESK_INSTANCE_PATH": str(tmp_path), "ENVIRON": {
        "DESK_PUBLIC_URL": "https://desk.city.example.jp",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}"}})
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    with app.test_request_context():
        response = app.test_client().get("/locale/en")
    assert "Strict-Transport-Security" in response.headers


def _limited_app(tmp_path_factory, storage_uri):
    url, cleanup = make_database("sqlite", tmp_path_factory)
    config = test_config(tmp_path_factory.mktemp("instance"), url)
    config.update(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=storage_uri)
    app = create_app(config)
    with app.app_context():
        apply_migrations()
    return app


def _hammer_login(app):
    client = app.test_client()
    statuses = [client.post("/login", data={"email": "x@city.example.jp",
                                            "password": "wrong-password"}).status_code
                for _attempt in range(12)]
    return statuses


def test_login_rate_limit_in_memory(tmp_path_factory):
    statuses = _hammer_login(_limited_app(tmp_path_factory, "memory://"))
    assert statuses[:10] == [200] * 10
    assert statuses[10:] == [429, 429]


def test_login_rate_limit_in_redis(tmp_path_factory):
    url = os.environ.get("DESK_TEST_REDIS_URL")
    if not url:
        if os.environ.get("DESK_REQUIRE_REDIS") == "1":
            pytest.fail("DESK_REQUIRE_REDIS is set but DESK_TEST_REDIS_URL is not")
        pytest.skip("DESK_TEST_REDIS_URL is not set")
    import redis

    client = redis.Redis.from_url(url)
    try:
        client.ping()
    except redis.ConnectionError as error:
        if os.environ.get("DESK_REQUIRE_REDIS") == "1":
            pytest.fail(f"Redis is required but unreachable: {error}")
        pytest.skip(f"Redis unreachable: {error}")
    for key in client.scan_iter("LIMITS*"):
        client.delete(key)
    statuses = _hammer_login(_limited_app(tmp_path_factory, url))
    assert statuses[10:] == [429, 429]
    assert any(True for _key in client.scan_iter("LIMITS*"))


def test_proxy_count_trusts_forwarded_headers(tmp_path):
    from flask import request

    def remote(proxy_count):
        app = trust_proxies(create_app({"DESK_INSTANCE_PATH": str(tmp_path), "ENVIRON": {
            "DESK_PROXY_COUNT": str(proxy_count),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}"}}))
        app.add_url_rule("/whoami", "whoami", lambda: f"{request.remote_addr} {request.scheme}")
        return app.test_client().get("/whoami", headers={
            "X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"}).get_data(True)

    assert remote(0) == "127.0.0.1 http"
    assert remote(1) == "203.0.113.7 https"
