"""Changing the resident registry: create, update, proxies, public matching, merge.

Public channels (web, kiosk, phone line, API) check a booking's fields once
(`public_details`) and go through `person_for`, which never shows nor overwrites what
is stored: a booking whose phone and kana match an existing person is attached to that
person; otherwise a new person is created, and flagged for staff review when the phone
number is already known.

`merge_people` folds a duplicate record into the one staff keep: every row that points
at a person (desk.people.registry.PERSON_REFERENCES) moves over, nothing is lost. The
packages that own those rows move them themselves, told by the signals in
desk.people.signals; so do they when contact details change or a proxy's copies stop.
"""

from dataclasses import dataclass
from functools import cache

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, delete, or_, select

from desk.core import audit, records
from desk.core.db import lock_rows
from desk.core.districts import District
from desk.core.errors import ValidationError
from desk.core.i18n import force_locale
from desk.core.kana import kana_key
from desk.core.phone import parse_phone
from desk.core.statements import insert_now
from desk.core.timeutil import utcnow
from desk.core.validation import Checker
from desk.extensions import db
from desk.people import queries, registry, signals
from desk.people.models import (
    AgeBand,
    ConsentMethod,
    DistinctPair,
    Person,
    ProxyContact,
    ProxyRelation,
    ReminderChannel,
)

LANGUAGES = ("ja", "en")
PERSON_FIELDS = ("name", "name_kana", "phone", "phone_kind", "email", "district_id",
                 "age_band", "language", "reminder_channel", "has_consent", "consent_dt",
                 "consent_method", "needs_review", "review_note", "name_to_confirm",
                 "merged_into_id")
# the fields that decide where a person's messages go
CONTACT_FIELDS = ("phone", "phone_kind", "email", "language", "reminder_channel",
                  "has_consent")
def anonymised_error():
    return ValidationError(_("This person's details were deleted; the record is kept only "
                             "for the figures and cannot be changed or booked."))


PROXY_FIELDS = ("person_id", "name", "relation", "relation_note", "phone", "phone_kind",
                "email", "wants_copies", "consent_dt", "consent_method")


def person_values(data, *, require_phone):
    """The clean fields of a person from a form or JSON (without consent)."""
    checker = Checker(data)
    phone = checker.phone("phone", required=require_phone)
    district = checker.reference("district_id", District, required=False,
                                 message=_l("Choose a district from the list."))
    values = {
        "name": checker.text("name", Person.NAME_MAX, required=True),
        "name_kana": checker.kana("name_kana", Person.KANA_MAX, required=True),
        "phone": phone.e164 if phone else None,
        "phone_kind": phone.kind if phone else None,
        "email": checker.email("email", Person.EMAIL_MAX),
        "district_id": district.id if district else None,
        "age_band": checker.choice("age_band", AgeBand, required=False),
        "language": checker.language("language", LANGUAGES),
        "reminder_channel": checker.choice("reminder_channel", ReminderChannel,
                                           default=ReminderChannel.AUTOMATIC),
    }
    consent = checker.boolean("consent")
    checker.done()
    values["kana_key"] = kana_key(values["name_kana"])
    return values, consent


def _consent_given(method, now):
    """The fields of consent to reminders given now, by `method`."""
    return {"has_consent": True, "consent_dt": now, "consent_method": ConsentMethod(method)}


def _apply_consent(person, consent, method, now):
    """Record consent given now; withdraw it when `consent` is False."""
    if consent and not person.has_consent:
        for name, value in _consent_given(method, now).items():
            setattr(person, name, value)
    elif consent is False and person.has_consent:
        person.has_consent = False
        person.consent_dt = None
        person.consent_method = None


def create_person(data, *, channel, consent_method, actor, now, require_phone=False,
                  needs_review=False, review_note=None):
    values, consent = person_values(data, require_phone=require_phone)
    person = Person(**values, created_channel=str(channel), created_dt=now, updated_dt=now,
                    needs_review=needs_review, review_note=review_note)
    _apply_consent(person, consent, consent_method, now)
    db.session.add(person)
    db.session.flush()
    audit.record("person.create", person, actor=actor,
                 after=audit.snapshot(person, PERSON_FIELDS), note=str(channel), now=now)
    return person


def update_person(person, changes, *, consent_method, actor, now):
    """Staff edit a person (coordinators and admins only: the view checks the role)."""
    if person.is_anonymised:
        raise anonymised_error()
    before = audit.snapshot(person, PERSON_FIELDS)
    current = {name: getattr(person, name) for name in
               ("name", "name_kana", "email", "district_id", "age_band", "language",
                "reminder_channel")}
    current["phone"] = person.phone
    current["consent"] = person.has_consent
    values, consent = person_values({**current, **changes}, require_phone=False)
    records.assign(person, values)
    _apply_consent(person, consent, consent_method, now)
    if "needs_review" in changes and not changes["needs_review"]:
        person.needs_review = False
        person.review_note = None
    after = audit.snapshot(person, PERSON_FIELDS)
    if after != before:
        person.updated_dt = now
        db.session.flush()
        audit.record("person.update", person, actor=actor, before=before, after=after, now=now)
        if any(before.get(name) != after.get(name) for name in CONTACT_FIELDS):
            signals.contact_changed.send(person, now=now)
    return person


def match_query(phone, key):
    """SQL: (the id of the person whose phone and kana both match, merged people
    excluded — the oldest record if several; whether anyone at all is recorded with
    this phone): the rule of `find_match`, as two columns for a caller that asks them
    in a statement with other questions (a public booking, under its session's lock).
    `phone`, `key`: values or bind parameters."""
    with_phone = Person.phone == phone
    matched = (select(Person.id).where(with_phone, Person.kana_key == key,
                                       Person.merged_into_id.is_(None))
               .order_by(Person.id).limit(1).scalar_subquery())
    return matched, select(Person.id).where(with_phone).exists()


@dataclass(frozen=True)
class Match:
    """What `match_query` read: the matching person's id (None: nobody matches) and
    whether the phone is recorded for anyone."""
    person_id: int | None
    phone_known: bool


@cache
def _match_statement():
    return select(*match_query(bindparam("phone"), bindparam("key")))


def read_match(phone_e164, key):
    """The Match of this phone and kana key, in one statement."""
    return Match(*db.session.execute(_match_statement(), {"phone": phone_e164, "key": key}).one())


def find_match(phone_e164, key, *, match=None):
    """The person whose phone and kana both match (merged people excluded), or None.
    `match`: what match_query read, when the caller asked it already."""
    if not phone_e164:
        return None
    match = match or read_match(phone_e164, key)
    return db.session.get(Person, match.person_id) if match.person_id is not None else None


@cache
def _with_phone_statement():
    # built once, on first use: the phone line looks callers up by their number
    return select(Person).where(Person.phone == bindparam("phone")).order_by(Person.id)


def people_with_phone(phone_e164):
    """Everyone recorded with this phone number (merged records included), oldest first."""
    return db.session.scalars(_with_phone_statement(), {"phone": phone_e164}).all()


PROXY_PREFIX = "proxy_"


@dataclass(frozen=True)
class PublicDetails:
    """The checked fields of a public booking: the person's (`person_values`) and, when
    a family member books for them, the booker's (`proxy_values`)."""
    person: dict
    consent: bool | None
    proxy: dict | None = None
    wants_copies: bool = False


def public_details(data, proxy_data=None):
    """Check the fields of the person `data` describes and of the booker `proxy_data`
    describes, once: every wrong field of both is reported at once (the booker's
    prefixed "proxy_"), before anything is written."""
    errors = {}
    person = consent = proxy = wants_copies = None
    try:
        person, consent = person_values(data, require_phone=True)
    except ValidationError as error:
        errors.update(error.fields)
    if proxy_data is not None:
        try:
            proxy, wants_copies = proxy_values(proxy_data)
        except ValidationError as error:
            errors.update({PROXY_PREFIX + name: message for name, message in error.fields.items()})
    if errors:
        checker = Checker(data)
        checker.errors = errors
        checker.done()
    return PublicDetails(person, consent, proxy, bool(wants_copies))


def person_for_public_booking(data, *, channel, consent_method, actor, now):
    """The person a public booking is for, from the fields in `data`: `person_for`."""
    values, consent = person_values(data, require_phone=True)
    return person_for(values, consent, channel=channel, consent_method=consent_method,
                      actor=actor, now=now)


def person_for(values, consent, *, channel, consent_method, actor, now, match=None):
    """The person of checked `values` (person_values, phone required): matched by phone
    and kana, else created. `match`: what match_query read for them, when the caller
    asked it already (a public booking, in the statement it reads its seats with).

    Nothing stored is shown or overwritten; the only thing a public booking adds to a
    matched person is consent to reminders when none was recorded (the person gave it
    now, on this channel)."""
    match = match or read_match(values["phone"], values["kana_key"])
    person = find_match(values["phone"], values["kana_key"], match=match)
    if person is not None:
        if consent and not person.has_consent:
            before = audit.snapshot(person, PERSON_FIELDS)
            _apply_consent(person, True, consent_method, now)
            db.session.flush()
            audit.record("person.consent", person, actor=actor, before=before,
                         after=audit.snapshot(person, PERSON_FIELDS), note=str(channel), now=now)
        return person
    known = match.phone_known
    person = insert_now(db.session, Person, {
        **values, "created_channel": str(channel), "created_dt": now, "updated_dt": now,
        "needs_review": known, "review_note": "phone already known" if known else None,
        **(_consent_given(consent_method, now) if consent else {})},
        {"proxies": []})  # new: known to have none (planning reads no proxies)
    audit.record("person.create", person, actor=actor,
                 after=audit.snapshot(person, PERSON_FIELDS), note=str(channel), now=now)
    return person


# -- residents known only by their phone number -------------------------------------------

def placeholder_name(hint):
    """The name shown for a person whose name is still to be confirmed: what speech
    recognition heard, marked as such, or a placeholder (in the desk's language: it is
    stored)."""
    with force_locale(current_app.config["DESK_DEFAULT_LOCALE"]):
        if hint:
            return _("%(hint)s (name to confirm)", hint=hint)[:Person.NAME_MAX]
        return _("Name to confirm")


def create_unnamed_person(phone_e164, *, hint, language, channel, actor, now):
    """A person known only by their phone number (a new caller of the phone line), who
    can book at once; flagged `name_to_confirm` until staff type in the name."""
    phone = parse_phone(phone_e164)
    person = Person(name=placeholder_name(hint), name_kana="", kana_key="",
                    phone=phone.e164, phone_kind=phone.kind,
                    language=language if language in LANGUAGES else "ja",
                    name_to_confirm=True, created_channel=str(channel), created_dt=now,
                    updated_dt=now, proxies=[])
    db.session.add(person)
    db.session.flush()
    audit.record("person.create", person, actor=actor,
                 after=audit.snapshot(person, PERSON_FIELDS), note=str(channel), now=now)
    return person


def hear_name(person, hint, *, actor, now):
    """Speech recognition heard the name of a person still to be confirmed: it becomes
    their placeholder."""
    if not person.name_to_confirm or person.is_anonymised:
        return
    before = audit.snapshot(person, PERSON_FIELDS)
    person.name = placeholder_name(hint)
    person.updated_dt = now
    db.session.flush()
    audit.record("person.update", person, actor=actor, before=before,
                 after=audit.snapshot(person, PERSON_FIELDS), now=now)


def confirm_name(person, data, *, actor, now):
    """Staff type in the name and reading of a person whose name was to be confirmed
    (the same rules as every person form); the flag is cleared."""
    require_person(person)
    if not person.name_to_confirm:
        raise ValidationError(_("The name of this person has already been confirmed."))
    checker = Checker(data)
    name = checker.text("name", Person.NAME_MAX, required=True)
    name_kana = checker.kana("name_kana", Person.KANA_MAX, required=True)
    checker.done()
    before = audit.snapshot(person, PERSON_FIELDS)
    person.name, person.name_kana, person.kana_key = name, name_kana, kana_key(name_kana)
    person.name_to_confirm = False
    person.updated_dt = now
    db.session.flush()
    audit.record("person.confirm_name", person, actor=actor, before=before,
                 after=audit.snapshot(person, PERSON_FIELDS), now=now)
    return person


def proxy_values(data):
    checker = Checker(data)
    phone = checker.phone("phone")
    values = {
        "name": checker.text("name", ProxyContact.NAME_MAX, required=True),
        "relation": checker.choice("relation", ProxyRelation, default=ProxyRelation.FAMILY),
        "relation_note": checker.text("relation_note", ProxyContact.RELATION_NOTE_MAX),
        "phone": phone.e164 if phone else None,
        "phone_kind": phone.kind if phone else None,
        "email": checker.email("email", Person.EMAIL_MAX),
    }
    wants_copies = checker.boolean("wants_copies")
    if not checker.errors and values["phone"] is None and values["email"] is None:
        checker.fail("phone", _("Enter a phone number or an e-mail address."))
    checker.done()
    return values, wants_copies


def _apply_proxy_consent(proxy, wants_copies, method, now):
    """Record the proxy's own consent to copies; withdrawing it cancels the copies still
    waiting in the outbox."""
    if wants_copies and not proxy.wants_copies:
        proxy.wants_copies = True
        proxy.consent_dt = now
        proxy.consent_method = ConsentMethod(method)
    elif not wants_copies:
        if proxy.wants_copies and proxy.id is not None:
            signals.proxy_copies_withdrawn.send(proxy, now=now)
        proxy.wants_copies = False
        proxy.consent_dt = None
        proxy.consent_method = None


def add_proxy(person, data, *, consent_method, actor, now):
    """Add a proxy contact from the fields in `data`: `record_proxy`."""
    values, wants_copies = proxy_values(data)
    return record_proxy(person, values, wants_copies, consent_method=consent_method,
                        actor=actor, now=now)


def record_proxy(person, values, wants_copies, *, consent_method, actor, now):
    """Add a proxy contact of checked `values` (proxy_values), or update the one with the
    same phone (a family member who books again is the same contact)."""
    proxy = None
    if values["phone"]:
        proxy = next((item for item in person.proxies if item.phone == values["phone"]), None)
    before = audit.snapshot(proxy, PROXY_FIELDS) if proxy else None
    if proxy is None:
        proxy = ProxyContact(created_dt=now, **values)
        person.proxies.append(proxy)
    else:
        records.assign(proxy, values)
    _apply_proxy_consent(proxy, wants_copies, consent_method, now)
    db.session.flush()
    after = audit.snapshot(proxy, PROXY_FIELDS)
    if after != before:
        audit.record("proxy.update" if before else "proxy.create", proxy, actor=actor,
                     before=before, after=after, now=now)
    return proxy


def update_proxy(proxy, data, *, consent_method, actor, now):
    """Staff change a proxy contact (its phone number too, unlike add_proxy)."""
    require_person(proxy.person)
    values, wants_copies = proxy_values(data)
    if values["phone"] and any(other.phone == values["phone"] and other.id != proxy.id
                               for other in proxy.person.proxies):
        message = _("Another contact of this person already has this phone number.")
        raise ValidationError(message, fields={"phone": message})
    before = audit.snapshot(proxy, PROXY_FIELDS)
    records.assign(proxy, values)
    _apply_proxy_consent(proxy, wants_copies, consent_method, now)
    db.session.flush()
    after = audit.snapshot(proxy, PROXY_FIELDS)
    if after != before:
        audit.record("proxy.update", proxy, actor=actor, before=before, after=after, now=now)
    return proxy


def remove_proxy(proxy, *, actor, now=None):
    """Remove a proxy contact; the copies still waiting in the outbox are cancelled."""
    signals.proxy_copies_withdrawn.send(proxy, now=now or utcnow())
    before = audit.snapshot(proxy, PROXY_FIELDS)
    audit.record("proxy.delete", proxy, actor=actor, before=before, now=now)
    db.session.delete(proxy)
    db.session.flush()


def record_disclosure(person, *, what, actor, now):
    """Audit that `actor` produced the disclosure of `person` (`what`: "html", "json" or
    "csv"): who, when and whose, never any of the values disclosed."""
    audit.record("person.disclose", person, actor=actor, after={"format": what}, now=now)


def require_person(person):
    if person is None or person.is_merged:
        raise ValidationError(_("This person's record was merged into another one."))
    if person.is_anonymised:
        raise anonymised_error()
    return person


# -- merging duplicates ------------------------------------------------------------------------

@dataclass
class MergeResult:
    keep: Person
    drop: Person
    moved: dict  # table name -> ids of the rows re-pointed from `drop` to `keep`
    cancelled: list  # rows cancelled because both records had one (two bookings for a session)
    promoted: list  # rows those cancellations moved up (bookings from a waiting list)
    notices: list  # what the packages that moved rows tell the coordinator
    filled: list  # `keep`'s empty fields taken from `drop`
    consent_copied: bool


def _lock_people(people):
    """Lock the people's rows (in id order) and read them afresh."""
    lock_rows(db.session, select(Person).where(Person.id.in_([person.id for person in people]))
              .order_by(Person.id), of=Person).unique().all()


def _send(signal, keep, drop, *, actor, now):
    """Send a merge signal; the receivers' changes added up."""
    changes = signals.MergeChanges()
    for _receiver, result in signal.send(keep, drop=drop, actor=actor, now=now):
        changes.add(result)
    return changes


def merge_people(keep, drop, *, actor, now):
    """Merge `drop`, a duplicate record of the same resident, into `keep`.

    Every row that points at `drop` (bookings, proxy contacts, outbox messages,
    consultation tickets: desk.people.registry.PERSON_REFERENCES) moves to `keep`;
    where both had an active booking for the same session, one stays (the one attended
    on, else the earlier) and the other is cancelled first. `keep` gets `drop`'s consent
    when it has none, and `drop`'s optional details where its own are empty; nothing of
    `keep` is overwritten. `drop` stays, marked as merged into `keep`.

    The people rows are locked first (in id order), then the receivers of `merging`
    lock theirs and settle conflicts, then the receivers of `merged` re-point rows."""
    if keep.id == drop.id:
        raise ValidationError(_("A record cannot be merged into itself."))
    _lock_people([keep, drop])
    if keep.is_merged or drop.is_merged:
        raise ValidationError(_("One of these records has already been merged into another "
                                "one. Search again and merge the current records."))
    if keep.is_anonymised or drop.is_anonymised:
        raise anonymised_error()
    fills = queries.fillable_fields(keep, drop)
    copies_consent = queries.copies_consent(keep, drop)
    before_keep = audit.snapshot(keep, PERSON_FIELDS)
    before_drop = audit.snapshot(drop, PERSON_FIELDS)
    changes = _send(signals.merging, keep, drop, actor=actor, now=now)
    changes.add(registry.repoint(ProxyContact, "person_id", keep=keep, drop=drop))
    changes.add(_send(signals.merged, keep, drop, actor=actor, now=now))
    for names in queries.FILLABLE_FIELDS:
        if names[0] in fills:
            for name in names:
                setattr(keep, name, getattr(drop, name))
    if copies_consent:
        keep.has_consent = True
        keep.consent_dt = drop.consent_dt
        keep.consent_method = drop.consent_method
    _move_distinct_pairs(keep, drop, now=now)
    drop.merged_into_id = keep.id
    drop.needs_review = False
    drop.review_note = None
    keep.updated_dt = drop.updated_dt = now
    db.session.flush()
    moved = dict(sorted(changes.moved.items()))
    audit.record("person.merge", keep, actor=actor, before=before_keep,
                 after={**audit.snapshot(keep, PERSON_FIELDS), "moved": moved,
                        **changes.audit},
                 note=f"merged person {drop.id} into this one", now=now)
    audit.record("person.merge", drop, actor=actor, before=before_drop,
                 after=audit.snapshot(drop, PERSON_FIELDS),
                 note=f"merged into person {keep.id}", now=now)
    db.session.expire(keep)
    db.session.expire(drop)
    return MergeResult(keep=keep, drop=drop, moved=moved, cancelled=changes.cancelled,
                       promoted=changes.promoted, notices=changes.notices, filled=fills,
                       consent_copied=copies_consent)


# -- different residents -------------------------------------------------------------------

def _live_records(people):
    """The distinct live records of `people` (two or more), locked, sorted by id."""
    people = sorted({person.id: person for person in people}.values(),
                    key=lambda person: person.id)
    if len(people) < 2:
        raise ValidationError(_("Choose at least two records."))
    _lock_people(people)
    if any(person.is_merged for person in people):
        raise ValidationError(_("One of these records has already been merged into another "
                                "one. Search again and merge the current records."))
    return people


def mark_different_people(people, *, actor, now):
    """Record that the live records `people` (two or more: a group of likely duplicates)
    are different residents, so that they are no longer listed as likely duplicates.
    Returns the number of pairs recorded (0 when all were recorded already)."""
    people = _live_records(people)
    ids = [person.id for person in people]
    new_pairs = _record_pairs(queries.pairs_of(ids), now=now)
    if new_pairs:
        audit.record("person.distinct", people[0], actor=actor,
                     after={"different_people": ids, "pairs": new_pairs}, now=now)
    return len(new_pairs)


def unmark_different_people(people, *, actor, now):
    """Take back `mark_different_people`: the records are listed as likely duplicates
    again. Returns the number of pairs removed."""
    people = _live_records(people)
    ids = [person.id for person in people]
    pairs = sorted(queries.distinct_pairs(ids))
    if pairs:
        db.session.execute(delete(DistinctPair).where(
            DistinctPair.low_id.in_(ids), DistinctPair.high_id.in_(ids)))
        audit.record("person.distinct_undo", people[0], actor=actor,
                     before={"different_people": ids, "pairs": pairs}, now=now)
    return len(pairs)


def _record_pairs(pairs, *, now):
    """Record the (low id, high id) pairs not recorded yet; returns those, sorted."""
    new_pairs = sorted(set(pairs) - queries.distinct_pairs({id_ for pair in pairs
                                                            for id_ in pair}))
    for low, high in new_pairs:
        db.session.add(DistinctPair(low_id=low, high_id=high, decided_dt=now))
    db.session.flush()
    return new_pairs


def _move_distinct_pairs(keep, drop, *, now):
    """On a merge: whoever `drop` was checked to differ from, `keep` differs from too
    (one resident); a pair of the two merged records themselves is dropped."""
    of_drop = or_(DistinctPair.low_id == drop.id, DistinctPair.high_id == drop.id)
    others = {low if high == drop.id else high for low, high in db.session.execute(
        select(DistinctPair.low_id, DistinctPair.high_id).where(of_drop))} - {keep.id}
    db.session.execute(delete(DistinctPair).where(of_drop))
    _record_pairs({queries.pairs_of([keep.id, other]).pop() for other in others}, now=now)
