"""A session's (and a series') own title and notes in the reader's language: English
pages, messages and calendar files give the English ones where a coordinator entered
them, else the Japanese; a series passes them on to its sessions like the Japanese."""

from datetime import date, time, timedelta

import icalendar
import pytest
from flask_babel import force_locale

from desk.core.errors import ValidationError
from desk.events import services
from desk.events.labels import session_title
from desk.events.services import book_seat
from desk.extensions import db
from tests.events.helpers import message
from tests.fixtures.factories import NOW
from tests.fixtures.pages import text
from tests.notify.channel_support import configure

DAY = date(2026, 12, 13)
TITLE, TITLE_EN = "夏休みスマホ教室", "Summer smartphone class"
NOTES, NOTES_EN = "筆記用具をお持ちください。", "Please bring something to write with."


@pytest.fixture
def english_session(ctx, create_session):
    return create_session(title=TITLE, title_en=TITLE_EN, notes=NOTES, notes_en=NOTES_EN,
                          day=DAY, start=time(10), end=time(11, 30))


@pytest.fixture
def japanese_only_session(ctx, create_session):
    return create_session(title=TITLE, notes=NOTES, day=DAY)


def _book(session, create_person):
    booking = book_seat(session, create_person(), channel="web", actor="test",
                        now=NOW).booking
    db.session.commit()
    return booking


def _event(raw):
    [event] = icalendar.Calendar.from_ical(raw).walk("VEVENT")
    return str(event["SUMMARY"]), str(event["DESCRIPTION"])


# -- the title and the notes ---------------------------------------------------------------

def test_title_and_notes_follow_the_current_locale(english_session):
    with force_locale("en"):
        assert (session_title(english_session), english_session.display_title,
                english_session.display_notes) == (TITLE_EN, TITLE_EN, NOTES_EN)
    with force_locale("ja"):
        assert (english_session.display_title, english_session.display_notes) == (
            TITLE, NOTES)


def test_english_readers_get_the_japanese_where_no_english_was_entered(
        japanese_only_session):
    with force_locale("en"):
        assert (japanese_only_session.display_title,
                japanese_only_session.display_notes) == (TITLE, NOTES)


def test_without_an_own_title_the_programs_english_title_is_used(ctx, create_program,
                                                                 create_session):
    program = create_program(title="LINE入門", title_en="Getting started with LINE")
    session = create_session(program_id=program.id)
    with force_locale("en"):
        assert session.display_title == "Getting started with LINE"
        assert session.display_notes is None


@pytest.mark.parametrize("data, field", [
    ({"title_en": "Smartphone help desk"}, "title_en"),
    ({"notes_en": "No booking needed."}, "notes_en"),
    ({"title": TITLE, "title_en": "x" * 201}, "title_en"),
    ({"notes": NOTES, "notes_en": "x" * 2001}, "notes_en"),
])
def test_english_texts_are_checked(ctx, create_venue, data, field):
    values = {"kind": "consultation", "venue_id": create_venue().id,
              "start_dt": NOW + timedelta(days=3), "end_dt": NOW + timedelta(days=3, hours=2),
              **data}
    with pytest.raises(ValidationError) as raised:
        services.create_session(values, actor="test", now=NOW)
    assert set(raised.value.fields) == {field}


# -- pages ---------------------------------------------------------------------------------

def test_the_public_page_gives_the_english_title_and_notes(client, english_session):
    client.set_cookie("desk_locale", "en")
    page = text(client.get(f"/sessions/{english_session.id}"))
    assert TITLE_EN in page and NOTES_EN in page
    assert TITLE not in page and NOTES not in page
    client.set_cookie("desk_locale", "ja")
    page = text(client.get(f"/sessions/{english_session.id}"))
    assert TITLE in page and NOTES in page and TITLE_EN not in page


def test_english_pages_fall_back_to_the_japanese_title_and_notes(client,
                                                                 japanese_only_session):
    client.set_cookie("desk_locale", "en")
    page = text(client.get(f"/sessions/{japanese_only_session.id}"))
    assert TITLE in page and NOTES in page


def test_the_schedule_lists_the_english_title(client, english_session):
    client.set_cookie("desk_locale", "en")
    page = text(client.get(f"/?from={DAY.isoformat()}"))
    assert TITLE_EN in page and TITLE not in page


# -- messages and calendar files -----------------------------------------------------------

def test_messages_name_the_session_in_the_recipients_language(english_session, create_person,
                                                              monkeypatch, ctx):
    configure(monkeypatch, ctx)
    booking = _book(english_session, create_person)
    sms = message(booking, "sms", "en").sms_body
    assert TITLE_EN in sms and TITLE not in sms
    email = message(booking, "email", "en", address="keiko@example.jp")
    assert TITLE_EN in email.email_text and TITLE not in email.email_text
    japanese = message(booking, "email", "ja", address="keiko@example.jp").email_text
    assert TITLE in japanese and TITLE_EN not in japanese
    assert TITLE_EN in message(booking, "voice", "en").voice_text


def test_english_messages_fall_back_to_the_japanese_title(japanese_only_session,
                                                          create_person, monkeypatch, ctx):
    configure(monkeypatch, ctx)
    booking = _book(japanese_only_session, create_person)
    assert TITLE in message(booking, "sms", "en").sms_body
    assert TITLE in message(booking, "email", "en", address="keiko@example.jp").email_text


def test_the_calendar_file_names_the_session_in_the_readers_language(client, english_session,
                                                                     create_person):
    booking = _book(english_session, create_person)
    english = client.get(f"/bookings/{booking.token}.ics", headers={"Accept-Language": "en"})
    assert _event(english.get_data())[0] == TITLE_EN
    japanese = client.get(f"/bookings/{booking.token}.ics", headers={"Accept-Language": "ja"})
    assert _event(japanese.get_data())[0] == TITLE


# -- series --------------------------------------------------------------------------------

@pytest.fixture
def series(ctx, create_series):
    return create_series(kind="consultation", program_id=None, capacity=None,
                         title="スマホ何でも相談会", title_en="Smartphone help desk",
                         notes="予約はいりません。", notes_en="No booking needed.",
                         rrule="FREQ=MONTHLY;BYDAY=2TU", start_date=date(2026, 11, 1),
                         until_date=date(2027, 2, 28))


def _texts(session):
    return session.title, session.title_en, session.notes, session.notes_en


def test_a_series_gives_its_sessions_the_english_title_and_notes(series):
    assert len(series.sessions) == 4
    assert {_texts(session) for session in series.sessions} == {
        ("スマホ何でも相談会", "Smartphone help desk", "予約はいりません。", "No booking needed.")}
    with force_locale("en"):
        assert series.display_title == "Smartphone help desk"
        assert series.display_notes == "No booking needed."


def test_a_series_edit_passes_the_english_texts_on_and_leaves_alone_what_it_leaves_alone(
        series):
    past, one_off, *to_come = series.sessions  # 10 Nov (past at NOW), 8 Dec, ...
    services.update_session(one_off, {"title_en": "Help desk (2nd floor)"}, actor="test",
                            now=NOW)
    report = services.update_series(series, {"title_en": "Smartphone questions answered",
                                             "notes_en": "Just come along."},
                                    actor="test", now=NOW)
    db.session.commit()
    assert report.updated == to_come
    assert {(session.id, reason) for session, reason in report.left_alone} == {
        (past.id, "past"), (one_off.id, "one_off")}
    for session in to_come:
        assert (session.title_en, session.notes_en) == ("Smartphone questions answered",
                                                        "Just come along.")
    assert (past.title_en, past.notes_en) == ("Smartphone help desk", "No booking needed.")
    assert (one_off.title_en, one_off.notes_en) == ("Help desk (2nd floor)",
                                                    "No booking needed.")
    assert series.title_en == "Smartphone questions answered"


def test_a_series_edit_can_take_the_english_texts_away(series):
    services.update_series(series, {"title_en": "", "notes_en": None}, actor="test", now=NOW)
    db.session.commit()
    to_come = [session for session in series.sessions if session.start_dt > NOW]
    assert {(session.title_en, session.notes_en) for session in to_come} == {(None, None)}
    with force_locale("en"):
        assert to_come[0].display_title == "スマホ何でも相談会"


def test_the_audit_log_records_the_english_texts(series):
    from desk.core.audit import AuditEntry

    entries = db.session.query(AuditEntry).filter_by(action="series.create").all()
    assert entries[0].after["title_en"] == "Smartphone help desk"
    assert entries[0].after["notes_en"] == "No booking needed."
    session_entry = db.session.query(AuditEntry).filter_by(action="session.create").first()
    assert session_entry.after["title_en"] == "Smartphone help desk"
