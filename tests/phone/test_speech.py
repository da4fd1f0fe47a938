"""How the phone line says dates, times, hours and booking codes."""

from datetime import date, time

import pytest
from flask_babel import force_locale

from desk.core.timeutil import local_datetime
from desk.phone import speech


@pytest.mark.parametrize(("at", "ja", "en"), [
    (time(10), "12月15日 火曜日 午前10時", "Tuesday, December 15, at 10 AM"),
    (time(14, 30), "12月15日 火曜日 午後2時30分", "Tuesday, December 15, at 2:30 PM"),
    (time(12), "12月15日 火曜日 正午", "Tuesday, December 15, at 12 PM"),
    (time(9, 5), "12月15日 火曜日 午前9時5分", "Tuesday, December 15, at 9:05 AM"),
])
def test_when_a_class_starts(ctx, at, ja, en):
    instant = local_datetime(date(2026, 12, 15), at)
    with force_locale("ja"):
        assert speech.spoken_when(instant) == ja
    with force_locale("en"):
        assert speech.spoken_when(instant) == en


def test_a_booking_code_in_two_groups_of_four(ctx):
    with force_locale("ja"):
        assert speech.spoken_code("12345678") == "1、2、3、4。 5、6、7、8"
    with force_locale("en"):
        assert speech.spoken_code("12345678") == "1, 2, 3, 4. 5, 6, 7, 8"


def test_the_staff_desk_hours(ctx):
    year_end = (((12, 29), (1, 3)),)
    with force_locale("ja"):
        assert speech.spoken_hours(time(9), time(17, 15), year_end) == (
            "祝日と 12月29日から 1月3日を のぞく、月曜日から 金曜日の 午前9時から 午後5時15分まで")
        assert speech.spoken_hours(time(9), time(17)) == (
            "祝日を のぞく、月曜日から 金曜日の 午前9時から 午後5時まで")
    with force_locale("en"):
        assert speech.spoken_hours(time(9), time(17), year_end + (((8, 14), (8, 14)),)) == (
            "Monday to Friday except public holidays and December 29 through January 3, "
            "August 14, from 9 AM to 5 PM")


def test_keys(ctx):
    with force_locale("ja"):
        assert [speech.spoken_key(key) for key in "7#*"] == ["7番", "シャープ", "米じるし"]
