"""The fields that collect a resident's details, shared by every channel's form.

The rules (what a valid phone or kana is) live in desk.people.services; these fields
only parse and render. District and age band are optional and asked politely.
"""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, RadioField, SearchField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from desk.core.districts import all_districts
from desk.core.forms import id_choices, labelled_choices
from desk.people.labels import (
    AGE_BAND_LABELS,
    CONSENT_METHOD_LABELS,
    LANGUAGE_LABELS,
    PROXY_RELATION_LABELS,
    RECEIVED_VIA_LABELS,
    REMINDER_CHANNEL_LABELS,
)
from desk.people.models import ConsentMethod, Person, PrivacyRequest, ProxyContact


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
                          choices=[*labelled_choices([("", _l("Prefer not to say"))]),
                                   *_choices(AGE_BAND_LABELS)],
                          default="")
    reminder_channel = SelectField(_l("How to send reminders"),
                                   choices=_choices(REMINDER_CHANNEL_LABELS))
    consent = BooleanField(_l("Yes, please send me reminders about my booking"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.district_id.choices = id_choices(all_districts(), lambda item: item.display_name,
                                              blank=_l("Prefer not to say"))

    def person_data(self):
        """The resident's fields as the people services take them."""
        return {name: self[name].data for name in
                ("name", "name_kana", "phone", "email", "district_id", "age_band",
                 "reminder_channel", "consent")}


STAFF_CONSENT_METHODS = (ConsentMethod.PHONE_STAFF, ConsentMethod.PAPER)


def _consent_method_field():
    return RadioField(_l("How the person agreed"),
                      choices=labelled_choices((method.value, CONSENT_METHOD_LABELS[method])
                                               for method in STAFF_CONSENT_METHODS),
                      default=ConsentMethod.PHONE_STAFF.value)


class PersonForm(PersonFieldsForm):
    """A person as staff add or edit them: the shared fields, the language, and how the
    person agreed to reminders when the consent box is ticked now."""

    language = SelectField(_l("Language for messages"),
                           choices=labelled_choices(LANGUAGE_LABELS.items()), default="ja")
    consent_method = _consent_method_field()

    def person_data(self):
        return {**super().person_data(), "language": self.language.data}


class ProxyForm(FlaskForm):
    """A family member or care manager who books or hears for the person."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=ProxyContact.NAME_MAX)])
    relation = SelectField(_l("Relation"), choices=_choices(PROXY_RELATION_LABELS))
    relation_note = StringField(_l("Relation in their words (optional)"),
                                validators=[Optional(),
                                            Length(max=ProxyContact.RELATION_NOTE_MAX)])
    phone = StringField(_l("Phone number"), validators=[Optional(), Length(max=30)],
                        render_kw={"autocomplete": "off", "inputmode": "tel"})
    email = StringField(_l("E-mail (optional)"),
                        validators=[Optional(), Length(max=Person.EMAIL_MAX)],
                        render_kw={"autocomplete": "off", "inputmode": "email"})
    wants_copies = BooleanField(_l("They agreed to receive copies of the reminders"))
    consent_method = _consent_method_field()

    def proxy_data(self):
        return {name: self[name].data for name in
                ("name", "relation", "relation_note", "phone", "email", "wants_copies")}


class SearchForm(FlaskForm):
    """One field: a phone number, a reading in kana or a name. Sent by POST, so that
    phone numbers and names stay out of URLs and server logs."""

    q = SearchField(_l("Phone number, reading (kana) or name"),
                    validators=[Optional(), Length(max=100)], render_kw={"autocomplete": "off"})
    include_merged = BooleanField(_l("Also show records merged into another one"))


class ErasureForm(FlaskForm):
    """A resident's request to stop using and delete their details (利用停止・削除)."""

    received_via = RadioField(_l("How the request was received"),
                              choices=_choices(RECEIVED_VIA_LABELS),
                              validators=[DataRequired(_l("Choose how the request was received."))])
    received_on = DateField(_l("Date the request was received"),
                            validators=[DataRequired(_l("Enter the date the request was "
                                                        "received."))])
    reference = StringField(_l("Reference number (optional)"),
                            validators=[Optional(),
                                        Length(max=PrivacyRequest.REFERENCE_MAX)])
    confirm = BooleanField(_l("I have checked that the request comes from this resident "
                              "(or someone entitled to act for them)"),
                           validators=[DataRequired(_l("Tick the box to confirm the check."))])
