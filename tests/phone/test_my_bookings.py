"""My bookings and the consultation desks by phone: the upcoming bookings of the people
on the number read one by one, one cancelled with a confirming key (the waiting list
promoted, the messages planned); the next consultation desks, nearest first."""

from datetime import time, timedelta

import pytest
from sqlalchemy import select

from desk.core.timeutil import local_datetime
from desk.events import services as events
from desk.events.models import BookingStatus
from desk.events.notices import BookingTemplate
from desk.extensions import db
from desk.notify.models import OutboxMessage
from desk.phone.models import CallOutcome, PhoneCall
from tests.phone.conftest import TUESDAY

LANDLINE = "+81466251234"


@pytest.fixture
def venues(line, create_district, create_venue):
    kugenuma = create_district(name="鵠沼", name_kana="クゲヌマ")
    tsujido = create_district(name="辻堂", name_kana="ツジドウ")
    return (create_venue(name="鵠沼市民センター", name_kana="クゲヌマシミンセンター",
                         short_name="鵠沼", district_id=kugenuma.id),
            create_venue(name="辻堂市民センター", name_kana="ツジドウシミンセンター",
                         short_name="辻堂", district_id=tsujido.id))


@pytest.fixture
def couple(line, create_person, venues):
    return (create_person(name="鈴木 茂", name_kana="すずき しげる", phone="0466-25-1234",
                          district_id=venues[1].district_id),
            create_person(name="鈴木 和子", name_kana="すずき かずこ", phone="0466-25-1234"))


def _row(call):
    return db.session.scalars(select(PhoneCall).where(PhoneCall.call_sid == call.sid)).one()


def test_my_bookings_are_read_and_one_cancelled(couple, venues, caller, create_session,
                                                create_program, create_person):
    shigeru, kazuko = couple
    program = create_program(title="LINEの使い方", title_kana="ラインノツカイカタ")
    first = create_session(day=TUESDAY, start=time(10), end=time(11, 30), capacity=1,
                           program_id=program.id, venue_id=venues[0].id)
    second = create_session(day=TUESDAY + timedelta(days=2), start=time(13, 30),
                            end=time(15), program_id=program.id, venue_id=venues[1].id)
    kept = events.book_seat(second, kazuko, seats=2, channel="phone_desk",
                            actor="test").booking
    cancelled = events.book_seat(first, shigeru, channel="phone_desk", actor="test").booking
    waiting = events.book_seat(first, create_person(), channel="phone_desk",
                               actor="test").booking
    db.session.commit()
    call = caller(LANDLINE)
    call.ring()
    call.press("1")  # 茂

    turn = call.press("2")

    assert turn.asked[:3] == [
        "シゲルさんの 予約です。1人です。",
        f"{TUESDAY.month}月{TUESDAY.day}日 火曜日 午前10時、クゲヌマシミンセンターで、"
        "ラインノツカイカタ。",
        "この 予約を 取り消す ときは 1、次の 予約を 聞く ときは 2を 押してください。"]
    assert call.press("1").asked[0] == "この 予約を 取り消しますか。"
    turn = call.press("1")

    assert turn.said[0] == "予約を 取り消しました。"
    assert turn.asked[0] == "カズコさんの 予約です。2人です。"
    assert "午後1時30分" in turn.asked[1]
    db.session.expire_all()
    assert cancelled.status == BookingStatus.CANCELLED and kept.status == BookingStatus.BOOKED
    assert waiting.status == BookingStatus.BOOKED  # promoted
    templates = {message.template for message in db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.topic == "booking"))}
    assert {BookingTemplate.BOOKING_CANCELLED, BookingTemplate.WAITLIST_PROMOTED} <= templates
    assert _row(call).outcome == CallOutcome.CANCELLED

    turn = call.press("2")
    assert turn.said[0] == "予約は 以上です。"
    assert turn.asked[0] == "講座を 予約する ときは、1を 押してください。"


def test_keeping_a_booking_changes_nothing(couple, venues, caller, create_session):
    shigeru, _kazuko = couple
    booking = events.book_seat(create_session(day=TUESDAY, venue_id=venues[0].id), shigeru,
                               channel="phone_desk", actor="test").booking
    db.session.commit()
    call = caller(LANDLINE)
    call.ring()
    call.press("1")
    call.press("2")
    call.press("1")
    turn = call.press("2")
    assert turn.said[0] == "予約は そのままです。"
    assert booking.status == BookingStatus.BOOKED
    assert _row(call).outcome == CallOutcome.LISTENED


def test_no_bookings_is_said(couple, caller):
    call = caller(LANDLINE)
    call.ring()
    call.press("2")
    turn = call.press("2")
    assert turn.said[0] == "この 電話番号の 予約は ありません。"
    assert turn.asked[0] == "予約番号で、予約を 聞けます。"
    assert call.press("*").asked[0] == "講座を 予約する ときは、1を 押してください。"


def test_the_next_consultation_desks_nearest_first(couple, venues, caller, create_session):
    kugenuma, tsujido = venues
    create_session(kind="consultation", day=TUESDAY, start=time(10), end=time(12),
                   venue_id=kugenuma.id)
    create_session(kind="consultation", day=TUESDAY + timedelta(days=7), start=time(13),
                   end=time(16), venue_id=tsujido.id)
    later = TUESDAY + timedelta(days=7)
    call = caller(LANDLINE)
    call.ring()
    call.press("1")  # 茂, who lives in 辻堂

    turn = call.press("3")

    assert turn.asked[:3] == [
        "スマホ なんでも 相談窓口の 日にちです。予約は いりません。",
        f"{later.month}月{later.day}日 火曜日 午後1時から 午後4時まで、ツジドウシミンセンター。",
        f"{TUESDAY.month}月{TUESDAY.day}日 火曜日 午前10時から 正午まで、"
        "クゲヌマシミンセンター。"]
    assert _row(call).outcome == CallOutcome.LISTENED
    assert call.press("*").asked[0] == "講座を 予約する ときは、1を 押してください。"


def test_no_desks_planned_is_said(couple, caller, create_session, venues):
    create_session(kind="consultation", start_dt=local_datetime(TUESDAY, time(10)) -
                   timedelta(days=30), end_dt=local_datetime(TUESDAY, time(12)) -
                   timedelta(days=30), venue_id=venues[0].id)
    call = caller(LANDLINE)
    call.ring()
    call.press("1")
    turn = call.press("3")
    assert turn.said[0] == "今は、相談窓口の 予定が ありません。"
