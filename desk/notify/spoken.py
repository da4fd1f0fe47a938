"""Dates, times and digits as a voice says them (the phone line and the reminder calls
alike), in the current locale.

Japanese is written the way people say it, never as ISO dates or English words:
"12月15日 火曜日", "午前10時", "午後2時30分", "正午"; English: "Tuesday, December 15",
"10 AM". Digits are read one by one in their groups: a booking code in two groups of
four ("1、2、3、4。 5、6、7、8"), a phone number in the groups of its dashes.
"""

from babel.dates import format_date, format_time
from flask_babel import get_locale, get_timezone
from flask_babel import gettext as _

WEEKDAYS_JA = "月火水木金土日"
CODE_GROUP = 4


def locale_key():
    return "en" if str(get_locale()) == "en" else "ja"


def _english():
    return locale_key() == "en"


def spoken_clock(value):
    """A time of day (a datetime.time): 午前10時, 午後2時30分, 正午; 10 AM, 2:30 PM."""
    if _english():
        return format_time(value, "h a" if value.minute == 0 else "h:mm a", locale="en")
    if value.hour == 12 and value.minute == 0:
        return "正午"
    half = "午前" if value.hour < 12 else "午後"
    minutes = f"{value.minute}分" if value.minute else ""
    return f"{half}{value.hour % 12}時{minutes}"


def spoken_day(value):
    """A local date: 12月15日 火曜日; Tuesday, December 15."""
    if _english():
        return format_date(value, "EEEE, MMMM d", locale="en")
    return f"{value.month}月{value.day}日 {WEEKDAYS_JA[value.weekday()]}曜日"


def _local(instant):
    return instant.astimezone(get_timezone())


def spoken_date(instant):
    """The day of a UTC datetime in Japan time: 12月15日 火曜日."""
    return spoken_day(_local(instant).date())


def spoken_time(instant):
    """The time of a UTC datetime in Japan time: 午前10時."""
    return spoken_clock(_local(instant).time())


def spoken_when(instant):
    """A UTC datetime in Japan time: 12月15日 火曜日 午前10時."""
    return _("%(day)s, at %(time)s", day=spoken_date(instant), time=spoken_time(instant))


def _in_groups(groups):
    separator = ", " if _english() else "、"
    end = ". " if _english() else "。 "
    return end.join(separator.join(group) for group in groups if group)


def spoken_digits(value):
    """'0466-25-1234' -> '0、4、6、6。 2、5。 1、2、3、4': digit by digit, in the groups
    of its dashes."""
    return _in_groups(value.replace("‐", "-").split("-"))


def spoken_code(code):
    """A booking code, '12345678' or '1234-5678' -> '1、2、3、4。 5、6、7、8': two
    groups of four, digit by digit."""
    digits = "".join(char for char in code if char.isdigit())
    return _in_groups([digits[start:start + CODE_GROUP]
                       for start in range(0, len(digits), CODE_GROUP)])
