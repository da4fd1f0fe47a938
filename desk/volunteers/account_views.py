"""Account pages: a coordinator's invitation, joining by link or code, and the password
reset pages (the `password` blueprint: /password/...).

A link page answers 410 Gone with a friendly page when its link is unknown, used,
expired or replaced (the page does not say which: the address may have been guessed).
Opening a link page changes nothing (mail scanners open links too); only sending the
form uses the link. Link pages send `Referrer-Policy: no-referrer`, so the secret in
their address never travels to another page.

A code page answers the same whether or not the phone number belongs to an account;
wrong codes are counted (AccountLink.MAX_ATTEMPTS) and its POST is rate-limited
(CODE_RATE_LIMIT, per client address), like the kiosk setup page. The "forgot" page
gives one answer whatever was typed, once it looks like an e-mail address or a phone
number.
"""

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from desk.auth import reset
from desk.auth.models import AccountLink, LinkChannel, LinkPurpose
from desk.auth.views import home_for
from desk.core.errors import DeskError
from desk.core.phone import display_phone
from desk.core.timeutil import utcnow
from desk.core.transaction import refusable
from desk.core.web import FAILED, apply_error, attempt, get_or_404, public_url_for
from desk.volunteers import accounts, passwords
from desk.volunteers.account_forms import (
    CodePasswordForm,
    ForgotForm,
    InviteForm,
    PasswordPairForm,
)
from desk.volunteers.models import Volunteer

# codes are 6 digits and die after 5 wrong tries: a few tries a minute make guessing hopeless
CODE_RATE_LIMIT = "10 per minute"
LINK_HEADERS = {"Referrer-Policy": "no-referrer"}
GONE = object()  # a link page's link no longer works


def _log_in(user):
    if current_user.is_authenticated:
        logout_user()
    login_user(user)


def _gone(template):
    return render_template(template), 410, LINK_HEADERS


# -- coordinators ------------------------------------------------------------------------------

def account_state(volunteer):
    """The login account's state for the coordinators' volunteer page (a template
    global: templates/volunteers/join/_invite.html)."""
    return accounts.account_state(volunteer, now=utcnow())


def invite(volunteer_id):
    volunteer = get_or_404(Volunteer, volunteer_id)
    back = url_for("volunteer_staff.detail", volunteer_id=volunteer.id, _anchor="account-heading")
    form = InviteForm()
    if not form.validate_on_submit():
        if "csrf_token" in form.errors:
            flash(_("The form has expired. Please send it again."), "error")
        else:
            flash(_("Choose how to send the invitation: by e-mail or by SMS."), "error")
        return redirect(back)
    invitation = attempt(None, lambda: accounts.invite_volunteer(
        volunteer, form.channel.data, actor=current_user, now=utcnow()))
    if invitation is not FAILED:
        message = invitation.message
        if invitation.link.channel == LinkChannel.EMAIL:
            flash(_("An invitation e-mail to %(address)s is on its way. Its link works for "
                    "%(days)d days.", address=message.address,
                    days=reset.validity(LinkPurpose.INVITE, LinkChannel.EMAIL).days),
                  "success")
        else:
            flash(_("An SMS with a 6-digit code is on its way to %(phone)s. %(name)s types "
                    "it with their phone number at %(url)s within %(hours)d hours.",
                    phone=display_phone(message.address), name=volunteer.name,
                    url=public_url_for("volunteer_public.join_code"),
                    hours=passwords.validity_hours(message.template, message.channel)),
                  "success")
    return redirect(back)


# -- joining -----------------------------------------------------------------------------------

def join_link(link_token):
    now = utcnow()
    link = reset.link_for_token(link_token, LinkPurpose.INVITE, now=now)
    if link is None:
        return _gone("volunteers/join/invalid.html")
    form = PasswordPairForm()
    if form.validate_on_submit():
        user = _use_link(form, lambda: accounts.accept_invite_link(
            link_token, form.password.data, now=now))
        if user is GONE:
            return _gone("volunteers/join/invalid.html")
        if user is not FAILED:
            _log_in(user)
            flash(_("Welcome! Your password is set and you are logged in."), "success")
            return redirect(home_for(user))
    return render_template("volunteers/join/link.html", form=form, user=link.user,
                           expires_dt=link.expires_dt), 200, LINK_HEADERS


def _use_link(form, use):
    """The user whose password `use` set with a link, FAILED (the form shows why not) or
    GONE (the link no longer works)."""
    try:
        with refusable():
            return use()
    except reset.LinkUnusable:
        return GONE
    except DeskError as error:
        apply_error(form, error)
        return FAILED


def _use_code(form, use):
    """The user whose password the code form set (logged in), or None: the form shows
    why not (a wrong code is counted all the same: reset.CodeRefused keeps its changes)."""
    if not form.validate_on_submit():
        return None
    user = attempt(form, lambda: use(form.phone.data, form.code.data, form.password.data,
                                     now=utcnow()))
    if user is FAILED:
        return None
    _log_in(user)
    return user


def join_code():
    form = CodePasswordForm()
    user = _use_code(form, accounts.accept_invite_code)
    if user is not None:
        flash(_("Welcome! Your password is set and you are logged in."), "success")
        return redirect(home_for(user))
    return render_template("volunteers/join/code.html", form=form,
                           max_attempts=AccountLink.MAX_ATTEMPTS)


# -- forgotten passwords (the password blueprint: /password/...) -------------------------------

def _quiet_hours():
    hours = current_app.config.get("DESK_QUIET_HOURS")
    if not hours or hours[0] == hours[1]:
        return None
    return tuple(moment.strftime("%H:%M") for moment in hours)


def forgot():
    form = ForgotForm()
    sent = False
    if form.validate_on_submit():
        result = attempt(form, lambda: passwords.request_reset(form.login.data, now=utcnow()))
        sent = result is not FAILED
    hours = {channel: int(reset.validity(LinkPurpose.RESET, channel).total_seconds() // 3600)
             for channel in LinkChannel}
    return render_template("volunteers/password/forgot.html", form=form, sent=sent, quiet=_quiet_hours(),
                           email_hours=hours[LinkChannel.EMAIL],
                           sms_hours=hours[LinkChannel.SMS])


def reset_link(link_token):
    now = utcnow()
    link = reset.link_for_token(link_token, LinkPurpose.RESET, now=now)
    if link is None:
        return _gone("volunteers/password/reset_invalid.html")
    form = PasswordPairForm()
    if form.validate_on_submit():
        user = _use_link(form, lambda: reset.use_token(
            link_token, form.password.data, purpose=LinkPurpose.RESET, now=now))
        if user is GONE:
            return _gone("volunteers/password/reset_invalid.html")
        if user is not FAILED:
            _log_in(user)
            flash(_("Your new password is set and you are logged in."), "success")
            return redirect(home_for(user))
    return render_template("volunteers/password/reset_link.html", form=form, user=link.user,
                           expires_dt=link.expires_dt), 200, LINK_HEADERS


def _reset_by_code(phone, code, password, *, now):
    return passwords.use_code(phone, code, password, purpose=LinkPurpose.RESET, now=now)


def reset_code():
    form = CodePasswordForm()
    user = _use_code(form, _reset_by_code)
    if user is not None:
        flash(_("Your new password is set and you are logged in."), "success")
        return redirect(home_for(user))
    return render_template("volunteers/password/reset_code.html", form=form,
                           max_attempts=AccountLink.MAX_ATTEMPTS)
