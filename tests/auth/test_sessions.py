"""Login sessions end everywhere: logging out, a new password (changed, reset by link or
code, set by an administrator on the command line) and a new role end every session of
the account, in every browser; a copy of an old session cookie opens nothing; the cookie
holds nothing of the password hash (desk.auth.access, User.session_token)."""

import pytest

from desk.auth import reset, services
from desk.auth.models import LinkChannel, LinkPurpose, Role, User
from desk.extensions import db
from tests.fixtures.factories import NOW, PASSWORD

NEW_PASSWORD = "a-brand-new-passphrase"
STAFF_PAGE = "/staff/sessions"
PIECE = 8  # no run of this many characters of the hash may appear in the cookie


def _log_in(client, user):
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302, "the login failed"
    return client


def _cookie_value(client):
    return client.get_cookie(client.application.config["SESSION_COOKIE_NAME"]).value


def _replay(app, value):
    """A fresh browser holding a copy of a session cookie."""
    other = app.test_client()
    other.set_cookie(app.config["SESSION_COOKIE_NAME"], value)
    return other


def _logged_in(client):
    return client.get(STAFF_PAGE).status_code == 200


def test_a_copied_cookie_is_dead_after_logout(app, ctx, create_user):
    user = create_user("coordinator")
    browser = _log_in(app.test_client(), user)
    copied = _cookie_value(browser)
    assert _logged_in(_replay(app, copied))
    assert browser.post("/logout").status_code == 302
    assert not _logged_in(browser)
    assert not _logged_in(_replay(app, copied))
    # a new login works, with a new session id
    _log_in(browser, user)
    assert _logged_in(browser)
    assert not _logged_in(_replay(app, copied))


def test_logging_out_in_one_browser_ends_the_others(app, ctx, create_user):
    user = create_user("volunteer")
    first, second = (_log_in(app.test_client(), user) for _ in range(2))
    assert second.get("/volunteer").status_code == 200
    first.post("/logout")
    assert second.get("/volunteer").status_code == 302


def _change_on_the_page(app, user):
    browser = _log_in(app.test_client(), user)
    response = browser.post("/account", data={"current_password": PASSWORD,
                                              "new_password": NEW_PASSWORD})
    assert response.status_code == 302


def _set_by_an_administrator(app, user):
    result = app.test_cli_runner().invoke(args=["set-password", user.email],
                                          input=f"{NEW_PASSWORD}\n")
    assert result.exit_code == 0, result.output


def _reset_by_link(app, user):
    _link, secret = reset.create_link(user, LinkPurpose.RESET, LinkChannel.EMAIL, now=NOW)
    reset.use_token(secret, NEW_PASSWORD, purpose=LinkPurpose.RESET, now=NOW)
    db.session.commit()


def _reset_by_code(app, user):
    _link, code = reset.create_link(user, LinkPurpose.RESET, LinkChannel.SMS, now=NOW)
    reset.use_code([user], code, NEW_PASSWORD, purpose=LinkPurpose.RESET, now=NOW)
    db.session.commit()


@pytest.mark.parametrize("change", [_change_on_the_page, _set_by_an_administrator,
                                    _reset_by_link, _reset_by_code],
                         ids=["changed", "cli-set-password", "reset-link", "reset-code"])
def test_a_new_password_ends_every_session(app, ctx, create_user, change):
    user = create_user("coordinator")
    browser_b = _log_in(app.test_client(), user)
    copied = _cookie_value(browser_b)
    change(app, user)
    assert not _logged_in(browser_b)
    assert not _logged_in(_replay(app, copied))
    db.session.expire_all()
    assert services.authenticate(user.email, NEW_PASSWORD, now=NOW)


@pytest.mark.parametrize(("role", "enabled"), [(Role.VOLUNTEER, True),
                                               (Role.COORDINATOR, False)])
def test_a_new_role_or_a_disabled_account_ends_every_session(app, ctx, create_user, role,
                                                             enabled):
    admin = create_user("admin")
    user = create_user("coordinator")
    browser = _log_in(app.test_client(), user)
    services.update_user(user, display_name=user.display_name, role=role,
                         is_enabled=enabled, actor=admin)
    db.session.commit()
    assert not _logged_in(browser)
    assert browser.get("/volunteer").status_code == 302


def test_a_new_name_keeps_the_sessions(app, ctx, create_user):
    admin = create_user("admin")
    user = create_user("coordinator")
    browser = _log_in(app.test_client(), user)
    services.update_user(user, display_name="新しい名前", role=user.role, is_enabled=True,
                         actor=admin)
    db.session.commit()
    assert _logged_in(browser)


def test_the_cookie_holds_nothing_of_the_password_hash(app, ctx, create_user):
    user = create_user("coordinator")
    browser = _log_in(app.test_client(), user)
    serializer = app.session_interface.get_signing_serializer(app)
    decoded = str(serializer.loads(_cookie_value(browser)))
    assert str(user.id) in decoded and user.session_token in decoded
    digest = db.session.get(User, user.id).password_hash
    pieces = {digest[start:start + PIECE] for start in range(len(digest) - PIECE + 1)}
    assert not [piece for piece in pieces if piece in decoded]


def test_an_id_in_the_old_form_opens_nothing(app, ctx, create_user):
    """Sessions opened before the session token existed (id:<role><hash tail>) end."""
    user = create_user("coordinator")
    browser = app.test_client()
    with browser.session_transaction() as session:
        session["_user_id"] = f"{user.id}:c{user.password_hash[-12:]}"
        session["_fresh"] = True
    assert not _logged_in(browser)
    for broken in ("", ":", f"{user.id}", f"{user.id}:", "x:y", "１:abc"):
        with browser.session_transaction() as session:
            session["_user_id"] = broken
        assert not _logged_in(browser)
