"""Messages of every kind the features plan, made through their services: about a booking
(to the person and to a proxy contact who wants copies), about a shift and a login
account (to a volunteer), and a consultation desk visitor's turn SMS."""

from datetime import date, time

from sqlalchemy import select

from desk.consults import services as consult_services
from desk.core.timeutil import local_datetime
from desk.events import services as event_services
from desk.extensions import db
from desk.notify.models import OutboxMessage
from desk.people import services as people_services
from desk.volunteers import accounts
from desk.volunteers import services as volunteer_services
from tests.fixtures.factories import NOW

DAY = date(2026, 12, 3)


def messages_of_every_kind(create_session, create_person, create_volunteer, create_shift):
    """Plan one set of messages of every kind and commit; returns the new rows."""
    known = set(db.session.scalars(select(OutboxMessage.id)))
    session = create_session(day=DAY)
    person = create_person()
    people_services.add_proxy(person, {"name": "佐藤 健", "relation": "family",
                                       "phone": "080-2222-0001", "wants_copies": True},
                              consent_method="phone_staff", actor="test", now=NOW)
    booking = event_services.book_seat(session, person, channel="phone_desk", actor="test",
                                       now=NOW, survey_consent=True).booking
    # attended, and agreed to the survey after the class
    event_services.set_attendance(booking, "attended", actor="test",
                                  now=local_datetime(DAY, time(12)))
    shift = create_shift(session)
    volunteer = create_volunteer()
    volunteer_services.assign_volunteer(shift, volunteer, actor="test", now=NOW,
                                        confirmed=True)
    accounts.invite_volunteer(create_volunteer(), "email", actor="test", now=NOW)
    desk = create_session(kind="consultation", day=DAY, start=time(10), end=time(15))
    consult_services.issue_ticket(desk, {}, actor="test", now=local_datetime(DAY, time(10)))
    consult_services.issue_ticket(desk, {"phone": "090-8765-4321", "wants_sms": True},
                                  actor="test", now=local_datetime(DAY, time(10, 1)))
    consult_services.call_next(desk, actor="test", now=local_datetime(DAY, time(10, 2)))
    db.session.commit()
    return db.session.scalars(select(OutboxMessage).where(OutboxMessage.id.not_in(known))
                              .order_by(OutboxMessage.id)).all()
