"""The first steps of a call: choosing the resident when several share the number, the
main menu, the consultation desks' dates and the staff desk."""

from flask import current_app
from flask_babel import gettext as _

from desk.core import office_days
from desk.core.timeutil import to_local
from desk.notify.spoken import spoken_clock, spoken_digits, spoken_when
from desk.phone import callers, offers, speech
from desk.phone.flow import (
    Goto,
    choice,
    choose,
    paged,
    remember_shown,
    shown_id,
    shown_more,
    step,
)
from desk.phone.models import CallOutcome
from desk.phone.spoken_answers import Words
from desk.phone.twiml import Prompt

MORE_KEY = "0"


def listened(call):
    if call.outcome == CallOutcome.IN_PROGRESS:
        call.outcome = CallOutcome.LISTENED


def more_line(more):
    return [_("For other choices, press 0.")] if more else []


def changed(step):
    """A key whose choice is no longer there (the list changed since it was read)."""
    return Goto(step, [_("Sorry, that choice has changed. Please listen again.")])


def _people_words(call):
    """The names of the people read out: the given name as read (kana) and as written
    ("鈴木茂" said holds "茂"), each word of the name in English. No full name: the
    words go to Twilio as hints."""
    on_number = {person.id: person for person in callers.people_on(callers.number_of(call))}
    words = {}
    for key, person_id in enumerate(choice(call, "shown", []), 1):
        person = on_number.get(person_id)
        if person is None or person.name_to_confirm:
            continue
        if call.language == "en":
            names = person.name.split()
        else:
            names = [callers.given_name(person, "ja"), person.name.split()[-1]]
        words.update({name: str(key) for name in names if name})
    return words


@step("person", back=None)
class ChoosePerson:
    """Several residents on one number (a couple on one landline): which one calls."""

    @staticmethod
    def ask(call, now):
        people = callers.people_on(callers.number_of(call))
        if len(people) <= 1:
            return Goto("menu")
        shown, more = paged(call, people, "person_page")
        remember_shown(call, shown, more)
        lines = [_("Who is calling? Please choose your name.")]
        lines += [_("%(name)s, press %(key)d.", name=name, key=number) if name
                  else _("If we are still checking your name, press %(key)d.", key=number)
                  for number, name in enumerate((callers.given_name(person, call.language)
                                                 for person in shown), 1)]
        return lines + more_line(more) + [_("You can also say your name.")]

    words = staticmethod(_people_words)

    @staticmethod
    def press(call, key, now):
        if key == MORE_KEY and shown_more(call):
            choose(call, person_page=choice(call, "person_page", 0) + 1)
            return Goto("person")
        person_id = shown_id(call, key)
        if person_id is None:
            return None
        chosen = next((person for person in callers.people_on(callers.number_of(call))
                       if person.id == person_id), None)  # still on the number
        if chosen is None:
            return changed("person")
        call.person_id = chosen.id
        name = callers.given_name(chosen, call.language)
        return Goto("menu", [_("Hello, %(name)s.", name=name)] if name else [])


def _back_from_menu(call):
    return "person" if len(callers.people_on(callers.number_of(call))) > 1 else None


@step("menu", back=_back_from_menu, languages=True)
class MainMenu:
    @staticmethod
    def ask(call, now):
        return [_("To book a class, press 1."),
                _("To hear or cancel your bookings, press 2."),
                _("To hear the dates of the smartphone consultation desks, press 3."),
                _("To talk to the staff, press 4."),
                _("You can also say what you want, for example: booking.")]

    words = Words(
        ja={"予約": "1", "よやく": "1", "申し込み": "1", "もうしこみ": "1",
            "取り消し": "2", "取消": "2", "とりけし": "2", "キャンセル": "2",
            "予約を聞": "2", "予約の確認": "2", "予約を確認": "2",
            "相談": "3", "そうだん": "3", "窓口": "3", "まどぐち": "3",
            "職員": "4", "しょくいん": "4", "スタッフ": "4", "係の人": "4",
            "かかりのひと": "4", "人と話": "4", "オペレーター": "4",
            "英語": "8", "えいご": "8", "イングリッシュ": "8"},
        en={"book": "1", "book a class": "1", "make a booking": "1", "reserve": "1",
            "cancel": "2", "my booking": "2", "my bookings": "2",
            "consultation": "3", "consultation desk": "3", "desks": "3",
            "staff": "4", "someone": "4", "a person": "4", "operator": "4",
            "japanese": "8", "nihongo": "8"},
    )

    @staticmethod
    def press(call, key, now):
        if key in ("1", "2") and call.person_id is None:
            if callers.number_of(call) is None:
                choose(call, after_number=key)
                return Goto("key_number")
            return unknown_number(call, key)
        return choose_action(call, key, now)


def unknown_number(call, key):
    """Booking (1) from a number desk does not know: the caller says their name first
    (desk.phone.new_callers); their bookings (2): heard by a booking number."""
    if key == "1":
        return Goto("new_name")
    return Goto("code", [_("There are no bookings for this telephone number.")])


def choose_action(call, key, now):
    """The main menu's choice `key` for a caller whose number is known."""
    if key == "1":
        choose(call, how=None, district_id=None, area_page=0, class_page=0)
        return Goto("book_how")
    if key == "2":
        people = callers.people_on(callers.number_of(call))
        choose(call, bookings=[booking.id for booking in offers.bookings_on(people, now=now)],
               index=0)
        return Goto("mine")
    if key == "3":
        return Goto("desks")
    if key == "4":
        return staff(call, now)
    return None


@step("desks")
class ConsultationDesks:
    @staticmethod
    def ask(call, now):
        district_id = call.person.district_id if call.person is not None else None
        desks = offers.next_desks(now=now, district_id=district_id)
        listened(call)
        if not desks:
            return Goto("menu", [_("No smartphone consultation desks are planned at the "
                                   "moment.")])
        lines = [_("The next smartphone consultation desks. You do not need to book.")]
        lines += [_("%(when)s to %(end)s, at %(venue)s.", when=spoken_when(desk.start_dt),
                    end=spoken_clock(to_local(desk.end_dt).time()),
                    venue=speech.venue_name(desk.venue)) for desk in desks]
        return lines

    @staticmethod
    def press(call, key, now):
        return None


def staff_hours_text():
    start, end = current_app.config["DESK_PHONE_STAFF_HOURS"]
    return speech.spoken_hours(start, end, current_app.config["DESK_PHONE_STAFF_CLOSED_DAYS"])


def staff_in_hours(now):
    """Whether the staff desk answers at `now`: an open day of the city offices (not a
    weekend, a public holiday or a closed day of the year) within its hours."""
    start, end = current_app.config["DESK_PHONE_STAFF_HOURS"]
    local = to_local(now)
    return (office_days.is_open_day(local.date(),
                                    current_app.config["DESK_PHONE_STAFF_CLOSED_DAYS"])
            and start <= local.time() < end)


def staff(call, now):
    """Put the caller through to the staff desk within its hours; outside them, say the
    hours and offer the menu again."""
    number = current_app.config["DESK_PHONE_STAFF_NUMBER"]
    if not number:
        return Goto("menu", [_("Please call the desk at %(phone)s, %(hours)s.",
                               phone=spoken_digits(current_app.config["DESK_DESK_PHONE"]),
                               hours=staff_hours_text())])
    if not staff_in_hours(now):
        return Goto("menu", [_("The staff answer the phone %(hours)s. "
                               "Please call again then.", hours=staff_hours_text())])
    call.outcome = CallOutcome.TRANSFERRED
    return Prompt(before=[_("We will put you through to the staff. Please wait a moment.")],
                  dial=number, end=[_("Thank you for calling. Goodbye.")])
