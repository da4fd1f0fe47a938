"""Twilio's webhooks (the blueprint checks the signature before any of these runs).

Each view parses Twilio's form, calls one function of desk.notify (webhooks, replies,
voice: which hand replies and keys to the feature that registered the message) and
answers in TwiML (or 204 for a status callback). The request commits before the answer
leaves (desk.core.transaction): when the commit fails, Twilio gets an error status,
never TwiML that says it was done.
"""

from flask import Response, request
from twilio.twiml.messaging_response import MessagingResponse

from desk.core.errors import Busy, DeskError
from desk.core.i18n import force_locale
from desk.core.timeutil import utcnow
from desk.core.transaction import refusable
from desk.extensions import db
from desk.notify import replies, voice, webhooks
from desk.notify.models import MessageChannel, OutboxMessage

TWIML = "application/xml"


def _twiml(xml):
    return Response(xml, mimetype=TWIML)


def status(message_id):
    webhooks.record_status(message_id, request.form, now=utcnow())
    return "", 204


def sms():
    try:
        with refusable():
            text = replies.handle_sms(request.form.get("From", ""),
                                      request.form.get("Body", ""),
                                      provider_id=request.form.get("MessageSid", ""),
                                      now=utcnow())
    except Busy as error:
        # nothing recorded: the same reply sent again is handled afresh
        text = error.message
    response = MessagingResponse()
    if text:
        response.message(text)
    return _twiml(response.to_xml(xml_declaration=False))


def voice_key(message_id, step):
    message = db.session.get(OutboxMessage, message_id)
    if message is None or message.channel != MessageChannel.VOICE:
        return _twiml(voice.hang_up())
    digits = request.form.get("Digits", "")
    try:
        with refusable():
            xml = voice.answer_key(message, step, digits, now=utcnow())
    except DeskError as error:
        with force_locale(message.locale):
            xml = voice.said(message, error.message)
    return _twiml(xml)
