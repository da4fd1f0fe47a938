"""Districts, venues and programs: every rule of their services, the audit trail, and
that a refused change changes nothing."""

import pytest

from desk.core.errors import ValidationError
from desk.events import services
from desk.extensions import db
from tests.events.helpers import audit_entries, last_audit, row_counts


def venue_data(**changes):
    data = {
        "name": "藤沢市民会館",
        "name_kana": "フジサワシミンカイカン",
        "short_name": "市民会館",
        "address": "神奈川県藤沢市鵠沼東8-1",
        "phone": "0466-23-2415",
        "default_capacity": "24",
        "accessibility_notes": "段差なし。エレベーターあり。",
        "latitude": "35.3353",
        "longitude": "139.4878",
    }
    data.update(changes)
    return data


def program_data(**changes):
    data = {
        "title": "LINE入門",
        "title_kana": "ラインニュウモン",
        "title_en": "LINE for beginners",
        "topic": "line",
        "level": "beginner",
        "device": "any",
        "default_duration_minutes": "90",
    }
    data.update(changes)
    return data


def refused(action, *, fields):
    """Run `action`, expect a ValidationError on exactly `fields`, and no change."""
    before = row_counts()
    with pytest.raises(ValidationError) as caught:
        action()
    db.session.rollback()
    assert set(caught.value.fields) == set(fields), caught.value.fields
    assert all(caught.value.fields.values())
    assert caught.value.message
    assert row_counts() == before
    return caught.value


# -- venues ----------------------------------------------------------------------------

def test_create_venue_stores_clean_values_and_audits(ctx, coordinator, create_district):
    district = create_district(name="鵠沼")
    venue = services.create_venue(venue_data(district_id=str(district.id),
                                             name="  藤沢市民会館   本館 "), actor=coordinator)
    db.session.commit()
    assert venue.name == "藤沢市民会館 本館"
    assert venue.phone == "+81466232415"
    assert venue.default_capacity == 24
    assert venue.district_id == district.id
    assert (venue.latitude, venue.longitude) == (35.3353, 139.4878)
    entry = last_audit("venue.create")
    assert entry.object_id == venue.id and entry.actor_id == coordinator.id
    assert entry.before is None
    assert entry.after["name"] == "藤沢市民会館 本館"
    assert entry.after["phone"] == "+81466232415"


def test_create_venue_accepts_the_limits(ctx):
    venue = services.create_venue(venue_data(
        name="館" * 100, name_kana="カ" * 200, short_name="ながいなまえ八字",
        address="住" * 200, default_capacity=500, phone="", latitude="", longitude=""),
        actor="test")
    assert len(venue.short_name) == 8 and venue.default_capacity == 500
    assert venue.phone is None and venue.latitude is None
    assert services.create_venue(venue_data(name="別館", default_capacity="0"),
                                 actor="test").default_capacity == 0


@pytest.mark.parametrize("changes, field", [
    ({"name": ""}, "name"),
    ({"name": "   "}, "name"),
    ({"name": "館" * 101}, "name"),
    ({"name_kana": "カ" * 201}, "name_kana"),
    ({"short_name": "ながいなまえ九文字"}, "short_name"),
    ({"short_name": "ShortName"}, "short_name"),
    ({"short_name": ""}, "short_name"),
    ({"address": "住" * 201}, "address"),
    ({"address": None}, "address"),
    ({"default_capacity": "-1"}, "default_capacity"),
    ({"default_capacity": "501"}, "default_capacity"),
    ({"default_capacity": "twenty"}, "default_capacity"),
    ({"default_capacity": ""}, "default_capacity"),
    ({"default_capacity": True}, "default_capacity"),
    ({"district_id": "99999"}, "district_id"),
    ({"district_id": "abc"}, "district_id"),
    ({"district_id": "²"}, "district_id"),
    ({"district_id": "-3"}, "district_id"),
    ({"district_id": str(2**40)}, "district_id"),
    ({"latitude": "35.3"}, "longitude"),
    ({"longitude": "139.4", "latitude": None}, "longitude"),
    ({"latitude": "91"}, "latitude"),
    ({"longitude": "-181"}, "longitude"),
    ({"latitude": "north"}, "latitude"),
    ({"latitude": "nan"}, "latitude"),
    ({"accessibility_notes": "あ" * 1001}, "accessibility_notes"),
    ({"name": "藤沢\x00会館"}, "name"),
    ({"is_active": "maybe"}, "is_active"),
])
def test_create_venue_refuses_bad_input(ctx, changes, field):
    data = venue_data(**changes)
    if field == "longitude" and "latitude" in changes and changes["latitude"] == "35.3":
        data["longitude"] = ""
    refused(lambda: services.create_venue(data, actor="test"), fields=[field])


@pytest.mark.parametrize("raw, understood", [
    ("0466-23-241", "0466-23-241"),
    ("０４６６ー２３", "0466-23"),
    ("電話 0466", "電話0466"),
    ("0120-", "0120-"),
])
def test_create_venue_invalid_phone_shows_what_was_understood(ctx, raw, understood):
    error = refused(lambda: services.create_venue(venue_data(phone=raw), actor="test"),
                    fields=["phone"])
    assert understood in error.fields["phone"]


def test_create_venue_blank_phone_means_no_phone(ctx):
    venue = services.create_venue(venue_data(phone="   "), actor="test")
    assert venue.phone is None


def test_create_venue_refuses_a_duplicate_name_in_any_case(ctx, create_venue):
    create_venue(name="Fujisawa Hall")
    refused(lambda: services.create_venue(venue_data(name="fujisawa hall"), actor="test"),
            fields=["name"])


def test_create_venue_reports_every_bad_field_at_once(ctx):
    refused(lambda: services.create_venue(
        venue_data(name="", short_name="ながいなまえ九文字", default_capacity="600"),
        actor="test"), fields=["name", "short_name", "default_capacity"])


def test_update_venue_changes_and_audits_before_and_after(ctx, coordinator, create_venue):
    venue = create_venue(default_capacity=20)
    services.update_venue(venue, {"default_capacity": "30", "phone": "0466-44-2222"},
                          actor=coordinator)
    db.session.commit()
    assert venue.default_capacity == 30 and venue.phone == "+81466442222"
    entry = last_audit("venue.update")
    assert entry.object_id == venue.id
    assert entry.before["default_capacity"] == 20 and entry.after["default_capacity"] == 30
    assert entry.before["phone"] == "+81466441111" and entry.after["phone"] == "+81466442222"


def test_update_venue_without_a_change_writes_no_audit_entry(ctx, create_venue):
    venue = create_venue()
    before = row_counts()
    services.update_venue(venue, {"name": venue.name}, actor="test")
    assert row_counts() == before


def test_update_venue_keeps_its_own_name_but_not_another_ones(ctx, create_venue):
    first, second = create_venue(), create_venue()
    services.update_venue(first, {"name": first.name.upper()}, actor="test")
    refused(lambda: services.update_venue(first, {"name": second.name}, actor="test"),
            fields=["name"])


def test_update_venue_refused_changes_nothing(ctx, create_venue):
    venue = create_venue(default_capacity=20)
    refused(lambda: services.update_venue(venue, {"default_capacity": "501",
                                                  "name": "新しい名前"}, actor="test"),
            fields=["default_capacity"])
    db.session.refresh(venue)
    assert venue.default_capacity == 20 and venue.name != "新しい名前"


def test_update_venue_coordinates_as_a_pair(ctx, create_venue):
    venue = create_venue(latitude="35.1", longitude="139.2")
    refused(lambda: services.update_venue(venue, {"longitude": ""}, actor="test"),
            fields=["longitude"])
    services.update_venue(venue, {"latitude": "", "longitude": ""}, actor="test")
    assert venue.latitude is None and venue.longitude is None


# -- programs --------------------------------------------------------------------------

def test_create_program_and_audit(ctx, coordinator):
    program = services.create_program(program_data(), actor=coordinator)
    db.session.commit()
    assert program.topic.value == "line" and program.default_duration_minutes == 90
    entry = last_audit("program.create")
    assert entry.object_id == program.id and entry.after["title"] == "LINE入門"


@pytest.mark.parametrize("changes, field", [
    ({"title": ""}, "title"),
    ({"title": "題" * 101}, "title"),
    ({"title_kana": ""}, "title_kana"),
    ({"title_en": "x" * 201}, "title_en"),
    ({"description": "説" * 2001}, "description"),
    ({"topic": "knitting"}, "topic"),
    ({"topic": ""}, "topic"),
    ({"level": "expert"}, "level"),
    ({"device": "blackberry"}, "device"),
    ({"default_duration_minutes": "14"}, "default_duration_minutes"),
    ({"default_duration_minutes": "481"}, "default_duration_minutes"),
    ({"default_duration_minutes": "1.5"}, "default_duration_minutes"),
    ({"what_to_bring": "物" * 501}, "what_to_bring"),
])
def test_create_program_refuses_bad_input(ctx, changes, field):
    refused(lambda: services.create_program(program_data(**changes), actor="test"),
            fields=[field])


def test_create_program_refuses_a_duplicate_title(ctx, create_program):
    create_program(title="LINE入門")
    refused(lambda: services.create_program(program_data(), actor="test"), fields=["title"])


def test_create_program_keeps_line_breaks_of_a_browser_textarea(ctx):
    program = services.create_program(program_data(
        description="1行目\r\n2行目\r\n\r\n3行目", what_to_bring="スマホ\r\n充電器"),
        actor="test")
    assert program.description == "1行目\n2行目\n\n3行目"
    assert program.what_to_bring == "スマホ\n充電器"


def test_update_program_audits_before_and_after(ctx, create_program):
    program = create_program(default_duration_minutes=90)
    services.update_program(program, {"default_duration_minutes": "120", "level": "advanced"},
                            actor="test")
    entry = last_audit("program.update")
    assert entry.before["default_duration_minutes"] == 90
    assert entry.after["default_duration_minutes"] == 120
    assert (entry.before["level"], entry.after["level"]) == ("beginner", "advanced")


# -- districts -------------------------------------------------------------------------

def test_create_and_update_district_audit(ctx):
    district = services.create_district({"name": "辻堂", "name_kana": "ツジドウ",
                                         "position": "3"}, actor="test")
    assert district.position == 3
    services.update_district(district, {"name": "辻堂地区"}, actor="test")
    entry = last_audit("district.update")
    assert (entry.before["name"], entry.after["name"]) == ("辻堂", "辻堂地区")
    assert len(audit_entries(object_id=district.id, action="district.create")) == 1


@pytest.mark.parametrize("changes, field", [
    ({"name": ""}, "name"),
    ({"name": "地" * 51}, "name"),
    ({"name_kana": "チ" * 101}, "name_kana"),
    ({"position": "-1"}, "position"),
    ({"position": "10000"}, "position"),
    ({"position": "first"}, "position"),
])
def test_create_district_refuses_bad_input(ctx, changes, field):
    data = {"name": "村岡", "name_kana": "ムラオカ", "position": "1", **changes}
    refused(lambda: services.create_district(data, actor="test"), fields=[field])


def test_create_district_refuses_a_duplicate_name(ctx, create_district):
    create_district(name="村岡")
    refused(lambda: services.create_district({"name": "村岡", "name_kana": "ムラオカ"},
                                             actor="test"), fields=["name"])
