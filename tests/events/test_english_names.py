"""Venues, districts and programs in the reader's language: English pages, messages and
calendar files give the English names and texts; Japanese ones the Japanese; and where
no English was entered, English readers get the Japanese (desk.core.i18n)."""

from datetime import date, time

import icalendar
import pytest
from flask_babel import force_locale

from desk.events.services import book_seat
from desk.extensions import db
from desk.notify.segments import GSM7, count_segments
from tests.events.helpers import message
from tests.fixtures.factories import NOW
from tests.fixtures.pages import text
from tests.notify.channel_support import configure

DAY = date(2026, 12, 13)


@pytest.fixture
def english_venue(ctx, create_district, create_venue):
    district = create_district(name="湘南台", name_kana="ショウナンダイ", name_en="Shonandai")
    return create_venue(name="湘南台市民センター", name_en="Shonandai Citizen Center",
                        short_name="湘南台C", short_name_en="Shonandai C",
                        accessibility_notes="エレベーターあり", accessibility_notes_en="Lift",
                        address="神奈川県藤沢市湘南台1-8", district_id=district.id)


@pytest.fixture
def english_program(ctx, create_program):
    return create_program(title="はじめてのスマホ", title_en="Your first smartphone",
                          description="ゆっくり練習します。",
                          description_en="We practise slowly.",
                          what_to_bring="充電したスマートフォン",
                          what_to_bring_en="Your smartphone, charged")


@pytest.fixture
def booking(english_venue, english_program, create_session, create_person):
    session = create_session(venue_id=english_venue.id, program_id=english_program.id,
                             day=DAY, start=time(10), end=time(11, 30))
    booking = book_seat(session, create_person(), channel="web", actor="test",
                        now=NOW).booking
    db.session.commit()
    return booking


@pytest.fixture
def japanese_only_booking(ctx, create_district, create_venue, create_program, create_session,
                          create_person):
    district = create_district(name="御所見", name_kana="ゴショミ")
    venue = create_venue(name="御所見市民センター", short_name="御所見C",
                         accessibility_notes="駐車場あり", district_id=district.id)
    program = create_program(title="LINE入門", title_en=None, description="LINEを学びます。",
                             what_to_bring="スマートフォン")
    session = create_session(venue_id=venue.id, program_id=program.id, day=DAY)
    booking = book_seat(session, create_person(), channel="web", actor="test",
                        now=NOW).booking
    db.session.commit()
    return booking


# -- the one helper ------------------------------------------------------------------------

def test_names_follow_the_current_locale(english_venue, english_program):
    district = english_venue.district
    with force_locale("en"):
        assert (english_venue.display_name, district.display_name,
                english_venue.display_short_name, english_venue.display_accessibility_notes,
                english_program.display_title, english_program.display_description,
                english_program.display_what_to_bring) == (
            "Shonandai Citizen Center", "Shonandai", "Shonandai C", "Lift",
            "Your first smartphone", "We practise slowly.", "Your smartphone, charged")
    with force_locale("ja"):
        assert (english_venue.display_name, district.display_name,
                english_venue.display_short_name, english_venue.display_accessibility_notes,
                english_program.display_title, english_program.display_description,
                english_program.display_what_to_bring) == (
            "湘南台市民センター", "湘南台", "湘南台C", "エレベーターあり", "はじめてのスマホ",
            "ゆっくり練習します。", "充電したスマートフォン")


def test_english_readers_get_the_japanese_where_no_english_was_entered(
        japanese_only_booking):
    session = japanese_only_booking.session
    venue, program = session.venue, session.program
    with force_locale("en"):
        assert (venue.display_name, venue.district.display_name, venue.display_short_name,
                venue.display_accessibility_notes, program.display_title,
                program.display_description, program.display_what_to_bring) == (
            "御所見市民センター", "御所見", "御所見C", "駐車場あり", "LINE入門", "LINEを学びます。",
            "スマートフォン")


def test_an_english_sms_name_falls_back_to_the_english_name(ctx, create_venue):
    venue = create_venue(name_en="Goshomi Citizen Center")
    with force_locale("en"):
        assert venue.display_short_name == "Goshomi Citizen Center"


# -- pages ---------------------------------------------------------------------------------

def test_public_pages_in_english_give_the_english_names(client, booking):
    client.set_cookie("desk_locale", "en")
    session = booking.session
    detail = text(client.get(f"/sessions/{session.id}"))
    for expected in ("Shonandai Citizen Center", "Lift", "Your smartphone, charged",
                     "We practise slowly.", "Your first smartphone"):
        assert expected in detail
    assert "湘南台市民センター" not in detail and "充電したスマートフォン" not in detail
    venues = text(client.get("/venues"))
    assert "Shonandai Citizen Center" in venues and "(Shonandai)" in venues
    page = text(client.get(f"/bookings/{booking.token}"))
    assert "Shonandai Citizen Center" in page and "Your smartphone, charged" in page


def test_public_pages_in_japanese_give_the_japanese_names(client, booking):
    detail = text(client.get(f"/sessions/{booking.session.id}"))
    for expected in ("湘南台市民センター", "エレベーターあり", "充電したスマートフォン",
                     "ゆっくり練習します。"):
        assert expected in detail
    assert "Shonandai" not in detail and "Your smartphone" not in detail
    assert "(湘南台)" in text(client.get("/venues"))


def test_english_pages_fall_back_to_the_japanese_names(client, japanese_only_booking):
    client.set_cookie("desk_locale", "en")
    detail = text(client.get(f"/sessions/{japanese_only_booking.session.id}"))
    assert "御所見市民センター" in detail and "スマートフォン" in detail
    assert "(御所見)" in text(client.get("/venues"))


# -- messages ------------------------------------------------------------------------------

def test_english_sms_gives_the_english_short_name_and_stays_gsm(booking, monkeypatch, ctx):
    configure(monkeypatch, ctx)
    body = message(booking, "sms", "en").sms_body
    assert "Shonandai C Your first smartphone" in body
    assert count_segments(body).encoding == GSM7, body
    assert "湘南台C" in message(booking, "sms", "ja").sms_body


def test_english_voice_and_email_give_the_english_names(booking, monkeypatch, ctx):
    configure(monkeypatch, ctx)
    voice = message(booking, "voice", "en").voice_text
    assert "Shonandai Citizen Center" in voice and "湘南台" not in voice
    email = message(booking, "email", "en", address="keiko@example.jp")
    for part in (email.email_text, email.email_html):
        assert "Shonandai Citizen Center" in part and "Your smartphone, charged" in part
        assert "湘南台市民センター" not in part
    japanese = message(booking, "email", "ja", address="keiko@example.jp")
    assert "湘南台市民センター" in japanese.email_text
    assert "充電したスマートフォン" in japanese.email_text


def test_english_messages_fall_back_to_the_japanese_names(japanese_only_booking, monkeypatch,
                                                          ctx):
    configure(monkeypatch, ctx)
    assert "御所見C" in message(japanese_only_booking, "sms", "en").sms_body
    email = message(japanese_only_booking, "email", "en", address="keiko@example.jp")
    assert "御所見市民センター" in email.email_text and "スマートフォン" in email.email_text


# -- calendar files ------------------------------------------------------------------------

def _event(raw):
    [event] = icalendar.Calendar.from_ical(raw).walk("VEVENT")
    return str(event["SUMMARY"]), str(event["LOCATION"]), str(event["DESCRIPTION"])


def test_calendar_file_follows_the_readers_language(client, booking):
    english = client.get(f"/bookings/{booking.token}.ics", headers={"Accept-Language": "en"})
    summary, location, description = _event(english.get_data())
    assert summary == "Your first smartphone"
    assert location == "Shonandai Citizen Center, 神奈川県藤沢市湘南台1-8"
    assert "What to bring: Your smartphone, charged" in description
    japanese = client.get(f"/bookings/{booking.token}.ics", headers={"Accept-Language": "ja"})
    summary, location, description = _event(japanese.get_data())
    assert summary == "はじめてのスマホ"
    assert location.startswith("湘南台市民センター")
    assert "充電したスマートフォン" in description


def test_an_english_invitation_gives_the_english_names(booking, monkeypatch, ctx):
    configure(monkeypatch, ctx)
    summary, location, description = _event(
        message(booking, "email", "en", address="keiko@example.jp").ics)
    assert (summary, location.split(",")[0]) == ("Your first smartphone",
                                                 "Shonandai Citizen Center")
    assert "Your smartphone, charged" in description


def test_an_english_calendar_file_falls_back_to_the_japanese_names(client,
                                                                   japanese_only_booking):
    raw = client.get(f"/bookings/{japanese_only_booking.token}.ics",
                     headers={"Accept-Language": "en"}).get_data()
    summary, location, description = _event(raw)
    assert summary == "LINE入門" and location.startswith("御所見市民センター")
    assert "What to bring: スマートフォン" in description
