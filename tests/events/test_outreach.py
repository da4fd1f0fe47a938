"""Outreach classes on request: the public request form, the steps of a request (invalid
ones refused with a message), the messages to the contact person (planned once each, one
SMS segment in Japanese), scheduling (an outreach class at the group's community place,
linked to the request), the place named in SMS, .ics and open data, community places
kept to outreach classes, the staff pages, and erasing the contact details."""

from datetime import date, time

import pytest
from sqlalchemy import select

from desk.auth.models import Role
from desk.core.audit import AuditEntry
from desk.core.errors import ConflictError, ValidationError
from desk.core.timeutil import local_datetime
from desk.events import ics, outreach
from desk.events import services as event_services
from desk.events.models import (
    EventSession,
    OutreachRequest,
    OutreachStatus,
    RequestSource,
    SessionKind,
    VenueKind,
)
from desk.events.outreach_messages import DECLINED, RECEIVED, SCHEDULED
from desk.extensions import db
from desk.notify.content import render
from desk.notify.models import MessageChannel, OutboxMessage
from desk.notify.segments import count_segments
from desk.reports import opendata
from tests.fixtures.factories import NOW

DAY = date(2026, 12, 20)
DESK_PHONE = "0466-25-1111"
# the longest names the demo and a real city are likely to give
LONG_GROUP = "藤沢市湘南台二丁目第三町内会シニアクラブ寿会ボランティア部会"
LONG_SHORT_NAME = "湘南台二自治会"


def request_data(**changes):
    data = {
        "group_name": "湘南台二丁目町内会",
        "group_kind": "neighbourhood",
        "contact_name": "佐藤 和子",
        "contact_kana": "さとう かずこ",
        "contact_phone": "090-2468-1357",
        "contact_email": "",
        "reply_channel": "sms",
        "place_name": "湘南台二丁目自治会館",
        "place_address": "神奈川県藤沢市湘南台2-15-3",
        "preferred_date_1": DAY,
        "preferred_date_2": date(2026, 12, 22),
        "expected_count": 15,
        "topics": ["basics", "line"],
        "devices": ["iphone", "android"],
        "needs_hearing": True,
        "needs_wheelchair": False,
        "needs_notes": "マイクをお願いします",
    }
    data.update(changes)
    return data


@pytest.fixture
def settings(ctx, monkeypatch):
    monkeypatch.setitem(ctx.config, "DESK_DESK_PHONE", DESK_PHONE)
    monkeypatch.setitem(ctx.config, "DESK_MUNICIPALITY_NAME", "藤沢市")
    return ctx


@pytest.fixture
def submit(settings):
    def factory(**changes):
        found = outreach.submit_request(request_data(**changes), source=RequestSource.WEB,
                                        locale="ja", actor="web", now=NOW)
        db.session.flush()
        return found

    return factory


def messages_of(found):
    return db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.topic == "outreach", OutboxMessage.topic_id == found.id)
        .order_by(OutboxMessage.id)).all()


def schedule(found, program, **changes):
    data = {"place_name_kana": "ショウナンダイニチョウメジチカイカン",
            "place_short_name": LONG_SHORT_NAME, "program_id": program.id,
            "start_dt": local_datetime(DAY, time(13, 30)),
            "end_dt": local_datetime(DAY, time(15)), "capacity": 15}
    data.update(changes)
    return outreach.schedule_request(found, data, actor="test", now=NOW)


def test_request_is_received_and_acknowledged_once(submit):
    found = submit()
    assert found.status == OutreachStatus.RECEIVED
    assert found.contact_phone == "+819024681357"
    assert found.contact_kana == "サトウ\u3000カズコ"
    assert found.preferred_dates == [DAY, date(2026, 12, 22)]
    assert found.topics == ["basics", "line"]
    [message] = messages_of(found)
    assert (message.template, message.channel, message.address) == (
        RECEIVED, MessageChannel.SMS, "+819024681357")
    body = render(message, now=NOW).sms_body
    assert DESK_PHONE in body and "出張講座" in body
    assert count_segments(body).segments == 1


@pytest.mark.parametrize(("changes", "field"), [
    ({"reply_channel": "sms", "contact_phone": "0466-25-1234"}, "reply_channel"),
    ({"reply_channel": "email", "contact_email": ""}, "contact_email"),
    ({"contact_kana": "Sato"}, "contact_kana"),
    ({"expected_count": 0}, "expected_count"),
    ({"topics": ["cooking"]}, "topics"),
    ({"preferred_date_1": date(2026, 11, 1)}, "preferred_date_1"),
    ({"group_name": ""}, "group_name"),
])
def test_bad_requests_are_refused_with_a_message(submit, changes, field):
    with pytest.raises(ValidationError) as refused:
        submit(**changes)
    assert field in refused.value.fields
    assert db.session.scalar(select(db.func.count()).select_from(OutreachRequest)) == 0


def test_steps_and_invalid_steps(submit):
    found = submit()
    outreach.start_arranging(found, {"note": "会長と電話で相談"}, actor="test", now=NOW)
    assert found.status == OutreachStatus.ARRANGING
    with pytest.raises(ConflictError) as refused:
        outreach.start_arranging(found, {}, actor="test", now=NOW)
    assert "Being arranged" in str(refused.value) or "調整中" in str(refused.value)
    outreach.decline_request(found, {"decline_reason": "dates_unavailable"}, actor="test",
                             now=NOW)
    assert found.status == OutreachStatus.DECLINED
    with pytest.raises(ConflictError):
        outreach.decline_request(found, {"decline_reason": "other"}, actor="test", now=NOW)
    assert [message.template for message in messages_of(found)] == [RECEIVED, DECLINED]
    body = render(messages_of(found)[1], now=NOW).sms_body
    assert count_segments(body).segments == 1
    actions = [entry.action for entry in outreach.timeline(found)]
    assert actions == ["outreach_request.create", "outreach_request.arranging",
                       "outreach_request.declined"]


def test_decline_needs_a_reason(submit):
    found = submit()
    with pytest.raises(ValidationError):
        outreach.decline_request(found, {}, actor="test", now=NOW)
    assert found.status == OutreachStatus.RECEIVED


def test_scheduling_creates_the_class_at_a_new_community_place(submit, create_program,
                                                              create_district):
    district = create_district(name="湘南台地区", name_kana="ショウナンダイチク")
    found = submit(group_name=LONG_GROUP, district_id=district.id)
    program = create_program()
    schedule(found, program)
    session = found.session
    assert found.status == OutreachStatus.SCHEDULED
    assert session.kind == SessionKind.OUTREACH_CLASS
    assert session.requesting_group == LONG_GROUP
    place = session.venue
    assert place.kind == VenueKind.COMMUNITY and place.id == found.place_id
    assert (place.name, place.address, place.district_id) == (
        "湘南台二丁目自治会館", "神奈川県藤沢市湘南台2-15-3", district.id)
    [received, scheduled] = messages_of(found)
    assert scheduled.template == SCHEDULED and scheduled.not_after == session.start_dt
    body = render(scheduled, now=NOW).sms_body
    assert LONG_SHORT_NAME in body and "13:30" in body
    assert count_segments(body).segments == 1
    with pytest.raises(ConflictError):
        schedule(found, program)
    assert len(messages_of(found)) == 2


def test_scheduling_at_a_known_place_and_refusing_a_city_venue(submit, create_program,
                                                               create_venue):
    place = outreach.create_place({"name": "特別養護老人ホーム藤の里 多目的室",
                                   "name_kana": "トクベツヨウゴロウジンホームフジノサト",
                                   "short_name": "藤の里", "address": "藤沢市亀井野3-2-1",
                                   "default_capacity": 20}, actor="test")
    found = submit(group_kind="care_facility")
    with pytest.raises(ValidationError) as refused:
        schedule(found, create_program(), place_id=create_venue().id)
    assert "place_id" in refused.value.fields
    assert found.status == OutreachStatus.RECEIVED
    schedule(found, create_program(), place_id=place.id)
    assert found.session.venue_id == place.id


def test_a_community_place_hosts_outreach_classes_only(settings, create_session, create_venue):
    place = outreach.create_place({"name": "亀井野自治会館", "name_kana": "カメイノジチカイカン",
                                   "short_name": "亀井野会館", "address": "藤沢市亀井野1-1",
                                   "default_capacity": 30}, actor="test")
    with pytest.raises(ValidationError) as refused:
        create_session(kind="class", venue_id=place.id)
    assert "venue_id" in refused.value.fields
    session = create_session(kind="outreach_class", venue_id=place.id,
                             requesting_group="亀井野老人会")
    assert session.venue.is_community


def test_the_place_is_named_in_sms_ics_and_open_data(submit, create_program, create_person):
    found = submit()
    schedule(found, create_program())
    session = db.session.get(EventSession, found.session_id)
    person = create_person(phone="090-1111-2222")
    booking = event_services.book_seat(session, person, channel="phone_desk", actor="test",
                                       now=NOW).booking
    db.session.flush()
    sms = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.topic == "booking", OutboxMessage.topic_id == booking.id,
        OutboxMessage.channel == MessageChannel.SMS)).first()
    assert LONG_SHORT_NAME in render(sms, now=NOW).sms_body
    calendar = ics.booking_calendar(booking, now=NOW).decode()
    assert "湘南台二丁目自治会館" in calendar.replace("\r\n ", "")
    rows = [row for row in opendata.event_rows(NOW) if "湘南台二丁目自治会館" in row]
    assert rows and "神奈川県藤沢市湘南台2-15-3" in rows[0]
    assert all("湘南台二丁目自治会館" not in row for row in opendata.facility_rows())


def test_a_call_and_an_email_say_the_place(submit, create_program):
    by_phone = submit(reply_channel="voice", contact_phone="0466-25-9876")
    schedule(by_phone, create_program())
    call = messages_of(by_phone)[-1]
    text = render(call, now=NOW).voice_text
    assert "湘南台二丁目自治会館" in text
    by_mail = submit(reply_channel="email", contact_email="kazuko.sato@example.jp")
    outreach.decline_request(by_mail, {"decline_reason": "outside_city"}, actor="test",
                             now=NOW)
    mail = render(messages_of(by_mail)[-1], now=NOW)
    assert "佐藤 和子" in mail.email_text and mail.email_subject


def test_erasing_the_contact_cancels_its_messages(submit):
    found = submit()
    outreach.blank_contact(found, actor="test", now=NOW)
    assert (found.contact_name, found.contact_phone) == (None, None)
    assert all(message.state == "cancelled" for message in messages_of(found))
    entries = db.session.scalars(select(AuditEntry).where(
        AuditEntry.object_type == "outreach_requests")).all()
    assert all("佐藤" not in str(entry.after) for entry in entries)
    with pytest.raises(ConflictError):
        outreach.blank_contact(found, actor="test", now=NOW)


# -- pages ---------------------------------------------------------------------------------

def test_public_form_and_confirmation(settings, client):
    page = client.get("/outreach/request")
    assert page.status_code == 200 and "出張講座" in page.text
    data = {key: value for key, value in request_data(
        preferred_date_1="2027-01-10", preferred_date_2="").items()
        if not isinstance(value, bool | list)}
    data.update(topics=["basics", "line"], devices=["iphone"], needs_hearing="y",
                expected_count="12")
    sent = client.post("/outreach/request", data=data, follow_redirects=True)
    assert sent.status_code == 200
    assert "受け付けました" in sent.text or "received" in sent.text
    found = db.session.scalar(select(OutreachRequest))
    assert found.source == RequestSource.WEB and found.needs_hearing
    bad = client.post("/outreach/request", data={**data, "contact_phone": "12"})
    assert bad.status_code == 200 and "error-summary" in bad.text
    assert db.session.scalar(select(db.func.count()).select_from(OutreachRequest)) == 1


def test_staff_pages(settings, client, create_user, login, submit, create_program):
    login(client, create_user(role=Role.COORDINATOR))
    found = submit()
    listing = client.get("/staff/outreach?status=received")
    assert found.group_name in listing.text
    assert found.group_name not in client.get("/staff/outreach?status=declined").text
    detail = client.get(f"/staff/outreach/{found.id}")
    assert detail.status_code == 200 and "090-2468-1357" in detail.text
    arranged = client.post(f"/staff/outreach/{found.id}/arrange", data={"arrange-note": "調整"},
                           follow_redirects=True)
    db.session.refresh(found)
    assert arranged.status_code == 200 and found.status == OutreachStatus.ARRANGING
    again = client.post(f"/staff/outreach/{found.id}/arrange", data={})
    assert again.status_code == 200 and "この依頼は「調整中」です" in again.text
    program = create_program()
    scheduled = client.post(f"/staff/outreach/{found.id}/schedule", data={
        "place_id": "", "place_name": "湘南台二丁目自治会館",
        "place_name_kana": "ショウナンダイニチョウメジチカイカン", "place_short_name": "湘南台会館",
        "program_id": str(program.id), "day": "2026-12-20", "start_time": "13:30",
        "end_time": "15:00", "capacity": "15"}, follow_redirects=True)
    db.session.refresh(found)
    assert scheduled.status_code == 200 and found.status == OutreachStatus.SCHEDULED
    assert client.get("/staff/places").text.count("湘南台二丁目自治会館") == 1
    assert client.get(f"/staff/places/{found.place_id}").status_code == 200
    # each kind of venue is edited from its own list only
    assert client.get(f"/staff/venues/{found.place_id}").status_code == 404
    assert client.get("/staff/outreach/new").status_code == 200
    session_page = client.get(f"/staff/sessions/{found.session_id}")
    assert f"/staff/outreach/{found.id}" in session_page.text


def test_kpi_counts_requests_held_and_groups_by_district(submit, create_program,
                                                         create_district):
    from desk.reports.metrics import breakdown, compute

    shonandai = create_district(name="湘南台", name_kana="ショウナンダイ")
    program = create_program()
    held = submit(district_id=shonandai.id)
    schedule(held, program, start_dt=local_datetime(date(2026, 11, 24), time(13, 30)),
             end_dt=local_datetime(date(2026, 11, 24), time(15)))
    same_group = submit(district_id=shonandai.id, preferred_date_1=date(2026, 12, 24))
    schedule(same_group, program, place_id=held.place_id,
             start_dt=local_datetime(date(2026, 11, 25), time(10)),
             end_dt=local_datetime(date(2026, 11, 25), time(11, 30)))
    later = submit(group_name="寿会", group_kind="senior_club", place_name="石川老人憩の家")
    schedule(later, program, place_short_name="石川憩の家")  # 2026-12-20: not held yet
    declined = submit(group_name="ハイツ湘南管理組合", group_kind="apartment")
    outreach.decline_request(declined, {"decline_reason": "too_few"}, actor="test", now=NOW)
    db.session.flush()
    after = local_datetime(date(2026, 11, 26), time(9))
    figures = compute(date(2026, 4, 1), date(2027, 3, 31), now=after)
    assert (figures["outreach_requests_received"], figures["outreach_requests_held"],
            figures["outreach_groups_reached"]) == (4, 2, 1)
    rows = {row.key: row.values for row in breakdown(date(2026, 4, 1), date(2027, 3, 31),
                                                     "district", now=after)}
    assert (rows[shonandai.id]["outreach_requests_received"],
            rows[shonandai.id]["outreach_requests_held"],
            rows[shonandai.id]["outreach_groups_reached"]) == (2, 2, 1)
    assert rows[None]["outreach_requests_received"] == 2
    assert rows[None]["outreach_requests_held"] == 0


def test_retention_disclosure_and_erasure_of_a_resident(submit, create_person, app):
    from datetime import timedelta

    from desk.core import retention
    from desk.events import _outreach_requests_of
    from desk.people import erasure

    kept = submit()
    old = submit(group_name="寿会", contact_phone="090-1357-2468")
    outreach.decline_request(old, {"decline_reason": "too_few"}, actor="test", now=NOW)
    db.session.commit()
    outcome = {item.data_class.key: item.count for item in retention.purge(
        app.config, now=NOW + timedelta(days=366), actor="test")}
    assert outcome["outreach_contacts"] == 1
    assert old.contact_name is None and kept.contact_name == "佐藤 和子"  # still open
    person = create_person(phone="090-2468-1357")
    assert _outreach_requests_of(person) == [kept]
    erasure.anonymise(person, actor="test", now=NOW)
    assert kept.contact_phone is None and kept.contact_removed_dt is not None
