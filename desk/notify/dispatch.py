"""The dispatcher: claim due outbox rows, hand each to its channel, record the result.

Every step is its own committed transaction, so that any number of dispatchers (threads,
processes, Celery workers) never send one message twice, and a dispatcher that dies
leaves nothing half-done that could be repeated:

1. **Claim.** Due `queued` rows are read with `SELECT ... FOR UPDATE SKIP LOCKED` on
   PostgreSQL (other dispatchers skip them); on SQLite the transaction takes the write
   lock at BEGIN (`write_intent`). Each row is checked again under the lock: a demo
   message (`is_demo`) is recorded as `logged` and never handed to a provider, whatever
   is configured; a message whose `not_after` has passed (its feature stored the moment
   at planning time: a session's start, a shift's start, a call for cover's shift end, a
   consultation desk visitor's session end) is cancelled (`error_code` session_started),
   one to an address that opted out of its channel (desk.notify.optout: SMS, calls or
   e-mail, each on its own) is cancelled (opted_out), an SMS or call due in quiet
   hours keeps `queued` with its due time moved to the end of the quiet hours. The rest
   are claimed by a conditional update (`WHERE id IN (...) AND state = 'queued'`): state
   `sending`, `claimed_dt`, `attempts + 1`. The claim is COMMITTED before any provider
   is called.
2. **Send.** The message is rendered and handed to its channel backend, after waiting for
   its turn under the rate cap (desk.notify.quiet).
3. **Record.** In a new transaction, conditional on the claim (same id, same `attempts`,
   still `sending` or marked `unknown` meanwhile): `sent`/`logged` with the provider id;
   a transient error puts the row back to `queued` with exponential backoff (after
   MAX_ATTEMPTS: `failed`); a permanent error makes it `failed` with the provider's code
   (a landline refusing an SMS plans one voice call instead; 21610 opts the number out
   of SMS);
   anything unexpected during the hand-over makes it `unknown` — the provider may or may
   not have it, so it is never sent again without a lookup or a coordinator's decision.
   Any outcome but a retry wipes the row's one-time `secret` (an invitation's code).

A database failure before the hand-over (reading or rendering the message) puts the
claim back to `queued` with the same backoff as a transient provider error: the provider
has not seen it. When a failure ends a round, the batch's claims not yet handed over go
back to `queued` too; only the claim whose hand-over had begun keeps its `sending`.

A claim left in `sending` (its dispatcher died between 1 and 3) becomes `unknown` after
a timeout and is reconciled with the provider: see desk.notify.tasks.

The channels come from desk.notify.content.render (which asks the feature that
registered the message's template) and desk.notify.channels.backend_for;
tests and staging setups may put a `Channels` pair into
`app.extensions["desk.notify.channels"]` instead.
"""

import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import selectinload

from desk.core.db import write_intent
from desk.core.timeutil import utcnow
from desk.extensions import db
from desk.notify import kinds, optout
from desk.notify.channels.base import OutcomeUnknown, PermanentError, TransientError
from desk.notify.models import (
    CODE_INTERNAL,
    CODE_OPTED_OUT,
    CODE_RETRIES_EXHAUSTED,
    CODE_SESSION_STARTED,
    MessageChannel,
    MessageState,
    OptOutSource,
    OutboxMessage,
)
from desk.notify.quiet import needs_quiet, quiet_until, wait_for_turn

logger = logging.getLogger("desk.notify")

EXTENSION_KEY = "desk.notify.channels"
MAX_ATTEMPTS = 6
BACKOFF_BASE = timedelta(minutes=1)
BACKOFF_CAP = timedelta(minutes=30)
BATCH_MAX = 10
SCAN_FACTOR = 4  # rows looked at per claim pass, per message wanted
# Twilio: SMS to a landline refused (older / newer code, carrier-side); recipient opted out
LANDLINE_CODES = frozenset({"21614", "21635", "30006"})
OPTED_OUT_CODE = "21610"
CLAIMABLE_RECORD_STATES = (MessageState.SENDING, MessageState.UNKNOWN)


@dataclass(frozen=True)
class Channels:
    """How a message becomes text (`render(message) -> content`) and which backend takes
    it (`backend_for(message, app) -> backend`, whose `send(message, content)` returns a
    desk.notify.channels.base.SendResult and may offer `lookup(message)`)."""

    render: Callable
    backend_for: Callable


def channels_for(app):
    override = app.extensions.get(EXTENSION_KEY)
    if override is not None:
        return override
    from desk.notify.channels import backend_for
    from desk.notify.content import render

    return Channels(render=render, backend_for=backend_for)


@dataclass(frozen=True, order=True)
class Claim:
    id: int
    attempts: int  # the value this claim set; the record step is conditional on it


def batch_size(config):
    """How many messages one claim takes: what the rate cap lets go out in about a
    second, so that a dispatcher dying mid-batch leaves few claims behind."""
    rate = config["DESK_SMS_RATE_PER_SECOND"]
    if not rate or rate <= 0:
        return BATCH_MAX
    return max(1, min(BATCH_MAX, int(rate)))


def backoff(attempts):
    """Wait before try number `attempts + 1`: 1, 2, 4, 8, 16 minutes, at most 30."""
    return min(BACKOFF_BASE * 2 ** max(attempts - 1, 0), BACKOFF_CAP)


# -- 1. claim -------------------------------------------------------------------------------

def _change_all(message_ids, now, **values):
    """Conditional update of queued rows; the number it applied to."""
    if not message_ids:
        return 0
    return db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(message_ids), OutboxMessage.state == MessageState.QUEUED)
        .values(updated_dt=now, **values)
        .execution_options(synchronize_session=False)).rowcount


def _claim_pass(now, wanted, claims):
    """One look at the due rows; returns whether it changed anything."""
    candidates = db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.state == MessageState.QUEUED, OutboxMessage.due_dt <= now)
        .order_by(OutboxMessage.due_dt, OutboxMessage.id)
        .limit(wanted * SCAN_FACTOR)
        .with_for_update(skip_locked=True)).all()
    opted_out = optout.opted_out_among(
        (message.address, message.channel) for message in candidates)
    quiet_end = quiet_until(now, current_app.config["DESK_QUIET_HOURS"])
    demo, started, opted, deferred, chosen = [], [], [], [], []
    for message in candidates:
        if message.is_demo:
            demo.append(message.id)
        elif message.not_after is not None and message.not_after <= now:
            started.append(message.id)
        elif (message.address, message.channel) in opted_out:
            opted.append(message.id)
        elif needs_quiet(message.channel) and quiet_end is not None:
            deferred.append(message.id)
        elif len(claims) + len(chosen) < wanted:
            chosen.append(message.id)
    changed = any([
        _change_all(demo, now, state=MessageState.LOGGED, secret=None, sent_dt=now),
        _change_all(started, now, state=MessageState.CANCELLED, secret=None,
                    error_code=CODE_SESSION_STARTED,
                    last_error="Not sent: the session had started."),
        _change_all(opted, now, state=MessageState.CANCELLED, secret=None,
                    error_code=CODE_OPTED_OUT,
                    last_error="Not sent: the recipient opted out of this channel."),
        _change_all(deferred, now, due_dt=quiet_end),
    ])
    if chosen:
        claimed = db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(chosen), OutboxMessage.state == MessageState.QUEUED)
            .values(state=MessageState.SENDING, claimed_dt=now, updated_dt=now,
                    attempts=OutboxMessage.attempts + 1)
            .returning(OutboxMessage.id, OutboxMessage.attempts)
            .execution_options(synchronize_session=False)).all()
        claims.extend(sorted(Claim(row.id, row.attempts) for row in claimed))
        changed |= bool(claimed)
    return changed


def claim_due(*, now, limit):
    """Claim up to `limit` due messages and commit; returns [Claim]. Cancels and defers
    on the way what the rules say may not go out now. Begins its own transaction."""
    db.session.rollback()
    claims = []
    with write_intent():
        while len(claims) < limit and _claim_pass(now, limit, claims):
            pass
        db.session.commit()
    return claims


# -- 3. record ------------------------------------------------------------------------------

def _begin_write():
    """End the read that rendered the message where a write must begin as one: SQLite
    takes its write lock at BEGIN (IMMEDIATE). PostgreSQL writes in the same transaction,
    which read without locks: one round trip fewer per message."""
    if db.session.get_bind().dialect.name == "sqlite" or not db.session.is_active:
        db.session.rollback()


def _record(claim, now, *, then=None, **values):
    """Write the outcome of a claim in its own transaction (and run `then` in it); False
    when the row moved on meanwhile (a coordinator decided about it): nothing written.
    A one-time secret (an invitation's code) is wiped with any outcome but a retry."""
    if values.get("state") != MessageState.QUEUED:
        values["secret"] = None
    _begin_write()
    with write_intent():
        result = db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == claim.id, OutboxMessage.attempts == claim.attempts,
                   OutboxMessage.state.in_(CLAIMABLE_RECORD_STATES))
            .values(updated_dt=now, **values)
            .execution_options(synchronize_session=False))
        applied = result.rowcount == 1
        if applied and then is not None:
            then()
        db.session.commit()
    if not applied:
        logger.warning("outbox message %s changed while it was being sent; outcome %s kept "
                       "out of the record", claim.id, values.get("state"))
    return applied


def _record_sent(claim, result, now):
    state = MessageState(result.state)
    _record(claim, now, state=state, provider_id=result.provider_id, sent_dt=now,
            error_code=None, last_error=None)
    return state


def _record_transient(claim, error, now):
    text = str(error)[:OutboxMessage.ERROR_MAX]
    if claim.attempts >= MAX_ATTEMPTS:
        _record(claim, now, state=MessageState.FAILED,
                error_code=str(error.code or CODE_RETRIES_EXHAUSTED)[:OutboxMessage.CODE_MAX],
                last_error=f"Gave up after {claim.attempts} tries: {text}")
        return MessageState.FAILED
    _record(claim, now, state=MessageState.QUEUED, due_dt=now + backoff(claim.attempts),
            error_code=str(error.code)[:OutboxMessage.CODE_MAX] if error.code else None,
            last_error=text)
    return MessageState.QUEUED


def plan_voice_fallback(message, *, now):
    """Queue one voice call in place of an SMS that a landline refused, where the
    message's feature allows it (desk.notify.kinds: `voice_fallback`; volunteers get
    SMS or e-mail only, and a consultation desk visitor's turn SMS has no spoken
    version). Nothing when a call for the same address, template and topic exists
    already. Flushes only."""
    topic = kinds.topic_of(message.template)
    if topic is None or not topic.voice_fallback:
        return None
    exists = db.session.scalar(select(OutboxMessage.id).where(
        OutboxMessage.channel == MessageChannel.VOICE,
        OutboxMessage.address == message.address,
        OutboxMessage.template == message.template,
        OutboxMessage.topic == message.topic,
        OutboxMessage.topic_id.is_(None) if message.topic_id is None
        else OutboxMessage.topic_id == message.topic_id).limit(1))
    if exists is not None:
        return None
    call = OutboxMessage(
        recipient_kind=message.recipient_kind, person_id=message.person_id,
        proxy_id=message.proxy_id, recipient_id=message.recipient_id,
        channel=MessageChannel.VOICE, address=message.address, template=message.template,
        locale=message.locale, due_dt=now, topic=message.topic, topic_id=message.topic_id,
        not_after=message.not_after, state=MessageState.QUEUED, replaces_id=message.id,
        created_dt=now, updated_dt=now)
    db.session.add(call)
    db.session.flush()
    return call


def _after_permanent(claim, code, now):
    message = db.session.get(OutboxMessage, claim.id)
    if code in LANDLINE_CODES and message.channel == MessageChannel.SMS:
        plan_voice_fallback(message, now=now)
    elif code == OPTED_OUT_CODE:
        optout.opt_out(message.address, channel=MessageChannel.SMS,
                       source=OptOutSource.PROVIDER, actor=None, now=now)


def _record_permanent(claim, error, now):
    code = str(error.code) if error.code is not None else None
    _record(claim, now, state=MessageState.FAILED,
            error_code=code[:OutboxMessage.CODE_MAX] if code else None,
            last_error=str(error)[:OutboxMessage.ERROR_MAX],
            then=lambda: _after_permanent(claim, code, now))
    return MessageState.FAILED


# -- 2. send --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Prepared:
    """A claimed message ready for its provider: the row, its text and its backend."""

    message: OutboxMessage
    content: object
    backend: object


def prepare_claimed(claim, channels, clock):
    """Read and render a claimed message: a Prepared, or the state it ended in without
    reaching the provider. A database failure here puts the claim back to `queued`
    (the provider has not seen it: it is simply tried again later); when even that
    write fails, the error goes up to dispatch_due."""
    app = current_app._get_current_object()
    try:
        message = db.session.get(OutboxMessage, claim.id)
        return Prepared(message, channels.render(message), channels.backend_for(message, app))
    except SQLAlchemyError as error:
        db.session.rollback()
        logger.warning("outbox message %s: the database failed before the hand-over; "
                       "queued again", claim.id, exc_info=True)
        return _record_transient(claim, TransientError(_database_failed(error)), clock())
    except PermanentError as error:  # e.g. a text that cannot be sent as it is
        db.session.rollback()
        return _record_permanent(claim, error, clock())
    except Exception as error:  # nothing left desk: the message cannot go as it is
        db.session.rollback()
        logger.exception("outbox message %s could not be prepared", claim.id)
        _record(claim, clock(), state=MessageState.FAILED, error_code=CODE_INTERNAL,
                last_error=f"Not sent: {type(error).__name__}: {error}"[:OutboxMessage.ERROR_MAX])
        return MessageState.FAILED


def _database_failed(error):
    return f"Not sent: the database failed before the hand-over: {type(error).__name__}"


def hand_over(claim, prepared, clock):
    """Send a prepared message and record the result; returns the state it ended in."""
    message = prepared.message
    wait_for_turn(current_app.config, message.channel)
    try:
        result = prepared.backend.send(message, prepared.content)
    except TransientError as error:
        return _record_transient(claim, error, clock())
    except PermanentError as error:
        return _record_permanent(claim, error, clock())
    except OutcomeUnknown as error:  # the request went out, no answer came back
        _record(claim, clock(), state=MessageState.UNKNOWN,
                error_code=str(error.code)[:OutboxMessage.CODE_MAX] if error.code else None,
                last_error=f"Outcome unknown: {error}"[:OutboxMessage.ERROR_MAX])
        return MessageState.UNKNOWN
    except Exception as error:  # the provider may or may not have it: never guess
        logger.exception("outbox message %s: the hand-over failed unexpectedly", claim.id)
        _record(claim, clock(), state=MessageState.UNKNOWN,
                last_error=f"Outcome unknown: {type(error).__name__}: {error}"[
                    :OutboxMessage.ERROR_MAX])
        return MessageState.UNKNOWN
    return _record_sent(claim, result, clock())


def send_claimed(claim, channels, clock):
    """Render, send and record one claimed message; returns the state it ended in."""
    prepared = prepare_claimed(claim, channels, clock)
    if isinstance(prepared, MessageState):
        return prepared
    return hand_over(claim, prepared, clock)


def release_claims(claims, now):
    """Put claims that never reached the provider back to `queued`, due now, after a
    failure stopped the round; a claim that moved on meanwhile is left alone. Best
    effort: when the database still fails, the claims stay `sending` and the sweep
    makes them `unknown` (never sent twice)."""
    if not claims:
        return
    try:
        db.session.rollback()
        with write_intent():
            for claim in claims:
                db.session.execute(
                    update(OutboxMessage)
                    .where(OutboxMessage.id == claim.id,
                           OutboxMessage.attempts == claim.attempts,
                           OutboxMessage.state == MessageState.SENDING)
                    .values(state=MessageState.QUEUED, due_dt=now, updated_dt=now)
                    .execution_options(synchronize_session=False))
            db.session.commit()
    except SQLAlchemyError:
        db.session.rollback()
        logger.exception("outbox messages %s could not be put back to queued; they stay "
                         "claimed until the sweep", [claim.id for claim in claims])


def _send_batch(claims, channels, clock, outcomes):
    """Prepare and send each claim in turn. When a failure ends the batch, the claims
    not yet handed to their provider go back to `queued`; one that was handed over keeps
    its claim (it becomes `unknown` if nothing was recorded)."""
    for position, claim in enumerate(claims):
        try:
            prepared = prepare_claimed(claim, channels, clock)
        except Exception:
            release_claims(claims[position:], clock())
            raise
        try:
            if isinstance(prepared, MessageState):
                outcomes[prepared] += 1
            else:
                outcomes[hand_over(claim, prepared, clock)] += 1
        except Exception:
            release_claims(claims[position + 1:], clock())
            raise


def dispatch_due(*, now=None, limit=None):
    """Send what is due, batch by batch, until nothing is left (or `limit` messages
    were claimed). `now` fixes the clock (tests); by default each step reads it.
    Returns a Counter of the states the claimed messages ended in."""
    app = current_app._get_current_object()
    channels = channels_for(app)

    def clock():
        return now or utcnow()

    outcomes = Counter()
    batch = batch_size(app.config)
    session = db.session()
    # a batch's messages are read once; recording one must not make the next re-read them
    expire_on_commit, session.expire_on_commit = session.expire_on_commit, False
    try:
        while limit is None or outcomes.total() < limit:
            wanted = batch if limit is None else min(batch, limit - outcomes.total())
            claims = claim_due(now=clock(), limit=wanted)
            if not claims:
                break
            try:
                loaded = _load([claim.id for claim in claims])  # held: weak refs
            except SQLAlchemyError:
                release_claims(claims, clock())
                raise
            _send_batch(claims, channels, clock, outcomes)
            del loaded
    finally:
        db.session.rollback()
        session.expire_on_commit = expire_on_commit
    return outcomes


def _load(message_ids):
    """The claimed messages with their person and proxy, in a few queries."""
    return db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.id.in_(message_ids))
        .options(selectinload(OutboxMessage.proxy),
                 selectinload(OutboxMessage.person))).all()
