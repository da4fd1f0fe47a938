"""The database failing while the dispatcher works, with real commits on SQLite and
PostgreSQL: a claim that never reached its provider goes back to `queued` and is sent
exactly once by a later round; a claim whose hand-over had begun keeps its claim when
the batch's record fails (`unknown` after the sweep, never sent again blindly)."""

import contextlib
from datetime import timedelta

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.exc import OperationalError

from desk.extensions import db
from desk.notify import dispatch, tasks
from desk.notify.models import MessageState, OutboxMessage
from tests.conftest import LIVE_DATABASES, _database_params
from tests.fixtures.factories import NOW
from tests.notify.dispatch_support import (
    FakeBackend,
    clear_outbox,
    fake_render,
    fresh_app,
    install,
    make_person,
    queue_messages,
    states,
)

pytestmark = LIVE_DATABASES

LATER = NOW + timedelta(hours=1)  # past any backoff


@pytest.fixture(scope="module", params=_database_params())
def live_app(request, tmp_path_factory):
    app, close = fresh_app(request.param, tmp_path_factory)
    yield app
    close()


@pytest.fixture
def ctx(live_app):
    with live_app.app_context():
        clear_outbox()
        yield live_app
        db.session.remove()


@contextlib.contextmanager
def database_fails(matches, times=1):
    """The next `times` statements for which `matches(statement)` is true fail as a lost
    connection would (OperationalError), at the driver's cursor."""
    engine = db.engine
    left = [times]

    def before_cursor_execute(conn, cursor, statement, parameters, context, executemany):
        if left[0] > 0 and matches(statement):
            left[0] -= 1
            raise OperationalError(statement, parameters,
                                   ConnectionError("server closed the connection"))

    event.listen(engine, "before_cursor_execute", before_cursor_execute)
    try:
        yield left
    finally:
        event.remove(engine, "before_cursor_execute", before_cursor_execute)


def reading_render(message):
    """A render that reads the database, as the real templates do."""
    db.session.execute(select(func.count(OutboxMessage.id)).where(OutboxMessage.id > 0))
    return fake_render(message)


def is_render_query(statement):
    return statement.lstrip().upper().startswith("SELECT COUNT(")


def is_record(statement):
    return statement.lstrip().upper().startswith("UPDATE") and "provider_id" in statement


def test_a_database_failure_while_rendering_puts_the_message_back_to_queued(ctx):
    backend = install(ctx, FakeBackend(), render=reading_render)
    (message_id,) = queue_messages(1, person=make_person(), due=NOW)
    with database_fails(is_render_query) as left:
        assert dispatch.dispatch_due(now=NOW) == {MessageState.QUEUED: 1}
    assert left == [0], "the failure was never injected: the test proves nothing"
    assert states([message_id]) == {message_id: MessageState.QUEUED}
    assert backend.sends.total() == 0
    message = db.session.get(OutboxMessage, message_id)
    assert message.due_dt > NOW and "database" in message.last_error
    db.session.rollback()
    # nothing for the coordinators: the sweep leaves it alone
    assert tasks.sweep(now=LATER, timeout=timedelta(0)) == ([], [])

    assert dispatch.dispatch_due(now=LATER) == {MessageState.SENT: 1}
    assert dispatch.dispatch_due(now=LATER + timedelta(hours=1)) == {}
    assert backend.sends == {message_id: 1}
    assert states([message_id]) == {message_id: MessageState.SENT}


def test_when_the_record_fails_too_only_what_reached_no_provider_is_queued_again(ctx):
    """The first message's render fails on the database, then so does the batch's
    record: the first message never reached a provider and is queued again at once; the
    other two were handed over, keep their claim, become unknown at the sweep and are
    settled by the provider look-up. None is sent twice."""
    backend = install(ctx, FakeBackend(), render=reading_render)
    first, *rest = ids = queue_messages(3, person=make_person(), due=NOW)

    with database_fails(is_render_query) as render_left, database_fails(is_record) as \
            record_left, pytest.raises(OperationalError):
        dispatch.dispatch_due(now=NOW)
    assert render_left == record_left == [0]
    assert backend.sends == dict.fromkeys(rest, 1)
    assert states(ids) == {first: MessageState.QUEUED,
                           **dict.fromkeys(rest, MessageState.SENDING)}

    stale, settled = tasks.sweep(now=NOW + timedelta(minutes=1), timeout=timedelta(0))
    assert stale == settled == rest
    assert dispatch.dispatch_due(now=LATER) == {MessageState.SENT: 1}
    assert dispatch.dispatch_due(now=LATER + timedelta(hours=1)) == {}
    assert states(ids) == dict.fromkeys(ids, MessageState.SENT)
    assert backend.sends == dict.fromkeys(ids, 1)


def test_a_failed_record_keeps_every_handed_over_claim_and_never_resends(ctx):
    """Recording the batch fails after the provider took all of it: every message keeps
    its claim and becomes unknown, waiting for a look-up or a coordinator; no later round
    sends any of them again."""
    backend = install(ctx, FakeBackend(can_look_up=False))
    ids = queue_messages(3, person=make_person(), due=NOW)

    with database_fails(is_record) as left, pytest.raises(OperationalError):
        dispatch.dispatch_due(now=NOW)
    assert left == [0]
    assert backend.sends == dict.fromkeys(ids, 1)
    assert states(ids) == dict.fromkeys(ids, MessageState.SENDING)

    tasks.sweep(now=NOW + timedelta(minutes=1), timeout=timedelta(0))
    assert dispatch.dispatch_due(now=LATER) == {}
    assert states(ids) == dict.fromkeys(ids, MessageState.UNKNOWN)
    assert backend.sends == dict.fromkeys(ids, 1)


def test_a_database_failure_loading_the_batch_releases_it(ctx):
    backend = install(ctx, FakeBackend())
    ids = queue_messages(2, person=make_person(), due=NOW)

    def loads_the_batch(statement):  # whole rows: the claim's scan reads a few columns
        return (statement.lstrip().upper().startswith("SELECT")
                and "outbox_messages.recipient_kind" in statement)

    with database_fails(loads_the_batch) as left, pytest.raises(OperationalError):
        dispatch.dispatch_due(now=NOW)
    assert left == [0]
    assert states(ids) == dict.fromkeys(ids, MessageState.QUEUED)
    assert dispatch.dispatch_due(now=NOW) == {MessageState.SENT: 2}
    assert backend.sends == dict.fromkeys(ids, 1)
