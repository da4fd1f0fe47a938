"""The coordinators' forms for volunteers and shifts. They parse and render; the rules
(what a valid phone, kana or shift time is) live in desk.volunteers.services.

A volunteer's usual times are flat fields (`weekday_0`, `start_0`, `end_0`, ...) rather
than a FieldList, so that every row's fields have their own labels and ids and the
shared error summary (templates/_macros.html) links to them like any other field.
"""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, TextAreaField, TimeField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from desk.core.forms import IntegerField, MultiCheckboxField, labelled_choices
from desk.people.labels import LANGUAGE_LABELS
from desk.volunteers.labels import (
    AFFILIATION_LABELS,
    CHANNEL_LABELS,
    ROLE_LABELS,
    SKILL_LABELS,
    WEEKDAY_LABELS,
)
from desk.volunteers.models import Shift, Volunteer
from desk.volunteers.services import MAX_AVAILABILITY

# blank rows offered below the filled ones, and the fewest rows shown
SPARE_ROWS = 2
MIN_ROWS = 3


def _choices(labels):
    return labelled_choices((member.value, label) for member, label in labels.items())


WEEKDAY_CHOICES = labelled_choices([("", _l("(not used)")),
                                    *((str(index), label)
                                      for index, label in enumerate(WEEKDAY_LABELS))])


class VolunteerForm(FlaskForm):
    name = StringField(_l("Name (kanji)"),
                       validators=[DataRequired(), Length(max=Volunteer.NAME_MAX)],
                       render_kw={"autocomplete": "off"})
    name_kana = StringField(_l("Reading of the name (kana)"),
                            validators=[DataRequired(), Length(max=Volunteer.KANA_MAX)],
                            render_kw={"autocomplete": "off"})
    phone = StringField(_l("Phone number"), validators=[Optional(), Length(max=30)],
                        render_kw={"type": "tel", "inputmode": "tel", "autocomplete": "off"})
    email = StringField(_l("E-mail"), validators=[Optional(), Length(max=Volunteer.EMAIL_MAX)],
                        render_kw={"inputmode": "email", "autocomplete": "off"})
    affiliation = SelectField(_l("Affiliation"), choices=_choices(AFFILIATION_LABELS))
    skills = MultiCheckboxField(_l("Skills"), choices=_choices(SKILL_LABELS))
    message_channel = SelectField(_l("Shift reminders and changes by"),
                                  choices=_choices(CHANNEL_LABELS), default="email")
    language = SelectField(_l("Language for messages"),
                           choices=labelled_choices(LANGUAGE_LABELS.items()), default="ja")
    shares_contact = BooleanField(
        _l("Agrees that volunteers on the same shift may see their phone and e-mail"))
    is_active = BooleanField(_l("Active (can be offered and assigned shifts)"), default=True)
    notes = TextAreaField(_l("Notes (seen by coordinators only)"),
                          validators=[Optional(), Length(max=Volunteer.NOTES_MAX)])

    def rows(self):
        """The usual-time rows to show: [(number, weekday, start, end)], every filled or
        wrong row and SPARE_ROWS blank ones (at least MIN_ROWS, at most all)."""
        used = [index for index in range(MAX_AVAILABILITY) if self._row_used(index)
                or any(self[f"{name}_{index}"].errors for name in ("weekday", "start", "end"))]
        shown = min(max((used[-1] + 1 if used else 0) + SPARE_ROWS, MIN_ROWS), MAX_AVAILABILITY)
        return [(index + 1, self[f"weekday_{index}"], self[f"start_{index}"],
                 self[f"end_{index}"]) for index in range(shown)]

    def _row_used(self, index):
        return bool(self[f"weekday_{index}"].data) or self[f"start_{index}"].data is not None \
            or self[f"end_{index}"].data is not None

    def fill_availability(self, rows):
        for index, row in enumerate(rows[:MAX_AVAILABILITY]):
            self[f"weekday_{index}"].data = str(row.weekday)
            self[f"start_{index}"].data = row.start_time
            self[f"end_{index}"].data = row.end_time

    def validate(self, extra_validators=None):
        """A usual time needs all three fields and must end after it starts (the
        service checks it again; here the message lands on the row's own field)."""
        valid = super().validate(extra_validators)
        for index in range(MAX_AVAILABILITY):
            weekday, start, end = (self[f"weekday_{index}"], self[f"start_{index}"],
                                   self[f"end_{index}"])
            if weekday.errors or start.errors or end.errors or not self._row_used(index):
                continue
            missing = [field for field, empty in ((weekday, not weekday.data),
                                                  (start, start.data is None),
                                                  (end, end.data is None)) if empty]
            for field in missing:
                field.errors = [*field.errors,
                                _("Each usual time needs a weekday, a start and an end.")]
            if not missing and end.data <= start.data:
                end.errors = [*end.errors, _("Each usual time must end after it starts.")]
            valid = valid and not missing and not end.errors
        return valid

    def volunteer_data(self):
        """The profile as services.create_volunteer / update_volunteer take it."""
        data = {name: self[name].data for name in (
            "name", "name_kana", "phone", "email", "affiliation", "message_channel",
            "language", "shares_contact", "is_active", "notes", "skills")}
        data["availability"] = [
            {"weekday": int(self[f"weekday_{index}"].data),
             "start_time": self[f"start_{index}"].data, "end_time": self[f"end_{index}"].data}
            for index in range(MAX_AVAILABILITY) if self._row_used(index)]
        return data


for _index in range(MAX_AVAILABILITY):
    setattr(VolunteerForm, f"weekday_{_index}", SelectField(
        _l("Usual time %(number)d: weekday", number=_index + 1), choices=WEEKDAY_CHOICES,
        validators=[Optional()], default=""))
    setattr(VolunteerForm, f"start_{_index}", TimeField(
        _l("Usual time %(number)d: from", number=_index + 1), validators=[Optional()]))
    setattr(VolunteerForm, f"end_{_index}", TimeField(
        _l("Usual time %(number)d: to", number=_index + 1), validators=[Optional()]))
del _index


class ShiftForm(FlaskForm):
    role = SelectField(_l("Role"), choices=_choices(ROLE_LABELS), default="assistant")
    places = IntegerField(_l("Places"), default=1,
                          validators=[InputRequired(), NumberRange(min=1, max=Shift.MAX_PLACES)])
    start_time = TimeField(_l("Start time"), validators=[Optional()])
    end_time = TimeField(_l("End time"), validators=[Optional()])
    skills = MultiCheckboxField(_l("Skills the shift needs"), choices=_choices(SKILL_LABELS))
    notes = StringField(_l("Notes for the volunteers"),
                        validators=[Optional(), Length(max=Shift.NOTES_MAX)])

    def shift_data(self):
        return {name: self[name].data for name in
                ("role", "places", "start_time", "end_time", "skills", "notes")}
