"""A dispatcher process killed with SIGKILL anywhere in a batch, then restarted: no
message is delivered twice, and every message ends sent, failed, or unknown and listed
for coordinators — none is lost.

Each dispatcher is a real child process (forked from the test, so that it can use the
fake provider) that runs a full round (sweep with a claim timeout of zero — the killed
process is gone —, provider look-ups, dispatch) and kills itself with SIGKILL at the
chosen point: just before or just after its n-th database commit (claims and records),
or just before or just after its n-th hand-over to the provider (made by one of its
sending threads; the whole process dies). Killed between the provider taking a batch and
the commit of that batch's record (`before_commit` 3 and 5), every message of the batch
is still `sending`: the sweep makes it unknown and the look-up settles what the provider
has. The fake provider
appends each hand-over to a file before it answers, so the file is the truth about what
was delivered, whatever happens to the process afterwards. The provider look-up reads
that file, as Twilio's message list would tell what it has.
"""

import os
import signal
import threading
import traceback
from datetime import timedelta

import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from desk.extensions import db
from desk.notify import dispatch, queries, tasks
from desk.notify.channels.base import PermanentError
from desk.notify.models import MessageState, OutboxMessage
from tests.conftest import LIVE_DATABASES, _database_params
from tests.fixtures.factories import NOW
from tests.notify.dispatch_support import (
    FakeBackend,
    clear_outbox,
    fresh_app,
    install,
    make_person,
    queue_messages,
)

pytestmark = LIVE_DATABASES

MESSAGES = dispatch.BATCH_MAX + 4  # a full batch and one of 4
REFUSED_EVERY = 5  # every fifth message is refused by the provider (ends failed)

# (where, n): kill the process at the n-th occurrence of `where`; None: run to the end
# A round commits: the sweep (1), the first claim (2), the records of its full batch in
# one (3), the second claim (4), the four records of its batch (5), the last, empty claim.
# Sends are made by the dispatcher's sending threads, several at a time: a kill at a
# send may find other sends of the batch already done or under way.
SINGLE_KILLS = [
    ("before_commit", 2), ("before_commit", 3), ("before_commit", 4), ("before_commit", 5),
    ("after_commit", 2), ("after_commit", 3), ("after_commit", 5),
    ("before_send", 1), ("before_send", 12), ("before_send", dispatch.BATCH_MAX + 2),
    ("after_send", 1), ("after_send", 9), ("after_send", 18),
]
CHAINS = [[kill] for kill in SINGLE_KILLS] + [
    # killed again and again while restarting
    [("after_send", 3), ("before_commit", 2), ("before_send", 2), ("after_commit", 4)],
    [("after_commit", 2), ("after_commit", 2), ("after_send", 1), ("after_send", 4)],
]


@pytest.fixture(scope="module", params=_database_params())
def live_app(request, tmp_path_factory):
    app, close = fresh_app(request.param, tmp_path_factory)
    yield app
    close()


class KillSwitch:
    """Counts the occurrences of one point, whichever thread reaches it."""

    def __init__(self, where, nth):
        self.where, self.nth, self.seen = where, nth, 0
        self.lock = threading.Lock()

    def __call__(self, where, *args):
        if where == self.where:
            with self.lock:
                self.seen += 1
                if self.seen == self.nth:
                    os.kill(os.getpid(), signal.SIGKILL)


def _dispatcher_child(app, kill, log_path):
    """The body of the forked dispatcher process; never returns."""
    status = 0
    try:
        with app.app_context():
            db.engine.dispose(close=False)  # the parent's connections stay the parent's
            switch = KillSwitch(*kill) if kill else (lambda *args: None)
            event.listen(db.engine, "commit", lambda conn: switch("before_commit"))
            event.listen(Session, "after_commit", lambda session: switch("after_commit"))
            backend = FakeBackend(log_path=log_path, on_send=switch)
            backend.script = _refusals()
            install(app, backend)
            tasks.run_pass(now=NOW, timeout=timedelta(0))
    except BaseException:
        traceback.print_exc()
        status = 1
    finally:
        os._exit(status)


def _refusals():
    ids = db.session.scalars(select(OutboxMessage.id)).all()
    db.session.rollback()
    return {message_id: [PermanentError("invalid number", code="21211")] * 10
            for message_id in ids if message_id % REFUSED_EVERY == 0}


def run_dispatcher(app, kill, log_path):
    """Fork a dispatcher, wait for it; returns its exit status or the killing signal."""
    db.session.remove()
    pid = os.fork()
    if pid == 0:
        _dispatcher_child(app, kill, log_path)
    _pid, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        return -os.WTERMSIG(status)
    return os.WEXITSTATUS(status)


@pytest.mark.parametrize("chain", CHAINS, ids=lambda chain: "+".join(
    f"{where}{nth}" for where, nth in chain))
def test_killed_dispatchers_never_send_twice_and_lose_nothing(live_app, chain, tmp_path):
    log_path = tmp_path / "provider.log"
    log_path.touch()
    with live_app.app_context():
        clear_outbox()
        ids = queue_messages(MESSAGES, person=make_person(), due=NOW)
        db.session.remove()
        killed = 0
        for kill in chain:
            status = run_dispatcher(live_app, kill, log_path)
            assert status in (-signal.SIGKILL, 0), f"dispatcher failed with {status}"
            killed += status == -signal.SIGKILL
        assert killed >= 1, "no kill point was reached: the scenario tests nothing"
        # the restart, and one more round that must change nothing
        assert run_dispatcher(live_app, None, log_path) == 0
        before = _outbox(ids)
        assert run_dispatcher(live_app, None, log_path) == 0
        assert _outbox(ids) == before

        sends = FakeBackend(log_path=log_path).logged_sends()
        assert max(sends.values(), default=0) <= 1, f"delivered twice: {sends}"
        listed = {message.id for message in queries.needing_decision()}
        for message_id, (state, error_code) in before.items():
            delivered = sends[message_id] == 1
            if delivered:
                assert state == MessageState.SENT, (message_id, state)
            elif state == MessageState.FAILED:  # refused by the provider
                assert message_id % REFUSED_EVERY == 0 and error_code == "21211"
                assert message_id in listed
            else:
                # claimed, then the process died before the hand-over
                assert state == MessageState.UNKNOWN, (message_id, state)
                assert message_id in listed
        assert set(sends) <= set(ids)


def _outbox(ids):
    db.session.rollback()
    rows = db.session.execute(select(OutboxMessage.id, OutboxMessage.state,
                                     OutboxMessage.error_code)
                              .where(OutboxMessage.id.in_(ids))).all()
    db.session.rollback()
    return {row.id: (MessageState(row.state), row.error_code) for row in rows}
