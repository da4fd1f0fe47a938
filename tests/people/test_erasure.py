"""Anonymising residents (desk.people.erasure): a resident's request to stop and delete,
and the retention period of residents with nothing for years. The record stays with its
links; the name, reading, contact details, proxies, message addresses, ticket names and
visit notes go, and so do the personal fields of the audit entries about them."""

import json
from datetime import date, datetime, time

import pytest
from sqlalchemy import func, or_, select

from desk.core import retention
from desk.core.audit import AuditEntry
from desk.core.errors import ValidationError
from desk.core.timeutil import local_datetime
from desk.events import services as events
from desk.events.models import Attendance, Booking, BookingStatus, CancelReason
from desk.events.notices import BookingTemplate
from desk.extensions import db
from desk.notify.models import MessageState, OutboxMessage
from desk.people import erasure, queries, services
from desk.people.models import Person, PrivacyRequest, PrivacyRequestKind, ProxyContact
from tests.fixtures.factories import NOW
from tests.people.helpers import error_fields, row_counts

PHONE = "090-3141-5926"
E164 = "+819031415926"
NAME, KANA = "山本 和夫", "やまもと かずお"
EMAIL = "kazuo.yamamoto@example.jp"


def book(session, person, *, now=NOW, **kwargs):
    return events.book_seat(session, person, channel="phone_desk", actor="test", now=now,
                            **kwargs).booking


@pytest.fixture
def resident(ctx, create_person):
    person = create_person(name=NAME, name_kana=KANA, phone=PHONE, email=EMAIL)
    services.add_proxy(person, {"name": "山本 真理", "relation": "family",
                                "relation_note": "長女", "phone": "080-2718-2818",
                                "wants_copies": True},
                       consent_method="phone_staff", actor="test", now=NOW)
    db.session.commit()
    return person


@pytest.fixture
def full_class(ctx, create_session, create_person, resident):
    """A class on 3 December with one seat, taken by the resident; 佐藤 waits."""
    session = create_session(capacity=1)
    booked = book(session, resident)
    waiting = book(session, create_person(name="佐藤 恵子", name_kana="さとう けいこ"))
    db.session.commit()
    assert waiting.status == BookingStatus.WAITLISTED
    return session, booked, waiting


@pytest.fixture
def past_class(ctx, create_session, resident):
    """A class on 10 November the resident attended."""
    session = create_session(day=date(2026, 11, 10))
    booking = book(session, resident, now=local_datetime(date(2026, 11, 1), time(10)))
    events.set_attendance(booking, Attendance.ATTENDED, actor="test",
                          now=local_datetime(date(2026, 11, 10), time(10, 5)))
    db.session.commit()
    return session, booking


def stop_and_delete(person, **kwargs):
    values = {"received_via": "phone", "received_on": date(2026, 11, 20), "reference": "個-123",
              "actor": "test", "now": NOW}
    erasure_result = erasure.stop_and_delete(person, **{**values, **kwargs})
    db.session.commit()
    return erasure_result


def audit_text():
    """Every snapshot and note of the audit log, as one string."""
    entries = db.session.scalars(select(AuditEntry)).unique().all()
    return json.dumps([[entry.before, entry.after, entry.note] for entry in entries],
                      ensure_ascii=False)


def test_stop_and_delete_removes_the_details_and_keeps_the_record(
        resident, full_class, past_class, coordinator):
    session, booked, waiting = full_class
    _past_session, attended = past_class
    proxy_id = resident.proxies[0].id
    messages = db.session.scalars(select(OutboxMessage.id).where(or_(
        OutboxMessage.person_id == resident.id, OutboxMessage.proxy_id == proxy_id))).all()
    assert messages

    result = stop_and_delete(resident, actor=coordinator)

    db.session.expire_all()
    person = db.session.get(Person, resident.id)
    assert person.name == f"#{person.id}"
    assert (person.name_kana, person.kana_key) == ("", "")
    assert person.phone is None and person.email is None and person.phone_kind is None
    assert person.is_anonymised and not person.has_consent
    # what the figures need stays
    assert person.district_id == resident.district_id and person.age_band == resident.age_band
    assert db.session.scalar(select(func.count(ProxyContact.id))
                             .where(ProxyContact.person_id == person.id)) == 0
    # the future booking is cancelled, the waiting list moves up and is told
    assert db.session.get(Booking, booked.id).status == BookingStatus.CANCELLED
    assert db.session.get(Booking, booked.id).cancel_reason == CancelReason.PERSON
    assert db.session.get(Booking, waiting.id).status == BookingStatus.BOOKED
    assert db.session.scalar(select(func.count(OutboxMessage.id)).where(
        OutboxMessage.topic_id == waiting.id,
        OutboxMessage.template == str(BookingTemplate.WAITLIST_PROMOTED))) == 1
    # the attended booking of the past class stays, for the figures
    assert db.session.get(Booking, attended.id).attendance == Attendance.ATTENDED
    # nothing is left waiting for the person, and no message keeps their address
    rows = db.session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(messages))).all()
    assert all(row.state != MessageState.QUEUED for row in rows)
    assert {row.address for row in rows} == {""}
    # the request and who handled it
    request = db.session.scalars(select(PrivacyRequest)).one()
    assert (request.person_id, request.kind, request.received_on, request.reference,
            request.handled_by_id) == (person.id, PrivacyRequestKind.STOP_DELETE,
                                       date(2026, 11, 20), "個-123", coordinator.id)
    assert result.counts["bookings_cancelled"] == 1
    # the audit log keeps who did what, not the name or the numbers
    text = audit_text()
    for secret in (NAME, KANA, E164, EMAIL, "山本 真理", "長女", "+818027182818"):
        assert secret not in text
    assert db.session.scalar(select(func.count(AuditEntry.id)).where(
        AuditEntry.action == "person.anonymise", AuditEntry.object_id == person.id)) == 1


def test_an_anonymised_person_cannot_be_found_by_their_old_phone_or_name(
        resident, create_person):
    stop_and_delete(resident)
    for text in (PHONE, E164, NAME, "山本", KANA, "ヤマモト"):
        assert queries.search_people(text).total == 0, text
    assert services.people_with_phone(E164) == []
    # booking again with the same name and number makes a new record
    again = services.person_for_public_booking(
        {"name": NAME, "name_kana": KANA, "phone": PHONE, "consent": True}, channel="web",
        consent_method="web", actor=None, now=NOW)
    assert again.id != resident.id and not again.needs_review


def test_an_anonymised_record_cannot_be_changed_booked_or_merged(resident, create_person,
                                                                  create_session):
    stop_and_delete(resident)
    session, other = create_session(), create_person()
    before = row_counts()
    with pytest.raises(ValidationError):
        services.update_person(resident, {"name": "山本 一郎"}, consent_method="phone_staff",
                               actor="test", now=NOW)
    with pytest.raises(ValidationError):
        book(session, resident)
    with pytest.raises(ValidationError):
        services.merge_people(other, resident, actor="test", now=NOW)
    with pytest.raises(ValidationError):
        stop_and_delete(resident)
    db.session.rollback()
    assert row_counts() == before


@pytest.mark.parametrize("change, field", [
    ({"received_on": date(2026, 11, 24)}, "received on a day after today"),
    ({"received_via": "fax"}, "an unknown way"),
    ({"reference": "1" * 41}, "a reference too long"),
])
def test_a_request_with_wrong_details_changes_nothing(resident, change, field):
    before = row_counts()
    with pytest.raises(ValidationError):
        stop_and_delete(resident, **change)
    db.session.rollback()
    assert row_counts() == before, field
    assert not db.session.get(Person, resident.id).is_anonymised


def test_the_page_asks_for_the_request_and_a_confirmation(staff_client, resident, full_class):
    page = staff_client.get(f"/staff/people/{resident.id}")
    assert f"/staff/people/{resident.id}/erase" in page.get_data(as_text=True)
    form = staff_client.get(f"/staff/people/{resident.id}/erase")
    assert form.status_code == 200
    unconfirmed = staff_client.post(f"/staff/people/{resident.id}/erase", data={
        "received_via": "counter", "received_on": "2026-11-20"})
    assert unconfirmed.status_code == 200
    assert "confirm" in error_fields(unconfirmed.get_data(as_text=True))
    db.session.expire_all()
    assert not db.session.get(Person, resident.id).is_anonymised
    done = staff_client.post(f"/staff/people/{resident.id}/erase", data={
        "received_via": "counter", "received_on": "2026-11-20", "confirm": "y"})
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(Person, resident.id).is_anonymised
    html = staff_client.get(f"/staff/people/{resident.id}").get_data(as_text=True)
    assert NAME not in html and PHONE not in html
    assert f"/staff/people/{resident.id}/edit" not in html
    assert staff_client.get(f"/staff/people/{resident.id}/erase").status_code == 302


# -- the retention period of residents ------------------------------------------------------------

def _residents(config=None):
    return retention.DATA_CLASSES["residents"]


def test_residents_with_nothing_for_three_fiscal_years_are_anonymised(
        ctx, create_person, create_session):
    old = create_person(name="古川 洋子", name_kana="ふるかわ ようこ")
    recent = create_person(name="新井 翔", name_kana="あらい しょう")
    book(create_session(day=date(2026, 12, 3)), recent)
    db.session.commit()
    # four fiscal years later, in April 2030: the cutoff is 1 April 2027 (FY2027)
    later = datetime(2030, 4, 2, 3, 0, tzinfo=NOW.tzinfo)
    residents = _residents()
    cutoff = residents.cutoff({}, later)
    assert cutoff == local_datetime(date(2027, 4, 1), time(0))
    assert erasure.count_inactive(cutoff) == 2  # the booking of Dec 2026 is before the cutoff
    # in FY2029 the December 2026 booking is within three fiscal years (FY2026 onwards)
    cutoff_2029 = residents.cutoff({}, datetime(2029, 6, 1, tzinfo=NOW.tzinfo))
    assert cutoff_2029 == local_datetime(date(2026, 4, 1), time(0))
    counted = erasure.count_inactive(cutoff_2029)
    assert erasure.anonymise_inactive(cutoff_2029, NOW) == counted
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Person, old.id).is_anonymised is False  # created in FY2026
    assert db.session.get(Person, recent.id).is_anonymised is False
    assert erasure.anonymise_inactive(cutoff, later) == 2
    assert erasure.count_inactive(cutoff) == 0


def test_a_period_can_be_changed_and_is_checked(ctx):
    residents = _residents()
    assert residents.period({}) == 3
    assert residents.period({"DESK_RETAIN_RESIDENTS_FISCAL_YEARS": 5}) == 5
    assert residents.setting == "DESK_RETAIN_RESIDENTS_FISCAL_YEARS"
