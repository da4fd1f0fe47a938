"""The coordinators' forms. They parse and render; the rules live in services.py."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from desk.core.districts import District, all_districts
from desk.core.forms import IntegerField, MultiCheckboxField, id_choices, labelled_choices
from desk.core.validation import DATE_MAX, DATE_MIN
from desk.events import queries
from desk.events.labels import (
    DEVICE_LABELS,
    KIND_LABELS,
    LEVEL_LABELS,
    TOPIC_LABELS,
    choices,
)
from desk.events.models import (
    MAX_CAPACITY,
    EventSession,
    Program,
    SessionKind,
    SessionSeries,
    Venue,
)
from desk.events.slots import SLOT_MINUTES_MAX, SLOT_MINUTES_MIN

WEEKDAY_CHOICES = labelled_choices([
    ("MO", _l("Monday")), ("TU", _l("Tuesday")), ("WE", _l("Wednesday")),
    ("TH", _l("Thursday")), ("FR", _l("Friday")), ("SA", _l("Saturday")), ("SU", _l("Sunday")),
])
ORDINAL_CHOICES = labelled_choices([
    ("1", _l("1st")), ("2", _l("2nd")), ("3", _l("3rd")), ("4", _l("4th")), ("-1", _l("Last")),
])
FREQUENCY_CHOICES = labelled_choices([
    ("weekly", _l("Every week (or every few weeks)")),
    ("monthly", _l("On certain weeks of the month")),
    ("custom", _l("Custom rule (RFC 5545 RRULE)")),
])


def schedule_date(form, field):
    """A date the schedule can hold (year 1 would overflow when turned into UTC)."""
    if field.data is not None and not DATE_MIN <= field.data <= DATE_MAX:
        raise ValidationError(_("Enter a date between %(first)s and %(last)s.",
                                first=DATE_MIN.isoformat(), last=DATE_MAX.isoformat()))


def venue_choice_label(venue):
    """A community place is marked: it hosts outreach classes only."""
    if venue.is_community:
        return _("%(name)s (community place)", name=venue.display_name)
    return venue.display_name


def _venue_choices(form, blank=None):
    form.venue_id.choices = id_choices(queries.venues(), venue_choice_label, blank=blank)


def _program_choices(form):
    form.program_id.choices = id_choices(queries.programs(), lambda program: program.display_title,
                                         blank=_l("(no program)"))


class DistrictForm(FlaskForm):
    name = StringField(_l("District name"), validators=[DataRequired(),
                                                        Length(max=District.NAME_MAX)])
    name_kana = StringField(_l("Reading (kana)"), validators=[DataRequired(), Length(max=100)])
    name_en = StringField(_l("Name in English"),
                          validators=[Optional(), Length(max=District.NAME_MAX)])
    position = IntegerField(_l("Order in lists"), default=0,
                            validators=[Optional(), NumberRange(min=0, max=9999)])


class VenueForm(FlaskForm):
    name = StringField(_l("Venue name"), validators=[DataRequired(), Length(max=Venue.NAME_MAX)])
    name_kana = StringField(_l("Reading (kana)"),
                            validators=[DataRequired(), Length(max=Venue.KANA_MAX)])
    name_en = StringField(_l("Name in English"),
                          validators=[Optional(), Length(max=Venue.NAME_EN_MAX)])
    short_name = StringField(_l("Short name for SMS (8 characters at most)"),
                             validators=[DataRequired(), Length(max=Venue.SHORT_NAME_MAX)])
    short_name_en = StringField(_l("Short name for English SMS (20 characters at most)"),
                                validators=[Optional(), Length(max=Venue.SHORT_NAME_EN_MAX)])
    address = StringField(_l("Address"), validators=[DataRequired(),
                                                     Length(max=Venue.ADDRESS_MAX)])
    district_id = SelectField(_l("District"), validators=[Optional()])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=30)],
                        render_kw={"type": "tel", "autocomplete": "off"})
    accessibility_notes = TextAreaField(_l("Accessibility (step-free access, lift, parking)"),
                                        validators=[Optional(), Length(max=Venue.NOTES_MAX)])
    accessibility_notes_en = TextAreaField(_l("Accessibility, in English"),
                                           validators=[Optional(), Length(max=Venue.NOTES_MAX)])
    default_capacity = IntegerField(_l("Usual number of seats"), default=20,
                                    validators=[InputRequired(),
                                                NumberRange(min=0, max=MAX_CAPACITY)])
    latitude = StringField(_l("Latitude"), validators=[Optional(), Length(max=20)])
    longitude = StringField(_l("Longitude"), validators=[Optional(), Length(max=20)])
    is_active = BooleanField(_l("In use"), default=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.district_id.choices = id_choices(all_districts(), lambda item: item.display_name,
                                              blank=_l("(not set)"))


class ProgramForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=Program.TITLE_MAX)])
    title_kana = StringField(_l("Reading (kana)"),
                             validators=[DataRequired(), Length(max=Program.KANA_MAX)])
    title_en = StringField(_l("English title"), validators=[Optional(),
                                                            Length(max=Program.TITLE_EN_MAX)])
    description = TextAreaField(_l("Description"),
                                validators=[Optional(), Length(max=Program.DESCRIPTION_MAX)])
    description_en = TextAreaField(_l("Description in English"),
                                   validators=[Optional(), Length(max=Program.DESCRIPTION_MAX)])
    topic = SelectField(_l("Topic"), choices=choices(TOPIC_LABELS))
    level = SelectField(_l("Level"), choices=choices(LEVEL_LABELS))
    device = SelectField(_l("Device"), choices=choices(DEVICE_LABELS))
    default_duration_minutes = IntegerField(
        _l("Usual length (minutes)"), default=90,
        validators=[InputRequired(), NumberRange(min=Program.DURATION_MIN,
                                                 max=Program.DURATION_MAX)])
    what_to_bring = TextAreaField(_l("What to bring"),
                                  validators=[Optional(), Length(max=Program.BRING_MAX)])
    what_to_bring_en = TextAreaField(_l("What to bring, in English"),
                                     validators=[Optional(), Length(max=Program.BRING_MAX)])
    morning_reminder_time = TimeField(_l("Second reminder on the morning of the class"),
                                      validators=[Optional()])
    is_active = BooleanField(_l("Offered"), default=True)


class OccasionForm(FlaskForm):
    """Fields a session and a series share."""

    kind = SelectField(_l("Kind"), choices=choices(KIND_LABELS))
    program_id = SelectField(_l("Program"), validators=[Optional()])
    title = StringField(_l("Title (leave empty to use the program's title)"),
                        validators=[Optional(), Length(max=EventSession.TITLE_MAX)])
    title_en = StringField(_l("Title in English"),
                           validators=[Optional(), Length(max=EventSession.TITLE_EN_MAX)])
    venue_id = SelectField(_l("Venue"), validators=[DataRequired()])
    capacity = IntegerField(_l("Seats"), validators=[Optional(),
                                                     NumberRange(min=0, max=MAX_CAPACITY)])
    notes = TextAreaField(_l("Notes shown to the public"),
                          validators=[Optional(), Length(max=EventSession.NOTES_MAX)])
    notes_en = TextAreaField(_l("Notes in English"),
                             validators=[Optional(), Length(max=EventSession.NOTES_MAX)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _program_choices(self)
        _venue_choices(self)


class SessionForm(OccasionForm):
    day = DateField(_l("Date"), validators=[InputRequired(), schedule_date])
    start_time = TimeField(_l("Start time"), validators=[InputRequired()])
    end_time = TimeField(_l("End time"), validators=[InputRequired()])
    requesting_group = StringField(_l("Requesting group (outreach classes)"),
                                   validators=[Optional(),
                                               Length(max=EventSession.GROUP_MAX)])
    requesting_contact = StringField(_l("Contact person of the group"),
                                     validators=[Optional(),
                                                 Length(max=EventSession.CONTACT_MAX)])
    slot_minutes = IntegerField(_l("Reserved slot length (minutes)"),
                                validators=[Optional(),
                                            NumberRange(min=SLOT_MINUTES_MIN,
                                                        max=SLOT_MINUTES_MAX)])


class SeriesForm(OccasionForm):
    start_date = DateField(_l("First date"), validators=[InputRequired(), schedule_date])
    until_date = DateField(_l("Last date"), validators=[InputRequired(), schedule_date])
    start_time = TimeField(_l("Start time"), validators=[InputRequired()])
    end_time = TimeField(_l("End time"), validators=[InputRequired()])
    frequency = RadioField(_l("Repeat"), choices=FREQUENCY_CHOICES, default="monthly")
    interval = IntegerField(_l("Every how many weeks"), default=1,
                            validators=[Optional(), NumberRange(min=1, max=8)])
    weekdays = MultiCheckboxField(_l("Weekdays"), choices=WEEKDAY_CHOICES)
    ordinals = MultiCheckboxField(_l("Weeks of the month"), choices=ORDINAL_CHOICES)
    custom_rule = StringField(_l("Custom rule"),
                              validators=[Optional(), Length(max=SessionSeries.RRULE_MAX)])
    skip_dates = TextAreaField(_l("Dates to skip (one per line, YYYY-MM-DD)"),
                               validators=[Optional(), Length(max=4400)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = [choice for choice in self.kind.choices
                             if choice.value != SessionKind.OUTREACH_CLASS.value]


class CancelForm(FlaskForm):
    cancel_reason = TextAreaField(_l("Reason (shown to the public)"),
                                  validators=[DataRequired(),
                                              Length(max=EventSession.REASON_MAX)])

