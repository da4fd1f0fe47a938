"""How the phone line says the staff desk's hours and keys."""

from datetime import time

from flask_babel import force_locale

from desk.phone import speech


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
