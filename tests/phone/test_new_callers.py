"""New callers: a number desk does not know says the caller's name after the beep and
books at once, through the signed webhooks (the recording, Twilio's real-time
transcription, retries, silence, hanging up); coordinators listen (the audio fetched
from a Twilio-compatible server on loopback once, then kept), confirm the name (the
recording deleted here and at Twilio), and the purge and anonymisation delete
recordings too."""

import base64
import json
import threading
from datetime import time, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select

from desk.core import retention
from desk.core.accesslog import AccessEntry
from desk.events.models import Booking, BookingStatus
from desk.extensions import db
from desk.people import disclosure, erasure, queries
from desk.people.models import Person
from desk.phone.models import CallOutcome, NameRecording, PhoneCall
from tests.notify.channel_support import ACCOUNT_SID, AUTH_TOKEN, signed_post
from tests.phone.conftest import CLOCK, TUESDAY

NUMBER = "+819012345678"
AUDIO = b"ID3\x03\x00fake-mp3-of-a-name"
NAMES = "/staff/phone/names"
JA = {"Accept-Language": "ja"}
KANA_ERROR = "よみがなは、かな（ひらがなかカタカナ）で書いてください。"


class TwilioMedia:
    """Twilio's recordings on loopback: GET <recording>.mp3 gives audio, DELETE
    <recording>.json deletes it (204), or answers `delete_status` when set."""

    def __init__(self):
        self.requests = []
        self.delete_status = 204
        server = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self, status, body=b"", content_type="application/json"):
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                server.requests.append(("GET", self.path, self.headers.get("Authorization")))
                self._answer(200, AUDIO, "audio/mpeg")

            def do_DELETE(self):
                server.requests.append(("DELETE", self.path, self.headers.get("Authorization")))
                if server.delete_status == 204:
                    self._answer(204)
                else:
                    self._answer(server.delete_status, json.dumps(
                        {"code": 20500, "message": "down", "status": server.delete_status})
                        .encode())

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def of(self, method):
        return [path for verb, path, _auth in self.requests if verb == method]


@pytest.fixture
def twilio(line, monkeypatch):
    media = TwilioMedia()
    media.thread.start()
    monkeypatch.setitem(line.config, "DESK_TWILIO_BASE_URL", media.url)
    yield media
    media.httpd.shutdown()
    media.httpd.server_close()
    media.thread.join()


@pytest.fixture
def a_class(line, create_program, create_district, create_venue, create_session):
    program = create_program(title="はじめてのスマホ", title_kana="ハジメテノスマホ")
    district = create_district(name="鵠沼", name_kana="クゲヌマ")
    venue = create_venue(name="鵠沼市民センター", name_kana="クゲヌマシミンセンター",
                         short_name="鵠沼", district_id=district.id)
    return create_session(day=TUESDAY, start=time(10), end=time(11, 30), program_id=program.id,
                          venue_id=venue.id, capacity=12)


@pytest.fixture
def coordinator(line, client, login, create_user):
    login(client, create_user(role="coordinator"))
    return client


def _transcribed(client, call, text, *, token=AUTH_TOKEN):
    return signed_post(client, "/phone/voice/transcription", {
        "CallSid": call.sid, "TranscriptionSid": "GT" + "1" * 32,
        "TranscriptionEvent": "transcription-content", "Final": "true",
        "TranscriptionData": json.dumps({"transcript": text, "confidence": 0.91})},
        token=token)


def _people():
    return db.session.scalars(select(Person).where(Person.phone == NUMBER)).all()


def _rows():
    db.session.expire_all()
    return db.session.scalars(select(NameRecording).order_by(NameRecording.id)).all()


def _says_name(call, client, sid="RE" + "a" * 32, hint="山田 花子"):
    call.ring()
    call.press("1")
    if hint:
        assert _transcribed(client, call, hint).status_code == 204
    return call.say_name(sid)


def test_a_new_caller_says_their_name_and_books(line, caller, client, a_class):
    call = caller(NUMBER)
    call.ring()
    asked = call.press("1")

    assert asked.said == ["この 電話番号は まだ 登録されていません。",
                          "「ピー」の あとに、お名前を ゆっくり 言ってください。"
                          "最後に シャープを 押してください。"]
    transcription = asked.root.find("Start/Transcription")
    assert transcription.attrib == {
        "name": "name-2", "track": "inbound_track", "languageCode": "ja-JP",
        "statusCallbackUrl": "https://desk.example.jp/phone/voice/transcription"}
    record = asked.record
    assert record.attrib == {
        "action": "https://desk.example.jp/phone/voice/answer/2", "method": "POST",
        "finishOnKey": "#", "maxLength": "15", "timeout": "5", "playBeep": "true",
        "recordingStatusCallback": "https://desk.example.jp/phone/voice/recording",
        "recordingStatusCallbackMethod": "POST"}
    assert asked.root.find("Redirect").text == record.get("action")  # silence
    assert not _people()

    assert _transcribed(client, call, "山田 花子").status_code == 204
    thanked = call.say_name("RE" + "a" * 32)

    assert thanked.root.find("Stop/Transcription").get("name") == "name-2"
    assert thanked.said[0] == "ありがとうございます。お名前は あとで 係の 人が 確かめます。"
    assert thanked.asked[0] == "席が ある 講座を 早い 順に 聞く ときは、1を 押してください。"
    [person] = _people()
    assert person.name_to_confirm and person.name == "山田 花子（お名前確認中）"
    assert person.name_kana == "" and person.created_channel == "phone_line"
    [row] = _rows()
    assert (row.person_id, row.recording_sid, row.duration_seconds, row.hint) == (
        person.id, "RE" + "a" * 32, 3, "山田 花子")
    assert row.recording_url.endswith("/Recordings/RE" + "a" * 32)

    call.press("1")  # the soonest classes
    call.press("1")  # the first
    confirm = call.press("1")  # one person
    assert confirm.asked[0] == "1人の 予約です。"  # no name said: it is not known yet
    call.press("1")
    [booking] = db.session.scalars(select(Booking).where(Booking.person_id == person.id)).all()
    assert booking.status == BookingStatus.BOOKED and booking.channel == "phone_line"
    call_row = db.session.scalars(select(PhoneCall)).one()
    assert call_row.outcome == CallOutcome.BOOKED and call_row.person_id == person.id

    again = caller(NUMBER)  # the next call: known, greeted without a name
    greeted = again.ring()
    assert not any(text.startswith("こんにちは") for text in greeted.said)


def test_twilio_retrying_the_recording_makes_one_person(line, caller, client):
    call = caller(NUMBER)
    first = _says_name(call, client)
    assert call.retry().text == first.text
    recorded = signed_post(client, "/phone/voice/recording", {
        "CallSid": call.sid, "RecordingSid": "RE" + "a" * 32, "RecordingStatus": "completed",
        "RecordingUrl": "https://api.twilio.com/x/Recordings/RE" + "a" * 32,
        "RecordingDuration": "3"})
    assert recorded.status_code == 204
    assert len(_people()) == 1 and len(_rows()) == 1


def test_silence_asks_again_then_says_goodbye(line, caller):
    call = caller(NUMBER)
    call.ring()
    call.press("1")
    again = call.silence()  # the <Redirect> after a <Record> that heard nothing
    assert again.said[0] == "お名前が 聞こえませんでした。" and again.record is not None
    again = call.say_name("RE" + "b" * 32, seconds=0)  # an empty recording
    assert again.said[0] == "お名前が 聞こえませんでした。" and again.record is not None
    goodbye = call.silence()
    assert goodbye.said[0] == "お名前が 聞こえませんでした。" and goodbye.hangs_up
    assert not _people()
    [row] = _rows()  # the empty one, waiting to be deleted at Twilio
    assert row.person_id is None and row.deleted_dt is not None


def test_hanging_up_while_saying_the_name_leaves_no_person(line, caller, client):
    call = caller(NUMBER)
    call.ring()
    call.press("1")
    ended = call.say_name("RE" + "c" * 32, digits="hangup")
    assert ended.hangs_up
    assert not _people()
    [row] = _rows()
    assert row.person_id is None and row.deleted_dt is not None
    assert db.session.scalars(select(PhoneCall)).one().outcome == CallOutcome.HUNG_UP


def test_a_hint_after_the_recording_names_the_person(line, caller, client):
    call = caller(NUMBER)
    _says_name(call, client, hint=None)
    [person] = _people()
    assert person.name == "（お名前確認中）"
    assert _transcribed(client, call, "佐々木 一郎").status_code == 204
    db.session.expire_all()
    assert person.name == "佐々木 一郎（お名前確認中）" and _rows()[0].hint == "佐々木 一郎"


def test_a_forged_transcription_is_refused(line, caller, client):
    call = caller(NUMBER)
    call.ring()
    call.press("1")
    assert _transcribed(client, call, "偽 名前", token="wrong").status_code == 403
    assert "name_hint" not in (db.session.scalars(select(PhoneCall)).one().choices or {})


def test_coordinators_listen_and_confirm_the_name(line, caller, client, coordinator, twilio,
                                                  a_class):
    call = caller(NUMBER)
    _says_name(call, client)
    call.press("1")
    call.press("1")
    call.press("1")
    call.press("1")
    [person] = _people()
    [row] = _rows()

    page = coordinator.get(NAMES, headers=JA).get_data(as_text=True)
    assert "山田 花子" in page and "090-1234-5678" in page
    assert a_class.display_title in page
    src = f"/staff/phone/names/recordings/{row.id}.mp3"
    assert f'<audio controls preload="none" src="{src}"' in page
    assert "twilio.com" not in page

    played = coordinator.get(src)
    assert played.status_code == 200 and played.data == AUDIO
    assert played.mimetype == "audio/mpeg"
    assert twilio.of("GET") == [f"/x/Recordings/RE{'a' * 32}.mp3".replace(
        "/x", f"/2010-04-01/Accounts/{ACCOUNT_SID}")]
    assert twilio.requests[0][2].startswith("Basic ")
    assert coordinator.get(src).data == AUDIO
    assert len(twilio.of("GET")) == 1  # kept here: fetched once
    assert _rows()[0].audio == AUDIO
    played_entries = db.session.scalars(select(AccessEntry).where(
        AccessEntry.action == "phone.name_recording_played")).all()
    assert len(played_entries) == 2 and played_entries[0].object_ids == [person.id]

    prefix = f"person-{person.id}-"
    bad = coordinator.post(f"/staff/phone/names/{person.id}/confirm", headers=JA, data={
        prefix + "name": "山田 花子", prefix + "name_kana": "Yamada"})
    assert bad.status_code == 200
    assert KANA_ERROR in bad.get_data(as_text=True)
    db.session.expire_all()
    assert person.name_to_confirm and _rows()[0].audio == AUDIO
    assert not twilio.of("DELETE")

    good = coordinator.post(f"/staff/phone/names/{person.id}/confirm", headers=JA, data={
        prefix + "name": "山田 花子", prefix + "name_kana": "やまだ はなこ"})
    assert good.status_code == 302
    db.session.expire_all()
    assert (person.name, person.name_kana, person.name_to_confirm) == (
        "山田 花子", "ヤマダ\u3000ハナコ", False)
    [row] = _rows()
    assert (row.audio, row.hint, row.recording_url) == (None, None, None)
    assert row.confirmed_dt is not None and row.twilio_deleted_dt is not None
    assert twilio.of("DELETE") == [
        f"/2010-04-01/Accounts/{ACCOUNT_SID}/Recordings/RE{'a' * 32}.json"]
    assert coordinator.get(src).status_code == 404
    assert "確認待ちの名前はありません。" in coordinator.get(NAMES, headers=JA).get_data(as_text=True)


def test_the_purge_deletes_old_recordings_here_and_at_twilio(line, caller, client, twilio):
    call = caller(NUMBER)
    _says_name(call, client)
    data_class = retention.DATA_CLASSES["phone_name_recordings"]
    assert data_class.period(line.config) == 30
    later = CLOCK + timedelta(days=31)
    cutoff = data_class.cutoff(line.config, later)
    twilio.delete_status = 500  # Twilio down: tried again at the next purge
    assert data_class.count(cutoff) == 1
    assert data_class.purge(cutoff, later) == 1
    [row] = _rows()
    assert row.deleted_dt == later and row.hint is None and row.twilio_deleted_dt is None
    assert _people()[0].name_to_confirm  # still to confirm, without the recording

    twilio.delete_status = 204
    assert data_class.count(cutoff) == 1
    assert data_class.purge(cutoff, later) == 1
    assert _rows()[0].twilio_deleted_dt == later
    assert data_class.count(cutoff) == 0
    assert len(twilio.of("DELETE")) == 2


def test_anonymising_deletes_the_recordings(line, caller, client):
    call = caller(NUMBER)
    _says_name(call, client)
    [person] = _people()
    erasure.anonymise(person, actor=None, now=CLOCK)
    [row] = _rows()
    assert row.deleted_dt == CLOCK and row.hint is None and row.recording_url is None
    assert not person.name_to_confirm


def test_a_simulated_caller_types_the_name(line, coordinator, a_class):
    coordinator.post("/staff/phone/simulator/start", data={"number": "090-1234-5678"})
    coordinator.post("/staff/phone/simulator/keys", data={"keys": "1"})
    page = coordinator.get("/staff/phone/simulator", headers=JA).get_data(as_text=True)
    assert 'id="name" name="name"' in page
    coordinator.post("/staff/phone/simulator/keys", data={"keys": "", "name": "鈴木 一郎"})
    page = coordinator.get("/staff/phone/simulator", headers=JA).get_data(as_text=True)
    assert "ありがとうございます。お名前は あとで 係の 人が 確かめます。" in page
    [person] = _people()
    [row] = _rows()
    assert row.hint == "鈴木 一郎" and row.recording_sid is None and row.person_id == person.id

    names = coordinator.get(NAMES, headers=JA).get_data(as_text=True)
    assert "鈴木 一郎" in names and "<audio" not in names


def test_an_english_call_transcribes_in_english(line, caller):
    call = caller(NUMBER)
    call.ring()
    call.press("8")  # English
    asked = call.press("1")
    assert asked.english == ["This telephone number is not registered with us yet.",
                             "Please say your full name slowly after the beep, "
                             "then press the hash key."]
    assert asked.root.find("Start/Transcription").get("languageCode") == "en-US"


def test_a_twilio_delete_that_fails_is_tried_again_by_the_purge(line, caller, client,
                                                                coordinator, twilio):
    call = caller(NUMBER)
    _says_name(call, client)
    [person] = _people()
    twilio.delete_status = 503
    prefix = f"person-{person.id}-"
    confirmed = coordinator.post(f"/staff/phone/names/{person.id}/confirm", data={
        prefix + "name": "山田 花子", prefix + "name_kana": "ヤマダ ハナコ"})
    assert confirmed.status_code == 302
    [row] = _rows()
    assert row.deleted_dt is not None and row.twilio_deleted_dt is None
    assert not _people()[0].name_to_confirm

    twilio.delete_status = 204
    data_class = retention.DATA_CLASSES["phone_name_recordings"]
    assert data_class.purge(data_class.cutoff(line.config, CLOCK), CLOCK) == 1
    assert _rows()[0].twilio_deleted_dt == CLOCK
    assert len(twilio.of("DELETE")) == 2


def test_the_disclosure_holds_the_recording(line, caller, client, coordinator, twilio):
    call = caller(NUMBER)
    _says_name(call, client)
    [person] = _people()
    [row] = _rows()
    assert coordinator.get(f"/staff/phone/names/recordings/{row.id}.mp3").data == AUDIO
    found = disclosure.disclosure_for(person, actor=None, now=CLOCK, municipality="藤沢市")
    [disclosed] = disclosure.as_json(found)["tables"]["phone_name_recordings"]["rows"]
    assert disclosed["hint"] == "山田 花子"
    assert base64.b64decode(disclosed["audio"]) == AUDIO
    page = coordinator.get(f"/staff/people/{person.id}/disclosure", headers=JA)
    assert "山田 花子" in page.get_data(as_text=True)


def test_names_to_confirm_are_not_likely_duplicates_of_each_other(line, caller, client):
    for number, sid in ((NUMBER, "RE" + "d" * 32), ("+818098765432", "RE" + "e" * 32)):
        _says_name(caller(number), client, sid=sid, hint=None)
    people = db.session.scalars(select(Person).where(Person.name_to_confirm.is_(True))).all()
    assert len(people) == 2
    assert queries.likely_duplicates()[1] == 0
    assert queries.duplicates_of(people[0]) == []


def test_a_recording_whose_action_never_came_is_deleted_once_the_call_ended(line, caller,
                                                                           client, twilio):
    call = caller(NUMBER)
    call.ring()
    call.press("1")
    recorded = signed_post(client, "/phone/voice/recording", {
        "CallSid": call.sid, "RecordingSid": "RE" + "f" * 32, "RecordingStatus": "completed",
        "RecordingUrl": "https://api.twilio.com/x/Recordings/RE" + "f" * 32,
        "RecordingDuration": "4"})
    assert recorded.status_code == 204
    data_class = retention.DATA_CLASSES["phone_name_recordings"]
    cutoff = data_class.cutoff(line.config, CLOCK)
    assert data_class.count(cutoff) == 0  # the call goes on: its action may still come
    call.hang_up()
    assert data_class.purge(cutoff, CLOCK) == 2  # deleted here, then at Twilio
    [row] = _rows()
    assert row.person_id is None and row.twilio_deleted_dt == CLOCK
    assert not _people()
