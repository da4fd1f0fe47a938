"""The `desk` command: accounts, API tokens and the `serve` banner."""

import re

import pytest
from flask_babel import gettext
from sqlalchemy import func, select

from desk.auth.models import ApiToken, Role, User, hash_token
from desk.auth.services import find_user_by_email, user_for_token
from desk.cli import serve_banner
from desk.core.timeutil import utcnow
from desk.core.web import public_url_for
from desk.demo.logins import write_demo_logins
from desk.extensions import db
from tests.fixtures.factories import NOW, PASSWORD


def _users():
    db.session.expire_all()
    return db.session.scalar(select(func.count(User.id)))


def test_create_user_reads_the_password_from_stdin(runner, ctx):
    result = runner.invoke(args=["create-user", "Hanako@City.Example.jp", "--role", "coordinator",
                                 "--name", "山田 花子"], input="a-long-password\n")
    assert result.exit_code == 0, result.output
    assert "Created coordinator hanako@city.example.jp" in result.output
    db.session.expire_all()
    user = find_user_by_email("hanako@city.example.jp")
    assert user.role == Role.COORDINATOR and user.display_name == "山田 花子"
    assert user.password_hash != "a-long-password"


# The messages come from the services, in the desk's default language (as the CLI prints
# them): compare with the same gettext call.
@pytest.mark.parametrize("args, password, message", [
    (["not-an-email", "--role", "admin"], "a-long-password",
     lambda: gettext("Enter a valid e-mail address.")),
    (["short@city.example.jp", "--role", "admin"], "short",
     lambda: gettext("The password must have at least %(count)d characters.",
                     count=User.PASSWORD_MIN)),
    (["role@city.example.jp", "--role", "mayor"], "a-long-password",
     lambda: "Invalid value for '--role'"),
])
def test_create_user_refuses_bad_input_and_creates_nothing(runner, ctx, args, password, message):
    before = _users()
    result = runner.invoke(args=["create-user", *args], input=password + "\n")
    assert result.exit_code != 0
    assert message() in result.output
    assert _users() == before


def test_create_user_refuses_a_duplicate_email(runner, ctx, create_user):
    user = create_user(email="taken@city.example.jp")
    before = _users()
    result = runner.invoke(args=["create-user", "TAKEN@city.example.jp", "--role", "volunteer"],
                           input="another-long-password\n")
    assert result.exit_code == 1
    assert gettext("An account with this e-mail address already exists.") in result.output
    assert _users() == before
    db.session.expire_all()
    assert find_user_by_email(user.email).role == Role.COORDINATOR


def test_create_token_prints_the_token_alone_and_stores_only_its_hash(runner, ctx, create_user):
    user = create_user(role="coordinator", email="token@city.example.jp")
    result = runner.invoke(args=["create-token", "token@city.example.jp", "--name", "kiosk"])
    assert result.exit_code == 0, result.output
    plaintext = result.output.rstrip("\n").splitlines()[-1]
    assert re.fullmatch(r"desk_[A-Za-z0-9_-]{40,}", plaintext)

    db.session.expire_all()
    token = db.session.scalar(select(ApiToken).where(ApiToken.user_id == user.id))
    assert token.name == "kiosk"
    assert token.token_hash == hash_token(plaintext) and len(token.token_hash) == 64
    stored = [value for value in vars(token).values() if isinstance(value, str)]
    assert plaintext not in stored
    assert user_for_token(plaintext, now=utcnow()).id == user.id


def test_list_tokens_shows_the_prefix_only(runner, ctx, create_user):
    create_user(email="lister@city.example.jp")
    plaintext = runner.invoke(args=["create-token", "lister@city.example.jp"]).output \
        .rstrip("\n").splitlines()[-1]
    result = runner.invoke(args=["list-tokens", "--email", "lister@city.example.jp"])
    assert result.exit_code == 0, result.output
    assert plaintext[:ApiToken.PREFIX_LENGTH] in result.output
    assert plaintext not in result.output
    assert "lister@city.example.jp" in result.output and "active" in result.output


def test_revoke_token_stops_it_from_authenticating(runner, ctx, create_user):
    create_user(email="revoke@city.example.jp")
    plaintext = runner.invoke(args=["create-token", "revoke@city.example.jp"]).output \
        .rstrip("\n").splitlines()[-1]
    db.session.expire_all()
    token = db.session.scalar(select(ApiToken).where(
        ApiToken.token_hash == hash_token(plaintext)))
    result = runner.invoke(args=["revoke-token", str(token.id)])
    assert result.exit_code == 0, result.output
    assert f"Token {token.id}" in result.output and "revoked" in result.output
    db.session.expire_all()
    assert user_for_token(plaintext, now=utcnow()) is None
    listing = runner.invoke(args=["list-tokens", "--email", "revoke@city.example.jp"]).output
    assert "revoked" in listing


def test_token_commands_refuse_unknown_ids_and_emails(runner, ctx):
    tokens = db.session.scalar(select(func.count(ApiToken.id)))
    result = runner.invoke(args=["create-token", "nobody@city.example.jp"])
    assert result.exit_code == 1
    assert "No account with the e-mail address nobody@city.example.jp" in result.output
    result = runner.invoke(args=["revoke-token", "999999"])
    assert result.exit_code == 1
    assert gettext("No such token.") in result.output
    result = runner.invoke(args=["revoke-token", "not-a-number"])
    assert result.exit_code == 2
    db.session.expire_all()
    assert db.session.scalar(select(func.count(ApiToken.id))) == tokens


def test_serve_banner_lists_the_urls_and_the_demo_logins():
    logins = [("admin", "admin@city.fujisawa.example", "s3cret-admin"),
              ("volunteer", "volunteer@city.fujisawa.example", "s3cret-volunteer")]
    lines = serve_banner("127.0.0.1", 5077, logins)
    text = "\n".join(lines)
    for url in ("http://127.0.0.1:5077/", "http://127.0.0.1:5077/login",
                "http://127.0.0.1:5077/staff/sessions",
                "http://127.0.0.1:5077/api/v1/openapi.json"):
        assert url in text
    assert lines[0] == "desk is serving http://127.0.0.1:5077/"
    assert any(line.split() == list(login) for line in lines for login in logins)
    assert lines[-1] == "Press Ctrl+C to stop."


def test_serve_banner_without_demo_logins_says_nothing_about_them():
    text = "\n".join(serve_banner("0.0.0.0", 8000, []))
    assert "http://0.0.0.0:8000/staff/sessions" in text
    assert "Demo logins" not in text


def test_serve_prints_the_banner_then_starts_waitress(app, tmp_path, monkeypatch):
    """The command wiring, with waitress' serve() replaced by a recorder (it would block)."""
    import waitress

    started = {}
    monkeypatch.setattr(waitress, "serve", lambda wsgi, **options: started.update(options))
    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    write_demo_logins(tmp_path, [("coordinator", "c@city.fujisawa.example", PASSWORD)])
    result = app.test_cli_runner().invoke(args=["serve", "--port", "5077"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == serve_banner(
        "127.0.0.1", 5077, [("coordinator", "c@city.fujisawa.example", PASSWORD)])
    assert started["host"] == "127.0.0.1" and started["port"] == 5077


@pytest.mark.parametrize("set_by_city", [False, True])
def test_serve_moves_the_public_address_to_the_port_it_serves(app, tmp_path, monkeypatch,
                                                                set_by_city):
    """`desk serve --port 5101` (or DESK_PORT=5101): kiosk QR codes, .ics URL:, feeds, SMS
    links and open data name :5101, unless the city set DESK_PUBLIC_URL."""
    import waitress

    monkeypatch.setattr(waitress, "serve", lambda wsgi, **options: None)
    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    monkeypatch.setitem(app.config, "DESK_PUBLIC_URL", "https://desk.city.example.jp")
    monkeypatch.setitem(app.config, "DESK_PUBLIC_URL_SET", set_by_city)
    result = app.test_cli_runner().invoke(args=["serve", "--port", "5101"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        schedule = public_url_for("public.venues")
    if set_by_city:
        assert schedule.startswith("https://desk.city.example.jp/")
    else:
        assert schedule.startswith("http://127.0.0.1:5101/")


def test_set_password_lets_an_admin_help_someone_who_forgot(runner, ctx, create_user):
    from werkzeug.security import check_password_hash

    user = create_user(email="forgot@city.example.jp")
    user.failed_login_count, user.locked_until_dt = 3, NOW
    db.session.commit()
    result = runner.invoke(args=["set-password", "Forgot@City.Example.jp"],
                           input="a-new-long-password\n")
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    user = find_user_by_email("forgot@city.example.jp")
    assert check_password_hash(user.password_hash, "a-new-long-password")
    assert user.locked_until_dt is None and user.failed_login_count == 0
    short = runner.invoke(args=["set-password", "forgot@city.example.jp"], input="short\n")
    assert short.exit_code != 0
    assert runner.invoke(args=["set-password", "nobody@city.example.jp"],
                         input="a-new-long-password\n").exit_code != 0


def test_init_says_what_it_did_to_the_database(tmp_path):
    from desk import create_app
    from tests.conftest import test_config

    app = create_app(test_config(tmp_path, f"sqlite:///{tmp_path / 'fresh.sqlite3'}"))
    runner = app.test_cli_runner()
    assert runner.invoke(args=["init"]).output == "Database created.\n"
    assert runner.invoke(args=["init"]).output == "Database is up to date.\n"
    assert runner.invoke(args=["db", "downgrade"]).exit_code == 0
    assert runner.invoke(args=["init"]).output == "Database updated to the new version.\n"
    with app.app_context():
        db.engine.dispose()
