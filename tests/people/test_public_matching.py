"""Public channels never show nor overwrite what is stored about a person
(person_for_public_booking): phone and kana that match attach the booking to the
stored person; the same phone with another reading creates a new person flagged for
review; a new phone creates a new person."""

import pytest
from sqlalchemy import func, select

from desk.core.errors import ValidationError
from desk.extensions import db
from desk.people import queries, services
from desk.people.models import ConsentMethod, Person
from tests.fixtures.factories import NOW


def public(data, channel="web"):
    person = services.person_for_public_booking(data, channel=channel, consent_method=channel,
                                                actor=channel, now=NOW)
    db.session.commit()
    return person


def people_count():
    return db.session.scalar(select(func.count()).select_from(Person))


@pytest.fixture
def stored(ctx, create_person, create_district):
    return create_person(name="佐藤 恵子", name_kana="さとう けいこ", phone="090-1234-5678",
                         email="keiko@example.jp", district_id=create_district().id,
                         age_band="70s", consent=False)


@pytest.mark.parametrize(("kana", "phone"), [
    ("さとう けいこ", "090-1234-5678"),
    ("サトウケイコ", "０９０ー１２３４ー５６７８"),
    ("ｻﾄｳ ｹｲｺ", "+81 90 1234 5678"),
])
def test_phone_and_kana_attach_to_the_stored_person(stored, kana, phone):
    count = people_count()
    person = public({"name": "さとう恵子", "name_kana": kana, "phone": phone,
                     "email": "new@example.jp", "age_band": "60s"})
    assert person.id == stored.id and people_count() == count
    db.session.expire_all()
    # nothing stored is overwritten by what a public form said
    assert stored.name == "佐藤 恵子" and stored.email == "keiko@example.jp"
    assert stored.age_band.value == "70s" and not stored.needs_review


def test_a_matched_person_gains_consent_given_now(stored):
    person = public({"name": "佐藤 恵子", "name_kana": "さとう けいこ",
                     "phone": "090-1234-5678", "consent": True}, channel="kiosk")
    assert person.id == stored.id
    assert person.has_consent and person.consent_method == ConsentMethod.KIOSK
    assert person.consent_dt == NOW


def test_same_phone_other_kana_creates_a_flagged_person(stored):
    person = public({"name": "佐藤 太郎", "name_kana": "さとう たろう",
                     "phone": "090-1234-5678"})
    assert person.id != stored.id
    assert person.needs_review and person.review_note == "phone already known"
    db.session.expire_all()
    assert stored.name == "佐藤 恵子" and not stored.needs_review
    # the pair shows up among the likely duplicates, for staff to decide
    groups, total = queries.likely_duplicates()
    assert total == 1 and {p.id for p in groups[0].people} == {stored.id, person.id}
    assert groups[0].same_phone and not groups[0].same_kana


def test_a_new_phone_creates_an_unflagged_person(stored):
    person = public({"name": "佐藤 恵子", "name_kana": "さとう けいこ",
                     "phone": "080-9999-0000"})
    assert person.id != stored.id and not person.needs_review


def test_a_merged_record_is_never_matched(stored, create_person):
    keep = create_person(name="佐藤 恵子", name_kana="さとう けいこ", phone="070-1111-0000")
    services.merge_people(keep, stored, actor="test", now=NOW)
    db.session.commit()
    person = public({"name": "佐藤 恵子", "name_kana": "さとう けいこ",
                     "phone": "090-1234-5678"})
    assert person.id not in (stored.id, keep.id)
    assert person.needs_review  # the number is known (on the merged record)


@pytest.mark.parametrize("data", [
    {"name": "佐藤 恵子", "name_kana": "さとう けいこ", "phone": ""},
    {"name": "佐藤 恵子", "name_kana": "sato", "phone": "090-1234-5678"},
    {"name": "", "name_kana": "さとう けいこ", "phone": "090-1234-5678"},
    {"name": "佐藤 恵子", "name_kana": "さとう けいこ", "phone": "090-1234-567"},
])
def test_public_matching_refuses_bad_input_and_creates_nobody(stored, data):
    count = people_count()
    with pytest.raises(ValidationError):
        services.person_for_public_booking(data, channel="web", consent_method="web",
                                           actor="web", now=NOW)
    db.session.rollback()
    assert people_count() == count
