"""The phone line's call records in the personal-data lifecycle: blanked at the end of
their retention period and when the resident is anonymised; the calls, their steps and
their outcomes stay; the disclosure shows each call with its steps."""

from datetime import timedelta

from sqlalchemy import select

from desk.core import retention
from desk.extensions import db
from desk.people import erasure
from desk.phone import path
from desk.phone.models import Answer, CallOutcome, PhoneCall, PhoneCallStep
from tests.fixtures.factories import NOW


def _call(sid, person, *, started):
    call = PhoneCall(call_sid=sid, caller=person.phone, person_id=person.id, step="menu",
                     last_digits="1", last_twiml="<Response><Say>恵子さん</Say></Response>",
                     choices={"session_id": 4}, outcome=CallOutcome.LISTENED,
                     started_dt=started, updated_dt=started)
    db.session.add(call)
    db.session.flush()
    db.session.add_all([
        PhoneCallStep(call_id=call.id, turn=1, step="menu", answer=Answer.KEY, key="2",
                      at_dt=started),
        PhoneCallStep(call_id=call.id, turn=2, step="key_number", answer=Answer.KEYS,
                      key_count=10, at_dt=started)])
    db.session.flush()
    return call


def _steps(call):
    return [(step.step, step.answer) for step in path.steps_of([call.id])[call.id]]


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
    assert _steps(old) == [("menu", Answer.KEY), ("key_number", Answer.KEYS)]
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
    assert len(_steps(call)) == 2
    assert kept.caller == "+81466251234" and kept.last_twiml


def test_the_disclosure_shows_each_call_with_its_steps(ctx, client, login, create_user,
                                                       create_person):
    person = create_person(name="佐藤 恵子", name_kana="さとう けいこ", phone="0466-25-1234")
    _call("CA-disclosed", person, started=NOW)
    db.session.commit()
    login(client, create_user(role="coordinator"))

    page = client.get(f"/staff/people/{person.id}/disclosure", headers={"Accept-Language": "ja"})

    assert page.status_code == 200
    html = page.get_data(as_text=True)
    calls = html[html.index('id="disclosure-calls"'):]
    assert "メインメニュー: 2 を押した" in calls
    assert "10桁の番号（記録していません）" in calls


def test_a_call_deleted_takes_its_steps(ctx, create_person):
    call = _call("CA-deleted", create_person(), started=NOW)
    db.session.delete(call)
    db.session.flush()
    assert db.session.scalars(select(PhoneCallStep)).all() == []
