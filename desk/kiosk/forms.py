"""The kiosk's forms: the booking flow, the device's setup code, and the staff's new
kiosk. The rules live in desk.kiosk.services and the people services; these forms
only parse and render. Labels are in plain words (やさしい日本語 in Japanese)."""


from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, RadioField, SelectField, StringField
from wtforms.validators import Optional

from desk.core.districts import all_districts
from desk.core.forms import (
    MultiCheckboxField,
    id_choices,
    labelled_choices,
    new_submission_id,
)
from desk.events import queries as event_queries
from desk.events.labels import TOPIC_LABELS
from desk.events.models import VenueKind
from desk.kiosk.furigana import ruby_reading
from desk.kiosk.models import KioskDevice
from desk.people.labels import AGE_BAND_LABELS
from desk.people.models import Person

# what the kiosk's form sends; the submission id makes a repeated POST harmless
BOOKING_FIELDS = ("session_id", "name", "name_kana", "phone", "seats", "consent",
                  "survey_consent", "district_id", "age_band", "submission")
# the step of the flow on which each field is asked (a 422 page opens at the first)
FIELD_STEPS = {"session_id": 1, "name": 2, "name_kana": 2, "phone": 3}
LAST_STEP = 4
# the fields one step's "next" button checks on the server
STEP_FIELDS = {1: ("session_id",), 2: ("name", "name_kana"), 3: ("phone",)}
_OFF = {"autocomplete": "off", "autocapitalize": "off", "spellcheck": "false"}
# the on-screen kana keyboard: the gojūon table, one column per consonant, columns
# apart by a space, "_" a gap; kiosk.js draws the keys from it (data-kana-columns)
KANA_COLUMNS = ("あいうえお かきくけこ さしすせそ たちつてと なにぬねの はひふへほ まみむめも "
                "や_ゆ_よ らりるれろ わ_を_ん")

SEAT_CHOICES = labelled_choices([
    # i18n: やさしい日本語
    ("1", _l("Only me")),
    ("2", _l("Me and 1 more person")),
    ("3", _l("Me and 2 more people")),
])
CONSENT_CHOICES = labelled_choices([
    # i18n: やさしい日本語
    ("yes", _l("Yes, please send it")),
    ("no", _l("No, thank you")),
])
AGE_CHOICES = labelled_choices([
    # i18n: やさしい日本語
    ("", _l("Skip")),
    *((band.value, label) for band, label in AGE_BAND_LABELS.items()),
])


class KioskBookingForm(FlaskForm):
    """The whole kiosk flow in one form (kiosk.js shows one step at a time)."""

    session_id = StringField(_l("Class"), validators=[Optional()])
    # i18n: やさしい日本語
    name = StringField(_l("Your name"), validators=[Optional()],
                       render_kw={**_OFF, "maxlength": Person.NAME_MAX})
    # i18n: やさしい日本語
    name_kana = StringField(_l("Your name in kana"), validators=[Optional()],
                            render_kw={**_OFF, "maxlength": Person.KANA_MAX})
    # i18n: やさしい日本語
    phone = StringField(_l("Your phone number"), validators=[Optional()],
                        render_kw={**_OFF, "inputmode": "numeric", "maxlength": 20})
    # i18n: やさしい日本語
    seats = RadioField(_l("How many people will come?"), choices=SEAT_CHOICES, default="1",
                       validate_choice=False)
    # i18n: やさしい日本語
    consent = RadioField(_l("May we send you a reminder the day before the class?"),
                         choices=CONSENT_CHOICES, validate_choice=False)
    # i18n: やさしい日本語
    survey_consent = RadioField(_l("May we send you three short questions the day after the "
                                   "class? You can skip this."),
                                choices=CONSENT_CHOICES, validate_choice=False, default="")
    # i18n: やさしい日本語
    district_id = RadioField(_l("Where do you live? You can skip this."),
                             validate_choice=False, default="")
    # i18n: やさしい日本語
    age_band = RadioField(_l("How old are you? You can skip this."), validate_choice=False,
                          default="", choices=AGE_CHOICES)
    submission = HiddenField(default=new_submission_id)
    furigana = HiddenField(default="")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.district_id.choices = id_choices(
            all_districts(), lambda item: ruby_reading(item.display_name, item.name_kana),
            blank=_l("Skip"))

    def booking_data(self):
        return {name: self[name].data for name in BOOKING_FIELDS}

    def first_error_step(self):
        steps = [FIELD_STEPS.get(name, LAST_STEP) for name in self.errors if name in self]
        return min(steps, default=1)


class KioskNewsForm(FlaskForm):
    """The offer after a kiosk booking: the topics; the button that sends it says "yes,
    tell me" (`consent`), and the channel is the automatic one for the booking's phone."""

    # i18n: やさしい日本語
    topics = MultiCheckboxField(_l("Which topics?"), choices=labelled_choices(
        (topic.value, label) for topic, label in TOPIC_LABELS.items()))
    consent = BooleanField()

    def news_data(self):
        return {"topics": self.topics.data or [], "consent": self.consent.data}


class KioskSetupForm(FlaskForm):
    code = StringField(_l("Setup code (8 digits)"), validators=[Optional()],
                       render_kw={**_OFF, "inputmode": "numeric", "maxlength": 20})


class KioskCreateForm(FlaskForm):
    venue_id = SelectField(_l("Venue"), validate_choice=False)
    name = StringField(_l("Name of the kiosk"), validators=[Optional()],
                       render_kw={"maxlength": KioskDevice.NAME_MAX})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.venue_id.choices = id_choices(event_queries.venues(active_only=True, kind=VenueKind.CITY),
                                           lambda item: item.display_name)
