"""Who runs the dispatcher, and how it hears about new messages.

- `desk serve` (the embedded default) starts one background thread per process
  (`start`), which sweeps stale claims and runs the features' periodic jobs (the digest
  of new classes: desk.notify.tasks.run_periodic) every SWEEP_SECONDS and sends what is due every
  POLL_SECONDS — at once when a transaction that queued a message commits, and runs the
  retention purge once a day at DESK_PURGE_TIME. `stop` ends it between two batches. Tests never get one unless they start it themselves.
- With DESK_CELERY_BROKER_URL set, Celery beat and workers do the same work
  (desk.notify.celery_app) and `desk serve` starts no thread; a commit that queued a
  message asks a worker to dispatch right away.

`init_app` (called by create_app) installs the commit hook and, when configured, Celery.
"""

import logging
import threading
import time

from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from desk.core.timeutil import local_today, utcnow
from desk.extensions import db
from desk.notify import tasks
from desk.notify.models import MessageState, OutboxMessage

logger = logging.getLogger("desk.notify")

POLL_SECONDS = 10
SWEEP_SECONDS = 60
BATCH_PER_ROUND = 50  # messages between two looks at the stop signal
WAKE_FLAG = "desk.notify.queued"


class Scheduler:
    """A background thread that runs the dispatcher for one application."""

    def __init__(self, app, *, poll_seconds=POLL_SECONDS, sweep_seconds=SWEEP_SECONDS):
        self.app = app
        self.poll_seconds = poll_seconds
        self.sweep_seconds = sweep_seconds
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread = None
        self._last_sweep = None
        self._last_purge_day = None

    @property
    def is_running(self):
        return self._thread is not None and self._thread.is_alive()

    def start(self):
        self._thread = threading.Thread(target=self.run, name="desk-dispatcher", daemon=True)
        self._thread.start()
        logger.info("dispatcher started in this process (every %ss)", self.poll_seconds)

    def wake(self):
        self._wake.set()

    def stop(self, timeout=30):
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
        logger.info("dispatcher stopped")

    def run_round(self):
        """One round: a sweep when it is time, then batches until nothing is due."""
        with self.app.app_context():
            try:
                if (self._last_sweep is None
                        or time.monotonic() - self._last_sweep >= self.sweep_seconds):
                    tasks.sweep()
                    tasks.run_periodic()
                    self._last_sweep = time.monotonic()
                while not self._stop.is_set():
                    if tasks.dispatch_due(limit=BATCH_PER_ROUND).total() < BATCH_PER_ROUND:
                        break
                now = utcnow()
                if not self._stop.is_set() and tasks.purge_due(self._last_purge_day, now=now):
                    self._last_purge_day = local_today(now)
                    tasks.purge_expired(now=now)
            except Exception:
                logger.exception("dispatcher round failed; trying again in %ss",
                                 self.poll_seconds)
            finally:
                db.session.remove()

    def run(self):
        """Rounds until `stop` (in the calling thread; `start` runs it in its own)."""
        while not self._stop.is_set():
            self._wake.clear()
            self.run_round()
            self._wake.wait(self.poll_seconds)


_scheduler = None
_scheduler_lock = threading.Lock()


def start(app, **options):
    """Start the process' dispatcher thread (once: a second call returns the first)."""
    global _scheduler
    with _scheduler_lock:
        if _scheduler is None or not _scheduler.is_running:
            _scheduler = Scheduler(app, **options)
            _scheduler.start()
        return _scheduler


def stop():
    global _scheduler
    with _scheduler_lock:
        scheduler, _scheduler = _scheduler, None
    if scheduler is not None:
        scheduler.stop()


def wake():
    """Tell whoever dispatches in this deployment that a message is waiting."""
    scheduler = _scheduler
    if scheduler is not None:
        scheduler.wake()
    celery = current_app.extensions.get("celery") if has_app_context() else None
    if celery is not None:
        from desk.notify.celery_app import dispatch_soon

        dispatch_soon(celery)


def _queued_messages(session):
    return any(isinstance(obj, OutboxMessage) and obj.state == MessageState.QUEUED
               for obj in (*session.new, *session.dirty))


def note_queued(session):
    """Messages were queued in `session`'s transaction by a Core INSERT
    (desk.notify.planning.queue): its commit wakes the dispatcher, as the flush of a new
    queued message does."""
    session.info[WAKE_FLAG] = True


def _note_queued(session, flush_context):
    if _queued_messages(session):
        note_queued(session)


def _wake_after_commit(session):
    # a SAVEPOINT released (a request's service call, desk.core.transaction) commits
    # nothing yet: the messages wait for the transaction's own commit
    if session.in_nested_transaction():
        return
    if session.info.pop(WAKE_FLAG, False):
        wake()


def _forget(session):
    # a SAVEPOINT rolled back leaves what the transaction queued before it
    if session.in_nested_transaction():
        return
    session.info.pop(WAKE_FLAG, None)


def init_app(app):
    if not event.contains(Session, "after_flush", _note_queued):
        event.listen(Session, "after_flush", _note_queued)
        event.listen(Session, "after_commit", _wake_after_commit)
        event.listen(Session, "after_rollback", _forget)
    if app.config["DESK_CELERY_BROKER_URL"]:
        from desk.notify.celery_app import celery_init_app

        celery_init_app(app)
