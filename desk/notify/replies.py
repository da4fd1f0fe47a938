"""What a person's SMS reply does (Twilio's inbound webhook calls `handle_sms`).

A reply applies to the booking of the latest message desk sent to that number, and
desk's answer names that class:
- 1 / はい: attendance confirmed (desk.events.bookings.set_confirmation).
- 2 / キャンセル: desk asks back ("send 2 again to cancel"); a second 2 within
  CANCEL_WINDOW, with nothing else in between, cancels the booking (cancel_booking:
  the seats go to the waiting list at once). The cancellation SMS that cancel_booking
  plans for this number is dropped: the answer already says it.
- 停止 / STOP: the number opts out of SMS and calls; 再開 / START opts back in.
- Anything else: a short help text with the desk's phone number.
Full-width digits and letters are understood (NFKC). Replies are a bonus: every
message also gives the desk's phone number. When the latest message to the number was
one to a volunteer (a shift message), only 停止 / 再開 act; anything else gets the
desk's phone number (a volunteer's "1" never touches a booking of the same number).
The same holds for a consultation desk visitor's "your turn is coming" SMS: a reply to
it never touches a booking of that number.

Nothing here commits; the webhook view commits once.
"""

import unicodedata
from datetime import timedelta

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import or_, select

from desk.core.errors import Busy, DeskError
from desk.core.i18n import format_date_short, format_time
from desk.events import bookings as booking_service
from desk.events.models import BookingStatus, CancelReason, Confirmation
from desk.extensions import db
from desk.notify import optout
from desk.notify.models import (
    MessageChannel,
    MessageState,
    MessageTemplate,
    OptOutSource,
    OutboxMessage,
    RecipientKind,
    ReplyAction,
    SmsReply,
)

CANCEL_WINDOW = timedelta(hours=24)
ACTOR = "sms reply"

CONFIRM_WORDS = frozenset({"1", "はい", "yes", "y"})
CANCEL_WORDS = frozenset({"2", "キャンセル", "取消", "取り消し", "取消し", "cancel"})
STOP_WORDS = frozenset({"停止", "配信停止", "stop", "stopall", "unsubscribe", "end", "quit"})
START_WORDS = frozenset({"再開", "start", "unstop"})
TRIM = " \t\r\n。．.、,!！?？"


def keyword(body):
    """'confirm', 'cancel', 'stop', 'start' or None for what a reply says."""
    text = unicodedata.normalize("NFKC", body or "").strip(TRIM).lower()
    for word_set, name in ((CONFIRM_WORDS, "confirm"), (CANCEL_WORDS, "cancel"),
                           (STOP_WORDS, "stop"), (START_WORDS, "start")):
        if text in word_set:
            return name
    return None


def latest_message_to(address):
    """The latest SMS desk sent to `address` about a booking, to a volunteer or to a
    consultation desk visitor, or None."""
    return db.session.scalar(
        select(OutboxMessage)
        .where(OutboxMessage.address == address,
               OutboxMessage.channel == MessageChannel.SMS,
               or_(OutboxMessage.booking_id.is_not(None),
                   OutboxMessage.recipient_kind.in_([RecipientKind.VOLUNTEER,
                                                     RecipientKind.VISITOR])),
               OutboxMessage.sent_dt.is_not(None))
        .order_by(OutboxMessage.sent_dt.desc(), OutboxMessage.id.desc())
        .limit(1))


def _latest_reply(address):
    return db.session.scalar(
        select(SmsReply).where(SmsReply.address == address)
        .order_by(SmsReply.received_dt.desc(), SmsReply.id.desc()).limit(1))


def _one_segment(make_text, booking):
    """The answer naming the class as fully as the fewest SMS segments allow."""
    from desk.notify.content import fewest_segments, place_options

    session = booking.session
    context = {"venue": session.venue, "title": session.display_title,
               "kind": _kind(session)}
    date, time = format_date_short(session.start_dt), format_time(session.start_dt)
    return fewest_segments([
        make_text(_("%(date)s %(time)s %(place)s", date=date, time=time, place=place))
        for place in place_options(context)])


def _kind(session):
    from desk.events.labels import kind_label

    return str(kind_label(session.kind))


def _phone():
    return current_app.config["DESK_DESK_PHONE"]


def cancel_for_reply(booking, *, channel, address, actor, now):
    """Cancel a booking because its person answered a message (SMS reply, call key),
    and drop the cancellation message planned for the same number and channel."""
    changes = booking_service.cancel_booking(booking, reason=CancelReason.PERSON,
                                             actor=actor, now=now)
    for message in db.session.scalars(
            select(OutboxMessage).where(
                OutboxMessage.booking_id == booking.id,
                OutboxMessage.template == MessageTemplate.BOOKING_CANCELLED,
                OutboxMessage.channel == channel, OutboxMessage.address == address,
                OutboxMessage.state == MessageState.QUEUED)):
        message.state = MessageState.CANCELLED
        message.updated_dt = now
    db.session.flush()
    return changes


def _help(booking):
    if booking is None:
        return _("This is the smartphone support desk. Questions: %(phone)s", phone=_phone())
    return _one_segment(lambda what: _(
        "%(what)s: reply 1 if you will come, 2 to cancel. Questions: %(phone)s",
        what=what, phone=_phone()), booking)


def _confirm(booking, now):
    if booking.status == BookingStatus.WAITLISTED:
        return ReplyAction.REFUSED, _one_segment(lambda what: _(
            "%(what)s: you are still on the waiting list. We will tell you if a seat "
            "becomes free.", what=what), booking)
    booking_service.set_confirmation(booking, Confirmation.CONFIRMED, actor=ACTOR, now=now)
    return ReplyAction.CONFIRMED, _one_segment(
        lambda what: _("Thank you. We look forward to seeing you: %(what)s", what=what),
        booking)


def _cancel(booking, address, now):
    latest = _latest_reply(address)
    asked = (latest is not None and latest.action == ReplyAction.CANCEL_ASKED
             and latest.booking_id == booking.id and latest.received_dt > now - CANCEL_WINDOW)
    if not asked:
        return ReplyAction.CANCEL_ASKED, _one_segment(lambda what: _(
            "Cancel %(what)s? Reply 2 again to cancel, or 1 if you will come.",
            what=what), booking)
    cancel_for_reply(booking, channel=MessageChannel.SMS, address=address, actor=ACTOR,
                     now=now)
    return ReplyAction.CANCELLED, _one_segment(
        lambda what: _("Cancelled: %(what)s. Thank you for letting us know.", what=what),
        booking)


def _about_booking(word, booking, address, now):
    if not booking.is_active:
        return ReplyAction.REFUSED, _one_segment(lambda what: _(
            "%(what)s is already cancelled. Questions: %(phone)s", what=what,
            phone=_phone()), booking)
    if booking.session.start_dt <= now:
        return ReplyAction.REFUSED, _one_segment(lambda what: _(
            "%(what)s has started. Please call the desk: %(phone)s", what=what,
            phone=_phone()), booking)
    if word == "confirm":
        return _confirm(booking, now)
    return _cancel(booking, address, now)


def _act(word, message, address, now):
    booking = message.booking if message is not None else None
    if not address:
        return ReplyAction.HELP, _help(booking)
    if word == "stop":
        optout.opt_out(address, source=OptOutSource.SMS_REPLY, actor=ACTOR, now=now)
        return ReplyAction.OPTED_OUT, _(
            "You will get no more messages from us. To get them again, reply START. "
            "Questions: %(phone)s", phone=_phone())
    if word == "start":
        optout.opt_in(address, actor=ACTOR, now=now)
        return ReplyAction.OPTED_IN, _("You will get our messages again.")
    if message is not None and message.recipient_kind == RecipientKind.VISITOR:
        return ReplyAction.HELP, _(
            "Replies to this message are not read. Please come back to the consultation "
            "desk. Questions: %(phone)s", phone=_phone())
    if message is not None and message.recipient_kind == RecipientKind.VOLUNTEER:
        return ReplyAction.HELP, _(
            "Replies to messages about shifts are not read. Please call the desk: "
            "%(phone)s", phone=_phone())
    if word in ("confirm", "cancel") and booking is not None:
        try:
            return _about_booking(word, booking, address, now)
        except Busy:
            raise  # the whole reply is rolled back (desk.notify.webhook_views.sms)
        except DeskError as error:
            return ReplyAction.REFUSED, error.message
    return ReplyAction.HELP, _help(booking)


def handle_sms(address, body, *, provider_id, now):
    """Act on one inbound SMS; returns the answer's text, or None when this SMS was
    already handled (Twilio delivered the webhook twice)."""
    if db.session.scalar(select(SmsReply.id).where(SmsReply.provider_id == provider_id)):
        return None
    address = (address or "")[:OutboxMessage.ADDRESS_MAX]
    message = latest_message_to(address)
    locale = message.locale if message is not None else current_app.config[
        "DESK_DEFAULT_LOCALE"]
    with force_locale(locale):
        action, text = _act(keyword(body), message, address, now)
    db.session.add(SmsReply(
        provider_id=provider_id, address=address, body=(body or "")[:SmsReply.BODY_MAX],
        message_id=message.id if message is not None else None,
        booking_id=message.booking_id if message is not None else None,
        action=action, received_dt=now))
    db.session.flush()
    return text
