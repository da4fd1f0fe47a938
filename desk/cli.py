"""The `desk` command (also `flask --app desk ...`).

    desk init [--demo]         apply pending migrations; with --demo, load the demo data
                               when the database is empty
    desk serve [--host --port] serve with waitress (a production WSGI server)
    desk create-user EMAIL --role ROLE   (password prompted, or read from stdin)
    desk create-token EMAIL [--name N]   prints the token alone on its last line
    desk list-tokens / desk revoke-token ID
    desk translate extract|update|compile|init LANG
    desk dispatch [--once]     send due messages in the foreground (no Celery, no serve)
    desk purge [--dry-run]     anonymise or delete personal data past its retention period
"""

import sys
from functools import wraps
from pathlib import Path

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext
from sqlalchemy import func, select

from desk import logger
from desk.config import local_url, unshared_limit_warnings
from desk.core import retention
from desk.core.db import write_intent
from desk.core.errors import DeskError
from desk.core.timeutil import to_local, utcnow
from desk.extensions import db
from desk.notify.cli import dispatch_command

REPO_ROOT = Path(__file__).resolve().parent.parent


def main():
    from desk import create_app

    cli = FlaskGroup(create_app=lambda: create_app(), help="desk: the digital divide support desk")
    cli.main(prog_name="desk")


def _fail(error):
    raise click.ClickException(error.message if isinstance(error, DeskError) else str(error))


def writes(command):
    """A command that writes takes SQLite's write lock when its transaction begins, as a
    writing request does (desk.core.db.write_intent): beside a running server it waits
    for the server's writers (up to DESK_LOCK_TIMEOUT_SECONDS) instead of failing with
    "database is locked" when its first read turns into a write."""

    @wraps(command)
    def run(*args, **kwargs):
        with write_intent():
            return command(*args, **kwargs)

    return run


def database_is_empty():
    from desk.auth.models import User
    from desk.events.models import EventSession

    return not db.session.scalar(select(func.count(User.id))) and not db.session.scalar(
        select(func.count(EventSession.id)))


def _revisions():
    from alembic.migration import MigrationContext

    with db.engine.connect() as connection:
        return set(MigrationContext.configure(connection).get_current_heads())


def apply_migrations():
    """Bring the database to the latest schema; what it said before and after (the
    revisions applied, as sets)."""
    from flask_migrate import upgrade

    before = _revisions()
    upgrade(directory=current_app.extensions["migrate"].directory)
    return before, _revisions()


@click.command("init")
@click.option("--demo", is_flag=True, help="Load the demo data if the database is empty.")
@with_appcontext
@writes
def init_command(demo):
    """Apply pending database migrations (and load demo data)."""
    before, after = apply_migrations()
    if not before:
        click.echo("Database created.")
    elif before != after:
        click.echo("Database updated to the new version.")
    else:
        click.echo("Database is up to date.")
    if demo:
        if database_is_empty():
            from desk.demo.load import load_demo

            click.echo("Loading the demo data (a minute at most)...")
            summary = load_demo(today=None)
            db.session.commit()
            click.echo(f"Demo data loaded: {summary}")
        else:
            click.echo("The database already holds data; demo data not loaded.")


def serve_banner(host, port, logins):
    """The lines `desk serve` prints before it starts: the URLs and the demo logins."""
    base = f"http://{host}:{port}"
    lines = [
        f"desk is serving {base}/",
        f"  public schedule:  {base}/",
        f"  staff login:      {base}/login",
        f"  coordinator page: {base}/staff/sessions",
        f"  API document:     {base}/api/v1/openapi.json",
    ]
    if logins:
        width = max(len(email) for _role, email, _password in logins)
        lines.append("Demo logins (kept in instance/demo-logins.txt):")
        lines.extend(f"  {role:<12} {email:<{width}}  {password}"
                     for role, email, password in logins)
    lines.append("Press Ctrl+C to stop.")
    return lines


PROXY_HEADERS = {"x-forwarded-for", "x-forwarded-proto", "x-forwarded-host"}


def waitress_options(app, *, host, port, threads):
    """waitress' settings for `desk serve`. Behind DESK_PROXY_COUNT reverse proxies,
    waitress reads the X-Forwarded-For/-Proto/-Host entries they add, that many from the
    right (what a client forges to the left counts for nothing), so that rate limits see
    each visitor's address; without proxies it drops those headers, so that a client
    cannot choose its address. (gunicorn and other servers: desk.trust_proxies.)"""
    options = {"host": host, "port": port, "threads": threads, "ident": "desk"}
    proxy_count = app.config["DESK_PROXY_COUNT"]
    if proxy_count:
        options.update(trusted_proxy="*", trusted_proxy_count=proxy_count,
                       trusted_proxy_headers=PROXY_HEADERS)
    return options


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=None, help="Default: DESK_PORT, else 5000.")
@click.option("--threads", type=int, default=8, show_default=True)
@with_appcontext
def serve_command(host, port, threads):
    """Serve the application with waitress."""
    from waitress import serve

    from desk.demo.logins import read_demo_logins
    from desk.notify import scheduler

    app = current_app._get_current_object()
    port = port or app.config["DESK_PORT"]
    if not app.config["DESK_PUBLIC_URL_SET"]:
        # links in pages, messages, calendar files and QR codes name the served address
        app.config["DESK_PUBLIC_URL"] = local_url(host, port)
    for line in serve_banner(host, port, read_demo_logins(app.instance_path)):
        click.echo(line)
    # one process: its threads share the rate limits kept in memory
    for warning in unshared_limit_warnings(app.config, processes=1):
        logger.warning(warning)
        click.echo(f"Warning: {warning}")
    # the embedded dispatcher; with Celery configured, its workers send instead
    dispatcher = None
    if not app.testing and not app.config["DESK_CELERY_BROKER_URL"]:
        dispatcher = scheduler.start(app)
    try:
        serve(app, **waitress_options(app, host=host, port=port, threads=threads))
    finally:
        if dispatcher is not None:
            scheduler.stop()


def _read_password(prompt=True):
    if sys.stdin.isatty() and prompt:
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return sys.stdin.readline().rstrip("\r\n")


@click.command("create-user")
@click.argument("email")
@click.option("--role", required=True, type=click.Choice(["admin", "coordinator", "volunteer"]))
@click.option("--name", "display_name", default=None, help="Name shown in the pages.")
@with_appcontext
@writes
def create_user_command(email, role, display_name):
    """Create an account. The password is prompted, or read from stdin."""
    from desk.auth.services import create_user

    password = _read_password()
    try:
        user = create_user(email, password, role=role, display_name=display_name, actor="cli")
    except DeskError as error:
        db.session.rollback()
        _fail(error)
    db.session.commit()
    click.echo(f"Created {user.role.value} {user.email}")


@click.command("set-password")
@click.argument("login")
@with_appcontext
@writes
def set_password_command(login):
    """Set a new password for an account (e-mail address or phone number), e.g. for a
    coordinator who forgot theirs. The password is prompted, or read from stdin."""
    from desk.auth.services import find_user_for_login, set_password

    user = find_user_for_login(login)
    if user is None:
        raise click.ClickException(f"No account for {login}")
    try:
        set_password(user, _read_password(), actor="cli")
    except DeskError as error:
        db.session.rollback()
        _fail(error)
    db.session.commit()
    click.echo(f"New password set for {user.login_name}; its open sessions have ended.")


def _user_or_fail(email):
    from desk.auth.services import find_user_by_email

    user = find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"No account with the e-mail address {email}")
    return user


@click.command("create-token")
@click.argument("email")
@click.option("--name", default="api", show_default=True, help="What the token is for.")
@with_appcontext
@writes
def create_token_command(email, name):
    """Create an API bearer token; prints it alone on the last line (shown only once)."""
    from desk.auth.services import create_token

    user = _user_or_fail(email)
    try:
        token, plaintext = create_token(user, name=name, actor="cli")
    except DeskError as error:
        db.session.rollback()
        _fail(error)
    db.session.commit()
    click.echo(f"Token {token.id} ({token.name}) for {user.login_name}; only its hash is stored:")
    click.echo(plaintext)


@click.command("list-tokens")
@click.option("--email", default=None, help="Only this account's tokens.")
@with_appcontext
def list_tokens_command(email):
    """List API tokens (never the tokens themselves, only their first characters)."""
    from desk.admin.queries import tokens

    for token in tokens():
        if email and token.user.email != email.lower():
            continue
        state = f"revoked {token.revoked_dt:%Y-%m-%d}" if token.revoked_dt else "active"
        used = f"{token.last_used_dt:%Y-%m-%d %H:%M}Z" if token.last_used_dt else "never used"
        click.echo(f"{token.id:>5}  {token.prefix}…  {token.user.login_name:<30} {token.name:<20} "
                   f"{state:<18} {used}")


@click.command("revoke-token")
@click.argument("token_id", type=int)
@with_appcontext
@writes
def revoke_token_command(token_id):
    """Revoke an API token by its id (see list-tokens)."""
    from desk.auth.services import revoke_token

    try:
        token = revoke_token(token_id, now=utcnow(), actor="cli")
    except DeskError as error:
        db.session.rollback()
        _fail(error)
    db.session.commit()
    click.echo(f"Token {token.id} ({token.name}) of {token.user.login_name} is revoked.")


@click.group("translate")
def translate_group():
    """Extract, update and compile the Babel catalogues in translations/."""


def _pybabel(*args):
    from babel.messages.frontend import CommandLineInterface

    CommandLineInterface().run(["pybabel", "-q", *args])


def _translations_dir():
    from desk import resource_dir

    return resource_dir("translations")


# the catalogues' line width: what they were written with, so an update changes only what
# is new
PO_WIDTH = "100"


@translate_group.command("extract")
def translate_extract():
    """Write translations/messages.pot from the code and templates."""
    folder = _translations_dir()
    _pybabel("extract", "-F", str(folder / "babel.cfg"), "-k", "_l", "-k", "lazy_gettext",
             "--add-comments", "i18n:", "--no-location", "--sort-output", "--width", PO_WIDTH,
             "--project", "desk",
             "-o", str(folder / "messages.pot"), str(REPO_ROOT))


@translate_group.command("update")
def translate_update():
    """Extract, then merge new messages into every language's .po file."""
    translate_extract.callback()
    folder = _translations_dir()
    _pybabel("update", "-i", str(folder / "messages.pot"), "-d", str(folder),
             "--no-fuzzy-matching", "--ignore-obsolete", "--width", PO_WIDTH)


@translate_group.command("compile")
def translate_compile():
    """Compile the .po files into .mo files."""
    _pybabel("compile", "-d", str(_translations_dir()))


@translate_group.command("init")
@click.argument("language")
def translate_init(language):
    """Start a catalogue for a new language."""
    translate_extract.callback()
    folder = _translations_dir()
    _pybabel("init", "-i", str(folder / "messages.pot"), "-d", str(folder), "-l", language)


@click.command("purge")
@click.option("--dry-run", is_flag=True, help="Only count what the purge would change.")
@with_appcontext
def purge_command(dry_run):
    """Anonymise or delete the personal data past its retention period (docs/privacy.md).
    Runs daily by itself under `desk serve` and Celery beat."""
    outcomes = retention.purge(current_app.config, now=utcnow(), actor="cli", dry_run=dry_run)
    click.echo("Would change (dry run, nothing changed):" if dry_run else "Changed:")
    for outcome in outcomes:
        data_class = outcome.data_class
        click.echo(f"  {data_class.key:<17} {outcome.count:>7}  {data_class.label}"
                   f" (kept {outcome.period} {data_class.unit.replace('_', ' ')}: "
                   f"before {to_local(outcome.cutoff):%Y-%m-%d}; {data_class.setting})")
    click.echo(f"Total: {sum(outcome.count for outcome in outcomes)}")


COMMANDS = (init_command, serve_command, create_user_command, set_password_command,
            create_token_command, list_tokens_command, revoke_token_command, translate_group,
            dispatch_command, purge_command)


def register_cli(app):
    for command in COMMANDS:
        app.cli.add_command(command)
