"""Models as the API's JSON: snake_case, integer ids, times with the +09:00 offset.

The shapes are described in desk/api/openapi.py; tests validate every response
against that document.
"""

from desk.core.timeutil import isoformat_local
from desk.events.models import SessionKind


def program_json(program):
    if program is None:
        return None
    return {
        "id": program.id,
        "title": program.title,
        "title_kana": program.title_kana,
        "title_en": program.title_en,
        "topic": program.topic.value,
        "level": program.level.value,
        "device": program.device.value,
    }


def venue_summary_json(venue):
    return {"id": venue.id, "name": venue.name, "name_en": venue.name_en,
            "short_name": venue.short_name}


def venue_json(venue):
    district = venue.district
    return {
        "id": venue.id,
        "name": venue.name,
        "name_kana": venue.name_kana,
        "name_en": venue.name_en,
        "short_name": venue.short_name,
        "short_name_en": venue.short_name_en,
        "address": venue.address,
        "district": None if district is None else {
            "id": district.id, "name": district.name, "name_kana": district.name_kana,
            "name_en": district.name_en},
        "phone": venue.phone,
        "accessibility_notes": venue.accessibility_notes,
        "accessibility_notes_en": venue.accessibility_notes_en,
        "default_capacity": venue.default_capacity,
        "latitude": venue.latitude,
        "longitude": venue.longitude,
        "is_active": venue.is_active,
    }


def session_json(session):
    outreach = session.kind == SessionKind.OUTREACH_CLASS
    return {
        "id": session.id,
        "kind": session.kind.value,
        "title": session.display_title,
        "title_en": session.title_en,
        "program": program_json(session.program),
        "venue": venue_summary_json(session.venue),
        "starts_at": isoformat_local(session.start_dt),
        "ends_at": isoformat_local(session.end_dt),
        "capacity": session.capacity,
        "status": session.status.value,
        "cancel_reason": session.cancel_reason,
        "series_id": session.series_id,
        "requesting_group": session.requesting_group if outreach else None,
        "notes": session.notes,
        "notes_en": session.notes_en,
        "slot_minutes": session.slot_minutes,
    }


def series_json(series):
    return {
        "id": series.id,
        "kind": series.kind.value,
        "title": series.display_title,
        "title_en": series.title_en,
        "program": program_json(series.program),
        "venue": venue_summary_json(series.venue),
        "rrule": series.rrule,
        "start_date": series.start_date.isoformat(),
        "until_date": series.until_date.isoformat(),
        "start_time": series.start_time.strftime("%H:%M"),
        "end_time": series.end_time.strftime("%H:%M"),
        "skip_dates": [day.isoformat() for day in series.skip_dates],
        "capacity": series.capacity,
        "status": series.status.value,
        "cancel_reason": series.cancel_reason,
        "notes": series.notes,
        "notes_en": series.notes_en,
    }


def page_json(items, next_cursor):
    return {"items": items, "next": next_cursor}


def booking_json(booking, waitlist_position, *, reveal=True):
    """A booking as its booker sees it: no name, no phone; no code either when the
    booking already existed (it is sent again to the person's own phone instead)."""
    return {
        "code": booking.code if reveal else None,
        "status": booking.status.value,
        "waitlist_position": waitlist_position,
        "session_id": booking.session_id,
        "seats": booking.seats,
        "slot_start": isoformat_local(booking.slot_dt) if booking.slot_dt else None,
    }


def roster_entry_json(booking, waitlist_position):
    """A booking on a session's roster, for coordinators and admins (phone included)."""
    person = booking.person
    return {
        "code": booking.code,
        "name": person.name,
        "kana": person.name_kana,
        "phone": person.phone,
        "seats": booking.seats,
        "status": booking.status.value,
        "attendance": booking.attendance.value if booking.attendance else None,
        "waitlist_position": waitlist_position,
    }
