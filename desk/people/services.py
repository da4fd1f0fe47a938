"""Changing the resident registry: create, update, proxies, public matching, merge.

Public channels (web, kiosk, phone line, API) go through `person_for_public_booking`,
which never shows nor overwrites what is stored: a booking whose phone and kana match
an existing person is attached to that person; otherwise a new person is created, and
flagged for staff review when the phone number is already known.
"""

from flask_babel import gettext as _
from sqlalchemy import select

from desk.core import audit
from desk.core.errors import ValidationError
from desk.core.validation import Checker
from desk.events.models import District
from desk.extensions import db
from desk.people.kana import kana_key
from desk.people.models import (
    AgeBand,
    ConsentMethod,
    Person,
    ProxyContact,
    ProxyRelation,
    ReminderChannel,
)

LANGUAGES = ("ja", "en")
PERSON_FIELDS = ("name", "name_kana", "phone", "phone_kind", "email", "district_id",
                 "age_band", "language", "reminder_channel", "has_consent", "consent_dt",
                 "consent_method", "needs_review", "review_note", "merged_into_id")
PROXY_FIELDS = ("person_id", "name", "relation", "relation_note", "phone", "phone_kind",
                "email", "wants_copies", "consent_dt", "consent_method")


def _district(checker):
    value = checker.raw("district_id")
    if value in (None, ""):
        return None
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        value = int(value.strip())
    district = None
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**31:
        district = db.session.get(District, value)
    if district is None:
        checker.fail("district_id", _("Choose a district from the list."))
    return district


def _language(checker):
    value = checker.raw("language")
    if value in (None, ""):
        return "ja"
    if value not in LANGUAGES:
        checker.fail("language", _("Choose one of the options."))
        return None
    return value


def person_values(data, *, require_phone):
    """The clean fields of a person from a form or JSON (without consent)."""
    checker = Checker(data)
    phone = checker.phone("phone", required=require_phone)
    district = _district(checker)
    values = {
        "name": checker.text("name", Person.NAME_MAX, required=True),
        "name_kana": checker.kana("name_kana", Person.KANA_MAX, required=True),
        "phone": phone.e164 if phone else None,
        "phone_kind": phone.kind if phone else None,
        "email": checker.email("email", Person.EMAIL_MAX),
        "district_id": district.id if district else None,
        "age_band": checker.choice("age_band", AgeBand, required=False),
        "language": _language(checker),
        "reminder_channel": checker.choice("reminder_channel", ReminderChannel,
                                           default=ReminderChannel.AUTOMATIC),
    }
    consent = checker.boolean("consent")
    checker.done()
    values["kana_key"] = kana_key(values["name_kana"])
    return values, consent


def _apply_consent(person, consent, method, now):
    """Record consent given now; withdraw it when `consent` is False."""
    if consent and not person.has_consent:
        person.has_consent = True
        person.consent_dt = now
        person.consent_method = ConsentMethod(method)
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
                 after=audit.snapshot(person, PERSON_FIELDS), note=str(channel))
    return person


def update_person(person, changes, *, consent_method, actor, now):
    """Staff edit a person (coordinators and admins only: the view checks the role)."""
    before = audit.snapshot(person, PERSON_FIELDS)
    current = {name: getattr(person, name) for name in
               ("name", "name_kana", "email", "district_id", "age_band", "language",
                "reminder_channel")}
    current["phone"] = person.phone
    current["consent"] = person.has_consent
    values, consent = person_values({**current, **changes}, require_phone=False)
    for name, value in values.items():
        setattr(person, name, value)
    _apply_consent(person, consent, consent_method, now)
    if "needs_review" in changes and not changes["needs_review"]:
        person.needs_review = False
        person.review_note = None
    after = audit.snapshot(person, PERSON_FIELDS)
    if after != before:
        person.updated_dt = now
        db.session.flush()
        audit.record("person.update", person, actor=actor, before=before, after=after)
    return person


def find_match(phone_e164, key):
    """The person whose phone and kana both match (merged people excluded), or None."""
    if not phone_e164:
        return None
    return db.session.scalar(
        select(Person)
        .where(Person.phone == phone_e164, Person.kana_key == key,
               Person.merged_into_id.is_(None))
        .order_by(Person.id).limit(1))


def phone_is_known(phone_e164):
    return db.session.scalar(
        select(Person.id).where(Person.phone == phone_e164).limit(1)) is not None


def person_for_public_booking(data, *, channel, consent_method, actor, now):
    """The person a public booking is for: matched by phone and kana, else created.

    Nothing stored is shown or overwritten; the only thing a public booking adds to a
    matched person is consent to reminders when none was recorded (the person gave it
    now, on this channel)."""
    values, consent = person_values(data, require_phone=True)
    person = find_match(values["phone"], values["kana_key"])
    if person is not None:
        if consent and not person.has_consent:
            before = audit.snapshot(person, PERSON_FIELDS)
            _apply_consent(person, True, consent_method, now)
            db.session.flush()
            audit.record("person.consent", person, actor=actor, before=before,
                         after=audit.snapshot(person, PERSON_FIELDS), note=str(channel))
        return person
    known = phone_is_known(values["phone"])
    person = Person(**values, created_channel=str(channel), created_dt=now, updated_dt=now,
                    needs_review=known,
                    review_note="phone already known" if known else None)
    _apply_consent(person, consent, consent_method, now)
    db.session.add(person)
    db.session.flush()
    audit.record("person.create", person, actor=actor,
                 after=audit.snapshot(person, PERSON_FIELDS), note=str(channel))
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


def add_proxy(person, data, *, consent_method, actor, now):
    """Add a proxy contact, or update the one with the same phone (a family member who
    books again is the same contact)."""
    values, wants_copies = proxy_values(data)
    proxy = None
    if values["phone"]:
        proxy = next((item for item in person.proxies if item.phone == values["phone"]), None)
    before = audit.snapshot(proxy, PROXY_FIELDS) if proxy else None
    if proxy is None:
        proxy = ProxyContact(created_dt=now, **values)
        person.proxies.append(proxy)
    else:
        for name, value in values.items():
            setattr(proxy, name, value)
    if wants_copies and not proxy.wants_copies:
        proxy.wants_copies = True
        proxy.consent_dt = now
        proxy.consent_method = ConsentMethod(consent_method)
    elif not wants_copies:
        proxy.wants_copies = False
        proxy.consent_dt = None
        proxy.consent_method = None
    db.session.flush()
    after = audit.snapshot(proxy, PROXY_FIELDS)
    if after != before:
        audit.record("proxy.update" if before else "proxy.create", proxy, actor=actor,
                     before=before, after=after)
    return proxy


def remove_proxy(proxy, *, actor):
    before = audit.snapshot(proxy, PROXY_FIELDS)
    audit.record("proxy.delete", proxy, actor=actor, before=before)
    db.session.delete(proxy)
    db.session.flush()


def require_person(person):
    if person is None or person.is_merged:
        raise ValidationError(_("This person's record was merged into another one."))
    return person
