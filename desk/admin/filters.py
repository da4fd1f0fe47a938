"""Reading the filters of the admin logs' pages (the audit log, the access log) from the
query string: each filter that cannot be read is left out and said why, so a page never
fails on what was typed into its address."""

import unicodedata

from flask_babel import gettext as _

from desk.core.timeutil import local_day_bounds
from desk.core.web import parse_day, parse_id


def raw_values(args, names):
    """{name: the value as given, normalised (full-width digits) and stripped}."""
    return {name: unicodedata.normalize("NFKC", args.get(name, "")).strip()[:40]
            for name in names}


def account(raw, errors):
    """The account id of the `user` filter, or None."""
    if not raw["user"]:
        return None
    actor_id = parse_id(raw["user"])
    if actor_id is None:
        errors.append(_("Choose an account from the list."))
    return actor_id


def action(raw, errors, known):
    """The `action` filter when it is one of `known`, else None (said why)."""
    if not raw["action"]:
        return None
    if raw["action"] not in known:
        errors.append(_("Choose what was done from the list."))
        return None
    return raw["action"]


def day_range(raw, errors):
    """{"start": ..., "end": ...} (UTC, end excluded) of the `from` and `to` filters
    (JST dates, inclusive), as far as they can be read."""
    days = {}
    for name, label in (("from", _("From")), ("to", _("To"))):
        if raw[name]:
            days[name] = parse_day(raw[name])
            if days[name] is None:
                errors.append(_("%(name)s must be a date as YYYY-MM-DD.", name=label))
    if days.get("from") and days.get("to") and days["to"] < days["from"]:
        errors.append(_("The end of the period is before its start."))
        return {}
    bounds = {}
    if days.get("from"):
        bounds["start"] = local_day_bounds(days["from"])[0]
    if days.get("to"):
        bounds["end"] = local_day_bounds(days["to"])[1]
    return bounds
