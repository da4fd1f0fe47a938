import multiprocessing
import threading
from datetime import time

import pytest

from desk import create_app
from desk.config import (
    _key_written_in,
    load_config,
    local_url,
    normalise_database_url,
    parse_closed_days,
    parse_hours,
)
from desk.core.errors import ConfigError
from desk.extensions import db


def test_defaults_use_sqlite_in_instance_and_generate_a_secret(tmp_path):
    config = load_config(tmp_path, environ={})
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'desk.sqlite3'}"
    key_file = tmp_path / "secret_key"
    assert key_file.exists() and oct(key_file.stat().st_mode & 0o777) == "0o600"
    assert config["SECRET_KEY"] == key_file.read_text().strip()
    assert len(config["SECRET_KEY"]) == 64
    # kept, not regenerated
    assert load_config(tmp_path, environ={})["SECRET_KEY"] == config["SECRET_KEY"]
    assert config["DESK_TIMEZONE"] == "Asia/Tokyo" and config["DESK_DEFAULT_LOCALE"] == "ja"
    assert config["DESK_QUIET_HOURS"] == (time(21), time(8))
    assert config["DESK_PHONE_STAFF_HOURS"] == (time(9), time(17))
    assert config["DESK_PHONE_STAFF_CLOSED_DAYS"] == (((12, 29), (1, 3)),)
    assert config["DESK_PHONE_STAFF_NUMBER"] == ""
    staffed = load_config(tmp_path, environ={"DESK_PHONE_STAFF_NUMBER": "0466-25-1111"})
    assert staffed["DESK_PHONE_STAFF_NUMBER"] == "+81466251111"
    assert config["DESK_PHONE_VOICE"] == "Polly.Mizuki"
    assert config["RATELIMIT_STORAGE_URI"] == "memory://"


def _keys_at_once(barrier, folders, keys):
    barrier.wait(timeout=30)
    keys.put([load_config(folder, environ={})["SECRET_KEY"] for folder in folders])


def test_processes_started_together_share_one_new_key(tmp_path):
    """Processes started at once on an empty instance folder (workers of one server) all
    sign with the key that ends up in the file: four processes race through fifty
    empty folders side by side."""
    processes = 4
    folders = [tmp_path / str(index) for index in range(50)]
    forked = multiprocessing.get_context("fork")
    barrier, keys = forked.Barrier(processes), forked.Queue()
    started = [forked.Process(target=_keys_at_once, args=(barrier, folders, keys))
               for _index in range(processes)]
    for process in started:
        process.start()
    answers = [keys.get(timeout=30) for _process in started]
    for process in started:
        process.join(timeout=30)
    in_files = [(folder / "secret_key").read_text().strip() for folder in folders]
    assert all(answer == in_files for answer in answers)


def test_a_key_file_being_written_is_waited_for(tmp_path):
    """Created by another process an instant ago: read once written; left empty: refused."""
    path = tmp_path / "secret_key"
    path.touch(mode=0o600)
    writer = threading.Timer(0.2, path.write_text, args=("written-later\n",))
    writer.start()
    assert load_config(tmp_path, environ={})["SECRET_KEY"] == "written-later"
    writer.join()
    path.write_text("")
    with pytest.raises(ConfigError, match="secret_key is empty"):
        _key_written_in(path, wait_seconds=0.1)


def test_environment_overrides(tmp_path):
    config = load_config(tmp_path, environ={
        "DESK_SECRET_KEY": "from-env",
        "DATABASE_URL": "postgres://desk@db.city.example.jp/desk",
        "DESK_MUNICIPALITY_NAME": "三島市",
        "DESK_MUNICIPALITY_CODE": "222062",
        "DESK_PORT": "8080",
        "DESK_QUIET_HOURS": "off",
        "DESK_REDIS_URL": "redis://127.0.0.1:6379/1",
    })
    assert config["SECRET_KEY"] == "from-env"
    assert not (tmp_path / "secret_key").exists()
    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://desk@db.city.example.jp/desk"
    assert config["DESK_MUNICIPALITY_NAME"] == "三島市"
    assert config["DESK_PORT"] == 8080
    assert config["DESK_QUIET_HOURS"] is None
    assert config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/1"


def test_the_public_address_follows_the_port_unless_it_is_set(tmp_path):
    assert load_config(tmp_path, environ={})["DESK_PUBLIC_URL"] == "http://127.0.0.1:5000"
    moved = load_config(tmp_path, environ={"DESK_PORT": "5101"})
    assert moved["DESK_PUBLIC_URL"] == "http://127.0.0.1:5101"
    assert not moved["DESK_PUBLIC_URL_SET"]
    named = load_config(tmp_path, environ={"DESK_PORT": "5101",
                                           "DESK_PUBLIC_URL": "https://desk.city.example.jp/"})
    assert named["DESK_PUBLIC_URL"] == "https://desk.city.example.jp"
    assert named["DESK_PUBLIC_URL_SET"]


@pytest.mark.parametrize(("host", "url"), [("127.0.0.1", "http://127.0.0.1:8000"),
                                           ("0.0.0.0", "http://127.0.0.1:8000"),
                                           ("::", "http://127.0.0.1:8000"),
                                           ("::1", "http://[::1]:8000"),
                                           ("desk.local", "http://desk.local:8000")])
def test_the_local_address_of_a_served_host(host, url):
    assert local_url(host, 8000) == url


@pytest.mark.parametrize("environ", [{"DESK_PORT": "fifty"}, {"DESK_QUIET_HOURS": "9pm"},
                                     {"DESK_SMS_RATE_PER_SECOND": "fast"},
                                     {"DESK_LOCK_TIMEOUT_SECONDS": "soon"},
                                     {"DESK_LOCK_TIMEOUT_SECONDS": "0"},
                                     {"DESK_ROSTER_DAYS_BEFORE": "-1"},
                                     {"DESK_ROSTER_DAYS_AFTER": "a day"},
                                     {"DESK_PHONE_STAFF_HOURS": "9-5"},
                                     {"DESK_PHONE_STAFF_NUMBER": "desk phone"},
                                     {"DESK_PHONE_STAFF_HOURS": "17:00-09:00"},
                                     {"DESK_PHONE_STAFF_HOURS": "off"},
                                     {"DESK_PHONE_STAFF_CLOSED_DAYS": "12/32"},
                                     {"DESK_PHONE_STAFF_CLOSED_DAYS": "年末年始"},
                                     {"DESK_PHONE_STAFF_CLOSED_DAYS": "12/29-01/03-01/05"}])
def test_bad_settings_are_reported_by_name(tmp_path, environ):
    with pytest.raises(ConfigError, match=next(iter(environ))):
        load_config(tmp_path, environ=environ)


def test_database_url_spellings():
    assert normalise_database_url("postgresql://u@h/d") == "postgresql+psycopg://u@h/d"
    assert normalise_database_url("sqlite:///x.db") == "sqlite:///x.db"


def test_hours_and_closed_days():
    quiet = {"example": "21:00-08:00", "may_be_off": True, "across_midnight": True}
    assert parse_hours("DESK_QUIET_HOURS", "22:30-07:00", **quiet) == (time(22, 30), time(7))
    assert parse_hours("DESK_QUIET_HOURS", "off", **quiet) is None
    assert parse_hours("X", " 08:30 - 17:15 ", example="09:00-17:00") == (time(8, 30),
                                                                         time(17, 15))
    with pytest.raises(ConfigError, match="DESK_X must start before it ends"):
        parse_hours("DESK_X", "22:00-07:00", example="09:00-17:00")
    assert parse_closed_days("12/29-01/03, 8/14, 02/29") == (
        ((12, 29), (1, 3)), ((8, 14), (8, 14)), ((2, 29), (2, 29)))
    assert parse_closed_days("off") == () == parse_closed_days("")


def test_create_app_reads_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("DESK_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("DESK_DESK_PHONE", "0466-50-3501")
    app = create_app()
    assert app.instance_path == str(tmp_path)
    assert app.config["DESK_DESK_PHONE"] == "0466-50-3501"
    assert app.config["BABEL_DEFAULT_LOCALE"] == "ja"


def test_one_lock_timeout_for_both_databases(tmp_path):
    """DESK_LOCK_TIMEOUT_SECONDS: PostgreSQL's lock_timeout and SQLite's busy timeout,
    given to every connection (desk.core.db.engine_options)."""
    assert load_config(tmp_path, environ={})["DESK_LOCK_TIMEOUT_SECONDS"] == 5.0
    app = create_app({"DESK_INSTANCE_PATH": str(tmp_path),
                      "ENVIRON": {"DESK_LOCK_TIMEOUT_SECONDS": "2.5"}})
    assert app.config["DESK_LOCK_TIMEOUT_SECONDS"] == 2.5
    assert app.config["SQLALCHEMY_ENGINE_OPTIONS"]["connect_args"] == {"timeout": 2.5}
    with app.app_context(), db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 2500
    postgres = create_app({"DESK_INSTANCE_PATH": str(tmp_path),
                           "ENVIRON": {"DESK_LOCK_TIMEOUT_SECONDS": "2.5"},
                           "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://u@h/d"})
    assert postgres.config["SQLALCHEMY_ENGINE_OPTIONS"]["connect_args"] == {
        "options": "-c lock_timeout=2500"}
    in_schema = create_app({"DESK_INSTANCE_PATH": str(tmp_path),
                            "SQLALCHEMY_DATABASE_URI":
                                "postgresql+psycopg://u@h/d?options=-csearch_path%3Ds1"})
    assert in_schema.config["SQLALCHEMY_ENGINE_OPTIONS"]["connect_args"] == {
        "options": "-csearch_path=s1 -c lock_timeout=5000"}


def test_new_sqlite_database_is_readable_by_its_owner_only(tmp_path):
    """Like the key file, the database (people's names and phone numbers) and the files
    SQLite keeps beside it are mode 0600."""
    app = create_app({"DESK_INSTANCE_PATH": str(tmp_path), "ENVIRON": {}})
    with app.app_context(), db.engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE t (x INTEGER)")
        database = tmp_path / "desk.sqlite3"
        files = [database, *tmp_path.glob("desk.sqlite3-*")]
        assert len(files) == 3  # the database, its -wal and -shm
        assert {path.name: oct(path.stat().st_mode & 0o777) for path in files} == \
            {path.name: "0o600" for path in files}
