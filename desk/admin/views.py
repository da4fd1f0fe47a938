"""Admin pages. The blueprint requires the admin role for every route."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from desk.admin import filters, queries
from desk.auth import services as auth_services
from desk.auth.forms import ROLE_LABELS, UserCreateForm, UserEditForm
from desk.auth.models import User
from desk.core import accesslog
from desk.core.timeutil import utcnow
from desk.core.web import FAILED, attempt, get_or_404, parse_id, parse_page

# what the access log's records are, for its page
ACCESS_OBJECT_LABELS = {"person": _l("Residents")}
ACCESS_IDS_SHOWN = 20
ACCESS_FILTERS = ("user", "action", "from", "to", "person")


def index():
    return redirect(url_for("admin.users"))


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


def _access_filters(args):
    """({service argument: value}, [error message], {name: raw value}) from the access
    log page's query string; a filter that cannot be read is left out and said why."""
    errors = []
    raw = filters.raw_values(args, ACCESS_FILTERS)
    values = {"actor_id": filters.account(raw, errors), **filters.day_range(raw, errors),
              "action": filters.action(raw, errors, accesslog.actions())}
    if raw["person"]:
        values["person_id"] = parse_id(raw["person"])
        if values["person_id"] is None:
            errors.append(_("The resident's number is a whole number, as shown on their "
                            "page (No. 42)."))
    return {key: value for key, value in values.items() if value is not None}, errors, raw


def access_log():
    filters, errors, raw = _access_filters(request.args)
    entries = queries.access_page(page=parse_page(request.args.get("page")), **filters)
    return render_template(
        "admin/access_log.html", entries=entries, errors=errors, raw=raw,
        query={name: value for name, value in raw.items() if value},
        users=queries.users(), actions=accesslog.actions(),
        object_labels=ACCESS_OBJECT_LABELS, ids_shown=ACCESS_IDS_SHOWN)
