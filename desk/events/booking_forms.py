"""Forms of the staff phone desk and the attendance roster. They parse and render; the
rules (what a valid phone, kana or party is) live in the services."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, RadioField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from desk.core.forms import IntegerField, id_choices, labelled_choices
from desk.events import queries
from desk.events.forms import schedule_date
from desk.events.labels import CONFIRMATION_LABELS, choices
from desk.events.models import Booking
from desk.people.forms import PersonFieldsForm
from desk.people.labels import PROXY_RELATION_LABELS
from desk.people.models import ProxyContact

ATTENDANCE_CHOICES = labelled_choices([
    ("attended", _l("Attended")), ("no_show", _l("No-show")), ("clear", _l("Clear the mark")),
])
MAX_HEADCOUNT = 100000


def seat_choices():
    labels = {1: _l("1 (the person alone)"), 2: _l("2 (with 1 companion)"),
              3: _l("3 (with 2 companions)")}
    return [(number, labels[number]) for number in range(1, Booking.MAX_SEATS + 1)]


def focus_first(form, *names):
    """Put the keyboard focus on the first field with an error, else on the first of
    `names` (no script needed: the autofocus attribute)."""
    target = next((field for field in form if field.errors and field.type not in
                   ("RadioField", "CSRFTokenField")), None)
    if target is None and not form.errors and names:
        target = form[names[0]]
    if target is not None:
        target.render_kw = {**(target.render_kw or {}), "autofocus": True}
    return form


class CallerSearchForm(FlaskForm):
    """Step 1: one field finds the caller by phone (any format), kana or kanji name. Sent
    by POST, so that no phone number ends up in a URL or a log."""

    query = StringField(_l("Phone number, reading (kana) or name"),
                        validators=[DataRequired(), Length(max=100)],
                        render_kw={"autocomplete": "off"})


class SessionFilterForm(FlaskForm):
    """Step 2: the sessions to choose from (a GET form: only ids and dates in the URL)."""

    class Meta:
        csrf = False

    venue = SelectField(_l("Venue"), validators=[Optional()])
    program = SelectField(_l("Program"), validators=[Optional()])
    first_day = DateField(_l("From"), validators=[Optional(), schedule_date])
    last_day = DateField(_l("To"), validators=[Optional(), schedule_date])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.venue.choices = id_choices(queries.venues(active_only=True),
                                        lambda venue: venue.display_name, blank=_l("All venues"))
        self.program.choices = id_choices(queries.programs(active_only=True),
                                          lambda program: program.display_title,
                                          blank=_l("All programs"))


class BookingForm(FlaskForm):
    """Step 3: seats and, when a family member or care manager books, the proxy."""

    seats = RadioField(_l("Number of seats"), coerce=int, default=1, validators=[InputRequired()])
    survey_consent = BooleanField(_l("The person agrees to a short survey the day after the "
                                     "class"))
    proxy_name = StringField(_l("Name of the person booking for them"),
                             validators=[Optional(), Length(max=ProxyContact.NAME_MAX)])
    proxy_relation = SelectField(_l("Relation"), choices=choices(PROXY_RELATION_LABELS))
    proxy_relation_note = StringField(
        _l("Relation in their words (optional)"),
        validators=[Optional(), Length(max=ProxyContact.RELATION_NOTE_MAX)])
    proxy_phone = StringField(_l("Their phone number"), validators=[Optional(), Length(max=30)],
                              render_kw={"inputmode": "tel", "autocomplete": "off"})
    proxy_wants_copies = BooleanField(
        _l("They agree to receive copies of the messages about this booking"))

    PROXY_FIELDS = ("name", "relation_note", "phone")
    # the proxy service's field names -> this form's
    PROXY_ALIASES = {"name": "proxy_name", "relation": "proxy_relation",
                     "relation_note": "proxy_relation_note", "phone": "proxy_phone",
                     "email": "proxy_phone", "wants_copies": "proxy_wants_copies"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.seats.choices = seat_choices()

    def proxy_data(self):
        """The proxy's fields for desk.people.services.add_proxy, or None when nobody
        else is booking (all the proxy's text fields left empty)."""
        data = {name: self[f"proxy_{name}"].data for name in
                ("name", "relation", "relation_note", "phone", "wants_copies")}
        if not any((data[name] or "").strip() for name in self.PROXY_FIELDS):
            return None
        return data


class BookingLookupForm(FlaskForm):
    """Find a booking the caller already has: its number and their phone number."""

    code = StringField(_l("Booking number (8 digits)"),
                       validators=[DataRequired(), Length(max=20)],
                       render_kw={"inputmode": "numeric", "autocomplete": "off"})
    phone = StringField(_l("Phone number of the person or of their proxy"),
                        validators=[DataRequired(), Length(max=30)],
                        render_kw={"inputmode": "tel", "autocomplete": "off"})


class ConfirmationForm(FlaskForm):
    confirmation = RadioField(_l("Did they say they will come?"),
                              choices=choices(CONFIRMATION_LABELS),
                              validators=[InputRequired()])


class ActionForm(FlaskForm):
    """A button that changes something (cancel, close): only the CSRF token."""


class AttendanceForm(FlaskForm):
    """One row's check-in buttons: each sends its own value."""

    attendance = SelectField(_l("Attendance"), choices=ATTENDANCE_CHOICES,
                             validators=[InputRequired()])


class HeadcountForm(FlaskForm):
    anonymous_headcount = IntegerField(
        _l("People counted without a booking"),
        validators=[InputRequired(), NumberRange(min=0, max=MAX_HEADCOUNT)],
        render_kw={"inputmode": "numeric"})


class WalkInPersonForm(PersonFieldsForm):
    """A walk-in who is not registered yet."""

    seats = RadioField(_l("Number of seats"), coerce=int, default=1, validators=[InputRequired()])
    survey_consent = BooleanField(_l("The person agrees to a short survey the day after the "
                                     "class"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.seats.choices = seat_choices()


class WalkInExistingForm(FlaskForm):
    """A walk-in found by the search: which person, and how many seats."""

    person_id = IntegerField(_l("Person"), validators=[InputRequired(),
                                                        NumberRange(min=1, max=2**31 - 1)])
    seats = SelectField(_l("Number of seats"), coerce=int, default=1, validators=[InputRequired()])
    survey_consent = BooleanField(_l("Survey the day after"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.seats.choices = seat_choices()
