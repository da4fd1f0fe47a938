"""The dispatcher: claim due outbox rows, hand them to their channels a few at a time,
record the results of a batch together.

Any number of dispatchers (threads, processes, Celery workers) may run at once; none
ever sends a message twice, and one that dies leaves nothing that could be repeated:

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
   `sending`, `claimed_dt`, `attempts + 1`. The claim is COMMITTED (durable) before any
   provider is called: from then on no other dispatcher and no later round takes them.
2. **Send.** The dispatcher's own thread reads and renders each claimed message (the
   database session never leaves that thread) and passes a copy of what a backend
   reads (`Outgoing`) with its text to the dispatcher's sending threads: at most
   SENDS_IN_FLIGHT requests of one dispatcher are under way at a time, each thread with
   its own provider client (desk.notify.channels.twilio_client keeps one per thread).
   Each send waits for its turn under the rate cap (desk.notify.quiet) right before its
   request leaves, so the cap holds however many threads and dispatchers send.
3. **Record.** When every message of the batch has its outcome, ONE conditional
   `UPDATE` writes them all (per row: same id, same `attempts`, still `sending` or
   marked `unknown` meanwhile) and ONE `COMMIT` makes them durable: `sent`/`logged`
   with the provider id; a transient error puts the row back to `queued` with
   exponential backoff (after MAX_ATTEMPTS: `failed`); a permanent error makes it
   `failed` with the provider's code (a landline refusing an SMS plans one voice call
   instead; 21610 opts the number out of SMS, both in the same transaction); anything
   unexpected during the hand-over makes it `unknown` — the provider may or may not
   have it, so it is never sent again without a lookup or a coordinator's decision. A
   row that moved on meanwhile (a coordinator's decision) is left as it is. Any outcome
   but a retry wipes the row's one-time `secret` (an invitation's code).

**Why recording per batch never sends twice.** Between the claim's commit (1) and the
record's commit (3) the batch's rows are `sending`, and only the commit of (3) changes
that, all rows or none (one transaction). A dispatcher killed anywhere in between —
before a send, while requests are in flight, after the provider accepted some, or in
the middle of the record's commit — leaves every row of its batch `sending`, which no
dispatcher ever claims. After CLAIM_TIMEOUT the sweep (desk.notify.tasks) makes them
`unknown` and looks each up at the provider: one the provider has becomes `sent` (or
the provider's own state), one it does not know stays `unknown` for a coordinator
("send again" / "it arrived"). Nothing goes back to `queued` by itself once its request
may have left. What batching changes is how many rows one crash leaves to that look-up:
a batch (at most BATCH_MAX) instead of one message.

**The database failing.** A failure while reading or rendering one message (the
provider has not seen it) makes that message's outcome a retry with the usual backoff.
When the batch cannot be loaded, its claims go back to `queued` at once. When the
record itself fails, the messages that were handed over keep their claim (`unknown`
after the sweep, as above); those that never reached a provider go back to `queued`.

The channels come from desk.notify.content.render (which asks the feature that
registered the message's template) and desk.notify.channels.backend_for;
tests and staging setups may put a `Channels` pair into
`app.extensions["desk.notify.channels"]` instead.
"""

import logging
import os
import threading
from collections import Counter
from collections.abc import Callable
from concurrent import futures
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from flask import current_app
from sqlalchemy import bindparam, case, event, func, select, update
from sqlalchemy.exc import SQLAlchemyError

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
# a batch costs two transactions and five statements whatever its size (the dispatcher
# thread's CPU per message on the dispatch bench: 0.36 ms at 20, 0.23 ms at 50); one
# crash leaves at most a batch to the provider look-up
BATCH_MAX = 50
SENDS_IN_FLIGHT = 4  # requests one dispatcher has under way at a time
# Twilio: SMS to a landline refused (older / newer code, carrier-side); recipient opted out
LANDLINE_CODES = frozenset({"21614", "21635", "30006"})
OPTED_OUT_CODE = "21610"
CLAIMABLE_RECORD_STATES = (MessageState.SENDING, MessageState.UNKNOWN)
# the dispatcher's own statements are written against the table, not the mapped class:
# the same SQL without the ORM's work per statement (nothing it reads is an object)
OUTBOX = OutboxMessage.__table__


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
    second (BATCH_MAX at most, and without a cap), so that a dispatcher dying mid-batch
    leaves few claims behind. The size never lets a message go twice (every row of a
    batch stays `sending` until the batch's record commits); it sets how many a crash
    leaves `unknown` for the look-up, and how late a batch's outcomes are recorded."""
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
        update(OUTBOX)
        .where(OUTBOX.c.id.in_(message_ids), OUTBOX.c.state == MessageState.QUEUED)
        .values(updated_dt=now, **values)).rowcount


# the claim's scan and its claiming update, built once (a pass binds its moment `now`,
# how many rows it looks at and which it claims): the statements and their compiled
# forms are reused from pass to pass
_NOW = bindparam("now", type_=OUTBOX.c.due_dt.type)
_SCAN = (select(OUTBOX.c.id, OUTBOX.c.is_demo, OUTBOX.c.channel,
                (OUTBOX.c.not_after <= _NOW).label("started"),
                optout.opted_out(OUTBOX.c.address, OUTBOX.c.channel).label("opted_out"))
         .where(OUTBOX.c.state == MessageState.QUEUED, OUTBOX.c.due_dt <= _NOW)
         .order_by(OUTBOX.c.due_dt, OUTBOX.c.id)
         .limit(bindparam("scan"))
         .with_for_update(of=OUTBOX, skip_locked=True))
_CLAIM = (update(OUTBOX)
          .where(OUTBOX.c.id.in_(bindparam("chosen", expanding=True)),
                 OUTBOX.c.state == MessageState.QUEUED)
          .values(state=MessageState.SENDING, claimed_dt=_NOW, updated_dt=_NOW,
                  attempts=OUTBOX.c.attempts + 1)
          .returning(OUTBOX.c.id, OUTBOX.c.attempts))


def _claim_pass(now, wanted, claims):
    """One look at as many due rows as are still wanted (each is locked until the claim
    commits, and skipped by other dispatchers meanwhile: no more than may be claimed);
    returns whether it changed anything. Rows the rules hold back are changed on the
    way, and the next pass looks further."""
    scan = wanted - len(claims)
    candidates = db.session.execute(_SCAN, {"now": now, "scan": scan}).all()
    quiet_end = quiet_until(now, current_app.config["DESK_QUIET_HOURS"])
    demo, started, opted, deferred, chosen = [], [], [], [], []
    for message in candidates:
        if message.is_demo:
            demo.append(message.id)
        elif message.started:  # its not_after has passed
            started.append(message.id)
        elif message.opted_out:
            opted.append(message.id)
        elif needs_quiet(message.channel) and quiet_end is not None:
            deferred.append(message.id)
        else:
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
        claimed = db.session.execute(_CLAIM, {"now": now, "chosen": chosen}).all()
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


# -- outcomes -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Outcome:
    """What became of one claim, to be recorded with its batch. `handed_over`: the
    provider may have it (the claim is kept if the record fails); `refused_code`: a
    permanent refusal's code, whose after-effects the record applies."""

    claim: Claim
    state: MessageState
    handed_over: bool
    provider_id: str | None = None
    sent_dt: datetime | None = None
    due_dt: datetime | None = None  # a retry's new due time
    error_code: str | None = None
    last_error: str | None = None
    refused_code: str | None = None


def _code(code):
    return str(code)[:OutboxMessage.CODE_MAX] if code is not None and code != "" else None


def _text(text):
    return text[:OutboxMessage.ERROR_MAX]


def sent(claim, result, now):
    return Outcome(claim, MessageState(result.state), True, provider_id=result.provider_id,
                   sent_dt=now)


def transient(claim, error, now, *, handed_over):
    """Try again after the backoff; after MAX_ATTEMPTS tries: failed."""
    if claim.attempts >= MAX_ATTEMPTS:
        return Outcome(claim, MessageState.FAILED, handed_over,
                       error_code=_code(error.code or CODE_RETRIES_EXHAUSTED),
                       last_error=_text(f"Gave up after {claim.attempts} tries: {error}"))
    return Outcome(claim, MessageState.QUEUED, handed_over,
                   due_dt=now + backoff(claim.attempts), error_code=_code(error.code),
                   last_error=_text(str(error)))


def permanent(claim, error, *, handed_over):
    code = _code(error.code)
    return Outcome(claim, MessageState.FAILED, handed_over, error_code=code,
                   last_error=_text(str(error)), refused_code=code)


def unknown(claim, text, code=None):
    return Outcome(claim, MessageState.UNKNOWN, True, error_code=_code(code),
                   last_error=_text(f"Outcome unknown: {text}"))


def internal(claim, error):
    """The message cannot go as it is, and no provider has seen it."""
    return Outcome(claim, MessageState.FAILED, False, error_code=CODE_INTERNAL,
                   last_error=_text(f"Not sent: {type(error).__name__}: {error}"))


def _database_failed(error):
    return f"Not sent: the database failed before the hand-over: {type(error).__name__}"


# -- 3. record ------------------------------------------------------------------------------

def _begin_write():
    """End the read that rendered the batch where a write must begin as one: SQLite
    takes its write lock at BEGIN (IMMEDIATE). PostgreSQL writes in the same transaction,
    which read without locks: one round trip fewer per batch."""
    if db.session.get_bind().dialect.name == "sqlite" or not db.session.is_active:
        db.session.rollback()


# the columns a record writes per row; a row's None in a KEPT one keeps what it has
RECORDED = ("state", "error_code", "last_error", "provider_id", "sent_dt", "due_dt")
KEPT = frozenset({"provider_id", "sent_dt", "due_dt"})


@lru_cache(maxsize=64)
def _record_statement(size, written):
    """The conditional UPDATE recording `size` outcomes, with bind parameters per row
    (`i0`: the row's id, `a0`: its claim's attempts, `state0`... its values), built once
    per shape (how many rows, which of the RECORDED columns any row writes; of the
    others, the KEPT ones are left alone and the rest become NULL): the statement and its compiled form are reused from batch to batch,
    instead of a statement with each batch's values built and compiled again."""
    columns = OUTBOX.c
    ids = [bindparam(f"i{row}", type_=columns.id.type) for row in range(size)]

    def per_row(name, prefix):
        return case({ids[row]: bindparam(f"{prefix}{row}", type_=columns[name].type)
                     for row in range(size)}, value=columns.id)

    values = {"updated_dt": bindparam("now", type_=columns.updated_dt.type)}
    for name in RECORDED:
        if name not in written:
            if name not in KEPT:
                values[name] = None
        elif name in KEPT:
            values[name] = func.coalesce(per_row(name, name), columns[name])
        else:
            values[name] = per_row(name, name)
    # a retry keeps its one-time secret (an invitation's code); every other outcome wipes it
    values["secret"] = case((values["state"] == MessageState.QUEUED, columns.secret),
                            else_=None)
    return (update(OUTBOX)
            .where(columns.id.in_(ids), columns.attempts == per_row("attempts", "a"),
                   columns.state.in_(CLAIMABLE_RECORD_STATES))
            .values(values)
            .returning(columns.id))


def _record_parameters(outcomes, now, written):
    parameters = {"now": now}
    for row, outcome in enumerate(outcomes):
        parameters[f"i{row}"] = outcome.claim.id
        parameters[f"a{row}"] = outcome.claim.attempts
        for name in written:
            parameters[f"{name}{row}"] = getattr(outcome, name)
    return parameters


def record_outcomes(outcomes, now):
    """Write a batch's outcomes with one conditional UPDATE and one COMMIT, with the
    after-effects of the refusals that were applied; returns the ids written. A row that
    moved on meanwhile (a coordinator decided about it) keeps what it has."""
    written = frozenset(name for name in RECORDED  # always the state, which no row lacks
                        if any(getattr(outcome, name) is not None for outcome in outcomes))
    _begin_write()
    with write_intent():
        applied = set(db.session.scalars(
            _record_statement(len(outcomes), written),
            _record_parameters(outcomes, now, written)))
        for outcome in outcomes:
            if outcome.refused_code is not None and outcome.claim.id in applied:
                _after_permanent(outcome.claim, outcome.refused_code, now)
        db.session.commit()
    for outcome in outcomes:
        if outcome.claim.id not in applied:
            logger.warning("outbox message %s changed while it was being sent; outcome %s "
                           "kept out of the record", outcome.claim.id, outcome.state)
    return applied


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


# -- 2. send --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Outgoing:
    """What a channel backend reads of a message, copied in the dispatcher's thread:
    the sending threads never touch the database session or its objects."""

    id: int
    channel: MessageChannel
    address: str
    template: str
    topic: str
    topic_id: int | None
    locale: str

    @classmethod
    def of(cls, message):
        return cls(message.id, MessageChannel(message.channel), message.address,
                   message.template, message.topic, message.topic_id, message.locale)


def prepare(claim, message, channels, clock):
    """Render a claimed message (loaded with its batch) in the dispatcher's thread:
    (Outgoing, content), or the Outcome of a message that cannot reach its provider. A
    database failure here is a retry with backoff: the provider has not seen the
    message."""
    try:
        return Outgoing.of(message), channels.render(message)
    except SQLAlchemyError as error:
        db.session.rollback()
        logger.warning("outbox message %s: the database failed before the hand-over; "
                       "queued again", claim.id, exc_info=True)
        return transient(claim, TransientError(_database_failed(error)), clock(),
                         handed_over=False)
    except PermanentError as error:  # e.g. a text that cannot be sent as it is
        db.session.rollback()
        return permanent(claim, error, handed_over=False)
    except Exception as error:  # nothing left desk: the message cannot go as it is
        db.session.rollback()
        logger.exception("outbox message %s could not be prepared", claim.id)
        return internal(claim, error)


def hand_over(app, channels, claim, outgoing, content, clock):
    """In a sending thread: wait for the rate cap's turn, send, and say what became of
    it (an Outcome, never an exception)."""
    with app.app_context():
        try:
            backend = channels.backend_for(outgoing, app)
            wait_for_turn(app.config, outgoing.channel)
        except Exception as error:  # the request never left
            logger.exception("outbox message %s could not be handed over", claim.id)
            return internal(claim, error)
        try:
            result = backend.send(outgoing, content)
        except TransientError as error:
            return transient(claim, error, clock(), handed_over=True)
        except PermanentError as error:
            return permanent(claim, error, handed_over=True)
        except OutcomeUnknown as error:  # the request went out, no answer came back
            return unknown(claim, error, error.code)
        except Exception as error:  # the provider may or may not have it: never guess
            logger.exception("outbox message %s: the hand-over failed unexpectedly",
                             claim.id)
            return unknown(claim, f"{type(error).__name__}: {error}")
        return sent(claim, result, clock())


_senders = threading.local()


def _forget_senders():
    """A forked process (Celery's prefork workers, the bench) has none of its parent's
    threads: it starts its own sending threads."""
    global _senders
    _senders = threading.local()


os.register_at_fork(after_in_child=_forget_senders)


def senders():
    """This dispatcher's (this thread's) pool of SENDS_IN_FLIGHT sending threads, kept
    for the thread's life so that each sending thread keeps its provider connection;
    they end with it."""
    pool = getattr(_senders, "pool", None)
    if pool is None:
        pool = _senders.pool = ThreadPoolExecutor(max_workers=SENDS_IN_FLIGHT,
                                                  thread_name_prefix="desk-send")
    return pool


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
            db.session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id.in_([claim.id for claim in claims]),
                       OutboxMessage.attempts == case(
                           {claim.id: claim.attempts for claim in claims},
                           value=OutboxMessage.id),
                       OutboxMessage.state == MessageState.SENDING)
                .values(state=MessageState.QUEUED, due_dt=now, updated_dt=now)
                .execution_options(synchronize_session=False))
            db.session.commit()
    except SQLAlchemyError:
        db.session.rollback()
        logger.exception("outbox messages %s could not be put back to queued; they stay "
                         "claimed until the sweep", [claim.id for claim in claims])


def send_batch(claims, channels, clock):
    """Load the claimed messages (when that fails, every claim goes back to `queued`
    and the error goes up), prepare each, send them SENDS_IN_FLIGHT at a time, record
    every outcome together; returns the outcomes' states, in the claims' order. When
    the record fails, the claims that never reached a provider go back to `queued` and the others
    keep theirs (`unknown` after the sweep); the error goes up."""
    app = current_app._get_current_object()
    try:
        messages = _load([claim.id for claim in claims])
    except SQLAlchemyError:
        release_claims(claims, clock())
        raise
    pool = senders()
    waiting = []
    for claim in claims:
        prepared = prepare(claim, messages.get(claim.id), channels, clock)
        if isinstance(prepared, Outcome):
            waiting.append(prepared)
        else:
            waiting.append(pool.submit(hand_over, app, channels, claim, *prepared, clock))
    # one wake-up when the batch's last send is done, not one per send still under way
    futures.wait([item for item in waiting if not isinstance(item, Outcome)])
    outcomes = [item if isinstance(item, Outcome) else item.result() for item in waiting]
    try:
        record_outcomes(outcomes, clock())
    except Exception:
        release_claims([outcome.claim for outcome in outcomes if not outcome.handed_over],
                       clock())
        raise
    return [outcome.state for outcome in outcomes]


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
    # what a batch loads (its messages, and what rendering reads: a booking, its session
    # and venue) stays in the session until the next batch, instead of being dropped by
    # the session's weak identity map after each message and read again for the next
    held = []

    def hold(_session, instance):
        held.append(instance)

    # ... and is not expired by the batch's commits either
    expire_on_commit, session.expire_on_commit = session.expire_on_commit, False
    event.listen(session, "loaded_as_persistent", hold)
    try:
        while limit is None or outcomes.total() < limit:
            wanted = batch if limit is None else min(batch, limit - outcomes.total())
            held.clear()
            claims = claim_due(now=clock(), limit=wanted)
            if not claims:
                break
            outcomes.update(send_batch(claims, channels, clock))
    finally:
        event.remove(session, "loaded_as_persistent", hold)
        db.session.rollback()
        session.expire_on_commit = expire_on_commit
    return outcomes


def _load(message_ids):
    """{id: message} of the claimed messages, in one query. Their person and proxy are
    not loaded with them: no feature's rendering reads them (each reads what its
    message is about, a booking or a shift), and the record reads only columns."""
    return {message.id: message for message in db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.id.in_(message_ids)))}
