"""A key chooses what was read out with it: the line keeps the ids it read, so a list
that changes between hearing and pressing (a sooner class added, a new area, a
resident leaving the number) cannot shift the choices; a choice gone meanwhile is said."""

from datetime import time

import pytest
from sqlalchemy import select

from desk.events import services as events
from desk.events.models import Booking
from desk.extensions import db
from desk.phone.models import PhoneCall
from tests.phone.conftest import CLOCK, TUESDAY

LANDLINE = "+81466251234"
CHANGED = "すみません。選ぶ ものが 変わりました。もう一度 聞いてください。"


@pytest.fixture
def program(line, create_program):
    return create_program(title="はじめてのスマホ", title_kana="ハジメテノスマホ")


@pytest.fixture
def district_venue(line, create_district, create_venue):
    def make(name, kana, position):
        district = create_district(name=name, name_kana=kana, position=position)
        return create_venue(name=f"{name}市民センター", name_kana=f"{kana}シミンセンター",
                            short_name=name, district_id=district.id)
    return make


@pytest.fixture
def keiko(line, create_person):
    return create_person(name="佐藤 恵子", name_kana="さとう けいこ", phone="0466-25-1234")


def _class(create_session, program, venue, hour):
    return create_session(day=TUESDAY, start=time(hour), end=time(hour + 1),
                          program_id=program.id, venue_id=venue.id)


def _row(call):
    return db.session.scalars(select(PhoneCall).where(PhoneCall.call_sid == call.sid)).one()


def test_a_sooner_class_added_after_the_list_was_read(keiko, caller, create_session, program,
                                                      district_venue):
    venue = district_venue("鵠沼", "クゲヌマ", 1)
    heard = _class(create_session, program, venue, 10)
    call = caller(LANDLINE)
    call.ring()
    call.press("1")
    listed = call.press("1")
    assert "午前10時" in listed.asked[0]
    _class(create_session, program, venue, 9)  # now the first of the soonest

    call.press("1")
    confirm = call.press("1")

    assert "午前10時" in confirm.asked[1] and "午前9時" not in confirm.asked[1]
    call.press("1")
    [booking] = db.session.scalars(select(Booking).where(Booking.person_id == keiko.id)).all()
    assert booking.session_id == heard.id


def test_a_class_gone_after_the_list_was_read_is_said(keiko, caller, create_session, program,
                                                      district_venue):
    session = _class(create_session, program, district_venue("鵠沼", "クゲヌマ", 1), 10)
    call = caller(LANDLINE)
    call.ring()
    call.press("1")
    call.press("1")
    events.cancel_session(session, "台風のため", actor="test", now=CLOCK)
    db.session.commit()
    turn = call.press("1")
    assert turn.said[0] == "すみません。この 講座は、もう 電話で 予約できません。"
    assert _row(call).choices.get("session_id") is None


def test_a_new_area_before_the_one_heard(keiko, caller, create_session, program,
                                         district_venue):
    _class(create_session, program, district_venue("鵠沼", "クゲヌマ", 2), 10)
    _class(create_session, program, district_venue("辻堂", "ツジドウ", 3), 14)
    call = caller(LANDLINE)
    call.ring()
    call.press("1")
    areas = call.press("3")
    assert areas.asked[1:3] == ["クゲヌマは、1を 押してください。",
                                "ツジドウは、2を 押してください。"]
    _class(create_session, program, district_venue("片瀬", "カタセ", 1), 11)  # read first now

    listed = call.press("2")

    assert "ツジドウシミンセンター" in listed.asked[0]
    assert not [line for line in listed.asked if "カタセ" in line or "クゲヌマ" in line]


def test_an_area_without_classes_any_more_is_said(keiko, caller, create_session, program,
                                                  district_venue):
    _class(create_session, program, district_venue("鵠沼", "クゲヌマ", 1), 10)
    gone = _class(create_session, program, district_venue("辻堂", "ツジドウ", 2), 14)
    call = caller(LANDLINE)
    call.ring()
    call.press("1")
    call.press("3")
    events.cancel_session(gone, "会場の 都合", actor="test", now=CLOCK)
    db.session.commit()
    turn = call.press("2")
    assert turn.said[0] == CHANGED
    assert turn.asked[:2] == ["地区を 選んでください。", "クゲヌマは、1を 押してください。"]


def test_a_resident_who_left_the_number_after_the_names_were_read(line, create_person,
                                                                  caller):
    create_person(name="鈴木 茂", name_kana="すずき しげる", phone="0466-25-1234")
    kazuko = create_person(name="鈴木 和子", name_kana="すずき かずこ", phone="0466-25-1234")
    create_person(name="鈴木 健太", name_kana="すずき けんた", phone="0466-25-1234")
    call = caller(LANDLINE)
    turn = call.ring()
    assert turn.asked[2] == "カズコさんは、2を 押してください。"
    kazuko.phone = "+819011112222"  # moved to her own mobile
    db.session.commit()

    turn = call.press("2")

    assert turn.said[0] == CHANGED
    assert turn.asked[1:3] == ["シゲルさんは、1を 押してください。",
                               "ケンタさんは、2を 押してください。"]
    assert _row(call).person_id is None
    assert call.press("2").said[0] == "こんにちは、ケンタさん。"
