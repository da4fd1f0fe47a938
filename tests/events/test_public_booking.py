"""Public web booking (no login): the booking form, the booking's own page behind its
secret link, cancelling by code and phone or by the link, closed sessions, rate limits
and what the public pages never show."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from desk import create_app
from desk.core.i18n import format_date_long
from desk.core.timeutil import local_today, utcnow
from desk.events import public_booking, services
from desk.events.bookings import RepeatedRequestError
from desk.events.models import Booking, BookingChannel, BookingStatus, CancelReason
from desk.extensions import db
from desk.people import erasure
from desk.people.models import ConsentMethod, Person, ProxyContact, ProxyRelation
from tests.conftest import make_database, test_config
from tests.fixtures.factories import NOW
from tests.fixtures.pages import text

PHONE = "090-1234-5678"
PHONE_DIGITS = ("09012345678", "+819012345678", "090-1234-5678")


def form(**changes):
    """The booking form as a browser sends it (left-out fields are missing)."""
    data = {"name": "佐藤 恵子", "name_kana": "さとう けいこ", "phone": PHONE, "seats": "1",
            "email": "", "reminder_channel": "automatic", "consent": "y", "district_id": "",
            "age_band": "", "proxy_name": "", "proxy_relation": "family", "proxy_phone": ""}
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


def counts():
    db.session.expire_all()
    return {model.__tablename__: db.session.scalar(select(func.count()).select_from(model))
            for model in (Person, ProxyContact, Booking)}


def only_booking():
    db.session.expire_all()
    return db.session.scalars(select(Booking)).one()


@pytest.fixture
def open_class(ctx, create_session, create_program):
    program = create_program(what_to_bring="充電したスマートフォン")
    return create_session(day=local_today() + timedelta(days=7), capacity=2,
                          program_id=program.id)


def book(client, session, **changes):
    return client.post(f"/sessions/{session.id}/book", data=form(**changes))


# -- booking -----------------------------------------------------------------------------

def test_book_page_shows_purpose_before_the_form(client, open_class):
    page = client.get(f"/sessions/{open_class.id}/book").get_data(as_text=True)
    assert page.index('id="purpose-heading"') < page.index('name="name"')
    assert 'name="seats"' in page and 'name="proxy_name"' in page
    assert "2 seats free" in text(client.get(f"/sessions/{open_class.id}/book",
                                             headers={"Accept-Language": "en"}))


def test_session_page_offers_booking_only_when_open(client, open_class, create_session):
    assert f"/sessions/{open_class.id}/book" in client.get(
        f"/sessions/{open_class.id}").get_data(as_text=True)
    consultation = create_session(kind="consultation", day=local_today() + timedelta(days=3))
    assert "/book" not in client.get(f"/sessions/{consultation.id}").get_data(as_text=True)
    services.cancel_session(open_class, "台風のため", actor="test", now=NOW)
    db.session.commit()
    assert f"/sessions/{open_class.id}/book" not in client.get(
        f"/sessions/{open_class.id}").get_data(as_text=True)


def test_web_booking_books_and_shows_the_booking_page(app, client, open_class):
    response = book(client, open_class)
    assert response.status_code == 302
    booking = only_booking()
    location = response.headers["Location"]
    assert location == f"/bookings/{booking.token}"
    assert not any(digits in location for digits in PHONE_DIGITS)
    assert booking.status == BookingStatus.BOOKED and booking.channel == BookingChannel.WEB
    person = booking.person
    assert (person.kana_key, person.phone, person.created_channel) == (
        "サトウケイコ", "+819012345678", "web")
    assert person.has_consent and person.consent_method == ConsentMethod.WEB

    page = client.get(location)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    shown = text(page)
    with app.test_request_context():
        day = format_date_long(open_class.start_dt)
    assert booking.display_code in shown and re.search(r"\(\w\)", day)
    assert day in shown and "10:00–11:30" in shown and open_class.venue.name in shown
    assert f'href="/bookings/{booking.token}.ics"' in html
    assert f'href="/bookings/{booking.token}/cancel"' in html
    assert "noindex" in html


def test_the_booking_page_heads_the_session_by_what_was_booked(client, open_class):
    response = book(client, open_class)
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "<h2>ご予約の講座・相談会</h2>" in html
    assert "<h2>回</h2>" not in html


def test_web_booking_waitlists_when_full(client, open_class):
    book(client, open_class, seats="2")
    response = book(client, open_class, name="鈴木 茂", name_kana="すずき しげる",
                    phone="0466-25-1234")
    waiting = db.session.scalars(select(Booking).where(
        Booking.status == BookingStatus.WAITLISTED)).one()
    assert response.headers["Location"] == f"/bookings/{waiting.token}"
    page = text(client.get(response.headers["Location"], headers={"Accept-Language": "en"}))
    assert "On the waiting list: you are number 1." in page


def test_web_booking_again_does_not_show_the_existing_booking(client, open_class):
    """Phone and kana must not be enough to reach someone's booking: the page says a
    booking exists and its details go again to the person's own phone."""
    first = book(client, open_class)
    again = client.post(f"/sessions/{open_class.id}/book",
                        data=form(seats="2", name_kana="サトウ　ケイコ"),
                        headers={"Accept-Language": "en"})
    assert again.headers["Location"] == f"/sessions/{open_class.id}"
    assert counts()["bookings"] == 1 and only_booking().seats == 1
    page = client.get(again.headers["Location"], headers={"Accept-Language": "en"})
    assert "You already have a booking for this session" in text(page)
    assert first.headers["Location"] not in page.get_data(as_text=True)


def test_web_booking_sent_twice_books_once_and_shows_the_booking(client, open_class):
    data = form(request_key="form-key-0123456789")
    first = client.post(f"/sessions/{open_class.id}/book", data=data)
    again = client.post(f"/sessions/{open_class.id}/book", data=data)
    assert again.headers["Location"] == first.headers["Location"] != f"/sessions/{open_class.id}"
    assert counts()["bookings"] == 1


def test_web_form_key_sent_again_at_another_session_is_refused(client, open_class,
                                                               create_session):
    """The form's key made a booking; the same key at another session (a copied form,
    a replay) neither books nor leads to the first booking's page."""
    data = form(request_key="form-key-0123456789")
    first = client.post(f"/sessions/{open_class.id}/book", data=data)
    other = create_session(day=local_today() + timedelta(days=8), capacity=2)
    again = client.post(f"/sessions/{other.id}/book", headers={"Accept-Language": "en"},
                        data={**data, "name": "鈴木 茂", "name_kana": "すずき しげる",
                              "phone": "0466-25-1234"})
    assert again.status_code == 200 and "Location" not in again.headers
    page = again.get_data(as_text=True)
    assert "This form was already sent with other details" in page
    assert first.headers["Location"] not in page and only_booking().code not in page
    assert counts() == {"people": 1, "proxy_contacts": 0, "bookings": 1}


@pytest.mark.parametrize("changes", [
    {"name": "別人 花子", "name_kana": "べつじん はなこ"},
    {"phone": "080-2345-6789"},
    {"seats": "2"},
    {"proxy_name": "佐藤 太郎", "proxy_relation": "family", "proxy_phone": "080-2345-6789"},
])
def test_web_form_key_sent_again_with_other_details_is_refused(client, open_class, changes):
    data = form(request_key="form-key-0123456789")
    first = client.post(f"/sessions/{open_class.id}/book", data=data)
    again = client.post(f"/sessions/{open_class.id}/book", data={**data, **changes})
    assert again.status_code == 200 and "Location" not in again.headers
    page = again.get_data(as_text=True)
    assert "最初に送った内容と違う" in page
    assert first.headers["Location"] not in page and only_booking().code not in page
    assert counts() == {"people": 1, "proxy_contacts": 0, "bookings": 1}
    assert only_booking().seats == 1


def _book_online(session, request_key, **changes):
    data = {"name": "佐藤 恵子", "name_kana": "さとう けいこ", "phone": PHONE, "seats": 1,
            "consent": True, **changes}
    return public_booking.book_online(session, data, channel=BookingChannel.API, now=NOW,
                                      request_key=request_key)


def test_the_booking_service_answers_a_repeat_only_for_the_same_request(open_class):
    first = _book_online(open_class, "service-key-0123456789")
    assert first.created and first.booking.request_fingerprint is not None
    assert first.booking.request_fingerprint not in (PHONE, "+819012345678")
    again = _book_online(open_class, "service-key-0123456789", phone="+81 90 1234 5678",
                         seats="1")
    assert (again.created, again.reveal, again.booking.id) == (False, True, first.booking.id)
    with pytest.raises(RepeatedRequestError):
        _book_online(open_class, "service-key-0123456789", name_kana="さとう めぐみ")


def test_a_key_of_a_booking_made_before_fingerprints_is_never_answered(open_class):
    """Bookings made before the fingerprint was stored have none: their key is refused,
    whatever the request says."""
    first = _book_online(open_class, "service-key-0123456789")
    first.booking.request_fingerprint = None
    db.session.flush()
    with pytest.raises(RepeatedRequestError):
        _book_online(open_class, "service-key-0123456789")
    assert counts()["bookings"] == 1


def test_an_anonymised_persons_request_fingerprints_are_removed(open_class):
    """The fingerprint is a keyed hash of the person's name and phone: it goes when they
    are anonymised, and a repeat of their request is refused from then on."""
    first = _book_online(open_class, "service-key-0123456789")
    result = erasure.stop_and_delete(first.booking.person, received_via="phone",
                                     received_on=NOW.date(), reference=None, actor="test",
                                     now=NOW)
    assert result.counts["request_fingerprints_removed"] == 1
    db.session.refresh(first.booking)
    assert first.booking.request_fingerprint is None
    with pytest.raises(RepeatedRequestError):
        _book_online(open_class, "service-key-0123456789")


def test_web_booking_for_someone_else_stores_the_proxy(client, open_class):
    response = book(client, open_class, proxy_name="佐藤 太郎", proxy_relation="family",
                    proxy_phone="080-2345-6789", proxy_wants_copies="y")
    assert response.status_code == 302
    booking = only_booking()
    proxy = booking.proxy
    assert (proxy.person_id, proxy.name, proxy.relation, proxy.phone) == (
        booking.person_id, "佐藤 太郎", ProxyRelation.FAMILY, "+818023456789")
    assert proxy.wants_copies and proxy.consent_method == ConsentMethod.WEB
    # the family member cancels with their own phone number
    client.post("/bookings/cancel", data={"code": booking.display_code,
                                          "phone": "08023456789"})
    assert only_booking().status == BookingStatus.CANCELLED


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"phone": "12-34"}, "phone", "understood: 12-34"),
    ({"name_kana": "Sato"}, "name_kana", "kana"),
    ({"name_kana": ""}, "name_kana", "required"),
    ({"seats": "3"}, "seats", "a party of 3 cannot fit"),
    ({"seats": "9"}, "seats", "Not a valid choice"),
    ({"email": "keiko@"}, "email", "valid e-mail"),
    ({"district_id": "999999"}, "district_id", "Not a valid choice"),
    ({"proxy_name": "佐藤 太郎", "proxy_phone": "12"}, "proxy_phone", "understood: 12"),
    ({"proxy_phone": "080-2345-6789"}, "proxy_name", "required"),
])
def test_bad_booking_input_gets_a_message_and_changes_nothing(client, open_class, changes,
                                                              field, message):
    before = counts()
    response = client.post(f"/sessions/{open_class.id}/book", data=form(**changes),
                           headers={"Accept-Language": "en"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    errors = re.search(rf'id="{field}-error">([^<]*)<', html)
    assert errors and message in errors.group(1), html[html.find("error-summary"):][:600]
    assert counts() == before


def test_proxy_and_person_errors_come_together(client, open_class):
    response = client.post(f"/sessions/{open_class.id}/book",
                           data=form(phone="12", proxy_name="佐藤 太郎", proxy_phone="34"),
                           headers={"Accept-Language": "en"})
    html = response.get_data(as_text=True)
    assert 'id="phone-error"' in html and 'id="proxy_phone-error"' in html


@pytest.mark.parametrize("state", ["cancelled", "started", "closing"])
def test_closed_session_offers_no_form_and_refuses_a_post(app, client, ctx, create_session,
                                                          monkeypatch, state):
    if state == "cancelled":
        session = create_session(day=local_today() + timedelta(days=7))
        services.cancel_session(session, "台風のため", actor="test", now=NOW)
        db.session.commit()
    else:
        start = utcnow() + timedelta(minutes=-10 if state == "started" else 50)
        session = create_session(start_dt=start, end_dt=start + timedelta(hours=1))
        monkeypatch.setitem(app.config, "DESK_BOOKING_CLOSES_MINUTES", 60)
    page = client.get(f"/sessions/{session.id}/book", headers={"Accept-Language": "en"})
    assert page.status_code == 200 and 'name="name_kana"' not in page.get_data(as_text=True)
    expected = "cancelled" if state == "cancelled" else "closed"
    assert expected in text(page)
    before = counts()
    response = client.post(f"/sessions/{session.id}/book", data=form(),
                           headers={"Accept-Language": "en"})
    assert response.status_code == 409 and expected in text(response)
    assert counts() == before


# -- cancelling --------------------------------------------------------------------------

@pytest.fixture
def two_bookings(client, open_class):
    """The class full with one booking of two seats, and one person waiting."""
    book(client, open_class, seats="2")
    book(client, open_class, name="鈴木 茂", name_kana="すずき しげる", phone="0466-25-1234")
    db.session.expire_all()
    return db.session.scalars(select(Booking).order_by(Booking.id)).all()


FULL_WIDTH = str.maketrans("0123456789-", "０１２３４５６７８９－")
TYPED_CODES = {
    "4-4": lambda code: f"{code[:4]}-{code[4:]}",
    "8 digits": lambda code: code,
    "full-width": lambda code: f"{code[:4]}-{code[4:]}".translate(FULL_WIDTH),
    "spaces": lambda code: f" {code[:4]} {code[4:]} ",
}


@pytest.mark.parametrize("typed", list(TYPED_CODES))
def test_cancel_by_code_and_phone(client, two_bookings, typed):
    first, waiting = two_bookings
    response = client.post("/bookings/cancel", data={"code": TYPED_CODES[typed](first.code),
                                                     "phone": "０９０ー１２３４ー５６７８"})
    assert response.status_code == 302 and response.headers["Location"] == "/bookings/cancel/sent"
    db.session.expire_all()
    assert first.status == BookingStatus.CANCELLED
    assert first.cancel_reason == CancelReason.PERSON
    assert waiting.status == BookingStatus.BOOKED  # promoted in the same transaction


def test_cancel_answer_is_the_same_whether_or_not_the_booking_exists(client, two_bookings):
    first, waiting = two_bookings
    wrong_code = f"{(int(first.code) + 1) % 10**8:08d}"
    attempts = [
        {"code": first.display_code, "phone": "0466-25-1234"},  # someone else's phone
        {"code": wrong_code, "phone": PHONE},  # no such code
        {"code": waiting.code, "phone": "070-3456-7890"},  # a phone nobody has
        {"code": first.display_code, "phone": PHONE},  # the real one
        {"code": first.display_code, "phone": PHONE},  # already cancelled now
    ]
    answers = []
    for data in attempts:
        response = client.post("/bookings/cancel", data=data)
        followed = client.get(response.headers["Location"])
        answers.append((response.status_code, response.headers["Location"],
                        followed.status_code, followed.get_data(as_text=True)))
    assert all(answer == answers[0] for answer in answers)
    db.session.expire_all()
    assert first.status == BookingStatus.CANCELLED and waiting.status == BookingStatus.BOOKED


def test_cancel_by_code_after_the_start_changes_nothing_and_says_the_same(client, ctx,
                                                                         create_session,
                                                                         create_person):
    start = utcnow() - timedelta(minutes=10)
    session = create_session(start_dt=start, end_dt=start + timedelta(hours=1))
    booking = services.book_seat(session, create_person(phone=PHONE), channel="web",
                                 actor="web", now=start - timedelta(days=1)).booking
    db.session.commit()
    response = client.post("/bookings/cancel", data={"code": booking.code, "phone": PHONE})
    assert response.headers["Location"] == "/bookings/cancel/sent"
    db.session.expire_all()
    assert booking.status == BookingStatus.BOOKED


@pytest.mark.parametrize(("data", "field"), [
    ({"code": "2741-038", "phone": PHONE}, "code"),
    ({"code": "abcd-efgh", "phone": PHONE}, "code"),
    ({"code": "2741-0386", "phone": "12"}, "phone"),
    ({"code": "", "phone": PHONE}, "code"),
])
def test_cancel_form_checks_only_the_form_of_code_and_phone(client, two_bookings, data, field):
    response = client.post("/bookings/cancel", data=data)
    assert response.status_code == 200
    assert f'id="{field}-error"' in response.get_data(as_text=True)


def test_cancel_by_secret_link(client, two_bookings):
    first, waiting = two_bookings
    confirm = client.get(f"/bookings/{first.token}/cancel", headers={"Accept-Language": "en"})
    assert confirm.status_code == 200 and "Yes, cancel my booking" in text(confirm)
    response = client.post(f"/bookings/{first.token}/cancel", headers={"Accept-Language": "en"})
    assert response.headers["Location"] == f"/bookings/{first.token}"
    db.session.expire_all()
    assert first.status == BookingStatus.CANCELLED and waiting.status == BookingStatus.BOOKED
    page = text(client.get(response.headers["Location"], headers={"Accept-Language": "en"}))
    assert "Your booking is cancelled." in page and "Cancel this booking" not in page
    again = client.get(f"/bookings/{first.token}/cancel", headers={"Accept-Language": "en"})
    assert "already cancelled" in text(again) and "Yes, cancel" not in text(again)
    assert client.post(f"/bookings/{first.token}/cancel").status_code == 200


@pytest.mark.parametrize("path", ["/bookings/{x}", "/bookings/{x}.ics", "/bookings/{x}/cancel"])
def test_unknown_token_is_not_found(client, ctx, path):
    assert client.get(path.format(x="no-such-token")).status_code == 404
    assert client.get(path.format(x="x" * 300)).status_code == 404


# -- privacy -----------------------------------------------------------------------------

def test_public_pages_never_show_who_booked(client, open_class):
    # not the names and numbers the form's hints use as examples
    book(client, open_class, name="田中 正雄", name_kana="たなか まさお", phone="070-3456-7890",
         proxy_name="田中 美咲", proxy_phone="080-9876-5432")
    booking = only_booking()
    secret = ("田中", "正雄", "美咲", "タナカ", "たなか", "3456-7890", "34567890",
              "9876-5432", "98765432")
    for url in (f"/sessions/{open_class.id}", f"/sessions/{open_class.id}/book", "/",
                f"/bookings/{booking.token}", f"/bookings/{booking.token}/cancel",
                f"/bookings/{booking.token}.ics", "/bookings/cancel/sent"):
        body = client.get(url).get_data(as_text=True)
        found = [value for value in secret if value in body]
        assert not found, (url, found)


# -- rate limit --------------------------------------------------------------------------

@pytest.fixture
def limited_client(tmp_path_factory):
    from desk.cli import apply_migrations

    url, cleanup = make_database("sqlite", tmp_path_factory)
    config = test_config(tmp_path_factory.mktemp("instance"), url)
    config.update(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://")
    app = create_app(config)
    with app.app_context():
        apply_migrations()
    yield app.test_client()
    cleanup()


def test_cancel_by_code_is_rate_limited_across_web_and_api(limited_client):
    data = {"code": "2741-0386", "phone": PHONE}
    statuses = [limited_client.post("/bookings/cancel", data=data).status_code
                for _attempt in range(6)]
    statuses += [limited_client.post("/api/v1/bookings/27410386/cancel",
                                     json={"phone": PHONE}).status_code
                 for _attempt in range(6)]
    assert statuses == [302] * 6 + [202] * 4 + [429] * 2
    page = limited_client.post("/bookings/cancel", data=data)
    assert page.status_code == 429 and page.mimetype == "text/html"
    assert limited_client.get("/bookings/cancel").status_code == 200  # the form stays open


@pytest.mark.parametrize(("ticked", "agreed"), [("y", True), (None, False)])
def test_the_survey_is_asked_on_the_form_and_not_asked_means_no(client, open_class, ticked,
                                                               agreed):
    page = client.get(f"/sessions/{open_class.id}/book").get_data(as_text=True)
    assert 'name="survey_consent"' in page
    book(client, open_class, survey_consent=ticked)
    assert only_booking().survey_consent is agreed
