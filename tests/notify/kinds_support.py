"""Messages of every kind the features plan, made through their services: about a booking
(to the person and to a proxy contact who wants copies), about a shift and a login
account (to a volunteer), a consultation desk visitor's turn SMS, and the acknowledgement
of an outreach request (to its contact person)."""

from datetime import date, time

from sqlalchemy import select

from desk.consults import services as consult_services
from desk.core.timeutil import local_datetime
from desk.events import outreach, session_messages
from desk.events import services as event_services
from desk.extensions import db
from desk.notify.models import OutboxMessage
from desk.people import services as people_services
from desk.volunteers import accounts
from desk.volunteers import services as volunteer_services
from tests.fixtures.factories import NOW

DAY = date(2026, 12, 3)


def messages_of_every_kind(create_session, create_person, create_volunteer, create_shift, *,
                           later_kinds=True):
    """Plan one set of messages of every kind and commit; returns the new rows. Without
    `later_kinds`, none of the kinds that came after the outbox's topics (a coordinator's
    note to a session's people, an outreach request's answer, the survey after a class):
    an older schema has no place for them."""
    known = set(db.session.scalars(select(OutboxMessage.id)))
    session = create_session(day=DAY)
    person = create_person()
    people_services.add_proxy(person, {"name": "佐藤 健", "relation": "family",
                                       "phone": "080-2222-0001", "wants_copies": True},
                              consent_method="phone_staff", actor="test", now=NOW)
    booking = event_services.book_seat(session, person, channel="phone_desk", actor="test",
                                       now=NOW, survey_consent=later_kinds).booking
    if later_kinds:
        session_messages.send_session_message(
            session, {"text_ja": "持ち物はマイナンバーカードです",
                      "key": f"kinds-{session.id:016d}"}, actor="test", now=NOW)
    # attended (and, with the later kinds, agreed to the survey after the class)
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
    if later_kinds:
        outreach.submit_request(
            {"group_name": "湘南台二丁目町内会", "group_kind": "neighbourhood",
             "contact_name": "佐藤 和子", "contact_kana": "サトウ カズコ",
             "contact_phone": "090-2468-1357", "reply_channel": "sms",
             "place_name": "湘南台二丁目自治会館", "place_address": "藤沢市湘南台2-15-3",
             "preferred_date_1": date(2027, 1, 17), "expected_count": 15},
            source="web", locale="ja", actor="web", now=NOW)
    db.session.commit()
    return db.session.scalars(select(OutboxMessage).where(OutboxMessage.id.not_in(known))
                              .order_by(OutboxMessage.id)).all()
