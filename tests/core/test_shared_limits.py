"""Limits kept per process while several processes run: desk says so when it starts
(a logged warning, and in the output of `desk serve`) if DESK_REDIS_URL is not set and
it can tell that several processes serve requests (gunicorn's workers, WEB_CONCURRENCY)
or that Celery workers send messages; never for `desk serve` alone, whose threads share
one memory."""

import importlib
import logging
import sys

import pytest

from desk.config import load_config, serving_processes, unshared_limit_warnings

GUNICORN = "/opt/desk/venv/bin/gunicorn"
REDIS = "redis://127.0.0.1:6379/0"


@pytest.mark.parametrize(("environ", "argv", "processes"), [
    ({}, [GUNICORN, "--workers", "4", "desk.wsgi:app"], 4),
    ({}, [GUNICORN, "-w4", "--bind", "127.0.0.1:8000", "desk.wsgi:app"], 4),
    ({}, [GUNICORN, "--workers=3", "desk.wsgi:app"], 3),
    ({}, ["/usr/lib/python3/site-packages/gunicorn/__main__.py", "-w", "2", "desk.wsgi:app"], 2),
    ({"GUNICORN_CMD_ARGS": "--bind 127.0.0.1:8000 --workers 5"}, [GUNICORN, "desk.wsgi:app"], 5),
    ({"WEB_CONCURRENCY": "6", "GUNICORN_CMD_ARGS": "-w 2"}, [GUNICORN, "desk.wsgi:app"], 2),
    ({"WEB_CONCURRENCY": "6"}, [GUNICORN, "-w", "1", "desk.wsgi:app"], 1),
    ({"WEB_CONCURRENCY": "6"}, [GUNICORN, "desk.wsgi:app"], 6),
    ({"WEB_CONCURRENCY": "3"}, ["/usr/bin/uwsgi", "--module", "desk.wsgi:app"], 3),
    ({}, [GUNICORN, "desk.wsgi:app"], 1),
    ({}, [GUNICORN, "--workers", "many", "desk.wsgi:app"], 1),
    ({"WEB_CONCURRENCY": "lots"}, [GUNICORN], 1),
    ({}, [], 1),
])
def test_the_number_of_serving_processes(environ, argv, processes):
    assert serving_processes(environ, argv) == processes


def _config(tmp_path, **environ):
    return load_config(tmp_path, {"DESK_SECRET_KEY": "x", **environ})


def test_several_processes_without_redis_are_warned_about(tmp_path):
    [warning] = unshared_limit_warnings(_config(tmp_path), processes=4)
    assert "4 processes" in warning and "DESK_REDIS_URL" in warning


def test_one_process_or_redis_needs_no_warning(tmp_path):
    assert unshared_limit_warnings(_config(tmp_path), processes=1) == []
    assert unshared_limit_warnings(_config(tmp_path, DESK_REDIS_URL=REDIS), processes=4) == []


def test_celery_without_redis_is_warned_about(tmp_path):
    config = _config(tmp_path, DESK_CELERY_BROKER_URL="redis://127.0.0.1:6379/2")
    [warning] = unshared_limit_warnings(config, processes=1)
    assert "Celery" in warning and "DESK_SMS_RATE_PER_SECOND" in warning
    assert unshared_limit_warnings({**config, "DESK_REDIS_URL": REDIS}, processes=1) == []


@pytest.fixture
def start_wsgi(tmp_path, monkeypatch, caplog):
    """start_wsgi(argv, **environ) -> the warnings desk.wsgi logs when a server loads it."""

    def start(argv, **environ):
        for name, value in {"DESK_INSTANCE_PATH": str(tmp_path), "DESK_SECRET_KEY": "x",
                            "DATABASE_URL": f"sqlite:///{tmp_path / 'desk.sqlite3'}",
                            **environ}.items():
            monkeypatch.setenv(name, value)
        for name in ("WEB_CONCURRENCY", "GUNICORN_CMD_ARGS", "DESK_REDIS_URL",
                     "DESK_CELERY_BROKER_URL"):
            if name not in environ:
                monkeypatch.delenv(name, raising=False)
        monkeypatch.setattr(sys, "argv", argv)
        caplog.clear()
        try:
            importlib.import_module("desk.wsgi")
        finally:
            sys.modules.pop("desk.wsgi", None)
        return [record.getMessage() for record in caplog.records
                if record.name == "desk" and record.levelno == logging.WARNING]

    return start


def test_gunicorn_with_several_workers_warns_at_start_up(start_wsgi):
    [warning] = start_wsgi([GUNICORN, "--workers", "4", "desk.wsgi:app"])
    assert warning.startswith("4 processes serve desk")
    assert start_wsgi([GUNICORN, "desk.wsgi:app"], WEB_CONCURRENCY="3") != []


def test_gunicorn_with_one_worker_or_redis_starts_quietly(start_wsgi):
    assert start_wsgi([GUNICORN, "desk.wsgi:app"]) == []
    assert start_wsgi([GUNICORN, "--workers", "4", "desk.wsgi:app"], DESK_REDIS_URL=REDIS) == []


def _serve_output(app, monkeypatch):
    import waitress

    monkeypatch.setattr(waitress, "serve", lambda wsgi, **options: None)
    result = app.test_cli_runner().invoke(args=["serve", "--port", "5077"])
    assert result.exit_code == 0, result.output
    return [line for line in result.output.splitlines() if line.startswith("Warning:")]


def test_desk_serve_alone_says_nothing_about_limits(app, monkeypatch):
    monkeypatch.setitem(app.config, "DESK_REDIS_URL", "")
    monkeypatch.setenv("WEB_CONCURRENCY", "4")  # gunicorn's setting, not waitress'
    assert _serve_output(app, monkeypatch) == []


def test_desk_serve_with_celery_workers_and_no_redis_warns(app, monkeypatch, caplog):
    monkeypatch.setitem(app.config, "DESK_REDIS_URL", "")
    monkeypatch.setitem(app.config, "DESK_CELERY_BROKER_URL", "redis://127.0.0.1:6379/2")
    [warning] = _serve_output(app, monkeypatch)
    assert "Celery" in warning
    assert any("Celery" in record.getMessage() for record in caplog.records
               if record.levelno == logging.WARNING)
    monkeypatch.setitem(app.config, "DESK_REDIS_URL", REDIS)
    assert _serve_output(app, monkeypatch) == []
