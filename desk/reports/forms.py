"""The reports' forms: a fiscal year's targets (one text box per metric) and the survey
grid (one row of inputs per paper sheet).

They only parse and render; desk.reports.services checks every value, so a bad cell
comes back with the service's message on that cell."""

import wtforms
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import FieldList, FormField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import NumberInput

from desk.core.districts import all_districts
from desk.people.labels import AGE_BAND_LABELS
from desk.reports.models import CanDo, SurveyEntry
from desk.reports.services import SATISFACTION_MAX, SATISFACTION_MIN, SURVEY_ROWS_MAX

TARGET_PREFIX = "target_"
TARGET_INPUT_MAX = 30

CAN_DO_LABELS = {
    CanDo.YES: _l("Yes"),
    CanDo.PARTLY: _l("Partly"),
    CanDo.NO: _l("No"),
}


def target_field_name(key):
    return f"{TARGET_PREFIX}{key}"


def targets_form(metrics, **kwargs):
    """A form with one optional text box per metric (named target_<key>): empty means
    no target. Built per request, since the metric list lives in code."""

    class TargetsForm(FlaskForm):
        pass

    for metric in metrics:
        setattr(TargetsForm, target_field_name(metric.key), StringField(
            metric.label, render_kw={"inputmode": "decimal", "autocomplete": "off",
                                     "maxlength": TARGET_INPUT_MAX}))
    return TargetsForm(**kwargs)


def _numbered(pairs):
    """Options prefixed with their number (1 …), so that typing the digit on the paper
    sheet picks the option: the grid is filled in from the keyboard."""
    return [SelectChoice("", "–")] + [SelectChoice(value, f"{number} {label}")
                                      for number, (value, label) in enumerate(pairs, 1)]


class SurveyRowForm(wtforms.Form):
    """One paper sheet. Every answer may be blank; a row left entirely blank is skipped."""

    satisfaction = StringField(
        _l("Satisfaction (1 to 5)"),
        widget=NumberInput(min=SATISFACTION_MIN, max=SATISFACTION_MAX))
    can_do = SelectField(_l("Can do it on their own now"), validate_choice=False)
    age_band = SelectField(_l("Age"), validate_choice=False)
    district_id = SelectField(_l("District"), validate_choice=False)
    comment = StringField(_l("Comment"),
                          render_kw={"maxlength": SurveyEntry.COMMENT_MAX, "autocomplete": "off"})


class SurveyGridForm(FlaskForm):
    rows = FieldList(FormField(SurveyRowForm), max_entries=SURVEY_ROWS_MAX)

    def prepare(self, row_count):
        """At least `row_count` rows, each with the choices of its select boxes."""
        while len(self.rows) < min(row_count, SURVEY_ROWS_MAX):
            self.rows.append_entry()
        can_do = _numbered((member.value, label) for member, label in CAN_DO_LABELS.items())
        ages = _numbered((member.value, label) for member, label in AGE_BAND_LABELS.items())
        districts = _numbered((str(district.id), district.display_name)
                              for district in all_districts())
        for row in self.rows:
            row.can_do.choices = can_do
            row.age_band.choices = ages
            row.district_id.choices = districts

    def row_data(self):
        """The rows as the survey service takes them, in the grid's order."""
        return [{name: row[name].data for name in
                 ("satisfaction", "can_do", "age_band", "district_id", "comment")}
                for row in self.rows]
