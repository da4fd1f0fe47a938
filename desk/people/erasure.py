"""Anonymising residents: when their retention period ends (`desk purge`), and when they
ask desk to stop using and delete their details (利用停止・削除).

The record stays, with its id, district, age band and language, so that every figure
of every past year stays the same; its name becomes `#<id>`, and its reading, phone
number, e-mail, review note and proxy contacts go. The packages that keep rows about the
person are told by the `erasing` signal (desk.people.signals) and blank their own
personal details; the audit entries about the record lose their personal fields.
"""

from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select, union_all

from desk.core import audit
from desk.core.db import lock_rows
from desk.core.errors import ValidationError
from desk.core.timeutil import local_today
from desk.extensions import db
from desk.people import registry, signals
from desk.people.models import (
    Person,
    PrivacyRequest,
    PrivacyRequestKind,
    ReceivedVia,
    ReminderChannel,
)

BATCH = 200


def anonymous_name(person):
    return f"#{person.id}"


@dataclass
class Erasure:
    person: Person
    counts: dict = field(default_factory=dict)  # what the packages changed, by kind
    request: PrivacyRequest | None = None


def _lock(person):
    return lock_rows(db.session, select(Person).where(Person.id == person.id),
                     of=Person).unique().one()


def anonymise(person, *, actor, now):
    """Remove the person's name, reading and contact details, cancel what is still
    planned for them, keep the record and every link to it. Returns an Erasure (with
    `counts` empty when the person was anonymised already)."""
    person = _lock(person)
    erasure = Erasure(person)
    if person.is_anonymised:
        return erasure
    for _receiver, counts in signals.erasing.send(person, actor=actor, now=now):
        for key, number in (counts or {}).items():
            erasure.counts[key] = erasure.counts.get(key, 0) + number
    proxies = list(person.proxies)
    audit.remove_personal("proxy_contacts", [proxy.id for proxy in proxies], now=now)
    for proxy in proxies:
        person.proxies.remove(proxy)  # deleted (delete-orphan); bookings keep no name
    if proxies:
        erasure.counts["proxy_contacts_removed"] = len(proxies)
    person.name = anonymous_name(person)
    person.name_kana = person.kana_key = ""
    person.phone = person.phone_kind = person.email = person.review_note = None
    person.needs_review = person.name_to_confirm = False
    person.has_consent = False
    person.reminder_channel = ReminderChannel.NONE
    person.anonymised_dt = now
    db.session.flush()
    audit.remove_personal("people", [person.id], now=now)
    audit.record("person.anonymise", person, actor=actor, after=erasure.counts, now=now)
    return erasure


# -- a resident's request -----------------------------------------------------------------------

def _check_request(received_via, received_on, reference, now):
    try:
        via = ReceivedVia(received_via)
    except ValueError:
        raise ValidationError(_("Choose how the request was received.")) from None
    if not isinstance(received_on, date):
        raise ValidationError(_("Enter the date the request was received."))
    if received_on > local_today(now):
        raise ValidationError(_("The date the request was received cannot be in the future."))
    reference = (reference or "").strip() or None
    if reference and len(reference) > PrivacyRequest.REFERENCE_MAX:
        raise ValidationError(_("The reference number can be at most %(max)d characters.",
                                max=PrivacyRequest.REFERENCE_MAX))
    return via, reference


def stop_and_delete(person, *, received_via, received_on, reference=None, actor, now):
    """The resident asked desk to stop using and delete their details: anonymise them
    now (future bookings cancelled, the waiting list moving up as usual; their messages
    still waiting cancelled) and record the request and who handled it."""
    via, reference = _check_request(received_via, received_on, reference, now)
    if person.is_merged:
        raise ValidationError(_("This person's record was merged into another one."))
    if person.is_anonymised:
        raise ValidationError(_("This person's details have already been deleted."))
    erasure = anonymise(person, actor=actor, now=now)
    erasure.request = PrivacyRequest(
        person_id=person.id, kind=PrivacyRequestKind.STOP_DELETE, received_via=via,
        received_on=received_on, reference=reference,
        handled_by_id=getattr(actor, "id", None), handled_dt=now)
    db.session.add(erasure.request)
    db.session.flush()
    audit.record("privacy_request.stop_delete", erasure.request, actor=actor,
                 after={"person_id": person.id, "received_via": via,
                        "received_on": received_on, **erasure.counts}, now=now)
    return erasure


def requests_of(person):
    return db.session.scalars(select(PrivacyRequest).where(PrivacyRequest.person_id == person.id)
                              .order_by(PrivacyRequest.handled_dt)).all()


# -- the retention period of residents ----------------------------------------------------------

def _inactive(cutoff):
    """Live, not anonymised records created before `cutoff` with no activity since (a
    booking for a session, a consultation ticket, a message: desk.people.registry)."""
    since = [activity(cutoff) for activity in registry.ACTIVITIES]
    conditions = [Person.anonymised_dt.is_(None), Person.created_dt < cutoff]
    if since:
        recent = union_all(*since).subquery()
        conditions.append(Person.id.not_in(select(recent.c.person_id)))
    return conditions


def count_inactive(cutoff):
    return db.session.scalar(select(func.count(Person.id)).where(*_inactive(cutoff)))


def anonymise_inactive(cutoff, now):
    """The retention purge of residents: anonymise those with nothing since `cutoff`."""
    done = 0
    while True:
        people = db.session.scalars(select(Person).where(*_inactive(cutoff))
                                    .order_by(Person.id).limit(BATCH)).unique().all()
        if not people:
            return done
        for person in people:
            anonymise(person, actor=None, now=now)
        done += len(people)
