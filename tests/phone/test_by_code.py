"""A booking heard by its booking code: the code together with the caller's number (or
the number a withheld caller keyed in), as on the web; the same answer for a code that
does not exist and for someone else's; a wrong length, a cancelled and a past booking
said; cancelling through the confirming step."""

from datetime import time

import pytest
from sqlalchemy import select

from desk.core.timeutil import local_datetime
from desk.events import services as events
from desk.events.models import BookingStatus
from desk.extensions import db
from desk.people import services as people_services
from desk.phone.models import CallOutcome, PhoneCall
from tests.phone.conftest import CLOCK, TUESDAY

DAUGHTER = "+819087654321"  # the proxy contact's mobile, no resident's number
LANDLINE = "+81466251234"
NOT_FOUND = "この 電話番号では、その 予約番号の 予約は ありません。"
ASK_CODE = ["予約番号で、予約を 聞けます。",
            "予約番号の 8けたを 押して、最後に シャープを 押してください。"]
MENU = "講座を 予約する ときは、1を 押してください。"


@pytest.fixture
def venue(line, create_district, create_venue):
    district = create_district(name="辻堂", name_kana="ツジドウ")
    return create_venue(name="辻堂市民センター", name_kana="ツジドウシミンセンター",
                        short_name="辻堂", district_id=district.id)


@pytest.fixture
def session(line, create_session, create_program, venue):
    program = create_program(title="LINEの使い方", title_kana="ラインノツカイカタ")
    return create_session(day=TUESDAY, start=time(10), end=time(11, 30),
                          program_id=program.id, venue_id=venue.id)


@pytest.fixture
def mother(line, create_person):
    """A resident whose daughter books for her from her own mobile."""
    person = create_person(name="高橋 ハル", name_kana="たかはし はる", phone="0466-25-7777")
    people_services.add_proxy(person, {"name": "高橋 美咲", "relation": "family",
                                       "phone": "090-8765-4321"},
                              consent_method="phone_staff", actor="test", now=CLOCK)
    db.session.commit()
    return person


@pytest.fixture
def booking(mother, session):
    booking = events.book_seat(session, mother, seats=2, channel="phone_desk",
                               actor="test").booking
    db.session.commit()
    return booking


def _row(call):
    return db.session.scalars(select(PhoneCall).where(PhoneCall.call_sid == call.sid)).one()


def _to_code(caller, number):
    call = caller(number)
    call.ring()
    assert call.press("2").asked[:2] == ASK_CODE
    return call


def test_an_unknown_number_hears_and_cancels_a_booking_by_its_code(booking, caller):
    call = _to_code(caller, DAUGHTER)
    code = booking.code

    turn = call.press(f"{code}#")

    assert turn.asked[:4] == [
        f"予約番号は、{'、'.join(code[:4])}。 {'、'.join(code[4:])} です。",
        "ハルさんの 予約です。2人です。",
        f"{TUESDAY.month}月{TUESDAY.day}日 火曜日 午前10時、ツジドウシミンセンターで、"
        "ラインノツカイカタ。",
        "この 予約を 取り消す ときは 1、ほかの 予約番号を 押す ときは 2を 押してください。"]
    assert turn.gather.get("input") == "dtmf"
    assert _row(call).outcome == CallOutcome.LISTENED
    assert call.press("1").asked[0] == "この 予約を 取り消しますか。"
    turn = call.press("1")

    assert turn.said[0] == "予約を 取り消しました。"
    assert turn.asked[0] == MENU
    db.session.expire_all()
    assert booking.status == BookingStatus.CANCELLED
    assert _row(call).outcome == CallOutcome.CANCELLED


def test_keeping_a_booking_heard_by_its_code(booking, caller):
    call = _to_code(caller, DAUGHTER)
    call.press(f"{booking.code}#")
    call.press("1")
    assert call.press("*").asked[0].startswith("予約番号は、")  # back to the booking
    call.press("1")
    turn = call.press("2")
    assert turn.said[0] == "予約は そのままです。" and turn.asked[0] == MENU
    assert booking.status == BookingStatus.BOOKED


def test_a_code_of_another_length_is_said_and_asked_again(booking, caller):
    call = _to_code(caller, DAUGHTER)
    for keys in ("1234#", f"{booking.code}1#", "#"):
        turn = call.press(keys)
        assert turn.said[0] == "予約番号は 8けたです。"
        assert turn.asked[:2] == ASK_CODE


def test_someone_elses_code_gets_the_answer_of_a_code_that_does_not_exist(booking, caller,
                                                                          create_person):
    create_person(name="山本 進", name_kana="やまもと すすむ", phone="080-1111-2222")
    call = _to_code(caller, "+818011112222")  # a resident, not the booking's person nor proxy
    assert call.turns[-1].said[0] == "この 電話番号の 予約は ありません。"

    someone_elses = call.press(f"{booking.code}#")
    nonexistent = call.press("00000000#" if booking.code != "00000000" else "00000001#")

    assert someone_elses.said[0] == NOT_FOUND
    assert someone_elses.said == nonexistent.said
    assert someone_elses.asked[:2] == ASK_CODE


def test_cancelled_and_past_bookings_are_said_to_their_number(booking, session, caller,
                                                              monkeypatch):
    events.cancel_booking(booking, actor="test", now=CLOCK)
    db.session.commit()
    call = _to_code(caller, DAUGHTER)
    assert call.press(f"{booking.code}#").said[0] == "この 予約は、取り消されています。"

    kept = events.book_seat(session, booking.person, channel="phone_desk", actor="test").booking
    db.session.commit()
    monkeypatch.setattr("desk.phone.views.utcnow",
                        lambda: local_datetime(TUESDAY, time(12)))
    assert call.press(f"{kept.code}#").said[0] == "この 予約の 日は、もう 過ぎました。"


def test_a_withheld_number_keys_in_its_number_first(booking, caller):
    call = caller("anonymous")
    call.ring()
    call.press("2")
    call.press("09087654321#")
    assert call.press("1").asked[:2] == ASK_CODE  # nobody lives at the daughter's number
    assert call.press(f"{booking.code}#").asked[1] == "ハルさんの 予約です。2人です。"


def test_a_withheld_number_cannot_skip_the_number(booking, caller):
    call = caller("anonymous")
    call.ring()
    assert call.press("2").asked[0] == "この 電話は 番号が 表示されていません。"


def test_a_known_caller_hears_a_booking_by_code_from_my_bookings(booking, caller,
                                                                 create_person, session):
    resident = create_person(name="高橋 美咲", name_kana="たかはし みさき",
                             phone="090-8765-4321")
    own = events.book_seat(session, resident, channel="phone_desk", actor="test").booking
    db.session.commit()
    call = caller(DAUGHTER)
    call.ring()
    turn = call.press("2")
    assert turn.asked[0] == "ミサキさんの 予約です。1人です。"
    assert turn.asked[3] == "予約番号で 予約を 聞く ときは、3を 押してください。"
    assert call.press("3").asked[:2] == ASK_CODE
    assert call.press(f"{booking.code}#").asked[1] == "ハルさんの 予約です。2人です。"
    assert call.press("2").asked[:2] == ASK_CODE
    assert call.press(f"{own.code}#").asked[1] == "ミサキさんの 予約です。1人です。"


def test_codes_cannot_be_tried_one_after_another(booking, caller):
    call = _to_code(caller, DAUGHTER)
    call.press("1234#")  # a wrong length is not a try
    for code in ("11111111", "22222222"):
        assert call.press(f"{code}#").said[0] == NOT_FOUND
    turn = call.press("33333333#")
    assert turn.said[:2] == [NOT_FOUND, "この 予約は、係の 人に お聞きください。4を 押してください。"]
    assert turn.asked[0] == MENU
    assert call.press("2").said[:2] == ["この 電話番号の 予約は ありません。",
                                        "この 予約は、係の 人に お聞きください。4を 押してください。"]
    assert call.turns[-1].asked[0] == MENU
