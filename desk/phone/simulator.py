"""The phone line simulator: a coordinator's call driving the very same handlers as a
Twilio call (desk.phone.calls), with a keypad on screen (and, where the line listens
for a spoken answer, a box to type what the caller says) and the text the caller would
hear. The call is a `phone_calls` row marked `simulated` (left out of the call log);
what it books or cancels is real, as on the phone line itself.

What the caller hears is read back from the TwiML the call answered last, so the
browser's session only holds the call's id. Where the line records a new caller's
name, the simulator types it instead: the text becomes the name's hint, with no
recording."""

import secrets
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy import select

from desk.extensions import db
from desk.phone import calls
from desk.phone.models import PhoneCall
from desk.phone.new_callers import Said
from desk.phone.spoken_answers import SpokenAnswer

KEYS = "123456789*0#"
SID_PREFIX = "SIM"


@dataclass(frozen=True)
class Heard:
    lines: list  # [(text, language code "ja" / "en")]
    turn: int | None  # the turn a key answers; None: the call has ended
    several_keys: bool  # a number ended by #, not one key
    dial: str | None  # put through to this number
    speech: bool  # a spoken answer is listened for too
    says_name: bool = False  # the line records what the caller says (their name)


def heard(twiml):
    """What a caller hears from `twiml`, and what they may press next."""
    root = ET.fromstring(twiml)
    lines = [("".join(say.itertext()).strip(), (say.get("language") or "ja")[:2])
             for say in root.iter("Say")]
    gather = root.find("Gather")
    record = root.find("Record")
    asking = gather if gather is not None else record
    turn = None
    if asking is not None:
        turn = int(urlsplit(asking.get("action")).path.rsplit("/", 1)[-1])
    dial = root.find("Dial")
    return Heard(lines, turn, gather is not None and gather.get("numDigits") is None,
                 dial.text if dial is not None else None,
                 gather is not None and "speech" in (gather.get("input") or ""),
                 says_name=record is not None)


def simulated_call(sid):
    if not sid:
        return None
    return db.session.scalars(select(PhoneCall).where(
        PhoneCall.call_sid == sid, PhoneCall.simulated.is_(True))).first()


def start(number, *, now):
    """A simulated call from `number` (empty: withheld); returns its id."""
    sid = SID_PREFIX + secrets.token_hex(16)
    calls.start(sid, number, now=now, simulated=True)
    return sid


def press(call, digits, *, now, said="", name=""):
    """Keys pressed (empty: none), or the words `said` (as Twilio would recognise them,
    with full confidence), in answer to what the call asked last; or the `name` said
    (typed; empty: silence) where the line records it."""
    asked = heard(call.last_twiml)
    if asked.turn is None:
        return
    if asked.says_name:
        calls.answer(call.call_sid, asked.turn, "#" if name else "", now=now,
                     said=Said(text=name, digits="#") if name else None)
        return
    calls.answer(call.call_sid, asked.turn, digits, now=now,
                 speech=SpokenAnswer(said) if said else None)


def hang_up(call, *, now):
    calls.ended(call.call_sid, now=now)
