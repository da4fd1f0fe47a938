"""The registry's pages through the test client: a person's page, adding and editing
people and proxy contacts, marking a record reviewed. Bad input answers 200 with the
message next to its field and changes nothing; unknown ids answer 404; no 5xx."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from desk.auth.models import Role
from desk.events import services as events
from desk.extensions import db
from desk.notify.models import MessageState, OutboxMessage
from desk.people import services
from desk.people.models import ConsentMethod, Person, ProxyContact
from tests.fixtures.factories import NOW
from tests.people.helpers import audit_actions, error_fields, flashes, row_counts

GOOD = {"name": "山本 花子", "name_kana": "やまもと はなこ", "phone": "０９０ー５５５５ー１２１２",
        "email": "", "district_id": "", "age_band": "70s", "reminder_channel": "automatic",
        "language": "ja", "consent": "y", "consent_method": "paper"}
PROXY = {"name": "山本 一郎", "relation": "family", "relation_note": "長男",
         "phone": "080-7777-8888", "email": "", "wants_copies": "y",
         "consent_method": "phone_staff"}


@pytest.fixture
def person(ctx, create_person):
    return create_person(name="佐藤 恵子", name_kana="さとう けいこ", phone="090-1234-5678")


def test_create_person_records_consent_and_channel(staff_client):
    response = staff_client.post("/staff/people/new", data=GOOD)
    assert response.status_code == 302
    person = db.session.scalars(select(Person)).one()
    assert response.headers["Location"].endswith(f"/staff/people/{person.id}")
    assert person.phone == "+819055551212" and person.name_kana == "ヤマモト\u3000ハナコ"
    assert person.has_consent and person.consent_method == ConsentMethod.PAPER
    assert person.created_channel == "phone_desk" and person.age_band.value == "70s"
    assert audit_actions("people", person.id) == ["person.create"]


def test_create_person_defaults_consent_to_by_phone(staff_client):
    html = staff_client.get("/staff/people/new").get_data(as_text=True)
    assert re.search(r'<input checked id="consent_method-0"[^>]*value="phone_staff"', html)
    assert 'class="read-out"' in html  # the purpose, with the sentence to read out
    staff_client.post("/staff/people/new", data={**GOOD, "consent_method": "phone_staff"})
    person = db.session.scalars(select(Person)).one()
    assert person.consent_method == ConsentMethod.PHONE_STAFF


@pytest.mark.parametrize(("changes", "fields"), [
    ({"phone": "090-1234"}, {"phone"}),
    ({"phone": "12345678901234567890"}, {"phone"}),
    ({"name_kana": "yamamoto"}, {"name_kana"}),
    ({"name_kana": "山本"}, {"name_kana"}),
    ({"name_kana": ""}, {"name_kana"}),
    ({"name": ""}, {"name"}),
    ({"name": "山" * 101}, {"name"}),
    ({"email": "not an address"}, {"email"}),
    ({"district_id": "999999"}, {"district_id"}),
    ({"district_id": "abc"}, {"district_id"}),
    ({"age_band": "100s"}, {"age_band"}),
    ({"reminder_channel": "pigeon"}, {"reminder_channel"}),
    ({"language": "fr"}, {"language"}),
    ({"consent_method": "web"}, {"consent_method"}),
    ({"name": "山本\x00花子"}, {"name"}),
])
def test_create_person_refuses_bad_input(staff_client, changes, fields):
    before = row_counts()
    response = staff_client.post("/staff/people/new", data={**GOOD, **changes})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert error_fields(html) == fields
    assert 'class="error-summary"' in html
    assert row_counts() == before


def test_invalid_phone_message_shows_what_was_understood(staff_client):
    html = staff_client.post("/staff/people/new",
                             data={**GOOD, "phone": "０９０ー１２３"}).get_data(as_text=True)
    assert "090-123" in html


def test_detail_page_shows_details_consent_proxies_and_bookings(person, staff_client,
                                                                 create_session):
    session = create_session()
    booking = events.book_seat(session, person, channel="web", actor="test", now=NOW).booking
    services.add_proxy(person, {**PROXY, "wants_copies": True}, consent_method="phone_staff",
                       actor="test", now=NOW)
    db.session.commit()
    html = staff_client.get(f"/staff/people/{person.id}").get_data(as_text=True)
    assert "090-1234-5678" in html and "サトウ\u3000ケイコ" in html
    assert booking.display_code in html
    assert session.display_title in html
    assert "山本 一郎" in html and "080-7777-8888" in html
    assert f"/staff/sessions/{session.id}" in html


def test_edit_person_changes_details_and_withdraws_consent(person, staff_client):
    page = staff_client.get(f"/staff/people/{person.id}/edit").get_data(as_text=True)
    assert 'value="090-1234-5678"' in page  # the stored number in the national format
    data = {**GOOD, "name": "佐藤 恵子", "name_kana": "さとう けいこ", "phone": "0466-25-9999",
            "language": "en"}
    data.pop("consent")
    response = staff_client.post(f"/staff/people/{person.id}/edit", data=data)
    assert response.status_code == 302
    db.session.expire_all()
    assert person.phone == "+81466259999" and person.language == "en"
    assert person.phone_kind.value == "landline"
    assert not person.has_consent and person.consent_dt is None
    assert "person.update" in audit_actions("people", person.id)


@pytest.mark.parametrize(("changes", "fields"), [
    ({"phone": "abc"}, {"phone"}),
    ({"name_kana": "sato"}, {"name_kana"}),
    ({"email": "@"}, {"email"}),
])
def test_edit_person_refuses_bad_input(person, staff_client, changes, fields):
    before = row_counts()
    data = {**GOOD, "name": "佐藤 恵子", "name_kana": "さとう けいこ", **changes}
    response = staff_client.post(f"/staff/people/{person.id}/edit", data=data)
    assert response.status_code == 200
    assert error_fields(response.get_data(as_text=True)) == fields
    assert row_counts() == before
    db.session.expire_all()
    assert person.phone == "+819012345678"


def test_mark_reviewed_clears_the_flag(ctx, staff_client, person):
    flagged = services.person_for_public_booking(
        {"name": "佐藤 けい子", "name_kana": "さとう けいこ さん", "phone": "090-1234-5678"},
        channel="web", consent_method="web", actor="web", now=NOW)
    db.session.commit()
    assert flagged.needs_review
    page = staff_client.get(f"/staff/people/{flagged.id}").get_data(as_text=True)
    assert f"/staff/people/{flagged.id}/reviewed" in page
    assert f"/staff/people/{flagged.id}/merge?keep={person.id}" in page  # a possible duplicate
    response = staff_client.post(f"/staff/people/{flagged.id}/reviewed")
    assert response.status_code == 302
    db.session.expire_all()
    assert not flagged.needs_review and flagged.review_note is None


def test_add_edit_and_remove_a_proxy(person, staff_client, create_session):
    response = staff_client.post(f"/staff/people/{person.id}/proxies/new", data=PROXY)
    assert response.status_code == 302
    proxy = db.session.scalars(select(ProxyContact)).one()
    proxy_id = proxy.id
    assert proxy.wants_copies and proxy.consent_method == ConsentMethod.PHONE_STAFF
    assert proxy.phone == "+818077778888"

    page = staff_client.get(f"/staff/people/{person.id}/proxies/{proxy.id}")
    assert 'value="080-7777-8888"' in page.get_data(as_text=True)
    data = {**PROXY, "phone": "0466-11-2222", "relation": "care_manager"}
    data.pop("wants_copies")
    assert staff_client.post(f"/staff/people/{person.id}/proxies/{proxy.id}",
                             data=data).status_code == 302
    db.session.expire_all()
    assert proxy.phone == "+81466112222" and not proxy.wants_copies
    assert proxy.consent_dt is None

    assert staff_client.post(
        f"/staff/people/{person.id}/proxies/{proxy_id}/remove").status_code == 302
    db.session.expire_all()
    assert db.session.scalars(select(ProxyContact)).all() == []
    assert audit_actions("proxy_contacts", proxy_id) == [
        "proxy.create", "proxy.update", "proxy.delete"]


def test_removing_a_proxy_cancels_their_waiting_copies(person, staff_client, create_session):
    proxy = services.add_proxy(person, {**PROXY, "wants_copies": True},
                               consent_method="phone_staff", actor="test", now=NOW)
    db.session.commit()
    events.book_seat(create_session(), person, channel="phone_desk", actor="test", now=NOW)
    db.session.commit()
    copies = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.proxy_id == proxy.id)).all()
    assert copies and all(copy.state == MessageState.QUEUED for copy in copies)
    staff_client.post(f"/staff/people/{person.id}/proxies/{proxy.id}/remove")
    db.session.expire_all()
    copies = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.address == "+818077778888")).all()
    assert copies and all(copy.state == MessageState.CANCELLED for copy in copies)


@pytest.mark.parametrize(("changes", "fields"), [
    ({"phone": "", "email": ""}, {"phone"}),
    ({"phone": "080-7777"}, {"phone"}),
    ({"name": ""}, {"name"}),
    ({"relation": "neighbour"}, {"relation"}),
    ({"email": "no"}, {"email"}),
    ({"consent_method": "kiosk"}, {"consent_method"}),
])
def test_proxy_form_refuses_bad_input(person, staff_client, changes, fields):
    before = row_counts()
    response = staff_client.post(f"/staff/people/{person.id}/proxies/new",
                                 data={**PROXY, **changes})
    assert response.status_code == 200
    assert error_fields(response.get_data(as_text=True)) == fields
    assert row_counts() == before


def test_proxy_edit_refuses_a_number_another_contact_has(person, staff_client):
    first = services.add_proxy(person, PROXY, consent_method="phone_staff", actor="test",
                               now=NOW)
    second = services.add_proxy(person, {**PROXY, "name": "山本 次郎", "phone": "090-3333-4444"},
                                consent_method="phone_staff", actor="test", now=NOW)
    db.session.commit()
    before = row_counts()
    response = staff_client.post(f"/staff/people/{person.id}/proxies/{second.id}",
                                 data={**PROXY, "name": "山本 次郎"})
    assert response.status_code == 200
    assert error_fields(response.get_data(as_text=True)) == {"phone"}
    assert row_counts() == before
    assert first.phone != second.phone


def test_a_proxy_of_someone_else_is_not_found(person, staff_client, create_person):
    other = create_person()
    proxy = services.add_proxy(other, PROXY, consent_method="phone_staff", actor="test",
                               now=NOW)
    db.session.commit()
    assert staff_client.get(f"/staff/people/{person.id}/proxies/{proxy.id}").status_code == 404
    assert staff_client.post(
        f"/staff/people/{person.id}/proxies/{proxy.id}/remove").status_code == 404


@pytest.mark.parametrize("path", ["/staff/people/999999", "/staff/people/999999/edit",
                                  "/staff/people/999999/merge",
                                  "/staff/people/999999/proxies/new",
                                  "/staff/people/2147483648"])
def test_unknown_people_are_not_found(ctx, staff_client, path):
    assert staff_client.get(path).status_code == 404


def test_a_merged_record_is_read_only(person, staff_client, create_person):
    duplicate = create_person(name="佐藤 恵子", name_kana="サトウ ケイコ")
    services.merge_people(person, duplicate, actor="test", now=NOW)
    db.session.commit()
    page = staff_client.get(f"/staff/people/{duplicate.id}").get_data(as_text=True)
    assert f'href="/staff/people/{person.id}"' in page
    assert f"/staff/people/{duplicate.id}/edit" not in page
    for path in (f"/staff/people/{duplicate.id}/edit", f"/staff/people/{duplicate.id}/merge",
                 f"/staff/people/{duplicate.id}/proxies/new"):
        response = staff_client.get(path)
        assert response.status_code == 302
        assert response.headers["Location"].endswith(f"/staff/people/{person.id}")
    before = row_counts()
    response = staff_client.post(f"/staff/people/{duplicate.id}/reviewed",
                                 follow_redirects=True)
    assert flashes(response.get_data(as_text=True), "error")
    assert row_counts() == before


@pytest.mark.parametrize("path", ["/staff/people/new", "/staff/people/duplicates"])
def test_volunteers_get_403_everywhere(ctx, client, create_user, login, person, path):
    login(client, create_user(Role.VOLUNTEER))
    assert client.get(path).status_code == 403
    assert client.get(f"/staff/people/{person.id}").status_code == 403
    assert client.post(f"/staff/people/{person.id}/reviewed").status_code == 403


def test_staff_see_times_in_japan(person, staff_client):
    later = NOW + timedelta(hours=14)  # 2026-11-24 00:00 JST, still the 23rd in UTC
    services.update_person(person, {"consent": False}, consent_method="phone_staff",
                           actor="test", now=NOW)
    services.update_person(person, {"consent": True}, consent_method="paper", actor="test",
                           now=later)
    db.session.commit()
    html = staff_client.get(f"/staff/people/{person.id}").get_data(as_text=True)
    assert "2026年11月24日" in html and "0:00" in html
