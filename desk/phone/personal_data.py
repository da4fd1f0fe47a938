"""Personal data of the phone line: a call's caller number, the person it was for and what
the caller keyed (digits, the last prompt heard, which may name them). Kept for the
`phone_calls` period (90 days by default), then blanked; the call, its steps and its
outcome stay for the figures. When a resident is anonymised, their calls are blanked at
once.

New callers' recordings of their name (`phone_name_recordings`, and the person's
`name_to_confirm` mark) have their own period and deletion, here and at Twilio:
desk.phone.recordings."""

from sqlalchemy import and_, or_

from desk.core import retention
from desk.phone.models import PhoneCall

CALL_BLANK = {"caller": None, "person_id": None, "last_digits": None, "last_twiml": None,
              "choices": {}}


def _calls_before(cutoff):
    return and_(PhoneCall.started_dt < cutoff,
                or_(PhoneCall.caller.is_not(None), PhoneCall.person_id.is_not(None),
                    PhoneCall.last_twiml.is_not(None)))


CALLS = retention.blanking(PhoneCall, _calls_before, **CALL_BLANK)


def erase_person(person, *, now):
    # the calls stay the anonymised person's (counted as theirs), without what they said
    values = {name: value for name, value in CALL_BLANK.items() if name != "person_id"}
    blanked = retention.blank(PhoneCall, PhoneCall.person_id == person.id, **values)
    return {"phone_calls_blanked": blanked} if blanked else None
