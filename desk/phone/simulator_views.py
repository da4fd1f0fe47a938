"""The phone line simulator's pages (coordinators and admins): start a call from a
number, press keys, say an answer or a name (typed), hang up; each POST redirects to
the page showing what the caller hears now."""

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from desk.core.errors import DeskError
from desk.core.timeutil import utcnow
from desk.core.transaction import refusable
from desk.phone import simulator
from desk.phone.models import NameRecording

SESSION_KEY = "phone_simulator_call"
NUMBER_MAX = 30
SAID_MAX = 200


def page():
    call = simulator.simulated_call(session.get(SESSION_KEY))
    return render_template("phone/simulator.html", call=call, keys=simulator.KEYS,
                           heard=simulator.heard(call.last_twiml) if call else None)


def start():
    number = request.form.get("number", "").strip()[:NUMBER_MAX]
    session[SESSION_KEY] = simulator.start(number, now=utcnow())
    return redirect(url_for("phone_staff.simulator"))


def press():
    call = simulator.simulated_call(session.get(SESSION_KEY))
    digits = request.form.get("keys", "").strip()
    name = request.form.get("name", "").strip()[:NameRecording.HINT_MAX]
    said = request.form.get("said", "").strip()[:SAID_MAX]
    if call is None:
        flash(_("Start a call first."), "error")
    elif digits and any(key not in simulator.KEYS for key in digits):
        flash(_("Only the keys of a telephone keypad can be pressed."), "error")
    else:
        try:
            with refusable():
                simulator.press(call, digits, now=utcnow(), said=said, name=name)
        except DeskError as error:
            flash(error.message, "error")
    return redirect(url_for("phone_staff.simulator"))


def hang_up():
    call = simulator.simulated_call(session.pop(SESSION_KEY, None))
    if call is not None:
        simulator.hang_up(call, now=utcnow())
    return redirect(url_for("phone_staff.simulator"))
