"""The dispatcher's scheduled work, the same whoever runs it (the in-process scheduler of
`desk serve`, Celery beat and workers, `desk dispatch`):

- `dispatch_due`: send what is due (desk.notify.dispatch).
- `mark_stale_claims`: a message left in `sending` longer than CLAIM_TIMEOUT belonged to
  a dispatcher that died between its claim and its record: it becomes `unknown` (and
  its one-time secret, if any, is wiped: it is never sent again as it was).
- `reconcile_unknown`: for each unknown message of the last RECONCILE_WINDOW whose backend
  can look messages up at the provider (Twilio: the messages to that number since the
  claim), a match settles it as sent. What cannot be settled stays `unknown` and is
  listed for coordinators ("send again" / "it arrived"); nothing is re-sent blindly.

- `run_periodic`: the features' own scheduled jobs (`register_periodic`: the digest of
  new classes, seat offers past their deadline), each asked every sweep whether it is
  due, so that whoever runs the dispatcher runs them too, without notify knowing what
  they are; each job decides that itself, idempotently (a run of a period it already
  ran does nothing).
- `purge_expired`: once a day, the retention purge (desk.core.retention): personal data
  past its period is anonymised or deleted. Not about messages, but it is scheduled
  work that must run wherever desk runs, by the same runners.

Each step commits per item and is safe to run twice or concurrently.
"""

import logging
from datetime import timedelta

from flask import current_app
from sqlalchemy import select, update

from desk.core import retention
from desk.core.db import write_intent
from desk.core.timeutil import local_today, to_local, utcnow
from desk.extensions import db
from desk.notify.dispatch import channels_for, dispatch_due
from desk.notify.models import MessageState, OutboxMessage

logger = logging.getLogger("desk.notify")

CLAIM_TIMEOUT = timedelta(minutes=10)
RECONCILE_WINDOW = timedelta(hours=1)

__all__ = ["dispatch_due", "mark_stale_claims", "purge_due", "purge_expired",
           "reconcile_unknown", "register_periodic", "run_pass", "run_periodic", "sweep"]

PERIODIC = {}


def register_periodic(name, job):
    """A feature's scheduled job: `job(now=...)` runs it when it is due (and does
    nothing otherwise), commits itself, and returns something to log or None."""
    if name in PERIODIC:
        raise ValueError(f"periodic job {name!r} is registered twice")
    PERIODIC[name] = job
    return job


def run_periodic(*, now=None):
    """Run every registered job once (each when it is due); one failing does not stop
    the others. Returns {name: what it returned} of the jobs that did something."""
    now = now or utcnow()
    done = {}
    for name, job in sorted(PERIODIC.items()):
        db.session.rollback()
        try:
            result = job(now=now)
        except Exception:
            db.session.rollback()
            logger.exception("periodic job %s failed; it is asked again next time", name)
            continue
        if result is not None:
            done[name] = result
            logger.info("periodic job %s: %s", name, result)
    db.session.rollback()
    return done


def mark_stale_claims(*, now, timeout=CLAIM_TIMEOUT):
    """`sending` claims older than `timeout` become `unknown`; returns their ids."""
    db.session.rollback()
    with write_intent():
        ids = list(db.session.scalars(
            update(OutboxMessage)
            .where(OutboxMessage.state == MessageState.SENDING,
                   OutboxMessage.claimed_dt <= now - timeout)
            .values(state=MessageState.UNKNOWN, updated_dt=now, secret=None,
                    last_error="Outcome unknown: the dispatcher stopped after claiming it.")
            .returning(OutboxMessage.id)
            .execution_options(synchronize_session=False)))
        db.session.commit()
    if ids:
        logger.warning("%d outbox message(s) left in sending are now unknown: %s",
                       len(ids), ids)
    return ids


def _settle(message_id, result, now):
    with write_intent():
        message = db.session.get(OutboxMessage, message_id)
        settled = db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id, OutboxMessage.state == MessageState.UNKNOWN)
            .values(state=MessageState(result.state), provider_id=result.provider_id,
                    sent_dt=message.claimed_dt, updated_dt=now, error_code=None,
                    last_error="Found at the provider after the dispatcher stopped.")
            .execution_options(synchronize_session=False)).rowcount == 1
        db.session.commit()
    return settled


def reconcile_unknown(*, now):
    """Look unknown messages up at their provider; returns the ids settled as sent."""
    app = current_app._get_current_object()
    channels = channels_for(app)
    db.session.rollback()
    ids = list(db.session.scalars(
        select(OutboxMessage.id)
        .where(OutboxMessage.state == MessageState.UNKNOWN,
               OutboxMessage.resolved_dt.is_(None),
               OutboxMessage.claimed_dt >= now - RECONCILE_WINDOW)
        .order_by(OutboxMessage.id)))
    settled = []
    for message_id in ids:
        db.session.rollback()
        message = db.session.get(OutboxMessage, message_id)
        try:
            lookup = getattr(channels.backend_for(message, app), "lookup", None)
            result = lookup(message) if lookup is not None else None
        except Exception:
            logger.warning("looking up outbox message %s at the provider failed", message_id,
                           exc_info=True)
            continue
        db.session.rollback()
        if result is not None and _settle(message_id, result, now):
            settled.append(message_id)
    db.session.rollback()
    return settled


def sweep(*, now=None, timeout=CLAIM_TIMEOUT):
    """Stale claims to unknown, then reconcile; returns (ids now unknown, ids settled)."""
    now = now or utcnow()
    stale = mark_stale_claims(now=now, timeout=timeout)
    settled = reconcile_unknown(now=now)
    return stale, settled


def run_pass(*, now=None, timeout=CLAIM_TIMEOUT):
    """One full round: sweep, the periodic jobs, then send what is due. Returns the
    dispatch outcomes."""
    sweep(now=now, timeout=timeout)
    run_periodic(now=now)
    return dispatch_due(now=now)


def purge_expired(*, now=None):
    """The retention purge; returns its outcomes (desk.core.retention.Outcome)."""
    outcomes = retention.purge(current_app.config, now=now or utcnow(), actor=None)
    changed = {outcome.data_class.key: outcome.count for outcome in outcomes if outcome.count}
    logger.info("retention purge: %s", changed or "nothing past its period")
    return outcomes


def purge_due(last_day, *, now):
    """For a runner that purges once a day at DESK_PURGE_TIME (local): whether it is time,
    given the local day it last purged (None: never). Never with DESK_PURGE_TIME=off."""
    at = current_app.config["DESK_PURGE_TIME"]
    return at is not None and last_day != local_today(now) and to_local(now).time() >= at
