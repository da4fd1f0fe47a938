"""The volunteer's own profile form: only what a volunteer may change themselves
(contact, how to be told, sharing their contact with colleagues, language, usual
times, skills). Name, affiliation, active and the coordinators' notes are not here.

The rules (a usable phone number, SMS needs a mobile) live in services.update_volunteer;
this form only parses and renders.
"""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, FieldList, Form, FormField, RadioField, SelectField, StringField
from wtforms.validators import Length, Optional

from desk.core.forms import MultiCheckboxField, labelled_choices
from desk.core.phone import display_phone
from desk.people.labels import LANGUAGE_LABELS
from desk.volunteers.labels import CHANNEL_LABELS, SKILL_LABELS, WEEKDAY_LABELS
from desk.volunteers.models import Volunteer
from desk.volunteers.services import LANGUAGES, MAX_AVAILABILITY

BLANK_ROWS = 3  # empty usual-time rows offered below the filled ones


class AvailabilityRowForm(Form):
    """One usual time: a weekday, from, to. Left empty, the row is ignored. The values
    are checked by the service (so a wrong row gets one clear message)."""

    weekday = SelectField(
        _l("Weekday"), validate_choice=False,
        choices=labelled_choices([("", _l("(none)")),
                                  *((str(number), label)
                                    for number, label in enumerate(WEEKDAY_LABELS))]))
    # no validators here: a wrong row gets the service's one message on the whole list
    start_time = StringField(_l("Start time"), render_kw={"type": "time"})
    end_time = StringField(_l("End time"), render_kw={"type": "time"})

    def is_blank(self):
        return not any((self.weekday.data or "").strip() or (field.data or "").strip()
                       for field in (self.start_time, self.end_time))

    def row_data(self):
        return {"weekday": (self.weekday.data or "").strip(),
                "start_time": (self.start_time.data or "").strip(),
                "end_time": (self.end_time.data or "").strip()}


class ProfileForm(FlaskForm):
    phone = StringField(_l("Phone number"), validators=[Optional(), Length(max=30)],
                        render_kw={"autocomplete": "tel", "inputmode": "tel", "type": "tel"})
    email = StringField(_l("E-mail"), validators=[Optional(), Length(max=Volunteer.EMAIL_MAX)],
                        render_kw={"autocomplete": "email", "inputmode": "email",
                                   "type": "email"})
    message_channel = RadioField(
        _l("How to tell you about your shifts"),
        choices=labelled_choices((member.value, label)
                                 for member, label in CHANNEL_LABELS.items()))
    shares_contact = BooleanField(
        _l("Volunteers on the same shift may see my phone number and e-mail"))
    language = SelectField(_l("Language for messages"),
                           choices=labelled_choices((code, LANGUAGE_LABELS[code])
                                                    for code in LANGUAGES))
    skills = MultiCheckboxField(
        _l("What I can help with"),
        choices=labelled_choices((member.value, label) for member, label in SKILL_LABELS.items()))
    availability = FieldList(FormField(AvailabilityRowForm), label=_l("My usual times"),
                             max_entries=MAX_AVAILABILITY + BLANK_ROWS)

    def fill(self, volunteer):
        """The form as the profile stands (for GET)."""
        self.phone.data = display_phone(volunteer.phone) if volunteer.phone else ""
        self.email.data = volunteer.email or ""
        self.message_channel.data = volunteer.message_channel.value
        self.shares_contact.data = volunteer.shares_contact
        self.language.data = volunteer.language
        self.skills.data = sorted(skill.value for skill in volunteer.skills)
        while self.availability.entries:
            self.availability.pop_entry()
        for row in volunteer.availability:
            self.availability.append_entry({"weekday": str(row.weekday),
                                            "start_time": f"{row.start_time:%H:%M}",
                                            "end_time": f"{row.end_time:%H:%M}"})
        self.add_blank_rows()

    def add_blank_rows(self):
        filled = sum(not entry.form.is_blank() for entry in self.availability)
        wanted = min(filled + BLANK_ROWS, MAX_AVAILABILITY + BLANK_ROWS)
        while len(self.availability.entries) < wanted:
            self.availability.append_entry()

    def changes(self):
        """What update_volunteer may change for a volunteer: these keys only."""
        return {
            "phone": (self.phone.data or "").strip(),
            "email": (self.email.data or "").strip(),
            "message_channel": self.message_channel.data,
            "shares_contact": bool(self.shares_contact.data),
            "language": self.language.data,
            "skills": list(self.skills.data or []),
            "availability": [entry.form.row_data() for entry in self.availability
                             if not entry.form.is_blank()],
        }
