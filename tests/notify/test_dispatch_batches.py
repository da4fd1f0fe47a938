"""A batch of claimed messages: sent a few at a time by the dispatcher's sending threads,
recorded together by one UPDATE and one COMMIT, under the rate cap however many threads
and dispatchers send. Real commits on SQLite and PostgreSQL (a fresh database per kind).

What a crash between the sends and the batch's record leaves behind is
tests/notify/test_crash_safety.py's subject; a failing record,
tests/notify/test_dispatch_database_failure.py's."""

import threading
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import event, select, update

from desk.extensions import db
from desk.notify import dispatch, quiet
from desk.notify.channels.base import OutcomeUnknown, PermanentError, TransientError
from desk.notify.models import MessageChannel, MessageState, OutboxMessage
from tests.conftest import LIVE_DATABASES, _database_params
from tests.fixtures.factories import NOW
from tests.notify.dispatch_support import (
    FakeBackend,
    clear_outbox,
    fresh_app,
    install,
    make_person,
    queue_messages,
    run_dispatchers,
    states,
)

pytestmark = LIVE_DATABASES


@pytest.fixture(scope="module", params=_database_params())
def live_app(request, tmp_path_factory):
    app, close = fresh_app(request.param, tmp_path_factory)
    yield app
    close()


@pytest.fixture
def live(live_app):
    with live_app.app_context():
        clear_outbox()
        yield live_app
        db.session.remove()


def _rows(ids):
    db.session.rollback()
    rows = db.session.execute(select(OutboxMessage.__table__).where(
        OutboxMessage.id.in_(ids))).mappings()
    return {row["id"]: row for row in rows}


class Statements:
    """The outbox UPDATEs (other than claims) and the COMMITs the engine runs."""

    def __init__(self):
        self.records, self.commits = [], 0

    def __enter__(self):
        event.listen(db.engine, "before_cursor_execute", self.statement)
        event.listen(db.engine, "commit", self.commit)
        return self

    def __exit__(self, *exc_info):
        event.remove(db.engine, "before_cursor_execute", self.statement)
        event.remove(db.engine, "commit", self.commit)

    def statement(self, conn, cursor, statement, parameters, context, executemany):
        text = " ".join(statement.split())
        if text.startswith("UPDATE outbox_messages") and "claimed_dt" not in text:
            self.records.append(text)

    def commit(self, conn):
        self.commits += 1


def test_a_batch_is_recorded_with_one_update_and_one_commit(live):
    """Ten outcomes of every kind, each written as the rule says, by one statement."""
    ids = queue_messages(10, person=make_person(), due=NOW)
    sent, retried, refused, landline, no_answer, broken, *others = ids
    db.session.execute(update(OutboxMessage).where(OutboxMessage.id.in_([sent, retried]))
                       .values(secret="invite-7Q2K"))
    db.session.commit()
    backend = install(live, FakeBackend())
    backend.script = {
        retried: [TransientError("Twilio 429: Too Many Requests", code=20429)],
        refused: [PermanentError("Twilio 400: invalid number", code=21211)],
        landline: [PermanentError("Twilio 400: not a mobile number", code=21614)],
        no_answer: [OutcomeUnknown("No answer from Twilio", code="no_answer")],
        broken: [RuntimeError("the client broke")],
    }

    with Statements() as seen:
        outcomes = dispatch.dispatch_due(now=NOW, limit=len(ids))
    assert len(seen.records) == 1
    assert seen.commits == 2  # the claim and the record
    assert outcomes == {MessageState.SENT: 5, MessageState.FAILED: 2,
                        MessageState.UNKNOWN: 2, MessageState.QUEUED: 1}

    rows = _rows(ids)
    for message_id in (sent, *others):
        row = rows[message_id]
        assert (row["state"], row["provider_id"], row["sent_dt"], row["error_code"],
                row["last_error"], row["secret"]) == (
            MessageState.SENT, f"FAKE{message_id}", NOW, None, None, None)
    assert rows[retried]["state"] == MessageState.QUEUED
    assert rows[retried]["due_dt"] == NOW + dispatch.backoff(1)
    assert (rows[retried]["error_code"], rows[retried]["secret"]) == ("20429", "invite-7Q2K")
    assert (rows[refused]["state"], rows[refused]["error_code"]) == (MessageState.FAILED,
                                                                     "21211")
    assert (rows[no_answer]["state"], rows[no_answer]["error_code"]) == (
        MessageState.UNKNOWN, "no_answer")
    assert rows[broken]["state"] == MessageState.UNKNOWN
    assert "RuntimeError" in rows[broken]["last_error"]
    assert all(rows[message_id]["due_dt"] == NOW for message_id in ids if message_id != retried)
    # the landline's call is planned in the record's transaction
    call = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.replaces_id == landline)).one()
    assert (call.channel, call.state) == (MessageChannel.VOICE, MessageState.QUEUED)
    assert backend.sends == dict.fromkeys([sent, *others], 1)


def test_a_dispatcher_keeps_several_sends_in_flight_and_no_more(live):
    """Each send waits until SENDS_IN_FLIGHT sends are under way together (a barrier):
    with one request at a time the barrier would break and the messages end unknown."""
    in_flight = dispatch.SENDS_IN_FLIGHT
    ids = queue_messages(2 * in_flight, person=make_person(), due=NOW)
    together = threading.Barrier(in_flight)
    lock = threading.Lock()
    now_sending, most, threads = [0], [0], set()

    def on_send(stage, message_id):
        with lock:
            now_sending[0] += 1 if stage == "before_send" else -1
            most[0] = max(most[0], now_sending[0])
            threads.add(threading.current_thread().name)
        if stage == "before_send":
            together.wait(timeout=30)

    backend = install(live, FakeBackend(on_send=on_send))
    assert dispatch.dispatch_due(now=NOW) == {MessageState.SENT: len(ids)}
    assert most == [in_flight]
    assert all(name.startswith("desk-send") for name in threads)
    assert backend.sends == dict.fromkeys(ids, 1)


def test_nothing_of_a_batch_is_recorded_before_all_of_it_was_sent(live):
    """While the batch's last message goes out, the ones sent before it are still
    `sending` for everybody else: killed now, the dispatcher would leave the whole batch
    to the sweep and the provider look-up, never to a second send."""
    ids = queue_messages(5, person=make_person(), due=NOW)
    seen = {}
    done = threading.Event()

    def on_send(stage, message_id):
        if stage == "before_send" and message_id == ids[-1]:
            assert done.wait(timeout=30)  # the others were answered
            with db.engine.connect() as other:
                seen.update(other.execute(
                    select(OutboxMessage.id, OutboxMessage.state)
                    .where(OutboxMessage.id.in_(ids))).all())
        elif stage == "after_send" and backend.sends.total() == len(ids) - 1:
            done.set()

    backend = install(live, FakeBackend(on_send=on_send))
    assert dispatch.dispatch_due(now=NOW) == {MessageState.SENT: len(ids)}
    assert seen == dict.fromkeys(ids, MessageState.SENDING.value)
    assert states(ids) == dict.fromkeys(ids, MessageState.SENT)


class ReadClock:
    """A clock that moves only when a caller sleeps, and remembers every reading.
    LocalPace reads it twice a turn while holding its lock (the delay, then the moment
    it lets the caller go): every second reading is a turn, in order."""

    def __init__(self):
        self.now, self.readings = 1000.0, []

    def __call__(self):
        self.readings.append(self.now)
        return self.now

    def sleep(self, seconds):
        self.now += seconds


class TurnCountingPace(quiet.LocalPace):
    """The real pace, on a ReadClock, counting the turns each thread was given."""

    def __init__(self, rate):
        self.read_clock = ReadClock()
        super().__init__(rate, clock=self.read_clock, sleep=self.read_clock.sleep)
        self.given = Counter()
        self.counting = threading.Lock()

    def wait(self):
        waited = super().wait()
        with self.counting:
            self.given[threading.get_ident()] += 1
        return waited

    def turns(self):
        return self.read_clock.readings[1::2]


def max_in_any_second(times):
    times = sorted(times)
    return max(sum(1 for other in times if start <= other < start + 1.0) for start in times)


def test_the_rate_cap_holds_for_several_dispatchers_and_their_sending_threads(live,
                                                                            monkeypatch):
    """Three dispatchers, each with its sending threads, share the process' pace: every
    SMS takes a turn of its own in the thread that sends it, right before it goes, and
    the turns are one interval apart: never more than the cap in any second."""
    rate = 20
    pace = TurnCountingPace(rate)
    monkeypatch.setitem(live.config, "DESK_SMS_RATE_PER_SECOND", rate)
    monkeypatch.setitem(quiet._paces, (rate, "", MessageChannel.SMS), pace)
    ids = queue_messages(60, person=make_person(), due=NOW)
    used = Counter()
    lock = threading.Lock()
    unpaced = []

    def on_send(stage, message_id):
        if stage == "before_send":
            with lock:
                thread = threading.get_ident()
                used[thread] += 1
                if used[thread] > pace.given[thread]:
                    unpaced.append(message_id)

    backend = install(live, FakeBackend(on_send=on_send))
    handled = run_dispatchers(live, 3, now=NOW)
    assert sum(handled) == len(ids) and backend.sends == dict.fromkeys(ids, 1)
    assert unpaced == []
    assert used == pace.given
    turns = pace.turns()
    assert len(turns) == len(ids)
    assert max_in_any_second(turns) <= rate
    assert {round(later - earlier, 9) for earlier, later in zip(turns, turns[1:],
                                                                strict=False)} == {
        round(quiet.PACE_MARGIN / rate, 9)}


def test_claims_released_after_a_failed_record_keep_their_attempts(live):
    """release_claims puts back only the claims it names, each with its own attempts."""
    ids = queue_messages(3, person=make_person(), due=NOW)
    claims = dispatch.claim_due(now=NOW, limit=3)
    stale = dispatch.Claim(claims[2].id, claims[2].attempts + 1)  # not this row's claim
    dispatch.release_claims([claims[0], stale], NOW + timedelta(minutes=1))
    assert states(ids) == {ids[0]: MessageState.QUEUED, ids[1]: MessageState.SENDING,
                           ids[2]: MessageState.SENDING}
    assert _rows(ids)[ids[0]]["due_dt"] == NOW + timedelta(minutes=1)
