"""The phone line's webhooks (the blueprint checks Twilio's signature first). Each view
parses Twilio's form, calls desk.phone.calls and answers in TwiML (204 for the status
callback). A service refusing a key (busy: another request holds the class) undoes the
whole turn and is said, with the same question's key asked again. The request commits before the answer leaves (desk.core.transaction): when
the commit fails, Twilio gets an error status, never TwiML saying it was done."""

from flask import Response, request

from desk.core.errors import DeskError
from desk.core.timeutil import utcnow
from desk.core.transaction import refusable
from desk.phone import calls, new_callers
from desk.phone.spoken_answers import SpokenAnswer

TWIML = "application/xml"
ENDED = {"completed", "busy", "failed", "no-answer", "canceled"}


def _twiml(xml):
    return Response(xml, mimetype=TWIML)


def _sid():
    return request.form.get("CallSid", "")[:64]


def incoming():
    return _twiml(calls.start(_sid(), request.form.get("From", ""), now=utcnow()))


def answer(turn):
    try:
        with refusable():
            xml = calls.answer(_sid(), turn, request.form.get("Digits", ""), now=utcnow(),
                               speech=SpokenAnswer.of(request.form),
                               said=new_callers.said_from(request.form))
    except DeskError as error:
        # nothing of the turn is kept: the caller hears why and presses the key again
        xml = calls.refused(_sid(), turn, error.message)
    return _twiml(xml)


def status():
    if request.form.get("CallStatus", "") in ENDED:
        calls.ended(_sid(), now=utcnow())
    return "", 204


def transcription():
    new_callers.transcribed(_sid(), request.form, now=utcnow())
    return "", 204


def recording():
    new_callers.recorded(_sid(), request.form, now=utcnow())
    return "", 204
