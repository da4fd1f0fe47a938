"""Factories for consultation desk tests: a consultation session (today by default),
tickets, reserved visitors, and copies of the volunteer and shift factories of
tests/volunteers/conftest.py, so that a test can put a volunteer on the session's desk.

The desk's views use the real clock, so `create_consult_session()` runs from five hours
before the real now to five hours after (a session is at most 12 hours long): it is open
whatever the hour the tests run at.
"""

from datetime import time, timedelta
from itertools import count

import pytest

from desk.consults import services as consult_services
from desk.core.timeutil import local_today, utcnow
from desk.extensions import db
from desk.volunteers import services as volunteer_services
from tests.fixtures.factories import NOW

_numbers = count(1)
RUNNING = timedelta(hours=5)  # either side of now: a session open whatever the hour

VOLUNTEERS = [
    ("山本 和夫", "やまもと かずお"),
    ("中村 陽子", "なかむら ようこ"),
    ("小林 健一", "こばやし けんいち"),
    ("加藤 美穂", "かとう みほ"),
    ("吉田 翔太", "よしだ しょうた"),
]


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


@pytest.fixture
def create_volunteer():
    """An active volunteer with a fresh mobile number and e-mail, SMS messages, no usual
    times (available whenever asked) unless given."""
    def factory(**data):
        number = next(_numbers)
        name, kana = VOLUNTEERS[number % len(VOLUNTEERS)]
        values = {"name": name, "name_kana": kana, "affiliation": "ict_volunteer",
                  "phone": f"080-{6000 + number // 10000 % 3000:04d}-{number % 10000:04d}",
                  "email": f"consult.volunteer{number}@example.jp", "message_channel": "sms",
                  "skills": ["iphone", "android"]}
        values.update(data)
        volunteer = volunteer_services.create_volunteer(values, actor="test", now=NOW)
        db.session.commit()
        return volunteer

    return factory


@pytest.fixture
def create_shift():
    def factory(session, **data):
        values = {"role": "assistant", "places": 1}
        values.update(data)
        shift = volunteer_services.create_shift(session, values, actor="test", now=NOW)
        db.session.commit()
        return shift

    return factory
