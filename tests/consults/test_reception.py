"""Reception at a consultation desk through the pages: a ticket in one tap (anonymous,
or with a name, phone number and the turn SMS), a landline refused for the SMS, who may
open the page, phone numbers hidden from volunteers, reserved visitors checked in, and
skip / recall / cancel on the queue board (audit-logged; another session's ticket is a
404 and stays as it was)."""

import re
from datetime import time, timedelta

import pytest
from sqlalchemy import func, select

from desk.auth.models import Role
from desk.consults import services
from desk.consults.models import Ticket, TicketKind, TicketStatus
from desk.core.audit import AuditEntry
from desk.core.timeutil import local_today, utcnow
from desk.extensions import db
from desk.volunteers import services as volunteer_services

NAME = "鷲尾 珠緒"
MOBILE = "090-8765-4321"
MOBILE_E164 = "+819087654321"


def flashes(html, category):
    return " ".join(re.sub(r"\s+", " ", text).strip() for text in re.findall(
        rf'<p class="flash flash--{category}" role="\w+">(.*?)</p>', html, re.S))


def between(html, start_id, end_id=None):
    start = html.index(f'id="{start_id}"')
    end = html.index(f'id="{end_id}"', start) if end_id else len(html)
    return html[start:end]


def issued_number(html):
    match = re.search(r'class="ticket-issued__number">.*?<strong>(\d+)</strong>', html, re.S)
    return int(match.group(1)) if match else None


def tickets(session):
    db.session.expire_all()
    return list(db.session.scalars(select(Ticket).where(Ticket.session_id == session.id)
                                   .order_by(Ticket.number)))


def audit_actions(ticket):
    return list(db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.object_type == "consult_tickets",
                                        AuditEntry.object_id == ticket.id)
        .order_by(AuditEntry.id)))


@pytest.fixture
def desk_session(ctx, create_consult_session):
    return create_consult_session()


@pytest.fixture
def on_desk(ctx, create_user, create_volunteer, create_shift, login):
    """on_desk(session) -> a client logged in as a volunteer with a place on a shift of
    the session (English pages), and the account."""
    def factory(session, *, display_name="受付 ボランティア"):
        user = create_user(Role.VOLUNTEER, display_name=display_name)
        volunteer = create_volunteer()
        volunteer.user_id = user.id
        shift = create_shift(session, places=2)
        volunteer_services.assign_volunteer(shift, volunteer, actor="test", now=utcnow(),
                                            confirmed=True)
        db.session.commit()
        client = ctx.test_client()
        login(client, user)
        client.set_cookie("desk_locale", "en")
        return client, user

    return factory


@pytest.fixture
def staff_client(ctx, create_user, login):
    client = ctx.test_client()
    login(client, create_user(Role.COORDINATOR, display_name="調整 花子"))
    client.set_cookie("desk_locale", "en")
    return client


def reception(session):
    return f"/consults/{session.id}/reception"


# -- who may open the page ------------------------------------------------------------------

def test_reception_is_for_the_session_volunteers_and_staff(
        ctx, desk_session, create_consult_session, on_desk, staff_client, create_user, login):
    volunteer_client, _user = on_desk(desk_session)
    assert volunteer_client.get(reception(desk_session)).status_code == 200
    assert staff_client.get(reception(desk_session)).status_code == 200
    # a volunteer staffing another session only
    elsewhere_client, _other = on_desk(create_consult_session())
    assert elsewhere_client.get(reception(desk_session)).status_code == 403
    assert elsewhere_client.post(f"/consults/{desk_session.id}/tickets").status_code == 403
    # a volunteer account without any place
    lone = ctx.test_client()
    login(lone, create_user(Role.VOLUNTEER))
    assert lone.get(reception(desk_session)).status_code == 403
    # nobody logged in: the login page
    response = ctx.test_client().get(reception(desk_session))
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert tickets(desk_session) == []


def test_a_class_session_has_no_reception(ctx, create_session, staff_client):
    session = create_session()
    assert staff_client.get(reception(session)).status_code == 404
    assert staff_client.post(f"/consults/{session.id}/tickets").status_code == 404
    assert staff_client.get("/consults/999999/reception").status_code == 404


# -- issuing tickets --------------------------------------------------------------------------

def test_one_tap_issues_an_anonymous_ticket_shown_large(desk_session, on_desk):
    client, user = on_desk(desk_session)
    response = client.post(f"/consults/{desk_session.id}/tickets")
    assert response.status_code == 302
    (ticket,) = tickets(desk_session)
    assert (ticket.number, ticket.kind, ticket.status) == (1, TicketKind.WALK_IN,
                                                           TicketStatus.WAITING)
    assert (ticket.visitor_name, ticket.phone, ticket.wants_sms) == (None, None, False)
    assert ticket.issued_by_id == user.id
    assert audit_actions(ticket) == ["ticket.issue"]
    location = response.headers["Location"]
    assert location.endswith(f"/consults/{desk_session.id}/reception?ticket={ticket.id}#issued")
    page = client.get(location).get_data(as_text=True)
    assert issued_number(page) == 1
    # nobody else waits and nobody serves: next
    assert "this number is next" in between(page, "issued", "issue-heading")
    # the next tap gets the next number, and waits behind the first
    client.post(f"/consults/{desk_session.id}/tickets")
    second = tickets(desk_session)[1]
    page = client.get(f"{reception(desk_session)}?ticket={second.id}").get_data(as_text=True)
    assert issued_number(page) == 2
    assert "Estimated wait: about 15 minutes" in page


def test_a_ticket_with_name_phone_and_sms(desk_session, on_desk):
    client, _user = on_desk(desk_session)
    response = client.post(f"/consults/{desk_session.id}/tickets", data={
        "visitor_name": f" {NAME} ", "phone": MOBILE, "wants_sms": "y"})
    assert response.status_code == 302
    (ticket,) = tickets(desk_session)
    assert (ticket.visitor_name, ticket.phone, ticket.wants_sms) == (NAME, MOBILE_E164, True)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert issued_number(page) == 1
    assert "An SMS goes to the visitor when 3 or fewer numbers are before theirs." in page
    assert NAME in page
    # a volunteer never sees the number
    for spelling in (MOBILE, MOBILE_E164, "9087654321", "09087654321"):
        assert spelling not in page


@pytest.mark.parametrize(("phone", "wants_sms"), [("0466-25-1234", "y"), ("", "y")])
def test_the_sms_needs_a_mobile_number(desk_session, on_desk, phone, wants_sms):
    client, _user = on_desk(desk_session)
    response = client.post(f"/consults/{desk_session.id}/tickets", data={
        "visitor_name": NAME, "phone": phone, "wants_sms": wants_sms})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "The SMS needs a mobile number (070, 080 or 090)." in page
    assert 'aria-invalid="true"' in page and "<details class=\"issue-details\" open>" in page
    assert tickets(desk_session) == []


def test_a_double_tap_issues_one_ticket(desk_session, on_desk):
    client, _user = on_desk(desk_session)
    page = client.get(reception(desk_session)).get_data(as_text=True)
    submission = re.search(r'name="submission" type="hidden" value="([^"]+)"', page)
    submission = submission or re.search(r'value="([^"]+)"[^>]*name="submission"', page)
    assert submission, "the reception form carries a submission id"
    for _tap in range(2):
        response = client.post(f"/consults/{desk_session.id}/tickets",
                               data={"submission": submission.group(1)})
        assert response.status_code == 302
    assert [ticket.number for ticket in tickets(desk_session)] == [1]
    client.post(f"/consults/{desk_session.id}/tickets", data={"submission": "another-render"})
    assert [ticket.number for ticket in tickets(desk_session)] == [1, 2]


def test_an_unusable_phone_number_or_a_long_name_issues_nothing(desk_session, on_desk):
    client, _user = on_desk(desk_session)
    response = client.post(f"/consults/{desk_session.id}/tickets", data={"phone": "12"})
    assert response.status_code == 200
    assert "This is not a Japanese phone number we can use" in response.get_data(as_text=True)
    response = client.post(f"/consults/{desk_session.id}/tickets",
                           data={"visitor_name": "あ" * (Ticket.NAME_MAX + 1)})
    assert response.status_code == 200
    assert tickets(desk_session) == []


def test_a_cancelled_session_issues_no_ticket(desk_session, staff_client):
    from desk.events.services import cancel_session

    cancel_session(desk_session, "台風のため", actor="test", now=utcnow())
    db.session.commit()
    page = staff_client.get(reception(desk_session)).get_data(as_text=True)
    assert "This session is cancelled." in page and "Issue a ticket" not in page
    response = staff_client.post(f"/consults/{desk_session.id}/tickets")
    assert response.status_code == 200
    assert "This session is cancelled." in response.get_data(as_text=True)
    assert tickets(desk_session) == []


@pytest.mark.parametrize(("days", "start", "end", "refusal"), [
    (2, time(13), time(16), "Tickets are issued on the day of the session"),
    (-1, time(10), time(15), "This session is over: no more tickets can be issued."),
])
def test_no_ticket_before_the_sessions_day_or_after_it(ctx, create_consult_session,
                                                       staff_client, days, start, end, refusal):
    session = create_consult_session(day=local_today() + timedelta(days=days), start=start,
                                     end=end)
    page = staff_client.get(reception(session)).get_data(as_text=True)
    assert refusal in between(page, "issue-heading")
    assert "Issue a ticket" not in page and "A ticket issued now waits" not in page
    response = staff_client.post(f"/consults/{session.id}/tickets")
    assert response.status_code == 200
    assert refusal in flashes(response.get_data(as_text=True), "error")
    assert tickets(session) == []


# -- who sees what --------------------------------------------------------------------------------

def test_coordinators_see_phone_numbers_volunteers_do_not(desk_session, on_desk,
                                                          staff_client, create_ticket):
    create_ticket(desk_session, visitor_name=NAME, phone=MOBILE, wants_sms=True)
    client, _user = on_desk(desk_session)
    volunteer_page = client.get(reception(desk_session)).get_data(as_text=True)
    staff_page = staff_client.get(reception(desk_session)).get_data(as_text=True)
    for page in (volunteer_page, staff_page):
        assert NAME in between(page, "waiting-heading", "skipped-heading")
    assert MOBILE in between(staff_page, "waiting-heading", "skipped-heading")
    for spelling in (MOBILE, MOBILE_E164, "9087654321"):
        assert spelling not in volunteer_page


def test_the_board_shows_serving_waiting_and_set_aside(desk_session, on_desk, create_ticket,
                                                       create_user):
    now = utcnow()
    first, second, third, fourth = (
        create_ticket(desk_session, now=now - timedelta(minutes=minutes))
        for minutes in (30, 20, 10, 5))
    server = create_user(Role.VOLUNTEER, display_name="相談 三郎")
    services.take_ticket(first, actor=server, now=now - timedelta(minutes=5))
    services.skip_ticket(second, actor="test", now=now)
    db.session.commit()
    client, _user = on_desk(desk_session)
    page = client.get(reception(desk_session)).get_data(as_text=True)
    serving = between(page, "serving-heading", "waiting-heading")
    assert ">1</th>" in serving and "相談 三郎" in serving
    waiting = between(page, "waiting-heading", "skipped-heading")
    assert waiting.index(">3</th>") < waiting.index(">4</th>")
    assert ">2</th>" not in waiting
    skipped = between(page, "skipped-heading")
    assert ">2</th>" in skipped and "Recall" in skipped
    assert f"/tickets/{fourth.id}/skip" in waiting and f"/tickets/{third.id}/cancel" in waiting


# -- reserved visitors ----------------------------------------------------------------------------

def test_a_reserved_visitor_is_checked_in(ctx, create_consult_session, create_reservation,
                                          create_person, on_desk):
    session = create_consult_session(slot_minutes=30, capacity=4)
    person = create_person(name="予約 花子", name_kana="よやく はなこ", phone=MOBILE)
    booking = create_reservation(session, person)
    assert booking.slot_dt == session.start_dt
    client, _user = on_desk(session)
    page = client.get(reception(session)).get_data(as_text=True)
    listed = between(page, "reservations", "queue")
    assert "予約 花子" in listed and "ヨヤク" in listed  # the reading, as stored
    assert MOBILE not in page and MOBILE_E164 not in page
    response = client.post(f"/consults/{session.id}/reservations/{booking.id}/check-in")
    assert response.status_code == 302
    (ticket,) = tickets(session)
    assert (ticket.kind, ticket.booking_id, ticket.slot_dt) == (TicketKind.RESERVED, booking.id,
                                                               booking.slot_dt)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert issued_number(page) == 1
    assert "予約 花子" not in between(page, "reservations", "queue")
    assert "予約 花子" in between(page, "waiting-heading", "skipped-heading")
    # twice: refused, nothing more
    response = client.post(f"/consults/{session.id}/reservations/{booking.id}/check-in",
                           follow_redirects=True)
    assert "already has ticket 1" in flashes(response.get_data(as_text=True), "error")
    assert len(tickets(session)) == 1


def test_a_reserved_visitor_is_checked_in_only_on_the_day(ctx, create_consult_session,
                                                          create_reservation, on_desk):
    session = create_consult_session(day=local_today() + timedelta(days=2), start=time(13),
                                     end=time(16), slot_minutes=30, capacity=4)
    booking = create_reservation(session)
    client, _user = on_desk(session)
    page = client.get(reception(session)).get_data(as_text=True)
    assert booking.person.name in between(page, "reservations", "queue")
    assert f"/reservations/{booking.id}/check-in" not in page
    assert "Tickets are issued on the day of the session" in between(page, "issue-heading")
    response = client.post(f"/consults/{session.id}/reservations/{booking.id}/check-in",
                           follow_redirects=True)
    assert response.status_code == 200
    assert "Tickets are issued on the day of the session" in flashes(
        response.get_data(as_text=True), "error")
    assert tickets(session) == []


def test_a_booking_of_another_session_is_not_found(ctx, create_consult_session,
                                                   create_reservation, on_desk):
    day = local_today() + timedelta(days=2)
    mine = create_consult_session(day=day, slot_minutes=30, capacity=4)
    other = create_consult_session(day=day, slot_minutes=30, capacity=4)
    booking = create_reservation(other)
    client, _user = on_desk(mine)
    assert client.post(f"/consults/{mine.id}/reservations/{booking.id}/check-in"
                       ).status_code == 404
    assert tickets(other) == [] and tickets(mine) == []


# -- skip, recall, cancel ---------------------------------------------------------------------------

def test_skip_recall_and_cancel_through_the_pages(desk_session, on_desk, create_ticket):
    now = utcnow()
    first = create_ticket(desk_session, now=now - timedelta(minutes=10))
    second = create_ticket(desk_session, now=now - timedelta(minutes=5))
    client, user = on_desk(desk_session)
    base = f"/consults/{desk_session.id}/tickets"

    response = client.post(f"{base}/{first.id}/skip", follow_redirects=True)
    assert "Number 1 is set aside as not present." in flashes(response.get_data(as_text=True),
                                                               "success")
    db.session.expire_all()
    assert first.status == TicketStatus.SKIPPED

    response = client.post(f"{base}/{first.id}/recall", follow_redirects=True)
    assert "Number 1 is back in the queue" in flashes(response.get_data(as_text=True),
                                                      "success")
    db.session.expire_all()
    assert first.status == TicketStatus.WAITING

    response = client.post(f"{base}/{second.id}/cancel", follow_redirects=True)
    assert "Number 2 is cancelled." in flashes(response.get_data(as_text=True), "success")
    db.session.expire_all()
    assert second.status == TicketStatus.CANCELLED

    assert audit_actions(first) == ["ticket.issue", "ticket.skip", "ticket.recall"]
    assert audit_actions(second) == ["ticket.issue", "ticket.cancel"]
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "ticket.skip"))
    assert entry.actor_id == user.id


def test_a_state_change_that_does_not_apply_changes_nothing(desk_session, on_desk,
                                                            create_ticket):
    ticket = create_ticket(desk_session)
    client, _user = on_desk(desk_session)
    base = f"/consults/{desk_session.id}/tickets/{ticket.id}"
    response = client.post(f"{base}/recall", follow_redirects=True)
    assert response.status_code == 200
    assert "Only a skipped ticket can be recalled." in flashes(response.get_data(as_text=True),
                                                               "error")
    client.post(f"{base}/cancel")
    response = client.post(f"{base}/cancel", follow_redirects=True)
    assert "already closed" in flashes(response.get_data(as_text=True), "error")
    response = client.post(f"{base}/skip", follow_redirects=True)
    assert "cannot be skipped now" in flashes(response.get_data(as_text=True), "error")
    db.session.expire_all()
    assert ticket.status == TicketStatus.CANCELLED
    assert audit_actions(ticket) == ["ticket.issue", "ticket.cancel"]


@pytest.mark.parametrize("action", ["skip", "recall", "cancel"])
def test_a_ticket_of_another_session_is_not_found(ctx, desk_session, create_consult_session,
                                                  on_desk, staff_client, create_ticket, action):
    other = create_consult_session()
    ticket = create_ticket(other)
    if action == "recall":
        services.skip_ticket(ticket, actor="test", now=utcnow())
        db.session.commit()
    status = ticket.status
    client, _user = on_desk(desk_session)
    count = db.session.scalar(select(func.count()).select_from(AuditEntry))
    for who in (client, staff_client):
        url = f"/consults/{desk_session.id}/tickets/{ticket.id}/{action}"
        assert who.post(url).status_code == 404
    # the volunteer of this session cannot reach it through the other session either
    assert client.post(f"/consults/{other.id}/tickets/{ticket.id}/{action}").status_code == 403
    assert client.post(f"/consults/{desk_session.id}/tickets/999999/{action}"
                       ).status_code == 404
    db.session.expire_all()
    assert ticket.status == status
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == count
