"""How a voice says dates, times, phone numbers and booking codes: one way for the phone
line and the reminder calls alike."""

from datetime import date, time

import pytest
from flask_babel import force_locale

from desk.core.timeutil import local_datetime
from desk.notify import spoken


@pytest.mark.parametrize(("at", "ja", "en"), [
    (time(10), "12月15日 火曜日 午前10時", "Tuesday, December 15, at 10 AM"),
    (time(14, 30), "12月15日 火曜日 午後2時30分", "Tuesday, December 15, at 2:30 PM"),
    (time(12), "12月15日 火曜日 正午", "Tuesday, December 15, at 12 PM"),
    (time(9, 5), "12月15日 火曜日 午前9時5分", "Tuesday, December 15, at 9:05 AM"),
])
def test_when_a_class_starts(ctx, at, ja, en):
    instant = local_datetime(date(2026, 12, 15), at)
    with force_locale("ja"):
        assert spoken.spoken_when(instant) == ja
    with force_locale("en"):
        assert spoken.spoken_when(instant) == en


def test_a_booking_code_in_two_groups_of_four_as_stored_or_shown(ctx):
    with force_locale("ja"):
        assert spoken.spoken_code("12345678") == "1、2、3、4。 5、6、7、8"
        assert spoken.spoken_code("1234-5678") == "1、2、3、4。 5、6、7、8"
    with force_locale("en"):
        assert spoken.spoken_code("12345678") == "1, 2, 3, 4. 5, 6, 7, 8"


def test_a_phone_number_in_its_groups(ctx):
    with force_locale("ja"):
        assert spoken.spoken_digits("0466-25-1234") == "0、4、6、6。 2、5。 1、2、3、4"
    with force_locale("en"):
        assert spoken.spoken_digits("0466-25-1234") == "0, 4, 6, 6. 2, 5. 1, 2, 3, 4"
