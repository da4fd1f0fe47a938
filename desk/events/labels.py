"""Human labels for the schedule's enumerations, translated lazily."""

from flask_babel import gettext, ngettext
from flask_babel import lazy_gettext as _l

from desk.core.forms import labelled_choices
from desk.core.i18n import format_date_long, format_time_range, in_reader_language
from desk.events import holds
from desk.events.models import (
    Attendance,
    BookingChannel,
    BookingStatus,
    CancelReason,
    Confirmation,
    DeclineReason,
    Device,
    GroupKind,
    Level,
    OutreachStatus,
    ReplyChannel,
    SessionKind,
    SessionStatus,
    Topic,
    WillUse,
)

KIND_LABELS = {
    SessionKind.CLASS: _l("Smartphone class"),
    SessionKind.OUTREACH_CLASS: _l("Outreach class"),
    SessionKind.AWARENESS_EVENT: _l("Awareness event"),
    SessionKind.CONSULTATION: _l("Smartphone consultation desk"),
}

STATUS_LABELS = {
    SessionStatus.SCHEDULED: _l("Scheduled"),
    SessionStatus.CANCELLED: _l("Cancelled"),
    SessionStatus.COMPLETED: _l("Completed"),
}

WILL_USE_LABELS = {
    WillUse.YES: _l("Yes"),
    WillUse.MAYBE: _l("Maybe"),
    WillUse.NO: _l("No"),
}

TOPIC_LABELS = {
    Topic.BASICS: _l("Basics (power, buttons, settings)"),
    Topic.CALLS_CAMERA: _l("Calls and camera"),
    Topic.INTERNET: _l("Internet search"),
    Topic.MAPS: _l("Map apps"),
    Topic.LINE: _l("LINE"),
    Topic.MY_NUMBER: _l("My Number card"),
    Topic.MYNAPORTAL: _l("Mynaportal"),
    Topic.CASHLESS: _l("Cashless payment"),
    Topic.SCAM_PROTECTION: _l("Scam and fraud protection"),
    Topic.APPS: _l("Useful apps"),
    Topic.OTHER: _l("Other"),
}

LEVEL_LABELS = {
    Level.BEGINNER: _l("Beginner"),
    Level.INTERMEDIATE: _l("Intermediate"),
    Level.ADVANCED: _l("Advanced"),
}

OUTREACH_STATUS_LABELS = {
    OutreachStatus.RECEIVED: _l("Received, not yet arranged"),
    OutreachStatus.ARRANGING: _l("Being arranged"),
    OutreachStatus.SCHEDULED: _l("Outreach class arranged"),
    OutreachStatus.DECLINED: _l("Declined"),
}

GROUP_KIND_LABELS = {
    GroupKind.NEIGHBOURHOOD: _l("Neighbourhood association"),
    GroupKind.SENIOR_CLUB: _l("Senior club"),
    GroupKind.CARE_FACILITY: _l("Care facility"),
    GroupKind.APARTMENT: _l("Apartment residents' association"),
    GroupKind.OTHER: _l("Other group"),
}

DECLINE_REASON_LABELS = {
    DeclineReason.DATES_UNAVAILABLE: _l("No instructors on the preferred dates"),
    DeclineReason.OUTSIDE_CITY: _l("The place is outside the city"),
    DeclineReason.TOO_FEW: _l("Too few participants"),
    DeclineReason.OTHER: _l("Other (explained by phone)"),
}

REPLY_CHANNEL_LABELS = {
    ReplyChannel.SMS: _l("Text message (SMS) to a mobile"),
    ReplyChannel.VOICE: _l("A phone call"),
    ReplyChannel.EMAIL: _l("E-mail"),
}

DEVICE_LABELS = {
    Device.ANY: _l("Any smartphone"),
    Device.IPHONE: _l("iPhone"),
    Device.ANDROID: _l("Android"),
}


BOOKING_STATUS_LABELS = {
    BookingStatus.BOOKED: _l("Booked"),
    BookingStatus.WAITLISTED: _l("On the waiting list"),
    BookingStatus.CANCELLED: _l("Cancelled"),
}

CHANNEL_LABELS = {
    BookingChannel.PHONE_DESK: _l("By phone to staff"),
    BookingChannel.WEB: _l("Web"),
    BookingChannel.KIOSK: _l("Kiosk"),
    BookingChannel.PHONE_LINE: _l("Automated phone line"),
    BookingChannel.API: _l("API"),
    BookingChannel.WALK_IN: _l("Walk-in"),
    BookingChannel.CONSULT_DESK: _l("At a consultation desk"),
}

ATTENDANCE_LABELS = {
    Attendance.ATTENDED: _l("Attended"),
    Attendance.NO_SHOW: _l("No-show"),
}

CONFIRMATION_LABELS = {
    Confirmation.UNCONFIRMED: _l("Not confirmed yet"),
    Confirmation.CONFIRMED: _l("Will come"),
    Confirmation.DECLINED: _l("Cannot come"),
}

WALKED_IN_LABEL = _l("Walk-in: came without a booking")
CAME_LABEL = _l("Came")


def will_they_come(booking):
    """The answer under "Will they come?": a walk-in and a booking marked attended have
    come, whatever was (or was not) answered before; else the answer recorded."""
    if booking.is_walk_in:
        return WALKED_IN_LABEL
    if booking.attendance == Attendance.ATTENDED:
        return CAME_LABEL
    return CONFIRMATION_LABELS[booking.confirmation]


CANCEL_REASON_LABELS = {
    CancelReason.PERSON: _l("Cancelled by the person"),
    CancelReason.STAFF: _l("Cancelled by staff"),
    CancelReason.SESSION_CANCELLED: _l("The session was cancelled"),
    CancelReason.MERGED: _l("A duplicate booking, dropped when two records were merged"),
}


def kind_label(kind):
    return KIND_LABELS[SessionKind(kind)]


def choices(labels):
    return labelled_choices((member.value, label) for member, label in labels.items())


def session_title(item):
    """The title in the reader's language: the session's (or series') own title, else
    its program's, else the kind's name; the English one for English readers where one
    was given, else the Japanese one."""
    program = item.program
    return title_text(item.kind, item.title, item.title_en,
                      program.title if program is not None else None,
                      program.title_en if program is not None else None)


def title_text(kind, title, title_en, program_title, program_title_en):
    """session_title from plain columns (a report's rows); `program_title` None: no
    program."""
    if title:
        return in_reader_language(title, title_en)
    if program_title is not None:
        return in_reader_language(program_title, program_title_en)
    return str(kind_label(kind))

LEFT_ALONE_MESSAGES = {
    "past": _l("Left alone: %(title)s on %(date)s, which already took place."),
    "one_off": _l("Left alone: %(title)s on %(date)s, which was changed on its own."),
    "cancelled": _l("Left alone: %(title)s on %(date)s, which is cancelled."),
    "completed": _l("Left alone: %(title)s on %(date)s, which was held."),
    "has_bookings": _l("Left alone: %(title)s on %(date)s, which has bookings; change it "
                       "on its own so that the people booked are told."),
}


def left_alone_message(reason):
    """Why a series edit left a session alone: events' own reasons, or the message a
    package above registered with its hold (desk.events.holds)."""
    return LEFT_ALONE_MESSAGES.get(reason) or holds.message(reason)


def move_choice(session, counts, *, with_title):
    """One session offered for a move: when and where, and whether a seat is free
    (the free seats, or full with how many waiting)."""
    when = gettext("%(date)s %(time)s, %(venue)s", date=format_date_long(session.start_dt),
                   time=format_time_range(session.start_dt, session.end_dt),
                   venue=session.venue.display_name)
    if with_title:
        when = gettext("%(title)s: %(when)s", title=session.display_title, when=when)
    if counts.free > 0:
        seats = ngettext("%(num)d seat free", "%(num)d seats free", counts.free)
    else:
        seats = gettext("full (waiting list: %(count)d)", count=counts.waiting)
    return gettext("%(when)s — %(seats)s", when=when, seats=seats)
