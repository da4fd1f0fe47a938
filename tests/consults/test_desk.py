"""The desk screen of a consultation session on a phone or tablet (desk/consults/
desk_views.py): who may open it, what it shows (counts, my tickets, the waiting numbers
with a name at most), presence, and "take the next visitor" — also when nobody waits and
when two volunteers press at the same time (sequentially, and in threads through the
web pages on SQLite and PostgreSQL)."""

import re
import threading
from datetime import time, timedelta

import pytest
from sqlalchemy import func, select

from desk.auth import services as auth_services
from desk.auth.models import Role
from desk.consults import services
from desk.consults.models import DeskPresence, Ticket, TicketStatus
from desk.core.audit import AuditEntry
from desk.core.timeutil import local_datetime, local_today, utcnow
from desk.events import services as event_services
from desk.events.models import EventSession
from desk.extensions import db
from tests.conftest import LIVE_DATABASES, _database_params, live_database_app

pytestmark = LIVE_DATABASES

# the session's hours do not matter to the desk pages (any hour the tests run at)


def flashes(html, category):
    return " ".join(re.sub(r"\s+", " ", text).strip() for text in re.findall(
        rf'<p class="flash flash--{category}" role="\w+">(.*?)</p>', html, re.S))


def page_text(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def audit_count():
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(AuditEntry))


@pytest.fixture
def staffer(ctx, create_user, create_volunteer, create_shift, login):
    """staffer(session) -> (client logged in as a volunteer with a place on the
    session's shift, English pages, the user)."""
    from desk.volunteers import services as volunteer_services

    shifts = {}

    def factory(session):
        user = create_user(Role.VOLUNTEER)
        volunteer = create_volunteer()
        volunteer.user_id = user.id
        db.session.commit()
        if session.id not in shifts:
            shifts[session.id] = create_shift(session, places=5)
        volunteer_services.assign_volunteer(shifts[session.id], volunteer, actor="test",
                                            now=utcnow(), confirmed=True)
        db.session.commit()
        client = ctx.test_client()
        login(client, user)
        client.set_cookie("desk_locale", "en")
        return client, user

    return factory


def issue(session, minutes_ago, **data):
    ticket = services.issue_ticket(session, data, actor="test",
                                   now=utcnow() - timedelta(minutes=minutes_ago))
    db.session.commit()
    return ticket


def desk_url(session):
    return f"/consults/{session.id}/desk"


def next_url(session):
    return f"/consults/{session.id}/desk/next"


# -- who may open it ---------------------------------------------------------------------

def test_only_the_session_volunteers_and_staff_work_its_desk(
        ctx, create_consult_session, create_user, staffer, login):
    session = create_consult_session()
    other = create_consult_session()
    ticket = issue(session, 5)
    client, _user = staffer(other)  # staffs another consultation session
    urls = [desk_url(session), f"/consults/{session.id}/tickets/{ticket.id}/log",
            f"/consults/{session.id}/tickets/{ticket.id}/book"]
    before = audit_count()
    for url in urls:
        assert client.get(url).status_code == 403, url
    assert client.post(next_url(session)).status_code == 403
    # a volunteer account without a volunteer profile
    lone = create_user(Role.VOLUNTEER)
    before = audit_count()
    lone_client = ctx.test_client()
    login(lone_client, lone)
    assert lone_client.get(desk_url(session)).status_code == 403
    assert lone_client.post(next_url(session)).status_code == 403
    db.session.expire_all()
    assert db.session.get(Ticket, ticket.id).status == TicketStatus.WAITING
    assert audit_count() == before
    assert db.session.scalar(select(func.count()).select_from(DeskPresence)) == 0
    # anonymous: the login page
    anonymous = ctx.test_client()
    response = anonymous.get(desk_url(session))
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    # coordinators and admins work every desk
    for role in (Role.COORDINATOR, Role.ADMIN):
        staff = ctx.test_client()
        login(staff, create_user(role))
        assert staff.get(desk_url(session)).status_code == 200


def test_a_session_that_is_not_a_consultation_has_no_desk(
        ctx, create_session, create_user, login):
    session = create_session()  # a class
    client = ctx.test_client()
    login(client, create_user(Role.COORDINATOR))
    assert client.get(desk_url(session)).status_code == 404
    assert client.post(next_url(session)).status_code == 404
    assert client.get("/consults/99999999999/desk").status_code == 404


# -- what it shows ---------------------------------------------------------------------------

def test_the_desk_shows_counts_my_tickets_and_waiting_numbers_without_personal_data(
        create_consult_session, staffer):
    session = create_consult_session()
    client, user = staffer(session)
    colleague_client, colleague = staffer(session)
    mine = issue(session, 30, visitor_name="鈴木")
    theirs = issue(session, 25)
    issue(session, 20, visitor_name="田中", phone="090-3333-4444", wants_sms=True)
    issue(session, 10)
    services.take_ticket(mine, actor=user, now=utcnow() - timedelta(minutes=5))
    services.take_ticket(theirs, actor=colleague, now=utcnow() - timedelta(minutes=4))
    db.session.commit()

    html = client.get(desk_url(session)).get_data(as_text=True)
    text = page_text(html)
    assert "2 visitors waiting" in text
    mine_part = html[html.index('id="mine-heading"'):html.index('id="queue-heading"')]
    assert "No. 1" in mine_part and "鈴木" in mine_part and "Log this visit" in mine_part
    queue_part = html[html.index('id="queue-heading"'):html.index('id="others-heading"')]
    assert re.findall(r"No\. (\d+)", queue_part) == ["3", "4"]
    assert "田中" in queue_part  # the name given, to call them
    assert "3333" not in html and "+8190" not in html  # never a phone number
    others_part = html[html.index('id="others-heading"'):]
    assert "No. 2" in others_part


def test_opening_the_desk_counts_me_as_on_duty_once(create_consult_session, staffer):
    session = create_consult_session()
    client, user = staffer(session)
    assert client.get(desk_url(session)).status_code == 200
    db.session.expire_all()
    first = db.session.scalar(select(DeskPresence).where(DeskPresence.user_id == user.id))
    assert first is not None and first.session_id == session.id
    seen = first.last_seen_dt
    assert client.get(desk_url(session)).status_code == 200
    db.session.expire_all()
    rows = db.session.scalars(select(DeskPresence).where(DeskPresence.user_id == user.id)).all()
    assert len(rows) == 1 and rows[0].last_seen_dt >= seen
    assert abs(rows[0].last_seen_dt - utcnow()) < timedelta(minutes=1)


# -- take the next visitor ---------------------------------------------------------------------

def test_take_next_when_nobody_waits_says_so_and_changes_nothing(
        create_consult_session, staffer):
    session = create_consult_session()
    client, _user = staffer(session)
    served = issue(session, 30)
    services.cancel_ticket(served, actor="test", now=utcnow())
    db.session.commit()
    before = audit_count()
    response = client.post(next_url(session))
    assert response.status_code == 302 and response.headers["Location"].endswith(
        desk_url(session))
    page = client.get(desk_url(session)).get_data(as_text=True)
    assert "Nobody is waiting." in flashes(page, "info")
    assert audit_count() == before


def test_an_empty_queue_says_nobody_waits_for_their_turn(create_consult_session, staffer):
    session = create_consult_session()
    client, _user = staffer(session)
    client.set_cookie("desk_locale", "ja")
    html = client.get(desk_url(session)).get_data(as_text=True)
    assert "お待ちの方はいません。" in html
    assert "キャンセル待ち" not in html  # nobody here booked a seat


def test_take_next_on_a_cancelled_session_gives_a_message(
        ctx, create_consult_session, create_user, login):
    session = create_consult_session()
    issue(session, 10)
    event_services.cancel_session(db.session.get(EventSession, session.id), "台風のため",
                                  actor="test", now=utcnow())
    db.session.commit()
    client = ctx.test_client()  # a coordinator: the volunteers' shifts went with the session
    login(client, create_user(Role.COORDINATOR))
    client.set_cookie("desk_locale", "en")
    before = audit_count()
    response = client.post(next_url(session))
    assert response.status_code == 302
    page = client.get(desk_url(session)).get_data(as_text=True)
    assert "This session is cancelled." in flashes(page, "error")
    db.session.expire_all()
    assert db.session.scalar(select(Ticket.status).where(Ticket.session_id == session.id)) \
        == TicketStatus.WAITING
    assert audit_count() == before


def test_two_volunteers_taking_next_get_different_tickets_in_order(
        create_consult_session, staffer):
    session = create_consult_session()
    first_client, first = staffer(session)
    second_client, second = staffer(session)
    one, two, three = (issue(session, minutes) for minutes in (30, 20, 10))
    a = first_client.post(next_url(session))
    b = second_client.post(next_url(session))
    assert a.headers["Location"].endswith(f"/tickets/{one.id}/log")
    assert b.headers["Location"].endswith(f"/tickets/{two.id}/log")
    db.session.expire_all()
    assert db.session.get(Ticket, one.id).served_by_id == first.id
    assert db.session.get(Ticket, two.id).served_by_id == second.id
    assert db.session.get(Ticket, three.id).status == TicketStatus.WAITING
    # each sees their own ticket in service
    first_page = first_client.get(desk_url(session)).get_data(as_text=True)
    mine = first_page[first_page.index('id="mine-heading"'):first_page.index(
        'id="queue-heading"')]
    assert "No. 1" in mine and "No. 2" not in mine


# -- at the same moment, through the web pages, each request in its own connection ----------

PRESSES = 6


@pytest.fixture(scope="module", params=_database_params())
def live_app(request, tmp_path_factory):
    with live_database_app(request.param, tmp_path_factory, connections=PRESSES + 2) as app:
        yield app


def test_volunteers_pressing_take_next_at_once_take_different_tickets(live_app):
    from desk.volunteers import services as volunteer_services

    stamp = f"{utcnow():%H%M%S%f}"
    with live_app.app_context():
        now = utcnow()
        venue = event_services.create_venue({
            "name": f"藤沢市民会館{stamp}", "name_kana": "フジサワシミンカイカン",
            "short_name": "藤沢", "address": "神奈川県藤沢市鵠沼東8-1",
            "default_capacity": 20}, actor="test")
        # today (Japan time) and running, whatever the hour the tests run
        start = max(local_datetime(local_today(now), time(0)), now - timedelta(hours=6))
        session = event_services.create_session({
            "kind": "consultation", "venue_id": venue.id,
            "start_dt": start, "end_dt": start + timedelta(hours=12)}, actor="test", now=now)
        shift = volunteer_services.create_shift(session, {"role": "assistant",
                                                          "places": PRESSES},
                                                actor="test", now=now)
        logins = []
        for index in range(PRESSES):
            user = auth_services.create_user(f"press{index}.{stamp}@example.jp",
                                             "correct-horse-battery", role=Role.VOLUNTEER,
                                             display_name="支援者", actor="test")
            volunteer = volunteer_services.create_volunteer(
                {"name": "同時 押し", "name_kana": "どうじ おし",
                 "affiliation": "ict_volunteer", "email": f"press{index}.{stamp}@example.jp"},
                actor="test", now=now)
            volunteer.user_id = user.id
            volunteer_services.assign_volunteer(shift, volunteer, actor="test", now=now,
                                                confirmed=True)
            db.session.flush()
            logins.append(user.get_id())
        # in the last half hour, and on the session's day (just after midnight, Japan
        # time, the half hour before started the day before)
        first = max(now - timedelta(minutes=30), start)
        for index in range(PRESSES):
            services.issue_ticket(session, {}, actor="test",
                                  now=first + (now - first) * index / PRESSES)
        db.session.commit()
        session_id = session.id

    clients = []
    for login_id in logins:
        client = live_app.test_client()
        with client.session_transaction() as cookie:
            cookie["_user_id"] = login_id
            cookie["_fresh"] = True
        clients.append(client)
    barrier = threading.Barrier(PRESSES)
    answers = [None] * PRESSES
    errors = []

    def press(index):
        try:
            barrier.wait(timeout=30)
            response = clients[index].post(f"/consults/{session_id}/desk/next")
            answers[index] = (response.status_code, response.headers.get("Location", ""))
        except BaseException as error:  # every failure is reported
            errors.append(f"{index}: {error!r}")

    threads = [threading.Thread(target=press, args=(index,)) for index in range(PRESSES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert all(status == 302 for status, _location in answers), answers
    taken = [int(re.search(r"/tickets/(\d+)/log", location).group(1))
             for _status, location in answers]
    assert len(set(taken)) == PRESSES
    with live_app.app_context():
        rows = db.session.execute(select(Ticket.id, Ticket.status, Ticket.served_by_id).where(
            Ticket.session_id == session_id)).all()
        assert {row.id for row in rows} == set(taken)
        assert {row.status for row in rows} == {TicketStatus.SERVING}
        assert len({row.served_by_id for row in rows}) == PRESSES


def test_the_volunteer_shift_page_links_to_reception_and_the_desk(create_consult_session,
                                                                  staffer):
    from desk.volunteers.models import Shift

    session = create_consult_session()
    client, _user = staffer(session)
    shift = db.session.scalar(select(Shift).where(Shift.session_id == session.id))
    page = client.get(f"/volunteer/shifts/{shift.id}").get_data(as_text=True)
    assert f'href="/consults/{session.id}/reception"' in page
    assert f'href="/consults/{session.id}/desk"' in page
