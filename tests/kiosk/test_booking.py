"""Booking at the kiosk with the test client, on SQLite and PostgreSQL: the class list,
booked and waitlisted, bad input (422, messages on their fields, nothing changed), a
repeated POST (one booking, one person), no personal data in any URL, no-store, the
step checks, the confirmation page and the reset."""

import re
from datetime import timedelta
from urllib.parse import unquote

import pytest
from sqlalchemy import select

from desk.core.i18n import LOCALE_COOKIE
from desk.core.timeutil import local_today, utcnow
from desk.events import services
from desk.events.models import Booking, BookingChannel, BookingStatus
from desk.extensions import db
from desk.kiosk import queries as kiosk_queries
from desk.kiosk import views as kiosk_views
from desk.kiosk.models import KioskDevice
from desk.people.models import ConsentMethod, Person
from tests.fixtures.pages import text
from tests.kiosk.helpers import PERSON, booking_form, counts

PERSONAL = ("佐藤", "恵子", "さとう", "サトウ", "1234", "5678", "090")


def _book(client, place, **changes):
    venue = place["venue"]
    return client.post(f"/kiosk/{venue.id}/book", data=booking_form(place["here"], **changes))


def _assert_no_personal_data(url):
    """Nothing typed in `url`; the bookings' random tokens, which may hold any digits
    ("090" one run in a few hundred), are left out."""
    decoded = unquote(url)
    for token in db.session.scalars(select(Booking.token)):
        decoded = decoded.replace(token, "")
    for value in PERSONAL:
        assert value not in decoded, f"{value!r} in {url}"


def test_start_page_lists_this_venue_first_then_nearby(kiosk_client, kiosk_place,
                                                        create_venue, create_session):
    far = create_venue(name="辻堂公民館", name_kana="ツジドウコウミンカン")
    elsewhere = create_session(day=local_today() + timedelta(days=2), venue_id=far.id)
    response = kiosk_client.get(f"/kiosk/{kiosk_place['venue'].id}")
    assert response.status_code == 200
    page = text(response)
    assert page.index("Classes at this place") < page.index("Classes at places nearby")
    body = response.get_data(as_text=True)
    assert f'id="session-{kiosk_place["here"].id}"' in body
    assert f'id="session-{kiosk_place["nearby"].id}"' in body
    # same district first: another district's classes only when there are none nearby
    assert f'id="session-{elsewhere.id}"' not in body
    assert "2 seats left" in page


def test_the_kiosk_names_venues_and_districts_in_the_readers_language(kiosk_client,
                                                                       kiosk_place):
    place = kiosk_place
    place["neighbour"].name_en = "Shonandai Community Hall"
    place["district"].name_en = "Shonandai"
    db.session.commit()
    page = text(kiosk_client.get(f"/kiosk/{place['venue'].id}"))
    assert "Shonandai Community Hall" in page and "湘南台公民館" not in page
    assert "湘南台市民センター" in page  # no English name: the Japanese one
    body = kiosk_client.get(f"/kiosk/{place['venue'].id}").get_data(as_text=True)
    assert 'class="kiosk-choice">Shonandai</label>' in body  # the district to choose
    kiosk_client.set_cookie(LOCALE_COOKIE, "ja")
    page = text(kiosk_client.get(f"/kiosk/{place['venue'].id}"))
    assert "湘南台公民館" in page and "Shonandai Community Hall" not in page


def test_the_kiosk_gives_a_sessions_own_title_in_the_readers_language(kiosk_client,
                                                                       kiosk_place):
    services.update_session(kiosk_place["here"], {"title": "LINE特別講座",
                                                  "title_en": "LINE special class"},
                            actor="test", now=utcnow())
    db.session.commit()
    page = text(kiosk_client.get(f"/kiosk/{kiosk_place['venue'].id}"))
    assert "LINE special class" in page and "LINE特別講座" not in page
    kiosk_client.set_cookie(LOCALE_COOKIE, "ja")
    page = text(kiosk_client.get(f"/kiosk/{kiosk_place['venue'].id}"))
    assert "LINE特別講座" in page and "LINE special class" not in page


def test_without_nearby_classes_other_places_are_offered(kiosk_client, kiosk_place,
                                                         create_venue, create_session):
    services.cancel_session(kiosk_place["nearby"], "台風のため", actor="test", now=utcnow())
    db.session.commit()
    far = create_venue(name="辻堂公民館", name_kana="ツジドウコウミンカン")
    elsewhere = create_session(day=local_today() + timedelta(days=2), venue_id=far.id)
    response = kiosk_client.get(f"/kiosk/{kiosk_place['venue'].id}")
    assert "Classes at other places" in text(response)
    body = response.get_data(as_text=True)
    assert f'id="session-{elsewhere.id}"' in body
    assert f'id="session-{kiosk_place["nearby"].id}"' not in body


def test_class_list_leaves_out_what_cannot_be_booked(ctx, kiosk_place, create_session):
    venue = kiosk_place["venue"]
    started = create_session(start_dt=utcnow() - timedelta(minutes=30),
                             end_dt=utcnow() + timedelta(hours=1), venue_id=venue.id)
    consultation = create_session(day=local_today() + timedelta(days=1), kind="consultation",
                                  venue_id=venue.id)
    groups = kiosk_queries.kiosk_sessions(venue, now=utcnow())
    offered = {session.id for group in groups for session in group.sessions}
    assert kiosk_place["here"].id in offered
    assert started.id not in offered and consultation.id not in offered


def test_kiosk_books_a_seat(kiosk_client, kiosk_place):
    response = _book(kiosk_client, kiosk_place)
    assert response.status_code == 303
    location = response.headers["Location"]
    booking = db.session.scalars(select(Booking)).one()
    assert location == f"/kiosk/{kiosk_place['venue'].id}/done/{booking.token}"
    _assert_no_personal_data(location)
    assert booking.status == BookingStatus.BOOKED and booking.channel == BookingChannel.KIOSK
    assert booking.request_key.endswith(":kiosk-submission-0001")
    person = booking.person
    assert (person.name, person.name_kana, person.phone) == ("佐藤 恵子", "サトウ\u3000ケイコ",
                                                             "+819012345678")
    assert person.has_consent and person.consent_method == ConsentMethod.KIOSK
    assert person.language == "en" and person.created_channel == "kiosk"
    done = kiosk_client.get(location)
    page = text(done)
    assert done.status_code == 200
    assert f"{booking.code[:4]} - {booking.code[4:]}" in page
    assert "Your booking is done" in page
    # nothing typed is shown again (the random booking code and token left out)
    shown = page.replace(booking.code[:4], "").replace(booking.code[4:], "").replace(
        booking.token, "")
    assert "佐藤" not in shown and "090" not in shown


def test_full_class_puts_the_person_on_the_waiting_list(kiosk_client, kiosk_place,
                                                        create_person):
    for _seat in range(2):
        services.book_seat(kiosk_place["here"], create_person(), channel="web", actor="test",
                           now=utcnow())
    db.session.commit()
    response = _book(kiosk_client, kiosk_place, seats="2")
    assert response.status_code == 303
    booking = db.session.scalars(select(Booking).where(
        Booking.channel == BookingChannel.KIOSK)).one()
    assert booking.status == BookingStatus.WAITLISTED and booking.seats == 2
    page = text(kiosk_client.get(response.headers["Location"]))
    assert "You are on the waiting list" in page and "number 1" in page


def test_optional_district_and_age_are_kept(kiosk_client, kiosk_place):
    district = kiosk_place["district"]
    _book(kiosk_client, kiosk_place, district_id=str(district.id), age_band="70s",
          consent="no")
    person = db.session.scalars(select(Person)).one()
    assert person.district_id == district.id and person.age_band == "70s"
    assert not person.has_consent


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"name": ""}, "name", "Please write your name."),
    ({"name": "佐" * 101}, "name", "Your name is too long. Please write it in 100 characters"),
    ({"name_kana": ""}, "name_kana", "Please write how to read your name, in kana."),
    ({"name_kana": "sato"}, "name_kana", "Please write the reading only in kana."),
    ({"name_kana": "さ" * 101}, "name_kana", "The reading is too long."),
    ({"phone": "12"}, "phone", "We cannot use this phone number: 12. Please check it"),
    ({"phone": ""}, "phone", "Please type your phone number."),
    ({"consent": ""}, "consent", "Please choose yes or no."),
    ({"session_id": ""}, "session_id", "Please choose a class."),
    ({"session_id": "2147483000"}, "session_id", "Please choose a class."),
    ({"seats": "4"}, "seats", "Book 1 to 3 seats"),
    ({"district_id": "2147483000"}, "district_id", "Please choose one of the buttons."),
    ({"age_band": "teen"}, "age_band", "Please choose one of the buttons."),
])
def test_bad_input_is_refused_with_messages_and_changes_nothing(kiosk_client, kiosk_place,
                                                                changes, field, message):
    before = counts()
    response = _book(kiosk_client, kiosk_place, **changes)
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert message in text(response)
    assert 'role="alert"' in body  # the error summary is announced
    assert f'data-error-for="{field}"' in body and 'aria-invalid="true"' in body
    assert counts() == before
    # what was typed comes back in the form (POST body to POST response), never a URL
    if field != "name":
        assert 'value="佐藤 恵子"' in body


def test_every_wrong_field_is_reported_at_once(kiosk_client, kiosk_place):
    response = _book(kiosk_client, kiosk_place, name="", phone="12", consent="")
    page = text(response)
    for message in ("Please write your name.", "We cannot use this phone number: 12.",
                    "Please choose yes or no."):
        assert message in page
    assert 'data-start-step="2"' in response.get_data(as_text=True)  # the first step to fix


def _tag(body, element_id):
    (tag,) = re.findall(rf'<input[^>]*\bid="{element_id}"[^>]*>', body)
    return tag


def test_messages_are_plain_japanese_with_furigana_on_their_fields(kiosk_client, kiosk_place):
    kiosk_client.set_cookie(LOCALE_COOKIE, "ja")
    response = _book(kiosk_client, kiosk_place, name="", name_kana="sato", phone="12",
                     furigana="1")
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    # each field's own message, its kanji with their readings
    assert ('id="name-error" data-error-for="name">'
            "<ruby>名前<rp>（</rp><rt>なまえ</rt><rp>）</rp></ruby>を"
            "<ruby>書<rp>（</rp><rt>か</rt><rp>）</rp></ruby>いてください。</p>") in body
    assert "かなだけで<ruby>書<rp>（</rp><rt>か</rt>" in body
    assert "<ruby>使<rp>（</rp><rt>つか</rt><rp>）</rp></ruby>えません（12）" in body
    # tied to their fields for screen readers
    for field in ("name", "name_kana", "phone"):
        tag = _tag(body, field)
        assert 'aria-invalid="true"' in tag
        assert re.search(rf'aria-describedby="[^"]*\b{field}-error\b', tag), tag
    assert "この項目は必須です" not in body


def test_step_check_messages_carry_furigana(kiosk_client, kiosk_place):
    kiosk_client.set_cookie(LOCALE_COOKIE, "ja")
    answer = kiosk_client.post(f"/kiosk/{kiosk_place['venue'].id}/check",
                               data={"step": "3", "phone": "<b>12"}).get_json()
    assert answer["errors"] == {"phone": (
        "この<ruby>電話番号<rp>（</rp><rt>でんわばんごう</rt><rp>）</rp></ruby>は"
        "<ruby>使<rp>（</rp><rt>つか</rt><rp>）</rp></ruby>えません（&lt;b&gt;12）。"
        "<ruby>番号<rp>（</rp><rt>ばんごう</rt><rp>）</rp></ruby>を"
        "<ruby>確<rp>（</rp><rt>たし</rt><rp>）</rp></ruby>かめて、もう"
        "<ruby>一度<rp>（</rp><rt>いちど</rt><rp>）</rp></ruby>"
        "<ruby>入<rp>（</rp><rt>い</rt><rp>）</rp></ruby>れてください。")}


def test_closed_session_is_refused_on_the_class_step(kiosk_client, kiosk_place):
    services.cancel_session(kiosk_place["here"], "台風のため", actor="test", now=utcnow())
    db.session.commit()
    before = counts()
    response = _book(kiosk_client, kiosk_place)
    assert response.status_code == 409
    assert "This session is cancelled." in text(response)
    assert 'data-start-step="1"' in response.get_data(as_text=True)
    assert counts() == before


def test_repeated_post_books_once_and_creates_one_person(kiosk_client, kiosk_place):
    first = _book(kiosk_client, kiosk_place)
    again = _book(kiosk_client, kiosk_place)
    assert first.status_code == again.status_code == 303
    assert first.headers["Location"] == again.headers["Location"]
    assert counts() == {"people": 1, "proxy_contacts": 0, "bookings": 1}


def test_booking_again_does_not_show_the_existing_code(kiosk_client, kiosk_place):
    """A new form with the phone and reading of someone already booked: whoever typed
    them does not learn the booking's code; it is sent again to the person."""
    _book(kiosk_client, kiosk_place)
    booking = db.session.scalars(select(Booking)).one()
    other = _book(kiosk_client, kiosk_place, submission="kiosk-submission-0002")
    assert other.status_code == 303
    assert other.headers["Location"] == f"/kiosk/{kiosk_place['venue'].id}/already"
    page = kiosk_client.get(other.headers["Location"])
    assert page.status_code == 200
    assert "You have already booked this class" in text(page)
    assert booking.code[:4] not in text(page) and booking.token not in text(page)
    assert counts() == {"people": 1, "proxy_contacts": 0, "bookings": 1}


def test_a_retry_of_the_same_submission_creates_nothing_new(kiosk_client, kiosk_place):
    """A tap again after a slow answer sends the same submission id and details (any
    width): the first booking is the answer."""
    first = _book(kiosk_client, kiosk_place)
    before = counts()
    retry = _book(kiosk_client, kiosk_place, phone="０９０－１２３４－５６７８")
    assert retry.status_code == 303
    assert retry.headers["Location"] == first.headers["Location"]
    assert counts() == before


@pytest.mark.parametrize("changes", [
    {"name": "佐藤 恵", "name_kana": "さとう めぐみ"},
    {"phone": "080-2345-6789"},
    {"seats": "2"},
])
def test_the_same_submission_with_other_details_is_refused(kiosk_client, kiosk_place,
                                                           changes):
    """The same submission id with other details is not a retry: nothing is booked, and
    the first booking's page is not shown."""
    first = _book(kiosk_client, kiosk_place)
    before = counts()
    booking = db.session.scalars(select(Booking)).one()
    retry = _book(kiosk_client, kiosk_place, **changes)
    assert retry.status_code == 422 and "Location" not in retry.headers
    page = retry.get_data(as_text=True)
    assert "This form was already sent with other details" in text(retry)
    assert first.headers["Location"] not in page and booking.token not in page
    assert booking.display_code not in text(retry) and booking.code not in page
    assert counts() == before


def test_a_submission_id_is_scoped_to_its_device(app, kiosk_client, kiosk_place, new_kiosk):
    _book(kiosk_client, kiosk_place)
    _device, code = new_kiosk(name="二台目")
    second = app.test_client()
    second.post("/kiosk/setup", data={"code": code})
    response = second.post(f"/kiosk/{kiosk_place['venue'].id}/book",
                           data=booking_form(kiosk_place["here"], name="鈴木 茂",
                                             name_kana="すずき しげる", phone="0466-25-1234"))
    assert response.status_code == 303
    assert counts()["bookings"] == 2


def test_no_personal_data_in_any_redirect(kiosk_client, kiosk_place):
    responses = [_book(kiosk_client, kiosk_place),
                 kiosk_client.get(f"/kiosk/{kiosk_place['venue'].id}?reset=1")]
    for response in responses:
        assert response.status_code in (302, 303)
        _assert_no_personal_data(response.headers["Location"])


def test_every_kiosk_response_is_no_store(kiosk_client, kiosk_place):
    venue_id = kiosk_place["venue"].id
    booked = _book(kiosk_client, kiosk_place)
    responses = [
        kiosk_client.get(f"/kiosk/{venue_id}"),
        kiosk_client.post(f"/kiosk/{venue_id}/check", data={"step": "3", "phone": "090"}),
        _book(kiosk_client, kiosk_place, phone="12", submission="kiosk-submission-0009"),
        booked,
        kiosk_client.get(booked.headers["Location"]),
        kiosk_client.get(f"/kiosk/{venue_id}?reset=1"),
        kiosk_client.get("/kiosk/setup"),
    ]
    for response in responses:
        assert response.headers["Cache-Control"] == "no-store", response.request.path


def test_kiosk_inputs_are_not_remembered_by_the_browser(kiosk_client, kiosk_place):
    body = kiosk_client.get(f"/kiosk/{kiosk_place['venue'].id}").get_data(as_text=True)
    assert 'autocomplete="off" novalidate' in body  # the form
    for name in ("name", "name_kana", "phone"):
        tag = body[body.index(f'name="{name}"') - 200:body.index(f'name="{name}"') + 200]
        assert 'autocomplete="off"' in tag, name
    assert 'method="post"' in body


@pytest.mark.parametrize(("step", "data", "errors", "phone"), [
    ("1", {}, {"session_id"}, None),
    ("2", {"name": "佐藤 恵子", "name_kana": "サトウ"}, set(), None),
    ("2", {"name": "", "name_kana": "abc"}, {"name", "name_kana"}, None),
    ("3", {"phone": "09012345678"}, set(), "090-1234-5678"),
    ("3", {"phone": "０４６６－２５－１１１１"}, set(), "0466-25-1111"),
    ("3", {"phone": "12"}, {"phone"}, None),
])
def test_step_check_answers_messages_and_the_read_back(kiosk_client, kiosk_place, step, data,
                                                       errors, phone):
    before = counts()
    response = kiosk_client.post(f"/kiosk/{kiosk_place['venue'].id}/check",
                                 data={"step": step, **data})
    assert response.status_code == 200
    answer = response.get_json()
    assert set(answer["errors"]) == errors
    assert answer["phone"] == phone
    assert counts() == before


def test_step_check_says_when_the_class_can_no_longer_be_booked(kiosk_client, kiosk_place):
    services.cancel_session(kiosk_place["here"], "台風のため", actor="test", now=utcnow())
    db.session.commit()
    response = kiosk_client.post(f"/kiosk/{kiosk_place['venue'].id}/check",
                                 data={"step": "1", "session_id": str(kiosk_place["here"].id)})
    assert response.get_json()["errors"] == {"session_id": "This session is cancelled."}


@pytest.mark.parametrize("step", ["", "9", "x", "²"])
def test_step_check_refuses_unknown_steps(kiosk_client, kiosk_place, step):
    response = kiosk_client.post(f"/kiosk/{kiosk_place['venue'].id}/check", data={"step": step})
    assert response.status_code == 400


def test_confirmation_shows_code_date_place_and_calendar_qr(app, kiosk_client, kiosk_place,
                                                            monkeypatch):
    monkeypatch.setitem(app.config, "DESK_PUBLIC_URL", "https://desk.example.jp")
    location = _book(kiosk_client, kiosk_place).headers["Location"]
    booking = db.session.scalars(select(Booking)).one()
    response = kiosk_client.get(location)
    body = response.get_data(as_text=True)
    page = text(response)
    assert f"{booking.code[:4]} - {booking.code[4:]}" in page
    session = kiosk_place["here"]
    assert session.venue.name in page and session.venue.address in page
    assert "10:00–11:30" in page
    # the QR code: an SVG image without style attributes
    qr = body[body.index('src="data:image/svg+xml'):].split('"')[1]
    svg = unquote(qr.split(",", 1)[1])
    assert svg.startswith("<svg") and "style" not in svg and "<path" in svg
    assert "style=" not in body


def test_confirmation_qr_encodes_the_public_calendar_url(app, kiosk_client, kiosk_place,
                                                        monkeypatch):
    monkeypatch.setitem(app.config, "DESK_PUBLIC_URL", "https://desk.example.jp")
    _book(kiosk_client, kiosk_place)
    booking = db.session.scalars(select(Booking)).one()
    encoded = []
    make = kiosk_views.segno.make

    def recording_make(content, **options):
        encoded.append(content)
        return make(content, **options)

    monkeypatch.setattr(kiosk_views.segno, "make", recording_make)
    response = kiosk_client.get(f"/kiosk/{kiosk_place['venue'].id}/done/{booking.token}")
    assert response.status_code == 200
    assert encoded == [f"https://desk.example.jp/bookings/{booking.token}.ics"]


def test_confirmation_closes_after_a_while(kiosk_client, kiosk_place, monkeypatch):
    location = _book(kiosk_client, kiosk_place).headers["Location"]
    booking = db.session.scalars(select(Booking)).one()
    later = booking.created_dt + timedelta(minutes=kiosk_queries.DONE_PAGE_MINUTES, seconds=1)
    monkeypatch.setattr(kiosk_views, "utcnow", lambda: later)
    page = text(kiosk_client.get(location))
    assert "This page has closed" in page and booking.code[:4] not in page


def test_confirmation_shows_only_kiosk_bookings(kiosk_client, kiosk_place, create_person):
    booking = services.book_seat(kiosk_place["here"], create_person(), channel="web",
                                 actor="test", now=utcnow()).booking
    db.session.commit()
    page = text(kiosk_client.get(f"/kiosk/{kiosk_place['venue'].id}/done/{booking.token}"))
    assert "This page has closed" in page and booking.code[:4] not in page


def test_reset_forgets_the_language_and_goes_to_the_start(kiosk_client, kiosk_place):
    venue_id = kiosk_place["venue"].id
    response = kiosk_client.get(f"/kiosk/{venue_id}?reset=1")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/kiosk/{venue_id}"
    assert any(header.startswith(f"{LOCALE_COOKIE}=;")
               for header in response.headers.getlist("Set-Cookie"))
    page = kiosk_client.get(f"/kiosk/{venue_id}", headers={"Accept-Language": "ja"})
    assert page.status_code == 200
    assert '<html lang="ja"' in page.get_data(as_text=True)
    assert 'data-pristine="1"' in page.get_data(as_text=True)


def test_idle_time_comes_from_the_configuration(app, kiosk_client, kiosk_place, monkeypatch):
    monkeypatch.setitem(app.config, "DESK_KIOSK_IDLE_SECONDS", 60)
    body = kiosk_client.get(f"/kiosk/{kiosk_place['venue'].id}").get_data(as_text=True)
    assert 'data-idle-seconds="60" data-countdown-seconds="15"' in body
    monkeypatch.setitem(app.config, "DESK_KIOSK_IDLE_SECONDS", 8)
    body = kiosk_client.get(f"/kiosk/{kiosk_place['venue'].id}").get_data(as_text=True)
    assert 'data-idle-seconds="8" data-countdown-seconds="2"' in body


def test_furigana_switch_without_javascript(kiosk_client, kiosk_place):
    kiosk_client.set_cookie(LOCALE_COOKIE, "ja")
    venue_id = kiosk_place["venue"].id
    plain = kiosk_client.get(f"/kiosk/{venue_id}").get_data(as_text=True)
    assert '<html lang="ja" class="kiosk">' in plain
    assert f'href="/kiosk/{venue_id}?furigana=1"' in plain
    shown = kiosk_client.get(f"/kiosk/{venue_id}?furigana=1").get_data(as_text=True)
    assert 'class="kiosk show-furigana"' in shown
    # the venue's and the district's own readings, as ruby over the kanji, in hiragana
    assert "<ruby>湘南台市民<rp>（</rp><rt>しょうなんだいしみん</rt><rp>）</rp></ruby>センター" in shown
    assert '<label for="district_id-1" class="kiosk-choice"><ruby>湘南台<rp>（</rp><rt>しょうなんだい</rt>' in shown
    assert '<span class="class-card__seats"><ruby>空<rp>（</rp><rt>あ</rt><rp>）</rp></ruby>き' in shown
    assert "<ruby>以上<rp>（</rp><rt>いじょう</rt>" in shown  # 90歳以上
    assert 'name="furigana" type="hidden" value="1"' in shown


def test_furigana_switch_is_for_japanese_only(kiosk_client, kiosk_place):
    body = kiosk_client.get(f"/kiosk/{kiosk_place['venue'].id}").get_data(as_text=True)
    assert "<ruby>" not in body and "data-furigana-toggle" not in body


def test_expired_form_sends_the_kiosk_back_to_its_start(app, kiosk_client, kiosk_place,
                                                        monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    response = _book(kiosk_client, kiosk_place)
    assert response.status_code == 400
    assert "Please start again" in text(response)
    assert f'href="/kiosk/{kiosk_place["venue"].id}?reset=1"' in response.get_data(as_text=True)
    assert "Staff login" not in text(response)  # the kiosk's own frame, no site menu
    assert counts()["bookings"] == 0


def test_kiosk_device_rows_hold_no_personal_data(kiosk_client, kiosk_place):
    _book(kiosk_client, kiosk_place)
    device = db.session.scalars(select(KioskDevice)).one()
    values = " ".join(str(getattr(device, column.key)) for column in KioskDevice.__table__.c)
    for value in PERSON.values():
        assert value not in values


@pytest.mark.parametrize(("answer", "agreed"), [("yes", True), ("no", False), ("", False)])
def test_the_kiosk_asks_about_the_survey_and_skipping_means_no(kiosk_client, kiosk_place,
                                                               answer, agreed):
    page = kiosk_client.get(f"/kiosk/{kiosk_place['venue'].id}").get_data(as_text=True)
    assert 'name="survey_consent"' in page
    _book(kiosk_client, kiosk_place, survey_consent=answer)
    db.session.expire_all()
    assert db.session.scalars(select(Booking)).one().survey_consent is agreed
