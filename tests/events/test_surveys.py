"""The survey after a class: who is invited (consent, attended only, not by voice), when
(the day after at DESK_SURVEY_TIME), once only, the short link answered once, closed
after expiry, and an SMS of one segment in Japanese."""

from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from desk.core.errors import ValidationError
from desk.core.timeutil import local_datetime
from desk.events import bookings, surveys
from desk.events.models import Attendance, SurveyInvitation, WillUse
from desk.extensions import db
from desk.notify.content import render
from desk.notify.models import MessageChannel, MessageState, OutboxMessage
from desk.notify.segments import count_segments

DAY = date(2026, 12, 3)
AFTER_CLASS = local_datetime(DAY, time(12))
DUE = local_datetime(date(2026, 12, 4), time(10))


@pytest.fixture
def session(ctx, create_session):
    return create_session(day=DAY)


def _book(session, person, *, consent=True):
    return bookings.book_seat(session, person, channel="phone_desk", actor="test",
                              now=datetime.fromisoformat("2026-11-23T01:00:00+00:00"),
                              survey_consent=consent).booking


def _survey_messages():
    return list(db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.topic == surveys.TOPIC).order_by(OutboxMessage.id)))


def _attend(booking, value=Attendance.ATTENDED, now=AFTER_CLASS):
    return bookings.set_attendance(booking, value, actor="test", now=now)


def test_an_attended_booking_that_agreed_gets_one_sms_the_day_after(session, create_person):
    booking = _book(session, create_person())
    _attend(booking)
    [message] = _survey_messages()
    assert message.channel == MessageChannel.SMS
    assert message.address == booking.person.phone
    assert message.due_dt == DUE
    invitation = db.session.get(SurveyInvitation, message.topic_id)
    assert invitation.booking_id == booking.id
    assert message.not_after == invitation.expires_dt
    assert len(invitation.token) == SurveyInvitation.TOKEN_LENGTH


def test_without_consent_or_attendance_nothing_is_planned(session, create_person):
    no_consent = _book(session, create_person(), consent=False)
    _attend(no_consent)
    not_marked = _book(session, create_person())
    no_show = _book(session, create_person())
    _attend(no_show, Attendance.NO_SHOW)
    assert _survey_messages() == []
    assert not_marked.attendance is None


def test_a_landline_gets_no_call_but_an_email_when_there_is_one(session, create_person):
    landline = _book(session, create_person(phone="0466-25-1111"))
    _attend(landline)
    assert _survey_messages() == []
    with_email = _book(session, create_person(phone="0466-25-2222",
                                              email="keiko@example.jp"))
    _attend(with_email)
    [message] = _survey_messages()
    assert (message.channel, message.address) == (MessageChannel.EMAIL, "keiko@example.jp")


def test_unmarking_cancels_and_marking_again_plans_once(session, create_person):
    booking = _book(session, create_person())
    _attend(booking)
    _attend(booking, None)
    [first] = _survey_messages()
    assert first.state == MessageState.CANCELLED
    _attend(booking)
    _attend(booking, None)
    _attend(booking)
    states = [message.state for message in _survey_messages()]
    assert states.count(MessageState.QUEUED) == 1
    assert db.session.scalar(select(db.func.count(SurveyInvitation.id))) == 1


def test_a_message_sent_is_never_planned_again(session, create_person):
    booking = _book(session, create_person())
    _attend(booking)
    [message] = _survey_messages()
    message.state = MessageState.SENT
    db.session.flush()
    _attend(booking, None)
    _attend(booking)
    assert len(_survey_messages()) == 1


def test_attendance_taken_late_sends_at_once_and_not_after_expiry(session, create_person, app):
    booking = _book(session, create_person())
    late = local_datetime(date(2026, 12, 5), time(15))
    _attend(booking, now=late)
    [message] = _survey_messages()
    assert message.due_dt == late
    other = _book(session, create_person())
    too_late = local_datetime(date(2026, 12, 4 + app.config["DESK_SURVEY_DAYS"]), time(11))
    _attend(other, now=too_late)
    assert len(_survey_messages()) == 1


def test_a_walk_in_who_agreed_is_invited(session, create_person):
    result = bookings.book_seat(session, create_person(), channel="walk_in", actor="test",
                                now=AFTER_CLASS, walk_in=True, survey_consent=True)
    [message] = _survey_messages()
    assert db.session.get(SurveyInvitation, message.topic_id).booking_id == result.booking.id


def _invitation(session, create_person, **person):
    booking = _book(session, create_person(**person))
    _attend(booking)
    return surveys.invitation_of(booking)


def test_answered_once(session, create_person):
    invitation = _invitation(session, create_person)
    surveys.answer(invitation, {"useful": "5", "will_use": "yes", "next_topic": "line",
                                "next_text": "写真の送り方"}, now=DUE)
    assert (invitation.useful, invitation.will_use, invitation.next_text) == (
        5, WillUse.YES, "写真の送り方")
    with pytest.raises(surveys.SurveyClosed):
        surveys.answer(invitation, {"useful": "1"}, now=DUE)
    assert invitation.useful == 5


def test_closed_after_expiry_and_bad_answers_change_nothing(session, create_person):
    invitation = _invitation(session, create_person)
    with pytest.raises(ValidationError) as error:
        surveys.answer(invitation, {"useful": "9", "will_use": "perhaps"}, now=DUE)
    assert set(error.value.fields) == {"useful", "will_use"}
    with pytest.raises(ValidationError):
        surveys.answer(invitation, {}, now=DUE)
    with pytest.raises(surveys.SurveyClosed):
        surveys.answer(invitation, {"useful": "4"}, now=invitation.expires_dt)
    assert invitation.answered_dt is None


def test_the_sms_fits_one_segment_with_the_longest_names(session, create_person, app,
                                                       create_venue, create_session,
                                                       monkeypatch):
    venue = create_venue(name="藤沢市湘南台市民センター多目的ホール", short_name="辻堂市民センター")
    long_session = create_session(day=DAY, venue_id=venue.id,
                                  title="はじめてのスマートフォン（アンドロイド）基本操作と写真の送り方")
    monkeypatch.setitem(app.config, "DESK_PUBLIC_URL", "https://desk.city.fujisawa.kanagawa.jp")
    booking = _book(long_session, create_person())
    _attend(booking)
    [message] = _survey_messages()
    assert message.locale == "ja"
    text = render(message, now=DUE).sms_body
    assert count_segments(text).segments == 1, text
    assert text.startswith("【") and "アンケート" in text
    assert text.endswith(f"https://desk.city.fujisawa.kanagawa.jp/s/"
                         f"{surveys.invitation_of(booking).token}")


def test_a_short_address_leaves_room_for_the_place(session, create_person, app, monkeypatch):
    monkeypatch.setitem(app.config, "DESK_PUBLIC_URL", "https://desk.example.jp")
    booking = _book(session, create_person())
    _attend(booking)
    [message] = _survey_messages()
    text = render(message, now=DUE).sms_body
    assert count_segments(text).segments == 1
    assert session.venue.display_short_name in text


def test_the_page_answers_once_and_says_thank_you(client, session, create_person):
    invitation = _invitation(session, create_person)
    db.session.commit()
    url = f"/s/{invitation.token}"
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="useful"' in page.text
    answered = client.post(url, data={"useful": "4", "will_use": "maybe",
                                      "next_topic": "maps"}, follow_redirects=True)
    assert answered.status_code == 200
    assert 'name="useful"' not in answered.text
    again = client.post(url, data={"useful": "1"}, follow_redirects=True)
    assert 'name="useful"' not in again.text
    db.session.expire_all()
    assert db.session.get(SurveyInvitation, invitation.id).useful == 4
    assert client.get("/s/unknowntoken").status_code == 404


def test_disclosed_with_the_booking_without_the_link(session, create_person, create_user):
    from desk.auth.models import Role
    from desk.people import disclosure

    invitation = _invitation(session, create_person)
    surveys.answer(invitation, {"useful": "4", "next_text": "地図アプリ"}, now=DUE)
    found = disclosure.disclosure_for(invitation.booking.person,
                                      actor=create_user(Role.COORDINATOR), now=DUE,
                                      municipality="藤沢市")
    [row] = found.rows("survey_invitations")
    assert (row["useful"], row["next_text"]) == (4, "地図アプリ")
    assert found.tables["survey_invitations"].withheld == ["token"]
    assert invitation.id in {message["topic_id"] for message in found.rows("outbox_messages")
                             if message["topic"] == surveys.TOPIC}


def test_anonymising_the_person_keeps_the_answers_without_link_or_text(session,
                                                                      create_person):
    from desk.people import erasure

    answered = _invitation(session, create_person)
    surveys.answer(answered, {"useful": "5", "next_text": "孫とLINEで話したい"}, now=DUE)
    erasure.anonymise(answered.booking.person, actor="test", now=DUE)
    assert (answered.token, answered.next_text, answered.useful) == (None, None, 5)
    waiting = _invitation(session, create_person)
    erasure.anonymise(waiting.booking.person, actor="test", now=AFTER_CLASS)
    assert [message.state for message in _survey_messages()
            if message.topic_id == waiting.id] == [MessageState.CANCELLED]


def test_retention_removes_closed_links_and_old_free_text(session, create_person):
    from desk.core import retention

    invitation = _invitation(session, create_person)
    surveys.answer(invitation, {"next_text": "マイナポータル"}, now=DUE)
    links = retention.DATA_CLASSES["survey_links"]
    texts = retention.DATA_CLASSES["survey_texts"]
    assert links.purge(invitation.expires_dt, DUE) == 0
    assert links.purge(invitation.expires_dt + timedelta(seconds=1), DUE) == 1
    assert texts.purge(DUE + timedelta(seconds=1), DUE) == 1
    db.session.expire_all()
    assert (invitation.token, invitation.next_text) == (None, None)


def test_the_phone_desk_and_the_walk_in_form_record_the_consent(staff_client, create_person,
                                                                create_session):
    from desk.core.timeutil import local_today, utcnow
    from desk.events.models import Booking

    upcoming = create_session(day=local_today() + timedelta(days=3))
    person = create_person()
    staff_client.post(f"/staff/phone-desk/people/{person.id}/sessions/{upcoming.id}",
                      data={"seats": "1", "survey_consent": "y", "proxy_relation": "family"})
    today = create_session(start_dt=utcnow() - timedelta(hours=1),
                           end_dt=utcnow() + timedelta(hours=1))
    staff_client.post(f"/staff/sessions/{today.id}/roster/walk-in/add",
                      data={"person_id": str(create_person().id), "seats": "1",
                            "survey_consent": "y"})
    db.session.expire_all()
    consents = {booking.session_id: booking.survey_consent
                for booking in db.session.scalars(select(Booking))}
    assert consents == {upcoming.id: True, today.id: True}


def test_the_staff_booking_page_says_where_the_survey_stands(staff_client, session,
                                                             create_person):
    asked = _invitation(session, create_person)
    surveys.answer(asked, {"useful": "3"}, now=DUE)
    not_asked = _book(session, create_person(), consent=False)
    db.session.commit()
    english = {"Accept-Language": "en"}
    page = staff_client.get(f"/staff/bookings/{asked.booking_id}", headers=english).text
    assert "Answered on" in page
    page = staff_client.get(f"/staff/bookings/{not_asked.id}", headers=english).text
    assert "Not agreed (not sent)" in page
