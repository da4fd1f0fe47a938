"""How the phone line says the staff desk's hours and keys."""

from datetime import time

from flask_babel import force_locale

from desk.phone import speech


def test_the_staff_desk_hours(ctx):
    with force_locale("ja"):
        assert speech.spoken_hours(time(9), time(17, 15)) == (
            "月曜日から 金曜日の 午前9時から 午後5時15分まで")
    with force_locale("en"):
        assert speech.spoken_hours(time(9), time(17)) == "Monday to Friday, from 9 AM to 5 PM"


def test_keys(ctx):
    with force_locale("ja"):
        assert [speech.spoken_key(key) for key in "7#*"] == ["7番", "シャープ", "米じるし"]
