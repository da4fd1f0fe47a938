"""Who must not be messaged, per channel: phone numbers (E.164) that must get no SMS or
no calls, and e-mail addresses that must get no e-mail.

An opt-out holds for one channel only: STOP / 停止 in an SMS and Twilio's error 21610
stop SMS (Twilio blocks SMS only, and the number may be a senior's only phone, where a
reminder call is still wanted); the "no more calls" key in a call stops calls; a
coordinator stops any channel on the person's page. The dispatcher checks
`opted_out` before it claims messages of any channel. `opt_out` and `opt_in`
flush and audit, never commit; `stop_channel` and `allow_channel` are the coordinators'
versions, for a person or a proxy contact. An opt-out belongs to the number or address
(as Twilio's does): a person whose number changes is reachable on the new one.
"""

from flask_babel import gettext as _
from sqlalchemy import exists, select

from desk.core import audit
from desk.core.errors import ValidationError
from desk.extensions import db
from desk.notify.models import MessageChannel, OptOut, OptOutSource


def _find(address, channel):
    return db.session.scalar(select(OptOut).where(
        OptOut.address == address, OptOut.channel == MessageChannel(channel)))


def opted_out(address, channel):
    """SQL: whether `address` asked not to get messages of `channel` (values, or
    columns: the dispatcher asks it of every row its claim looks at, in the same
    statement)."""
    return exists().where(OptOut.address == address, OptOut.channel == channel)


def is_opted_out(address, channel):
    """Whether `address` asked not to get messages of `channel`."""
    if not address:
        return False
    return db.session.scalar(select(opted_out(address, MessageChannel(channel))))


def opt_outs_of(addresses):
    """{(address, channel): OptOut} of the given addresses (a person's page)."""
    wanted = {address for address in addresses if address}
    if not wanted:
        return {}
    return {(row.address, row.channel): row for row in db.session.scalars(
        select(OptOut).where(OptOut.address.in_(wanted)))}


def opt_out(address, *, channel, source, actor, now):
    """Record that `address` must get no messages of `channel`; returns the OptOut row
    (the existing one when it had already opted out of that channel)."""
    channel = MessageChannel(channel)
    existing = _find(address, channel)
    if existing is not None:
        return existing
    entry = OptOut(address=address, channel=channel, opted_out_dt=now,
                   source=OptOutSource(source),
                   actor_id=audit.actor_fields(actor)[0])
    db.session.add(entry)
    db.session.flush()
    audit.record("notify.opt_out", entry, actor=actor,
                 after={"address": address, "channel": channel, "source": entry.source},
                 now=now)
    return entry


def opt_in(address, *, channel, actor, now):
    """Messages of `channel` may reach `address` again; True when it had opted out."""
    existing = _find(address, channel)
    if existing is None:
        return False
    audit.record("notify.opt_in", existing, actor=actor,
                 before={"address": address, "channel": existing.channel,
                         "source": existing.source, "opted_out_dt": existing.opted_out_dt},
                 after={"opted_in_dt": now}, now=now)
    db.session.delete(existing)
    db.session.flush()
    return True


# -- coordinators, on a person's page ------------------------------------------------------

def _channel(raw):
    try:
        return MessageChannel(raw)
    except ValueError:
        raise ValidationError(_("Choose SMS, calls or e-mail.")) from None


def address_for(holder, channel):
    """The number or address messages of `channel` go to for `holder` (a person or a
    proxy contact), or None."""
    return holder.email if MessageChannel(channel) == MessageChannel.EMAIL else holder.phone


def _holder_address(holder, channel):
    address = address_for(holder, channel)
    if not address:
        raise ValidationError(_("There is no phone number or e-mail address on record for "
                                "this."))
    return address


def stop_channel(holder, channel, *, actor, now):
    """A coordinator records that `holder` (a person or a proxy contact) wants no
    messages of `channel` (a MessageChannel value); returns the OptOut."""
    channel = _channel(channel)
    return opt_out(_holder_address(holder, channel), channel=channel,
                   source=OptOutSource.STAFF, actor=actor, now=now)


def allow_channel(holder, channel, *, actor, now):
    """A coordinator undoes an opt-out of `holder` (whoever recorded it); True when there
    was one."""
    channel = _channel(channel)
    return opt_in(_holder_address(holder, channel), channel=channel, actor=actor, now=now)
