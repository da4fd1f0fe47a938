"""The phone line's call records in the personal-data lifecycle: blanked at the end of
their retention period and when the resident is anonymised; the calls and their
outcomes stay."""

from datetime import timedelta

from desk.core import retention
from desk.extensions import db
from desk.people import erasure
from desk.phone.models import CallOutcome, PhoneCall
from tests.fixtures.factories import NOW


def _call(sid, person, *, started):
    call = PhoneCall(call_sid=sid, caller=person.phone, person_id=person.id, step="menu",
                     last_digits="1", last_twiml="<Response><Say>恵子さん</Say></Response>",
                     choices={"session_id": 4}, outcome=CallOutcome.LISTENED,
                     started_dt=started, updated_dt=started)
    db.session.add(call)
    db.session.flush()
    return call


def test_calls_past_their_period_are_blanked(ctx, create_person):
    person = create_person(name="佐藤 恵子", name_kana="さとう けいこ", phone="0466-25-1234")
    old = _call("CA-old", person, started=NOW - timedelta(days=91))
    recent = _call("CA-recent", person, started=NOW - timedelta(days=89))
    data_class = retention.DATA_CLASSES["phone_calls"]
    cutoff = data_class.cutoff(ctx.config, NOW)

    assert data_class.count(cutoff) == 1
    assert data_class.purge(cutoff, NOW) == 1
    db.session.expire_all()

    assert (old.caller, old.person_id, old.last_digits, old.last_twiml, old.choices) == (
        None, None, None, None, {})
    assert old.outcome == CallOutcome.LISTENED and old.step == "menu"
    assert recent.caller == "+81466251234" and recent.person_id == person.id
    assert data_class.count(cutoff) == 0


def test_anonymising_a_resident_blanks_their_calls(ctx, create_person):
    person = create_person(name="鈴木 茂", name_kana="すずき しげる", phone="0466-25-1234")
    other = create_person(name="鈴木 和子", name_kana="すずき かずこ", phone="0466-25-1234")
    call = _call("CA-erased", person, started=NOW)
    kept = _call("CA-kept", other, started=NOW)

    erasure.anonymise(person, actor="test", now=NOW + timedelta(days=1))
    db.session.expire_all()

    assert (call.caller, call.last_twiml, call.choices) == (None, None, {})
    assert call.person_id == person.id and call.outcome == CallOutcome.LISTENED
    assert kept.caller == "+81466251234" and kept.last_twiml
