"""The message kinds features register with notify (desk.notify.kinds): complete (every
template a feature plans is registered with the topic it plans it under), strict (a
message nobody registered is never planned, and fails permanently if one is found in
the outbox), and batch-loaded on the coordinators' pages."""

import pytest
from sqlalchemy import select

from desk.consults import messages as consult_messages
from desk.core.errors import ConflictError
from desk.events import news, news_digest, outreach_messages, session_messages, surveys
from desk.events import notices as booking_notices
from desk.extensions import db
from desk.notify import dispatch, kinds, services
from desk.notify.content import render
from desk.notify.labels import error_label
from desk.notify.models import (
    CODE_UNKNOWN_TEMPLATE,
    MessageChannel,
    MessageState,
    OutboxMessage,
    RecipientKind,
)
from desk.notify.planning import message_values
from desk.volunteers import notices as volunteer_notices
from tests.fixtures.factories import NOW
from tests.fixtures.sql import statements_of
from tests.notify.dispatch_support import FakeBackend, install, uninstall
from tests.notify.kinds_support import messages_of_every_kind

# what each feature plans: its templates and the topic it plans them under
PLANNED = [
    (booking_notices.TOPIC, list(booking_notices.BookingTemplate)),
    (volunteer_notices.SHIFT_TOPIC, list(volunteer_notices.ShiftTemplate)),
    (volunteer_notices.ACCOUNT_TOPIC, list(volunteer_notices.AccountTemplate)),
    (consult_messages.TOPIC, [consult_messages.CONSULT_TURN]),
    (booking_notices.NOTE_TOPIC, [session_messages.TEMPLATE]),
    (outreach_messages.TOPIC, list(outreach_messages.LABELS)),
    (surveys.TOPIC, list(surveys.SurveyTemplate)),
]
# the monthly news about new classes: planned by its digest (tests/events/test_news.py)
NEWS = (news.TOPIC, [news_digest.NEWS_DIGEST])


@pytest.mark.parametrize(("topic", "templates"), [*PLANNED, NEWS],
                         ids=[topic for topic, _ in [*PLANNED, NEWS]])
def test_every_template_a_feature_plans_is_registered(ctx, topic, templates):
    for template in templates:
        registered = kinds.topic_of(template)
        assert registered is not None and registered.name == topic, template
        assert str(kinds.template_label(template)), template
        assert registered.render is not None


def test_nothing_else_is_registered(ctx):
    planned = {str(template) for _topic, templates in [*PLANNED, NEWS]
               for template in templates}
    assert set(kinds.templates()) == planned
    for kind in (volunteer_notices.RECIPIENT, consult_messages.RECIPIENT,
                 outreach_messages.RECIPIENT):
        assert kinds.recipients_of(kind).kind == kind


def test_every_row_planned_in_the_features_is_registered(ctx, create_session, create_person,
                                                          create_volunteer, create_shift):
    messages = messages_of_every_kind(create_session, create_person, create_volunteer,
                                      create_shift)
    assert {message.topic for message in messages} == {topic for topic, _ in PLANNED}
    assert {message.recipient_kind for message in messages} == {
        RecipientKind.PERSON, RecipientKind.PROXY, volunteer_notices.RECIPIENT,
        consult_messages.RECIPIENT, outreach_messages.RECIPIENT}
    for message in messages:
        assert kinds.topic_of(message.template).name == message.topic
        assert message.topic_id is not None


@pytest.mark.parametrize(("template", "topic", "kind"), [
    ("no_such_message", booking_notices.TOPIC, RecipientKind.PERSON),
    (booking_notices.BookingTemplate.REMINDER, volunteer_notices.SHIFT_TOPIC,
     RecipientKind.PERSON),
    (booking_notices.BookingTemplate.REMINDER, booking_notices.TOPIC, "pigeon"),
])
def test_planning_refuses_what_nobody_registered(ctx, template, topic, kind):
    with pytest.raises(kinds.UnknownMessage):
        message_values(template, topic=topic, topic_id=1, recipient_kind=kind, person_id=1,
                       channel=MessageChannel.SMS, address="+819011112222", locale="ja",
                       due=NOW, now=NOW)


def test_a_template_is_registered_once(ctx):
    taken = kinds.topic_of(booking_notices.BookingTemplate.REMINDER)
    with pytest.raises(ValueError):
        kinds.register_topic(kinds.Topic(name="another", templates=taken.templates,
                                               render=taken.render))
    with pytest.raises(ValueError):
        kinds.register_topic(kinds.Topic(name=taken.name, templates={},
                                               render=taken.render))
    assert kinds.topic_of(booking_notices.BookingTemplate.REMINDER) is taken
    assert "another" not in {topic.name for topic in kinds.templates().values()}


# -- a message nobody writes any more ---------------------------------------------------------

@pytest.fixture
def retired(ctx, create_person):
    """A queued message whose template no feature registers (a feature removed it)."""
    person = create_person()
    message = OutboxMessage(recipient_kind=RecipientKind.PERSON, person_id=person.id,
                            channel=MessageChannel.SMS, address="+819011112222",
                            template="retired_notice", locale="ja", due_dt=NOW,
                            topic="retired", topic_id=1, state=MessageState.QUEUED)
    db.session.add(message)
    db.session.commit()
    return message


def test_a_message_nobody_writes_fails_permanently(retired, app):
    backend = install(app, FakeBackend(), render=render)
    try:
        assert dispatch.dispatch_due(now=NOW) == {MessageState.FAILED: 1}
    finally:
        uninstall(app)
    db.session.expire_all()
    message = db.session.get(OutboxMessage, retired.id)
    assert (message.state, message.error_code) == (MessageState.FAILED, CODE_UNKNOWN_TEMPLATE)
    assert "retired_notice" in message.last_error
    assert backend.sends == {}
    assert str(error_label(CODE_UNKNOWN_TEMPLATE)) != CODE_UNKNOWN_TEMPLATE
    with pytest.raises(ConflictError):
        services.resolve_message(message, "sent_again", actor="test", now=NOW)


def test_the_outbox_pages_show_a_message_nobody_writes(retired, client, login, create_user):
    retired.state, retired.error_code = MessageState.FAILED, CODE_UNKNOWN_TEMPLATE
    db.session.commit()
    login(client, create_user())
    for path in ("/staff/notify/messages", "/staff/notify/messages/attention"):
        page = client.get(path, headers={"Accept-Language": "en"})
        assert page.status_code == 200
        assert "retired_notice" in page.get_data(as_text=True)


# -- the coordinators' pages -----------------------------------------------------------------

def _statements(client, path):
    """How many SQL statements one request runs, and its page."""
    count, response = statements_of(client, path, headers={"Accept-Language": "en"})
    assert response.status_code == 200
    return count, response.get_data(as_text=True)


PAGES = ("/staff/notify/messages", "/staff/notify/messages/attention")


def _every_kind_failed(*factories):
    """One more set of messages of every kind, all failed (listed on both pages)."""
    messages = messages_of_every_kind(*factories)
    for message in messages:
        message.state = MessageState.FAILED
    db.session.commit()
    return messages


def test_the_outbox_pages_list_every_kind_in_a_bounded_number_of_queries(
        ctx, client, login, create_user, create_session, create_person, create_volunteer,
        create_shift):
    factories = (create_session, create_person, create_volunteer, create_shift)
    login(client, create_user())
    first = _every_kind_failed(*factories)
    few = {path: _statements(client, path)[0] for path in PAGES}
    for _ in range(3):
        _every_kind_failed(*factories)
    total = db.session.scalar(select(db.func.count(OutboxMessage.id)))
    assert 4 * len(first) == total <= 50  # one page
    for path in PAGES:
        many, page = _statements(client, path)
        assert many == few[path], (f"{path}: {few[path]} statements for {len(first)} "
                                   f"messages, {many} for {total}")
        for label in ("Volunteer", "Consultation desk visitor", "Contact for",
                      "Booking confirmed", "Shift assigned or changed",
                      "Volunteer invitation", "Your turn is coming (consultation desk)"):
            assert label in page
