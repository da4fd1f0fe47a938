"""Personal data in the outbox: addresses (phone numbers, e-mail addresses), one-time
secrets and providers' error texts of messages that went out, and the SMS residents
sent in. Kept while someone may still ask about a message (the retention period of
`outbox_contents` and `sms_replies`, counted from when the message was finished), then
blanked: the rows stay, so that what was sent, when and about what can still be
counted. When a resident is anonymised, their messages lose their addresses at once.
"""

from sqlalchemy import and_, func, or_, select, update

from desk.core import audit, retention
from desk.extensions import db
from desk.notify import planning
from desk.notify.models import MessageState, OutboxMessage, SmsReply

FORGOTTEN = ""  # what a blanked address reads as
IN_PROGRESS = (MessageState.QUEUED, MessageState.SENDING)
BATCH = 500


def _keeps_contents():
    return or_(OutboxMessage.address != FORGOTTEN, OutboxMessage.secret.is_not(None),
               OutboxMessage.last_error.is_not(None))


def _finished_before(cutoff):
    return (OutboxMessage.state.not_in(IN_PROGRESS),
            func.coalesce(OutboxMessage.sent_dt, OutboxMessage.updated_dt) < cutoff,
            _keeps_contents())


def _forget(conditions, now, *, audit_entries):
    """Blank the contents of the finished messages matching `conditions`, in batches, and
    with `audit_entries` the addresses in the audit entries about them (which otherwise
    keep them for the audit log's own period). Returns how many."""
    done = 0
    while True:
        ids = db.session.scalars(select(OutboxMessage.id)
                                 .where(OutboxMessage.state.not_in(IN_PROGRESS),
                                        _keeps_contents(), *conditions)
                                 .order_by(OutboxMessage.id).limit(BATCH)).all()
        if not ids:
            return done
        db.session.execute(update(OutboxMessage).where(OutboxMessage.id.in_(ids))
                           .values(address=FORGOTTEN, secret=None, last_error=None)
                           .execution_options(synchronize_session="fetch"))
        if audit_entries:
            audit.remove_personal("outbox_messages", ids, now=now)
        done += len(ids)


def count_contents(cutoff):
    return db.session.scalar(select(func.count(OutboxMessage.id))
                             .where(*_finished_before(cutoff)))


def purge_contents(cutoff, now):
    return _forget(_finished_before(cutoff), now, audit_entries=False)


def _replies_before(cutoff):
    return and_(SmsReply.received_dt < cutoff,
                or_(SmsReply.address != FORGOTTEN, SmsReply.body != FORGOTTEN))


REPLIES = retention.blanking(SmsReply, _replies_before, address=FORGOTTEN, body=FORGOTTEN)


def erase_person(person, *, now):
    """A resident is being anonymised: cancel the messages still waiting for them and
    their proxies, and blank the addresses of every message they were sent (one being
    handed to a provider right now keeps its address until its outcome is known)."""
    proxy_ids = [proxy.id for proxy in person.proxies]
    theirs = [or_(OutboxMessage.person_id == person.id, OutboxMessage.proxy_id.in_(proxy_ids))]
    counts = {"messages_cancelled": planning.cancel_where(*theirs, now=now)}
    addresses = [address for address in (person.phone, person.email) if address]
    replies = 0
    if addresses:
        replies = db.session.execute(
            update(SmsReply).where(SmsReply.address.in_(addresses))
            .values(address=FORGOTTEN, body=FORGOTTEN)
            .execution_options(synchronize_session="fetch")).rowcount
    counts["messages_forgotten"] = _forget(theirs, now, audit_entries=True)
    counts["sms_replies_forgotten"] = replies
    return counts


def forget_recipient(recipient_kind, recipient_ids, *, now):
    """Cancel and blank the messages to recipients of a kind a feature registered (a
    consultation visitor's ticket): for a feature's `erasing` receiver."""
    if not recipient_ids:
        return 0
    theirs = [OutboxMessage.recipient_kind == str(recipient_kind),
              OutboxMessage.recipient_id.in_(list(recipient_ids))]
    return planning.cancel_where(*theirs, now=now) + _forget(theirs, now, audit_entries=True)
