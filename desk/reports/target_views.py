"""The targets page: every metric with its target (目標値) for a fiscal year, the
previous year's target beside it for reference, saved all at once (only the changed
ones are written, each audit-logged)."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user

from desk.core.errors import DeskError, ValidationError
from desk.core.timeutil import fiscal_year_of, local_today, utcnow
from desk.core.transaction import refusable
from desk.reports import services
from desk.reports.forms import target_field_name, targets_form
from desk.reports.metrics import METRICS
from desk.reports.periods import fiscal_year_label

UNIT_LABELS = {
    "count": _l("number"),
    "percent": _l("percent"),
    "hours": _l("hours"),
    "score": _l("score from 1 to 5"),
}


def value_text(value):
    """A stored target as typed: 120, 12.5, 3.75."""
    if value is None:
        return ""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.2f}".rstrip("0")


def _fiscal_year(now):
    """The fiscal year of ?fy=, or the current one (with a message) when it is not one."""
    raw = request.args.get("fy")
    if raw is None or raw == "":
        return fiscal_year_of(local_today(now)), None
    try:
        return services.check_fiscal_year(raw), None
    except ValidationError as error:
        return fiscal_year_of(local_today(now)), error


def targets():
    now = utcnow()
    fiscal_year, error = _fiscal_year(now)
    current = services.targets_of(fiscal_year)
    form = targets_form(METRICS)
    if error is not None:
        flash(error.message, "error")
    elif form.validate_on_submit():
        # a box missing from the request (a metric added since the page was drawn) is
        # left as it is; only a box sent empty clears its target
        values = {metric.key: form[target_field_name(metric.key)].data for metric in METRICS
                  if target_field_name(metric.key) in request.form}
        try:
            with refusable():
                changed = services.set_targets(fiscal_year, values, actor=current_user,
                                               now=now)
        except DeskError as error:
            for key, message in error.fields.items():
                name = target_field_name(key)
                if name in form:
                    form[name].errors = [*form[name].errors, message]
            flash(error.message, "error")
        else:
            if changed:
                flash(ngettext("%(num)d target has been saved for %(year)s.",
                               "%(num)d targets have been saved for %(year)s.", changed,
                               year=fiscal_year_label(fiscal_year)), "success")
            else:
                flash(_("Nothing was changed."), "success")
            return redirect(url_for("reports.targets", fy=fiscal_year))
    if request.method == "GET":
        for metric in METRICS:
            form[target_field_name(metric.key)].data = value_text(current.get(metric.key))
    previous = services.targets_of(fiscal_year - 1)
    return render_template(
        "reports/targets.html", form=form, metrics=METRICS, fiscal_year=fiscal_year,
        year_label=fiscal_year_label(fiscal_year),
        previous_label=fiscal_year_label(fiscal_year - 1)
        if fiscal_year > services.FISCAL_YEAR_MIN else None,
        previous={key: value_text(value) for key, value in previous.items()},
        unit_labels=UNIT_LABELS, field_name=target_field_name,
        first_year=services.FISCAL_YEAR_MIN, last_year=services.FISCAL_YEAR_MAX)
