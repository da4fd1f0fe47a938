"""The form of a coordinator's note to the people of a session."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from desk.events.models import SessionMessage


class SessionMessageForm(FlaskForm):
    text_ja = TextAreaField(_l("Message in Japanese"),
                            validators=[DataRequired(), Length(max=SessionMessage.TEXT_MAX)],
                            render_kw={"rows": 3, "maxlength": SessionMessage.TEXT_MAX})
    text_en = TextAreaField(_l("Message in English (optional)"),
                            validators=[Optional(), Length(max=SessionMessage.TEXT_MAX)],
                            render_kw={"rows": 3, "maxlength": SessionMessage.TEXT_MAX})
    include_waitlist = BooleanField(_l("Tell the people on the waiting list too"))
    # a one-time key made when the form is first shown: the same form sent twice is
    # one message (desk.events.session_messages.send_session_message)
    key = HiddenField()
