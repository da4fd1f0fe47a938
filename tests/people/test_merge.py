"""Merging a duplicate record into the one staff keep (desk.people.services.merge_people):
every booking, proxy contact and outbox message moves; a session both records were
booked for keeps one booking and cancels the other (promoting the waiting list); consent
and empty details are taken over, nothing is overwritten; refusals, and a package that
fails while moving its rows, change nothing."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from desk.core.audit import AuditEntry
from desk.core.errors import ValidationError
from desk.core.phone import PhoneKind
from desk.events import bookings as booking_rules
from desk.events import merging
from desk.events import queries as event_queries
from desk.events import services as events
from desk.events.availability import seats_taken
from desk.events.models import Attendance, Booking, BookingStatus, CancelReason
from desk.events.notices import BookingTemplate
from desk.extensions import db
from desk.notify.models import MessageState, OutboxMessage
from desk.people import queries, services, signals
from desk.people.models import AgeBand, ConsentMethod, Person, ProxyContact
from tests.fixtures.factories import NOW
from tests.people.helpers import audit_actions, row_counts


def book(session, person, *, minutes=0, **kwargs):
    return events.book_seat(session, person, channel="phone_desk", actor="test",
                            now=NOW + timedelta(minutes=minutes), **kwargs).booking


def merge(keep, drop, now=NOW + timedelta(hours=1)):
    result = services.merge_people(keep, drop, actor="test", now=now)
    db.session.commit()
    return result


@pytest.fixture
def pair(ctx, create_person):
    """Two records of 佐藤 恵子: the phone desk's, and a later one from the web."""
    keep = create_person(name="佐藤 恵子", name_kana="さとう けいこ", phone="090-1234-5678")
    drop = create_person(name="佐藤 恵子", name_kana="サトウケイコ", phone="080-2345-6789")
    return keep, drop


def test_merge_moves_bookings_proxies_and_messages(pair, create_session):
    keep, drop = pair
    first, second = create_session(), create_session()
    kept_booking = book(first, keep)
    moved_booking = book(second, drop)
    proxy = services.add_proxy(drop, {"name": "佐藤 一郎", "relation": "family",
                                      "phone": "090-9876-5432", "wants_copies": True},
                               consent_method="phone_staff", actor="test", now=NOW)
    db.session.commit()
    messages = db.session.scalars(select(OutboxMessage.id).where(
        OutboxMessage.person_id == drop.id)).all()
    assert messages

    result = merge(keep, drop)

    assert result.moved["bookings"] == [moved_booking.id]
    assert result.moved["proxy_contacts"] == [proxy.id]
    assert sorted(result.moved["outbox_messages"]) == sorted(messages)
    assert result.cancelled == [] and result.promoted == []
    db.session.expire_all()
    assert {booking.id for booking in event_queries.person_bookings(keep)} == {
        kept_booking.id, moved_booking.id}
    assert [item.id for item in db.session.get(Person, keep.id).proxies] == [proxy.id]
    assert db.session.scalar(select(OutboxMessage.id).where(
        OutboxMessage.person_id == drop.id)) is None
    assert moved_booking.status == BookingStatus.BOOKED
    assert drop.merged_into_id == keep.id and drop.is_merged
    assert not drop.needs_review


def test_merge_cancels_the_later_of_two_bookings_for_one_session(pair, create_session):
    keep, drop = pair
    session = create_session()
    earlier = book(session, keep, minutes=0)
    later = book(session, drop, minutes=5)
    conflicts = merging.booking_conflicts(keep, drop)
    assert [(c.kept.id, c.dropped.id) for c in conflicts] == [(earlier.id, later.id)]
    preview = dict(queries.merge_plan(keep, drop).sections)["staff/_merge_bookings.html"]
    assert preview["conflicts"] == conflicts

    result = merge(keep, drop)

    assert [booking.id for booking in result.cancelled] == [later.id]
    db.session.expire_all()
    assert earlier.status == BookingStatus.BOOKED and earlier.person_id == keep.id
    assert later.status == BookingStatus.CANCELLED
    assert later.cancel_reason == CancelReason.MERGED
    assert later.person_id == keep.id  # the cancelled booking moves too: nothing is lost
    # the cancellation is silent: no message about it, and its reminders are cancelled
    later_messages = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.topic == "booking", OutboxMessage.topic_id == later.id)).all()
    assert BookingTemplate.BOOKING_CANCELLED not in {m.template for m in later_messages}
    assert all(m.state == MessageState.CANCELLED for m in later_messages
               if m.template == BookingTemplate.REMINDER)
    assert "booking.cancel" in audit_actions("bookings", later.id)


def test_merge_keeps_the_earlier_booking_even_when_it_is_the_dropped_records(
        pair, create_session):
    keep, drop = pair
    session = create_session()
    earlier = book(session, drop, minutes=0)
    later = book(session, keep, minutes=5)

    result = merge(keep, drop)

    assert [booking.id for booking in result.cancelled] == [later.id]
    db.session.expire_all()
    assert earlier.status == BookingStatus.BOOKED and earlier.person_id == keep.id
    assert later.status == BookingStatus.CANCELLED


def test_merge_promotes_the_waiting_list_into_the_freed_seat(pair, create_session,
                                                            create_person):
    keep, drop = pair
    session = create_session(capacity=2)
    book(session, keep, minutes=0)
    duplicate = book(session, drop, minutes=1)
    waiting = book(session, create_person(), minutes=2)
    assert waiting.status == BookingStatus.WAITLISTED

    result = merge(keep, drop)

    assert [booking.id for booking in result.promoted] == [waiting.id]
    db.session.expire_all()
    assert duplicate.status == BookingStatus.CANCELLED
    assert waiting.status == BookingStatus.BOOKED
    assert seats_taken(session) == 2


def test_merge_of_a_waitlisted_duplicate_promotes_nobody(pair, create_session,
                                                        create_person):
    keep, drop = pair
    session = create_session(capacity=1)
    book(session, keep, minutes=0)
    duplicate = book(session, drop, minutes=1)
    other = book(session, create_person(), minutes=2)
    assert duplicate.status == other.status == BookingStatus.WAITLISTED

    result = merge(keep, drop)

    assert [booking.id for booking in result.cancelled] == [duplicate.id]
    assert result.promoted == []
    db.session.expire_all()
    assert other.status == BookingStatus.WAITLISTED
    assert booking_rules.waitlist_position(other) == 1


def test_merge_after_the_roster_keeps_the_booking_attended_on(pair, create_session):
    keep, drop = pair
    session = create_session()
    no_show = book(session, keep, minutes=0)
    attended = book(session, drop, minutes=5)
    on_the_day = session.start_dt + timedelta(minutes=30)
    events.set_attendance(attended, Attendance.ATTENDED, actor="test", now=on_the_day)
    events.close_attendance(session, actor="test", now=on_the_day)
    db.session.commit()
    assert no_show.attendance == Attendance.NO_SHOW

    result = merge(keep, drop, now=on_the_day + timedelta(days=2))

    assert [booking.id for booking in result.cancelled] == [no_show.id]
    db.session.expire_all()
    assert attended.status == BookingStatus.BOOKED
    assert attended.attendance == Attendance.ATTENDED and attended.person_id == keep.id
    assert no_show.status == BookingStatus.CANCELLED and no_show.attendance is None
    assert no_show.cancel_reason == CancelReason.MERGED


def test_merge_copies_consent_with_its_original_time_and_method(ctx, create_person):
    keep = create_person(name_kana="たなか まさお", consent=False)
    given = NOW - timedelta(days=30)
    drop = services.create_person({"name": "田中 正雄", "name_kana": "タナカ マサオ",
                                   "phone": "070-3456-7890", "consent": True},
                                  channel="web", consent_method="web", actor="test",
                                  now=given)
    db.session.commit()

    result = merge(keep, drop)

    assert result.consent_copied
    db.session.expire_all()
    assert keep.has_consent and keep.consent_dt == given
    assert keep.consent_method == ConsentMethod.WEB


def test_merge_keeps_the_kept_records_own_consent(ctx, create_person):
    keep = create_person(name_kana="たなか まさお")
    drop = services.create_person({"name": "田中 正雄", "name_kana": "タナカ マサオ",
                                   "phone": "070-3456-7890", "consent": True},
                                  channel="web", consent_method="web", actor="test",
                                  now=NOW + timedelta(days=1))
    db.session.commit()
    consent_dt = keep.consent_dt

    result = merge(keep, drop)

    assert not result.consent_copied
    db.session.expire_all()
    assert keep.consent_dt == consent_dt and keep.consent_method == ConsentMethod.PHONE_STAFF


def test_merge_fills_empty_details_and_overwrites_nothing(ctx, create_person,
                                                          create_district):
    district = create_district()
    keep = create_person(name="伊藤 節子", name_kana="いとう せつこ", phone="",
                         email="setsuko@example.jp")
    drop = create_person(name="伊藤 節子", name_kana="いとう せつこ", phone="0466-82-4455",
                         email="other@example.jp", district_id=district.id, age_band="80s")

    result = merge(keep, drop)

    assert result.filled == ["phone", "district_id", "age_band"]
    db.session.expire_all()
    assert keep.phone == "+81466824455" and keep.phone_kind == PhoneKind.LANDLINE
    assert keep.email == "setsuko@example.jp"
    assert keep.district_id == district.id and keep.age_band == AgeBand.EIGHTIES
    assert keep.name_kana == "イトウ\u3000セツコ"


def test_merge_writes_audit_entries_for_both_records(pair, create_session):
    keep, drop = pair
    booking = book(create_session(), drop)
    db.session.commit()

    merge(keep, drop)

    assert "person.merge" in audit_actions("people", keep.id)
    assert "person.merge" in audit_actions("people", drop.id)
    entry = db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "person.merge", AuditEntry.object_id == keep.id)).one()
    assert entry.after["moved"]["bookings"] == [booking.id]
    assert set(entry.after["moved"]) == {"bookings", "consult_tickets", "news_subscriptions",
                                         "outbox_messages", "phone_calls",
                                         "phone_name_recordings", "proxy_contacts"}
    assert entry.after["cancelled_bookings"] == []
    assert entry.actor_label == "test"


@pytest.mark.parametrize("case", ["itself", "dropped already merged", "kept already merged"])
def test_merge_refusals_change_nothing(pair, create_person, create_session, case):
    keep, drop = pair
    book(create_session(), drop)
    third = create_person(name_kana="さとう けいこ")
    if case == "itself":
        keep, drop = drop, drop
    elif case == "dropped already merged":
        merge(third, drop)
    else:
        merge(third, keep)
    before = row_counts()
    state = {person.id: (person.merged_into_id, person.phone)
             for person in db.session.scalars(select(Person))}

    with pytest.raises(ValidationError):
        services.merge_people(keep, drop, actor="test", now=NOW)
    db.session.rollback()

    assert row_counts() == before
    assert {person.id: (person.merged_into_id, person.phone)
            for person in db.session.scalars(select(Person))} == state


def test_merged_records_are_no_longer_matched_or_found(pair):
    keep, drop = pair
    merge(keep, drop)

    assert services.find_match(drop.phone, drop.kana_key) is None
    assert [person.id for person in queries.search_people("080-2345-6789").people] == []
    merged = queries.search_people("080-2345-6789", include_merged=True).people
    assert [person.id for person in merged] == [drop.id]
    assert queries.likely_duplicates()[1] == 0


def test_merged_proxy_keeps_receiving_copies(pair, create_session):
    keep, drop = pair
    proxy = services.add_proxy(drop, {"name": "佐藤 一郎", "relation": "family",
                                      "phone": "090-9876-5432", "wants_copies": True},
                               consent_method="phone_staff", actor="test", now=NOW)
    db.session.commit()
    merge(keep, drop)
    booking = book(create_session(), keep, minutes=90)
    db.session.commit()
    copies = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.topic == "booking", OutboxMessage.topic_id == booking.id,
        OutboxMessage.proxy_id == proxy.id)).all()
    assert copies and db.session.get(ProxyContact, proxy.id).person_id == keep.id


def _state():
    """Every row a merge may change, as plain values."""
    db.session.expire_all()
    return {
        "people": sorted((p.id, p.merged_into_id, p.phone, p.has_consent, p.needs_review)
                         for p in db.session.scalars(select(Person))),
        "proxies": sorted((p.id, p.person_id) for p in db.session.scalars(select(ProxyContact))),
        "bookings": sorted((b.id, b.person_id, b.status.value, b.cancel_reason)
                           for b in db.session.scalars(select(Booking)).unique()),
        "messages": sorted((m.id, m.person_id, m.state.value)
                           for m in db.session.scalars(select(OutboxMessage))),
        "rows": row_counts(),
    }


def test_a_receiver_failing_rolls_the_whole_merge_back(pair, create_session, create_person):
    """A package whose receiver raises while the rows move (after the duplicate booking
    was cancelled, the waiting list promoted and some rows re-pointed) leaves nothing
    half-merged once the caller rolls back."""
    keep, drop = pair
    session = create_session(capacity=2)
    book(session, keep, minutes=0)
    book(session, drop, minutes=1)
    book(session, create_person(), minutes=2)  # waiting, promoted by the merge
    book(create_session(), drop)
    services.add_proxy(drop, {"name": "佐藤 一郎", "relation": "family",
                              "phone": "090-9876-5432", "wants_copies": True},
                       consent_method="phone_staff", actor="test", now=NOW)
    db.session.commit()
    before = _state()
    seen = {}

    def failing(keep, *, drop, actor, now):
        seen["cancelled"] = db.session.scalar(select(func.count()).select_from(Booking).where(
            Booking.cancel_reason == CancelReason.MERGED))
        raise RuntimeError("a package could not move its rows")

    with signals.merged.connected_to(failing), pytest.raises(RuntimeError):
        services.merge_people(keep, drop, actor="test", now=NOW + timedelta(hours=1))
    db.session.rollback()

    assert seen["cancelled"] == 1  # the merge was well under way
    assert _state() == before
