"""Forms of the account pages: inviting, joining, forgetting and resetting a password."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, RadioField, StringField
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length

from desk.auth.models import LinkChannel, User
from desk.core.forms import labelled_choices

CHANNEL_CHOICES = labelled_choices([
    (LinkChannel.EMAIL.value, _l("By e-mail: a link")),
    (LinkChannel.SMS.value, _l("By SMS: a 6-digit code")),
])


def _new_password():
    return PasswordField(
        _l("New password"),
        validators=[DataRequired(), Length(min=User.PASSWORD_MIN, max=User.PASSWORD_MAX)],
        render_kw={"autocomplete": "new-password"})


def _password_again():
    return PasswordField(
        _l("New password again"),
        validators=[DataRequired(), EqualTo("password", message=_l("The two passwords differ."))],
        render_kw={"autocomplete": "new-password"})


def _phone():
    return StringField(_l("Mobile phone number"), validators=[DataRequired(), Length(max=30)],
                       render_kw={"autocomplete": "tel", "inputmode": "tel"})


def _code():
    return StringField(_l("Code from the SMS"), validators=[DataRequired(), Length(max=20)],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"})


class InviteForm(FlaskForm):
    channel = RadioField(_l("Send the invitation"), choices=CHANNEL_CHOICES,
                         validators=[InputRequired(
                             message=_l("Choose how to send the invitation."))])


class PasswordPairForm(FlaskForm):
    """A new password, typed twice (joining or resetting by link)."""

    password = _new_password()
    password_again = _password_again()


class CodePasswordForm(FlaskForm):
    """Phone number, SMS code and a new password typed twice (joining or resetting by
    code)."""

    phone = _phone()
    code = _code()
    password = _new_password()
    password_again = _password_again()


class ForgotForm(FlaskForm):
    login = StringField(_l("E-mail address or phone number"),
                        validators=[DataRequired(), Length(max=User.EMAIL_MAX)],
                        render_kw={"autocomplete": "username"})
