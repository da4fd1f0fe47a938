from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length

from desk.auth.models import Role, User
from desk.core.forms import labelled_choices

ROLE_LABELS = {
    Role.ADMIN: _l("Administrator"),
    Role.COORDINATOR: _l("Coordinator"),
    Role.VOLUNTEER: _l("Volunteer"),
}


ROLE_CHOICES = labelled_choices((role.value, label) for role, label in ROLE_LABELS.items())


class LoginForm(FlaskForm):
    # an e-mail address, or a phone number (volunteers invited by SMS); the field keeps
    # its name `email` for the pages and tests that fill it in
    email = StringField(_l("E-mail address or phone number"),
                        validators=[DataRequired(), Length(max=User.EMAIL_MAX)],
                        render_kw={"autocomplete": "username"})
    password = PasswordField(_l("Password"),
                             validators=[DataRequired(), Length(max=User.PASSWORD_MAX)],
                             render_kw={"autocomplete": "current-password"})


class PasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()],
                                     render_kw={"autocomplete": "current-password"})
    new_password = PasswordField(
        _l("New password"),
        validators=[DataRequired(), Length(min=User.PASSWORD_MIN, max=User.PASSWORD_MAX)],
        render_kw={"autocomplete": "new-password"})


class UserCreateForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Length(max=User.EMAIL_MAX)])
    display_name = StringField(_l("Name"), validators=[DataRequired(), Length(max=User.NAME_MAX)])
    role = SelectField(_l("Role"), choices=ROLE_CHOICES)
    password = PasswordField(
        _l("Initial password"),
        validators=[DataRequired(), Length(min=User.PASSWORD_MIN, max=User.PASSWORD_MAX)],
        render_kw={"autocomplete": "new-password"})


class UserEditForm(FlaskForm):
    display_name = StringField(_l("Name"), validators=[DataRequired(), Length(max=User.NAME_MAX)])
    role = SelectField(_l("Role"), choices=ROLE_CHOICES)
    is_enabled = BooleanField(_l("Account can log in"))
