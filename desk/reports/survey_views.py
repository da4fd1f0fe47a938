"""Survey entry: the recent held sessions with the number of sheets typed in, and a
session's grid (one row of inputs per paper questionnaire), followed by the sheets
already entered with a button to delete one typed in by mistake, then the online
answers of the session (desk.events.surveys).

The grid is saved all at once: one bad cell and nothing is saved, the cell shows its
message and the typed rows stay on the page."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from desk.core.errors import DeskError
from desk.core.timeutil import utcnow
from desk.core.web import FAILED, attempt, get_or_404, parse_id
from desk.events.labels import TOPIC_LABELS, WILL_USE_LABELS
from desk.events.models import EventSession
from desk.events.surveys import session_answers
from desk.people.labels import AGE_BAND_LABELS
from desk.reports import services
from desk.reports.forms import CAN_DO_LABELS, SurveyGridForm
from desk.reports.models import SurveyEntry

ROWS_DEFAULT = 10
ROWS_STEP = 10
SESSIONS_SHOWN = 100


def surveys():
    return render_template("reports/surveys.html",
                           sessions=services.surveyable_sessions(utcnow(), SESSIONS_SHOWN))


def _row_count():
    """Rows the grid shows: ?rows= (in steps, up to the service's maximum)."""
    wanted = parse_id(request.args.get("rows", "")) or ROWS_DEFAULT
    return max(ROWS_DEFAULT, min(wanted, services.SURVEY_ROWS_MAX))


def _place_errors(form, fields):
    """Put the service's `rows-<index>-<field>` messages on the grid's cells; returns
    [(cell id, sheet number, field label, message)] for the summary at the top."""
    placed = []
    for key, message in fields.items():
        parts = key.split("-", 2)
        if len(parts) != 3 or not parts[1].isdigit() or int(parts[1]) >= len(form.rows):
            continue
        index, name = int(parts[1]), parts[2]
        row = form.rows[index]
        if name not in row.form:
            continue
        field = row.form[name]
        field.errors = [*field.errors, message]
        placed.append((field.id, index + 1, field.label.text, message))
    return placed


def survey_entry(session_id):
    session = get_or_404(EventSession, session_id)
    now = utcnow()
    form = SurveyGridForm()
    cell_errors = []
    if request.method == "POST" and form.validate_on_submit():
        rows = form.row_data()
        errors = {}

        def save():
            try:
                return services.add_survey_entries(session, rows, actor=current_user, now=now)
            except DeskError as error:
                errors.update(error.fields)
                error.fields = {}  # the cells show them; the summary message is flashed
                raise

        entries = attempt(None, save)
        if entries is not FAILED:
            flash(ngettext("%(num)d sheet has been saved.", "%(num)d sheets have been saved.",
                           len(entries)), "success")
            return redirect(url_for("reports.survey_entry", session_id=session.id))
        form.prepare(len(form.rows))
        cell_errors = _place_errors(form, errors)
    else:
        form.prepare(_row_count())
    return render_template(
        "reports/survey_entry.html", session=session, form=form, cell_errors=cell_errors,
        can_enter=services.is_surveyable(session, now), entries=services.entries_of(session),
        more_rows=min(len(form.rows) + ROWS_STEP, services.SURVEY_ROWS_MAX),
        rows_max=services.SURVEY_ROWS_MAX, can_do_labels=CAN_DO_LABELS,
        age_labels=AGE_BAND_LABELS, online=session_answers(session),
        will_use_labels=WILL_USE_LABELS, topic_labels=TOPIC_LABELS)


def survey_delete(survey_entry_id):
    entry = get_or_404(SurveyEntry, survey_entry_id)
    session_id = entry.session_id
    if attempt(None, lambda: services.delete_survey_entry(
            entry, actor=current_user, now=utcnow())) is not FAILED:
        flash(_("The sheet has been deleted."), "success")
    return redirect(url_for("reports.survey_entry", session_id=session_id))
