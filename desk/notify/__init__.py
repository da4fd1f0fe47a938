"""Messages to residents, their proxies, volunteers and consultation visitors, by SMS,
call and e-mail: the outbox and what plans its rows (each feature registers its kinds of
message in desk.notify.kinds); receivers for the resident registry (corrected contact
details, a proxy's copies withdrawn, two records of one resident merged)."""

from flask_babel import lazy_gettext as _l

from desk.notify.models import OutboxMessage
from desk.people import registry
from desk.people import signals as people_signals

registry.register_reference(OutboxMessage, "person_id", label=_l("Messages (sent and planned)"))
registry.register_reference(OutboxMessage, "proxy_id",
                            label=_l("Copies of messages sent to a proxy contact"),
                            moves_on_merge=False)


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
