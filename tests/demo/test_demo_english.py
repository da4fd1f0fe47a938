"""The loaded demo names its venues, districts and programs in English for English
readers (desk.demo.data carries the names; desk.demo.load saves them)."""

from sqlalchemy import select

from desk.core.districts import District
from desk.core.i18n import LOCALE_COOKIE
from desk.events.models import EventSession, Program, SessionKind, SessionSeries, Venue
from desk.extensions import db


def test_demo_rows_have_english_names(demo_context):
    venues = db.session.scalars(select(Venue)).all()
    programs = db.session.scalars(select(Program)).all()
    districts = db.session.scalars(select(District)).all()
    assert venues and programs and districts
    assert all(venue.name_en and venue.short_name_en and venue.accessibility_notes_en
               for venue in venues)
    assert all(program.title_en and program.description_en and program.what_to_bring_en
               for program in programs)
    assert all(district.name_en for district in districts)


def test_demo_venues_page_in_english(demo_app):
    client = demo_app.test_client()
    client.set_cookie(LOCALE_COOKIE, "en")
    page = client.get("/venues").get_data(as_text=True)
    assert "Kugenuma Citizen Center" in page and "(Kugenuma)" in page
    assert "鵠沼市民センター" not in page


def test_demo_sessions_have_english_titles_and_notes(demo_context):
    sessions = db.session.scalars(select(EventSession)).all()
    by_kind = {kind: [session for session in sessions if session.kind == kind]
               for kind in SessionKind}
    for kind in (SessionKind.CONSULTATION, SessionKind.AWARENESS_EVENT):
        assert by_kind[kind], kind
        assert all(session.title_en and session.notes_en for session in by_kind[kind]), kind
    assert {session.title_en for session in by_kind[SessionKind.CONSULTATION]} == {
        "Smartphone help desk"}
    outreach = by_kind[SessionKind.OUTREACH_CLASS]
    # at a community place (its English name), or in a room of a city venue (the notes)
    assert outreach and all(session.venue.is_community or session.notes_en.startswith("Room: ")
                            for session in outreach)
    assert all(session.notes_en.isascii() for session in sessions if session.notes_en)
    series = db.session.scalars(select(SessionSeries).where(
        SessionSeries.kind == SessionKind.CONSULTATION)).all()
    assert series and all(item.title_en == "Smartphone help desk" for item in series)


def test_demo_consultation_page_in_english(demo_app):
    with demo_app.app_context():
        session = db.session.scalars(select(EventSession).where(
            EventSession.kind == SessionKind.CONSULTATION,
            EventSession.slot_minutes.is_(None)).limit(1)).one()
        session_id = session.id
    client = demo_app.test_client()
    client.set_cookie(LOCALE_COOKIE, "en")
    page = client.get(f"/sessions/{session_id}").get_data(as_text=True)
    assert "Smartphone help desk" in page and "No booking needed" in page
    assert "スマホ何でも相談会" not in page
