"""Disclosure on request (desk.people.disclosure): every table that can hold a row about
a person is disclosed (checked against the database's foreign keys), a resident's page
and files hold each of their records and nobody else's, and producing one is audited
without the values disclosed."""

import io
import json
import zipfile
from datetime import timedelta

import pytest
from sqlalchemy import select

from desk.consults import services as consult_services
from desk.consults.models import ConsultTopic
from desk.core.audit import AuditEntry
from desk.core.timeutil import local_today
from desk.events import services as events
from desk.events.models import Attendance
from desk.extensions import db
from desk.notify.models import OutboxMessage, ReplyAction, SmsReply
from desk.people import disclosure, erasure, registry, services
from desk.phone.models import PhoneCall
from tests.fixtures.factories import NOW


def _tables_about_a_person():
    """From the database's own foreign keys: people and proxy contacts, and every table
    with a foreign key to one of these, to a table found so (a visit's ticket, whose
    person it is), and so on."""
    found = {"people", "proxy_contacts"}
    grew = True
    while grew:
        grew = False
        for table in db.metadata.tables.values():
            if table.name not in found and any(fk.column.table.name in found
                                               for fk in table.foreign_keys):
                found.add(table.name)
                grew = True
    return found


def test_every_table_about_a_person_is_disclosed(app):
    """A new table pointing (directly or through a booking, a ticket, a message...) at a
    person must be registered, or a disclosure would leave its rows out."""
    tables = _tables_about_a_person()
    assert {"bookings", "consult_visits", "consult_visit_topics", "sms_replies"} <= tables
    assert tables | {"audit_entries"} == set(disclosure.table_labels())


def test_every_foreign_key_into_a_disclosed_table_is_followed(app):
    tables = _tables_about_a_person()
    pointing = {(fk.parent.table.name, fk.parent.name)
                for table in db.metadata.tables.values() for fk in table.foreign_keys
                if fk.column.table.name in tables}
    followed = {(reference.table, reference.column)
                for reference in [*registry.PERSON_REFERENCES, *registry.DEPENDENT_REFERENCES]}
    assert pointing == followed


@pytest.fixture
def coordinator(ctx, create_user):
    return create_user(display_name="調整 花子")


def _visit(desk_session, phone, note, *, actor, now):
    ticket = consult_services.issue_ticket(desk_session, {"phone": phone, "wants_sms": True},
                                           actor=actor, now=now)
    consult_services.plan_turn_notices(desk_session, now=now)
    consult_services.take_ticket(ticket, actor=actor, now=now + timedelta(minutes=5))
    topic = db.session.scalars(select(ConsultTopic).order_by(ConsultTopic.id)).first()
    consult_services.log_visit(ticket, {"topics": [str(topic.id)], "device": "iphone",
                                        "outcome": "follow_up", "note": note},
                               actor=actor, now=now + timedelta(minutes=20))
    return ticket


@pytest.fixture
def resident(coordinator, create_person, create_session):
    """A resident with a merged duplicate, a proxy getting copies, a booking attended,
    messages and an SMS reply, a consultation with notes; and another resident with the
    same kinds of records, checked to be a different person."""
    person = create_person(name="佐藤 恵子", name_kana="さとう けいこ", phone="090-1234-5678",
                           email="keiko@example.jp")
    duplicate = create_person(name="佐藤 恵子", name_kana="さとう けいこ",
                              phone="090-1234-5678")
    other = create_person(name="鈴木 一郎", name_kana="すずき いちろう", phone="080-9999-0000",
                          email="ichiro@example.jp")
    services.add_proxy(person, {"name": "佐藤 一郎", "relation": "family",
                                "phone": "090-8765-4321", "wants_copies": True},
                       consent_method="phone_staff", actor=coordinator, now=NOW)
    services.merge_people(person, duplicate, actor=coordinator, now=NOW)
    services.mark_different_people([person, other], actor=coordinator, now=NOW)
    session = create_session()
    booking = events.book_seat(session, person, channel="phone_desk", actor=coordinator,
                               now=NOW).booking
    events.book_seat(session, other, channel="phone_desk", actor=coordinator, now=NOW)
    events.set_attendance(booking, Attendance.ATTENDED, actor=coordinator,
                          now=session.start_dt + timedelta(minutes=5))
    message = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.person_id == person.id).order_by(OutboxMessage.id)).first()
    db.session.add(SmsReply(provider_id="SM-disclosure", address=person.phone, body="はい",
                            message_id=message.id, action=ReplyAction.CONFIRMED,
                            received_dt=NOW))
    desk_session = create_session(kind="consultation", start_dt=NOW,
                                  end_dt=NOW + timedelta(hours=4))
    ticket = _visit(desk_session, "090-1234-5678", "LINEの設定をもう一度見る",
                    actor=coordinator, now=NOW)
    _visit(desk_session, "080-9999-0000", "鈴木さんの写真の相談", actor=coordinator,
           now=NOW + timedelta(minutes=30))
    call = PhoneCall(call_sid="CA-disclosure", caller=person.phone, person_id=person.id,
                     step="booked", booking_id=booking.id, started_dt=NOW, updated_dt=NOW)
    db.session.add_all([call, PhoneCall(call_sid="CA-other", caller=other.phone,
                                        person_id=other.id, step="menu", started_dt=NOW,
                                        updated_dt=NOW)])
    db.session.commit()
    return {"person": person, "duplicate": duplicate, "booking": booking,
            "ticket": ticket, "message": message, "call": call}


OTHERS = ("鈴木 一郎", "+818099990000", "080-9999-0000", "ichiro@example.jp",
          "鈴木さんの写真の相談")


def test_disclosure_holds_every_record_of_the_person(resident, coordinator):
    person = resident["person"]
    found = disclosure.disclosure_for(person, actor=coordinator, now=NOW,
                                      municipality="藤沢市")
    ids = {name: {row.get("id") for row in table.rows} for name, table in found.tables.items()}
    assert ids["people"] == {person.id, resident["duplicate"].id}
    assert ids["bookings"] == {resident["booking"].id}
    assert ids["consult_tickets"] == {resident["ticket"].id}
    assert len(ids["consult_visits"]) == 1 and len(found.rows("consult_visit_topics")) == 1
    assert len(ids["proxy_contacts"]) == 1 and len(ids["distinct_people"]) == 1
    assert resident["message"].id in ids["outbox_messages"]
    assert len(ids["sms_replies"]) == 1
    assert ids["phone_calls"] == {resident["call"].id}
    # reminders to the person, copies to the proxy, the "your turn" SMS of the ticket
    messages = found.rows("outbox_messages")
    assert {message["recipient_kind"] for message in messages} == {"person", "proxy",
                                                                    "visitor"}
    objects = {(entry["object_type"], entry["object_id"])
               for entry in found.rows("audit_entries")}
    assert {("people", person.id), ("people", resident["duplicate"].id),
            ("bookings", resident["booking"].id), ("consult_tickets", resident["ticket"].id),
            ("proxy_contacts", next(iter(ids["proxy_contacts"])))} <= objects
    # nothing of the other resident, and no booking's link token
    text = json.dumps(disclosure.as_json(found), ensure_ascii=False)
    assert not [value for value in OTHERS if value in text]
    assert resident["booking"].token not in text
    assert found.tables["bookings"].withheld == ["token", "request_key"]


def test_a_removed_proxy_stays_in_the_audit_entries(resident, coordinator):
    person = resident["person"]
    proxy = person.proxies[0]
    proxy_id = proxy.id
    services.remove_proxy(proxy, actor=coordinator, now=NOW)
    db.session.commit()
    found = disclosure.disclosure_for(person, actor=coordinator, now=NOW,
                                      municipality="藤沢市")
    assert found.rows("proxy_contacts") == []
    actions = [entry["action"] for entry in found.rows("audit_entries")
               if entry["object_type"] == "proxy_contacts" and entry["object_id"] == proxy_id]
    assert actions == ["proxy.create", "proxy.delete"]


def test_consent_history(resident, coordinator):
    person = resident["person"]
    services.update_person(person, {"consent": False}, consent_method=None,
                           actor=coordinator, now=NOW + timedelta(days=1))
    found = disclosure.disclosure_for(person, actor=coordinator, now=NOW,
                                      municipality="藤沢市")
    own = [(change.given, change.method) for change in disclosure.consent_history(found)
           if change.proxy_id is None]
    # given on both records (the kept one and the merged duplicate), then withdrawn
    assert own == [(True, "phone_staff"), (True, "phone_staff"), (False, None)]
    assert [change.given for change in disclosure.consent_history(found)
            if change.proxy_id is not None] == [True]


def test_page_shows_each_part_and_is_audited(resident, coordinator, client, login):
    login(client, coordinator)
    person = resident["person"]
    response = client.get(f"/staff/people/{person.id}/disclosure")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for text in ("佐藤 恵子", "090-1234-5678", "keiko@example.jp", "佐藤 一郎",
                 resident["booking"].display_code, "LINEの設定をもう一度見る", "はい",
                 "調整 花子", "consult_visit_topics", "sms_replies"):
        assert text in html, text
    assert not [value for value in OTHERS if value in html]
    entry = db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "person.disclose").order_by(AuditEntry.id.desc())).first()
    assert (entry.object_type, entry.object_id) == ("people", person.id)
    assert entry.after == {"format": "html"} and entry.before is None
    assert entry.actor_id == coordinator.id


def test_detail_page_links_to_the_disclosure(resident, coordinator, client, login):
    login(client, coordinator)
    person = resident["person"]
    html = client.get(f"/staff/people/{person.id}").get_data(as_text=True)
    assert f"/staff/people/{person.id}/disclosure" in html


def test_json_download(resident, coordinator, client, login):
    login(client, coordinator)
    person = resident["person"]
    response = client.get(f"/staff/people/{person.id}/disclosure.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    day = local_today().strftime("%Y%m%d")
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="disclosure-{person.id}-{day}.json"')
    assert response.headers["Cache-Control"] == "no-store"
    data = json.loads(response.get_data(as_text=True))
    assert data["format"] == "desk-disclosure" and data["version"] == 1
    assert data["person_id"] == person.id and data["produced_by"] == "調整 花子"
    assert set(data["tables"]) == set(disclosure.table_labels())
    people = data["tables"]["people"]["rows"]
    assert {row["phone"] for row in people} == {"+819012345678"}
    assert people[0]["created_dt"].endswith("+09:00")
    assert db.session.scalar(select(AuditEntry.after).where(
        AuditEntry.action == "person.disclose")) == {"format": "json"}


def test_csv_download_has_one_file_per_table(resident, coordinator, client, login):
    login(client, coordinator)
    person = resident["person"]
    response = client.get(f"/staff/people/{person.id}/disclosure.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert response.headers["Content-Disposition"].startswith(
        f'attachment; filename="disclosure-{person.id}-')
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    assert set(archive.namelist()) == ({"about.csv"} | {f"{name}.csv" for name in
                                                        disclosure.table_labels()})
    bookings = archive.read("bookings.csv").decode("utf-8-sig").splitlines()
    assert bookings[0].split(",")[:3] == ["id", "session_id", "person_id"]
    assert len(bookings) == 2
    assert "鈴木" not in archive.read("people.csv").decode("utf-8-sig")


def test_anonymised_and_merged_records_still_disclose(resident, coordinator, client, login):
    login(client, coordinator)
    person = resident["person"]
    erasure.anonymise(person, actor=coordinator, now=NOW + timedelta(days=30))
    db.session.commit()
    for path in ("", ".json", ".zip"):
        assert client.get(f"/staff/people/{person.id}/disclosure{path}").status_code == 200
    html = client.get(f"/staff/people/{person.id}/disclosure").get_data(as_text=True)
    assert "保存期間が過ぎたため削除しました" in html  # the messages' blanked addresses
    data = json.loads(client.get(f"/staff/people/{person.id}/disclosure.json").data)
    kept = next(row for row in data["tables"]["people"]["rows"] if row["id"] == person.id)
    assert kept["phone"] is None and kept["email"] is None
    assert "keiko@example.jp" not in json.dumps(data, ensure_ascii=False)
    merged = resident["duplicate"]
    assert client.get(f"/staff/people/{merged.id}/disclosure").status_code == 200
    data = json.loads(client.get(f"/staff/people/{merged.id}/disclosure.json").data)
    assert [row["merged_into_id"] for row in data["tables"]["people"]["rows"]] == [person.id]


def test_unknown_person_is_404(coordinator, client, login):
    login(client, coordinator)
    for path in ("", ".json", ".zip"):
        assert client.get(f"/staff/people/999999/disclosure{path}").status_code == 404
