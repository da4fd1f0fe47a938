"""Answers said instead of keyed: the <Gather> listens for speech in the call's language
where a spoken answer is natural (the main menu, who is calling, the area, the party,
yes or no), each answer acts exactly like its key, words not understood are said and
asked again like a wrong key (not counted as silence), and keys still work."""

from datetime import time

import pytest
from sqlalchemy import select

from desk.events import services as events
from desk.events.models import Booking, BookingStatus
from desk.extensions import db
from desk.phone.models import PhoneCall
from desk.phone.spoken_answers import YES_NO, key_for
from tests.phone.conftest import CLOCK, TUESDAY

LANDLINE = "+81466251234"
MENU = "講座を 予約する ときは、1を 押してください。"
NOT_CAUGHT = "すみません。聞き取れませんでした。"


@pytest.fixture
def areas(line, create_district, create_venue):
    kugenuma = create_district(name="鵠沼", name_kana="クゲヌマ", name_en="Kugenuma")
    tsujido = create_district(name="辻堂", name_kana="ツジドウ", name_en="Tsujido")
    return (create_venue(name="鵠沼市民センター", name_kana="クゲヌマシミンセンター",
                         short_name="鵠沼", district_id=kugenuma.id),
            create_venue(name="辻堂市民センター", name_kana="ツジドウシミンセンター",
                         short_name="辻堂", district_id=tsujido.id))


@pytest.fixture
def classes(areas, create_session, create_program):
    program = create_program(title="はじめてのスマホ", title_kana="ハジメテノスマホ")
    return [create_session(day=TUESDAY, start=time(hour), end=time(hour + 1),
                           program_id=program.id, venue_id=venue.id)
            for hour, venue in ((10, areas[0]), (14, areas[1]))]


@pytest.fixture
def keiko(line, create_person):
    return create_person(name="佐藤 恵子", name_kana="さとう けいこ", phone="0466-25-1234")


@pytest.fixture
def couple(line, create_person):
    return (create_person(name="鈴木 茂", name_kana="すずき しげる", phone="0466-25-1234"),
            create_person(name="鈴木 和子", name_kana="すずき かずこ", phone="0466-25-1234"))


def _bookings(person):
    return db.session.scalars(select(Booking).where(Booking.person_id == person.id)).all()


def _row(call):
    return db.session.scalars(select(PhoneCall).where(PhoneCall.call_sid == call.sid)).one()


def test_the_menu_listens_for_japanese_words(keiko, caller):
    call = caller(LANDLINE)
    turn = call.ring()
    gather = turn.gather
    assert gather.get("input") == "dtmf speech" and gather.get("language") == "ja-JP"
    assert gather.get("speechTimeout") == "auto"
    assert {"予約", "キャンセル", "相談", "職員"} <= set(gather.get("hints").split(","))
    assert "「予約」のように、声で 答えることも できます。" in turn.asked

    assert call.say("予約を したいです").asked[0] == (
        "席が ある 講座を 早い 順に 聞く ときは、1を 押してください。")
    call.press("*")
    assert call.say("予約を 取り消したい").said[0] == "この 電話番号の 予約は ありません。"
    call.press("*")
    assert call.say("相談").said[0] == "今は、相談窓口の 予定が ありません。"
    assert call.say("スタッフと 話したい").said[0] == (
        "係の 人に おつなぎします。少し お待ちください。")


def test_an_english_call_listens_in_english(line, create_person, caller, classes):
    maria = create_person(name="Maria Santos", name_kana="マリア サントス",
                          phone="090-5555-1212", language="en")
    call = caller("+819055551212")
    turn = call.ring()
    assert turn.gather.get("language") == "en-US"
    assert "You can also say what you want, for example: booking." in turn.asked
    assert call.say("I would like to book a class").asked[0] == (
        "To hear the soonest classes with seats, press 1.")
    call.press("3")
    assert call.say("Tsujido, please").asked[0].startswith("Number 1:")
    call.press("1")
    confirm = call.say("Two people")
    assert confirm.asked[0] == "Maria Santos, 2 people."
    assert call.say("Yes").asked[0] == "Your booking is made."
    assert [booking.seats for booking in _bookings(maria)] == [2]


def test_a_name_chooses_who_is_calling(couple, caller):
    _shigeru, kazuko = couple
    call = caller(LANDLINE)
    turn = call.ring()
    assert "お名前を 言うことも できます。" in turn.asked
    assert {"カズコ", "和子", "シゲル", "茂"} <= set(turn.gather.get("hints").split(","))
    assert call.say("和子です").said[0] == "こんにちは、カズコさん。"
    assert _row(call).person_id == kazuko.id


@pytest.mark.parametrize("said", ["シゲル", "しげるです", "ｼｹﾞﾙ", "鈴木茂"])
def test_a_name_said_in_kana_or_kanji_is_the_same_name(couple, caller, said):
    shigeru, _kazuko = couple
    call = caller(LANDLINE)
    call.ring()
    assert call.say(said).said[0] == "こんにちは、シゲルさん。"
    assert _row(call).person_id == shigeru.id


def test_booking_by_voice_area_party_and_yes(keiko, caller, classes):
    call = caller(LANDLINE)
    call.ring()
    call.press("1")
    areas = call.press("3")
    assert "地区の 名前を 言うことも できます。" in areas.asked
    listed = call.say("つじどう")
    assert "ツジドウシミンセンター" in listed.asked[0]
    call.press("1")
    confirm = call.say("ふたりです")
    assert confirm.asked[0] == "ケイコさん、2人の 予約です。"
    assert "はい、か、いいえ、と 答えることも できます。" in confirm.asked
    assert call.say("はい、お願いします").asked[0] == "予約が できました。"
    [booking] = _bookings(keiko)
    assert booking.seats == 2 and booking.session_id == classes[1].id


@pytest.mark.parametrize(("said", "seats"), [("ひとり", 1), ("3人", 3), ("３名です", 3),
                                             ("二人", 2)])
def test_party_sizes_said_many_ways(keiko, caller, classes, said, seats):
    call = caller(LANDLINE)
    call.ring()
    call.press("1")
    call.press("1")
    call.press("1")
    confirm = call.say(said)
    assert confirm.asked[0] == f"ケイコさん、{seats}人の 予約です。"


def test_no_stops_the_booking(keiko, caller, classes):
    call = caller(LANDLINE)
    call.ring()
    for key in ("1", "1", "1", "1"):
        call.press(key)
    turn = call.say("いいえ")
    assert turn.said[0] == "予約は しませんでした。" and turn.asked[0] == MENU
    assert not _bookings(keiko)


def test_yes_cancels_a_booking_heard_in_my_bookings(keiko, caller, classes):
    booking = events.book_seat(classes[0], keiko, channel="phone_desk", actor="test",
                               now=CLOCK).booking
    db.session.commit()
    call = caller(LANDLINE)
    call.ring()
    call.press("2")
    assert call.press("1").gather.get("input") == "dtmf speech"
    assert call.say("はい").said[0] == "予約を 取り消しました。"
    db.session.expire_all()
    assert booking.status == BookingStatus.CANCELLED


def test_yes_confirms_a_keyed_number(keiko, caller):
    call = caller("anonymous")
    call.ring()
    call.press("2")
    assert call.turns[-1].gather.get("input") == "dtmf"  # a number stays keys only
    call.press("0466251234")
    assert call.say("はい").said[0] == "この 電話番号の 予約は ありません。"
    assert _row(call).person_id == keiko.id


def test_words_not_understood_are_asked_again_like_a_wrong_key(keiko, caller):
    call = caller(LANDLINE)
    call.ring()
    call.silence()
    call.silence()
    turn = call.say("えーと、あの")
    assert turn.said[0] == NOT_CAUGHT and turn.asked[0] == MENU
    turn = call.silence()  # the silences before the words are not counted any more
    assert turn.said[0] == "ボタンが 押されませんでした。" and turn.asked[0] == MENU


def test_words_twilio_was_unsure_of_are_not_acted_on(keiko, caller):
    call = caller(LANDLINE)
    call.ring()
    turn = call.say("予約", confidence="0.05")
    assert turn.said[0] == NOT_CAUGHT and turn.asked[0] == MENU


def test_words_of_two_choices_alike_are_not_guessed(keiko, caller):
    call = caller(LANDLINE)
    call.ring()
    assert call.say("予約か 相談").said[0] == NOT_CAUGHT


def test_a_step_taking_keys_only_does_not_act_on_words(keiko, caller):
    call = caller(LANDLINE)
    call.ring()
    turn = call.press("1")
    assert turn.gather.get("input") == "dtmf" and turn.gather.get("hints") is None
    turn = call.say("はい")
    assert turn.said[0] == NOT_CAUGHT
    assert turn.asked[0] == "席が ある 講座を 早い 順に 聞く ときは、1を 押してください。"


def test_keys_still_work_where_words_are_listened_for(keiko, caller, classes):
    call = caller(LANDLINE)
    call.ring()
    for key in ("1", "1", "1", "2"):
        call.press(key)
    assert call.press("1").asked[0] == "予約が できました。"


def test_the_other_language_by_voice(keiko, caller):
    call = caller(LANDLINE)
    call.ring()
    turn = call.say("英語で お願いします")
    assert turn.asked[0] == "To book a class, press 1."
    assert turn.gather.get("language") == "en-US" and "japanese" in turn.gather.get("hints")
    assert call.say("Japanese please").asked[0] == MENU


@pytest.mark.parametrize(("heard", "key"), [
    ("はい", "1"), ("ハイ", "1"), ("ﾊｲ", "1"), ("はい。", "1"), ("いいえ、結構です", "2"),
    ("Yes.", "1"), ("NO", "2"), ("I know", None), ("nobody", None), ("", None),
])
def test_words_are_compared_normalised_and_whole(heard, key):
    assert key_for(heard, YES_NO.ja if not heard.isascii() else YES_NO.en) == key


def test_a_number_is_matched_only_whole():
    words = {"1": "1", "2": "2"}
    assert key_for("12", words) is None
    assert key_for("2人", words) == "2"


def test_yes_in_english_cancels_and_confirms_a_keyed_number(line, create_person, caller,
                                                            classes):
    maria = create_person(name="Maria Santos", name_kana="マリア サントス",
                          phone="090-5555-1212", language="en")
    booking = events.book_seat(classes[0], maria, channel="phone_desk", actor="test",
                               now=CLOCK).booking
    db.session.commit()
    call = caller("anonymous")
    call.ring()
    call.press("8")  # English
    call.press("2")
    confirm = call.press("09055551212")
    assert confirm.gather.get("language") == "en-US"
    assert "You can also answer yes or no." in confirm.asked
    assert call.say("Yes, that's right").asked[0] == "Booking of Maria Santos, 1 person."
    call.press("1")
    assert call.say("yes").said[0] == "The booking is cancelled."
    db.session.expire_all()
    assert booking.status == BookingStatus.CANCELLED
