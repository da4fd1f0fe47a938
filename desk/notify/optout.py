"""Who must not be messaged: phone numbers (E.164) and addresses that opted out.

The dispatcher checks `is_opted_out` before it claims an SMS or a call; the SMS reply
webhook (STOP / 停止, START / 再開), Twilio's error 21610 and coordinators change the
list through `opt_out` and `opt_in`. Both flush and audit, never commit.
"""

from sqlalchemy import select

from desk.core import audit
from desk.extensions import db
from desk.notify.models import OptOut, OptOutSource


def is_opted_out(address):
    if not address:
        return False
    return db.session.scalar(select(OptOut.id).where(OptOut.address == address)) is not None


def opted_out_among(addresses):
    """The subset of `addresses` that opted out (one query for a dispatcher batch)."""
    wanted = {address for address in addresses if address}
    if not wanted:
        return set()
    return set(db.session.scalars(select(OptOut.address).where(OptOut.address.in_(wanted))))


def opt_out(address, *, source, actor, now):
    """Record that `address` must not be messaged; returns the OptOut row (the existing
    one when the address had already opted out)."""
    existing = db.session.scalar(select(OptOut).where(OptOut.address == address))
    if existing is not None:
        return existing
    entry = OptOut(address=address, opted_out_dt=now, source=OptOutSource(source))
    db.session.add(entry)
    db.session.flush()
    audit.record("notify.opt_out", entry, actor=actor,
                 after={"address": address, "source": entry.source}, now=now)
    return entry


def opt_in(address, *, actor, now):
    """Messages may reach `address` again; True when it had opted out."""
    existing = db.session.scalar(select(OptOut).where(OptOut.address == address))
    if existing is None:
        return False
    audit.record("notify.opt_in", existing, actor=actor,
                 before={"address": address, "source": existing.source,
                         "opted_out_dt": existing.opted_out_dt},
                 after={"opted_in_dt": now}, now=now)
    db.session.delete(existing)
    db.session.flush()
    return True
