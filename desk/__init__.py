"""desk: the digital divide support desk.

`create_app(config=None)` builds the Flask application (desk.core.transaction.DeskFlask:
one commit point per request): settings from the environment (desk.config), the
extensions (desk.extensions), the blueprints and the `desk` CLI.
"""

import logging
import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent

logger = logging.getLogger("desk")


def resource_dir(name):
    """templates/ and translations/ live at the repository root in a checkout and
    inside the package in a built wheel (hatchling force-include)."""
    inside = PACKAGE_DIR / name
    if inside.is_dir():
        return inside
    return PACKAGE_DIR.parent / name


def create_app(config=None):
    from desk.config import load_config
    from desk.core.db import create_sqlite_file, engine_options
    from desk.core.transaction import DeskFlask

    instance_path = os.environ.get("DESK_INSTANCE_PATH") or None
    app = DeskFlask(
        "desk",
        instance_path=instance_path,
        instance_relative_config=True,
        template_folder=str(resource_dir("templates")),
        static_folder=str(PACKAGE_DIR / "static"),
    )
    overrides = dict(config or {})
    if "DESK_INSTANCE_PATH" in overrides:
        app.instance_path = str(overrides.pop("DESK_INSTANCE_PATH"))
    os.makedirs(app.instance_path, exist_ok=True)
    environ = overrides.pop("ENVIRON", None)
    app.config.update(load_config(app.instance_path, environ))
    app.config.update(overrides)
    if "DESK_PUBLIC_URL" in overrides:
        app.config["DESK_PUBLIC_URL_SET"] = True
    create_sqlite_file(app.config["SQLALCHEMY_DATABASE_URI"])
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(
        app.config["SQLALCHEMY_DATABASE_URI"], app.config["SQLALCHEMY_ENGINE_OPTIONS"],
        app.config["DESK_LOCK_TIMEOUT_SECONDS"])
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(resource_dir("translations"))
    app.config["BABEL_DEFAULT_LOCALE"] = app.config["DESK_DEFAULT_LOCALE"]
    app.config["BABEL_DEFAULT_TIMEZONE"] = app.config["DESK_TIMEZONE"]

    _init_extensions(app)
    _register_blueprints(app)

    from desk.cli import register_cli

    register_cli(app)
    return app


def trust_proxies(app):
    """Behind DESK_PROXY_COUNT reverse proxies, read the X-Forwarded-For/-Proto/-Host
    entries they add (that many from the right, so that what a client forges to the
    left counts for nothing): for gunicorn and other WSGI servers (desk.wsgi). `desk
    serve` has waitress read them instead (desk.cli.waitress_options), so that they are
    applied once."""
    count = app.config["DESK_PROXY_COUNT"]
    if count:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)
    return app


def _init_extensions(app):
    import desk.models  # noqa: F401  (every table is known to Alembic)
    from desk.auth.access import init_login
    from desk.core.assets import init_assets
    from desk.core.compression import init_compression
    from desk.core.i18n import init_i18n
    from desk.core.security import init_security
    from desk.extensions import csrf, db, limiter, migrate

    init_compression(app)  # first: it compresses what every other hook left
    db.init_app(app)
    migrate.init_app(app, db, directory=str(PACKAGE_DIR / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    init_i18n(app)
    init_login(app)
    init_security(app)
    init_assets(app)

    from desk.templating import init_templating

    init_templating(app)

    from desk.notify import scheduler

    scheduler.init_app(app)


def _register_blueprints(app):
    from desk.admin.blueprint import bp as admin_bp
    from desk.api.blueprint import bp as api_bp
    from desk.auth.blueprint import bp as auth_bp
    from desk.consults.blueprint import bp as consults_bp
    from desk.consults.blueprint import public_bp as consults_public_bp
    from desk.consults.blueprint import staff_bp as consults_staff_bp
    from desk.core.blueprint import bp as core_bp
    from desk.events.blueprint import public_bp, staff_bp
    from desk.kiosk.blueprint import bp as kiosk_bp
    from desk.kiosk.blueprint import staff_bp as kiosk_staff_bp
    from desk.notify.blueprint import bp as notify_bp
    from desk.notify.blueprint import twilio_bp
    from desk.people.blueprint import bp as people_bp
    from desk.phone.blueprint import bp as phone_bp
    from desk.phone.blueprint import staff_bp as phone_staff_bp
    from desk.reports.blueprint import bp as reports_bp
    from desk.volunteers.blueprint import bp as volunteer_bp
    from desk.volunteers.blueprint import password_bp
    from desk.volunteers.blueprint import public_bp as volunteer_public_bp
    from desk.volunteers.blueprint import staff_bp as volunteer_staff_bp

    for blueprint in (core_bp, auth_bp, public_bp, staff_bp, people_bp, kiosk_bp,
                      kiosk_staff_bp, notify_bp, twilio_bp, admin_bp, api_bp, volunteer_bp,
                      volunteer_public_bp, volunteer_staff_bp, password_bp, consults_bp, consults_public_bp,
                      consults_staff_bp, reports_bp, phone_bp, phone_staff_bp):
        app.register_blueprint(blueprint)
