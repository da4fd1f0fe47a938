"""The demo's calls to the automated phone line: the last days' calls through the real
handlers, with every kind of outcome, their bookings made on the phone line channel, and
the call log showing them, each with its path."""

from datetime import timedelta

from sqlalchemy import select

from desk.core.timeutil import local_today, to_local
from desk.events.models import BookingChannel
from desk.extensions import db
from desk.phone import call_log, path, recordings
from desk.phone.models import Answer, CallOutcome, PhoneCall
from tests.demo.conftest import NOW


def test_demo_calls_of_the_last_days(demo_context):
    calls = db.session.scalars(select(PhoneCall)).all()
    assert len(calls) >= 15
    days = {to_local(call.started_dt).date() for call in calls}
    assert days <= {local_today(NOW) - timedelta(days=ago) for ago in range(1, 6)}
    outcomes = {call.outcome for call in calls}
    assert {CallOutcome.BOOKED, CallOutcome.LISTENED, CallOutcome.HUNG_UP} <= outcomes
    assert CallOutcome.IN_PROGRESS not in outcomes
    assert any(call.caller_withheld for call in calls)
    for call in calls:
        assert call.ended_dt is not None and call.person_id is not None
        assert not call.simulated
        if call.outcome == CallOutcome.BOOKED:
            assert call.booking.channel == BookingChannel.PHONE_LINE
            assert call.booking.person_id == call.person_id


def test_the_call_log_shows_the_demo_calls_and_their_paths(demo_context):
    today = local_today(NOW)
    log = call_log.call_log(today - timedelta(days=call_log.DAYS - 1), today)
    calls = db.session.scalars(select(PhoneCall)).all()
    assert log.calls == len(calls)
    funnel = {row.step: row for row in log.funnel}
    assert list(funnel)[0] == "menu" and funnel["menu"].reached == len(calls)
    assert {"book_how", "book_class", "book_seats", "book_confirm", "booked"} <= set(funnel)
    assert funnel["book_confirm"].hung_up > 0
    paths = path.steps_of([call.id for call in calls])
    assert all(paths[call.id] for call in calls)
    assert {step.answer for steps in paths.values() for step in steps} == {
        Answer.KEY, Answer.KEYS, Answer.SILENCE, Answer.SPEECH}  # SPEECH: names said
    keyed = [step for steps in paths.values() for step in steps if step.answer == Answer.KEYS]
    assert all(step.step == "key_number" and step.key is None and step.key_count >= 10
               for step in keyed)


def test_new_callers_wait_for_their_names_to_be_confirmed(demo_context):
    waiting = recordings.queue()
    assert [item.hint for item in waiting] == ["高橋 美代子", "ナカムラ トシオ"]
    for item in waiting:
        assert item.person.name_to_confirm and item.person.created_channel == "phone_line"
        assert [row.has_audio for row in item.recordings] == [False]  # a hint, no recording
        assert item.bookings and item.bookings[0].channel == BookingChannel.PHONE_LINE
