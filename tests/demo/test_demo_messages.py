"""No demo message ever reaches a provider, whatever is configured: the demo's people
are made up, and their numbers may be someone's (issue 14, hole 13)."""

import pytest
from sqlalchemy import func, select, update

from desk.demo.load import load_demo
from desk.extensions import db
from desk.notify import dispatch
from desk.notify.models import MessageState, OutboxMessage
from tests.conftest import _database_params
from tests.demo.conftest import NOW, TODAY
from tests.notify.dispatch_support import (
    FakeBackend,
    fresh_app,
    install,
    make_person,
    queue_messages,
)

TWILIO = {"TWILIO_ACCOUNT_SID": "AC" + "1" * 32, "TWILIO_AUTH_TOKEN": "token",
          "DESK_SMS_FROM": "+815012345678", "DESK_VOICE_FROM": "+815012345678"}


@pytest.mark.slow
@pytest.mark.parametrize("kind", _database_params())
def test_demo_messages_never_reach_a_provider(kind, tmp_path_factory):
    app, cleanup = fresh_app(kind, tmp_path_factory, **TWILIO)
    backend = install(app, FakeBackend())
    try:
        with app.app_context():
            load_demo(today=TODAY, now=NOW)
            db.session.commit()
            demo_queued = set(db.session.scalars(select(OutboxMessage.id).where(
                OutboxMessage.state == MessageState.QUEUED)))
            assert demo_queued
            # all due now, none past its not_after: each would go out but for the demo
            db.session.execute(update(OutboxMessage).where(OutboxMessage.id.in_(demo_queued))
                               .values(due_dt=NOW))
            (normal,) = queue_messages(1, person=make_person(), due=NOW)

            dispatch.dispatch_due(now=NOW)

            assert dict(backend.sends) == {normal: 1}
            states = dict(db.session.execute(select(OutboxMessage.id, OutboxMessage.state)
                                             .where(OutboxMessage.id.in_(demo_queued))).all())
            assert set(states.values()) == {MessageState.LOGGED}
            assert db.session.scalar(select(func.count()).select_from(OutboxMessage).where(
                OutboxMessage.is_demo.is_(False))) == 1
    finally:
        cleanup()
