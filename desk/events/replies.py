"""What an SMS reply or a key pressed in a call does to a booking (desk.events.outbox
registers these with notify; notify routes Twilio's webhooks to them).

SMS replies (notify keeps 停止 / STOP and 再開 / START, and the help for anything it
cannot route); the answer names the class:
- 1 / はい: attendance confirmed (desk.events.bookings.set_confirmation).
- 2 / キャンセル: desk asks back ("send 2 again to cancel"); a second 2 within
  CANCEL_WINDOW, with nothing else in between, cancels the booking (cancel_booking:
  the seats go to the waiting list at once). The cancellation SMS that cancel_booking
  plans for this number is dropped: the answer already says it.
- Anything else: a short help text with the desk's phone number.

A seat offered from the waiting list (desk.events.offers) is answered the same ways:
1 / はい or key 1 takes the seat, 2 or key 2 says "I cannot come" (once: the seat goes
to the next person at once), anything else the offer's own help; the SMS records 1 as
`confirmed` and 2 as `cancelled` (the offer's). A "1" after the deadline or the start
is refused with what to do.

The next class offered to a party still waiting at the start (desk.events.followups):
1 / はい or key 1 books it (the booking moves there; the move's SMS to the same number
is dropped, the answer says it), anything else the offer's own help. A "1" once the
class is full or started is refused with what to do.

A call's key menu: 1 to confirm attendance, 2 to cancel (asked once more: 2 again
cancels, 1 keeps it), 9 to hear the message again; anything else repeats the menu. It
is offered while the booking is active and the session has not started.

Nothing here commits; the webhook's request does, once.
"""

from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _

from desk.core.i18n import format_date_short, format_time
from desk.events import bookings as booking_service
from desk.events import followups, offers
from desk.events.labels import kind_label
from desk.events.messages import booking_of, place_options
from desk.events.models import BookingChannel, BookingStatus, CancelReason, Confirmation
from desk.events.notices import TOPIC, BookingTemplate, cancel_pending
from desk.extensions import db
from desk.notify.content import fewest_segments
from desk.notify.kinds import MENU_STEP, Ask, KeyMenu, Menu, Repeat, Say
from desk.notify.models import MessageChannel, ReplyAction
from desk.notify.spoken import spoken_code, spoken_date, spoken_time

CANCEL_WINDOW = timedelta(hours=24)
SMS_ACTOR = "sms reply"
VOICE_ACTOR = "voice call"
CANCEL_STEP = "cancel"  # the call's "press 2 again to cancel"

CONFIRM_WORDS = frozenset({"1", "はい", "yes", "y"})
CANCEL_WORDS = frozenset({"2", "キャンセル", "取消", "取り消し", "取消し", "cancel"})


def _phone():
    return current_app.config["DESK_DESK_PHONE"]


def cancel_for_reply(booking, *, channel, address, actor, now):
    """Cancel a booking because its person answered a message (SMS reply, call key),
    and drop the cancellation message planned for the same number and channel."""
    changes = booking_service.cancel_booking(booking, reason=CancelReason.PERSON,
                                             actor=actor, now=now)
    cancel_pending(booking, now=now, templates=[BookingTemplate.BOOKING_CANCELLED],
                   channel=channel, address=address)
    db.session.flush()
    return changes


# -- SMS replies -------------------------------------------------------------------------------

def _one_segment(make_text, about):
    """The answer naming the class (of a booking, or the one a follow-up offers) as
    fully as the fewest SMS segments allow."""
    session = getattr(about, "target_session", None) or about.session
    context = {"venue": session.venue, "title": session.display_title,
               "kind": str(kind_label(session.kind))}
    date, time = format_date_short(session.start_dt), format_time(session.start_dt)
    return fewest_segments([
        make_text(_("%(date)s %(time)s %(place)s", date=date, time=time, place=place))
        for place in place_options(context)])


def _help(booking):
    return _one_segment(lambda what: _(
        "%(what)s: reply 1 if you will come, 2 to cancel. Questions: %(phone)s",
        what=what, phone=_phone()), booking)


def _confirm(booking, now):
    if booking.status == BookingStatus.WAITLISTED:
        return ReplyAction.REFUSED, _one_segment(lambda what: _(
            "%(what)s: you are still on the waiting list. We will tell you if a seat "
            "becomes free.", what=what), booking)
    booking_service.set_confirmation(booking, Confirmation.CONFIRMED, actor=SMS_ACTOR,
                                     now=now)
    return ReplyAction.CONFIRMED, _one_segment(
        lambda what: _("Thank you. We look forward to seeing you: %(what)s", what=what),
        booking)


def _cancel(booking, address, previous, now):
    asked = (previous is not None and previous.action == ReplyAction.CANCEL_ASKED
             and previous.topic == TOPIC and previous.topic_id == booking.id
             and previous.received_dt > now - CANCEL_WINDOW)
    if not asked:
        return ReplyAction.CANCEL_ASKED, _one_segment(lambda what: _(
            "Cancel %(what)s? Reply 2 again to cancel, or 1 if you will come.",
            what=what), booking)
    cancel_for_reply(booking, channel=MessageChannel.SMS, address=address, actor=SMS_ACTOR,
                     now=now)
    return ReplyAction.CANCELLED, _one_segment(
        lambda what: _("Cancelled: %(what)s. Thank you for letting us know.", what=what),
        booking)


def _answer_offer(booking, text, *, address, now):
    """An SMS answering a seat offer (OfferClosedError, a DeskError, becomes notify's
    refusal with its message)."""
    offer = offers.latest_offer(booking)
    if offer is None:
        return None
    if text in CONFIRM_WORDS:
        offers.take_offer(offer, actor=SMS_ACTOR, now=now)
        cancel_pending(booking, now=now, templates=[BookingTemplate.WAITLIST_PROMOTED],
                       channel=MessageChannel.SMS, address=address)
        return ReplyAction.CONFIRMED, _one_segment(lambda what: _(
            "Your seat is booked: %(what)s. Code %(code)s.", what=what,
            code=booking.display_code), booking)
    if text in CANCEL_WORDS:
        offers.decline_offer(offer, actor=SMS_ACTOR, now=now)
        return ReplyAction.CANCELLED, _one_segment(lambda what: _(
            "Thank you. The seat goes to the next person: %(what)s.", what=what), booking)
    return ReplyAction.HELP, _one_segment(lambda what: _(
        "%(what)s: reply 1 to take the seat, 2 if you cannot come. Questions: %(phone)s",
        what=what, phone=_phone()), booking)


def _answer_followup(booking, text, *, address, now):
    """An SMS answering the next class offered to a party still waiting at the start
    (OfferClosedError becomes notify's refusal with its message)."""
    followup = followups.followup_of(booking)
    if followup is None or followup.target_session is None:
        return None
    if text in CONFIRM_WORDS:
        followups.take_followup(followup, channel=BookingChannel.PHONE_LINE, actor=SMS_ACTOR,
                                now=now)
        cancel_pending(booking, now=now, templates=[BookingTemplate.BOOKING_MOVED],
                       channel=MessageChannel.SMS, address=address)
        return ReplyAction.CONFIRMED, _one_segment(lambda what: _(
            "Your seat is booked: %(what)s. Code %(code)s.", what=what,
            code=booking.display_code), booking)
    return ReplyAction.HELP, _one_segment(lambda what: _(
        "%(what)s: reply 1 to book this class. Questions: %(phone)s", what=what,
        phone=_phone()), followup)


def answer_sms(message, text, *, address, previous, now):
    """(ReplyAction, answer) for an SMS answering a message about a booking; None when
    the booking is gone (notify's general help answers)."""
    booking = booking_of(message)
    if booking is None:
        return None
    if message.template == BookingTemplate.SEAT_OFFERED:
        return _answer_offer(booking, text, address=address, now=now)
    if message.template == BookingTemplate.FOLLOWUP_OFFERED:
        return _answer_followup(booking, text, address=address, now=now)
    if text not in CONFIRM_WORDS and text not in CANCEL_WORDS:
        return ReplyAction.HELP, _help(booking)
    if not booking.is_active:
        return ReplyAction.REFUSED, _one_segment(lambda what: _(
            "%(what)s is already cancelled. Questions: %(phone)s", what=what,
            phone=_phone()), booking)
    if booking.session.start_dt <= now:
        return ReplyAction.REFUSED, _one_segment(lambda what: _(
            "%(what)s has started. Please call the desk: %(phone)s", what=what,
            phone=_phone()), booking)
    if text in CONFIRM_WORDS:
        return _confirm(booking, now)
    return _cancel(booking, address, previous, now)


# -- the key menu of a call --------------------------------------------------------------------

def describe_booking(booking):
    """'はじめてのスマホ, 12月3日 木曜日 午前10時, 湘南台センター' in the current locale."""
    session = booking.session
    return _("%(title)s on %(date)s at %(time)s, %(venue)s",
             title=session.display_title, date=spoken_date(session.start_dt),
             time=spoken_time(session.start_dt), venue=session.venue.display_name)


def offers_keys(message, *, now):
    booking = booking_of(message)
    if booking is not None and message.template == BookingTemplate.SEAT_OFFERED:
        return offers.is_takeable(offers.latest_offer(booking), now=now)
    if booking is not None and message.template == BookingTemplate.FOLLOWUP_OFFERED:
        return followups.is_takeable(followups.followup_of(booking), now=now)
    return booking is not None and booking.is_active and booking.session.start_dt > now


def menu_text(message):
    if message.template == BookingTemplate.FOLLOWUP_OFFERED:
        return _("To book this class, press 1. To hear this message again, press 9.")
    if message.template == BookingTemplate.SEAT_OFFERED:
        return _("To take this seat, press 1. If you cannot come, press 2. "
                 "To hear this message again, press 9.")
    if booking_of(message).status == BookingStatus.WAITLISTED:
        return _("To leave the waiting list, press 2. To hear this message again, press 9.")
    return _("If you will come, press 1. To cancel, press 2. "
             "To hear this message again, press 9.")


def keys_closed(message):
    return _("This booking can no longer be changed by phone key.")


def _press_menu(message, booking, digits, now):
    describe = describe_booking(booking)
    if digits == "1" and booking.status == BookingStatus.BOOKED:
        booking_service.set_confirmation(booking, Confirmation.CONFIRMED, actor=VOICE_ACTOR,
                                         now=now)
        return Say(_("Thank you. We look forward to seeing you: %(booking)s.",
                     booking=describe))
    if digits == "2":
        return Ask(_("To cancel %(booking)s, press 2 again. To keep it, press 1.",
                     booking=describe), step=CANCEL_STEP,
                   otherwise=_("Your booking is kept."))
    if digits == "9":
        return Repeat()
    return Menu()


def _press_cancel(message, booking, digits, now):
    describe = describe_booking(booking)
    if digits != "2":
        return Say(_("Your booking is kept: %(booking)s.", booking=describe))
    cancel_for_reply(booking, channel=MessageChannel.VOICE, address=message.address,
                     actor=VOICE_ACTOR, now=now)
    return Say(_("Your booking is cancelled: %(booking)s. Thank you for letting us know.",
                 booking=describe))


def _press_offer(booking, digits, now):
    offer = offers.latest_offer(booking)
    describe = describe_booking(booking)
    if digits == "1":
        try:
            offers.take_offer(offer, actor=VOICE_ACTOR, now=now)
        except offers.OfferClosedError:
            return Say(_("Sorry, this seat can no longer be taken."))
        return Say(_("Your seat is booked: %(booking)s. Your booking code is %(code)s.",
                     booking=describe, code=spoken_code(booking.display_code)))
    if digits == "2":
        offers.decline_offer(offer, actor=VOICE_ACTOR, now=now)
        return Say(_("Thank you. The seat goes to the next person."))
    if digits == "9":
        return Repeat()
    return Menu()


def _press_followup(booking, digits, now):
    if digits == "1":
        try:
            followups.take_followup(followups.followup_of(booking),
                                    channel=BookingChannel.PHONE_LINE, actor=VOICE_ACTOR,
                                    now=now)
        except offers.OfferClosedError:
            return Say(_("Sorry, this class can no longer be booked by phone key. "
                         "Please call the desk."))
        return Say(_("Your seat is booked: %(booking)s. Your booking code is %(code)s.",
                     booking=describe_booking(booking),
                     code=spoken_code(booking.display_code)))
    if digits == "9":
        return Repeat()
    return Menu()


def press_key(message, step, digits, *, now):
    """The answer to a key pressed at `step` of a booking's call (notify has checked
    that the menu is still offered)."""
    booking = booking_of(message)
    if message.template == BookingTemplate.FOLLOWUP_OFFERED and step == MENU_STEP:
        return _press_followup(booking, digits, now)
    if message.template == BookingTemplate.SEAT_OFFERED and step == MENU_STEP:
        return _press_offer(booking, digits, now)
    if step == MENU_STEP:
        return _press_menu(message, booking, digits, now)
    if step == CANCEL_STEP:
        return _press_cancel(message, booking, digits, now)
    return Menu()


KEY_MENU = KeyMenu(offered=offers_keys, prompt=menu_text, press=press_key, closed=keys_closed)
