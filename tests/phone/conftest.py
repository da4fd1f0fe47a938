"""Calls to the phone line driven through its signed webhooks: a `Caller` rings, presses
keys (or none) or says an answer at the URL each <Gather> names, and reads the TwiML
desk answers."""

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import time, timedelta
from itertools import count
from urllib.parse import urlsplit

import pytest

from desk.config import DEFAULT_CLOSED_DAYS, parse_closed_days
from desk.core.office_days import is_open_day
from desk.core.timeutil import local_datetime, local_today
from tests.notify.channel_support import configure, signed_post

STAFF_NUMBER = "+81466259999"  # as the settings hold it (from 0466-25-9999)
_sids = count(1)


def next_open_monday():
    """The first Monday after today (Japan time) on which the city offices are open (a
    Monday may be a public holiday: ハッピーマンデー)."""
    today = local_today()
    day = today + timedelta(days=(-today.weekday() - 1) % 7 + 1)
    while not is_open_day(day, parse_closed_days(DEFAULT_CLOSED_DAYS)):
        day += timedelta(days=7)
    return day


MONDAY = next_open_monday()
TUESDAY = MONDAY + timedelta(days=1)
# the phone line's clock: a Monday 10:00 (the staff desk is open), classes from Tuesday
CLOCK = local_datetime(MONDAY, time(10))


@dataclass
class Turn:
    """One TwiML answer: what is said (each <Say> in order, with its language), what is
    asked inside the <Gather>, the <Gather>'s action, a <Dial>, and whether it hangs up."""

    root: ET.Element

    def _says(self, node):
        return [("".join(say.itertext()).strip(), say.get("language"))
                for say in node.iter("Say")]

    @property
    def said(self):
        return [text for text, _language in self._says(self.root)]

    @property
    def japanese(self):
        return [text for text, language in self._says(self.root) if language == "ja-JP"]

    @property
    def english(self):
        return [text for text, language in self._says(self.root) if language == "en-US"]

    @property
    def text(self):
        return "\n".join(self.said)

    @property
    def gather(self):
        return self.root.find("Gather")

    @property
    def asked(self):
        return [text for text, _language in self._says(self.gather)] if self.gather is not None else []

    @property
    def record(self):
        return self.root.find("Record")

    @property
    def dial(self):
        dial = self.root.find("Dial")
        return dial.text if dial is not None else None

    @property
    def hangs_up(self):
        return self.root.find("Hangup") is not None


class Caller:
    def __init__(self, client, number="+81466251234"):
        self.client = client
        self.number = number
        self.sid = f"CA{next(_sids):032x}"
        self.action = None
        self.turns = []
        self.last_params = None

    def _post(self, path, params):
        response = signed_post(self.client, path, params)
        assert response.status_code == 200, response.data
        assert response.mimetype == "application/xml"
        turn = Turn(ET.fromstring(response.data))
        self.turns.append(turn)
        if turn.gather is not None:
            assert turn.gather.get("numDigits") == "1" or turn.gather.get("finishOnKey") == "#"
            assert turn.gather.get("actionOnEmptyResult") == "true"
            self.action = urlsplit(turn.gather.get("action")).path
        elif turn.record is not None:
            self.action = urlsplit(turn.record.get("action")).path
        else:
            self.action = None
        return turn

    def ring(self):
        return self._post("/phone/voice/incoming",
                          {"CallSid": self.sid, "From": self.number, "To": "+81466250000"})

    def press(self, digits=""):
        assert self.action, "the call asked nothing"
        self.last_params = (self.action, {"CallSid": self.sid, "Digits": digits})
        return self._post(*self.last_params)

    def retry(self):
        """Twilio sends the last request again (it timed out waiting for desk)."""
        return self._post(*self.last_params)

    def say_name(self, recording_sid, *, seconds=3, digits="#"):
        """The caller says their name and presses # (or hangs up: digits "hangup"):
        Twilio posts the recording to the <Record>'s action."""
        assert self.action, "the call asked nothing"
        params = {"CallSid": self.sid, "RecordingSid": recording_sid,
                  "RecordingUrl": f"https://api.twilio.com/2010-04-01/Accounts/AC{'0' * 32}"
                                  f"/Recordings/{recording_sid}",
                  "RecordingDuration": str(seconds), "Digits": digits}
        self.last_params = (self.action, params)
        return self._post(self.action, params)

    def say(self, words, confidence="0.91"):
        """A spoken answer, as Twilio's speech recognition posts it."""
        assert self.action, "the call asked nothing"
        params = {"CallSid": self.sid, "SpeechResult": words}
        if confidence is not None:
            params["Confidence"] = confidence
        self.last_params = (self.action, params)
        return self._post(*self.last_params)

    def silence(self):
        params = {"CallSid": self.sid}
        self.last_params = (self.action, params)
        return self._post(self.action, params)

    def hang_up(self):
        response = signed_post(self.client, "/phone/voice/status",
                               {"CallSid": self.sid, "CallStatus": "completed"})
        assert response.status_code == 204


@pytest.fixture
def line(ctx, monkeypatch):
    """The phone line set up (Twilio, the public URL, the staff desk), its clock at
    CLOCK."""
    configure(monkeypatch, ctx, DESK_PHONE_STAFF_NUMBER=STAFF_NUMBER,
              DESK_MUNICIPALITY_NAME="藤沢市", DESK_DESK_PHONE="0466-25-1111")
    monkeypatch.setattr("desk.phone.views.utcnow", lambda: CLOCK)
    return ctx


@pytest.fixture
def caller(line, client):
    def factory(number="+81466251234"):
        return Caller(client, number)
    return factory
