"""While the database is down, every page that fails answers with desk's own error page
(HTML, status 500) or, under /api/, the API's JSON error: neither the rollback of the
failed request, nor loading the logged-in account, nor the end of the request needs
the database (a failure there used to leave the web server's plain-text 500).

The outage is the database driver's: from a chosen call on (before the request, or at
each call it makes in turn), every statement, commit and rollback on every connection
fails with the driver's own OperationalError, as when the server has gone."""

import uuid
from contextlib import contextmanager

import pytest
from flask import Blueprint, flash

from desk.auth.services import create_user
from desk.events import services
from desk.extensions import db
from tests.conftest import LIVE_DATABASES, _database_params, live_database_app

pytestmark = LIVE_DATABASES

DRIVER_CALLS = ("do_execute", "do_execute_no_params", "do_executemany", "do_commit",
                "do_rollback", "do_rollback_to_savepoint", "do_release_savepoint")


bp = Blueprint("outage_test", __name__, url_prefix="/outage-test")


@bp.post("/flash-then-crash")
def flash_then_crash():
    flash("saved")
    services.create_district({"name": f"辻堂{uuid.uuid4().hex[:6]}", "name_kana": "ツジドウ",
                              "position": 1}, actor="test")
    raise RuntimeError("after the service call")


@pytest.fixture(scope="module", params=_database_params())
def live(request, tmp_path_factory):
    # a connection the outage kept from the pool would make the next request wait
    # pool_timeout seconds and fail
    pool = {"pool_size": 2, "max_overflow": 0, "pool_timeout": 3}
    with live_database_app(request.param, tmp_path_factory, connections=2,
                           SQLALCHEMY_ENGINE_OPTIONS=pool,
                           PROPAGATE_EXCEPTIONS=False) as app:
        app.register_blueprint(bp)
        yield app


@pytest.fixture
def coordinator_id(live):
    with live.app_context():
        user = create_user(f"c-{uuid.uuid4().hex[:8]}@example.jp", "correct horse battery",
                           role="coordinator", display_name="山田 花子", actor="test")
        db.session.commit()
        return user.get_id()


@pytest.fixture
def driver(live, monkeypatch):
    with live.app_context():
        return Driver(db.engine.dialect, monkeypatch)


class Driver:
    """The database driver's calls (a BEGIN, a query, a commit, ...) as the app makes
    them: counted, or answered up to a point and failed from there on, as when the
    database server goes away before the request or in the middle of it."""

    def __init__(self, dialect, monkeypatch):
        self.dialect = dialect
        self.monkeypatch = monkeypatch

    def calls_of(self, send):
        """How many driver calls `send()` makes while the database answers."""
        made = []
        with self.monkeypatch.context() as patch:
            for name in DRIVER_CALLS:
                patch.setattr(self.dialect, name, self._counted(getattr(self.dialect, name),
                                                                 made))
            send()
        return len(made)

    @contextmanager
    def down_after(self, answered):
        """The database answers `answered` more calls, then none until the block ends."""
        remaining = iter(range(answered))
        with self.monkeypatch.context() as patch:
            for name in DRIVER_CALLS:
                patch.setattr(self.dialect, name, self._failing(getattr(self.dialect, name),
                                                                 remaining))
            yield

    @staticmethod
    def _counted(call, made):
        def counted(*args, **kwargs):
            made.append(call)
            return call(*args, **kwargs)

        return counted

    def _failing(self, call, remaining):
        def answer_or_fail(*args, **kwargs):
            if next(remaining, None) is None:
                raise self.dialect.loaded_dbapi.OperationalError(
                    "server closed the connection unexpectedly")
            return call(*args, **kwargs)

        return answer_or_fail


def _client(live, user_id=None):
    client = live.test_client()
    if user_id is not None:
        with client.session_transaction() as session:
            session["_user_id"] = user_id
            session["_fresh"] = True
    return client


def _each_outage(live, driver, send, user_id=None):
    """The status the request answers while the database is up, and its responses with
    the database going down before each of the driver calls it makes."""
    normal = []
    calls = driver.calls_of(lambda: normal.append(send(_client(live, user_id)).status_code))
    responses = []
    for answered in range(calls):
        client = _client(live, user_id)
        with driver.down_after(answered):
            responses.append(send(client))
    return normal[0], responses


def _failed_until_answered(normal, responses):
    """The responses that failed: all of them up to the last call made before the answer
    was complete (the calls after it, such as the pool's reset, cannot change it)."""
    statuses = [response.status_code for response in responses]
    failed = statuses.index(normal) if normal in statuses else len(statuses)
    assert failed, statuses
    assert statuses == [500] * failed + [normal] * (len(statuses) - failed)
    return responses[:failed]


def _assert_error_pages(live, driver, send, user_id=None):
    for response in _failed_until_answered(*_each_outage(live, driver, send, user_id)):
        page = response.get_data(as_text=True)
        assert response.mimetype == "text/html"
        assert "<h1>エラーが起きました</h1>" in page  # the site's own page
        assert 'class="site-footer"' in page
        assert "地区を追加しました" not in page  # what the failed request flashed


@pytest.mark.parametrize("path", ["/", "/venues", "/healthz"])
def test_a_visitor_gets_the_sites_error_page(live, driver, path):
    _assert_error_pages(live, driver, lambda client: client.get(path))


@pytest.mark.parametrize("path", ["/", "/staff/sessions", "/account", "/no-such-page"])
def test_a_logged_in_coordinator_gets_the_sites_error_page(live, driver, coordinator_id, path):
    _assert_error_pages(live, driver, lambda client: client.get(path), coordinator_id)


def test_a_form_sent_during_the_outage_gets_the_sites_error_page(live, driver, coordinator_id):
    def send(client):
        return client.post("/staff/districts", data={
            "name": f"辻堂{uuid.uuid4().hex[:6]}", "name_kana": "ツジドウ", "position": "1"})

    _assert_error_pages(live, driver, send, coordinator_id)


def test_an_error_in_the_outage_takes_back_what_the_request_flashed(live, driver):
    """Also when the rollback after the error is what fails."""
    send = lambda client: client.post("/outage-test/flash-then-crash")  # noqa: E731
    normal, responses = _each_outage(live, driver, send)
    assert normal == 500
    for response in responses:
        page = response.get_data(as_text=True)
        assert "<h1>エラーが起きました</h1>" in page
        assert "saved" not in page


def test_the_api_answers_its_json_error(live, driver):
    send = lambda client: client.get("/api/v1/sessions")  # noqa: E731
    for response in _failed_until_answered(*_each_outage(live, driver, send)):
        assert response.get_json()["error"]["code"] == "server_error"


def test_desk_answers_again_once_the_database_is_back(live, driver):
    _each_outage(live, driver, lambda client: client.get("/"))
    assert _client(live).get("/").status_code == 200

