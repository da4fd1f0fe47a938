"""Forms of the consultation desk's serving screens (desk/consults/desk_views.py): the
visit log, made to be filled in under 30 seconds on a phone or tablet, and booking the
visitor into a class on the spot.

They parse and render; the rules (which topics exist, the minutes' range, notes without
phone numbers or My Numbers, who may log a ticket) live in desk.consults.services. One
rule is the form's own, because it is about how the two fields read together:

    The note is optional when the outcome is "resolved"; when the outcome is "follow-up
    needed" or "referred" it is required (what to follow up, where the visitor was
    referred), and a note of only spaces counts as empty.
"""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from desk.consults.models import Device, Outcome, Visit
from desk.core.forms import MultiCheckboxField, labelled_choices
from desk.core.i18n import in_reader_language
from desk.people.models import Person

DEVICE_LABELS = {
    Device.IPHONE: _l("iPhone"),
    Device.ANDROID: _l("Android"),
    Device.FLIP_PHONE: _l("Flip phone"),
    Device.TABLET: _l("Tablet"),
    Device.PC: _l("PC"),
}

OUTCOME_LABELS = {
    Outcome.RESOLVED: _l("Resolved"),
    Outcome.FOLLOW_UP: _l("Follow-up needed"),
    Outcome.REFERRED: _l("Referred (e.g. to a carrier shop or a class)"),
}

def topic_label(topic):
    """A consultation topic in the reader's language (the list is data: name in
    Japanese, name_en in English)."""
    return in_reader_language(topic.name, topic.name_en)


class VisitLogForm(FlaskForm):
    """What the visitor asked, on which device, how long, how it ended, and a short note.
    No validators but the note's: the service checks every field and says what is
    wrong, field by field."""

    topics = MultiCheckboxField(_l("What did they ask about? (one or more)"),
                                validate_choice=False)
    device = RadioField(_l("Device"), validate_choice=False,
                        choices=labelled_choices(DEVICE_LABELS.items()))
    minutes = StringField(_l("Minutes spent"),
                          render_kw={"inputmode": "numeric", "autocomplete": "off",
                                     "maxlength": 3, "class": "visit-minutes"})
    outcome = RadioField(_l("Outcome"), validate_choice=False,
                         choices=labelled_choices(OUTCOME_LABELS.items()))
    note = TextAreaField(_l("Short note"),
                         render_kw={"maxlength": Visit.NOTE_MAX, "rows": 3,
                                    "autocomplete": "off"})

    def __init__(self, *args, topics, **kwargs):
        super().__init__(*args, **kwargs)
        self.topics.choices = labelled_choices((str(topic.id), topic_label(topic))
                                               for topic in topics)

    def visit_data(self):
        """The fields as desk.consults.services.log_visit takes them."""
        return {"topics": self.topics.data or [], "device": self.device.data,
                "minutes": self.minutes.data, "outcome": self.outcome.data,
                "note": self.note.data}


class FindVisitorForm(FlaskForm):
    """The exact phone number the visitor gives (by POST: it stays out of URLs)."""

    phone = StringField(_l("The visitor's phone number"),
                        validators=[DataRequired(), Length(max=30)],
                        render_kw={"inputmode": "tel", "autocomplete": "off"})


class BookClassForm(FlaskForm):
    """The class to book, for the person found by the phone number (carried in a hidden
    field and looked up again), or for a new person: name, reading and consent."""

    phone = HiddenField()
    class_session = RadioField(_l("Class"), validate_choice=False)
    name = StringField(_l("Name (kanji)"), validators=[Length(max=Person.NAME_MAX)],
                       render_kw={"autocomplete": "off"})
    name_kana = StringField(_l("Reading of the name (kana)"),
                            validators=[Length(max=Person.KANA_MAX)],
                            render_kw={"autocomplete": "off"})
    consent = BooleanField(_l("The visitor agrees to receive reminders about the booking"))

    def __init__(self, *args, classes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.class_session.choices = [(str(session.id), session.display_title)
                                      for session in classes]

    def person_data(self):
        """A new person's fields for desk.people.services."""
        return {"name": self.name.data, "name_kana": self.name_kana.data,
                "phone": self.phone.data, "consent": self.consent.data}
