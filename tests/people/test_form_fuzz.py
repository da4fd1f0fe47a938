"""Hypothesis fuzzes the registry's forms (add and edit a person, proxy contacts, the
search, the merge choice) with random text, odd phone numbers and kana, and ids.

Whatever is posted: never a 5xx. When the answer is not a redirect nothing was written;
when it is, exactly the rows of one saved form were written.
"""

import unicodedata

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from desk.extensions import db
from desk.people.models import Person
from tests.conftest import examples
from tests.people.helpers import row_counts

FUZZ = settings(deadline=None, max_examples=examples(60),
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])

characters = st.characters(blacklist_categories=("Cs",))
random_text = st.one_of(
    st.text(characters, max_size=40),
    st.builds(lambda char, count: char * count, characters, st.integers(0, 400)),
    st.sampled_from(["\x00", "\r\n", "\u202e", "%", "_", "' OR 1=1 --", "{{7*7}}", "²"]),
)
phones = st.one_of(
    st.sampled_from(["090-1234-5678", "０９０ー１２３４ー５６７８", "+81 90 1234 5678",
                     "(0466)25-1234", "090‐1234‐5678", "050-1234-5678", "0120-444-444",
                     "090-1234", "+1 212 555 0100", "＋", "--", "()", "0" * 40, ""]),
    st.text(st.sampled_from("0123456789０１２３４５６７８９-ー−‐－ +()（）"), max_size=25),
)
kana = st.one_of(
    st.sampled_from(["さとう けいこ", "ｻﾄｳ ｹｲｺ", "サトウ・ケイコ", "ー", "・", "sato", "佐藤"]),
    st.text(st.characters(min_codepoint=0x3040, max_codepoint=0x30ff), max_size=30),
)
ids = st.sampled_from(["", "0", "-1", "1", "2147483648", "99999999999999999999", "abc", "１"])
choice = st.sampled_from(["", "family", "care_manager", "other", "70s", "90_plus", "ja", "en",
                          "fr", "sms", "voice", "none", "automatic", "phone_staff", "paper",
                          "web", "y", "on", "false"])


def maybe(strategy):
    return st.one_of(strategy, random_text, st.none())


PERSON_VALID = {"name": "山本 花子", "name_kana": "やまもと はなこ", "phone": "090-5555-1212",
                "age_band": "70s", "reminder_channel": "automatic", "language": "ja",
                "consent": "y", "consent_method": "phone_staff"}
PERSON_FIELDS = {"name": maybe(random_text), "name_kana": maybe(kana), "phone": maybe(phones),
                 "email": maybe(st.sampled_from(["a@example.jp", "a@", "@b", "a b@c.jp"])),
                 "district_id": maybe(ids), "age_band": maybe(choice),
                 "reminder_channel": maybe(choice), "language": maybe(choice),
                 "consent": maybe(choice), "consent_method": maybe(choice)}
PROXY_VALID = {"name": "山本 一郎", "relation": "family", "phone": "080-7777-8888",
               "wants_copies": "y", "consent_method": "phone_staff"}
PROXY_FIELDS = {"name": maybe(random_text), "relation": maybe(choice),
                "relation_note": maybe(random_text), "phone": maybe(phones),
                "email": maybe(st.sampled_from(["a@example.jp", "x"])),
                "wants_copies": maybe(choice), "consent_method": maybe(choice)}


def forms(valid, fields):
    near_valid = st.lists(st.sampled_from(sorted(fields)), min_size=1, max_size=2,
                          unique=True).flatmap(
        lambda names: st.fixed_dictionaries({name: fields[name] for name in names}).map(
            lambda changes: {**valid, **changes}))
    return st.one_of(st.fixed_dictionaries(fields), near_valid)


def posted(form):
    return {name: value for name, value in form.items() if value is not None}


def assert_answered(response):
    event(f"answer {response.status_code}")
    assert response.status_code in (200, 302), response.status_code


@pytest.fixture
def person(ctx, create_person):
    return create_person(name="佐藤 恵子", name_kana="さとう けいこ", phone="090-1234-5678")


@FUZZ
@given(data=st.data())
def test_person_form_fuzz(staff_client, data):
    form = data.draw(forms(PERSON_VALID, PERSON_FIELDS))
    before = row_counts()
    response = staff_client.post("/staff/people/new", data=posted(form))
    assert_answered(response)
    after = row_counts()
    if response.status_code == 302:
        assert after["people"] == before["people"] + 1
        assert after["audit_entries"] == before["audit_entries"] + 1
    else:
        assert after == before


@FUZZ
@given(data=st.data())
def test_person_edit_fuzz(staff_client, person, data):
    form = data.draw(forms({**PERSON_VALID, "name": "佐藤 恵子", "name_kana": "さとう けいこ"},
                           PERSON_FIELDS))
    values = (person.name, person.name_kana, person.phone, person.email, person.has_consent)
    before = row_counts()
    response = staff_client.post(f"/staff/people/{person.id}/edit", data=posted(form))
    assert_answered(response)
    db.session.expire_all()
    if response.status_code != 302:
        assert row_counts() == before
        assert (person.name, person.name_kana, person.phone, person.email,
                person.has_consent) == values
    else:
        assert row_counts()["people"] == before["people"]


@FUZZ
@given(data=st.data())
def test_proxy_form_fuzz(staff_client, person, data):
    form = data.draw(forms(PROXY_VALID, PROXY_FIELDS))
    before = row_counts()
    response = staff_client.post(f"/staff/people/{person.id}/proxies/new", data=posted(form))
    assert_answered(response)
    after = row_counts()
    if response.status_code != 302:
        assert after == before
    else:
        assert after["proxy_contacts"] - before["proxy_contacts"] in (0, 1)


@FUZZ
@given(text=maybe(st.one_of(random_text, phones, kana)), page=maybe(ids),
       include=maybe(choice))
def test_search_fuzz(staff_client, person, text, page, include):
    before = row_counts()
    response = staff_client.post("/staff/people", data=posted({"q": text,
                                                               "include_merged": include}))
    assert_answered(response)
    listing = staff_client.get("/staff/people", query_string=posted({"page": page}))
    assert listing.status_code == 200
    assert row_counts() == before


@FUZZ
@given(keep=maybe(st.one_of(ids, random_text)), other=maybe(st.one_of(ids, random_text)),
       method=st.sampled_from(["GET", "POST"]))
def test_merge_choice_fuzz(staff_client, person, create_person, keep, other, method):
    drop = create_person(name="佐藤 恵子", name_kana="さとう けいこ")
    before = row_counts()
    response = staff_client.open(f"/staff/people/{drop.id}/merge", method=method,
                                 query_string=posted({"keep": keep, "other": other}))
    assert_answered(response)
    db.session.expire_all()
    merged = db.session.get(Person, drop.id).merged_into_id
    if merged is None:
        assert row_counts() == before
    else:  # only a confirmed merge into a live record that was asked for
        asked = {unicodedata.normalize("NFKC", value or "").strip() for value in (keep, other)}
        assert method == "POST" and str(merged) in asked
        assert not db.session.get(Person, merged).is_merged
