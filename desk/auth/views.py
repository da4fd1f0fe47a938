from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from desk.auth import services
from desk.auth.forms import LoginForm, PasswordForm
from desk.auth.models import Role
from desk.core.timeutil import utcnow
from desk.core.web import FAILED, attempt, safe_next_url


def home_for(user):
    if user.is_staff:
        return url_for("staff.sessions")
    if user.role == Role.VOLUNTEER:
        return url_for("volunteer.home")
    return url_for("auth.account")


def login():
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = LoginForm()
    if form.validate_on_submit():
        # a failure is counted although refused (services.LoginError keeps its changes)
        user = attempt(form, lambda: services.authenticate(form.email.data, form.password.data,
                                                           now=utcnow()))
        if user is not FAILED:
            login_user(user)
            return redirect(safe_next_url(request.args.get("next"), home_for(user)))
    return render_template("auth/login.html", form=form)


def logout():
    """Log out here and in every other browser of the account."""
    if current_user.is_authenticated:
        services.end_sessions(current_user)
    logout_user()
    flash(_("You have logged out."), "info")
    return redirect(url_for("public.schedule"))


def account():
    form = PasswordForm()
    if form.validate_on_submit():
        if attempt(form, lambda: services.change_password(
                current_user, form.current_password.data, form.new_password.data,
                actor=current_user)) is not FAILED:
            logout_user()
            flash(_("Your password has been changed. Please log in with the new password."),
                  "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/account.html", form=form)
