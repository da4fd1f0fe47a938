"""The public survey page after a class (no login): reached by the secret of its short
link (/s/<token>), three questions, one submit; once answered (or closed) it says so.
It shows the class and its date, never a name (desk.events.surveys)."""

from flask import abort, redirect, render_template, url_for

from desk.core.timeutil import utcnow
from desk.core.web import FAILED, attempt
from desk.events import surveys
from desk.events.public_forms import SurveyForm


def survey(survey_token):
    invitation = surveys.invitation_by_token(survey_token)
    if invitation is None:
        abort(404)
    now = utcnow()
    form = SurveyForm()
    if surveys.is_open(invitation, now) and form.validate_on_submit():
        result = attempt(form, lambda: surveys.answer(invitation, form.answers(), now=now))
        if result is not FAILED:
            return redirect(url_for("public.survey", survey_token=survey_token))
    return render_template("public/survey.html", form=form, invitation=invitation,
                           session=invitation.booking.session,
                           is_open=surveys.is_open(invitation, now))
