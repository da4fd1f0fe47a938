"""The public booking pages' forms: book a seat, cancel with the booking code.

The rules (what a valid phone, kana or booking code is) live in the services; these
forms only parse and render.
"""

import secrets

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, RadioField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional

from desk.core.forms import labelled_choices
from desk.events.labels import TOPIC_LABELS, WILL_USE_LABELS
from desk.events.models import SurveyInvitation
from desk.people.forms import PersonFieldsForm
from desk.people.labels import PROXY_RELATION_LABELS
from desk.people.models import ProxyContact, ProxyRelation

# one to Booking.MAX_SEATS: the person and up to two companions
SEAT_CHOICES = labelled_choices([
    (1, _l("1 (only the person attending)")),
    (2, _l("2 (with one companion)")),
    (3, _l("3 (with two companions)")),
])


class BookingForm(PersonFieldsForm):
    """The person attending (PersonFieldsForm), the party's size, and, only when
    someone books for that person, the booker's details."""

    phone = StringField(_l("Phone number"), validators=[DataRequired(), Length(max=30)],
                        render_kw={"autocomplete": "tel", "inputmode": "tel"})
    seats = RadioField(_l("Number of seats"), coerce=int, default=1, choices=SEAT_CHOICES)
    survey_consent = BooleanField(_l("Yes, send me a short survey the day after the class"))
    proxy_name = StringField(_l("Your name"),
                             validators=[Optional(), Length(max=ProxyContact.NAME_MAX)])
    proxy_relation = RadioField(_l("How you are related"), default=ProxyRelation.FAMILY.value,
                                choices=labelled_choices(
                                    (member.value, label)
                                    for member, label in PROXY_RELATION_LABELS.items()))
    proxy_phone = StringField(_l("Your phone number"),
                              validators=[Optional(), Length(max=30)],
                              render_kw={"inputmode": "tel"})
    proxy_wants_copies = BooleanField(_l("Yes, send me a copy of the messages about this "
                                         "booking"))
    # the form's own id: sending it twice (a double click, a reload) books once
    request_key = HiddenField(default=lambda: secrets.token_urlsafe(18))

    def booking_data(self, *, language):
        """The person's fields and the seats, as desk.events.public_booking takes them."""
        return {**self.person_data(), "seats": self.seats.data, "language": language,
                "survey_consent": self.survey_consent.data}

    def request_key_value(self):
        return self.request_key.data or None

    def proxy_data(self):
        """The booker's fields, or None when nobody books for someone else (both the
        name and the phone left empty)."""
        if not ((self.proxy_name.data or "").strip() or (self.proxy_phone.data or "").strip()):
            return None
        return {"name": self.proxy_name.data, "relation": self.proxy_relation.data,
                "phone": self.proxy_phone.data, "wants_copies": self.proxy_wants_copies.data}


class CancelByCodeForm(FlaskForm):
    code = StringField(_l("Booking code"), validators=[DataRequired(), Length(max=20)],
                       render_kw={"autocomplete": "off", "inputmode": "numeric"})
    phone = StringField(_l("Phone number"), validators=[DataRequired(), Length(max=30)],
                        render_kw={"autocomplete": "tel", "inputmode": "tel"})


class ConfirmForm(FlaskForm):
    """A button alone (the CSRF token is the form's only field)."""


class MoveForm(FlaskForm):
    """Move a booking to another session: the sessions offered (ids), and whether a
    full one's waiting list is wanted instead of a seat (giving up the seat held)."""

    target = RadioField(_l("New date"), coerce=int, validators=[DataRequired()])
    to_waitlist = BooleanField(_l("If that date is full, put me on its waiting list "
                                  "(the seat I have now is given up)"))

    def __init__(self, *args, targets, describe, **kwargs):
        super().__init__(*args, **kwargs)
        self.target.choices = [(session.id, describe(session, counts))
                               for session, counts in targets]


class OfferForm(FlaskForm):
    """A seat offer's page: take the seat (the one big button), or say you cannot come."""

    take = SubmitField(_l("Take this seat"))
    decline = SubmitField(_l("I cannot come"))


class SurveyForm(FlaskForm):
    """The three questions of the survey after a class (desk.events.surveys); each may
    be left blank."""

    useful = RadioField(_l("Was the class useful?"), validate_choice=False,
                        choices=labelled_choices([
                            ("5", _l("Very useful")), ("4", _l("Useful")),
                            ("3", _l("Neither")), ("2", _l("Not very useful")),
                            ("1", _l("Not useful"))]))
    will_use = RadioField(_l("Will you try using what you learned?"),
                          validate_choice=False,
                          choices=labelled_choices(
                              (member.value, label) for member, label in WILL_USE_LABELS.items()))
    next_topic = RadioField(_l("What would you like to learn next?"),
                            validate_choice=False,
                            choices=labelled_choices(
                                (member.value, label) for member, label in TOPIC_LABELS.items()))
    next_text = StringField(_l("Anything else you would like to learn (optional)"),
                            validators=[Optional(), Length(max=SurveyInvitation.NEXT_TEXT_MAX)])

    def answers(self):
        return {name: self[name].data for name in ("useful", "will_use", "next_topic",
                                                   "next_text")}


class FollowUpForm(FlaskForm):
    """The next class offered to a party still waiting at the start: book it (the one
    big button), or say no thanks."""

    take = SubmitField(_l("Book this class"))
    decline = SubmitField(_l("No, thank you"))
