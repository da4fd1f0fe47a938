"""Jinja helpers that pages of several packages use: labels for enumerations, phone
numbers in the national format, dates in JST."""

from desk.auth.forms import ROLE_LABELS
from desk.core.i18n import city_name
from desk.core.phone import display_phone
from desk.core.timeutil import to_local
from desk.events.labels import (
    CHANNEL_LABELS,
    DEVICE_LABELS,
    KIND_LABELS,
    LEVEL_LABELS,
    STATUS_LABELS,
    TOPIC_LABELS,
)


def _label(mapping):
    def lookup(value):
        for member, label in mapping.items():
            if member == value:
                return label
        return value

    return lookup


def init_templating(app):
    app.jinja_env.globals.update(
        kind_label=_label(KIND_LABELS),
        status_label=_label(STATUS_LABELS),
        topic_label=_label(TOPIC_LABELS),
        level_label=_label(LEVEL_LABELS),
        device_label=_label(DEVICE_LABELS),
        role_label=_label(ROLE_LABELS),
        channel_label=_label(CHANNEL_LABELS),
        display_phone=display_phone,
        city_name=city_name,
    )
    app.jinja_env.filters["local_iso_date"] = lambda value: to_local(value).date().isoformat()
