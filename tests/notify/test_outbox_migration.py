"""The migration that gave outbox rows a topic instead of a foreign key per feature table
carries every kind of row over, both ways, on SQLite and PostgreSQL."""

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from desk.extensions import db
from desk.notify import replies
from desk.notify.models import MessageChannel, MessageState, RecipientKind
from tests.conftest import LIVE_DATABASES, _database_params, live_database_app
from tests.fixtures.factories import NOW
from tests.notify.kinds_support import messages_of_every_kind

pytestmark = LIVE_DATABASES

BEFORE = "2f081eaac798"  # the last revision with a foreign key per feature table
NEW_COLUMNS = ("topic", "topic_id", "recipient_kind", "recipient_id", "not_after", "template")
OLD_COLUMNS = ("booking_id", "session_id", "volunteer_id", "shift_id", "ticket_id")


def _rows(table, columns):
    """{id: (columns...)} as stored, read without the models."""
    listed = ", ".join(columns)
    return {row[0]: tuple(row[1:]) for row in db.session.execute(
        text(f"SELECT id, {listed} FROM {table} ORDER BY id"))}


def _session_of(table, row_id):
    return db.session.scalar(text(f"SELECT session_id FROM {table} WHERE id = :id"),
                             {"id": row_id})


def _old_values(message):
    """What the old columns said for a message planned today."""
    values = dict.fromkeys(OLD_COLUMNS)
    if message.topic == "booking":
        values.update(booking_id=message.topic_id,
                      session_id=_session_of("bookings", message.topic_id))
    elif message.topic == "shift":
        values.update(shift_id=message.topic_id, volunteer_id=message.recipient_id,
                      session_id=_session_of("shifts", message.topic_id))
    elif message.topic == "account":
        values.update(volunteer_id=message.recipient_id)
    else:
        values.update(ticket_id=message.topic_id,
                      session_id=_session_of("consult_tickets", message.topic_id))
    return tuple(values[name] for name in OLD_COLUMNS)


@pytest.mark.slow
@pytest.mark.parametrize("kind", _database_params())
def test_the_migration_carries_every_kind_of_row_over_and_back(
        kind, tmp_path_factory, create_session, create_person, create_volunteer,
        create_shift):
    with live_database_app(kind, tmp_path_factory, connections=2) as app, app.app_context():
        messages = messages_of_every_kind(create_session, create_person, create_volunteer,
                                          create_shift)
        # the survey after a class came later than the old columns: it has no old form
        for message in [message for message in messages if message.topic == "survey"]:
            db.session.delete(message)
            messages.remove(message)
        sms = next(message for message in messages
                   if message.topic == "booking" and message.channel == MessageChannel.SMS
                   and message.recipient_kind == RecipientKind.PERSON)
        sms.state, sms.sent_dt = MessageState.SENT, NOW
        db.session.commit()
        replies.handle_sms(sms.address, "1", provider_id="SMmigration", now=NOW)
        db.session.commit()
        expected = {message.id: _old_values(message) for message in messages}
        booking_id = sms.topic_id
        new = _rows("outbox_messages", NEW_COLUMNS)
        new_replies = _rows("sms_replies", ("topic", "topic_id"))
        assert list(new_replies.values()) == [("booking", booking_id)]
        db.session.remove()
        directory = app.extensions["migrate"].directory

        downgrade(directory=directory, revision=BEFORE)
        assert _rows("outbox_messages", OLD_COLUMNS) == expected
        assert list(_rows("sms_replies", ("booking_id",)).values()) == [(booking_id,)]
        db.session.remove()

        upgrade(directory=directory)
        assert _rows("outbox_messages", NEW_COLUMNS) == new
        assert _rows("sms_replies", ("topic", "topic_id")) == new_replies
        db.session.remove()
