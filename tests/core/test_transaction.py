"""One commit point per request (desk.core.transaction): a view's changes are committed
once, after it returned; a refusal it shows leaves nothing of the refused call behind; an
error after a service call leaves nothing behind; what is kept although refused (a
refusal that keeps its changes, `keep_changes`) is kept, and only that.

The routes here are the tests' own, on an app with a database of its own whose commits
are real (a second connection sees only what was committed)."""

import uuid

import pytest
from flask import Blueprint, abort, flash, get_flashed_messages, request
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from desk.core.audit import AuditEntry
from desk.core.db import read_only, writes
from desk.core.districts import District
from desk.core.errors import DeskError, ValidationError
from desk.core.transaction import keep_changes
from desk.core.web import FAILED, attempt
from desk.events import services
from desk.extensions import db
from tests.conftest import LIVE_DATABASES, _database_params, live_database_app

pytestmark = LIVE_DATABASES


class Counted(DeskError):
    """A refusal that is itself a change to keep (as a wrong password, counted)."""

    keeps_changes = True


def _district(name):
    return services.create_district({"name": name, "name_kana": "テスト", "position": 1},
                                    actor="test")


def _refuse(name, error_class=ValidationError):
    _district(name)
    raise error_class("refused")


def _names():
    return request.form.getlist("name")


def _committed(names):
    """Which of `names` a second connection sees (what was committed)."""
    with read_only(), db.engine.connect() as connection:
        return set(connection.scalars(select(District.name).where(District.name.in_(names))))


bp = Blueprint("transaction_test", __name__, url_prefix="/transaction-test")


@bp.post("/saved")
def saved():
    [name] = _names()
    _district(name)
    return "seen before the end: " + ",".join(sorted(_committed([name])))


@bp.post("/refused")
def refused():
    [name] = _names()
    return "shown" if attempt(None, lambda: _refuse(name)) is FAILED else "saved"


@bp.post("/crash")
def crash():
    [name] = _names()
    _district(name)
    raise RuntimeError("after the service call")


@bp.post("/mixed")
def mixed():
    done, counted, undone = _names()
    _district(done)
    attempt(None, lambda: _refuse(counted, Counted))
    attempt(None, lambda: _refuse(undone))
    return "shown"


@bp.post("/flash-then-crash")
def flash_then_crash():
    [name] = _names()
    flash("before")
    _district(name)
    flash("saved")
    raise RuntimeError("after the service call")


@bp.get("/flashes")
def flashes():
    return "|".join(get_flashed_messages())


@bp.post("/kept")
def kept():
    before, after = _names()
    _district(before)
    keep_changes()
    _district(after)
    abort(403)


@bp.get("/read-and-write")
@writes
def writing_get():
    [name] = request.args.getlist("name")
    _district(name)
    return "noted"


@bp.get("/read")
def reading_get():
    return str(len(_committed(request.args.getlist("name"))))


@pytest.fixture(scope="module", params=_database_params())
def live(request, tmp_path_factory):
    with live_database_app(request.param, tmp_path_factory, connections=3,
                           PROPAGATE_EXCEPTIONS=False) as app:
        app.register_blueprint(bp)
        yield app


@pytest.fixture
def commits(live):
    """The commits of whole transactions (not of SAVEPOINTs) during the test."""
    seen = []

    def count(session):
        if not session.in_nested_transaction():
            seen.append(session)

    event.listen(Session, "after_commit", count)
    yield seen
    event.remove(Session, "after_commit", count)


def _post(app, path, *names):
    return app.test_client().post(f"/transaction-test/{path}", data={"name": list(names)})


def _unique(label):
    return f"{label}-{uuid.uuid4().hex[:8]}"


def _audited(app, names):
    with app.app_context():
        return {entry.after["name"] for entry in db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "district.create"))
            if entry.after["name"] in names}


def test_a_views_change_is_committed_once_after_it_returned(live, commits):
    name = _unique("saved")
    response = _post(live, "saved", name)
    assert response.status_code == 200
    assert response.get_data(as_text=True) == "seen before the end: "
    with live.app_context():
        assert _committed([name]) == {name}
    assert _audited(live, [name]) == {name}
    assert len(commits) == 1


def test_a_refusal_shown_by_the_view_leaves_nothing_behind(live, commits):
    name = _unique("refused")
    response = _post(live, "refused", name)
    assert (response.status_code, response.get_data(as_text=True)) == (200, "shown")
    with live.app_context():
        assert _committed([name]) == set()
    assert _audited(live, [name]) == set()


def test_an_error_after_a_service_call_leaves_nothing_behind(live, commits):
    name = _unique("crash")
    assert _post(live, "crash", name).status_code == 500
    with live.app_context():
        assert _committed([name]) == set()
    assert _audited(live, [name]) == set()
    assert commits == []


def test_an_error_takes_back_what_the_request_flashed(live, commits):
    client = live.test_client()
    with client.session_transaction() as cookie_session:
        cookie_session["_flashes"] = [("info", "from an earlier request")]
    response = client.post("/transaction-test/flash-then-crash", data={"name": _unique("flash")})
    assert response.status_code == 500
    page = response.get_data(as_text=True)  # the error page shows what is flashed
    assert "from an earlier request" in page
    assert "saved" not in page and "before" not in page
    assert client.get("/transaction-test/flashes").data == b""


def test_a_refusal_that_keeps_its_changes_keeps_only_those(live, commits):
    names = [_unique("done"), _unique("counted"), _unique("undone")]
    assert _post(live, "mixed", *names).status_code == 200
    with live.app_context():
        assert _committed(names) == set(names[:2])
    assert _audited(live, names) == set(names[:2])
    assert len(commits) == 1


def test_what_was_kept_stays_when_the_request_then_fails(live, commits):
    names = [_unique("kept"), _unique("later")]
    assert _post(live, "kept", *names).status_code == 403
    with live.app_context():
        assert _committed(names) == {names[0]}
    assert _audited(live, names) == {names[0]}


def test_a_get_that_writes_takes_the_write_lock_from_its_start(live, commits):
    begun = []

    def note(conn, cursor, statement, *args):
        if statement.startswith("BEGIN"):
            begun.append(statement)

    name = _unique("get")
    with live.app_context():
        event.listen(db.engine, "before_cursor_execute", note)
        try:
            client = live.test_client()
            assert client.get("/transaction-test/read", query_string={"name": name}).data == b"0"
            reading = list(begun)
            assert client.get("/transaction-test/read-and-write",
                              query_string={"name": name}).status_code == 200
            writing = begun[len(reading):]
        finally:
            event.remove(db.engine, "before_cursor_execute", note)
        assert _committed([name]) == {name}
        if db.engine.dialect.name == "sqlite":
            assert "BEGIN IMMEDIATE" not in reading
            assert writing and set(writing) == {"BEGIN IMMEDIATE"}
