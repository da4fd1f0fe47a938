"""Many dispatchers at once never send a message twice (DESIGN.md's outbox invariant).

Four dispatcher threads start together (a barrier), each in its own application
context with its own database connection and real commits — so these tests use a fresh
database per kind, not the savepoint-isolated `app` fixture. PostgreSQL claims with
FOR UPDATE SKIP LOCKED, SQLite with BEGIN IMMEDIATE and a conditional update.
"""

from collections import Counter

import pytest
from sqlalchemy import select

from desk.extensions import db
from desk.notify import dispatch
from desk.notify.models import MessageChannel, MessageState, OutboxMessage
from tests.conftest import LIVE_DATABASES, _database_params
from tests.fixtures.factories import NOW
from tests.notify.dispatch_support import (
    FakeBackend,
    clear_outbox,
    fresh_app,
    install,
    make_person,
    queue_messages,
    run_dispatchers,
    states,
)

pytestmark = LIVE_DATABASES

DISPATCHERS = 4
MESSAGES = {"postgresql": 1000, "sqlite": 200}


@pytest.fixture(scope="module", params=_database_params())
def live_app(request, tmp_path_factory):
    app, close = fresh_app(request.param, tmp_path_factory)
    app.config["DATABASE_KIND"] = request.param
    yield app
    close()


@pytest.fixture
def live(live_app):
    with live_app.app_context():
        clear_outbox()
        yield live_app
        db.session.rollback()


def test_concurrent_dispatchers_send_every_message_exactly_once(live):
    total = MESSAGES[live.config["DATABASE_KIND"]]
    person = make_person()
    ids = (queue_messages(total // 2, person=person, due=NOW)
           + queue_messages(total - total // 2, person=person, due=NOW,
                            channel=MessageChannel.EMAIL))
    backend = install(live, FakeBackend())
    handled = run_dispatchers(live, DISPATCHERS, now=NOW)
    assert backend.sends == Counter(dict.fromkeys(ids, 1))
    assert sum(handled) == total
    assert sum(1 for count in handled if count) >= 2  # they really ran side by side
    assert set(states(ids).values()) == {MessageState.SENT}
    attempts = db.session.scalars(select(OutboxMessage.attempts)
                                  .where(OutboxMessage.id.in_(ids))).all()
    assert set(attempts) == {1}


def test_the_claim_is_committed_before_the_provider_is_called(live):
    """At the moment of sending, any other connection sees the row claimed."""
    ids = queue_messages(3, person=make_person(), due=NOW)
    seen = {}

    def look(stage, message_id):
        if stage == "before_send":
            with db.engine.connect() as other:
                seen[message_id] = tuple(other.execute(
                    select(OutboxMessage.state, OutboxMessage.attempts)
                    .where(OutboxMessage.id == message_id)).one())

    install(live, FakeBackend(on_send=look))
    dispatch.dispatch_due(now=NOW)
    assert seen == dict.fromkeys(ids, (MessageState.SENDING.value, 1))
    assert set(states(ids).values()) == {MessageState.SENT}
