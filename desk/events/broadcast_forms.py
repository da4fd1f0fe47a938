"""The broadcast form: which day (and venue) to cancel, and why."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from desk.core.forms import id_choices
from desk.events import queries
from desk.events.forms import schedule_date
from desk.events.models import EventSession


class BroadcastForm(FlaskForm):
    day = DateField(_l("Day"), validators=[InputRequired(), schedule_date])
    venue_id = SelectField(_l("Venue"), validators=[Optional()])
    cancel_reason = TextAreaField(
        _l("Reason (shown to the public and told to everyone booked)"),
        validators=[DataRequired(), Length(max=EventSession.REASON_MAX)])
    # the ids of the sessions the coordinator saw in the preview
    previewed = HiddenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.venue_id.choices = id_choices(queries.venues(), lambda venue: venue.display_name,
                                           blank=_l("All venues"))
