"""Admin pages. The blueprint requires the admin role for every route."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from desk.admin import queries
from desk.auth import services as auth_services
from desk.auth.forms import ROLE_LABELS, UserCreateForm, UserEditForm
from desk.auth.models import User
from desk.core.timeutil import utcnow
from desk.core.web import FAILED, attempt, get_or_404, parse_page


def users():
    return render_template("admin/users.html", users=queries.users(), role_labels=ROLE_LABELS,
                           now=utcnow())


def user_new():
    form = UserCreateForm()
    if form.validate_on_submit():
        user = attempt(form, lambda: auth_services.create_user(
            form.email.data, form.password.data, role=form.role.data,
            display_name=form.display_name.data, actor=current_user))
        if user is not FAILED:
            flash(_("The account %(email)s has been created.", email=user.email), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=None)


def user_edit(user_id):
    user = get_or_404(User, user_id)
    form = UserEditForm(obj=user)
    if request.method == "GET":
        form.role.data = user.role.value
    if form.validate_on_submit():
        result = attempt(form, lambda: auth_services.update_user(
            user, display_name=form.display_name.data, role=form.role.data,
            is_enabled=form.is_enabled.data, actor=current_user))
        if result is not FAILED:
            flash(_("The account has been saved."), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=user, now=utcnow())


def user_unlock(user_id):
    user = get_or_404(User, user_id)
    auth_services.unlock_user(user, actor=current_user)
    flash(_("The account %(email)s can log in again.", email=user.login_name), "success")
    return redirect(url_for("admin.users"))


def tokens():
    return render_template("admin/tokens.html", tokens=queries.tokens())


def token_revoke(token_id):
    if attempt(None, lambda: auth_services.revoke_token(
            token_id, now=utcnow(), actor=current_user)) is not FAILED:
        flash(_("The token has been revoked."), "success")
    return redirect(url_for("admin.tokens"))


def audit():
    object_type = request.args.get("type") or None
    return render_template("admin/audit.html", object_type=object_type,
                           entries=queries.audit_page(page=parse_page(request.args.get("page")),
                                                      object_type=object_type),
                           object_types=queries.audit_object_types())
