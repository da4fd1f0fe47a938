"""Factories for consultation desk tests: a consultation session (today by default),
tickets and reserved visitors (volunteers and shifts come from tests/fixtures).

The desk's views use the real clock, so `create_consult_session()` runs from five hours
before the real now to five hours after (a session is at most 12 hours long): it is open
whatever the hour the tests run at.
"""

from datetime import time, timedelta

import pytest

from desk.consults import services as consult_services
from desk.core.timeutil import local_today, utcnow
from desk.extensions import db
from tests.fixtures.factories import NOW

RUNNING = timedelta(hours=5)  # either side of now: a session open whatever the hour


@pytest.fixture
def create_consult_session(create_session):
    """create_consult_session(day=None, start=None, end=None, **data): a consultation
    session at a new venue, running now (from 5 hours ago to 5 hours ahead) unless a
    `day` (with `start` and `end` local times: 10:00-15:00 by default) is given.
    `slot_minutes` with `capacity` makes it take reserved slots."""
    def factory(*, day=None, start=None, end=None, **data):
        if day is None and start is None and end is None:
            now = utcnow().replace(second=0, microsecond=0)
            data.setdefault("start_dt", now - RUNNING)
            data.setdefault("end_dt", now + RUNNING)
            return create_session(kind="consultation", **data)
        return create_session(kind="consultation", day=day or local_today(utcnow()),
                              start=start or time(10), end=end or time(15), **data)

    return factory


@pytest.fixture
def create_ticket():
    """create_ticket(session, now=None, **data): a walk-in ticket issued through the
    service (data: visitor_name, phone, wants_sms), committed."""
    def factory(session, *, now=None, **data):
        ticket = consult_services.issue_ticket(session, data, actor="test",
                                               now=now or utcnow())
        db.session.commit()
        return ticket

    return factory


@pytest.fixture
def create_reservation(create_person):
    """create_reservation(session, person=None): a booking of the session's next free
    reserved slot, made through the booking service (before the session)."""
    from desk.events.services import book_seat

    def factory(session, person=None, *, now=NOW):
        booking = book_seat(session, person or create_person(), channel="phone_desk",
                            actor="test", now=now).booking
        db.session.commit()
        return booking

    return factory
