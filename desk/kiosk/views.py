"""The kiosk's pages (on the bound device) and the staff's kiosk list.

Kiosk pages answer only a device whose cookie holds the token of a bound, not revoked
kiosk for the venue in the URL; any other browser gets the "not set up" page (403)
and no data. Personal data only travels in POST bodies: the booking form posts to
`book`, which redirects (303) to a confirmation URL carrying the booking's secret
token and nothing typed. Every kiosk response is `Cache-Control: no-store`.
"""

from datetime import timedelta
from functools import wraps

import segno
from flask import (
    abort,
    current_app,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from desk.auth.services import end_sessions
from desk.core.db import writes
from desk.core.errors import DeskError
from desk.core.i18n import LOCALE_COOKIE
from desk.core.phone import grouping_rules
from desk.core.timeutil import utcnow
from desk.core.transaction import refusable
from desk.core.web import FAILED, attempt, get_or_404, public_url_for
from desk.events import news
from desk.events.bookings import waitlist_position
from desk.events.models import BookingStatus
from desk.kiosk import queries, services
from desk.kiosk.forms import (
    KANA_COLUMNS,
    LAST_STEP,
    STEP_FIELDS,
    KioskBookingForm,
    KioskCreateForm,
    KioskNewsForm,
    KioskSetupForm,
)
from desk.kiosk.furigana import furigana
from desk.kiosk.models import KioskDevice
from desk.people.models import ConsentMethod

DEVICE_COOKIE = "desk_kiosk"
DEVICE_COOKIE_PATH = "/kiosk"
DEVICE_COOKIE_MAX_AGE = int(timedelta(days=5 * 365).total_seconds())
COUNTDOWN_SECONDS = 15  # the "are you still there?" dialog's countdown
REFRESH_SECONDS = 30 * 60  # an untouched start page reloads (fresh seats, fresh form)


# -- the device ------------------------------------------------------------------------------

def _device():
    """The bound kiosk of this browser (its cookie), or None. Noting when it was last
    seen writes, even on a GET: the views that call this are marked `writes`, so that on
    SQLite their transaction takes the write lock from the start."""
    token = request.cookies.get(DEVICE_COOKIE)
    if not token:
        return None
    return services.device_for_token(token, now=utcnow())


def kiosk_page(view):
    """A page of the kiosk at <venue_id>: only for the device bound to that venue."""
    @writes
    @wraps(view)
    def wrapper(venue_id, **kwargs):
        device = _device()
        if device is None or device.venue_id != venue_id:
            return not_set_up()
        return view(device, **kwargs)

    return wrapper


def not_set_up():
    return _render("kiosk/not_set_up.html", status=403, venue=None)


def _furigana_on():
    source = request.form if request.method == "POST" else request.args
    return source.get("furigana") == "1"


def _render(template, *, status=200, **context):
    idle = current_app.config["DESK_KIOSK_IDLE_SECONDS"]
    context.setdefault("furigana_on", _furigana_on())
    return render_template(template, idle_seconds=idle,
                           countdown_seconds=min(COUNTDOWN_SECONDS, idle // 4),
                           refresh_seconds=REFRESH_SECONDS, **context), status


def no_store(response):
    """Nothing a kiosk shows is kept by the browser or a proxy (after_request)."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    return response


def form_expired(error):
    """A kiosk form sent after its CSRF token expired: start again, on the kiosk's own
    page (never the site's error page with its menus)."""
    venue_id = (request.view_args or {}).get("venue_id")
    return _render("kiosk/expired.html", status=400, venue=None, venue_id=venue_id)


# -- setting up the device -------------------------------------------------------------------

@writes
def setup():
    form = KioskSetupForm()
    device = _device()
    if form.validate_on_submit():
        try:
            with refusable():
                device, token = services.bind_device(form.code.data, now=utcnow())
        except DeskError as error:
            form.code.errors = [error.fields.get("code", error.message)]
            return _render("kiosk/setup.html", form=form, device=None, venue=None)
        # nothing of a staff login stays on the kiosk, nor works from a copy of its cookie
        if current_user.is_authenticated:
            end_sessions(current_user)
            logout_user()
        session.clear()
        response = redirect(url_for("kiosk.start", venue_id=device.venue_id), 303)
        response.set_cookie(DEVICE_COOKIE, token, max_age=DEVICE_COOKIE_MAX_AGE,
                            path=DEVICE_COOKIE_PATH, httponly=True, samesite="Strict",
                            secure=current_app.config["DESK_PUBLIC_URL"].startswith("https://"))
        return response
    return _render("kiosk/setup.html", form=form, device=device, venue=None)


# -- the booking flow --------------------------------------------------------------------------

def _start_page(device, form, *, status=200, errors=()):
    groups = queries.kiosk_sessions(device.venue, now=utcnow())
    # a fresh start screen, as the reset leaves it: the idle timer only refreshes it
    pristine = request.method == "GET" and not _furigana_on() \
        and LOCALE_COOKIE not in request.cookies
    return _render("kiosk/start.html", status=status, form=form, device=device,
                   pristine=pristine,
                   venue=device.venue, groups=groups, seats=queries.seats_of(groups),
                   form_errors=list(errors), kana_columns=KANA_COLUMNS,
                   phone_grouping=grouping_rules(),
                   start_step=form.first_error_step() if status >= 400 else 1,
                   last_step=LAST_STEP)


@kiosk_page
def start(device):
    if request.args.get("reset"):
        return _reset(device)
    return _start_page(device, KioskBookingForm(formdata=None))


def _reset(device):
    """Back to the start screen in the kiosk's own language (the last person's language
    choice is forgotten). kiosk.js comes here with location.replace."""
    response = redirect(url_for("kiosk.start", venue_id=device.venue_id))
    response.delete_cookie(LOCALE_COOKIE)
    return response


@kiosk_page
def check(device):
    """Check one step's fields before the kiosk moves on (kiosk.js): the messages in
    the user's language as HTML (escaped, with furigana ruby in Japanese), and the
    phone number read back in groups."""
    step = request.form.get("step", "")
    fields = STEP_FIELDS.get(int(step)) if step.isascii() and step.isdigit() else None
    if fields is None:
        abort(400)
    errors, phone = services.check_details(request.form, fields, now=utcnow())
    return jsonify(errors={name: str(furigana(message)) for name, message in errors.items()},
                   phone=phone)


@kiosk_page
def book(device):
    form = KioskBookingForm()
    if not form.validate_on_submit():
        return _start_page(device, form, status=422)
    try:
        with refusable():
            result = services.book_at_kiosk(form.booking_data(), device=device,
                                            language=str(get_locale()), now=utcnow())
    except DeskError as error:
        unplaced = []
        for name, message in (error.fields or {"session_id": error.message}).items():
            if name in form:
                form[name].errors = [*form[name].errors, message]
            else:
                unplaced.append(message)
        return _start_page(device, form, status=error.status, errors=unplaced)
    values = {"furigana": "1"} if _furigana_on() else {}
    if not result.reveal:
        # the person already had a booking (found by phone and kana): its code is not
        # shown to whoever typed them; it was sent again to the person instead
        return redirect(url_for("kiosk.already", venue_id=device.venue_id, **values), 303)
    return redirect(url_for("kiosk.done", venue_id=device.venue_id,
                            token=result.booking.token, **values), 303)


def _calendar_qr(booking):
    """The QR code (an SVG data URI, no style attributes) of the booking's calendar
    file at the public address, for the person's own phone."""
    url = public_url_for("public.booking_ics", token=booking.token)
    return segno.make(url, error="m").svg_data_uri(scale=6, border=4, xmldecl=False)


@kiosk_page
def already(device):
    return _render("kiosk/already.html", device=device, venue=device.venue)


def _done_page(device, booking, *, news_form, status=200):
    return _render("kiosk/done.html", status=status, device=device, venue=device.venue,
                   booking=booking, waitlisted=booking.status == BookingStatus.WAITLISTED,
                   position=waitlist_position(booking), qr=_calendar_qr(booking),
                   news_form=news_form, news_offered=news.automatic_channel(booking.person)
                   is not None and news.active_subscription(booking.person) is None,
                   news_done=request.args.get("news") == "1")


@kiosk_page
def done(device, token):
    booking = queries.done_booking(token, now=utcnow())
    if booking is None:
        return _render("kiosk/done.html", device=device, venue=device.venue, booking=None)
    return _done_page(device, booking, news_form=KioskNewsForm())


@kiosk_page
def done_news(device, token):
    """The offer at the end of a kiosk booking: hear about new classes of the topics
    ticked, on the automatic channel of the booking's phone."""
    now = utcnow()
    booking = queries.done_booking(token, now=now)
    values = {"furigana": "1"} if _furigana_on() else {}
    if booking is None:
        return redirect(url_for("kiosk.done", venue_id=device.venue_id, token=token,
                                **values), 303)
    form = KioskNewsForm()
    if form.validate_on_submit():
        result = attempt(form, lambda: news.subscribe_after_booking(
            booking, form.news_data(), method=ConsentMethod.KIOSK, actor="kiosk", now=now))
        if result is not FAILED:
            return redirect(url_for("kiosk.done", venue_id=device.venue_id, token=token,
                                    news="1", **values), 303)
    return _done_page(device, booking, news_form=form, status=422)


# -- staff: kiosks ----------------------------------------------------------------------------

def _kiosks_page(form, status=200, new_code=None):
    response = make_response(render_template(
        "staff/kiosks.html", form=form, kiosks=queries.kiosks(), new_code=new_code,
        now=utcnow(), setup_url=public_url_for("kiosk.setup")), status)
    if new_code is not None:
        response.headers["Cache-Control"] = "no-store"
    return response


def _with_code(device, code):
    """The kiosk list showing a new setup code, as the answer to the POST that made it:
    the code is shown once and kept nowhere (not in the session cookie, not in the
    database, which holds its hash only); a reload asks before sending the form again."""
    return _kiosks_page(KioskCreateForm(formdata=None),
                        new_code={"device": device, "code": services.format_setup_code(code)})


def kiosks():
    return _kiosks_page(KioskCreateForm(formdata=None))


def kiosk_create():
    form = KioskCreateForm()
    if form.validate_on_submit():
        result = attempt(form, lambda: services.create_kiosk(
            {"venue_id": form.venue_id.data, "name": form.name.data},
            actor=current_user, now=utcnow()))
        if result is not FAILED:
            return _with_code(*result)
    return _kiosks_page(form)


def kiosk_code(device_id):
    device = get_or_404(KioskDevice, device_id)
    code = attempt(None, lambda: services.renew_setup_code(device, actor=current_user,
                                                           now=utcnow()))
    if code is FAILED:
        return redirect(url_for("kiosk_staff.kiosks"))
    return _with_code(device, code)


def kiosk_revoke(device_id):
    device = get_or_404(KioskDevice, device_id)
    if attempt(None, lambda: services.revoke_kiosk(device, actor=current_user,
                                                   now=utcnow())) is not FAILED:
        flash(_("The kiosk %(name)s has been revoked. Its device can no longer open the "
                "kiosk.", name=device.name), "success")
    return redirect(url_for("kiosk_staff.kiosks"))
