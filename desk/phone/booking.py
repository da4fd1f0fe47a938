"""Booking a class by phone: how to find it (the soonest with seats, near the caller,
by area), which class, how many people, the read-back and the key that books it
through the one booking service (channel phone_line), then the booking code.

Nothing is booked before the caller presses the confirming key: a call that ends
earlier leaves no booking. A class that closed or filled up between hearing it and
confirming it is said so, and its waiting list offered."""

from flask_babel import gettext as _
from flask_babel import ngettext

from desk.core.districts import District
from desk.events import services as events
from desk.events.bookings import lock_session, waitlist_position
from desk.events.models import Booking, BookingStatus, EventSession
from desk.extensions import db
from desk.notify.spoken import spoken_code, spoken_when
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
from desk.phone.menu import MORE_KEY, changed, more_line
from desk.phone.models import CallOutcome
from desk.phone.spoken_answers import YES_NO, Words

ACTOR = "phone_line"  # the audit log's actor: the phone line acts for the resident
CHANNEL = "phone_line"


def describe(session):
    return _("%(when)s, %(title)s, at %(venue)s.", when=spoken_when(session.start_dt),
             title=speech.class_title(session), venue=speech.venue_name(session.venue))


def _back_from_classes(call):
    return "book_area" if choice(call, "how") == "area" else "book_how"


@step("book_how")
class HowToFind:
    @staticmethod
    def ask(call, now):
        return [_("To hear the soonest classes with seats, press 1."),
                _("To hear the classes near you, press 2."),
                _("To choose an area, press 3.")]

    @staticmethod
    def press(call, key, now):
        if key == "1":
            choose(call, how="soonest", district_id=None, class_page=0)
            return Goto("book_class")
        if key == "2":
            if call.person.district_id is None:
                return Goto("book_how", [_("We do not know your area. "
                                           "Please press 3 and choose an area.")])
            choose(call, how="near", district_id=call.person.district_id, class_page=0)
            return Goto("book_class")
        if key == "3":
            choose(call, how="area", area_page=0)
            return Goto("book_area")
        return None


@step("book_area", back="book_how")
class ChooseArea:
    @staticmethod
    def ask(call, now):
        districts = offers.districts_with_classes(now=now)
        if not districts:
            return Goto("menu", [_("There are no classes to book at the moment.")])
        shown, more = paged(call, districts, "area_page")
        remember_shown(call, shown, more)
        lines = [_("Please choose an area.")]
        lines += [_("%(area)s, press %(key)d.", area=speech.district_name(district),
                    key=number) for number, district in enumerate(shown, 1)]
        return lines + more_line(more) + [_("You can also say the name of the area.")]

    @staticmethod
    def words(call):
        """The names of the areas read out: as written and as read; in English."""
        words = {}
        for key, district_id in enumerate(choice(call, "shown", []), 1):
            district = db.session.get(District, district_id)
            if district is None:
                continue
            names = ([district.display_name] if call.language == "en"
                     else [district.name, district.name_kana])
            words.update({name: str(key) for name in names if name})
        return words

    @staticmethod
    def press(call, key, now):
        if key == MORE_KEY and shown_more(call):
            choose(call, area_page=choice(call, "area_page", 0) + 1)
            return Goto("book_area")
        district_id = shown_id(call, key)
        if district_id is None:
            return None
        if district_id not in {district.id for district in
                               offers.districts_with_classes(now=now)}:
            return changed("book_area")
        choose(call, district_id=district_id, class_page=0)
        return Goto("book_class")


def _offers(call, now):
    return offers.classes(now=now, district_id=choice(call, "district_id"))


@step("book_class", back=_back_from_classes)
class ChooseClass:
    @staticmethod
    def ask(call, now):
        found = _offers(call, now)
        if not found:
            return Goto(_back_from_classes(call),
                        [_("There are no classes to book there at the moment.")])
        shown, more = paged(call, found, "class_page")
        remember_shown(call, [found_offer.session for found_offer in shown], more)
        lines = []
        for number, offer in enumerate(shown, 1):
            lines.append(_("Number %(key)d: %(class)s", key=number,
                           **{"class": describe(offer.session)}))
            if offer.full:
                lines.append(_("This class is full. You can join its waiting list."))
        lines.append(_("Please press the number of the class."))
        return lines + more_line(more)

    @staticmethod
    def press(call, key, now):
        if key == MORE_KEY and shown_more(call):
            choose(call, class_page=choice(call, "class_page", 0) + 1)
            return Goto("book_class")
        session_id = shown_id(call, key)
        if session_id is None:
            return None
        if offers.offer_of(session_id, now=now) is None:
            return _closed()
        choose(call, session_id=session_id)
        return Goto("book_seats")


@step("book_seats", back="book_class")
class PartySize:
    @staticmethod
    def ask(call, now):
        return [_("How many people will come, you included?"),
                _("For one person, press 1. For two, press 2. For three, press 3."),
                _("You can also say the number of people.")]

    words = Words(
        ja={"1": "1", "1人": "1", "一人": "1", "ひとり": "1", "1名": "1", "自分だけ": "1",
            "2": "2", "2人": "2", "二人": "2", "ふたり": "2", "2名": "2",
            "3": "3", "3人": "3", "三人": "3", "さんにん": "3", "3名": "3"},
        en={"1": "1", "one": "1", "just me": "1", "only me": "1", "myself": "1",
            "2": "2", "two": "2", "3": "3", "three": "3"},
    )

    @staticmethod
    def press(call, key, now):
        if not key.isdigit() or not 1 <= int(key) <= Booking.MAX_SEATS:
            return None
        choose(call, seats=int(key))
        return Goto("book_confirm")


def people_count(seats):
    return ngettext("%(num)d person", "%(num)d people", seats)


def _closed():
    return Goto("book_class", [_("Sorry, this class can no longer be booked by phone.")])


@step("book_confirm", back="book_seats")
class Confirm:
    @staticmethod
    def ask(call, now):
        offer = offers.offer_of(choice(call, "session_id"), now=now)
        if offer is None:
            return _closed()
        seats = choice(call, "seats")
        waitlist = offer.free < seats
        choose(call, waitlist=waitlist)
        name = callers.given_name(call.person, call.language)
        lines = [_("%(name)s, %(people)s.", name=name, people=people_count(seats)) if name
                 else _("A booking for %(people)s.", people=people_count(seats)),
                 describe(offer.session)]
        if waitlist:
            lines.append(_("There are no seats left. We can put you on the waiting list."))
            lines.append(_("To join the waiting list, press 1. To stop, press 2."))
        else:
            lines.append(_("To book, press 1. To stop, press 2."))
        return lines + [_("You can also answer yes or no.")]

    words = YES_NO

    @staticmethod
    def press(call, key, now):
        if key == "2":
            return Goto("menu", [_("Nothing was booked.")])
        if key != "1":
            return None
        session = db.session.get(EventSession, choice(call, "session_id"))
        if session is None:
            return _closed()
        # under the session's lock: whether it can still be booked, and its seats now
        session = lock_session(session)
        offer = offers.offer_of(session.id, now=now)
        if offer is None:
            return _closed()
        if offer.free < choice(call, "seats") and not choice(call, "waitlist"):
            return Goto("book_confirm", [_("Sorry, the last seats were just taken.")])
        try:
            result = events.book_seat(session, call.person, seats=choice(call, "seats"),
                                      channel=CHANNEL, actor=ACTOR, now=now)
        except events.BookingClosedError:
            return _closed()
        except events.BookingError as error:
            return Goto("book_seats", [error.message])
        call.booking = result.booking
        call.outcome = CallOutcome.BOOKED
        choose(call, already=not result.created)
        return Goto("booked")


@step("booked")
class Booked:
    @staticmethod
    def ask(call, now):
        booking = call.booking
        if choice(call, "already"):
            lines = [_("You already have a booking for this class.")]
        elif booking.status == BookingStatus.WAITLISTED:
            lines = [_("You are on the waiting list, number %(position)d. "
                       "We will tell you when a seat becomes free.",
                       position=waitlist_position(booking))]
        else:
            lines = [_("Your booking is made.")]
        code = _("Your booking number is %(code)s.", code=spoken_code(booking.code))
        lines += [code, _("Once more."), code,
                  _("We will also send you the details."),
                  _("To go back to the menu, press 1. To finish, please hang up.")]
        return lines

    @staticmethod
    def press(call, key, now):
        return Goto("menu") if key == "1" else None
