"""The phone line's webhooks (the blueprint checks Twilio's signature first). Each view
parses Twilio's form, calls desk.phone.calls and answers in TwiML (204 for the status
callback). The request commits before the answer leaves (desk.core.transaction): when
the commit fails, Twilio gets an error status, never TwiML saying it was done."""

from flask import Response, request

from desk.core.timeutil import utcnow
from desk.phone import calls

TWIML = "application/xml"
ENDED = {"completed", "busy", "failed", "no-answer", "canceled"}


def _twiml(xml):
    return Response(xml, mimetype=TWIML)


def _sid():
    return request.form.get("CallSid", "")[:64]


def incoming():
    return _twiml(calls.start(_sid(), request.form.get("From", ""), now=utcnow()))


def answer(turn):
    return _twiml(calls.answer(_sid(), turn, request.form.get("Digits", ""), now=utcnow()))


def status():
    if request.form.get("CallStatus", "") in ENDED:
        calls.ended(_sid(), now=utcnow())
    return "", 204
