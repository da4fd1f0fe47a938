"""The reception's form: a ticket in one tap, with an optional name, phone number and
"send me an SMS when my turn is coming".

The rules (a phone number we can use, the SMS needs a mobile) live in
desk.consults.services.issue_ticket; this form only parses and renders. The visit-log
forms are in desk/consults/visit_forms.py.
"""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, StringField
from wtforms.validators import Length, Optional

from desk.consults.models import Ticket
from desk.core.forms import new_submission_id

PHONE_MAX = 30  # what people type, separators included (the service parses it)


class IssueForm(FlaskForm):
    visitor_name = StringField(_l("Name (optional)"),
                               validators=[Optional(), Length(max=Ticket.NAME_MAX)],
                               render_kw={"autocomplete": "off"})
    phone = StringField(_l("Phone number (optional)"),
                        validators=[Optional(), Length(max=PHONE_MAX)],
                        render_kw={"autocomplete": "off", "inputmode": "tel", "type": "tel"})
    wants_sms = BooleanField(_l("Send an SMS when their turn is coming"))
    submission = HiddenField(default=new_submission_id)

    def service_data(self):
        """What desk.consults.services.issue_ticket takes."""
        return {"visitor_name": (self.visitor_name.data or "").strip(),
                "phone": (self.phone.data or "").strip(),
                "wants_sms": bool(self.wants_sms.data),
                "request_key": self.submission.data}
