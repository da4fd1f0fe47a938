"""Who runs the dispatcher: the thread `desk serve` starts (once per process, woken by a
commit that queues a message, stopped cleanly), never in tests unless asked, and
`desk dispatch --once`. A fresh database with real commits: the thread has its own
connection."""

import time

import pytest
import waitress

from desk.core.errors import ValidationError
from desk.core.transaction import refusable
from desk.events.notices import BookingTemplate
from desk.extensions import db
from desk.notify import scheduler
from desk.notify.models import (
    MessageChannel,
    MessageState,
    OutboxMessage,
    RecipientKind,
)
from tests.conftest import LIVE_DATABASES, _database_params
from tests.fixtures.factories import NOW
from tests.notify.dispatch_support import (
    FakeBackend,
    clear_outbox,
    fresh_app,
    install,
    make_person,
    queue_messages,
    states,
)

pytestmark = LIVE_DATABASES

WAIT_SECONDS = 20


@pytest.fixture(scope="module", params=_database_params())
def live_app(request, tmp_path_factory):
    app, close = fresh_app(request.param, tmp_path_factory, DESK_QUIET_HOURS=None)
    yield app
    close()


@pytest.fixture
def live(live_app):
    with live_app.app_context():
        clear_outbox()
        install(live_app, FakeBackend())
        yield live_app
        db.session.remove()
    scheduler.stop()


def _wait_until_sent(ids):
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if set(states(ids).values()) == {MessageState.SENT}:
            return True
        time.sleep(0.05)
    return False


def test_the_thread_starts_once_sends_when_woken_and_stops(live):
    # a poll interval far longer than the test: only the commit's wake-up can send
    first = scheduler.start(live, poll_seconds=3600)
    assert scheduler.start(live, poll_seconds=3600) is first and first.is_running
    time.sleep(0.2)  # its first round found nothing to do
    person = make_person()
    messages = [OutboxMessage(
        recipient_kind=RecipientKind.PERSON, person_id=person.id, channel=MessageChannel.SMS,
        address=person.phone, template=BookingTemplate.REMINDER, locale="ja", due_dt=NOW,
        topic="booking", state=MessageState.QUEUED) for _ in range(5)]
    db.session.add_all(messages)
    db.session.commit()  # the commit wakes the thread
    assert _wait_until_sent([message.id for message in messages])
    scheduler.stop()
    assert not first.is_running
    assert scheduler._scheduler is None


def test_a_request_wakes_the_dispatcher_at_its_commit_not_at_a_savepoint(live, monkeypatch):
    woken = []
    monkeypatch.setattr(scheduler, "wake", lambda: woken.append(True))
    person = make_person()
    db.session.commit()
    with refusable():  # a service call of a request that queues a message
        db.session.add(OutboxMessage(
            recipient_kind=RecipientKind.PERSON, person_id=person.id,
            channel=MessageChannel.SMS, address=person.phone, template=BookingTemplate.REMINDER,
            locale="ja", due_dt=NOW, topic="booking", state=MessageState.QUEUED))
    with pytest.raises(ValidationError), refusable():  # a later call that is refused
        raise ValidationError("refused")
    assert woken == []
    db.session.commit()
    assert woken == [True]


def test_serve_starts_the_dispatcher_outside_tests_and_stops_it_after(live, monkeypatch):
    seen = {}

    def fake_serve(app, **options):
        seen["running"] = scheduler._scheduler is not None and scheduler._scheduler.is_running

    monkeypatch.setattr(waitress, "serve", fake_serve)
    runner = live.test_cli_runner()
    assert runner.invoke(args=["serve", "--port", "5099"]).exit_code == 0
    assert seen == {"running": False}  # TESTING: no thread unless a test starts one
    monkeypatch.setitem(live.config, "TESTING", False)
    assert runner.invoke(args=["serve", "--port", "5099"]).exit_code == 0
    assert seen == {"running": True}
    assert scheduler._scheduler is None  # stopped when serving ended
    monkeypatch.setitem(live.config, "DESK_CELERY_BROKER_URL", "redis://127.0.0.1:1/0")
    assert runner.invoke(args=["serve", "--port", "5099"]).exit_code == 0
    assert seen == {"running": False}  # Celery workers dispatch instead


def test_dispatch_once_from_the_command_line(live):
    ids = queue_messages(3, person=make_person(), due=NOW)
    result = live.test_cli_runner().invoke(args=["dispatch", "--once"])
    assert result.exit_code == 0, result.output
    assert "Dispatched 3 message(s). sent: 3" in result.output
    assert set(states(ids).values()) == {MessageState.SENT}
