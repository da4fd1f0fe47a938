"""Voice calls: the TwiML of a reminder call, its key menu, and the retry of a call
nobody answered.

A call says its message twice (`<Say language="ja-JP" voice="Polly.Mizuki">`, English
with Polly.Joanna), then offers keys inside `<Gather>`: 1 to confirm attendance, 2 to
cancel (asked once more before anything changes), 9 to hear it again. The menu is only
offered where webhooks work (DESK_PUBLIC_URL reachable) and the booking can still be
changed; otherwise the call ends with the desk's phone number.

A call that was busy or not answered is tried once more an hour later (a new queued
outbox row; the dispatcher moves a due time inside the quiet hours to their end and
sends nothing after the session started); when that one is not answered either, it is
marked failed and shows on the coordinators' list.
"""

from datetime import timedelta

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from twilio.twiml.voice_response import VoiceResponse

from desk.core.web import public_url_for
from desk.events import bookings as booking_service
from desk.events.models import BookingStatus, Confirmation
from desk.extensions import db
from desk.notify.models import MessageChannel, MessageState, OutboxMessage

VOICES = {"ja": ("ja-JP", "Polly.Mizuki"), "en": ("en-US", "Polly.Joanna")}
GATHER_SECONDS = 8
RETRY_AFTER = timedelta(hours=1)
# Twilio's call statuses for a call nobody took -> the outbox's error_code
NOT_ANSWERED_CODES = {"busy": "busy", "no-answer": "no_answer"}
ACTOR = "voice call"


def _say(node, text, locale):
    language, voice_name = VOICES.get(locale, VOICES["ja"])
    node.say(text, language=language, voice=voice_name)


def _gather(response, message, endpoint):
    return response.gather(num_digits=1, method="POST", timeout=GATHER_SECONDS,
                           action=public_url_for(endpoint, message_id=message.id))


def offers_menu(message, *, now):
    from desk.notify.webhooks import webhooks_enabled

    booking = message.booking
    return (webhooks_enabled() and booking is not None and booking.is_active
            and booking.session.start_dt > now)


def _menu_text(booking):
    if booking.status == BookingStatus.WAITLISTED:
        return _("To leave the waiting list, press 2. To hear this message again, press 9.")
    return _("If you will come, press 1. To cancel, press 2. "
             "To hear this message again, press 9.")


def _goodbye():
    return _("For questions, please call the desk at %(phone)s. Goodbye.",
             phone=spoken_digits(current_app.config["DESK_DESK_PHONE"]))


def call_twiml(message, text, *, now):
    """The TwiML of the whole call: `text` said twice, then the menu (when offered)."""
    response = VoiceResponse()
    menu = offers_menu(message, now=now)
    target = _gather(response, message, "twilio.voice_gather") if menu else response
    _say(target, text, message.locale)
    target.pause(length=1)
    _say(target, text, message.locale)
    if menu:
        _say(target, _menu_text(message.booking), message.locale)
    _say(response, _goodbye(), message.locale)
    response.hangup()
    return response.to_xml(xml_declaration=False)


def spoken_digits(value):
    """'0466-25-1111' -> '0 4 6 6, 2 5, 1 1 1 1': read digit by digit."""
    groups = [group for group in value.replace("‐", "-").split("-") if group]
    return ", ".join(" ".join(group) for group in groups)


# -- the answers to the menu ---------------------------------------------------------------

def hang_up():
    response = VoiceResponse()
    response.hangup()
    return response.to_xml(xml_declaration=False)


def said(message, text):
    """TwiML: say `text`, then the desk's number, and hang up."""
    response = VoiceResponse()
    _say(response, text, message.locale)
    _say(response, _goodbye(), message.locale)
    response.hangup()
    return response.to_xml(xml_declaration=False)


def answer_menu(message, digits, *, now):
    """TwiML for a key pressed in the call's menu."""
    with force_locale(message.locale):
        if not offers_menu(message, now=now):
            return said(message, _("This booking can no longer be changed by phone key."))
        booking = message.booking
        describe = describe_booking(booking)
        if digits == "1" and booking.status == BookingStatus.BOOKED:
            booking_service.set_confirmation(booking, Confirmation.CONFIRMED, actor=ACTOR,
                                             now=now)
            return said(message, _("Thank you. We look forward to seeing you: %(booking)s.",
                                    booking=describe))
        if digits == "2":
            response = VoiceResponse()
            gather = _gather(response, message, "twilio.voice_cancel")
            _say(gather, _("To cancel %(booking)s, press 2 again. To keep it, press 1.",
                           booking=describe), message.locale)
            _say(response, _("Your booking is kept."), message.locale)
            response.hangup()
            return response.to_xml(xml_declaration=False)
        if digits == "9":
            from desk.notify.content import render

            return call_twiml(message, render(message, now=now).voice_text, now=now)
        response = VoiceResponse()
        gather = _gather(response, message, "twilio.voice_gather")
        _say(gather, _menu_text(booking), message.locale)
        _say(response, _goodbye(), message.locale)
        response.hangup()
        return response.to_xml(xml_declaration=False)


def answer_cancel(message, digits, *, now):
    """TwiML for the key pressed after "press 2 again to cancel"."""
    from desk.notify.replies import cancel_for_reply

    with force_locale(message.locale):
        if not offers_menu(message, now=now):
            return said(message, _("This booking can no longer be changed by phone key."))
        describe = describe_booking(message.booking)
        if digits != "2":
            return said(message, _("Your booking is kept: %(booking)s.", booking=describe))
        cancel_for_reply(message.booking, channel=MessageChannel.VOICE,
                         address=message.address, actor=ACTOR, now=now)
        return said(message, _("Your booking is cancelled: %(booking)s. "
                                "Thank you for letting us know.", booking=describe))


def describe_booking(booking):
    """'12月3日木曜日 10時, 湘南台センター, はじめてのスマホ' in the current locale."""
    from desk.notify.content import spoken_date, spoken_time

    session = booking.session
    return _("%(title)s on %(date)s at %(time)s, %(venue)s",
             title=session.display_title, date=spoken_date(session.start_dt),
             time=spoken_time(session.start_dt), venue=session.venue.name)


# -- no answer -------------------------------------------------------------------------------

def _is_retry(message):
    """Whether this call is the retry of a call nobody answered."""
    replaced = db.session.get(OutboxMessage, message.replaces_id) if message.replaces_id else None
    return (replaced is not None and replaced.channel == MessageChannel.VOICE
            and replaced.error_code in NOT_ANSWERED_CODES.values())


def not_answered(message, status, *, now):
    """A call was busy or not answered (`status` "busy" or "no-answer"). The first
    time it is marked undelivered and one more call is queued an hour later; the second
    time, or when the session would have started by then, it is marked failed.
    Returns the queued retry, or None. Flushes only."""
    message.error_code = NOT_ANSWERED_CODES[status]
    message.last_error = f"Twilio call: {status}"
    message.updated_dt = now
    if message.sent_dt is None:
        message.sent_dt = now
    due = now + RETRY_AFTER
    session = message.session
    if _is_retry(message) or (session is not None and due >= session.start_dt):
        message.state = MessageState.FAILED
        db.session.flush()
        return None
    message.state = MessageState.UNDELIVERED
    retry = OutboxMessage(
        recipient_kind=message.recipient_kind, person_id=message.person_id,
        proxy_id=message.proxy_id, channel=message.channel, address=message.address,
        template=message.template, locale=message.locale, due_dt=due,
        booking_id=message.booking_id, session_id=message.session_id,
        state=MessageState.QUEUED, replaces_id=message.id, created_dt=now, updated_dt=now)
    db.session.add(retry)
    db.session.flush()
    return retry
