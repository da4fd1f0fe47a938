"""Booking a class by phone as a known caller: the whole call through the signed
webhooks, on a shared number, on a full class (the waiting list), when the last seat
or the booking closes between hearing and confirming, hanging up before confirming,
and Twilio retrying the confirming request."""

import re
from datetime import time, timedelta

import pytest
from sqlalchemy import select

from desk.core.errors import Busy
from desk.core.timeutil import local_datetime
from desk.events import services as events
from desk.events.models import Booking, BookingStatus
from desk.events.notices import BookingTemplate
from desk.extensions import db
from desk.notify.models import OutboxMessage
from desk.phone.models import CallOutcome, PhoneCall
from tests.phone.conftest import TUESDAY

LANDLINE = "+81466251234"


@pytest.fixture
def program(line, create_program):
    return create_program(title="はじめてのスマホ", title_kana="ハジメテノスマホ")


@pytest.fixture
def kugenuma(line, create_district, create_venue):
    district = create_district(name="鵠沼", name_kana="クゲヌマ")
    return create_venue(name="鵠沼市民センター", name_kana="クゲヌマシミンセンター",
                        short_name="鵠沼", district_id=district.id)


@pytest.fixture
def shonandai(line, create_district, create_venue):
    district = create_district(name="湘南台", name_kana="ショウナンダイ")
    return create_venue(name="湘南台市民センター", name_kana="ショウナンダイシミンセンター",
                        short_name="湘南台", district_id=district.id)


@pytest.fixture
def keiko(line, create_person, kugenuma):
    return create_person(name="佐藤 恵子", name_kana="さとう けいこ", phone="0466-25-1234",
                         district_id=kugenuma.district_id)


def _class(create_session, program, venue, *, day=TUESDAY, start=time(10), capacity=12):
    return create_session(day=day, start=start, end=time(start.hour + 1, 30),
                          program_id=program.id, venue_id=venue.id, capacity=capacity)


def _row(call):
    return db.session.scalars(select(PhoneCall).where(PhoneCall.call_sid == call.sid)).one()


def _bookings(person):
    return db.session.scalars(select(Booking).where(Booking.person_id == person.id)).all()


def _to_confirm(call, *, seats="2"):
    call.ring()
    call.press("1")  # book a class
    listed = call.press("1")  # the soonest with seats
    call.press("1")  # the first class
    return listed, call.press(seats)


def test_a_known_caller_books_a_class(keiko, caller, create_session, program, kugenuma,
                                      shonandai):
    wednesday = TUESDAY + timedelta(days=1)
    _class(create_session, program, shonandai, day=wednesday, start=time(14))
    _class(create_session, program, kugenuma)
    call = caller(LANDLINE)

    listed, confirm = _to_confirm(call)

    assert listed.asked[:3] == [
        f"1番。{TUESDAY.month}月{TUESDAY.day}日 火曜日 午前10時、クゲヌマシミンセンターで、"
        "ハジメテノスマホ。",
        f"2番。{wednesday.month}月{wednesday.day}日 水曜日 午後2時、"
        "ショウナンダイシミンセンターで、ハジメテノスマホ。",
        "講座の 番号を 押してください。"]
    assert confirm.asked[:3] == [
        "ケイコさん、2人の 予約です。",
        f"{TUESDAY.month}月{TUESDAY.day}日 火曜日 午前10時、クゲヌマシミンセンターで、"
        "ハジメテノスマホ。",
        "予約する ときは 1、やめる ときは 2を 押してください。"]
    assert not _bookings(keiko)  # nothing before the confirming key

    booked = call.press("1")

    [booking] = _bookings(keiko)
    assert booking.status == BookingStatus.BOOKED and booking.seats == 2
    assert booking.channel == "phone_line"
    digits = "、".join(booking.code[:4]) + "。 " + "、".join(booking.code[4:])
    assert booked.asked[:5] == ["予約が できました。", f"予約番号は、{digits} です。",
                                "もう一度 言います。", f"予約番号は、{digits} です。",
                                "予約の お知らせも 送ります。"]
    planned = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.topic == "booking", OutboxMessage.topic_id == booking.id)).all()
    assert BookingTemplate.BOOKING_CONFIRMED in {message.template for message in planned}
    row = _row(call)
    assert row.outcome == CallOutcome.BOOKED and row.booking_id == booking.id
    assert call.press("1").asked[0] == "講座を 予約する ときは、1を 押してください。"


def test_classes_near_the_caller_and_by_area(keiko, caller, create_session, program,
                                             kugenuma, shonandai):
    _class(create_session, program, shonandai)
    _class(create_session, program, kugenuma, start=time(13))
    call = caller(LANDLINE)
    call.ring()
    call.press("1")
    listed = call.press("2")  # near me: 鵠沼
    assert listed.asked[0].startswith("1番。") and "クゲヌマ" in listed.asked[0]
    assert not [line for line in listed.asked if "ショウナンダイ" in line]
    call.press("*")
    areas = call.press("3")
    assert areas.asked[:3] == ["地区を 選んでください。", "クゲヌマは、1を 押してください。",
                               "ショウナンダイは、2を 押してください。"]
    listed = call.press("2")
    assert "ショウナンダイ" in listed.asked[0]
    assert not [line for line in listed.asked if "クゲヌマ" in line]


def test_a_shared_number_asks_who_is_calling(line, create_person, caller, create_session,
                                             program, kugenuma):
    create_person(name="鈴木 茂", name_kana="すずき しげる", phone="0466-25-1234")
    kazuko = create_person(name="鈴木 和子", name_kana="すずき かずこ", phone="0466-25-1234")
    _class(create_session, program, kugenuma)
    call = caller(LANDLINE)

    turn = call.ring()
    assert turn.asked[:3] == ["どなたですか。お名前を 選んでください。",
                              "シゲルさんは、1を 押してください。",
                              "カズコさんは、2を 押してください。"]
    menu = call.press("2")
    assert menu.said[0] == "こんにちは、カズコさん。"
    call.press("1")
    call.press("1")
    call.press("1")
    confirm = call.press("1")
    assert confirm.asked[0] == "カズコさん、1人の 予約です。"
    call.press("1")
    assert [booking.seats for booking in _bookings(kazuko)] == [1]
    assert _row(call).person_id == kazuko.id


def test_a_full_class_is_offered_as_its_waiting_list(keiko, caller, create_session, program,
                                                     kugenuma, create_person):
    full = _class(create_session, program, kugenuma, capacity=1)
    open_class = _class(create_session, program, kugenuma, start=time(14))
    events.book_seat(full, create_person(), channel="phone_desk", actor="test")
    db.session.commit()
    call = caller(LANDLINE)
    call.ring()
    call.press("1")
    listed = call.press("1")
    assert "午後2時" in listed.asked[0]  # seats first
    assert "午前10時" in listed.asked[1]
    assert listed.asked[2] == "この 講座は 満席です。キャンセル待ちが できます。"
    call.press("2")
    confirm = call.press("1")
    assert confirm.asked[2:4] == ["席が もう ありません。キャンセル待ちに できます。",
                                  "キャンセル待ちに する ときは 1、やめる ときは 2を 押してください。"]
    done = call.press("1")
    assert done.asked[0] == ("キャンセル待ちの 1番目に なりました。席が あいたら お知らせします。")
    [booking] = _bookings(keiko)
    assert booking.status == BookingStatus.WAITLISTED and booking.session_id == full.id
    assert open_class.id != full.id


def test_the_last_seat_taken_before_confirming_offers_the_waiting_list(
        keiko, caller, create_session, program, kugenuma, create_person):
    session = _class(create_session, program, kugenuma, capacity=1)
    call = caller(LANDLINE)
    _listed, confirm = _to_confirm(call, seats="1")
    assert confirm.asked[2] == "予約する ときは 1、やめる ときは 2を 押してください。"
    events.book_seat(session, create_person(), channel="phone_desk", actor="test")
    db.session.commit()

    turn = call.press("1")

    assert turn.said[0] == "すみません。今、席が なくなりました。"
    assert "キャンセル待ちに する ときは 1、やめる ときは 2を 押してください。" in turn.asked
    assert not _bookings(keiko)
    call.press("1")
    assert [booking.status for booking in _bookings(keiko)] == [BookingStatus.WAITLISTED]


def test_a_class_cancelled_before_confirming_is_said_and_nothing_booked(
        keiko, caller, create_session, program, kugenuma):
    session = _class(create_session, program, kugenuma)
    call = caller(LANDLINE)
    _to_confirm(call)
    events.cancel_session(session, "台風のため", actor="test",
                          now=local_datetime(TUESDAY, time(8)) - timedelta(days=1))
    db.session.commit()

    turn = call.press("1")

    assert turn.said[0] == "すみません。この 講座は、もう 電話で 予約できません。"
    assert not _bookings(keiko)


def test_hanging_up_before_confirming_books_nothing(keiko, caller, create_session, program,
                                                   kugenuma):
    _class(create_session, program, kugenuma)
    call = caller(LANDLINE)
    _to_confirm(call)
    assert "ケイコ" in _row(call).last_twiml  # the read-back names her
    call.hang_up()
    assert not _bookings(keiko)
    row = _row(call)
    assert row.outcome == CallOutcome.HUNG_UP and row.outcome_step == "book_confirm"
    # no request of the call can come any more: what it last said and heard is deleted
    assert row.last_twiml is None and row.last_digits is None


def test_twilio_retrying_the_confirming_request_books_once(keiko, caller, create_session,
                                                          program, kugenuma):
    session = _class(create_session, program, kugenuma)
    call = caller(LANDLINE)
    _to_confirm(call)
    first = call.press("1")
    again = call.retry()

    assert again.text == first.text
    [booking] = _bookings(keiko)
    assert booking.session_id == session.id
    confirmations = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.topic_id == booking.id,
        OutboxMessage.template == BookingTemplate.BOOKING_CONFIRMED)).all()
    assert len(confirmations) == 1


def test_prompts_never_say_iso_dates_or_english_words(keiko, caller, create_session, program,
                                                      kugenuma, shonandai, create_person):
    _class(create_session, program, kugenuma, start=time(12))
    _class(create_session, program, shonandai, start=time(9, 30), capacity=1)
    call = caller(LANDLINE)
    call.ring()
    for keys in ("1", "1", "9", "1", "2", "1", "1", "3", "2", "1", "2"):
        call.press(keys)
    for keys in ("2", "9", "*", "3", "*", "4", "7", "#", ""):
        call.press(keys)
    japanese = [text for turn in call.turns for text in turn.japanese]
    assert len(japanese) > 40
    iso = re.compile(r"\d{4}-\d{2}-\d{2}|\d{1,2}:\d{2}|T\d{2}")
    assert not [text for text in japanese if iso.search(text)]
    assert not [text for text in japanese if re.search(r"[A-Za-z]", text)]
    assert any("正午" in text for text in japanese)
    assert any("午前9時30分" in text for text in japanese)


def test_four_classes_at_a_time_then_zero_for_the_rest(keiko, caller, create_session,
                                                       program, kugenuma):
    for days in range(5):
        _class(create_session, program, kugenuma, day=TUESDAY + timedelta(days=days))
    fifth = TUESDAY + timedelta(days=4)
    call = caller(LANDLINE)
    call.ring()
    call.press("1")
    listed = call.press("1")
    assert [line[:2] for line in listed.asked[:4]] == ["1番", "2番", "3番", "4番"]
    assert listed.asked[4:6] == ["講座の 番号を 押してください。",
                                 "つづきを 聞く ときは、0を 押してください。"]
    rest = call.press("0")
    assert rest.asked[0].startswith(f"1番。{fifth.month}月{fifth.day}日 ")
    assert "つづきを 聞く ときは、0を 押してください。" not in rest.asked
    assert call.press("2").said[0] == "2番は ありません。"
    call.press("1")  # the fifth class
    confirm = call.press("1")  # one person
    assert confirm.asked[1].startswith(f"{fifth.month}月{fifth.day}日 ")


def test_a_busy_class_undoes_the_turn_and_asks_for_the_key_again(keiko, caller,
                                                                 create_session, program,
                                                                 kugenuma, monkeypatch):
    _class(create_session, program, kugenuma)
    call = caller(LANDLINE)
    _to_confirm(call)
    turn_before = _row(call).turn

    def busy(*args, **kwargs):
        raise Busy()

    with monkeypatch.context() as patch:
        patch.setattr("desk.events.services.book_seat", busy)
        turn = call.press("1")
    assert turn.said[0] == Busy().message
    assert turn.asked == ["もう一度、ボタンを 押してください。"]
    db.session.expire_all()
    row = _row(call)
    assert (row.turn, row.step) == (turn_before, "book_confirm") and not _bookings(keiko)

    assert call.press("1").asked[0] == "予約が できました。"
    assert len(_bookings(keiko)) == 1
