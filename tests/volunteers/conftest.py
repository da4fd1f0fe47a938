"""Factories for volunteers and shifts (through the services, like tests/fixtures)."""

from itertools import count

import pytest

from desk.extensions import db
from desk.volunteers import services
from tests.fixtures.factories import NOW

_numbers = count(1)

VOLUNTEERS = [
    ("山本 和夫", "やまもと かずお"),
    ("中村 陽子", "なかむら ようこ"),
    ("小林 健一", "こばやし けんいち"),
    ("加藤 美穂", "かとう みほ"),
    ("吉田 翔太", "よしだ しょうた"),
]


@pytest.fixture
def create_volunteer():
    """An active volunteer with a fresh mobile number and e-mail, SMS messages, no usual
    times (available whenever asked) unless given."""
    def factory(**data):
        number = next(_numbers)
        name, kana = VOLUNTEERS[number % len(VOLUNTEERS)]
        values = {"name": name, "name_kana": kana, "affiliation": "ict_volunteer",
                  "phone": f"080-{5000 + number // 10000 % 4000:04d}-{number % 10000:04d}",
                  "email": f"volunteer{number}@example.jp", "message_channel": "sms",
                  "skills": ["iphone", "android"]}
        values.update(data)
        volunteer = services.create_volunteer(values, actor="test", now=NOW)
        db.session.commit()
        return volunteer

    return factory


@pytest.fixture
def create_shift():
    def factory(session, **data):
        values = {"role": "assistant", "places": 1}
        values.update(data)
        shift = services.create_shift(session, values, actor="test", now=NOW)
        db.session.commit()
        return shift

    return factory
