"""Messages to residents, their proxies, volunteers and consultation visitors, by SMS,
call and e-mail: the outbox and what plans its rows (each feature registers its kinds of
message in desk.notify.kinds); receivers for the resident registry (corrected contact
details, a proxy's copies withdrawn, two records of one resident merged; a person's
messages and SMS replies in their disclosure) and the person page's section that stops or
allows SMS, calls and e-mail per channel."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from desk.core import audit, retention
from desk.notify import personal_data as outbox_data
from desk.notify.models import OutboxMessage, SmsReply
from desk.people import registry
from desk.people import signals as people_signals

registry.register_reference(OutboxMessage, "person_id", label=_l("Messages (sent and planned)"))
registry.register_reference(OutboxMessage, "proxy_id",
                            label=_l("Copies of messages sent to a proxy contact"),
                            moves_on_merge=False)
registry.register_dependent(OutboxMessage, "replaces_id",
                            label=_l("Messages sent instead of another one"))
registry.register_dependent(SmsReply, "message_id", label=_l("SMS replies"))
registry.register_secret(OutboxMessage, "secret")
audit.personal_fields("outbox_messages", "address")
audit.personal_fields("opt_outs", "address")


@registry.activity
def _messaged_since(cutoff):
    return select(OutboxMessage.person_id.label("person_id")).where(
        OutboxMessage.person_id.is_not(None), OutboxMessage.created_dt >= cutoff)


retention.register(
    "outbox_contents", label=_l("Addresses, one-time codes and error texts of sent messages"),
    unit=retention.DAYS, default=90, count=outbox_data.count_contents,
    purge=outbox_data.purge_contents,
    what_happens=_l("Blanked; what was sent, when and about what stays"), order=10)
retention.register(
    "sms_replies", label=_l("SMS replies residents sent (their number and text)"),
    unit=retention.DAYS, default=90, **outbox_data.REPLIES,
    what_happens=_l("Blanked; what desk did with each reply stays"), order=11)


@people_signals.erasing.connect
def _erase_messages(person, *, actor, now):
    return outbox_data.erase_person(person, now=now)


@registry.disclosure_section("notify/staff/_disclosure_messages.html")
def _disclosed_messages(disclosure):
    from desk.notify import queries

    return queries.disclosed_messages(disclosure.ids("outbox_messages"),
                                      disclosure.ids("sms_replies"))


@registry.person_page_section("notify/staff/_person_channels.html")
def _person_channels(person):
    from desk.notify import labels, queries

    return {"person": person, "channels": queries.person_channels(person),
            "channel_labels": labels.CHANNEL_LABELS, "allowed": labels.CHANNEL_ALLOWED,
            "stopped": labels.CHANNEL_STOPPED, "sources": labels.OPT_OUT_SOURCE_LABELS}


@people_signals.contact_changed.connect
def _readdress_person(person, *, now):
    from desk.notify import planning

    planning.readdress_person(person, now=now)


@people_signals.proxy_copies_withdrawn.connect
def _cancel_proxy_copies(proxy, *, now):
    from desk.notify import planning

    planning.cancel_proxy_messages(proxy, now=now)


@people_signals.merged.connect
def _move_messages(keep, *, drop, actor, now):
    return registry.repoint(OutboxMessage, "person_id", keep=keep, drop=drop)
