"""What other packages hang onto a person (desk.people.registry): every column that
holds a person's or a proxy contact's id is registered, and a merge leaves no row of a
moving reference on the dropped record (each package's receiver moves its own)."""

from datetime import timedelta

from sqlalchemy import func, select

from desk.consults import services as consult_services
from desk.events import services as events
from desk.events.news import subscribe_news
from desk.extensions import db
from desk.people import registry, services
from desk.phone.models import NameRecording, PhoneCall
from tests.fixtures.factories import NOW


def _columns_pointing_at(table_name):
    return {(fk.parent.table.name, fk.parent.name)
            for table in db.metadata.tables.values()
            for fk in table.foreign_keys if fk.column.table.name == table_name}


def test_every_foreign_key_to_people_and_proxies_is_registered(app):
    """A new table pointing at a person or a proxy contact must be registered (or a
    merge would leave its rows behind, and the privacy work would not find them)."""
    referencing = _columns_pointing_at("people") | _columns_pointing_at("proxy_contacts")
    registered = [(reference.table, reference.column)
                  for reference in registry.PERSON_REFERENCES]
    assert len(registered) == len(set(registered))  # each once
    assert set(registered) == referencing


def test_registered_columns_hold_ids_and_have_labels(app):
    for reference in registry.PERSON_REFERENCES:
        assert reference.attribute.expression.foreign_keys
        assert str(reference.label)
    moving = {reference.table for reference in registry.moving_references()}
    assert moving == {"bookings", "consult_tickets", "news_subscriptions", "outbox_messages",
                      "phone_calls", "phone_name_recordings", "proxy_contacts"}


def test_a_merge_leaves_no_moving_reference_on_the_dropped_record(ctx, create_person,
                                                                   create_session):
    keep = create_person(name_kana="さとう けいこ")
    drop = create_person(name_kana="さとう けいこ", phone="080-2345-6789")
    events.book_seat(create_session(), drop, channel="phone_desk", actor="test", now=NOW)
    services.add_proxy(drop, {"name": "佐藤 一郎", "relation": "family",
                              "phone": "090-9876-5432", "wants_copies": True},
                       consent_method="phone_staff", actor="test", now=NOW)
    desk_session = create_session(kind="consultation", start_dt=NOW,
                                  end_dt=NOW + timedelta(hours=4))
    consult_services.issue_ticket(desk_session, {"phone": "080-2345-6789"}, actor="test",
                                  now=NOW)
    call = PhoneCall(call_sid="CA-merge", caller="+818023456789", person_id=drop.id,
                     step="menu", started_dt=NOW, updated_dt=NOW)
    db.session.add(call)
    db.session.flush()
    db.session.add(NameRecording(call_id=call.id, person_id=drop.id, hint="佐藤 恵子",
                                 created_dt=NOW))
    subscribe_news(drop, {"topics": ["line"], "channel": "sms", "consent": True},
                   method="phone_staff", actor="test", now=NOW)
    db.session.commit()

    def pointing_at(person):
        return {reference.table: db.session.scalar(
            select(func.count()).select_from(reference.model)
            .where(reference.attribute == person.id))
            for reference in registry.moving_references()}

    assert all(pointing_at(drop).values())  # a row in every moving table

    result = services.merge_people(keep, drop, actor="test", now=NOW + timedelta(hours=1))
    db.session.commit()

    assert set(pointing_at(drop).values()) == {0}
    assert {table: len(ids) for table, ids in result.moved.items()} == pointing_at(keep)
