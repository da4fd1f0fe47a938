"""The coordinators' consultation pages: one session's figures and tickets, the topics
asked per venue and month (with its CSV download), and the topic list of the visit log.

Every route requires the coordinator or admin role (installed on the blueprint). The
pages only read (desk.consults.reports); the topic list's actions call one service of
desk.consults.topics each, flash and go back to the list, or show the list again
with the form's messages when the input is wrong (nothing changed).
"""

from flask import Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.exceptions import abort
from werkzeug.routing import BuildError

from desk.consults import reports, topics
from desk.consults.models import ConsultTopic, TicketKind, TicketStatus
from desk.consults.staff_forms import TopicEditForm, TopicForm, TopicVisibilityForm
from desk.consults.visit_forms import DEVICE_LABELS, OUTCOME_LABELS, topic_label
from desk.core.csvexport import csv_bytes
from desk.core.i18n import format_month
from desk.core.timeutil import fiscal_year_of, local_today, month_start, utcnow
from desk.core.web import FAILED, attempt, get_or_404, parse_id
from desk.events import queries as event_queries
from desk.events.labels import TOPIC_LABELS
from desk.events.models import EventSession, SessionKind, Venue
from desk.extensions import db

TICKET_STATUS_LABELS = {
    TicketStatus.WAITING: _l("Waiting"),
    TicketStatus.SERVING: _l("In service"),
    TicketStatus.SERVED: _l("Served"),
    TicketStatus.SKIPPED: _l("No-show (skipped)"),
    TicketStatus.CANCELLED: _l("Cancelled"),
}
TICKET_KIND_LABELS = {
    TicketKind.WALK_IN: _l("Walk-in"),
    TicketKind.RESERVED: _l("Reserved slot"),
}
# the session's desk pages (desk/consults/blueprint.py), linked when they exist
DESK_PAGES = (("consults.reception", _l("Reception")), ("consults.desk", _l("Desk screen")))


def template_helpers():
    """Labels the consultation staff pages look up (the blueprint's context processor)."""
    return {
        "consult_labels": {
            "status": TICKET_STATUS_LABELS, "kind": TICKET_KIND_LABELS,
            "device": DEVICE_LABELS, "outcome": OUTCOME_LABELS, "program_topic": TOPIC_LABELS,
        },
        "consult_topic_name": topic_label,
        "minutes_text": _minutes_text,
        "month_value": reports.month_label_value,
    }


def _minutes_text(delta):
    """A duration as whole minutes (rounded half up), or a dash."""
    if delta is None:
        return "–"
    minutes = int((delta.total_seconds() + 30) // 60)
    return _("%(minutes)d min", minutes=minutes)


# -- one session --------------------------------------------------------------------------------

def _desk_links(session):
    links = []
    for endpoint, label in DESK_PAGES:
        if endpoint not in current_app.view_functions:
            continue
        try:
            links.append((url_for(endpoint, session_id=session.id), label))
        except BuildError:
            continue
    return links


def session(session_id):
    event = get_or_404(EventSession, session_id)
    if event.kind != SessionKind.CONSULTATION:
        abort(404)
    tickets = reports.session_tickets(event)
    return render_template("consults/staff/session.html", session=event, tickets=tickets,
                           report=reports.session_report(event, tickets, now=utcnow()),
                           desk_links=_desk_links(event))


# -- topics per venue and month -----------------------------------------------------------------

def _default_months(today):
    """The fiscal year so far: April .. this month."""
    return month_start(today.replace(year=fiscal_year_of(today), month=4, day=1)), \
        month_start(today)


def _report_filters(args, today):
    """(first month, last month, venue or None, error message or None)."""
    default_first, default_last = _default_months(today)
    raw_first, raw_last = args.get("from", "").strip(), args.get("to", "").strip()
    first = reports.parse_month(raw_first) if raw_first else default_first
    last = reports.parse_month(raw_last) if raw_last else default_last
    venue, error = None, None
    raw_venue = args.get("venue_id", "").strip()
    if raw_venue and raw_venue != "all":
        venue_id = parse_id(raw_venue)
        venue = db.session.get(Venue, venue_id) if venue_id else None
        if venue is None:
            error = _("Choose a venue from the list.")
    if first is None or last is None:
        error = _("Enter the months as YYYY-MM, for example %(example)s.",
                  example=reports.month_label_value(month_start(today)))
    elif last < first:
        error = _("The last month (%(last)s) comes before the first (%(first)s).",
                  first=format_month(first), last=format_month(last))
    elif len(reports.months_between(first, last)) > reports.MAX_MONTHS:
        error = _("Choose at most %(count)d months.", count=reports.MAX_MONTHS)
    return first, last, venue, error


def _report_args(first, last, venue):
    return {"from": reports.month_label_value(first), "to": reports.month_label_value(last),
            "venue_id": venue.id if venue else "all"}


def topics_report():
    today = local_today()
    first, last, venue, error = _report_filters(request.args, today)
    table = sessions = None
    if error is None:
        table = reports.topic_table(first, last, venue.id if venue else None)
        sessions = reports.consultation_sessions(first, last, venue.id if venue else None)
    raw = {name: request.args.get(name, "")[:20] for name in ("from", "to", "venue_id")}
    return render_template(
        "consults/staff/topics_report.html", error=error, table=table, sessions=sessions,
        venue=venue, venues=event_queries.venues(), raw=raw,
        first=first if error is None else None, last=last if error is None else None,
        report_args=_report_args(first, last, venue) if error is None else None)


def topics_csv():
    first, last, venue, error = _report_filters(request.args, local_today())
    if error is not None:  # the page says what is wrong with the filters
        return redirect(url_for("consults_staff.topics_report", **{
            name: request.args.get(name, "")[:20] for name in ("from", "to", "venue_id")}))
    table = reports.topic_table(first, last, venue.id if venue else None)
    venue_name = venue.display_name if venue else _("All venues")
    rows = [[_("Venue"), _("Month"), *(topic_label(topic) for topic in table.topics),
             _("Visits")]]
    for month in table.months:
        rows.append([venue_name, reports.month_label_value(month),
                     *(table.count(month, topic) for topic in table.topics),
                     table.visits.get(month, 0)])
    rows.append([venue_name, _("Total"),
                 *(table.topic_totals.get(topic.id, 0) for topic in table.topics),
                 table.total_visits])
    filename = "consult-topics_{venue}_{first}_{last}.csv".format(
        venue=f"venue{venue.id}" if venue else "all", first=reports.month_label_value(first),
        last=reports.month_label_value(last))
    return Response(csv_bytes(rows), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{filename}"',
        "Cache-Control": "no-store"})


# -- the topic list -----------------------------------------------------------------------------

def _topic_list_page(form=None, failed=None):
    """The list with a fresh add form and every topic's edit form; `failed` is the edit
    form that came back with messages (it replaces that topic's fresh one)."""
    rows = []
    for topic in topics.all_topics():
        if failed is not None and failed.topic_id == topic.id:
            rows.append((topic, failed))
        else:
            rows.append((topic, TopicEditForm(formdata=None, topic=topic)))
    return render_template("consults/staff/topic_list.html", form=form or TopicForm(),
                           rows=rows, failed_id=failed.topic_id if failed else None)


def topic_list():
    return _topic_list_page()


def topic_create():
    form = TopicForm()
    if form.validate_on_submit():
        topic = attempt(form, lambda: topics.create_topic(form.data, actor=current_user))
        if topic is not FAILED:
            flash(_("The topic “%(name)s” has been added.", name=topic_label(topic)), "success")
            return redirect(url_for("consults_staff.topic_list", _anchor=f"topic-{topic.id}"))
    return _topic_list_page(form=form)


def topic_update(topic_id):
    topic = get_or_404(ConsultTopic, topic_id)
    back = redirect(url_for("consults_staff.topic_list", _anchor=f"topic-{topic.id}"))
    if "visibility" in request.form:
        visibility = TopicVisibilityForm()
        if visibility.validate_on_submit():
            shown = visibility.visibility.data == "show"
            if attempt(None, lambda: topics.set_topic_active(
                    topic, shown, actor=current_user)) is not FAILED:
                flash(_("“%(name)s” is offered on the visit log form again.",
                        name=topic_label(topic)) if shown else
                      _("“%(name)s” is hidden from the visit log form; past visits keep it.",
                        name=topic_label(topic)), "success")
        else:
            flash(_("The form has expired. Please send it again."), "error")
        return back
    form = TopicEditForm(topic=topic)
    form.topic_id = topic.id
    if form.validate_on_submit():
        changes = {name: getattr(form, name).data
                   for name in ("name", "name_en", "program_topic", "position", "is_active")}
        if attempt(form, lambda: topics.update_topic(topic, changes,
                                                     actor=current_user)) is not FAILED:
            flash(_("The topic “%(name)s” has been saved.", name=topic_label(topic)), "success")
            return back
        db.session.expire_all()  # show the list as it is stored, not the rejected values
    return _topic_list_page(failed=form)
