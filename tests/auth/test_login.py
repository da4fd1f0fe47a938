from datetime import timedelta

import pytest
from sqlalchemy import func, select

from desk.auth import services
from desk.auth.models import User
from desk.core.audit import AuditEntry
from desk.core.errors import ValidationError
from desk.extensions import db
from tests.fixtures.factories import NOW, PASSWORD


def _login(client, email, password, next_url=None):
    url = "/login" + (f"?next={next_url}" if next_url else "")
    return client.post(url, data={"email": email, "password": password})


def test_login_with_right_password_opens_staff_pages(client, ctx, create_user):
    user = create_user("coordinator")
    response = _login(client, user.email.upper(), PASSWORD)
    assert response.status_code == 302
    assert response.headers["Location"] == "/staff/sessions"
    assert client.get("/staff/sessions").status_code == 200


def test_login_volunteer_lands_on_volunteer_home(client, ctx, create_user):
    user = create_user("volunteer")
    response = _login(client, user.email, PASSWORD)
    assert response.headers["Location"] == "/volunteer"


def test_login_follows_only_local_next(client, ctx, create_user):
    user = create_user("coordinator")
    assert _login(client, user.email, PASSWORD, "/staff/venues").headers["Location"] == \
        "/staff/venues"
    client.post("/logout")
    for evil in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        response = _login(client, user.email, PASSWORD, evil)
        assert response.headers["Location"] == "/staff/sessions", evil
        client.post("/logout")


def test_login_wrong_password_gives_one_generic_message(client, ctx, create_user):
    user = create_user("coordinator")
    wrong = _login(client, user.email, "not-the-password")
    unknown = _login(client, "nobody@city.example.jp", "whatever-password")
    assert wrong.status_code == unknown.status_code == 200
    assert b"/staff/sessions" not in wrong.data
    assert client.get("/staff/sessions").status_code == 302


def test_login_locks_account_after_repeated_failures(client, ctx, create_user):
    user = create_user("coordinator")
    for _attempt in range(app_max_failures(ctx)):
        _login(client, user.email, "wrong-password-1")
    db.session.expire_all()
    locked = db.session.get(User, user.id)
    assert locked.locked_until_dt is not None
    # the right password is refused while the lock lasts
    response = _login(client, user.email, PASSWORD)
    assert response.status_code == 200
    assert client.get("/staff/sessions").status_code == 302
    actions = db.session.scalars(select(AuditEntry.action).where(
        AuditEntry.object_type == "users", AuditEntry.object_id == user.id)).all()
    assert "user.lock" in actions


def app_max_failures(app):
    return app.config["DESK_LOGIN_MAX_FAILURES"]


def test_authenticate_lock_expires(ctx, create_user):
    user = create_user("coordinator")
    for _attempt in range(app_max_failures(ctx)):
        with pytest.raises(services.LoginError):
            services.authenticate(user.email, "wrong-password-1", now=NOW)
    with pytest.raises(services.LoginError, match="15"):
        services.authenticate(user.email, PASSWORD, now=NOW + timedelta(minutes=1))
    later = NOW + timedelta(minutes=ctx.config["DESK_LOGIN_LOCKOUT_MINUTES"], seconds=1)
    assert services.authenticate(user.email, PASSWORD, now=later) == user
    assert user.failed_login_count == 0


def test_admin_unlock_lets_user_log_in(client, ctx, create_user, login):
    admin = create_user("admin")
    user = create_user("coordinator")
    user.locked_until_dt = NOW + timedelta(days=365)
    db.session.commit()
    login(client, admin)
    assert client.post(f"/admin/users/{user.id}/unlock").status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).locked_until_dt is None


def test_disabled_account_cannot_log_in_and_loses_its_session(client, ctx, create_user, login):
    user = create_user("coordinator")
    login(client, user)
    assert client.get("/staff/sessions").status_code == 200
    user.is_enabled = False
    db.session.commit()
    assert client.get("/staff/sessions").status_code == 302
    assert _login(client, user.email, PASSWORD).status_code == 200


def test_logout_needs_post_and_ends_the_session(client, ctx, create_user, login):
    user = create_user("coordinator")
    login(client, user)
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 302
    assert client.get("/staff/sessions").status_code == 302


def test_change_password_ends_other_sessions(app, ctx, create_user, login):
    user = create_user("coordinator")
    first, second = app.test_client(), app.test_client()
    login(first, user)
    login(second, user)
    response = first.post("/account", data={"current_password": PASSWORD,
                                            "new_password": "a-brand-new-passphrase"})
    assert response.status_code == 302
    assert second.get("/staff/sessions").status_code == 302
    db.session.expire_all()
    assert services.authenticate(user.email, "a-brand-new-passphrase", now=NOW)


def test_change_password_refuses_wrong_current_and_short_new(client, ctx, create_user, login):
    user = create_user("coordinator")
    login(client, user)
    before = user.password_hash
    assert client.post("/account", data={"current_password": "nope-nope-nope",
                                         "new_password": "another-passphrase"}).status_code == 200
    assert client.post("/account", data={"current_password": PASSWORD,
                                         "new_password": "short"}).status_code == 200
    db.session.expire_all()
    assert db.session.get(User, user.id).password_hash == before


def test_create_user_rules(ctx, create_user):
    create_user("coordinator", email="sato@city.example.jp")
    for email, password, role, field in [("not-an-email", PASSWORD, "admin", "email"),
                                         ("new@city.example.jp", "short", "admin", "password"),
                                         ("new@city.example.jp", PASSWORD, "mayor", "role"),
                                         ("SATO@city.example.jp", PASSWORD, "admin", "email")]:
        with pytest.raises(ValidationError) as raised:
            services.create_user(email, password, role=role, actor="test")
        assert field in raised.value.fields
    assert db.session.scalar(select(func.count(User.id))) == 1


def test_passwords_are_hashed(ctx, create_user):
    user = create_user("admin")
    assert PASSWORD not in user.password_hash
    assert user.password_hash.startswith(("pbkdf2:", "scrypt:"))


def test_admin_cannot_demote_or_disable_self(ctx, create_user):
    admin = create_user("admin")
    for role, enabled in (("coordinator", True), ("admin", False)):
        with pytest.raises(ValidationError):
            services.update_user(admin, display_name="管理者", role=role, is_enabled=enabled,
                                 actor=admin)
