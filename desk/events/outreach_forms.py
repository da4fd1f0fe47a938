"""The forms of outreach requests: the public request form (also the coordinators'
form for a request taken by phone), the steps of a request, and scheduling its class.
They parse and render; the rules live in desk.events.outreach."""

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
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from desk.core.districts import all_districts
from desk.core.forms import IntegerField, MultiCheckboxField, id_choices, labelled_choices
from desk.events import outreach, queries
from desk.events.forms import schedule_date
from desk.events.labels import (
    DECLINE_REASON_LABELS,
    DEVICE_LABELS,
    GROUP_KIND_LABELS,
    REPLY_CHANNEL_LABELS,
    TOPIC_LABELS,
)
from desk.events.models import MAX_CAPACITY, EventSession, OutreachRequest, Venue, VenueKind


def _choices(labels, members=None):
    return labelled_choices((member.value, labels[member]) for member in members or labels)


class OutreachRequestForm(FlaskForm):
    group_name = StringField(_l("Name of the group"),
                             validators=[DataRequired(), Length(max=OutreachRequest.GROUP_MAX)])
    group_kind = RadioField(_l("Kind of group"), choices=_choices(GROUP_KIND_LABELS),
                            validators=[InputRequired()])
    contact_name = StringField(_l("Contact person's name"),
                               validators=[DataRequired(), Length(max=OutreachRequest.NAME_MAX)],
                               render_kw={"autocomplete": "name"})
    contact_kana = StringField(_l("Reading of the name (kana)"),
                               validators=[DataRequired(), Length(max=OutreachRequest.KANA_MAX)])
    contact_phone = StringField(_l("Phone number"), validators=[DataRequired(), Length(max=30)],
                                render_kw={"autocomplete": "tel", "inputmode": "tel"})
    contact_email = StringField(_l("E-mail address (optional)"),
                                validators=[Optional(), Length(max=OutreachRequest.EMAIL_MAX)],
                                render_kw={"autocomplete": "email", "inputmode": "email"})
    reply_channel = RadioField(_l("How should we answer?"), default="sms",
                               choices=_choices(REPLY_CHANNEL_LABELS),
                               validators=[InputRequired()])
    place_name = StringField(_l("Place of the class"),
                             validators=[DataRequired(), Length(max=OutreachRequest.PLACE_MAX)])
    place_address = StringField(_l("Address of the place"),
                                validators=[DataRequired(),
                                            Length(max=OutreachRequest.ADDRESS_MAX)])
    district_id = SelectField(_l("District"), validators=[Optional()])
    preferred_date_1 = DateField(_l("Preferred date"), validators=[InputRequired(), schedule_date])
    preferred_date_2 = DateField(_l("Second choice (optional)"),
                                 validators=[Optional(), schedule_date])
    preferred_date_3 = DateField(_l("Third choice (optional)"),
                                 validators=[Optional(), schedule_date])
    preferred_times = StringField(_l("Preferred time of day (optional)"),
                                  validators=[Optional(), Length(max=OutreachRequest.TIMES_MAX)])
    expected_count = IntegerField(_l("Expected number of participants"),
                                  validators=[InputRequired(),
                                              NumberRange(min=1, max=OutreachRequest.COUNT_MAX)])
    topics = MultiCheckboxField(_l("What would you like to learn?"),
                                choices=_choices(TOPIC_LABELS))
    devices = MultiCheckboxField(_l("Smartphones the participants use"),
                                 choices=_choices(DEVICE_LABELS, outreach.REQUEST_DEVICES))
    needs_hearing = BooleanField(_l("Some participants hear poorly"))
    needs_wheelchair = BooleanField(_l("Some participants use a wheelchair"))
    needs_notes = TextAreaField(_l("Other needs or wishes (optional)"),
                                validators=[Optional(), Length(max=OutreachRequest.NEEDS_MAX)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.district_id.choices = id_choices(all_districts(), lambda item: item.display_name,
                                              blank=_l("(not sure)"))


class OutreachNoteForm(FlaskForm):
    note = StringField(_l("Note for the history (optional)"),
                       validators=[Optional(), Length(max=OutreachRequest.NOTE_MAX)])


class OutreachDeclineForm(OutreachNoteForm):
    decline_reason = RadioField(_l("Reason (told to the contact person)"),
                                choices=_choices(DECLINE_REASON_LABELS),
                                validators=[InputRequired()])


class OutreachScheduleForm(FlaskForm):
    place_id = SelectField(_l("Community place"), validators=[Optional()])
    place_name = StringField(_l("Place name"),
                             validators=[Optional(), Length(max=Venue.NAME_MAX)])
    place_name_kana = StringField(_l("Reading (kana)"),
                                  validators=[Optional(), Length(max=Venue.KANA_MAX)])
    place_short_name = StringField(_l("Short name for SMS (8 characters at most)"),
                                   validators=[Optional(), Length(max=Venue.SHORT_NAME_MAX)])
    program_id = SelectField(_l("Program"), validators=[DataRequired()])
    day = DateField(_l("Date"), validators=[InputRequired(), schedule_date])
    start_time = TimeField(_l("Start time"), validators=[InputRequired()])
    end_time = TimeField(_l("End time"), validators=[InputRequired()])
    capacity = IntegerField(_l("Seats"), validators=[Optional(),
                                                     NumberRange(min=0, max=MAX_CAPACITY)])
    notes = TextAreaField(_l("Notes"), validators=[Optional(),
                                                   Length(max=EventSession.NOTES_MAX)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.place_id.choices = id_choices(
            queries.venues(active_only=True, kind=VenueKind.COMMUNITY),
            lambda venue: venue.display_name,
            blank=_l("(add the place of the request as a new community place)"))
        self.program_id.choices = id_choices(queries.programs(active_only=True),
                                             lambda program: program.display_title, blank="")
