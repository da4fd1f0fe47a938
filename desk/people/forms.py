"""The fields that collect a resident's details, shared by every channel's form.

The rules (what a valid phone or kana is) live in desk.people.services; these fields
only parse and render. District and age band are optional and asked politely.
"""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from desk.core.forms import id_choices, labelled_choices
from desk.events import queries
from desk.people.labels import AGE_BAND_LABELS, REMINDER_CHANNEL_LABELS
from desk.people.models import Person


def _choices(labels):
    return labelled_choices((member.value, label) for member, label in labels.items())


class PersonFieldsForm(FlaskForm):
    """Name, reading, phone, e-mail, consent, and the optional district and age band."""

    name = StringField(_l("Name (kanji)"),
                       validators=[DataRequired(), Length(max=Person.NAME_MAX)],
                       render_kw={"autocomplete": "name"})
    name_kana = StringField(_l("Reading of the name (kana)"),
                            validators=[DataRequired(), Length(max=Person.KANA_MAX)])
    phone = StringField(_l("Phone number"), validators=[Optional(), Length(max=30)],
                        render_kw={"autocomplete": "tel", "inputmode": "tel"})
    email = StringField(_l("E-mail (optional)"),
                        validators=[Optional(), Length(max=Person.EMAIL_MAX)],
                        render_kw={"autocomplete": "email", "inputmode": "email"})
    district_id = SelectField(_l("District (optional)"), validators=[Optional()])
    age_band = RadioField(_l("Age (optional)"), validators=[Optional()],
                          choices=[("", _l("Prefer not to say")), *_choices(AGE_BAND_LABELS)],
                          default="")
    reminder_channel = SelectField(_l("How to send reminders"),
                                   choices=_choices(REMINDER_CHANNEL_LABELS))
    consent = BooleanField(_l("Yes, please send me reminders about my booking"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.district_id.choices = id_choices(queries.districts(), lambda item: item.name,
                                              blank=_l("Prefer not to say"))

    def person_data(self):
        """The resident's fields as the people services take them."""
        return {name: self[name].data for name in
                ("name", "name_kana", "phone", "email", "district_id", "age_band",
                 "reminder_channel", "consent")}
