"""Serving at the desk through the web pages (desk/consults/desk_views.py): a complete
visit logged by a volunteer, the log form's bad input (each gives a message and changes
nothing), the note's privacy, and booking the visitor into a class on the spot found by
the exact phone number only.

The views use the real clock: tickets are issued a little before it, classes are a few
days after it at fixed local times (no test depends on the hour it runs at).
"""

import re
from datetime import time, timedelta

import pytest
from sqlalchemy import func, select

from desk.auth.models import Role
from desk.consults import queries, services
from desk.consults.models import Outcome, Ticket, TicketStatus, Visit
from desk.core.audit import AuditEntry
from desk.core.timeutil import local_today, utcnow
from desk.events.models import Booking, BookingChannel, BookingStatus
from desk.extensions import db
from desk.people.models import Person

# the session's hours do not matter to the desk pages (any hour the tests run at)
LINE_NOTE = "LINEの友だち追加を次回の教室で練習したい"


def flashes(html, category):
    return " ".join(re.sub(r"\s+", " ", text).strip() for text in re.findall(
        rf'<p class="flash flash--{category}" role="\w+">(.*?)</p>', html, re.S))


def page_text(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def audit_actions(ticket):
    db.session.expire_all()
    visit = db.session.scalar(select(Visit).where(Visit.ticket_id == ticket.id))
    rows = db.session.scalars(select(AuditEntry).where(
        ((AuditEntry.object_type == Ticket.__tablename__) & (AuditEntry.object_id == ticket.id))
        | ((AuditEntry.object_type == Visit.__tablename__) & (AuditEntry.object_id == (
            visit.id if visit else -1)))).order_by(AuditEntry.id))
    return [row.action for row in rows]


def audit_count():
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(AuditEntry))


def topic_ids(*codes):
    by_code = {topic.code: topic.id for topic in queries.active_topics()}
    return [str(by_code[code]) for code in codes]


@pytest.fixture
def desk(ctx, create_consult_session, create_user, create_volunteer, create_shift, login):
    """A consultation session running now, a volunteer (account + profile) with a place
    on its shift, logged in with English pages: (client, session, user)."""
    session = create_consult_session()
    user = create_user(Role.VOLUNTEER)
    volunteer = create_volunteer()
    volunteer.user_id = user.id
    db.session.commit()
    shift = create_shift(session, places=3)
    from desk.volunteers import services as volunteer_services
    volunteer_services.assign_volunteer(shift, volunteer, actor="test", now=utcnow(),
                                        confirmed=True)
    db.session.commit()
    client = ctx.test_client()
    login(client, user)
    client.set_cookie("desk_locale", "en")
    return client, session, user


def serving_ticket(session, user, **data):
    """A walk-in ticket issued a quarter of an hour ago, taken by `user` 12 minutes ago."""
    now = utcnow()
    ticket = services.issue_ticket(session, data, actor="test", now=now - timedelta(minutes=15))
    services.take_ticket(ticket, actor=user, now=now - timedelta(minutes=12))
    db.session.commit()
    return ticket


def log_url(session, ticket):
    return f"/consults/{session.id}/tickets/{ticket.id}/log"


def book_url(session, ticket):
    return f"/consults/{session.id}/tickets/{ticket.id}/book"


def good_log(**changes):
    data = {"topics": topic_ids("line", "settings"), "device": "android", "minutes": "12",
            "outcome": "follow_up", "note": LINE_NOTE}
    data.update(changes)
    return data


# -- the complete visit ----------------------------------------------------------------------

def test_complete_visit_logged_by_a_volunteer_through_the_pages(desk):
    client, session, user = desk
    ticket = services.issue_ticket(session, {"visitor_name": "佐藤"}, actor="test",
                                   now=utcnow() - timedelta(minutes=20))
    db.session.commit()

    page = client.get(f"/consults/{session.id}/desk")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "1 visitor waiting" in page_text(html)
    assert "佐藤" in html and "Take the next visitor" in html

    taken = client.post(f"/consults/{session.id}/desk/next")
    assert taken.status_code == 302
    assert taken.headers["Location"].endswith(log_url(session, ticket))
    form = client.get(log_url(session, ticket))
    assert form.status_code == 200
    html = form.get_data(as_text=True)
    assert "Call number 1, 佐藤." in flashes(html, "success")
    # the topics in the reader's language, the device as big choices, a hint about numbers
    assert "Settings" in html and "Flip phone" in html
    assert "My Numbers" in html
    assert re.search(r'name="minutes"[^>]*value="\d+"', html), "minutes not prefilled"

    done = client.post(log_url(session, ticket), data=good_log())
    assert done.status_code == 302 and done.headers["Location"].endswith(
        f"/consults/{session.id}/desk")

    db.session.expire_all()
    ticket = db.session.get(Ticket, ticket.id)
    assert ticket.status == TicketStatus.SERVED and ticket.served_by_id == user.id
    visit = ticket.visit
    assert sorted(topic.code for topic in visit.topics) == ["line", "settings"]
    assert (visit.device, visit.minutes, visit.outcome, visit.note) == (
        "android", 12, Outcome.FOLLOW_UP, LINE_NOTE)
    assert visit.volunteer_user_id == user.id
    assert audit_actions(ticket) == ["ticket.issue", "ticket.call", "ticket.serve",
                                     "visit.create"]
    back = client.get(f"/consults/{session.id}/desk").get_data(as_text=True)
    assert "Ticket 1 is logged." in flashes(back, "success")
    assert "0 visitors waiting" in page_text(back)
    # the logged visit, its note, and the way to book a class
    summary = client.get(log_url(session, ticket)).get_data(as_text=True)
    assert LINE_NOTE in summary and "Book a class for this visitor" in summary


def test_minutes_left_empty_come_from_the_call(desk):
    client, session, user = desk
    ticket = serving_ticket(session, user)
    response = client.post(log_url(session, ticket), data=good_log(minutes="",
                                                                   outcome="resolved", note=""))
    assert response.status_code == 302
    db.session.expire_all()
    visit = db.session.scalar(select(Visit).where(Visit.ticket_id == ticket.id))
    assert 11 <= visit.minutes <= 13 and visit.note is None
    assert visit.outcome == Outcome.RESOLVED


def test_topics_are_labelled_in_japanese_for_a_japanese_reader(desk):
    client, session, user = desk
    ticket = serving_ticket(session, user)
    client.set_cookie("desk_locale", "ja")
    html = client.get(log_url(session, ticket)).get_data(as_text=True)
    assert "マイナポータル" in html and "カメラ・写真" in html
    assert "Camera and photos" not in html


# -- bad input: a message, nothing changed, never a 500 ----------------------------------------

def _assert_unchanged(ticket, before_audit):
    db.session.expire_all()
    assert db.session.get(Ticket, ticket.id).status == TicketStatus.SERVING
    assert db.session.scalar(select(Visit).where(Visit.ticket_id == ticket.id)) is None
    assert audit_count() == before_audit


@pytest.mark.parametrize(("changes", "message"), [
    ({"note": "x" * 501}, "At most 500 characters"),
    ({"topics": []}, "Choose at least one topic."),
    ({"topics": ["999999"]}, "Choose topics from the list."),
    ({"topics": ["line"]}, "Choose topics from the list."),
    ({"topics": ["99999999999999999999"]}, "Choose topics from the list."),
    ({"device": "smartwatch"}, "Choose one of the options."),
    ({"device": ""}, "Choose one of the options."),
    ({"outcome": "gave_up"}, "Choose one of the options."),
    ({"outcome": ""}, "Choose one of the options."),
    ({"minutes": "0"}, "Enter a number from 1 to 240."),
    ({"minutes": "ten"}, "Enter a whole number."),
    ({"minutes": "9" * 40}, "Enter a number from 1 to 240."),
    # the note says what follows a follow-up, and where a referral goes
    ({"outcome": "follow_up", "note": ""}, "Write what needs to be followed up."),
    ({"outcome": "follow_up", "note": "   \n "}, "Write what needs to be followed up."),
    ({"outcome": "referred", "note": ""}, "Write where the visitor was referred to."),
    # personal numbers do not belong in a note
    ({"note": "折り返し 090-1234-5678 に電話"}, "phone number or a My Number"),
    ({"note": "番号は123456789012です"}, "phone number or a My Number"),
    ({"note": "マイナンバー １２３４ ５６７８ ９０１２"}, "phone number or a My Number"),
])
def test_bad_log_input_gives_a_message_and_changes_nothing(desk, changes, message):
    client, session, user = desk
    ticket = serving_ticket(session, user)
    before = audit_count()
    response = client.post(log_url(session, ticket), data=good_log(**changes))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert message in page_text(html)
    assert 'class="error-summary"' in html
    _assert_unchanged(ticket, before)


def test_a_short_note_without_numbers_is_accepted(desk):
    client, session, user = desk
    ticket = serving_ticket(session, user)
    note = "auの店舗を案内（料金プランの相談）。2024年に機種変更済み"
    response = client.post(log_url(session, ticket), data=good_log(outcome="referred",
                                                                   note=note))
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(Visit.note).where(Visit.ticket_id == ticket.id)) == note


def test_a_ticket_logged_twice_is_refused(desk):
    client, session, user = desk
    ticket = serving_ticket(session, user)
    assert client.post(log_url(session, ticket), data=good_log()).status_code == 302
    before = audit_count()
    again = client.post(log_url(session, ticket), data=good_log(device="iphone",
                                                                outcome="resolved"))
    assert again.status_code == 409
    assert "Ticket 1 has already been logged" in flashes(again.get_data(as_text=True), "error")
    db.session.expire_all()
    visit = db.session.scalar(select(Visit).where(Visit.ticket_id == ticket.id))
    assert visit.device == "android" and audit_count() == before


def test_a_ticket_of_another_session_is_not_found(desk, create_consult_session):
    client, session, user = desk
    other = create_consult_session()
    ticket = serving_ticket(other, user)
    before = audit_count()
    assert client.get(log_url(session, ticket)).status_code == 404
    assert client.post(log_url(session, ticket), data=good_log()).status_code == 404
    assert client.get(book_url(session, ticket)).status_code == 404
    assert client.get(f"/consults/{session.id}/tickets/99999999999/log").status_code == 404
    _assert_unchanged(ticket, before)


def test_a_ticket_another_volunteer_serves_cannot_be_logged(desk, create_user):
    client, session, user = desk
    colleague = create_user(Role.COORDINATOR)
    ticket = serving_ticket(session, colleague)
    before = audit_count()
    page = client.get(log_url(session, ticket))
    assert page.status_code == 200
    assert "Another volunteer is serving this ticket." in page.get_data(as_text=True)
    assert 'name="device"' not in page.get_data(as_text=True)
    posted = client.post(log_url(session, ticket), data=good_log())
    assert posted.status_code == 409
    assert "Another volunteer is serving this ticket." in posted.get_data(as_text=True)
    _assert_unchanged(ticket, before)
    assert client.post(book_url(session, ticket), data={"step": "find",
                                                         "phone": "090-1111-2222"}
                       ).status_code == 409


def test_a_waiting_ticket_cannot_be_logged_before_it_is_taken(desk):
    client, session, user = desk
    ticket = services.issue_ticket(session, {}, actor="test", now=utcnow())
    db.session.commit()
    before = audit_count()
    response = client.post(log_url(session, ticket), data=good_log())
    assert response.status_code == 409
    assert "not in service" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Ticket, ticket.id).status == TicketStatus.WAITING
    assert audit_count() == before


def test_a_coordinator_may_log_a_ticket_a_volunteer_serves(ctx, desk, create_user, login):
    _client, session, user = desk
    ticket = serving_ticket(session, user)
    coordinator = ctx.test_client()
    login(coordinator, create_user(Role.COORDINATOR))
    response = coordinator.post(log_url(session, ticket), data=good_log())
    assert response.status_code == 302
    db.session.expire_all()
    visit = db.session.scalar(select(Visit).where(Visit.ticket_id == ticket.id))
    assert visit.volunteer_user_id == user.id  # the volunteer who served, not who logged


# -- privacy of the note ------------------------------------------------------------------------

def test_the_note_is_shown_only_to_the_session_volunteers_and_coordinators(
        ctx, desk, create_user, create_volunteer, login):
    client, session, user = desk
    ticket = serving_ticket(session, user)
    client.post(log_url(session, ticket), data=good_log())
    assert LINE_NOTE in client.get(log_url(session, ticket)).get_data(as_text=True)

    coordinator = ctx.test_client()
    login(coordinator, create_user(Role.COORDINATOR))
    assert LINE_NOTE in coordinator.get(log_url(session, ticket)).get_data(as_text=True)

    outsider_user = create_user(Role.VOLUNTEER)
    outsider = create_volunteer()
    outsider.user_id = outsider_user.id
    db.session.commit()
    stranger = ctx.test_client()
    login(stranger, outsider_user)
    for url in (log_url(session, ticket), book_url(session, ticket),
                f"/consults/{session.id}/desk"):
        response = stranger.get(url)
        assert response.status_code == 403, url
        assert LINE_NOTE not in response.get_data(as_text=True)


# -- booking into a class on the spot -------------------------------------------------------------

@pytest.fixture
def line_class(create_session, create_program):
    program = create_program(topic="line", title="LINE入門", title_kana="ラインニュウモン",
                             title_en="LINE for beginners")
    return create_session(day=local_today() + timedelta(days=5), start=time(10),
                          end=time(11, 30), program_id=program.id, capacity=8)


@pytest.fixture
def maps_class(create_session, create_program):
    program = create_program(topic="maps", title="地図アプリ", title_kana="チズアプリ",
                             title_en="Map apps")
    return create_session(day=local_today() + timedelta(days=6), start=time(14),
                          end=time(15, 30), program_id=program.id, capacity=8)


def _logged(client, session, ticket, codes=("line",)):
    response = client.post(log_url(session, ticket), data=good_log(
        topics=topic_ids(*codes), outcome="referred", note="LINE教室を案内"))
    assert response.status_code == 302


def test_exact_phone_shows_the_name_only_and_books_the_matching_class(
        desk, create_person, line_class, maps_class):
    client, session, user = desk
    person = create_person(name="高橋 和子", name_kana="たかはし かずこ", phone="080-2345-6789",
                           email="kazuko@example.jp")
    ticket = serving_ticket(session, user)
    _logged(client, session, ticket)

    start = client.get(book_url(session, ticket))
    assert start.status_code == 200
    assert "高橋" not in start.get_data(as_text=True)  # never a list of people

    found = client.post(book_url(session, ticket), data={"step": "find",
                                                         "phone": "08023456789"})
    assert found.status_code == 200
    html = found.get_data(as_text=True)
    assert "高橋 和子" in html
    # the name only: no reading, no e-mail, no link to the record
    assert "たかはし" not in html and "kazuko@example.jp" not in html
    assert f"/people/{person.id}" not in html
    # the classes on the visit's topic (LINE), with their free seats
    assert "LINE for beginners" in html and "Map apps" not in html
    assert "8 seats free" in html

    booked = client.post(book_url(session, ticket), data={
        "step": "book", "phone": "080-2345-6789", "topic": "visit",
        "class_session": str(line_class.id)})
    assert booked.status_code == 200
    html = booked.get_data(as_text=True)
    db.session.expire_all()
    booking = db.session.scalar(select(Booking).where(Booking.session_id == line_class.id))
    assert booking.person_id == person.id and booking.status == BookingStatus.BOOKED
    assert booking.channel == BookingChannel.CONSULT_DESK and booking.actor_id == user.id
    assert booking.display_code in html  # 4-4, to read out
    assert re.fullmatch(r"\d{4}-\d{4}", booking.display_code)
    assert db.session.get(Ticket, ticket.id).person_id == person.id
    assert "ticket.person" in audit_actions(ticket)


@pytest.mark.parametrize("typed", ["080-2345-678", "2345-6789", "080", "0802345678"])
def test_a_partial_phone_number_finds_nobody(desk, create_person, line_class, typed):
    client, session, user = desk
    create_person(name="高橋 和子", name_kana="たかはし かずこ", phone="080-2345-6789")
    ticket = serving_ticket(session, user)
    response = client.post(book_url(session, ticket), data={"step": "find", "phone": typed})
    assert response.status_code == 200
    assert "高橋" not in response.get_data(as_text=True)


def test_an_unknown_visitor_is_registered_with_consent_and_booked(desk, line_class):
    client, session, user = desk
    ticket = serving_ticket(session, user)
    _logged(client, session, ticket)
    step = client.post(book_url(session, ticket), data={"step": "find",
                                                        "phone": "090-7777-1234"})
    html = step.get_data(as_text=True)
    assert "No single registration has the number 090-7777-1234" in page_text(html)
    assert 'name="name_kana"' in html

    missing = client.post(book_url(session, ticket), data={
        "step": "book", "phone": "090-7777-1234", "class_session": str(line_class.id),
        "name": "", "name_kana": "", "topic": "visit"})
    assert missing.status_code == 200
    assert "This field is required." in missing.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Booking)) == 0
    assert db.session.scalar(select(Person).where(Person.phone == "+819077771234")) is None

    booked = client.post(book_url(session, ticket), data={
        "step": "book", "phone": "090-7777-1234", "class_session": str(line_class.id),
        "name": "山田 太郎", "name_kana": "やまだ たろう", "consent": "y", "topic": "visit"})
    assert booked.status_code == 200
    db.session.expire_all()
    person = db.session.scalar(select(Person).where(Person.phone == "+819077771234"))
    assert person.name == "山田 太郎" and person.has_consent
    booking = db.session.scalar(select(Booking).where(Booking.person_id == person.id))
    assert booking.channel == BookingChannel.CONSULT_DESK
    assert booking.display_code in booked.get_data(as_text=True)


def test_booking_refuses_a_class_that_started_or_no_class(desk, create_person, create_session):
    client, session, user = desk
    create_person(name="高橋 和子", name_kana="たかはし かずこ", phone="080-2345-6789")
    started = create_session(start_dt=utcnow() - timedelta(minutes=30),
                             end_dt=utcnow() + timedelta(minutes=60))
    ticket = serving_ticket(session, user)
    before = audit_count()
    for class_id, message in ((started.id, "already started"),
                              (session.id, "Choose a class from the list."),
                              ("abc", "Choose a class from the list."),
                              ("99999999", "Choose a class from the list.")):
        response = client.post(book_url(session, ticket), data={
            "step": "book", "phone": "080-2345-6789", "class_session": str(class_id),
            "topic": "all"})
        assert response.status_code == 200, class_id
        assert message in response.get_data(as_text=True), class_id
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Booking)) == 0
    assert audit_count() == before


def test_the_topic_filter_lists_other_classes(desk, line_class, maps_class):
    client, session, user = desk
    ticket = serving_ticket(session, user)
    _logged(client, session, ticket)
    maps_topic = topic_ids("maps")[0]
    response = client.post(book_url(session, ticket), data={
        "step": "choose", "phone": "090-7777-1234", "topic": maps_topic,
        "name": "山田 太郎"})
    html = response.get_data(as_text=True)
    assert "Map apps" in html and "LINE for beginners" not in html
    assert 'value="山田 太郎"' in html  # what was typed stays
    everything = client.post(book_url(session, ticket), data={
        "step": "choose", "phone": "090-7777-1234", "topic": "all"}).get_data(as_text=True)
    assert "Map apps" in everything and "LINE for beginners" in everything


def test_a_number_two_people_share_shows_no_name_and_the_reading_finds_the_one(
        desk, create_person, line_class):
    client, session, user = desk
    mother = create_person(name="伊藤 節子", name_kana="いとう せつこ", phone="0466-82-4455")
    create_person(name="伊藤 健一", name_kana="いとう けんいち", phone="0466-82-4455")
    ticket = serving_ticket(session, user)
    found = client.post(book_url(session, ticket), data={"step": "find",
                                                         "phone": "0466824455"})
    html = found.get_data(as_text=True)
    assert "伊藤" not in html and "No single registration" in page_text(html)
    booked = client.post(book_url(session, ticket), data={
        "step": "book", "phone": "0466824455", "class_session": str(line_class.id),
        "name": "伊藤 節子", "name_kana": "いとう せつこ", "topic": "all"})
    assert booked.status_code == 200
    db.session.expire_all()
    booking = db.session.scalar(select(Booking).where(Booking.session_id == line_class.id))
    assert booking.person_id == mother.id  # matched, not registered twice
    assert db.session.scalar(select(func.count()).select_from(Person).where(
        Person.phone == "+81466824455")) == 2


def test_a_coordinator_finding_a_visitor_gets_the_link_to_their_record(
        ctx, desk, create_user, create_person, login):
    _client, session, user = desk
    person = create_person(name="高橋 和子", name_kana="たかはし かずこ", phone="080-2345-6789")
    coordinator = create_user(Role.COORDINATOR)
    client = ctx.test_client()
    login(client, coordinator)
    ticket = serving_ticket(session, coordinator)
    html = client.post(book_url(session, ticket), data={
        "step": "find", "phone": "080-2345-6789"}).get_data(as_text=True)
    assert "高橋 和子" in html and f"/people/{person.id}" in html
