"""The audit log's page and its CSV file (admins only, as the whole blueprint): who
changed what and when, in words and in Japan time, filtered by dates, account, action,
kind of record and one record.

Filters come from the query string (a bookmark, and the CSV link carries the same ones);
one that cannot be read is left out and said why, never a 500. The CSV file can hold
residents' names and phone numbers in the snapshots: a download is in the access log
with the residents whose entries it holds.
"""

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from desk.admin import AUDIT_EXPORTED, filters, queries
from desk.admin.audit_labels import (
    ACTION_LABELS,
    OBJECT_LABELS,
    RECORD_PAGES,
    action_label,
    file_time,
    object_label,
    value_text,
)
from desk.core import accesslog
from desk.core.audit import changes
from desk.core.csvexport import csv_download
from desk.core.db import writes
from desk.core.timeutil import local_today, utcnow
from desk.core.web import parse_id, parse_page

AUDIT_FILTERS = ("from", "to", "user", "action", "type", "record")


def _audit_filters(args):
    """({query argument: value}, [error message], {name: raw value})."""
    errors = []
    raw = filters.raw_values(args, AUDIT_FILTERS)
    values = {"actor_id": filters.account(raw, errors), **filters.day_range(raw, errors),
              "action": filters.action(raw, errors, ACTION_LABELS)}
    if raw["type"]:
        values["object_type"] = raw["type"]
    if raw["record"]:
        values["object_id"] = parse_id(raw["record"])
        if values["object_id"] is None:
            errors.append(_("The record's number is a whole number, as shown on its page "
                            "(No. 42)."))
        elif not raw["type"]:
            values["object_id"] = None
            errors.append(_("Choose what kind of record the number belongs to."))
    return {key: value for key, value in values.items() if value is not None}, errors, raw


def _choices(items, labels):
    """[(value, label)] of `items`, by label."""
    return sorted(((item, str(labels.get(item, item))) for item in items),
                  key=lambda pair: pair[1])


def audit():
    values, errors, raw = _audit_filters(request.args)
    query = {name: value for name, value in raw.items() if value}
    return render_template(
        "admin/audit.html", entries=queries.audit_page(
            page=parse_page(request.args.get("page")), **values),
        errors=errors, raw=raw, query=query, users=queries.users(),
        actions=_choices(ACTION_LABELS, ACTION_LABELS),
        object_types=_choices(queries.audit_object_types(), OBJECT_LABELS),
        action_label=action_label, object_label=object_label, value_text=value_text,
        record_pages=RECORD_PAGES)


def _csv_rows(entries):
    """The header, then a row per entry (plain rows of queries.audit_rows), one at a time."""
    yield [_("When (Japan time)"), _("Who"), _("Action"), _("Action code"), _("Record"),
           _("Record No."), _("Changes"), _("Note")]
    # translated once for the whole file: tens of thousands of entries
    change_line = _("%(field)s: %(before)s → %(after)s")
    actions, kinds = {}, {}
    for entry in entries:
        if entry.action not in actions:
            actions[entry.action] = action_label(entry.action)
        if entry.object_type not in kinds:
            kinds[entry.object_type] = object_label(entry.object_type)
        text = "\n".join(change_line % {
            "field": name, "before": value_text(before, time_text=file_time),
            "after": value_text(after, time_text=file_time)}
            for name, before, after in changes(entry.before, entry.after))
        yield [file_time(entry.created_dt), entry.actor_name or entry.actor_label,
               actions[entry.action], entry.action, kinds[entry.object_type],
               entry.object_id, text, entry.note or ""]


@writes  # the access log
def audit_csv():
    values, errors, raw = _audit_filters(request.args)
    if errors:  # the page says why
        return redirect(url_for("admin.audit", **{name: value for name, value in raw.items()
                                                  if value}))
    if queries.any_audited_resident(**values):
        accesslog.record(current_user, AUDIT_EXPORTED, "person",
                         queries.audited_residents(**values), now=utcnow())
    filename = f"audit_{local_today().strftime('%Y%m%d')}.csv"
    # written in this transaction, after the access log entry: the same entries
    return csv_download(_csv_rows(queries.audit_rows(**values)), filename)
