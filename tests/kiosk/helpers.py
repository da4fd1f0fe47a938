"""Helpers for the kiosk's tests."""


from sqlalchemy import func, select

from desk.events.models import Booking
from desk.extensions import db
from desk.people.models import Person, ProxyContact

PERSON = {"name": "佐藤 恵子", "name_kana": "さとう けいこ", "phone": "090-1234-5678"}


def booking_form(session, **changes):
    """What the kiosk's form posts after four steps."""
    data = {**PERSON, "session_id": str(session.id), "seats": "1", "consent": "yes",
            "district_id": "", "age_band": "", "submission": "kiosk-submission-0001"}
    data.update(changes)
    return data


def counts():
    db.session.expire_all()
    return {model.__tablename__: db.session.scalar(select(func.count()).select_from(model))
            for model in (Person, ProxyContact, Booking)}


