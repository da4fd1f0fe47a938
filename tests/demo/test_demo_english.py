"""The loaded demo names its venues, districts and programs in English for English
readers (desk.demo.data carries the names; desk.demo.load saves them)."""

from sqlalchemy import select

from desk.core.districts import District
from desk.core.i18n import LOCALE_COOKIE
from desk.events.models import Program, Venue
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
