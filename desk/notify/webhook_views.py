"""Twilio's webhooks (the blueprint checks the signature before any of these runs).

Each view parses Twilio's form, calls one function of desk.notify (webhooks, replies,
voice), commits once and answers in TwiML (or 204 for a status callback).
"""

from flask import Response, request
from flask_babel import force_locale
from twilio.twiml.messaging_response import MessagingResponse

from desk.core.errors import Busy, DeskError
from desk.core.timeutil import utcnow
from desk.extensions import db
from desk.notify import replies, voice, webhooks
from desk.notify.models import MessageChannel, OutboxMessage

TWIML = "application/xml"


def _twiml(xml):
    return Response(xml, mimetype=TWIML)


def status(message_id):
    webhooks.record_status(message_id, request.form, now=utcnow())
    db.session.commit()
    return "", 204


def sms():
    try:
        text = replies.handle_sms(request.form.get("From", ""), request.form.get("Body", ""),
                                  provider_id=request.form.get("MessageSid", ""), now=utcnow())
    except Busy as error:
        # nothing recorded: the same reply sent again is handled afresh
        db.session.rollback()
        text = error.message
    else:
        db.session.commit()
    response = MessagingResponse()
    if text:
        response.message(text)
    return _twiml(response.to_xml(xml_declaration=False))


def _voice_message(message_id):
    message = db.session.get(OutboxMessage, message_id)
    if message is None or message.channel != MessageChannel.VOICE:
        return None
    return message


def _voice_answer(message_id, answer):
    message = _voice_message(message_id)
    if message is None:
        return _twiml(voice.hang_up())
    digits = request.form.get("Digits", "")
    try:
        xml = answer(message, digits)
    except DeskError as error:
        db.session.rollback()
        with force_locale(message.locale):
            xml = voice.said(message, error.message)
    db.session.commit()
    return _twiml(xml)


def voice_gather(message_id):
    now = utcnow()
    return _voice_answer(message_id, lambda message, digits: voice.answer_menu(
        message, digits, now=now))


def voice_cancel(message_id):
    now = utcnow()
    return _voice_answer(message_id, lambda message, digits: voice.answer_cancel(
        message, digits, now=now))

