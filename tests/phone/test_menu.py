"""The greeting and the main menu: known and unknown callers, the English key, keys that
are not choices, 9 and *, silence (asked twice more, then goodbye with the staff desk's
hours), forged requests (403) and the staff desk in and out of its hours."""

from datetime import date, time

import pytest
from sqlalchemy import select

from desk.config import parse_closed_days
from desk.core.timeutil import local_datetime
from desk.extensions import db
from desk.phone.models import CallOutcome, PhoneCall
from tests.notify.channel_support import signed_post
from tests.phone.conftest import MONDAY, STAFF_NUMBER

MENU = ["講座を 予約する ときは、1を 押してください。"]


def _call(caller):
    return db.session.scalars(select(PhoneCall).where(PhoneCall.call_sid == caller.sid)).one()


@pytest.fixture
def keiko(line, create_person):
    return create_person(name="佐藤 恵子", name_kana="さとう けいこ", phone="0466-25-1234")


def test_a_known_caller_is_greeted_by_name_and_hears_the_menu(keiko, caller):
    call = caller()
    turn = call.ring()

    assert turn.said[0] == "お電話 ありがとうございます。藤沢市の スマホ講座の 電話です。"
    assert "こんにちは、ケイコさん。" in turn.said
    assert turn.asked[:6] == [
        "講座を 予約する ときは、1を 押してください。",
        "予約を 聞く ときや、取り消す ときは、2を 押してください。",
        "スマホ なんでも 相談窓口の 日にちを 聞く ときは、3を 押してください。",
        "係の 人と 話す ときは、4を 押してください。",
        "「予約」のように、声で 答えることも できます。",
        "もう一度 聞く ときは 9、前に 戻る ときは 米じるしを 押してください。"]
    assert turn.english == ["For English, press 8."]
    row = _call(call)
    assert row.person_id == keiko.id and row.caller == "+81466251234"
    assert row.step == "menu" and row.outcome == CallOutcome.IN_PROGRESS


def test_a_ringing_request_retried_makes_one_call(keiko, caller):
    call = caller()
    first = call.ring()
    assert call.ring().text == first.text
    assert len(db.session.scalars(select(PhoneCall)).all()) == 1


def test_an_unknown_caller_is_asked_their_name_to_book(line, caller):
    call = caller("+819012345678")
    call.ring()
    turn = call.press("1")
    assert turn.said[0] == "この 電話番号は まだ 登録されていません。"
    assert turn.record is not None
    assert _call(call).person_id is None


def test_an_unknown_caller_has_no_bookings_and_is_asked_a_booking_number(line, caller):
    call = caller("+819012345678")
    call.ring()
    turn = call.press("2")
    assert turn.said[0] == "この 電話番号の 予約は ありません。"
    assert turn.asked[:2] == ["予約番号で、予約を 聞けます。",
                              "予約番号の 8けたを 押して、最後に シャープを 押してください。"]
    assert _call(call).person_id is None


def test_a_wrong_key_is_said_and_the_question_asked_again(keiko, caller):
    call = caller()
    call.ring()
    turn = call.press("7")
    assert turn.said[0] == "7番は ありません。"
    assert turn.asked[0] == MENU[0]
    turn = call.press("#")
    assert turn.said[0] == "シャープは ありません。"


def test_nine_repeats_and_star_goes_back(keiko, caller):
    call = caller()
    call.ring()
    turn = call.press("1")
    assert turn.asked[0] == "席が ある 講座を 早い 順に 聞く ときは、1を 押してください。"
    assert call.press("9").asked == turn.asked
    assert call.press("*").asked[0] == MENU[0]


def test_silence_asks_twice_more_then_says_goodbye_with_the_hours(keiko, caller):
    call = caller()
    first = call.ring()
    for _again in range(2):
        turn = call.silence()
        assert turn.said[0] == "ボタンが 押されませんでした。"
        assert turn.asked == first.asked[-len(turn.asked):]
    turn = call.silence()
    assert turn.gather is None and turn.hangs_up
    assert turn.said[-1] == ("お電話 ありがとうございました。係の 人は、0、4、6、6。 2、5。 1、1、1、1 "
                             "で、祝日と 12月29日から 1月3日を のぞく、月曜日から 金曜日の "
                             "午前9時から 午後5時まで お話しできます。"
                             "さようなら。")
    row = _call(call)
    assert row.outcome == CallOutcome.HUNG_UP and row.outcome_step == "menu"


def test_english_prompts_with_key_eight(keiko, caller):
    call = caller()
    call.ring()
    turn = call.press("8")
    assert turn.asked[0] == "To book a class, press 1."
    assert turn.english[:4] == [
        "To book a class, press 1.", "To hear or cancel your bookings, press 2.",
        "To hear the dates of the smartphone consultation desks, press 3.",
        "To talk to the staff, press 4."]
    assert turn.japanese == ["日本語の 案内は、8を 押してください。"]
    assert call.press("8").asked[0] == MENU[0]


def test_a_resident_who_reads_english_hears_english(line, create_person, caller):
    create_person(name="Maria Santos", name_kana="マリア サントス", phone="090-5555-1212",
                  language="en")
    turn = caller("+819055551212").ring()
    assert "Hello, Maria Santos." in turn.english
    assert turn.asked[0] == "To book a class, press 1."


@pytest.mark.parametrize("path", ["/phone/voice/incoming", "/phone/voice/answer/1",
                                  "/phone/voice/status"])
def test_a_forged_request_is_403(line, client, path):
    params = {"CallSid": "CA" + "f" * 32, "From": "+81466251234", "Digits": "1"}
    assert client.post(path, data=params).status_code == 403
    forged = signed_post(client, path, params, token="not-the-token")
    assert forged.status_code == 403
    assert db.session.scalars(select(PhoneCall)).first() is None


def test_staff_within_the_hours_are_dialled(keiko, caller):
    call = caller()
    call.ring()
    turn = call.press("4")
    assert turn.said[0] == "係の 人に おつなぎします。少し お待ちください。"
    assert turn.dial == STAFF_NUMBER
    assert _call(call).outcome == CallOutcome.TRANSFERRED


def test_outside_the_hours_the_hours_are_said_and_the_menu_offered(keiko, caller,
                                                                   monkeypatch):
    monkeypatch.setattr("desk.phone.views.utcnow",
                        lambda: local_datetime(MONDAY, time(17, 30)))
    call = caller()
    call.ring()
    turn = call.press("4")
    assert turn.dial is None
    assert turn.said[0] == ("係の 人が 電話に 出られるのは、祝日と 12月29日から 1月3日を のぞく、"
                            "月曜日から 金曜日の 午前9時から 午後5時までです。"
                            "その 時間に お電話 ください。")
    assert turn.asked[0] == MENU[0]
    assert _call(call).outcome == CallOutcome.IN_PROGRESS


@pytest.mark.parametrize("day", [date(2026, 11, 23),  # 勤労感謝の日, a Monday
                                 date(2027, 1, 11),  # 成人の日 (the second Monday of January)
                                 date(2026, 12, 29), date(2026, 12, 30)])  # the year end
def test_on_a_public_holiday_or_the_year_end_the_staff_desk_is_closed(keiko, caller,
                                                                       monkeypatch, day):
    monkeypatch.setattr("desk.phone.views.utcnow", lambda: local_datetime(day, time(10)))
    call = caller()
    call.ring()
    turn = call.press("4")
    assert turn.dial is None
    assert turn.said[0].startswith("係の 人が 電話に 出られるのは、祝日と")
    assert _call(call).outcome == CallOutcome.IN_PROGRESS


def test_after_the_year_end_the_staff_desk_answers_again(keiko, caller, monkeypatch):
    monkeypatch.setattr("desk.phone.views.utcnow",
                        lambda: local_datetime(date(2027, 1, 4), time(10)))  # a Monday
    call = caller()
    call.ring()
    assert call.press("4").dial == STAFF_NUMBER


def test_the_closed_days_of_the_year_are_a_setting(keiko, line, caller, monkeypatch):
    monkeypatch.setitem(line.config, "DESK_PHONE_STAFF_CLOSED_DAYS", parse_closed_days("off"))
    monkeypatch.setattr("desk.phone.views.utcnow",
                        lambda: local_datetime(date(2026, 12, 29), time(10)))  # a Tuesday
    call = caller()
    call.ring()
    assert call.press("4").dial == STAFF_NUMBER


def test_a_withheld_number_keys_in_its_number(keiko, caller, create_session):
    call = caller("anonymous")
    call.ring()
    turn = call.press("2")  # my bookings
    assert turn.gather.get("finishOnKey") == "#" and turn.gather.get("numDigits") is None
    assert turn.asked[:2] == ["この 電話は 番号が 表示されていません。",
                              "お電話番号を 0から 押して、最後に シャープを 押してください。"]
    turn = call.press("12345")
    assert turn.said[0] == "その 番号は 使えません。市外局番から 押してください。"
    turn = call.press("0466251234")
    assert turn.asked[:2] == ["押した 番号は、0、4、6、6。 2、5。 1、2、3、4 です。",
                              "合って いる ときは 1、押しなおす ときは 2を 押してください。"]
    turn = call.press("1")
    assert turn.said[0] == "この 電話番号の 予約は ありません。"
    row = _call(call)
    assert row.person_id == keiko.id and row.caller is None and row.caller_withheld


def test_a_keyed_number_nobody_has_is_asked_the_name(keiko, caller):
    call = caller("anonymous")
    call.ring()
    call.press("1")
    call.press("0466229999")
    assert call.press("2").asked[1].startswith("お電話番号を")  # key it in again
    call.press("0466229999")
    turn = call.press("1")
    assert turn.said[0] == "この 電話番号は まだ 登録されていません。"
    assert turn.record is not None
    assert _call(call).person_id is None
