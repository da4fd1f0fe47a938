"""A coordinator's note to the people of a session: who is told, on which channel and
in which language, the dispatcher's rules (opt-outs, quiet hours, not after the start),
one message for a form sent twice, the progress counts, the SMS length rule shared with
the page's script, and the pages."""

import json
import shutil
import subprocess
from datetime import date, time, timedelta
from pathlib import Path

import pytest
from flask_babel import force_locale

from desk.auth.models import Role
from desk.core.errors import ConflictError, ValidationError
from desk.core.timeutil import local_datetime
from desk.events import services as event_services
from desk.events import session_messages
from desk.events.models import SessionMessage
from desk.extensions import db
from desk.notify import content, dispatch, optout
from desk.notify.models import MessageState, OutboxMessage, RecipientKind
from desk.notify.segments import count_segments
from desk.people import services as people_services
from tests.events.helpers import last_audit
from tests.fixtures.factories import NOW
from tests.notify.dispatch_support import FakeBackend, install, uninstall

NOTE = "会場が2階の第2会議室に変わりました。"
NOTE_EN = "The room changed to 2F, meeting room 2."
KEY = "k" * 24


@pytest.fixture
def class_day(ctx, create_session, create_person):
    """A one-seat class on 3 December 10:00 JST: Keiko booked (SMS, with a son who
    wants copies), an English reader on the waiting list, a landline person whose place
    on the waiting list was cancelled."""
    session = create_session(capacity=1)
    keiko = create_person(phone="090-1234-0001")
    people_services.add_proxy(keiko, {"name": "佐藤 健", "relation": "family",
                                      "phone": "080-2222-0001", "wants_copies": True},
                              consent_method="phone_staff", actor="test", now=NOW)
    landline = create_person(phone="0466-25-0002")
    english = create_person(phone="090-1234-0003", language="en", email="tom@example.jp")
    db.session.commit()
    book = event_services.book_seat
    keiko_booking = book(session, keiko, channel="phone_desk", actor="test", now=NOW).booking
    gone = book(session, landline, channel="phone_desk", actor="test", now=NOW).booking
    waiting = book(session, english, channel="phone_desk", actor="test", now=NOW).booking
    db.session.commit()
    assert waiting.status == "waitlisted"
    event_services.cancel_booking(gone, actor="test", now=NOW)
    db.session.commit()
    return {"session": session, "keiko": keiko, "english": english, "landline": landline,
            "keiko_booking": keiko_booking, "waiting": waiting}


def _send(session, *, key=KEY, include_waitlist=False, text_en=None, now=NOW):
    result = session_messages.send_session_message(
        session, {"text_ja": NOTE, "text_en": text_en, "include_waitlist": include_waitlist,
                  "key": key}, actor="test", now=now)
    db.session.commit()
    return result


def _rows(message):
    db.session.expire_all()
    return db.session.scalars(db.select(OutboxMessage).where(
        OutboxMessage.topic == session_messages.TOPIC,
        OutboxMessage.topic_id == message.id).order_by(OutboxMessage.id)).all()


def test_everyone_booked_and_their_proxies_are_told(class_day):
    message, created = _send(class_day["session"])
    assert created and message.planned == 2
    rows = _rows(message)
    # Keiko by SMS and her son's copy; the cancelled landline booking and the waiting
    # list are left out
    assert sorted((row.recipient_kind, row.channel, row.person_id) for row in rows) == sorted([
        (RecipientKind.PERSON, "sms", class_day["keiko"].id),
        (RecipientKind.PROXY, "sms", class_day["keiko"].id)])
    assert all(row.not_after == class_day["session"].start_dt for row in rows)
    entry = last_audit("session.message")
    assert entry.after["session_message_id"] == message.id and entry.note == NOTE


def test_the_waiting_list_when_chosen_in_its_language(class_day):
    message, _created = _send(class_day["session"], include_waitlist=True, text_en=NOTE_EN)
    rows = _rows(message)
    english = [row for row in rows if row.person_id == class_day["english"].id]
    assert sorted(row.channel for row in english) == ["email", "sms"]
    assert {row.locale for row in english} == {"en"}
    sms = next(row for row in english if row.channel == "sms")
    text = content.render(sms, now=NOW).sms_body
    assert NOTE_EN in text and NOTE not in text
    keiko = next(row for row in rows if row.recipient_kind == RecipientKind.PERSON
                 and row.person_id == class_day["keiko"].id)
    body = content.render(keiko, now=NOW).sms_body
    assert NOTE in body and body == session_messages.sms_text(
        class_day["session"], NOTE, locale="ja")
    proxy = next(row for row in rows if row.recipient_kind == RecipientKind.PROXY)
    assert content.render(proxy, now=NOW).sms_body.startswith(
        f"{class_day['keiko'].name}さんの予約")
    email = next(row for row in english if row.channel == "email")
    mail = content.render(email, now=NOW)
    assert NOTE_EN in mail.email_text and NOTE_EN in mail.email_html


def test_without_english_the_japanese_note_is_sent(class_day):
    message, _created = _send(class_day["session"], include_waitlist=True)
    english = next(row for row in _rows(message)
                   if row.person_id == class_day["english"].id and row.channel == "sms")
    assert NOTE in content.render(english, now=NOW).sms_body


def test_a_call_reads_the_note(class_day, create_person):
    landline = create_person(phone="0466-25-0009")
    event_services.cancel_booking(class_day["keiko_booking"], actor="test", now=NOW)
    event_services.book_seat(class_day["session"], landline, channel="phone_desk",
                             actor="test", now=NOW)
    db.session.commit()
    message, _created = _send(class_day["session"], include_waitlist=True)
    (call,) = [row for row in _rows(message) if row.channel == "voice"]
    voice = content.render(call, now=NOW)
    assert NOTE in voice.voice_text and NOTE in voice.voice_twiml


def test_the_same_form_sent_twice_sends_once(class_day):
    first, created = _send(class_day["session"])
    again, created_again = _send(class_day["session"])
    assert created and not created_again and again.id == first.id
    assert db.session.scalar(db.select(db.func.count(SessionMessage.id))) == 1
    assert db.session.scalar(db.select(db.func.count(OutboxMessage.id)).where(
        OutboxMessage.topic == session_messages.TOPIC)) == 2
    _send(class_day["session"], key="z" * 24)
    assert db.session.scalar(db.select(db.func.count(SessionMessage.id))) == 2


def test_nothing_after_the_start(class_day):
    started = class_day["session"].start_dt + timedelta(minutes=1)
    with pytest.raises(ConflictError):
        _send(class_day["session"], now=started)
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count(SessionMessage.id))) == 0


@pytest.mark.parametrize(("data", "field"), [
    ({"text_ja": "  ", "key": KEY}, "text_ja"),
    ({"text_ja": "あ" * (SessionMessage.TEXT_MAX + 1), "key": KEY}, "text_ja"),
    ({"text_ja": NOTE, "text_en": "x" * 200, "key": KEY}, "text_en"),
    ({"text_ja": NOTE, "key": "short"}, "text_ja"),
])
def test_bad_input_changes_nothing(class_day, data, field):
    with pytest.raises(ValidationError) as raised:
        session_messages.send_session_message(class_day["session"], data, actor="test",
                                              now=NOW)
    assert field in raised.value.fields
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count(SessionMessage.id))) == 0


# -- the dispatcher's rules apply as to every message ----------------------------------

@pytest.fixture
def backend(app, monkeypatch):
    monkeypatch.setitem(app.config, "DESK_SMS_RATE_PER_SECOND", 0)
    monkeypatch.setitem(app.config, "DESK_QUIET_HOURS", (time(21), time(8)))
    fake = install(app, FakeBackend())
    yield fake
    uninstall(app)


def test_opted_out_number_is_not_messaged(class_day, backend):
    message, _created = _send(class_day["session"])
    (own,) = [row for row in _rows(message) if row.recipient_kind == RecipientKind.PERSON]
    optout.opt_out(own.address, channel="sms", source="sms_reply", actor="test", now=NOW)
    db.session.commit()
    dispatch.dispatch_due(now=NOW)
    states = {row.recipient_kind: row.state for row in _rows(message)}
    assert states == {RecipientKind.PERSON: MessageState.CANCELLED,
                      RecipientKind.PROXY: MessageState.SENT}


def test_quiet_hours_then_not_after_the_start(class_day, backend):
    night = local_datetime(date(2026, 12, 2), time(23))
    message, _created = _send(class_day["session"], now=night)
    dispatch.dispatch_due(now=night)
    rows = _rows(message)
    assert {row.state for row in rows} == {MessageState.QUEUED}
    assert all(row.due_dt == local_datetime(date(2026, 12, 3), time(8)) for row in rows)
    dispatch.dispatch_due(now=class_day["session"].start_dt + timedelta(minutes=5))
    rows = _rows(message)
    assert {row.state for row in rows} == {MessageState.CANCELLED}
    assert not any(backend.sends[row.id] for row in rows)


def test_progress_counts_by_state(class_day, backend):
    message, _created = _send(class_day["session"], include_waitlist=True)
    rows = _rows(message)
    rows[0].state = MessageState.DELIVERED
    rows[1].state = MessageState.FAILED
    db.session.commit()
    result = session_messages.progress(message)
    (row,) = result.rows
    assert row.session.id == class_day["session"].id
    assert result.total == len(rows) == 4
    assert (result.totals[MessageState.DELIVERED], result.totals[MessageState.FAILED],
            result.pending) == (1, 1, 2)


# -- the SMS length --------------------------------------------------------------------

def test_the_longest_japanese_note_fits_the_segments_the_page_allows(ctx, create_venue,
                                                                     create_session, app):
    """The longest venue short name, a two-digit date in December, the desk's number,
    and a note of TEXT_MAX kanji: still MAX_SEGMENTS at most; a proxy's copy names the
    person, which the preview counts (see test_preview_counts_the_real_texts)."""
    venue = create_venue(short_name="藤" * 8)
    session = create_session(venue_id=venue.id, day=date(2026, 12, 30), start=time(13, 30),
                             end=time(15))
    note = "漢" * SessionMessage.TEXT_MAX
    text = session_messages.sms_text(session, note, locale="ja")
    assert count_segments(text).segments <= session_messages.MAX_SEGMENTS
    before, after = session_messages.frame(session, locale="ja")
    assert text == before + note + after
    # a short note stays within one segment
    assert count_segments(session_messages.sms_text(session, NOTE, locale="ja")).segments == 1


def test_preview_counts_the_real_texts(class_day):
    preview = session_messages.preview(
        class_day["session"], {"text_ja": NOTE, "include_waitlist": True}, now=NOW)
    assert preview.people == 2
    assert preview.channels == {"sms": 3, "email": 1}
    # the English reader gets the English frame around the Japanese note: UCS-2, two parts
    assert preview.sms_segments == 2
    booked_only = session_messages.preview(class_day["session"], {"text_ja": NOTE}, now=NOW)
    # the son's copy names whose booking it is: the longest SMS of the two
    copy = session_messages.sms_text(class_day["session"], NOTE, locale="ja",
                                     person_name=class_day["keiko"].name)
    assert (booked_only.people, booked_only.sms_segments) == (1, count_segments(copy).segments)
    short = session_messages.preview(class_day["session"], {"text_ja": "持ち物は保険証です"},
                                     now=NOW)
    assert short.sms_segments == 1


JS = Path(__file__).resolve().parents[2] / "desk" / "static" / "js" / "sms-length.js"
TEXTS = ["Bring your My Number card, please.", "会場が2階に変わりました", "カナとかなの案内",
         "Room changed 🎉 see you", "[2F] {room} ~ €5", "é" * 170, "あ" * 70, "あ" * 71,
         "😀" * 40, "a" * 160, "a" * 161, "x" + "€" * 80]


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed")
def test_the_page_script_counts_as_the_server(class_day):
    before, after = session_messages.frame(class_day["session"], locale="en")
    script = (JS.read_text() + "\nconst cases = JSON.parse(process.argv[1]);\n"
              "console.log(JSON.stringify(cases.map(([b, n, a]) => globalThis.deskSms.sms(b, n, a))"
              "));")
    cases = [[before, text, after] for text in TEXTS] + [["", text, ""] for text in TEXTS]
    output = subprocess.run(["node", "-e", script, json.dumps(cases)], capture_output=True,
                            text=True, check=True, timeout=30).stdout
    expected = [count_segments(b + " ".join(n.split()) + a) for b, n, a in cases]
    assert json.loads(output) == [{"encoding": count.encoding, "units": count.units,
                                   "segments": count.segments} for count in expected]


# -- the pages -------------------------------------------------------------------------

@pytest.fixture
def staff_client(ctx, client, create_user, login, monkeypatch):
    from desk.events import session_message_views

    monkeypatch.setattr(session_message_views, "utcnow", lambda: NOW)
    login(client, create_user(Role.COORDINATOR))
    return client


def _form(step, key=KEY, **extra):
    return {"text_ja": NOTE, "text_en": "", "key": key, "step": step, **extra}


def test_compose_preview_confirm_and_double_submit(class_day, staff_client):
    url = f"/staff/sessions/{class_day['session'].id}/messages/new"
    page = staff_client.get(url)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'name="key"' in html and "data-before" in html
    preview = staff_client.post(url, data=_form("preview"))
    assert preview.status_code == 200
    # the preview shows the SMS as it will be sent
    with force_locale("ja"):
        assert session_messages.sms_text(class_day["session"], NOTE, locale="ja") in \
            preview.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(SessionMessage.id))) == 0
    done = staff_client.post(url, data=_form("confirm"))
    assert done.status_code == 302
    again = staff_client.post(url, data=_form("confirm"))
    assert again.headers["Location"] == done.headers["Location"]
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count(SessionMessage.id))) == 1
    progress = staff_client.get(done.headers["Location"])
    assert progress.status_code == 200 and NOTE in progress.get_data(as_text=True)
    session_page = staff_client.get(f"/staff/sessions/{class_day['session'].id}")
    assert NOTE in session_page.get_data(as_text=True)


def test_bad_form_input_is_shown_not_a_500(class_day, staff_client):
    url = f"/staff/sessions/{class_day['session'].id}/messages/new"
    response = staff_client.post(url, data={"text_ja": "", "key": "", "step": "confirm"})
    assert response.status_code == 200
    assert "error-summary" in response.get_data(as_text=True)


def test_a_message_of_another_session_is_not_found(class_day, staff_client, create_session):
    message, _created = _send(class_day["session"])
    other = create_session()
    assert staff_client.get(f"/staff/sessions/{other.id}/messages/{message.id}").status_code \
        == 404
    assert staff_client.get(f"/staff/sessions/{other.id}/messages/99999999999").status_code \
        == 404


def test_japanese_sms_of_the_page_matches_what_is_sent(class_day):
    with force_locale("ja"):
        (ja, en) = session_messages.sms_lengths(class_day["session"], NOTE, None)
    assert ja.count == count_segments(session_messages.sms_text(class_day["session"], NOTE,
                                                                locale="ja"))
    assert en.count == count_segments(session_messages.sms_text(class_day["session"], NOTE,
                                                                locale="en"))


# -- the note follows the booking and the session ---------------------------------------

def test_a_cancelled_booking_or_session_stops_the_note(class_day):
    night = local_datetime(date(2026, 12, 2), time(23))
    message, _created = _send(class_day["session"], include_waitlist=True, now=night)
    event_services.cancel_booking(class_day["waiting"], actor="test", now=night)
    db.session.commit()
    states = {(row.person_id, row.recipient_kind): row.state for row in _rows(message)}
    assert states[(class_day["english"].id, RecipientKind.PERSON)] == MessageState.CANCELLED
    assert states[(class_day["keiko"].id, RecipientKind.PERSON)] == MessageState.QUEUED
    # "send again" no longer makes sense for the cancelled booking's person
    english = next(row for row in _rows(message) if row.person_id == class_day["english"].id)
    with pytest.raises(ConflictError):
        session_messages.check_send_again(english, now=night)
    event_services.cancel_session(class_day["session"], "会場点検のため", actor="test",
                                  now=night)
    db.session.commit()
    assert {row.state for row in _rows(message)} == {MessageState.CANCELLED}


def test_a_moved_session_moves_the_notes_deadline(class_day):
    message, _created = _send(class_day["session"])
    later = class_day["session"].start_dt + timedelta(days=7)
    event_services.update_session(class_day["session"], {
        "start_dt": later, "end_dt": later + timedelta(hours=1)}, actor="test", now=NOW)
    db.session.commit()
    assert {row.not_after for row in _rows(message)} == {later}
