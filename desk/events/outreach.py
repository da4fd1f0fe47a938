"""Outreach classes on request (出張講座): a group's request, its steps, and the class
scheduled from it at a community place.

A request is received (the public form, or a coordinator typing in a phone request),
then being arranged, then either scheduled (an outreach class at the group's place is
created and linked) or declined with a reason. Only these steps are allowed (`STEPS`);
scheduled and declined are final. Every step is in the audit log of the request, which
the request page shows as its timeline, and plans one message to the contact person
through the outbox, on the channel they chose (desk.events.outreach_messages): received,
scheduled (date, time and place) or declined (the reason). A step is taken once, so
each message is planned once.

The group's place becomes a community place (a venue of kind `community`): scheduling
chooses one already known or adds the request's place as a new one, so that every page,
message, calendar file and open-data row names it like any venue.
"""

from flask_babel import gettext as _
from sqlalchemy import func, select

from desk.core import audit, records
from desk.core.districts import District
from desk.core.errors import ConflictError
from desk.core.phone import PhoneKind
from desk.core.timeutil import local_today
from desk.core.validation import Checker
from desk.events import outreach_messages
from desk.events.models import (
    DeclineReason,
    Device,
    GroupKind,
    OutreachRequest,
    OutreachStatus,
    ReplyChannel,
    RequestSource,
    SessionKind,
    Topic,
    Venue,
    VenueKind,
)
from desk.extensions import db

REQUEST_FIELDS = ("status", "source", "group_name", "group_kind", "contact_name",
                  "contact_kana", "contact_phone", "contact_email", "reply_channel",
                  "place_name", "place_address", "district_id", "preferred_date_1",
                  "preferred_date_2", "preferred_date_3", "preferred_times",
                  "expected_count", "topics", "devices", "needs_hearing",
                  "needs_wheelchair", "needs_notes", "decline_reason", "place_id",
                  "session_id")
# the snapshot fields that are personal (desk/events/__init__.py declares them)
STATUS_FIELDS = ("status", "decline_reason", "place_id", "session_id")

# the steps a request may take; scheduled and declined are final
STEPS = {
    OutreachStatus.RECEIVED: frozenset({OutreachStatus.ARRANGING, OutreachStatus.SCHEDULED,
                                        OutreachStatus.DECLINED}),
    OutreachStatus.ARRANGING: frozenset({OutreachStatus.SCHEDULED, OutreachStatus.DECLINED}),
    OutreachStatus.SCHEDULED: frozenset(),
    OutreachStatus.DECLINED: frozenset(),
}
REQUEST_DEVICES = (Device.IPHONE, Device.ANDROID)


def _request_values(data, now):
    checker = Checker(data)
    phone = checker.phone("contact_phone", required=True)
    email = checker.email("contact_email", OutreachRequest.EMAIL_MAX)
    district = checker.reference("district_id", District, required=False,
                                 message=_("Choose a district from the list."))
    reply = checker.choice("reply_channel", ReplyChannel)
    if reply == ReplyChannel.SMS and phone is not None and phone.kind != PhoneKind.MOBILE:
        checker.fail("reply_channel", _("A text message needs a mobile number (070, 080 or "
                                        "090). Choose a call, or give a mobile number."))
    if reply == ReplyChannel.VOICE and phone is not None and phone.kind not in (
            PhoneKind.MOBILE, PhoneKind.LANDLINE, PhoneKind.IP_PHONE, PhoneKind.AMBIGUOUS):
        checker.fail("reply_channel", _("We cannot call this number. Give a home or mobile "
                                        "number."))
    if reply == ReplyChannel.EMAIL and email is None and "contact_email" not in checker.errors:
        checker.fail("contact_email", _("Enter the e-mail address we should write to."))
    first = checker.date("preferred_date_1")
    second = checker.date("preferred_date_2", required=False)
    third = checker.date("preferred_date_3", required=False)
    dates = sorted({day for day in (first, second, third) if day is not None})
    today = local_today(now)
    for name, day in (("preferred_date_1", first), ("preferred_date_2", second),
                      ("preferred_date_3", third)):
        if day is not None and day <= today:
            checker.fail(name, _("Choose a date after today."))
    topics = _choices(checker, "topics", Topic)
    devices = _choices(checker, "devices", Device)
    values = {
        "group_name": checker.text("group_name", OutreachRequest.GROUP_MAX, required=True),
        "group_kind": checker.choice("group_kind", GroupKind),
        "contact_name": checker.text("contact_name", OutreachRequest.NAME_MAX, required=True),
        "contact_kana": checker.kana("contact_kana", OutreachRequest.KANA_MAX, required=True),
        "contact_phone": phone.e164 if phone else None,
        "contact_email": email,
        "reply_channel": reply,
        "place_name": checker.text("place_name", OutreachRequest.PLACE_MAX, required=True),
        "place_address": checker.text("place_address", OutreachRequest.ADDRESS_MAX,
                                      required=True),
        "district_id": district.id if district else None,
        "preferred_date_1": dates[0] if dates else None,
        "preferred_date_2": dates[1] if len(dates) > 1 else None,
        "preferred_date_3": dates[2] if len(dates) > 2 else None,
        "preferred_times": checker.text("preferred_times", OutreachRequest.TIMES_MAX),
        "expected_count": checker.integer("expected_count", 1, OutreachRequest.COUNT_MAX,
                                          required=True),
        "topics": topics,
        "devices": devices,
        "needs_hearing": checker.boolean("needs_hearing"),
        "needs_wheelchair": checker.boolean("needs_wheelchair"),
        "needs_notes": checker.text("needs_notes", OutreachRequest.NEEDS_MAX, multiline=True),
    }
    checker.done()
    return values


def _choices(checker, name, enum_cls):
    value = checker.raw(name) or []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple) or any(item not in set(enum_cls) for item in value):
        checker.fail(name, _("Choose from the list."))
        return []
    return [str(item) for item in enum_cls if item in value]


def submit_request(data, *, source, locale, actor, now):
    """Record a group's request (the public form, or a coordinator typing in a phone
    request) and plan the acknowledgement to its contact person."""
    values = _request_values(data, now)
    request = OutreachRequest(**values, source=RequestSource(source),
                              status=OutreachStatus.RECEIVED, locale=locale,
                              received_dt=now, updated_dt=now)
    db.session.add(request)
    db.session.flush()
    audit.record("outreach_request.create", request, actor=actor,
                 after=audit.snapshot(request, REQUEST_FIELDS), now=now)
    outreach_messages.plan(request, OutreachStatus.RECEIVED, now=now)
    return request


def _step(request, status, *, actor, now, note=None, **changes):
    """Move a request to `status` (ConflictError with a message for a step not allowed),
    audit it and plan its message."""
    if status not in STEPS[request.status]:
        raise ConflictError(_("This request is %(now)s: it cannot become %(then)s.",
                              now=status_label(request.status), then=status_label(status)))
    before = audit.snapshot(request, STATUS_FIELDS)
    request.status = status
    for name, value in changes.items():
        setattr(request, name, value)
    request.updated_dt = now
    db.session.flush()
    audit.record(f"outreach_request.{status}", request, actor=actor, before=before,
                 after=audit.snapshot(request, STATUS_FIELDS), note=note, now=now)
    outreach_messages.plan(request, status, now=now)
    return request


def status_label(status):
    from desk.events.labels import OUTREACH_STATUS_LABELS

    return str(OUTREACH_STATUS_LABELS[OutreachStatus(status)])


def start_arranging(request, data, *, actor, now):
    """The coordinator is arranging a date and instructors (no message: the requester
    was told when it was received)."""
    checker = Checker(data)
    note = checker.text("note", OutreachRequest.NOTE_MAX)
    checker.done()
    return _step(request, OutreachStatus.ARRANGING, actor=actor, now=now, note=note)


def decline_request(request, data, *, actor, now):
    checker = Checker(data)
    reason = checker.choice("decline_reason", DeclineReason)
    note = checker.text("note", OutreachRequest.NOTE_MAX)
    checker.done()
    return _step(request, OutreachStatus.DECLINED, actor=actor, now=now, note=note,
                 decline_reason=reason)


def place_from_request(request, data, *, actor):
    """The request's place as a new community place (its name, reading, short name for
    text messages, address and district; the coordinator's entries win)."""
    from desk.events.services import create_venue

    values = {"name": request.place_name, "address": request.place_address,
              "district_id": request.district_id,
              "default_capacity": request.expected_count, **data}
    return create_venue(values, actor=actor, kind=VenueKind.COMMUNITY)


def schedule_request(request, data, *, actor, now):
    """Create the outreach class of a request at its community place (one already known,
    `place_id`, or the request's place added as a new one: `place_name_kana` and
    `place_short_name`), link it and mark the request scheduled."""
    from desk.events.services import create_session

    if request.status not in (OutreachStatus.RECEIVED, OutreachStatus.ARRANGING):
        raise ConflictError(_("This request is %(now)s: it cannot become %(then)s.",
                              now=status_label(request.status),
                              then=status_label(OutreachStatus.SCHEDULED)))
    checker = Checker(data)
    place = checker.reference("place_id", Venue, required=False,
                              message=_("Choose a place from the list."))
    if place is not None and not place.is_community:
        checker.fail("place_id", _("Choose a community place from the list."))
    checker.done()
    if place is None:
        place = place_from_request(request, {
            "name": data.get("place_name") or request.place_name,
            "name_kana": data.get("place_name_kana"),
            "short_name": data.get("place_short_name"),
        }, actor=actor)
    session = create_session({
        "kind": SessionKind.OUTREACH_CLASS,
        "program_id": data.get("program_id"),
        "venue_id": place.id,
        "start_dt": data.get("start_dt"),
        "end_dt": data.get("end_dt"),
        "capacity": data.get("capacity") or request.expected_count,
        "requesting_group": request.group_name,
        "notes": data.get("notes"),
        "notes_en": data.get("notes_en"),
    }, actor=actor, now=now)
    return _step(request, OutreachStatus.SCHEDULED, actor=actor, now=now,
                 place_id=place.id, session_id=session.id)


# -- read-only ------------------------------------------------------------------------

def requests(*, status=None):
    query = select(OutreachRequest).order_by(OutreachRequest.received_dt.desc(),
                                             OutreachRequest.id.desc())
    if status is not None:
        query = query.where(OutreachRequest.status == status)
    return db.session.scalars(query).all()


def status_counts():
    return dict(db.session.execute(
        select(OutreachRequest.status, func.count()).group_by(OutreachRequest.status)).all())


def timeline(request):
    """The request's history: its audit entries, oldest first."""
    return db.session.scalars(
        select(audit.AuditEntry).where(audit.AuditEntry.object_type == "outreach_requests",
                                       audit.AuditEntry.object_id == request.id)
        .order_by(audit.AuditEntry.created_dt, audit.AuditEntry.id)).all()


def request_of_session(session_id):
    return db.session.scalar(select(OutreachRequest).where(
        OutreachRequest.session_id == session_id).limit(1))


def create_place(data, *, actor):
    from desk.events.services import create_venue

    return create_venue(data, actor=actor, kind=VenueKind.COMMUNITY)


def blank_contact(request, *, actor, now):
    """Erase the contact person's details of one request (on their request, or when the
    city no longer needs them); the request and its figures stay."""
    if request.contact_removed_dt is not None:
        raise ConflictError(_("The contact details of this request were already erased."))
    values = dict.fromkeys(OutreachRequest.CONTACT_FIELDS)
    records.update(request, values, action="outreach_request.erase_contact",
                   fields=OutreachRequest.CONTACT_FIELDS, actor=actor)
    request.contact_removed_dt = now
    outreach_messages.forget(request, now=now)
    audit.remove_personal("outreach_requests", [request.id], now=now)
    return request

